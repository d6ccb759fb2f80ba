//! `pelihara serve` stops gracefully: SIGTERM while clients write, and every write that got an
//! answer is in the database afterwards, the exit code is 0, the audit chain verifies, and the
//! temporaries an earlier crash left in the document store are gone after the start. The office
//! it names comes from the SOP it runs. The same with requests carrying letters (uploads): every
//! acknowledged request is kept with its letter, no temporary is left, and the next start finds
//! none. A SIGTERM right after the line that says where it listens is a graceful stop too.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

#[path = "client/mod.rs"]
mod client;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn temporaries(folder: &std::path::Path) -> usize {
    let Ok(folders) = std::fs::read_dir(folder) else {
        return 0;
    };
    folders
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .flat_map(|entry| std::fs::read_dir(entry.path()).unwrap().flatten())
        .filter(|file| file.file_name().to_string_lossy().starts_with(".upload-"))
        .count()
}

#[test]
fn sigterm_during_writes_keeps_every_answered_write_and_exits_0() {
    let data = tempfile::tempdir().unwrap();
    // What a crash between writing and renaming a letter leaves behind.
    let documents = data.path().join("documents");
    std::fs::create_dir_all(documents.join("ab")).unwrap();
    std::fs::write(documents.join("ab").join(".upload-left"), b"half a letter").unwrap();

    let mut server = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .env_remove("PELIHARA_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().expect("the server's first line").unwrap();
    let address = first
        .strip_prefix("Pelihara: http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert_eq!(temporaries(&documents), 0, "swept at start");
    // No letterhead stored yet: the page header names the office of the SOP it runs (the
    // binary names none).
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    assert!(
        page.contains("Dinas Komunikasi dan Informatika Kabupaten Demak"),
        "{page}"
    );

    // Four clients write as fast as they can; SIGTERM lands in the middle.
    let answered = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (address, answered, stop, next) = (
                address.clone(),
                answered.clone(),
                stop.clone(),
                next.clone(),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let attempt = next.fetch_add(1, Ordering::Relaxed);
                    match support::failed_sign_in(&address, &format!("penebak{attempt}")) {
                        Some(401 | 429) => {
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                        Some(other) => panic!("unexpected status {other}"),
                        None => break,
                    }
                }
            })
        })
        .collect();
    let start = Instant::now();
    while answered.load(Ordering::Relaxed) < 40 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    assert!(exit.success(), "exit status {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|line| line == "Pelihara stopped."),
        "{rest:?}"
    );
    let answered = answered.load(Ordering::Relaxed);
    assert!(answered >= 40, "{answered} answers before the signal");

    // Every answered attempt left its audit event; the chain is whole.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}", data.path().join("pelihara.db").display());
        let store = pelihara_store::Store::open(&url).await.unwrap();
        let recorded = store
            .recent_events(1_000_000)
            .await
            .unwrap()
            .iter()
            .filter(|event| event.action == "auth.sign_in_failed")
            .count();
        assert!(
            recorded >= answered,
            "{recorded} failed sign-ins recorded, {answered} answered"
        );
        assert_eq!(store.verify_audit().await.unwrap().first_bad, None);
        store.close().await;
    });
}

/// The document store's files: (letters and documents by hash, `.upload-` temporaries).
fn documents(folder: &std::path::Path) -> (Vec<String>, usize) {
    let mut kept = Vec::new();
    let mut temporaries = 0;
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(entry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = file.file_name().to_string_lossy().into_owned();
            if name.starts_with(".upload-") {
                temporaries += 1;
            } else {
                kept.push(name);
            }
        }
    }
    (kept, temporaries)
}

#[test]
fn sigterm_during_uploads_keeps_every_acknowledged_request_and_leaves_no_temporary() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("demo");
    let data_arg = data.to_str().unwrap().to_owned();
    let quiet = [("PELIHARA_NO_SCHEDULER", "true")];
    let demo = client::start(&["demo", "--port", "0", "--data", &data_arg], &quiet);
    assert!(demo.terminate().success());
    let server = client::start(
        &["serve", "--listen", "127.0.0.1:0", "--data", &data_arg],
        &quiet,
    );
    let address = server.address.clone();

    // Three operators submit requests with letters of 1 MB, each a different file.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let clients: Vec<_> = ["op.dinkes", "op.disdikbud", "op.bappeda"]
        .into_iter()
        .enumerate()
        .map(|(index, operator)| {
            let (address, stop, acknowledged) =
                (address.clone(), stop.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                let cookie = client::sign_in(&address, operator).unwrap();
                let list =
                    client::request(&address, "GET", "/aplikasi", Some(&cookie), None).unwrap();
                let app = client::ids_after(&list.text(), "/aplikasi/").remove(0);
                let mut attempt = 0;
                while !stop.load(Ordering::Relaxed) {
                    attempt += 1;
                    let mut letter = format!("%PDF-1.4\n% {index} {attempt}\n").into_bytes();
                    letter.resize(1 << 20, b' ');
                    letter.extend_from_slice(b"\n%%EOF\n");
                    let (content_type, body) = client::multipart(&[
                        client::Part::Text("app_id", &app),
                        client::Part::Text("subject", &format!("Berhenti {index} {attempt}")),
                        client::Part::Text("description", "Uji berhenti"),
                        client::Part::File("letter", "surat.pdf", "application/pdf", &letter),
                    ]);
                    let Some(reply) = client::request(
                        &address,
                        "POST",
                        "/permohonan/baru",
                        Some(&cookie),
                        Some((&content_type, &body)),
                    ) else {
                        break;
                    };
                    match reply.status {
                        303 => {
                            let location = reply.header("location").unwrap();
                            let id = client::ids_after(location, "/permohonan/").remove(0);
                            acknowledged.lock().unwrap().push(id);
                        }
                        // Refused once the server stops accepting: not acknowledged.
                        503 => break,
                        other => panic!("a request answered {other}: {}", reply.text()),
                    }
                }
            })
        })
        .collect();
    let start = Instant::now();
    while acknowledged.lock().unwrap().len() < 15 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let exit = server.terminate();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    assert!(exit.success(), "exit status {exit:?}");
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 15,
        "{} acknowledged",
        acknowledged.len()
    );

    // No temporary left by the stop itself.
    let (files, temporaries) = documents(&data.join("documents"));
    assert_eq!(temporaries, 0, "temporaries left after SIGTERM");
    // Every acknowledged request is there with its letter.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}", data.join("pelihara.db").display());
        let store = pelihara_store::Store::open(&url).await.unwrap();
        for id in &acknowledged {
            let id = pelihara_domain::CaseId::parse(id).unwrap();
            let state = store.case_state(id).await.unwrap();
            let letter = state
                .and_then(|state| state.case.letter)
                .unwrap_or_else(|| panic!("acknowledged request {id} lost or without letter"));
            assert!(files.contains(&letter.sha256), "the letter of {id}");
        }
        assert_eq!(store.verify_audit().await.unwrap().first_bad, None);
        store.close().await;
    });

    // The next start comes up on what the stop left, with nothing to sweep.
    let again = client::start(
        &["serve", "--listen", "127.0.0.1:0", "--data", &data_arg],
        &quiet,
    );
    assert_eq!(documents(&data.join("documents")).1, 0);
    assert!(again.terminate().success());
}

#[test]
fn sigterm_right_after_the_address_line_stops_gracefully() {
    // A supervisor reads the address line as "up"; a stop asked at once must still be the
    // orderly one (exit 0, "Pelihara stopped."), not death by the signal's default.
    for _ in 0..3 {
        let data = tempfile::tempdir().unwrap();
        let mut server = Command::new(env!("CARGO_BIN_EXE_pelihara"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .env_remove("PELIHARA_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.starts_with("Pelihara: http://"), "{first}");
        Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .unwrap();
        let exit = server.wait().unwrap();
        assert!(exit.success(), "exit status {exit:?}");
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        assert!(
            rest.iter().any(|line| line == "Pelihara stopped."),
            "{rest:?}"
        );
    }
}
