//! Two `pelihara serve` nodes on one PostgreSQL database, each with a data folder of its own
//! (two machines, no shared disk): nodes started together on an empty database all come up;
//! a letter uploaded through one downloads byte for byte through the other; every issued
//! document reads the same through both (downloading it through the other node does not issue
//! it anew); a node killed (SIGKILL) while it delivers a webhook hands the delivery over to
//! the other within 30 seconds, with the same delivery id.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pelihara_store::notifications::NewNotification;
use pelihara_store::{AuditSource, NewToken, Store, TokenScope};

/// `pelihara serve` on `url` with its own data folder `data`.
fn serve(url: &str, data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pelihara"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--database", url])
        .arg("--data")
        .arg(data)
        .args(["--health-check-hours", "0"])
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_DATA")
        .env_remove("PELIHARA_LANG")
        .env_remove("PELIHARA_NO_SCHEDULER")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    command
}

/// A running node and the address it serves on.
struct Node {
    child: Child,
    address: String,
}

/// A node the test did not stop (it failed half-way) is killed, not left running.
impl Drop for Node {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Node {
    /// Waits for the node's address line; `Err` with its exit status when it ended first.
    fn started(mut child: Child) -> Result<Node, String> {
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(rest) = line.strip_prefix("Pelihara: http://") {
                        break rest.split('/').next().unwrap().to_owned();
                    }
                }
                _ => return Err(format!("ended before serving: {:?}", child.wait())),
            }
        };
        std::thread::spawn(move || for _ in lines {});
        // Serving (and so stopping gracefully on SIGTERM) once it answers a page.
        let (status, _) = http(&address, "GET", "/masuk", "-", None);
        assert_eq!(status, 200, "{address} answers");
        Ok(Node { child, address })
    }

    fn signal(&self, signal: &str) {
        Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
    }

    /// SIGTERM, and the graceful stop's exit code 0.
    fn stop(mut self) {
        self.signal("-TERM");
        assert!(self.child.wait().unwrap().success());
    }
}

/// One HTTP/1.0 exchange (no chunking: the body ends with the connection): status and body.
fn http(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<(&str, &[u8])>,
) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.0\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n");
    if let Some((content_type, bytes)) = body {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    if let Some((_, bytes)) = body {
        stream.write_all(bytes).unwrap();
    }
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("an HTTP answer");
    let status = String::from_utf8_lossy(&answer[..split])
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    (status, answer[split + 4..].to_vec())
}

fn json(address: &str, path: &str, token: &str) -> serde_json::Value {
    let (status, body) = http(address, "GET", path, token, None);
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// A multipart body of text fields and one PDF file.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----pelihara-two-nodes";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"surat.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A token of `username` with `scopes`, made through the store as the account page would.
async fn token(store: &Store, username: &str, scopes: &[TokenScope]) -> String {
    let user = store.user_by_username(username).await.unwrap().unwrap();
    let minted = pelihara_web::auth::mint_token();
    let now = chrono::Utc::now();
    store
        .create_token(
            NewToken {
                user_id: user.user.id,
                prefix: minted.prefix,
                secret_hash: minted.secret_hash,
                name: "dua node".into(),
                scopes: scopes.to_vec(),
                expires_at: now + chrono::Duration::days(1),
            },
            &AuditSource::cli("test"),
            now,
        )
        .await
        .unwrap();
    minted.token
}

/// Seeds the demo into the database (it serves once seeded; stopped at once).
fn seed_demo(url: &str, data: &Path) {
    let child = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(["demo", "--port", "0", "--database", url, "--data"])
        .arg(data)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_LANG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    Node::started(child).unwrap().stop();
}

/// What the webhook receiver saw: the path (which node) and the delivery id.
type Seen = (String, String);

/// A webhook receiver: every node posts to its own path. The first delivery to the test's own
/// recipient is held unanswered (the node is mid-delivery) and reported on `held`; everything
/// else is answered 200 and reported on `answered`.
fn receiver(listener: TcpListener, held: mpsc::Sender<Seen>, answered: mpsc::Sender<Seen>) {
    std::thread::spawn(move || {
        let mut holding: Vec<TcpStream> = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some((path, body)) = read_request(&mut stream) else {
                continue;
            };
            let body = String::from_utf8_lossy(&body).into_owned();
            let delivery = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|value| value["delivery_id"].as_str().map(str::to_owned))
                .unwrap_or_default();
            if holding.is_empty() && body.contains(RECIPIENT) {
                let _ = held.send((path, delivery));
                holding.push(stream);
                continue;
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            let _ = answered.send((path, delivery));
        }
    });
}

fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut data = Vec::new();
    let mut buffer = [0_u8; 8192];
    loop {
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
        if let Some(split) = data.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..split]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            if data.len() >= split + 4 + length {
                let path = head.split_whitespace().nth(1)?.to_owned();
                return Some((path, data[split + 4..split + 4 + length].to_vec()));
            }
        }
    }
}

/// The test's own webhook recipient (no position: nothing else is sent to them).
const RECIPIENT: &str = "penerima.uji";

/// Nodes started together on an empty database all come up (a duplicate key while installing
/// the shipped SOP or holidays used to end one of them), three times over.
fn nodes_start_together(runtime: &tokio::runtime::Runtime, work: &Path) {
    for round in 0..3 {
        let url = runtime
            .block_on(pelihara_store::testing::fresh_postgres_url())
            .unwrap();
        let children: Vec<Child> = (0..2)
            .map(|n| {
                serve(&url, &work.join(format!("together-{round}-{n}")))
                    .env("PELIHARA_NO_SCHEDULER", "true")
                    .spawn()
                    .unwrap()
            })
            .collect();
        let nodes: Vec<Result<Node, String>> = children.into_iter().map(Node::started).collect();
        let mut failed = Vec::new();
        for (n, node) in nodes.into_iter().enumerate() {
            match node {
                Ok(node) => node.stop(),
                Err(why) => failed.push(format!("node {n}: {why}")),
            }
        }
        assert!(failed.is_empty(), "round {round}: {failed:?}");
    }
}

#[test]
fn two_nodes_share_documents_start_together_and_hand_over_deliveries() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = runtime.block_on(pelihara_store::testing::fresh_postgres_url()) else {
        return;
    };
    let started = Instant::now();
    let work = tempfile::tempdir().unwrap();
    nodes_start_together(&runtime, work.path());

    seed_demo(&url, &work.path().join("demo"));
    let hooks = TcpListener::bind("127.0.0.1:0").unwrap();
    let hook_port = hooks.local_addr().unwrap().port();
    let (held_tx, held) = mpsc::channel();
    let (answered_tx, answered) = mpsc::channel();
    receiver(hooks, held_tx, answered_tx);
    let node = |name: &str| {
        let child = serve(&url, &work.path().join(name))
            .args(["--node-id", name])
            .args([
                "--webhook-url",
                &format!("http://127.0.0.1:{hook_port}/{name}"),
            ])
            .args(["--webhook-secret", "rahasia-dua-node"])
            .spawn()
            .unwrap();
        Node::started(child).unwrap()
    };
    let mut nodes = vec![node("a"), node("b")];
    let (a, b) = (nodes[0].address.clone(), nodes[1].address.clone());

    let store = runtime.block_on(Store::open(&url)).unwrap();
    let operator = runtime.block_on(token(
        &store,
        "op.dinkes",
        &[TokenScope::Read, TokenScope::Submit],
    ));
    let app_id = runtime.block_on(async {
        let user = store.user_by_username("op.dinkes").await.unwrap().unwrap();
        store.list_apps(user.user.opd_id).await.unwrap()[0]
            .id
            .to_string()
    });

    // A letter uploaded through node a downloads byte for byte through node b (and a).
    let letter = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n\
                   % surat permohonan dua node\n%%EOF\n"
        .to_vec();
    let (content_type, body) = multipart(
        &[
            ("app_id", &app_id),
            ("subject", "Pembaruan SIMPUS lewat dua node"),
            (
                "description",
                "Surat diunggah lewat satu node, dibaca lewat node lain.",
            ),
        ],
        ("letter", &letter),
    );
    let (status, answer) = http(
        &a,
        "POST",
        "/api/v1/cases",
        &operator,
        Some((&content_type, &body)),
    );
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&answer));
    let submitted: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    let case_id = submitted["id"].as_str().unwrap().to_owned();
    let letter_path = format!("/api/v1/cases/{case_id}/letter");
    for address in [&b, &a, &b] {
        let (status, bytes) = http(address, "GET", &letter_path, &operator, None);
        assert_eq!(status, 200, "{address}{letter_path}");
        assert_eq!(bytes, letter, "the letter through {address}");
    }
    // Neither data folder holds it: the documents are in the database.
    for name in ["a", "b"] {
        let folder = work.path().join(name).join("documents");
        let files = std::fs::read_dir(&folder).map_or(0, |entries| entries.count());
        assert_eq!(files, 0, "{}", folder.display());
    }

    // Every issued document of the new case and of the operator's furthest case reads the
    // same through both nodes, alternately, and stays one issue.
    let list = json(&a, "/api/v1/cases?limit=100", &operator);
    let furthest = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            json(
                &a,
                &format!("/api/v1/cases/{}", item["id"].as_str().unwrap()),
                &operator,
            )
        })
        .max_by_key(|case| case["documents"].as_array().map_or(0, Vec::len))
        .unwrap();
    let mut documents = 0;
    for case in [submitted, furthest] {
        let case_id = case["id"].as_str().unwrap();
        let mut kinds = Vec::new();
        for document in case["documents"].as_array().unwrap() {
            let href = document["href"].as_str().unwrap();
            // The first read goes to the node that issued it in the background (the new
            // case's receipt) or issues it now; then the other node, and back.
            let reads: Vec<Vec<u8>> = [&a, &b, &a, &b]
                .iter()
                .map(|address| {
                    let (status, bytes) = http(address, "GET", href, &operator, None);
                    assert_eq!(status, 200, "{address}{href}");
                    bytes
                })
                .collect();
            assert!(reads[0].starts_with(b"%PDF-"), "{href}");
            assert!(
                reads.iter().all(|read| read == &reads[0]),
                "{href} differs between the nodes"
            );
            kinds.push(document["kind"].as_str().unwrap().to_owned());
            documents += 1;
        }
        for kind in kinds.iter().filter(|kind| *kind != "sop") {
            let history = runtime
                .block_on(store.issued_document_history(kind, &format!("{case_id}:id"), "a4"))
                .unwrap();
            assert_eq!(
                history.len(),
                1,
                "{kind} of {case_id} issued more than once"
            );
        }
    }
    assert!(
        documents >= 4,
        "the demo's cases carry documents: {documents}"
    );

    // A node killed while it delivers: the other sends the same delivery within 30 s.
    runtime.block_on(async {
        let now = chrono::Utc::now();
        let recipient = store
            .create_user(
                pelihara_store::people::NewUser {
                    username: RECIPIENT.into(),
                    full_name: "Penerima Uji".into(),
                    nip: None,
                    email: None,
                    role: pelihara_domain::Role::Staff,
                    positions: Vec::new(),
                    opd_id: None,
                    password_hash: "bukan-hash".into(),
                },
                &AuditSource::cli("test"),
                now,
            )
            .await
            .unwrap();
        store
            .set_channel_preferences(
                recipient,
                &pelihara_domain::notification::ChannelPreferences {
                    email: false,
                    webhook: true,
                    webhook_handle: "+62800000000".into(),
                },
                &AuditSource::cli("test"),
                now,
            )
            .await
            .unwrap();
        let new = NewNotification {
            recipient,
            dedupe_key: "test:two-nodes".into(),
            kind: pelihara_domain::notification::NotificationKind::Digest,
            case_id: None,
            task_id: None,
            app_id: None,
            link_path: "/dasbor".into(),
            detail: Default::default(),
        };
        let channels = [
            pelihara_domain::notification::Channel::InApp,
            pelihara_domain::notification::Channel::Webhook,
        ];
        store
            .record_notification(&new, &channels, now)
            .await
            .unwrap()
            .unwrap();
    });
    let (path, delivery) = held
        .recv_timeout(Duration::from_secs(40))
        .expect("a node takes the delivery");
    let victim = if path == "/a" { 0 } else { 1 };
    let mut killed = nodes.remove(victim);
    killed.signal("-KILL");
    killed.child.wait().unwrap();
    let killed_at = Instant::now();
    let survivor_path = if victim == 0 { "/b" } else { "/a" };
    loop {
        let left = Duration::from_secs(30).saturating_sub(killed_at.elapsed());
        let (path, id) = answered
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("the delivery was not handed over within 30 s"));
        if id == delivery {
            assert_eq!(path, survivor_path);
            break;
        }
    }
    eprintln!(
        "handed over in {:?}; whole test {:?}",
        killed_at.elapsed(),
        started.elapsed()
    );
    runtime.block_on(store.close());
    for node in nodes {
        node.stop();
    }
}
