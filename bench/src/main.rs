//! `pelihara-bench`: the benchmark Pelihara carries (run it with `bench/run.sh`). One run
//! measures, side by side on the same machine: bare axum + one SQLite INSERT per request
//! (synchronous FULL and NORMAL) and `GET /hello`; Pelihara's transitions over HTTP at 1 and 32
//! connections; SpiffWorkflow on SQLite; inbox, request list, case page, the reminder sweep and
//! the digest's figures at a small and a large database; memory and page weight; then prints one table with the
//! ratios the quality bars ask for. It must never report a figure it did not measure in this run.

mod baseline;
mod direct;
mod load;
mod pelihara;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::body::Bytes;
use clap::{Parser, Subcommand};
use http_body_util::Full;
use hyper::{Method, Request, StatusCode, header};

use crate::load::{MakeRequest, Stats};
use crate::pelihara::{RssSampler, Server};

#[derive(Parser)]
#[command(
    name = "pelihara-bench",
    about = "Pelihara's benchmark (bench/run.sh runs it; bench/RESULTS.md holds the recorded runs)"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// The whole benchmark; prints the table (Markdown) on stdout.
    Run(RunOptions),
    /// The baseline server (started by `run` as a child process).
    BaselineServer {
        #[arg(long)]
        db: String,
        /// full or normal
        #[arg(long)]
        synchronous: String,
    },
}

#[derive(clap::Args)]
struct RunOptions {
    /// The release `pelihara` binary.
    #[arg(long, default_value = "target/release/pelihara")]
    pelihara: PathBuf,
    /// The Python with SpiffWorkflow installed (bench/.venv/bin/python).
    #[arg(long, default_value = "bench/.venv/bin/python")]
    python: PathBuf,
    /// Scratch folder for the databases (emptied).
    #[arg(long, default_value = "bench/work")]
    work: PathBuf,
    /// Seconds per throughput measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Cases in the small database.
    #[arg(long, default_value_t = 10_000)]
    small: u64,
    /// Cases in the large database (0: skip it).
    #[arg(long, default_value_t = 1_000_000)]
    large: u64,
    /// Open register tasks kept at least, so the transition runs do not run out of work: the
    /// four runs of a scale share them (about 55 000 in 5 s runs at the 2026-11-28 figures;
    /// the table warns when they ran out).
    #[arg(long, default_value_t = 60_000)]
    pool: u64,
    /// Run the server without its background jobs (reminder sweep, deliveries, digest), to
    /// measure requests alone; by default the server runs as deployed.
    #[arg(long)]
    no_scheduler: bool,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Cmd::Run(options) => runtime.block_on(run(options)),
        Cmd::BaselineServer { db, synchronous } => {
            runtime.block_on(baseline::serve(&db, &synchronous))
        }
    }
}

/// The request list's page: what `/permohonan` shows at once (the web's page size).
const LIST_PAGE: i64 = 50;

/// One scale's measurements.
#[derive(Debug, Default, Clone)]
struct Scale {
    label: String,
    cases: i64,
    tasks: i64,
    open_tasks: i64,
    events: i64,
    generate_seconds: f64,
    /// Open tasks past their due moment, as the digest counts them.
    overdue_rows: u64,
    inbox: Stats,
    /// `/permohonan` unfiltered, by status, and a later page (after a cursor).
    request_list: Stats,
    case_page: Stats,
    /// `/dasbor` (this month, and a year) and `/laporan/mutu-baku` (per step, per person, a
    /// quarter): every figure an SQL aggregate (issue 15).
    dashboard: Stats,
    compliance_report: Stats,
    transitions_1: Stats,
    transitions_32: Stats,
    /// CPU microseconds per transition in the 32-connection run: (the server, the load
    /// generator); both share the machine's two cores.
    cpu_per_transition_us: (f64, f64),
    direct_1: Stats,
    direct_32: Stats,
    /// (commits, jobs) of the store's group commit during the 32-caller direct run.
    direct_batching: Option<(u64, u64)>,
    /// The digest's figures (`open_tasks_by_step`: open and overdue tasks per step, counted
    /// by the database), best of 4.
    digest_ms: f64,
    /// The real reminder sweep (`Scheduler::run(Job::Reminders, now)`) in steady state:
    /// median and worst of its runs, and the notifications the first one made.
    reminder_sweep_ms: f64,
    reminder_sweep_max_ms: f64,
    reminder_made: u32,
    reminder_first_ms: f64,
    /// The sweep a week ahead: (rows due, notifications made, milliseconds).
    ahead: (u64, u32, f64),
    /// Schedule rows after settling (total, due at the first sweep).
    schedule_rows: (u64, u64),
    idle_rss_mb: f64,
    load_rss_mb: f64,
}

fn say(text: &str) {
    eprintln!("[bench {}] {text}", chrono::Local::now().format("%H:%M:%S"));
}

async fn run(options: RunOptions) -> anyhow::Result<()> {
    let started = Instant::now();
    let duration = Duration::from_secs(options.seconds);
    if options.work.exists() {
        std::fs::remove_dir_all(&options.work)?;
    }
    std::fs::create_dir_all(&options.work)?;
    let work = options.work.canonicalize()?;
    let me = std::env::current_exe()?;

    // 1. The baseline: bare axum, one autocommit INSERT per request.
    let mut baseline = Vec::new();
    for synchronous in ["full", "normal"] {
        let db = work.join(format!("baseline-{synchronous}.db"));
        let db_text = db.display().to_string();
        let server = Server::start(
            &me,
            &[
                "baseline-server",
                "--db",
                &db_text,
                "--synchronous",
                synchronous,
            ],
        )
        .await?;
        say(&format!("baseline insert, synchronous={synchronous}"));
        let host = server.address.to_string();
        let make: MakeRequest = Arc::new(move |_| {
            Request::builder()
                .method(Method::POST)
                .uri("/insert")
                .header(header::HOST, &host)
                .body(Full::new(Bytes::new()))
                .ok()
        });
        let stats = load::run(server.address, 32, duration, make, |status| {
            status == StatusCode::CREATED
        })
        .await?;
        baseline.push((
            format!(
                "bare axum + 1 INSERT, synchronous={}",
                synchronous.to_uppercase()
            ),
            stats,
        ));
        if synchronous == "full" {
            say("baseline GET /hello");
            let host = server.address.to_string();
            let make: MakeRequest = Arc::new(move |_| {
                Request::builder()
                    .uri("/hello")
                    .header(header::HOST, &host)
                    .body(Full::new(Bytes::new()))
                    .ok()
            });
            let stats = load::run(server.address, 32, duration, make, |status| {
                status == StatusCode::OK
            })
            .await?;
            baseline.push(("bare axum GET /hello".to_owned(), stats));
        }
        server.stop().await?;
    }

    // 2. The peer: SpiffWorkflow.
    say("SpiffWorkflow");
    let spiff_reload = spiff(&options.python, &work, options.seconds, true).await;
    let spiff = spiff(&options.python, &work, options.seconds, false).await;

    // 3. Pelihara at each scale.
    let mut scales = Vec::new();
    let mut weights = None;
    for (label, cases) in [("small", options.small), ("large", options.large)] {
        if cases == 0 {
            continue;
        }
        let (scale, weight) =
            measure_scale(&options, &work, label, cases, duration, weights.is_none()).await?;
        if weight.is_some() {
            weights = weight;
        }
        scales.push(scale);
    }

    print_table(
        &options,
        &baseline,
        &spiff,
        &spiff_reload,
        &scales,
        weights,
        started.elapsed(),
    );
    Ok(())
}

/// SpiffWorkflow's steps/s and version; `reload`: each step reads its state back first
/// (see bench/spiff_bench.py).
async fn spiff(
    python: &Path,
    work: &Path,
    seconds: u64,
    reload: bool,
) -> Result<(f64, String), String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("spiff_bench.py");
    let db = work.join(if reload {
        "spiff-reload.db"
    } else {
        "spiff.db"
    });
    let mut command = tokio::process::Command::new(python);
    command
        .arg(&script)
        .arg("--db")
        .arg(db)
        .arg("--seconds")
        .arg(seconds.to_string());
    if reload {
        command.arg("--reload");
    }
    let output = command
        .output()
        .await
        .map_err(|error| format!("{}: {error}", python.display()))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let value: serde_json::Value =
        serde_json::from_str(line.trim()).map_err(|error| error.to_string())?;
    let steps = value["steps"].as_f64().unwrap_or(0.0);
    let elapsed = value["seconds"].as_f64().unwrap_or(1.0);
    let version = value["version"].as_str().unwrap_or("?").to_owned();
    Ok((steps / elapsed, version))
}

/// A sweep with work: a week ahead (past a weekend whatever the day), every stage due by then
/// comes at once (what a node that was down that long does); its cost is per due row.
/// Returns (rows due, notifications made, milliseconds).
async fn sweep_a_week_ahead(url: &str) -> anyhow::Result<(u64, u32, f64)> {
    let store = pelihara_store::Store::open(url).await?;
    let scheduler = pelihara_scheduler::Scheduler::new(
        pelihara_scheduler::Context {
            store: store.clone(),
            catalog: store.shared_catalog().await?,
            calendar: store.shared_calendar().await?,
            sender: pelihara_notify::Sender::new(None, None, "http://127.0.0.1", "bench")?,
            config: pelihara_scheduler::SchedulerConfig::new("bench"),
        },
        pelihara_scheduler::Clock::from_fn(chrono::Utc::now),
    );
    let ahead = chrono::Utc::now() + chrono::Duration::days(7);
    let due = store.reminder_schedule_size(ahead).await?.1;
    let at = Instant::now();
    let made = scheduler
        .run(pelihara_scheduler::Job::Reminders, ahead)
        .await?;
    let ms = at.elapsed().as_secs_f64() * 1000.0;
    store.close().await;
    Ok((due, made, ms))
}

/// (first page with its assets, a later page) in bytes.
type Weights = (u64, u64);

async fn measure_scale(
    options: &RunOptions,
    work: &Path,
    label: &str,
    cases: u64,
    duration: Duration,
    want_weights: bool,
) -> anyhow::Result<(Scale, Option<Weights>)> {
    let dir = work.join(format!("pelihara-{label}"));
    say(&format!("{label}: demo database"));
    let db = pelihara::demo_database(&options.pelihara, &dir).await?;
    let db_text = db.display().to_string();
    let done = cases * 4 / 5;
    let open = (cases - done).max(options.pool);
    say(&format!(
        "{label}: growing to {done} done + {open} open cases"
    ));
    let grown = pelihara_store::generate::grow(
        &db_text,
        pelihara_store::generate::Spec {
            done,
            open,
            open_spread_days: 90,
        },
    )
    .await?;
    say(&format!("{label}: {grown:?}"));
    let work_items = Arc::new(pelihara_store::generate::register_tasks(&db_text, 1_000_000).await?);
    let done_cases = pelihara_store::generate::done_cases(&db_text, 500).await?;

    // The reminder schedule as a running system would have it: every stage due before now
    // announced (the scheduler's own rule, once per task shape). Notifications of those
    // stages are not generated; the sweep's dedupe keys make that no difference to its cost.
    let url = format!("sqlite://{db_text}");
    let store = pelihara_store::Store::open(&url).await?;
    let catalog = store.shared_catalog().await?;
    let calendar = Arc::new(store.working_calendar().await?);
    let config = pelihara_scheduler::SchedulerConfig::new("bench");
    let settle_now = chrono::Utc::now();
    let settled = pelihara_store::generate::settle_reminders(&db_text, |task| {
        let levels = catalog.snapshot().all().next().map_or(0, |sop| {
            pelihara_scheduler::escalation_levels(sop, &task.position)
        });
        pelihara_scheduler::next_stage(
            &calendar,
            task,
            settle_now,
            config.due_soon_percent,
            config.escalation_grace_minutes,
            levels,
            0,
        )
    })
    .await?;
    say(&format!("{label}: reminder schedule settled: {settled:?}"));

    // The digest's figures, through the store as the daily digest reads them (best of 4):
    // open and overdue tasks per step, counted by the database.
    let mut digest_ms = f64::MAX;
    let mut overdue_rows = 0;
    for _ in 0..4 {
        let at = Instant::now();
        let by_step = store.open_tasks_by_step(chrono::Utc::now()).await?;
        digest_ms = digest_ms.min(at.elapsed().as_secs_f64() * 1000.0);
        overdue_rows = by_step.iter().map(|step| step.overdue).sum();
    }
    // A later page of the request list: where the first page of every case ends.
    let second_page = store
        .case_page(&pelihara_store::CaseFilter::default(), None, LIST_PAGE)
        .await?
        .next
        .context("more than one page of cases")?
        .token();

    // The real reminder sweep, as the server's scheduler runs it every minute: the first run
    // takes what came due since settling; the next ones are the steady state.
    let schedule_rows = store.reminder_schedule_size(chrono::Utc::now()).await?;
    let scheduler = pelihara_scheduler::Scheduler::new(
        pelihara_scheduler::Context {
            store: store.clone(),
            catalog: catalog.clone(),
            calendar: pelihara_store::SharedCalendar::fixed((*calendar).clone()),
            sender: pelihara_notify::Sender::new(None, None, "http://127.0.0.1", "bench")?,
            config,
        },
        pelihara_scheduler::Clock::from_fn(chrono::Utc::now),
    );
    let at = Instant::now();
    let reminder_made = scheduler
        .run(pelihara_scheduler::Job::Reminders, chrono::Utc::now())
        .await?;
    let reminder_first_ms = at.elapsed().as_secs_f64() * 1000.0;
    let mut runs = Vec::new();
    for _ in 0..9 {
        let at = Instant::now();
        scheduler
            .run(pelihara_scheduler::Job::Reminders, chrono::Utc::now())
            .await?;
        runs.push(at.elapsed().as_secs_f64() * 1000.0);
    }
    runs.sort_by(f64::total_cmp);
    let reminder_sweep_ms = runs.get(runs.len() / 2).copied().unwrap_or(0.0);
    let reminder_sweep_max_ms = runs.last().copied().unwrap_or(0.0);
    store.close().await;
    say(&format!(
        "{label}: reminder sweep {reminder_sweep_ms:.2} ms (max {reminder_sweep_max_ms:.2}), \
         schedule {schedule_rows:?}, first run {reminder_first_ms:.1} ms made {reminder_made}; \
         digest figures {digest_ms:.1} ms ({overdue_rows} overdue)"
    ));

    let dir_text = dir.display().to_string();
    let mut args = vec!["serve", "--data", &dir_text, "--listen", "127.0.0.1:0"];
    if options.no_scheduler {
        args.push("--no-scheduler");
    }
    let server = Server::start(&options.pelihara, &args).await?;
    let session = pelihara::sign_in(server.address, "pelaksana1", "demo-pelihara").await?;
    // One page so that the templates and pools are warm, then idle.
    pelihara::page_weight(&server, &session, "/tugas", false).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss_mb = server.rss_mb();

    let weights = if want_weights {
        let case = done_cases.first().context("a finished case")?;
        let first = pelihara::page_weight(&server, &session, "/tugas", true).await?;
        let later =
            pelihara::page_weight(&server, &session, &format!("/permohonan/{case}"), false).await?;
        Some((first, later))
    } else {
        None
    };

    let sampler = RssSampler::start(server.pid);
    let short = duration.min(Duration::from_secs(5));
    say(&format!("{label}: inbox"));
    let inbox = pelihara::pages(
        &server,
        &session,
        Arc::new(vec!["/tugas".to_owned()]),
        1,
        short,
    )
    .await?;
    say(&format!("{label}: request list"));
    let request_list = pelihara::pages(
        &server,
        &session,
        Arc::new(vec![
            "/permohonan".to_owned(),
            "/permohonan?status=done".to_owned(),
            format!("/permohonan?setelah={second_page}"),
        ]),
        1,
        short,
    )
    .await?;
    say(&format!("{label}: case page"));
    let case_paths = Arc::new(
        done_cases
            .iter()
            .map(|id| format!("/permohonan/{id}"))
            .collect::<Vec<_>>(),
    );
    let case_page = pelihara::pages(&server, &session, case_paths, 1, short).await?;
    say(&format!("{label}: dashboard"));
    let year = chrono::Utc::now().format("%Y").to_string();
    let dashboard = pelihara::pages(
        &server,
        &session,
        Arc::new(vec![
            "/dasbor".to_owned(),
            format!("/dasbor?periode=tahun-{year}"),
        ]),
        1,
        short,
    )
    .await?;
    say(&format!("{label}: Mutu Baku compliance report"));
    let compliance_report = pelihara::pages(
        &server,
        &session,
        Arc::new(vec![
            "/laporan/mutu-baku".to_owned(),
            "/laporan/mutu-baku?kelompok=person".to_owned(),
            format!("/laporan/mutu-baku?periode=triwulan-{year}-1&kelompok=opd"),
        ]),
        1,
        short,
    )
    .await?;
    let next = Arc::new(AtomicU64::new(0));
    say(&format!("{label}: transitions, 1 connection"));
    let transitions_1 = pelihara::transitions(
        &server,
        &session,
        work_items.clone(),
        next.clone(),
        1,
        duration,
    )
    .await?;
    say(&format!("{label}: transitions, 32 connections"));
    let server_pid = server.pid.to_string();
    let cpu_before = (
        pelihara::cpu_seconds(&server_pid),
        pelihara::cpu_seconds("self"),
    );
    let transitions_32 = pelihara::transitions(
        &server,
        &session,
        work_items.clone(),
        next.clone(),
        32,
        duration,
    )
    .await?;
    let per_transition_us =
        |before: f64, after: f64| (after - before) * 1e6 / (transitions_32.done.max(1) as f64);
    let cpu_per_transition_us = (
        per_transition_us(cpu_before.0, pelihara::cpu_seconds(&server_pid)),
        per_transition_us(cpu_before.1, pelihara::cpu_seconds("self")),
    );
    let load_rss_mb = sampler.max_mb();
    drop(sampler);
    server.stop().await?;
    say(&format!(
        "{label}: transitions through the store, 1 and 32 callers"
    ));
    let (direct_1, _) =
        direct::transitions(&url, work_items.clone(), next.clone(), 1, duration).await?;
    let (direct_32, direct_batching) =
        direct::transitions(&url, work_items.clone(), next.clone(), 32, duration).await?;
    // Last, once the server has stopped: the notifications this sweep makes (up to 31 000 at
    // 1 M cases) are the benchmark's own, and the server's delivery job would otherwise work
    // through them during the measurements above.
    let ahead = sweep_a_week_ahead(&url).await?;
    say(&format!(
        "{label}: a week ahead: {} rows due, {} notifications, {:.1} ms",
        ahead.0, ahead.1, ahead.2
    ));
    let used = next.load(std::sync::atomic::Ordering::Relaxed);
    if used >= work_items.len() as u64 {
        say(&format!(
            "{label}: WARNING: the transition runs used up all {used} open tasks; raise --pool"
        ));
    }
    Ok((
        Scale {
            label: label.to_owned(),
            cases: grown.cases,
            tasks: grown.tasks,
            open_tasks: grown.open_tasks,
            events: grown.events,
            generate_seconds: grown.seconds,
            overdue_rows,
            inbox,
            request_list,
            case_page,
            dashboard,
            compliance_report,
            transitions_1,
            transitions_32,
            cpu_per_transition_us,
            direct_1,
            direct_32,
            direct_batching,
            digest_ms,
            reminder_sweep_ms,
            reminder_sweep_max_ms,
            reminder_made,
            reminder_first_ms,
            ahead,
            schedule_rows,
            idle_rss_mb,
            load_rss_mb,
        },
        weights,
    ))
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

fn print_table(
    options: &RunOptions,
    baseline: &[(String, Stats)],
    spiff: &Result<(f64, String), String>,
    spiff_reload: &Result<(f64, String), String>,
    scales: &[Scale],
    weights: Option<Weights>,
    elapsed: Duration,
) {
    let stats_row = |name: &str, stats: &Stats, unit: &str| {
        println!(
            "| {name} | {:.0} {unit}/s | {:.2} | {:.2} | {} |",
            stats.per_second(),
            stats.p50_ms,
            stats.p99_ms,
            stats.errors
        );
    };
    println!(
        "Pelihara benchmark, {} (2 cores shared), {} s per throughput run, server background jobs {}, took {:.0} s\n",
        chrono::Local::now().format("%Y-%m-%d %H:%M %Z"),
        options.seconds,
        if options.no_scheduler {
            "off"
        } else {
            "on (as deployed)"
        },
        elapsed.as_secs_f64()
    );
    println!("| what | throughput | p50 ms | p99 ms | errors |");
    println!("|---|---|---|---|---|");
    for (name, stats) in baseline {
        stats_row(name, stats, "req");
    }
    match spiff {
        Ok((rate, version)) => println!(
            "| SpiffWorkflow {version}, 10 user tasks, JSON state in SQLite (WAL, NORMAL) per step | {rate:.0} steps/s | | | |"
        ),
        Err(error) => println!(
            "| SpiffWorkflow | failed: {} | | | |",
            error.lines().last().unwrap_or("")
        ),
    }
    match spiff_reload {
        Ok((rate, version)) => println!(
            "| SpiffWorkflow {version}, the same, state read back from SQLite before each step | {rate:.0} steps/s | | | |"
        ),
        Err(error) => println!(
            "| SpiffWorkflow, state read back | failed: {} | | | |",
            error.lines().last().unwrap_or("")
        ),
    }
    for scale in scales {
        let name = format!(
            "Pelihara register transition ({}: {} cases), synchronous=FULL",
            scale.label, scale.cases
        );
        stats_row(&format!("{name}, 1 conn"), &scale.transitions_1, "tr");
        stats_row(&format!("{name}, 32 conns"), &scale.transitions_32, "tr");
        let (server_us, load_us) = scale.cpu_per_transition_us;
        println!(
            "| CPU per transition in that run: the server, the load generator | {server_us:.0} µs, {load_us:.0} µs | | | |"
        );
        let direct = format!(
            "same transition through the store only (no HTTP, no PDFs; {}), group commit",
            scale.label
        );
        stats_row(&format!("{direct}, 1 caller"), &scale.direct_1, "tr");
        stats_row(&format!("{direct}, 32 callers"), &scale.direct_32, "tr");
        stats_row(
            &format!("inbox GET /tugas ({})", scale.label),
            &scale.inbox,
            "req",
        );
        stats_row(
            &format!(
                "request list GET /permohonan, ?status=done, ?setelah= ({})",
                scale.label
            ),
            &scale.request_list,
            "req",
        );
        stats_row(
            &format!("case page GET /permohonan/{{id}} ({})", scale.label),
            &scale.case_page,
            "req",
        );
        stats_row(
            &format!(
                "dashboard GET /dasbor, a month and a year ({})",
                scale.label
            ),
            &scale.dashboard,
            "req",
        );
        stats_row(
            &format!(
                "Mutu Baku report GET /laporan/mutu-baku per step, per person, a quarter per OPD ({})",
                scale.label
            ),
            &scale.compliance_report,
            "req",
        );
    }
    println!();
    println!(
        "| database | cases | tasks | open tasks | audit events | generated in | reminder sweep (Scheduler::run, median / max of 9) | its first run (notifications made) | a week ahead (rows due, notifications made) | schedule rows (total / due) | digest figures (open_tasks_by_step) | overdue tasks | group commit (commits / jobs, 32 callers) | idle RSS | RSS under load |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for scale in scales {
        let batching = scale
            .direct_batching
            .map_or("-".to_owned(), |(commits, jobs)| {
                format!("{commits} / {jobs}")
            });
        println!(
            "| {} | {} | {} | {} | {} | {:.0} s | {:.2} / {:.2} ms | {:.1} ms ({}) | {:.1} ms ({}, {}) | {} / {} | {:.1} ms | {} | {batching} | {:.1} MB | {:.1} MB |",
            scale.label,
            scale.cases,
            scale.tasks,
            scale.open_tasks,
            scale.events,
            scale.generate_seconds,
            scale.reminder_sweep_ms,
            scale.reminder_sweep_max_ms,
            scale.reminder_first_ms,
            scale.reminder_made,
            scale.ahead.2,
            scale.ahead.0,
            scale.ahead.1,
            scale.schedule_rows.0,
            scale.schedule_rows.1,
            scale.digest_ms,
            scale.overdue_rows,
            scale.idle_rss_mb,
            scale.load_rss_mb
        );
    }
    if let Some((first, later)) = weights {
        println!(
            "\nPage weight (gzip as served): first page /tugas with its assets {:.1} KB, a later page (case page, assets cached) {:.1} KB",
            first as f64 / 1024.0,
            later as f64 / 1024.0
        );
    }

    println!("\n| bar | measured | verdict |");
    println!("|---|---|---|");
    let full = baseline
        .iter()
        .find(|(name, _)| name.ends_with("FULL"))
        .map_or(0.0, |(_, stats)| stats.per_second());
    if let Some(small) = scales.first() {
        let rate = small.transitions_32.per_second();
        let ratio = if full > 0.0 { rate / full } else { 0.0 };
        println!(
            "| transitions/s at 32 conns >= 1.0x bare FULL insert (stretch 2x) | {rate:.0} / {full:.0} = {ratio:.2}x | {} |",
            verdict(ratio >= 1.0)
        );
        let direct = small.direct_32.per_second();
        println!(
            "| (store only, no HTTP/PDF) transitions/s at 32 callers vs bare FULL insert | {direct:.0} / {full:.0} = {:.2}x | {} |",
            direct / full.max(f64::MIN_POSITIVE),
            verdict(direct >= full)
        );
        if let Ok((spiff_rate, _)) = spiff {
            let ratio = rate / spiff_rate.max(f64::MIN_POSITIVE);
            println!(
                "| transitions/s >= 5x SpiffWorkflow steps/s | {rate:.0} / {spiff_rate:.0} = {ratio:.1}x | {} |",
                verdict(ratio >= 5.0)
            );
        }
        if let Ok((reload_rate, _)) = spiff_reload {
            let ratio = rate / reload_rate.max(f64::MIN_POSITIVE);
            println!(
                "| (for reference, not the bar) transitions/s vs SpiffWorkflow reading its state back each step | {rate:.0} / {reload_rate:.0} = {ratio:.1}x | {} |",
                verdict(ratio >= 5.0)
            );
        }
        println!(
            "| idle RSS <= 50 MB | {:.1} MB | {} |",
            small.idle_rss_mb,
            verdict(small.idle_rss_mb <= 50.0)
        );
    }
    if let Some((first, later)) = weights {
        println!(
            "| first page <= 150 KB, later <= 30 KB | {:.1} KB, {:.1} KB | {} |",
            first as f64 / 1024.0,
            later as f64 / 1024.0,
            verdict(first <= 150 * 1024 && later <= 30 * 1024)
        );
    }
    if let (Some(small), Some(large)) = (scales.first(), scales.get(1)) {
        println!(
            "| at {} cases: inbox p99 <= 20 ms | {:.2} ms | {} |",
            large.cases,
            large.inbox.p99_ms,
            verdict(large.inbox.p99_ms <= 20.0)
        );
        println!(
            "| at {} cases: request list p99 <= 20 ms | {:.2} ms | {} |",
            large.cases,
            large.request_list.p99_ms,
            verdict(large.request_list.p99_ms <= 20.0)
        );
        println!(
            "| at {} cases: case page p99 <= 20 ms | {:.2} ms | {} |",
            large.cases,
            large.case_page.p99_ms,
            verdict(large.case_page.p99_ms <= 20.0)
        );
        println!(
            "| at {} cases: dashboard p99 <= 100 ms | {:.2} ms | {} |",
            large.cases,
            large.dashboard.p99_ms,
            verdict(large.dashboard.p99_ms <= 100.0)
        );
        println!(
            "| at {} cases: Mutu Baku report p99 <= 100 ms | {:.2} ms | {} |",
            large.cases,
            large.compliance_report.p99_ms,
            verdict(large.compliance_report.p99_ms <= 100.0)
        );
        println!(
            "| at {} cases: reminder sweep (steady state, max of 9) <= 100 ms | {:.2} ms ({} schedule rows) | {} |",
            large.cases,
            large.reminder_sweep_max_ms,
            large.schedule_rows.0,
            verdict(large.reminder_sweep_max_ms <= 100.0)
        );
        let direct_ratio =
            large.direct_32.per_second() / small.direct_32.per_second().max(f64::MIN_POSITIVE);
        println!(
            "| (store only) transitions at {} cases vs at {} | {direct_ratio:.2}x | {} |",
            large.cases,
            small.cases,
            verdict(direct_ratio >= 0.8)
        );
        let ratio = large.transitions_32.per_second()
            / small.transitions_32.per_second().max(f64::MIN_POSITIVE);
        println!(
            "| transitions at {} cases >= 0.8x at {} | {ratio:.2}x | {} |",
            large.cases,
            small.cases,
            verdict(ratio >= 0.8)
        );
    }
}
