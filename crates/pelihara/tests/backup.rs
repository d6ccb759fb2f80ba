//! `pelihara backup` of a running demo while writes go on, and `pelihara restore` into a fresh
//! folder: the same cases, every document by its hash, a whole audit chain; a backup with one
//! changed byte is refused and restores nothing.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};

fn pelihara(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(args)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_DATA")
        .env_remove("PELIHARA_LANG")
        .output()
        .unwrap()
}

/// (cases, documents by hash) of a data folder's database.
fn contents(data: &Path) -> (usize, Vec<String>) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let cases = runtime.block_on(async {
        let url = format!("sqlite://{}", data.join("pelihara.db").display());
        let store = pelihara_store::Store::open(&url).await.unwrap();
        let cases = store.list_cases(None, 100_000).await.unwrap().len();
        store.close().await;
        cases
    });
    let mut documents = Vec::new();
    for folder in std::fs::read_dir(data.join("documents")).unwrap().flatten() {
        for file in std::fs::read_dir(folder.path()).unwrap().flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(file.path()).unwrap();
            assert_eq!(
                hex::encode(Sha256::digest(&bytes)),
                name,
                "a document is its hash"
            );
            documents.push(name);
        }
    }
    documents.sort();
    (cases, documents)
}

#[test]
fn a_running_demo_is_backed_up_during_writes_and_restored_whole() {
    let work = tempfile::tempdir().unwrap();
    let (live, copy, restored) = (
        work.path().join("demo"),
        work.path().join("cadangan"),
        work.path().join("pulih"),
    );
    let mut demo = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(["demo", "--port", "0", "--data"])
        .arg(&live)
        .env_remove("PELIHARA_DATABASE_URL")
        .env("PELIHARA_NO_SCHEDULER", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(demo.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the demo's banner").unwrap();
        if let Some(rest) = line.strip_prefix("Pelihara: http://") {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    // Drain the rest of the banner so the demo never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});

    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..2)
        .map(|writer| {
            let (address, stop, written) = (address.clone(), stop.clone(), written.clone());
            std::thread::spawn(move || {
                let mut attempt = writer * 1_000_000;
                while !stop.load(Ordering::Relaxed) {
                    if support::failed_sign_in(&address, &format!("tamu{attempt}")).is_some() {
                        written.fetch_add(1, Ordering::Relaxed);
                    }
                    attempt += 1;
                }
            })
        })
        .collect();
    while written.load(Ordering::Relaxed) < 10 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let backup = pelihara(&[
        "backup",
        "--to",
        copy.to_str().unwrap(),
        "--data",
        live.to_str().unwrap(),
    ]);
    let during = written.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().unwrap();
    }
    assert!(backup.status.success(), "{backup:?}");
    assert!(
        written.load(Ordering::Relaxed) > during,
        "writes went on during the backup"
    );
    Command::new("kill")
        .args(["-TERM", &demo.id().to_string()])
        .status()
        .unwrap();
    assert!(demo.wait().unwrap().success());

    let restore = pelihara(&[
        "restore",
        "--from",
        copy.to_str().unwrap(),
        "--data",
        restored.to_str().unwrap(),
    ]);
    assert!(restore.status.success(), "{restore:?}");
    assert!(String::from_utf8_lossy(&restore.stdout).contains("rantai hash utuh"));
    let verify = pelihara(&["audit", "verify", "--data", restored.to_str().unwrap()]);
    assert!(verify.status.success(), "{verify:?}");
    // The demo's cases and letters: all there, each document by its hash.
    let (live_cases, live_documents) = contents(&live);
    let (cases, documents) = contents(&restored);
    assert!(live_cases > 0 && !live_documents.is_empty());
    assert_eq!(cases, live_cases);
    assert!(
        documents
            .iter()
            .all(|document| live_documents.contains(document))
    );

    // Restoring again into a folder with a database: refused.
    let again = pelihara(&[
        "restore",
        "--from",
        copy.to_str().unwrap(),
        "--data",
        restored.to_str().unwrap(),
    ]);
    assert!(!again.status.success());

    // One changed byte in one document: the whole restore is refused, nothing copied.
    let document = std::fs::read_dir(copy.join("documents"))
        .unwrap()
        .flatten()
        .flat_map(|folder| std::fs::read_dir(folder.path()).unwrap().flatten())
        .next()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&document).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&document, bytes).unwrap();
    let elsewhere = work.path().join("lagi");
    let damaged = pelihara(&[
        "restore",
        "--from",
        copy.to_str().unwrap(),
        "--data",
        elsewhere.to_str().unwrap(),
    ]);
    assert!(!damaged.status.success());
    assert!(
        String::from_utf8_lossy(&damaged.stderr).contains("Cadangan rusak"),
        "{damaged:?}"
    );
    assert!(!elsewhere.join("pelihara.db").exists());
}
