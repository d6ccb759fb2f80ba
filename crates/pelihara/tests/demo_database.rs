//! `pelihara demo --database postgres://...`: the demo seeds an empty PostgreSQL database and
//! serves it, and refuses a database that already has users rather than emptying it. Its
//! users' email addresses are reserved example domains (RFC 2606), so a demo copy served with
//! a mail relay mails nobody real; its letters are in the database, not the data folder.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn demo(url: &str, data: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pelihara"));
    command
        .args(["demo", "--port", "0", "--database", url, "--data"])
        .arg(data)
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_LANG")
        .env("PELIHARA_NO_SCHEDULER", "1");
    command
}

#[test]
fn the_demo_seeds_an_empty_postgresql_database_and_refuses_one_with_users() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = runtime.block_on(pelihara_store::testing::fresh_postgres_url()) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();

    let mut server = demo(&url, &work.path().join("demo"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the demo's banner").unwrap();
        if let Some(rest) = line.strip_prefix("Pelihara: http://") {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    // The server answers from PostgreSQL: a wrong password is refused, not an error.
    assert_eq!(support::failed_sign_in(&address, "kadis"), Some(401));
    let (users, cases) = runtime.block_on(async {
        let store = pelihara_store::Store::open(&url).await.unwrap();
        let people = store.list_users().await.unwrap();
        for person in &people {
            let Some(email) = &person.email else { continue };
            let domain = email.rsplit_once('@').map_or("", |(_, domain)| domain);
            let reserved = ["example", "example.org", "example.com", "example.net"]
                .iter()
                .any(|reserved| domain == *reserved || domain.ends_with(&format!(".{reserved}")));
            assert!(
                reserved,
                "{} has a real-looking address {email}",
                person.user.username
            );
        }
        let letters = pelihara_store::BlobStore::for_store(&store, work.path().join("none"))
            .digests()
            .await
            .unwrap();
        assert!(
            !letters.is_empty(),
            "the demo's letters are in the database"
        );
        let counts = (
            people.len(),
            store.list_cases(None, 100_000).await.unwrap().len(),
        );
        store.close().await;
        counts
    });
    assert!(users > 10 && cases > 10, "{users} users, {cases} cases");
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(server.wait().unwrap().success());

    // A second demo on the same database: refused with the reason, nothing seeded twice.
    let again = demo(&url, &work.path().join("demo-2")).output().unwrap();
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("sudah berisi pengguna"), "{said}");
    let users_after = runtime.block_on(async {
        let store = pelihara_store::Store::open(&url).await.unwrap();
        let users = store.list_users().await.unwrap().len();
        store.close().await;
        users
    });
    assert_eq!(users_after, users);
}
