//! `deploy/pelihara-backup.sh`, the script the nightly systemd timer runs: it writes a dated
//! backup that restores, removes only the dated backups older than the retention, leaves
//! anything else in the folder alone, and refuses a nonsense retention before doing anything.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/pelihara-backup.sh")
}

fn run_script(data: &Path, backups: &Path, keep_days: &str) -> Output {
    Command::new("bash")
        .arg(script())
        .env("PELIHARA_BIN", env!("CARGO_BIN_EXE_pelihara"))
        .env("PELIHARA_DATA", data)
        .env("PELIHARA_BACKUP_DIR", backups)
        .env("PELIHARA_BACKUP_KEEP_DAYS", keep_days)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_LANG")
        .output()
        .unwrap()
}

/// A data folder with a database in it (the first administrator).
fn installation(data: &Path) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(["admin", "create", "--username", "admin", "--name", "Admin"])
        .arg("--data")
        .arg(data)
        .env_remove("PELIHARA_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"kata-sandi-panjang\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
}

fn names(folder: &Path) -> Vec<String> {
    let mut names = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    names.sort();
    names
}

/// Sets a folder's modification time `days` days back, as an old backup's would be.
fn age(folder: &Path, days: u32) {
    let status = Command::new("touch")
        .arg("-d")
        .arg(format!("{days} days ago"))
        .arg(folder)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn the_nightly_script_backs_up_and_keeps_only_the_retention() {
    let work = tempfile::tempdir().unwrap();
    let (data, backups) = (work.path().join("data"), work.path().join("cadangan"));
    installation(&data);
    std::fs::create_dir_all(&backups).unwrap();
    // Two backups of earlier nights (one past the retention, one within it), a failed one past
    // it, and a folder someone else put there long ago.
    for (name, days) in [
        ("2026-11-01T013000", 20),
        ("2026-11-30T013000", 5),
        ("2026-11-02T013000.partial", 19),
        ("arsip-manual", 40),
    ] {
        std::fs::create_dir(backups.join(name)).unwrap();
        age(&backups.join(name), days);
    }

    let refused = run_script(&data, &backups, "nol");
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert_eq!(names(&backups).len(), 4, "a refused run changes nothing");

    let ran = run_script(&data, &backups, "14");
    assert!(ran.status.success(), "{ran:?}");
    let left = names(&backups);
    assert!(!left.contains(&"2026-11-01T013000".to_owned()), "{left:?}");
    assert!(
        !left.contains(&"2026-11-02T013000.partial".to_owned()),
        "{left:?}"
    );
    assert!(left.contains(&"2026-11-30T013000".to_owned()), "{left:?}");
    assert!(left.contains(&"arsip-manual".to_owned()), "{left:?}");
    let new = left
        .iter()
        .find(|name| !["2026-11-30T013000", "arsip-manual"].contains(&name.as_str()))
        .expect("tonight's backup")
        .clone();
    assert!(!new.ends_with(".partial"), "{left:?}");
    assert!(backups.join(&new).join("manifest.json").is_file());

    // Tonight's backup restores (hashes and audit chain checked by `restore`).
    let restored = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(["restore", "--from"])
        .arg(backups.join(&new))
        .arg("--data")
        .arg(work.path().join("pulih"))
        .env_remove("PELIHARA_LANG")
        .output()
        .unwrap();
    assert!(restored.status.success(), "{restored:?}");
}
