//! Transitions straight through the store (no HTTP, no sessions, no PDFs): the engine, the
//! version guard, the agenda counter, the audit chain and group commit, with N concurrent
//! callers. It tells apart what the store can do from what the web request adds. It must
//! never run while the server has the database open.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::NaiveDate;
use pelihara_domain::agenda::AgendaFormat;
use pelihara_domain::{CaseId, Command, Confidentiality, RegistrationInput, TaskId, Urgency};
use pelihara_store::{AuditSource, Store};

use crate::load::Stats;

fn register_letter() -> Command {
    Command::RegisterLetter(RegistrationInput {
        classification: "000.5.2.3".into(),
        urgency: Urgency::Biasa,
        confidentiality: Confidentiality::Biasa,
        letter_number: "000.5.2.3/123/2026".into(),
        letter_date: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
    })
}

/// Registers cases from `work` (from index `next` on) with `callers` concurrent callers for
/// `duration`; returns the stats and the store's group commit counters over the run.
pub async fn transitions(
    url: &str,
    work: Arc<Vec<(String, String)>>,
    next: Arc<AtomicU64>,
    callers: usize,
    duration: Duration,
) -> anyhow::Result<(Stats, Option<(u64, u64)>)> {
    let store = Store::open(url).await?;
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
    let before = store.group_commit_stats();
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
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
        tasks.push(tokio::spawn(async move {
            let agenda = AgendaFormat::default();
            let mut latencies = Vec::new();
            let mut errors = 0_u64;
            while Instant::now() < deadline {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let Some((case, task)) = usize::try_from(n).ok().and_then(|n| work.get(n)) else {
                    break;
                };
                let (Some(case), task) = (CaseId::parse(case), TaskId::parse(task)) else {
                    errors += 1;
                    continue;
                };
                let at = Instant::now();
                let outcome = store
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
                    .await;
                match outcome {
                    Ok(_) => {
                        latencies.push(u32::try_from(at.elapsed().as_micros()).unwrap_or(u32::MAX))
                    }
                    Err(error) => {
                        if errors == 0 {
                            eprintln!("  first error: {error}");
                        }
                        errors += 1;
                    }
                }
            }
            (latencies, errors, Instant::now())
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut last = started;
    for task in tasks {
        let (mut part, failed, finished) = task.await?;
        latencies.append(&mut part);
        errors += failed;
        last = last.max(finished);
    }
    let after = store.group_commit_stats();
    store.close().await;
    latencies.sort_unstable();
    let percentile = |p: f64| -> f64 {
        let Some(last) = latencies.len().checked_sub(1) else {
            return 0.0;
        };
        let index = ((last as f64) * p).round() as usize;
        f64::from(latencies[index.min(last)]) / 1000.0
    };
    let batching = before
        .zip(after)
        .map(|(before, after)| (after.commits - before.commits, after.jobs - before.jobs));
    Ok((
        Stats {
            done: latencies.len() as u64,
            errors,
            seconds: last.duration_since(started).as_secs_f64(),
            p50_ms: percentile(0.5),
            p99_ms: percentile(0.99),
        },
        batching,
    ))
}
