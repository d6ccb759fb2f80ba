//! `pelihara migrate`: a demo installation on SQLite moved into an empty PostgreSQL database
//! keeps every case, user, task and document reference, and its audit chain verifies there;
//! the documents (files in the data folder) move into the database, where every node reads
//! them; a second move into the same database is refused and changes nothing.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn pelihara(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(args)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_DATA")
        .env_remove("PELIHARA_LANG")
        .output()
        .unwrap()
}

/// Seeds the demo into `data` (it serves once seeded; stopped at once).
fn seed_demo(data: &Path) {
    let mut demo = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(["demo", "--port", "0", "--data"])
        .arg(data)
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
    std::thread::spawn(move || for _ in lines {});
    // Serving (and so stopping gracefully on SIGTERM) once it answers.
    assert_eq!(support::failed_sign_in(&address, "tamu"), Some(401));
    Command::new("kill")
        .args(["-TERM", &demo.id().to_string()])
        .status()
        .unwrap();
    assert!(demo.wait().unwrap().success());
}

/// What must arrive whole: (cases, users, audit events, apps), with an intact chain.
async fn contents(url: &str) -> (usize, usize, i64, usize) {
    let store = pelihara_store::Store::open(url).await.unwrap();
    let cases = store.list_cases(None, 100_000).await.unwrap().len();
    let users = store.list_users().await.unwrap().len();
    let audit = store.verify_audit().await.unwrap();
    assert!(audit.first_bad.is_none(), "{url}: {:?}", audit.first_bad);
    let apps = store.list_apps(None).await.unwrap().len();
    store.close().await;
    (cases, users, audit.events, apps)
}

#[test]
fn a_sqlite_installation_moves_to_postgresql_whole_and_only_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(target) = runtime.block_on(pelihara_store::testing::fresh_postgres_url()) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("demo");
    seed_demo(&data);
    let source = format!("sqlite://{}", data.join("pelihara.db").display());

    let moved = pelihara(&["migrate", "--from", &source, "--to", &target]);
    let said = String::from_utf8_lossy(&moved.stdout);
    assert!(moved.status.success(), "{moved:?}");
    assert!(said.contains("jejak audit utuh"), "{said}");
    assert!(said.contains("audit_events"), "{said}");

    let here = runtime.block_on(contents(&source));
    let there = runtime.block_on(contents(&target));
    assert!(
        here.0 > 10 && here.2 > 100,
        "the demo has cases and events: {here:?}"
    );
    assert_eq!(here, there);
    let verified = pelihara(&["audit", "verify", "--database", &target]);
    assert!(verified.status.success(), "{verified:?}");
    // Every document of the folder is in the target's database, byte for byte.
    runtime.block_on(async {
        let folder = pelihara_store::BlobStore::new(data.join("documents"));
        let store = pelihara_store::Store::open(&target).await.unwrap();
        let moved = pelihara_store::BlobStore::for_store(&store, work.path().join("elsewhere"));
        let digests = folder.digests().await.unwrap();
        assert!(!digests.is_empty(), "the demo stores letters");
        assert_eq!(moved.digests().await.unwrap(), digests);
        for digest in &digests {
            assert_eq!(
                moved.get(digest).await.unwrap(),
                folder.get(digest).await.unwrap()
            );
        }
        store.close().await;
    });

    // The target is in use now: a second move is refused and writes nothing.
    let again = pelihara(&["migrate", "--from", &source, "--to", &target]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("sudah dipakai"),
        "{again:?}"
    );
    assert_eq!(runtime.block_on(contents(&target)), there);

    // And the wrong way round is refused with how to call it.
    let backwards = pelihara(&["migrate", "--from", &target, "--to", &source]);
    assert!(!backwards.status.success());
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("--from sqlite://"));
}
