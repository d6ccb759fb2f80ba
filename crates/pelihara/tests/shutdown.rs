//! `pelihara serve` stops gracefully: SIGTERM while clients write, and every write that got an
//! answer is in the database afterwards, the exit code is 0, the audit chain verifies, and the
//! temporaries an earlier crash left in the document store are gone after the start. The office
//! it names comes from the SOP it runs.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

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
