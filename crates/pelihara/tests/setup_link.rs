//! The first run of `pelihara serve`: on a data folder without an administrator it prints a
//! one-time setup link that opens the setup page; once an administrator exists (here made by
//! `pelihara admin create`, the scripted way) the link is refused with 410 and a server
//! started again prints none.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// `pelihara serve` on `data` and a free port; its standard output's lines.
fn serve(data: &std::path::Path) -> (Child, std::io::Lines<BufReader<std::process::ChildStdout>>) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--no-scheduler",
            "--data",
        ])
        .arg(data)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_LANG")
        .env_remove("PELIHARA_PUBLIC_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let lines = BufReader::new(server.stdout.take().unwrap()).lines();
    (server, lines)
}

fn stop(server: &mut Child) {
    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(server.wait().unwrap().success());
}

/// The status code of `GET path` on `address`.
fn status_of(address: &str, path: &str) -> u16 {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

fn address_of(first: &str) -> String {
    first
        .strip_prefix("Pelihara: http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned()
}

#[test]
fn the_first_run_prints_a_setup_link_that_stops_working_once_an_administrator_exists() {
    let data = tempfile::tempdir().unwrap();
    let (mut server, mut lines) = serve(data.path());
    let first = lines.next().unwrap().unwrap();
    let address = address_of(&first);
    let announcement = lines.next().unwrap().unwrap();
    assert!(
        announcement.starts_with("Belum ada administrator."),
        "{announcement}"
    );
    let link = announcement
        .split_whitespace()
        .find(|word| word.contains("/pasang?token="))
        .unwrap_or_else(|| panic!("no link in {announcement:?}"));
    let path = link
        .strip_prefix(&format!("http://{address}"))
        .unwrap()
        .to_owned();
    let token = path.strip_prefix("/pasang?token=").unwrap();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(status_of(&address, &path), 200);

    // The scripted install creates the administrator meanwhile: the link is gone.
    let mut admin = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args([
            "admin",
            "create",
            "--username",
            "admin.kantor",
            "--name",
            "Admin Kantor",
            "--data",
        ])
        .arg(data.path())
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    admin
        .stdin
        .take()
        .unwrap()
        .write_all(b"kata-sandi-panjang\n")
        .unwrap();
    assert!(admin.wait_with_output().unwrap().status.success());
    assert_eq!(status_of(&address, &path), 410);
    stop(&mut server);
    drop(lines);

    // Started again: no link.
    let (mut again, lines) = serve(data.path());
    let mut lines = lines.map_while(Result::ok);
    let first = lines.next().unwrap();
    let address = address_of(&first);
    assert_eq!(status_of(&address, &path), 410);
    stop(&mut again);
    let rest: Vec<String> = lines.collect();
    assert!(
        rest.iter().all(|line| !line.contains("/pasang")),
        "{rest:?}"
    );
    assert!(
        rest.iter().any(|line| line == "Pelihara stopped."),
        "{rest:?}"
    );
}
