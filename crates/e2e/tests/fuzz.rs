//! The API against a schema-based fuzzer: schemathesis (`PELIHARA_TEST_SCHEMATHESIS`, installed
//! by scripts/test-env.sh) reads `/api/openapi.json` from the server on a loopback port and
//! sends requests it generates from the description to every operation, with a token that
//! holds every scope. It fails on any 5xx and on any answer whose body breaks the schema the
//! description gives for its status. A short run (a few examples per operation, a time budget)
//! so the test command stays fast.

use std::path::PathBuf;
use std::time::Duration;

use pelihara_store::{AuditSource, NewToken, TokenScope};

use crate::support::Server;

/// How long the fuzzer may run before the test gives up on it (its own budget is 40 s).
const TIME_LIMIT: Duration = Duration::from_secs(110);

/// The `st` command, or `None` (after saying why) outside CI when it is not installed; in CI a
/// missing fuzzer fails the test, so CI never passes by skipping it.
fn schemathesis() -> Option<PathBuf> {
    let why = match std::env::var("PELIHARA_TEST_SCHEMATHESIS") {
        Ok(path) if PathBuf::from(&path).is_file() => return Some(PathBuf::from(path)),
        Ok(path) => format!("PELIHARA_TEST_SCHEMATHESIS {path} does not exist"),
        Err(_) => "PELIHARA_TEST_SCHEMATHESIS is not set".to_owned(),
    };
    let why = format!("{why} (scripts/test-env.sh start installs schemathesis)");
    if std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_holds_to_its_description_under_a_schema_based_fuzzer() {
    let Some(st) = schemathesis() else {
        return;
    };
    let server = Server::start().await;
    let services = &server.test.services;
    let people = pelihara_web::testing::seed_people(services).await;
    let now = services.clock.now();
    let system = AuditSource::cli("fuzz");
    for opd in [people.opd, people.other_opd] {
        services
            .store
            .create_app(
                opd,
                pelihara_store::register::NewApp {
                    name: "Website".into(),
                    ..Default::default()
                },
                &system,
                now,
            )
            .await
            .unwrap();
    }
    // The administrator with every scope reaches every operation (and keeps the register).
    let minted = pelihara_web::auth::mint_token();
    services
        .store
        .create_token(
            NewToken {
                user_id: people.admin,
                prefix: minted.prefix,
                secret_hash: minted.secret_hash,
                name: "fuzz".into(),
                scopes: TokenScope::ALL.to_vec(),
                expires_at: now + chrono::Duration::days(1),
            },
            &system,
            now,
        )
        .await
        .unwrap();
    let report = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(st);
    command
        .arg("run")
        .arg(format!("{}/api/openapi.json", server.base))
        .args(["--checks", "not_a_server_error,response_schema_conformance"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", "8", "--max-time", "40", "--workers", "2"])
        .args(["--request-timeout", "20", "--seed", "1", "--no-shrink"])
        // Below the token's own limit (600 a minute), so answers are not mostly 429s.
        .args(["--rate-limit", "500/m"])
        .arg("--header")
        .arg(format!("Authorization: Bearer {}", minted.token))
        .arg("--report-dir")
        .arg(report.path())
        // Its cache of crashes goes to the throw-away folder, not into the work tree.
        .current_dir(report.path())
        .env("NO_COLOR", "1")
        .kill_on_drop(true);
    let output = tokio::time::timeout(TIME_LIMIT, command.output())
        .await
        .expect("schemathesis finishes in time")
        .expect("schemathesis runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The secret must not be printed by the tool (it sanitizes headers) nor kept.
    assert!(
        !text.contains(&minted.token[13..]),
        "the token in the output"
    );
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{text}"
    );
}
