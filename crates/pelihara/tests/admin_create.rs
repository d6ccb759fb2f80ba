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

fn reset_totp(data: &std::path::Path, username: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(["admin", "reset-totp", "--username", username, "--data"])
        .arg(data)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_LANG")
        .output()
        .unwrap()
}

#[test]
fn an_administrator_who_lost_the_authenticator_is_let_in_again_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let created = admin_create(data.path(), "kepala.it", "kata-sandi-panjang");
    assert!(created.status.success(), "{created:?}");
    let url = format!("sqlite://{}", data.path().join("pelihara.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // Two-step verification on, with recovery codes (as the account page turns it on).
    let admin = runtime.block_on(async {
        let store = pelihara_store::Store::open(&url).await.unwrap();
        let admin = store.user_by_username("kepala.it").await.unwrap().unwrap();
        let source = pelihara_store::AuditSource::cli("test");
        let hashes = vec!["a".repeat(64), "b".repeat(64)];
        let enabled = store
            .enable_totp(
                admin.user.id,
                "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                1,
                &hashes,
                &source,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        assert!(enabled);
        store.close().await;
        admin.user.id
    });

    // An unknown user: refused, with the name.
    let unknown = reset_totp(data.path(), "tidak.ada");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Tidak ada pengguna «tidak.ada»"));

    let reset = reset_totp(data.path(), "Kepala.IT");
    assert!(reset.status.success(), "{reset:?}");
    assert!(String::from_utf8_lossy(&reset.stdout).contains("dimatikan"));
    // Again: nothing to do, said so, nothing written.
    let again = reset_totp(data.path(), "kepala.it");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("tidak memakai"));

    runtime.block_on(async {
        let store = pelihara_store::Store::open(&url).await.unwrap();
        assert!(store.totp(admin).await.unwrap().is_none());
        assert_eq!(store.unused_recovery_codes(admin).await.unwrap(), 0);
        let events = store.recent_events(50).await.unwrap();
        let disabled: Vec<_> = events
            .iter()
            .filter(|event| event.action == "auth.totp_disabled")
            .collect();
        assert_eq!(disabled.len(), 1, "one reset, one event");
        assert!(disabled[0].source.contains("cli"), "{}", disabled[0].source);
        store.close().await;
    });
}
