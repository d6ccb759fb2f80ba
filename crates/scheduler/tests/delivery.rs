//! Delivery through real servers: an SMTP sink (aiosmtpd, started by the test) receives the
//! Indonesian mail with both parts and the link; a local webhook receiver gets signed JSON
//! after having been down (retried with backoff, delivered once); an SMTP server that hangs
//! never holds up a case action, and the mail goes out once it answers; a node killed while it
//! delivers is taken over within seconds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use axum::body::Bytes;
use axum::http::HeaderMap;
use chrono::Duration;
use hmac::{Hmac, Mac};
use pelihara_notify::{EmailSettings, Sender, SmtpSecurity, WebhookSettings};
use pelihara_scheduler::{Job, JobOutcome};
use pelihara_store::notifications::{Channel, ChannelPreferences, DeliveryFilter, DeliveryStatus};
use support::{Bench, TestClock, bench, wib};

/// An SMTP sink of our own on `port` (0: any), filing mail in `maildir`; killed on drop.
struct Sink {
    child: Child,
    port: u16,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sink(maildir: &Path, port: u16) -> Option<Sink> {
    let (Ok(python), Ok(script)) = (
        std::env::var("PELIHARA_TEST_PYTHON"),
        std::env::var("PELIHARA_TEST_SMTP_SINK"),
    ) else {
        let in_ci = std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false");
        assert!(
            !in_ci,
            "PELIHARA_TEST_PYTHON/PELIHARA_TEST_SMTP_SINK are not set"
        );
        eprintln!("skipped: no SMTP sink (eval \"$(scripts/test-env.sh env)\")");
        return None;
    };
    let mut child = Command::new(python)
        .arg(script)
        .arg("--maildir")
        .arg(maildir)
        .arg("--port")
        .arg(port.to_string())
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("SMTP_SINK_PORT=")
        .unwrap_or_else(|| panic!("sink said {line:?}"))
        .parse()
        .unwrap();
    Some(Sink { child, port })
}

/// The mails in a Maildir, parsed by Python's own email package (an independent reader):
/// subject, from, to, and each part's content type and decoded text.
fn mails(maildir: &Path) -> Vec<serde_json::Value> {
    let python = std::env::var("PELIHARA_TEST_PYTHON").unwrap();
    let script = r#"
import email, email.policy, json, os, sys
new = os.path.join(sys.argv[1], "new")
out = []
for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
    with open(os.path.join(new, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    parts = [{"type": p.get_content_type(), "text": p.get_content()}
             for p in m.walk() if not p.is_multipart()]
    out.append({"subject": str(m["subject"]), "from": str(m["from"]), "to": str(m["to"]),
                "message_id": str(m["message-id"]),
                "type": m.get_content_type(), "parts": parts})
print(json.dumps(out))
"#;
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(maildir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Vec<serde_json::Value>>(&output.stdout).unwrap()
}

fn email_sender(port: u16, node: &str, timeout: StdDuration) -> Sender {
    Sender::new(
        Some(&EmailSettings {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "Pelihara Diskominfo Demak <pelihara@demakkab.go.id>".into(),
            timeout,
        }),
        None,
        "https://pelihara.demakkab.go.id/",
        node,
    )
    .unwrap()
}

/// A webhook-only sender of node-a posting to the receiver on `port`.
fn webhook_sender(port: u16, secret: &str) -> Sender {
    Sender::new(
        None,
        Some(WebhookSettings {
            url: format!("http://127.0.0.1:{port}/hook"),
            secret: secret.into(),
            timeout: StdDuration::from_secs(5),
        }),
        "https://pelihara.demakkab.go.id",
        "node-a",
    )
    .unwrap()
}

/// The Pelaksana turns the webhook on (with a handle), email staying on.
async fn webhook_on_for_the_pelaksana(b: &Bench) {
    b.store
        .set_channel_preferences(
            b.pelaksana.user.id,
            &ChannelPreferences {
                email: true,
                webhook: true,
                webhook_handle: "6281234567890".into(),
            },
            &b.source(&b.pelaksana),
            wib(2026, 12, 1, 8, 0, 0),
        )
        .await
        .unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn email_arrives_in_indonesian_with_both_parts(b: Bench) {
    let maildir = b.dir.path().join("mail");
    let Some(sink) = sink(&maildir, 0) else {
        return;
    };
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    let case = b.submit(submitted).await;
    let clock = TestClock::new(submitted);
    let scheduler = b.scheduler(
        b.config("node-a"),
        email_sender(sink.port, "node-a", StdDuration::from_secs(10)),
        clock.clock(),
    );
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 1);
    assert_eq!(scheduler.run(Job::Delivery, submitted).await.unwrap(), 1);
    assert_eq!(
        scheduler.run(Job::Delivery, submitted).await.unwrap(),
        0,
        "sent once"
    );

    let mails = mails(&maildir);
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    let tracking = &case.case.tracking_code;
    let step = "langkah 2: Pelaksana memproses permohonan pemeliharaan Aplikasi/Website melalui \
                aplikasi MIPP dan meneruskan ke Kadin";
    assert_eq!(
        mail["subject"],
        format!("[Pelihara] Tugas baru: {tracking}, {step}")
    );
    assert_eq!(mail["to"], "Budi Pelaksana <budi@demakkab.go.id>");
    assert_eq!(
        mail["from"],
        "Pelihara Diskominfo Demak <pelihara@demakkab.go.id>"
    );
    assert_eq!(mail["type"], "multipart/alternative");
    // The Message-ID is the delivery's: the same on a retry, so a repeat can be dropped.
    let message_id = mail["message_id"].as_str().unwrap();
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@demakkab.go.id>"),
        "{message_id}"
    );
    let parts = mail["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["type"], "text/plain");
    assert_eq!(parts[1]["type"], "text/html");
    let link = format!(
        "https://pelihara.demakkab.go.id/permohonan/{}",
        case.case.id
    );
    let plain = parts[0]["text"].as_str().unwrap();
    assert!(plain.starts_with("Yth. Budi Pelaksana,\n\n"), "{plain}");
    assert!(
        plain.contains(&format!(
            "Permohonan {tracking} (Pemeliharaan SIMPUS) dari Dinas Kesehatan menunggu Anda \
             pada {step}. Batas waktu: 4 Desember 2026 15.55 WIB."
        )),
        "{plain}"
    );
    assert!(plain.contains(&format!("Buka tugas: {link}")), "{plain}");
    let html = parts[1]["text"].as_str().unwrap();
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(html.contains("<html lang=\"id\">"));
    assert!(html.contains("Batas waktu: 4 Desember 2026 15.55 WIB."));

    let sent = b
        .store
        .delivery_log(&DeliveryFilter {
            channel: Some(Channel::Email),
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, DeliveryStatus::Sent);
    assert_eq!(sent[0].delivered_at, Some(submitted));
    drop(sink);
}

/// An SMTP server that accepts connections and never says a word.
async fn black_hole(port: u16) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    })
}

async fn a_hanging_smtp_server_never_holds_up_a_case_action(b: Bench) {
    let port = free_port();
    let hole = black_hole(port).await;
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    let case = b.submit(submitted).await;
    let clock = TestClock::new(submitted);
    let scheduler = b.scheduler(
        b.config("node-a"),
        email_sender(port, "node-a", StdDuration::from_secs(2)),
        clock.clock(),
    );
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 1);
    let delivering = {
        let scheduler = scheduler.clone();
        tokio::spawn(async move { scheduler.run(Job::Delivery, submitted).await })
    };
    // The delivery is stuck talking to the server; the Pelaksana registers the letter.
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    let started = Instant::now();
    let state = b
        .register_letter(case.case.id, wib(2026, 12, 4, 15, 52, 0))
        .await;
    assert!(
        started.elapsed() < StdDuration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(state.tasks.iter().any(|t| t.step_no == 3));
    assert!(
        !delivering.is_finished(),
        "the mail is still waiting on the server"
    );
    assert_eq!(delivering.await.unwrap().unwrap(), 0);
    hole.abort();
    let _ = hole.await;

    let log = b
        .store
        .delivery_log(&DeliveryFilter {
            channel: Some(Channel::Email),
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, DeliveryStatus::Pending);
    assert_eq!(log[0].attempts, 1);
    assert_eq!(log[0].next_attempt_at, submitted + Duration::minutes(1));
    assert!(
        log[0].last_error.as_deref().unwrap().starts_with("SMTP"),
        "{log:?}"
    );

    // The server comes back on the same port: the next attempt, a minute later, goes out.
    let maildir = b.dir.path().join("mail");
    let Some(_sink) = sink(&maildir, port) else {
        return;
    };
    let retry = submitted + Duration::minutes(1);
    assert_eq!(
        scheduler
            .run(Job::Delivery, retry - Duration::seconds(1))
            .await
            .unwrap(),
        0,
        "not before the backoff"
    );
    assert_eq!(scheduler.run(Job::Delivery, retry).await.unwrap(), 1);
    assert_eq!(scheduler.run(Job::Delivery, retry).await.unwrap(), 0);
    assert_eq!(mails(&maildir).len(), 1);
}

/// Email and webhook at once, the SMTP server never answering: the webhook arrives at
/// once, not after the email's timeout (they used to go one channel after the other).
async fn a_hanging_smtp_server_never_delays_the_webhook(b: Bench) {
    let (smtp_port, hook_port) = (free_port(), free_port());
    let hole = black_hole(smtp_port).await;
    let received = Received::default();
    let _receiver = receiver(hook_port, received.clone()).await;
    let mut sender = email_sender(smtp_port, "node-a", StdDuration::from_secs(4));
    sender.webhook = webhook_sender(hook_port, "rahasia").webhook;
    webhook_on_for_the_pelaksana(&b).await;
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    b.submit(submitted).await;
    let scheduler = b.scheduler(
        b.config("node-a"),
        sender,
        TestClock::new(submitted).clock(),
    );
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 1);
    let started = Instant::now();
    let delivering = {
        let scheduler = scheduler.clone();
        tokio::spawn(async move { scheduler.run(Job::Delivery, submitted).await })
    };
    while received.0.lock().unwrap().is_empty() && started.elapsed() < StdDuration::from_secs(30) {
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    let waited = started.elapsed();
    assert_eq!(received.0.lock().unwrap().len(), 1);
    assert!(
        waited < StdDuration::from_secs(2),
        "the webhook waited {waited:?}"
    );
    // The email is still waiting on the server meanwhile, and is retried later.
    assert_eq!(delivering.await.unwrap().unwrap(), 1);
    hole.abort();
}

/// The server's delivery loops, email and webhook, run under leases of their own. With the
/// SMTP server never answering, the email loop waits out its timeout while the webhook loop,
/// offered meanwhile, sends at once. (One delivery job for both channels made a webhook that
/// came after a sweep began wait for the email's timeout, 20 s in production, on every sweep
/// with an email due.)
async fn the_webhook_loop_never_waits_for_a_silent_smtp_server(b: Bench) {
    let (smtp_port, hook_port) = (free_port(), free_port());
    let hole = black_hole(smtp_port).await;
    let received = Received::default();
    let _receiver = receiver(hook_port, received.clone()).await;
    let mut sender = email_sender(smtp_port, "node-a", StdDuration::from_secs(4));
    sender.webhook = webhook_sender(hook_port, "rahasia").webhook;
    webhook_on_for_the_pelaksana(&b).await;
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    b.submit(submitted).await;
    let scheduler = b.scheduler(
        b.config("node-a"),
        sender,
        TestClock::new(submitted).clock(),
    );
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 1);
    let emailing = {
        let scheduler = scheduler.clone();
        tokio::spawn(async move { scheduler.offer(Job::EmailDelivery, submitted).await })
    };
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    let started = Instant::now();
    assert_eq!(
        scheduler
            .offer(Job::WebhookDelivery, submitted)
            .await
            .unwrap(),
        JobOutcome::Ran(1)
    );
    let waited = started.elapsed();
    assert_eq!(received.0.lock().unwrap().len(), 1);
    assert!(
        waited < StdDuration::from_secs(2),
        "the webhook waited {waited:?}"
    );
    // The email loop is still waiting on the server meanwhile, under its own lease; its
    // email is retried later.
    assert!(!emailing.is_finished());
    assert_eq!(emailing.await.unwrap().unwrap(), JobOutcome::Ran(0));
    hole.abort();
}

/// Three emails due and an SMTP server that accepts and never answers: the first waits out the
/// timeout, the other two are handed back untried (no attempt counted) instead of each waiting
/// as long.
async fn a_silent_smtp_server_costs_one_timeout_per_sweep(b: Bench) {
    let port = free_port();
    let hole = black_hole(port).await;
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    for _ in 0..3 {
        b.submit(submitted).await;
    }
    let timeout = StdDuration::from_secs(1);
    let scheduler = b.scheduler(
        b.config("node-a"),
        email_sender(port, "node-a", timeout),
        TestClock::new(submitted).clock(),
    );
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 3);
    let started = Instant::now();
    assert_eq!(scheduler.run(Job::Delivery, submitted).await.unwrap(), 0);
    let took = started.elapsed();
    assert!(took < timeout * 3, "the sweep took {took:?}");
    let log = b
        .store
        .delivery_log(&DeliveryFilter {
            channel: Some(Channel::Email),
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    let mut attempts: Vec<u32> = log.iter().map(|row| row.attempts).collect();
    attempts.sort_unstable();
    assert_eq!(attempts, [0, 0, 1], "{log:?}");
    assert!(log.iter().all(|row| row.status == DeliveryStatus::Pending));
    hole.abort();
}

/// A request the receiver got: its body and its signature header.
type Request = (Vec<u8>, String);

#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Request>>>);

async fn receiver(port: u16, received: Received) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .unwrap();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let received = received.clone();
            async move {
                let signature = headers
                    .get("x-pelihara-signature")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                received.0.lock().unwrap().push((body.to_vec(), signature));
                "ok"
            }
        }),
    );
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    })
}

async fn the_webhook_is_signed_retried_and_delivered_once(b: Bench) {
    let port = free_port();
    let secret = "rahasia-gateway";
    let sender = webhook_sender(port, secret);
    webhook_on_for_the_pelaksana(&b).await;
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    let case = b.submit(submitted).await;
    let clock = TestClock::new(submitted);
    let scheduler = b.scheduler(b.config("node-a"), sender, clock.clock());
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 1);
    // The receiver is down: refused, retried after 1 minute, then 2.
    assert_eq!(scheduler.run(Job::Delivery, submitted).await.unwrap(), 0);
    let t1 = submitted + Duration::minutes(1);
    assert_eq!(
        scheduler
            .run(Job::Delivery, t1 - Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(scheduler.run(Job::Delivery, t1).await.unwrap(), 0);
    let log = b
        .store
        .delivery_log(&DeliveryFilter {
            channel: Some(Channel::Webhook),
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        log.len(),
        1,
        "email is not configured on this server: webhook only"
    );
    assert_eq!(log[0].attempts, 2);
    assert_eq!(log[0].next_attempt_at, t1 + Duration::minutes(2));
    assert!(log[0].last_error.as_deref().unwrap().starts_with("webhook"));

    let received = Received::default();
    let server = receiver(port, received.clone()).await;
    let t2 = t1 + Duration::minutes(2);
    assert_eq!(scheduler.run(Job::Delivery, t2).await.unwrap(), 1);
    assert_eq!(
        scheduler
            .run(Job::Delivery, t2 + Duration::hours(1))
            .await
            .unwrap(),
        0
    );
    let got = received.0.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "delivered once");
    let (body, signature) = &got[0];
    // The receiver's own check, with the HMAC crate directly.
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(signature, &expected);
    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(json["event"], "notification");
    assert_eq!(json["kind"], "task_arrived");
    assert_eq!(json["lang"], "id");
    assert_eq!(json["recipient"]["username"], "budi");
    assert_eq!(json["recipient"]["handle"], "6281234567890");
    assert_eq!(json["tracking_code"], case.case.tracking_code.as_str());
    assert_eq!(
        json["link"],
        format!(
            "https://pelihara.demakkab.go.id/permohonan/{}",
            case.case.id
        )
    );
    assert!(json["title"].as_str().unwrap().starts_with("Tugas baru: "));
    let log = b
        .store
        .delivery_log(&DeliveryFilter {
            channel: Some(Channel::Webhook),
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(log[0].status, DeliveryStatus::Sent);
    assert_eq!(log[0].attempts, 3);
    assert_eq!(log[0].delivered_at, Some(t2));
    server.abort();
}

async fn two_nodes_sending_at_once_post_each_delivery_once(b: Bench) {
    let received = Received::default();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let server = receiver(port, received.clone()).await;
    let node = |name: &str| {
        Sender::new(
            None,
            Some(WebhookSettings {
                url: format!("http://127.0.0.1:{port}/hook"),
                secret: "s".into(),
                timeout: StdDuration::from_secs(5),
            }),
            "https://pelihara.demakkab.go.id",
            name,
        )
        .unwrap()
    };
    for user in [&b.pelaksana, &b.operator] {
        b.store
            .set_channel_preferences(
                user.user.id,
                &ChannelPreferences {
                    email: false,
                    webhook: true,
                    webhook_handle: String::new(),
                },
                &b.source(user),
                wib(2026, 12, 1, 8, 0, 0),
            )
            .await
            .unwrap();
    }
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    for _ in 0..12 {
        b.submit(submitted).await;
    }
    let clock = TestClock::new(submitted);
    let a = b.scheduler(b.config("node-a"), node("node-a"), clock.clock());
    let c = b.scheduler(b.config("node-b"), node("node-b"), clock.clock());
    assert_eq!(a.run(Job::Reminders, submitted).await.unwrap(), 12);
    let (x, y) = tokio::join!(
        a.run(Job::Delivery, submitted),
        c.run(Job::Delivery, submitted)
    );
    assert_eq!(x.unwrap() + y.unwrap(), 12);
    let (x, y) = tokio::join!(
        a.run(Job::Delivery, submitted),
        c.run(Job::Delivery, submitted)
    );
    assert_eq!((x.unwrap(), y.unwrap()), (0, 0));
    let got = received.0.lock().unwrap().clone();
    let ids: std::collections::HashSet<String> = got
        .iter()
        .map(|(body, _)| {
            let json: serde_json::Value = serde_json::from_slice(body).unwrap();
            json["delivery_id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(got.len(), 12, "each delivery posted once");
    assert_eq!(ids.len(), 12);
    server.abort();
}

/// A node killed while it delivers holds the delivery job's lease and its claim on the delivery
/// in flight, and renews neither again. Another node takes both over within seconds (they used
/// to last 5 minutes, which stopped every email and webhook that long) and sends the same
/// delivery, with the same id: at least once.
async fn a_node_killed_while_delivering_is_taken_over_within_seconds(b: Bench) {
    let received = Received::default();
    let port = free_port();
    let server = receiver(port, received.clone()).await;
    webhook_on_for_the_pelaksana(&b).await;
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    b.submit(submitted).await;
    let clock = TestClock::new(submitted);
    let dead = webhook_sender(port, "s");
    let config = b.config("node-b");
    let maker = b.scheduler(b.config("node-a"), dead.clone(), clock.clock());
    assert_eq!(maker.run(Job::Reminders, submitted).await.unwrap(), 1);
    // node-a took the job and the delivery, then was killed before sending it.
    let ttl = config.lease_ttl_of(Job::Delivery);
    assert!(ttl <= Duration::seconds(15), "{ttl}");
    assert!(
        b.store
            .try_acquire_lease(Job::Delivery.name(), "node-a", submitted, ttl)
            .await
            .unwrap()
            .is_some()
    );
    let in_flight = b
        .store
        .claim_due_deliveries(Channel::Webhook, "node-a", submitted, dead.claim_lease, 50)
        .await
        .unwrap();
    assert_eq!(in_flight.len(), 1);
    let mut survivor_sender = webhook_sender(port, "s");
    survivor_sender.node = "node-b".into();
    let survivor = b.scheduler(config, survivor_sender, clock.clock());
    assert_eq!(
        survivor
            .offer(Job::Delivery, submitted + Duration::seconds(5))
            .await
            .unwrap(),
        JobOutcome::Held,
        "the lease is still node-a's"
    );
    assert_eq!(
        survivor
            .offer(Job::Delivery, submitted + Duration::seconds(30))
            .await
            .unwrap(),
        JobOutcome::Ran(1),
        "taken over within 30 seconds"
    );
    let got = received.0.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let json: serde_json::Value = serde_json::from_slice(&got[0].0).unwrap();
    assert_eq!(json["delivery_id"], in_flight[0].id.to_string());
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_webhook_loop_never_waits_for_a_silent_smtp_server() {
    the_webhook_loop_never_waits_for_a_silent_smtp_server(bench("sqlite").await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_webhook_loop_never_waits_for_a_silent_smtp_server() {
    if let Some(b) = bench("postgres").await {
        the_webhook_loop_never_waits_for_a_silent_smtp_server(b).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_node_killed_while_delivering_is_taken_over_within_seconds() {
    a_node_killed_while_delivering_is_taken_over_within_seconds(bench("sqlite").await.unwrap())
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_node_killed_while_delivering_is_taken_over_within_seconds() {
    if let Some(b) = bench("postgres").await {
        a_node_killed_while_delivering_is_taken_over_within_seconds(b).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_two_nodes_sending_at_once_post_each_delivery_once() {
    two_nodes_sending_at_once_post_each_delivery_once(bench("sqlite").await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_two_nodes_sending_at_once_post_each_delivery_once() {
    if let Some(b) = bench("postgres").await {
        two_nodes_sending_at_once_post_each_delivery_once(b).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_email_arrives_in_indonesian_with_both_parts() {
    email_arrives_in_indonesian_with_both_parts(bench("sqlite").await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_email_arrives_in_indonesian_with_both_parts() {
    if let Some(b) = bench("postgres").await {
        email_arrives_in_indonesian_with_both_parts(b).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_silent_smtp_server_costs_one_timeout_per_sweep() {
    a_silent_smtp_server_costs_one_timeout_per_sweep(bench("sqlite").await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_hanging_smtp_server_never_delays_the_webhook() {
    a_hanging_smtp_server_never_delays_the_webhook(bench("sqlite").await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_hanging_smtp_server_never_holds_up_a_case_action() {
    a_hanging_smtp_server_never_holds_up_a_case_action(bench("sqlite").await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_webhook_is_signed_retried_and_delivered_once() {
    the_webhook_is_signed_retried_and_delivered_once(bench("sqlite").await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_webhook_is_signed_retried_and_delivered_once() {
    if let Some(b) = bench("postgres").await {
        the_webhook_is_signed_retried_and_delivered_once(b).await;
    }
}
