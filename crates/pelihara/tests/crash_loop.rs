//! The crash loop: the real `pelihara serve` on the demo's data, four clients writing at once
//! over HTTP (two OPD operators submit new requests with their letters, which go through the
//! group-commit writer; two Pelaksana add apps to the register, which go through the store's
//! write pool), `kill -9` at a random
//! moment, a restart, and every write that was acknowledged (a 303 naming what it made) must
//! be there; after the last cycle `pelihara audit verify` must pass. `PELIHARA_CRASH_CYCLES`
//! sets the number of cycles (20 by default: the short run of `scripts/test.sh`);
//! `scripts/crash-loop.sh` runs the long one and prints the figures docs/crash-loop.md records.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

#[path = "client/mod.rs"]
mod client;

use std::collections::HashSet;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use client::{Part, Server};

/// What one client made and was told about: ("case" or "app", id).
type Acknowledged = Arc<Mutex<Vec<(&'static str, String)>>>;

/// Who writes: the operators submit requests, the Pelaksana add apps.
const WRITERS: [&str; 4] = ["op.dinkes", "pelaksana1", "op.disdikbud", "pelaksana2"];

fn letter() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A small xorshift: the moment of each kill, different on every run (the seed is printed).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// One client: signs its user in, then submits new requests on one of its OPD's apps (an
/// operator) or adds new apps (a Pelaksana), recording each acknowledgement, until told to
/// stop or the server is gone.
fn client(
    address: String,
    user: &'static str,
    label: String,
    stop: Arc<AtomicBool>,
    acknowledged: Acknowledged,
) -> usize {
    let Some(cookie) = client::sign_in(&address, user) else {
        return 0;
    };
    let operator = user.starts_with("op.");
    // An operator's request names one of its apps; a Pelaksana's new app an OPD of the form.
    let (page, prefix) = if operator {
        ("/aplikasi", "/aplikasi/")
    } else {
        ("/aplikasi/baru", "value=\"")
    };
    let Some(list) = client::request(&address, "GET", page, Some(&cookie), None) else {
        return 0;
    };
    let Some(target) = client::ids_after(&list.text(), prefix).into_iter().next() else {
        panic!("nothing to write about on {page}: {}", list.text());
    };
    let letter = letter();
    let mut made = 0;
    let mut attempt = 0u64;
    while !stop.load(Ordering::Relaxed) {
        attempt += 1;
        let name = format!("{label}-{attempt}");
        let (kind, reply) = if operator {
            let (content_type, body) = client::multipart(&[
                Part::Text("app_id", &target),
                Part::Text("subject", &name),
                Part::Text("description", "Uji crash loop"),
                Part::File("letter", "surat.pdf", "application/pdf", &letter),
            ]);
            (
                "case",
                client::request(
                    &address,
                    "POST",
                    "/permohonan/baru",
                    Some(&cookie),
                    Some((&content_type, &body)),
                ),
            )
        } else {
            let body = client::urlencoded(&[
                ("opd_id", &target),
                ("name", &name),
                ("url", &format!("https://{name}.example.org")),
                ("status", "active"),
            ]);
            (
                "app",
                client::request(
                    &address,
                    "POST",
                    "/aplikasi/baru",
                    Some(&cookie),
                    Some(("application/x-www-form-urlencoded", &body)),
                ),
            )
        };
        let Some(reply) = reply else {
            // The server went away: what was not answered was never promised.
            return made;
        };
        match reply.status {
            303 => {
                let location = reply.header("location").unwrap_or_default();
                let prefix = if kind == "case" {
                    "/permohonan/"
                } else {
                    "/aplikasi/"
                };
                let Some(id) = client::ids_after(location, prefix).into_iter().next() else {
                    panic!("{kind} acknowledged with {location:?}");
                };
                acknowledged.lock().unwrap().push((kind, id));
                made += 1;
            }
            // A server shutting down mid-answer is no acknowledgement; anything else is a bug.
            status => panic!("{kind} answered {status}: {}", reply.text()),
        }
    }
    made
}

/// Every acknowledged write is in the database (read through the store, as `serve` would
/// read it at its next start).
fn missing_from(url: &str, acknowledged: &[(&'static str, String)]) -> Vec<String> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = pelihara_store::Store::open(url).await.unwrap();
        let cases: HashSet<String> = store
            .list_cases(None, 10_000_000)
            .await
            .unwrap()
            .into_iter()
            .map(|case| case.id.to_string())
            .collect();
        let apps: HashSet<String> = store
            .register(&pelihara_store::register::RegisterFilter::default())
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.app.id.to_string())
            .collect();
        store.close().await;
        acknowledged
            .iter()
            .filter(|(kind, id)| {
                let found = if *kind == "case" { &cases } else { &apps };
                !found.contains(id)
            })
            .map(|(kind, id)| format!("{kind} {id}"))
            .collect()
    })
}

fn cycles(default: usize) -> usize {
    std::env::var("PELIHARA_CRASH_CYCLES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[test]
fn kill_9_during_acknowledged_writes_loses_nothing_on_sqlite() {
    crash_loop(cycles(20), None);
}

/// PostgreSQL acknowledges on its own commit; the loop checks the server never answers first.
/// Ten cycles in the short run: its restarts are slower and its durability is PostgreSQL's.
#[test]
fn kill_9_during_acknowledged_writes_loses_nothing_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = runtime.block_on(pelihara_store::testing::fresh_postgres_url()) else {
        return;
    };
    crash_loop(cycles(10), Some(url));
}

/// `cycles` kills on the demo's data, on SQLite in the data folder or on `database`.
fn crash_loop(cycles: usize, database: Option<String>) {
    let started = Instant::now();
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut dice = Dice(seed);
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("demo");
    let data_arg = data.to_str().unwrap().to_owned();
    let url = database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", data.join("pelihara.db").display()));
    let backend = if database.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    // Every command names the database: the demo's folder, or the PostgreSQL one.
    let with_database = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        if let Some(database) = &database {
            all.extend(["--database".to_owned(), database.clone()]);
        }
        all
    };

    let mut acknowledged_total: Vec<(&'static str, String)> = Vec::new();
    for cycle in 0..cycles {
        // The first start seeds the demo; every later one is a plain restart after the kill.
        let args = if cycle == 0 {
            with_database(&["demo", "--port", "0", "--data", &data_arg])
        } else {
            with_database(&["serve", "--listen", "127.0.0.1:0", "--data", &data_arg])
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = client::start(&args, &[]);
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged: Acknowledged = Arc::default();
        let clients: Vec<_> = WRITERS
            .iter()
            .enumerate()
            .map(|(index, operator)| {
                let (address, stop, acknowledged) =
                    (server.address.clone(), stop.clone(), acknowledged.clone());
                let label = format!("crash-{cycle}-{index}");
                std::thread::spawn(move || client(address, operator, label, stop, acknowledged))
            })
            .collect();
        // The kill lands somewhere in 0.3 s .. 1.5 s of writing.
        let wait = Duration::from_millis(300 + dice.next() % 1_200);
        std::thread::sleep(wait);
        kill_9(server);
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            client.join().unwrap();
        }
        let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
        let missing = missing_from(&url, &acknowledged);
        assert!(
            missing.is_empty(),
            "cycle {cycle} (seed {seed}): {} of {} acknowledged writes lost: {missing:?}",
            missing.len(),
            acknowledged.len()
        );
        acknowledged_total.extend(acknowledged);
    }
    // Everything acknowledged in any cycle is still there at the end.
    let missing = missing_from(&url, &acknowledged_total);
    assert!(missing.is_empty(), "lost at the end: {missing:?}");
    let verify = Command::new(env!("CARGO_BIN_EXE_pelihara"))
        .args(with_database(&["audit", "verify", "--data", &data_arg]))
        .env_remove("PELIHARA_DATABASE_URL")
        .output()
        .unwrap();
    assert!(verify.status.success(), "{verify:?}");
    let cases = acknowledged_total
        .iter()
        .filter(|(kind, _)| *kind == "case")
        .count();
    assert!(
        acknowledged_total.len() >= cycles,
        "too few writes to mean anything: {}",
        acknowledged_total.len()
    );
    println!(
        "crash loop on {backend}: {cycles} cycles, {} acknowledged writes ({cases} requests, {} apps), \
         0 lost, audit verify passed, {:.0} s, seed {seed}",
        acknowledged_total.len(),
        acknowledged_total.len() - cases,
        started.elapsed().as_secs_f64()
    );
}

/// `kill -9` of the server while the clients write.
fn kill_9(server: Server) {
    server.kill_hard();
}
