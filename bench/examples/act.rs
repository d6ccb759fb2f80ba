//! A small driver for profiling `Store::act` alone: registrations on a copy of a benchmark
//! database, N callers for S seconds, printing transitions per second. It must never run on
//! a database a server has open (it writes to it).
//!
//! `cargo run --release -p pelihara-bench --example act -- DB CALLERS SECONDS [GROW_OPEN]`
//! (GROW_OPEN: on a fresh `pelihara demo` database only, once: adds that many open cases)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::NaiveDate;
use pelihara_domain::agenda::AgendaFormat;
use pelihara_domain::{CaseId, Command, Confidentiality, RegistrationInput, TaskId, Urgency};
use pelihara_store::{AuditSource, Store};

fn register_letter() -> Command {
    Command::RegisterLetter(RegistrationInput {
        classification: "000.5.2.3".into(),
        urgency: Urgency::Biasa,
        confidentiality: Confidentiality::Biasa,
        letter_number: "000.5.2.3/123/2026".into(),
        letter_date: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).context("DB path")?.clone();
    let callers: usize = args.get(2).map_or(Ok(1), |n| n.parse())?;
    let seconds: u64 = args.get(3).map_or(Ok(5), |n| n.parse())?;
    // An optional fourth argument grows a fresh demo database first by that many open cases.
    if let Some(open) = args.get(4) {
        pelihara_store::generate::grow(
            &path,
            pelihara_store::generate::Spec {
                done: 0,
                open: open.parse()?,
                open_spread_days: 90,
            },
        )
        .await?;
    }
    let work = Arc::new(pelihara_store::generate::register_tasks(&path, 200_000).await?);
    let store = Store::open(&format!("sqlite://{path}")).await?;
    let catalog = Arc::new(store.sop_catalog().await?);
    let calendar = Arc::new(store.working_calendar().await?);
    let user = store
        .user_by_username("pelaksana1")
        .await?
        .context("demo user pelaksana1")?;
    let actor = Arc::new(store.actor(user.user.id).await?.context("actor")?);
    let source = AuditSource {
        actor_id: Some(user.user.id),
        actor_name: user.user.full_name.clone(),
        address: "bench".into(),
    };
    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..callers {
        let (store, catalog, calendar, actor, source, work, next) = (
            store.clone(),
            catalog.clone(),
            calendar.clone(),
            actor.clone(),
            source.clone(),
            work.clone(),
            next.clone(),
        );
        handles.push(tokio::spawn(async move {
            let agenda = AgendaFormat::default();
            let (mut done, mut errors) = (0_u64, 0_u64);
            while Instant::now() < deadline {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let Some((case, task)) = usize::try_from(n).ok().and_then(|n| work.get(n)) else {
                    break;
                };
                let (Some(case), task) = (CaseId::parse(case), TaskId::parse(task)) else {
                    errors += 1;
                    continue;
                };
                match store
                    .act(
                        &catalog,
                        &calendar,
                        &agenda,
                        case,
                        &actor,
                        task,
                        register_letter(),
                        chrono::Utc::now(),
                        &source,
                    )
                    .await
                {
                    Ok(_) => done += 1,
                    Err(error) => {
                        if errors == 0 {
                            eprintln!("first error: {error}");
                        }
                        errors += 1;
                    }
                }
            }
            (done, errors)
        }));
    }
    let (mut done, mut errors) = (0, 0);
    for handle in handles {
        let (d, e) = handle.await?;
        done += d;
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{callers} callers: {done} transitions in {elapsed:.2} s = {:.0} tr/s, {errors} errors, group commit {:?}",
        done as f64 / elapsed,
        store.group_commit_stats()
    );
    store.close().await;
    Ok(())
}
