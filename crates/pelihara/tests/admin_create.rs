//! `pelihara admin create` on a new data folder: the first administrator is created once,
//! with the password read from standard input, and refused once an administrator exists.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn admin_create(data: &std::path::Path, username: &str, password: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args([
            "admin",
            "create",
            "--username",
            username,
            "--name",
            "Admin Kantor",
            "--data",
        ])
        .arg(data)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_first_administrator_is_created_once() {
    let data = tempfile::tempdir().unwrap();
    // Too short a password: refused, nothing created.
    let short = admin_create(data.path(), "kepala.it", "pendek");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("10 sampai 256"));

    let created = admin_create(data.path(), "Kepala.IT", "kata-sandi-panjang");
    assert!(created.status.success(), "{created:?}");
    assert!(String::from_utf8_lossy(&created.stdout).contains("«kepala.it» dibuat"));

    // Once an administrator exists, the command refuses and changes nothing.
    let again = admin_create(data.path(), "orang.lain", "kata-sandi-panjang");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("Sudah ada administrator"));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}", data.path().join("pelihara.db").display());
        let store = pelihara_store::Store::open(&url).await.unwrap();
        let admin = store.user_by_username("kepala.it").await.unwrap().unwrap();
        assert_eq!(admin.user.role, pelihara_domain::Role::Admin);
        assert!(
            store
                .user_by_username("orang.lain")
                .await
                .unwrap()
                .is_none()
        );
        let events = store.recent_events(50).await.unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|event| event.action == "setup.first_admin")
                .count(),
            1
        );
        assert!(
            pelihara_web::auth::verify_password(admin.password_hash, "kata-sandi-panjang".into())
                .await
                .unwrap()
        );
        store.close().await;
    });
}
