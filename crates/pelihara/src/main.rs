//! The `pelihara` command line: the only place that reads the clock, the environment and
//! the file system on behalf of the library crates.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use clap::{Parser, Subcommand};

/// jemalloc rather than glibc's malloc, for SQLite's own allocations too (the crate's
/// unprefixed feature): less CPU per request for a few MB (ARCHITECTURE.md, "Decisions and
/// why").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod admin_cmd;
mod background;
mod backup_cmd;
mod demo;
mod migrate_cmd;
mod runtime;
mod sop_cmd;
mod sso_args;

#[derive(Parser)]
#[command(
    name = "pelihara",
    version,
    about = "Pemeliharaan Aplikasi/Website, as software"
)]
struct Cli {
    /// Language of messages: id (default) or en.
    #[arg(long, global = true, env = "PELIHARA_LANG", default_value = "id")]
    lang: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// SOP definitions: check, show and render files; load, publish, retire and list the
    /// versions a database runs.
    Sop {
        #[command(subcommand)]
        command: sop_cmd::SopCommand,
    },
    /// Run Pelihara with demo data on a fresh embedded database, and print the logins.
    Demo {
        /// The data folder; emptied and filled anew.
        #[arg(long, default_value = "pelihara-demo")]
        data: PathBuf,
        /// The loopback port to listen on.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Seed this database instead of the embedded one: postgres://... (an empty database;
        /// the demo refuses one that has users, it never empties a database).
        #[arg(long)]
        database: Option<String>,
    },
    /// Run the server.
    Serve {
        /// The data folder (database and documents).
        #[arg(long, env = "PELIHARA_DATA", default_value = "data/run")]
        data: PathBuf,
        /// The database: sqlite://PATH (default: in the data folder) or postgres://...
        #[arg(long, env = "PELIHARA_DATABASE_URL")]
        database: Option<String>,
        /// The address to listen on.
        #[arg(long, env = "PELIHARA_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Where users reach Pelihara (for links, QR codes and the cross-site check).
        #[arg(long, env = "PELIHARA_PUBLIC_URL")]
        public_url: Option<String>,
        /// A reverse proxy (address or network, e.g. 127.0.0.1 or 10.0.0.0/8) whose
        /// X-Forwarded-For names the client; repeat or separate with commas. Without it the
        /// header is ignored and every visitor counts as the proxy (docs/deploy.md).
        #[arg(
            long = "trusted-proxy",
            env = "PELIHARA_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<String>,
        #[command(flatten)]
        sso: sso_args::SsoArgs,
        // Boxed: the many notification flags would make every other command as large.
        #[command(flatten)]
        notify: Box<background::NotifyArgs>,
    },
    /// Administrators: create the first one of a new installation.
    Admin {
        #[command(subcommand)]
        command: admin_cmd::AdminCommand,
    },
    /// A consistent copy of a running installation on SQLite (database, documents, manifest).
    Backup {
        /// The folder to write; must not exist or be empty.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        database: runtime::DatabaseArgs,
    },
    /// Puts a backup into a fresh data folder, after checking every file's hash.
    Restore {
        /// The backup folder (written by `pelihara backup`).
        #[arg(long)]
        from: PathBuf,
        /// The data folder to fill; must not hold a database.
        #[arg(long)]
        data: PathBuf,
    },
    /// Moves an installation from SQLite to PostgreSQL: copies everything into an empty
    /// PostgreSQL database in one transaction and verifies its audit trail there.
    Migrate {
        /// The SQLite database: sqlite://PATH (a running server may keep writing; the copy is
        /// one snapshot, so stop it first to move everything).
        #[arg(long)]
        from: String,
        /// The PostgreSQL database: postgres://USER:PASSWORD@HOST/DB, new and empty.
        #[arg(long)]
        to: String,
        /// The SQLite installation's documents folder (default: `documents` beside the
        /// database file, as in a data folder); they move into the database.
        #[arg(long)]
        documents: Option<PathBuf>,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and name the first bad event (exit 1 when there is one).
    Verify {
        #[command(flatten)]
        database: runtime::DatabaseArgs,
    },
}

/// Where the server listens and how it is reached.
struct Listen {
    /// The socket address to bind.
    address: String,
    /// Where users reach Pelihara; `http://` and the bound address when not given.
    public_url: Option<String>,
    /// The reverse proxies in front of it.
    trusted_proxies: pelihara_web::client_address::TrustedProxies,
    /// The single sign-on provider, if any.
    sso: Option<pelihara_web::sso::SsoSettings>,
}

async fn serve(
    store_url: String,
    data: PathBuf,
    Listen {
        address: listen,
        public_url,
        trusted_proxies,
        sso,
    }: Listen,
    banner: Option<String>,
    notify: background::NotifyArgs,
    lang: pelihara_i18n::Lang,
) -> anyhow::Result<ExitCode> {
    let store = runtime::open_store(&store_url).await?;
    let services = runtime::services(store, &data).await?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr()?;
    let public_url = public_url.unwrap_or_else(|| format!("http://{address}"));
    // Reminders, escalation and delivery run beside the web server; a failing channel only
    // delays its deliveries.
    let scheduler = background::start(&notify, &services, &public_url)?;
    let catalog = runtime::keep_catalog_fresh(&services);
    let store = services.store.clone();
    let office_name = runtime::office_name(&services).await?;
    let state = pelihara_web::AppState::new(
        pelihara_web::WebConfig {
            office_name,
            public_base_url: public_url.clone(),
            upload_limit_bytes: pelihara_web::WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
            trusted_proxies,
        },
        services,
    )?;
    // Password recovery mails from the web front itself, with the scheduler's SMTP settings.
    if let Some(settings) = background::email_settings(&notify)? {
        state.set_mailer(
            pelihara_notify::Mailer::new(&settings).context("setting up the SMTP client")?,
        );
    }
    if let Some(sso) = sso {
        let issuer = sso.issuer.clone();
        state.set_sso(sso).context("the single sign-on provider")?;
        tracing::info!(%issuer, "single sign-on configured");
    }
    // Listening for SIGTERM/SIGINT from here on: the next line tells a supervisor it is up.
    let stop_requested = runtime::shutdown_signal();
    println!("Pelihara: {public_url}/  (data: {})", data.display());
    if let Some(banner) = banner {
        println!("{banner}");
    }
    // The first run: no administrator yet, so a one-time setup link, on standard output (the
    // service's journal under systemd) and in the log. A server started once one exists
    // prints nothing.
    if let Some(link) =
        pelihara_web::pages::setup::issue_setup_link(state.services(), &public_url).await?
    {
        let hours = pelihara_web::pages::setup::SETUP_LINK_VALID.num_hours();
        println!(
            "{}",
            pelihara_i18n::t_args(
                lang,
                "setup-cli-link",
                &[
                    ("link", pelihara_i18n::arg(&link)),
                    ("hours", pelihara_i18n::num(hours as f64)),
                ]
            )
        );
        tracing::warn!(%link, "no administrator yet: open the setup link to create one");
    }
    let winding_down = state.clone();
    // With connect info the audit trail records each request's peer address, not "-".
    let app = pelihara_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    // On SIGTERM or SIGINT: stop accepting, let the requests in flight finish (at most
    // SHUTDOWN_DEADLINE), let the document being issued in the background finish (the rest
    // are issued when downloaded), stop the scheduler between ticks (its leases given back),
    // then let the writer commit and sync what it acknowledged, and exit 0.
    let (signalled, mut signal) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop_requested.await;
        let _ = signalled.send(true);
    });
    let deadline = async move {
        let _ = signal.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(runtime::SHUTDOWN_DEADLINE).await;
    };
    tokio::select! {
        served = server => served?,
        () = deadline => tracing::warn!("requests still running at the shutdown deadline were cut"),
    }
    if tokio::time::timeout(runtime::SHUTDOWN_DEADLINE, winding_down.finish_documents())
        .await
        .is_err()
    {
        tracing::warn!("a document still being issued at the shutdown deadline was cut");
    }
    if let Some(scheduler) = scheduler {
        scheduler.stop().await;
    }
    catalog.abort();
    store.close().await;
    println!("Pelihara stopped.");
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(url: String, lang: pelihara_i18n::Lang) -> anyhow::Result<ExitCode> {
    let store = pelihara_store::Store::open(&url)
        .await
        .with_context(|| format!("opening {url}"))?;
    let report = store.verify_audit().await?;
    let english = lang == pelihara_i18n::Lang::En;
    match report.first_bad {
        None => {
            if english {
                println!(
                    "audit trail intact: {} events, head at {}",
                    report.events, report.head_seq
                );
            } else {
                println!(
                    "jejak audit utuh: {} peristiwa, kepala rantai di {}",
                    report.events, report.head_seq
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Some((seq, problem)) => {
            let what = match (&problem, english) {
                (pelihara_store::VerifyProblem::ContentChanged, false) => {
                    "isinya diubah".to_owned()
                }
                (pelihara_store::VerifyProblem::ContentChanged, true) => {
                    "its content was changed".to_owned()
                }
                (pelihara_store::VerifyProblem::ChainBroken, false) => {
                    "rantai putus (disisipkan, dihapus atau ditukar)".to_owned()
                }
                (pelihara_store::VerifyProblem::ChainBroken, true) => {
                    "the chain is broken (inserted, removed or swapped)".to_owned()
                }
                (pelihara_store::VerifyProblem::Missing, false) => "hilang".to_owned(),
                (pelihara_store::VerifyProblem::Missing, true) => "missing".to_owned(),
                (pelihara_store::VerifyProblem::HeadMismatch { head_seq }, false) => {
                    format!("rantai tidak berakhir di kepala tercatat ({head_seq})")
                }
                (pelihara_store::VerifyProblem::HeadMismatch { head_seq }, true) => {
                    format!("the chain does not end at the recorded head ({head_seq})")
                }
            };
            if english {
                eprintln!("audit trail damaged: first bad event #{seq}: {what}");
            } else {
                eprintln!("jejak audit rusak: peristiwa pertama yang rusak #{seq}: {what}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// Twice the cores, at least four: the reads on a request's path run on the async worker
/// that serves it (pelihara-store's `read`), and a page not in memory blocks that worker for
/// a disk read. With one worker per core, a few such reads on a database larger than memory
/// stalled every request (1 M cases: 1 005 transitions/s with 2 workers, 1 876/s with 4).
fn worker_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .saturating_mul(2)
        .max(4)
}

fn main() -> anyhow::Result<ExitCode> {
    // Warnings and errors on stderr, for the operator's logs (`RUST_LOG` shows more); stdout
    // stays for what a person reads: the address, the logins, the setup link.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let cli = Cli::parse();
    let lang = pelihara_i18n::Lang::from_code(&cli.lang);
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(worker_threads())
            .enable_all()
            .build()
            .context("starting the async runtime")
    };
    match cli.command {
        Command::Sop {
            command: sop_cmd::SopCommand::Versions(command),
        } => runtime()?.block_on(sop_cmd::versions::run(command, lang)),
        Command::Sop { command } => sop_cmd::run(command, lang),
        Command::Demo {
            data,
            port,
            database,
        } => runtime()?.block_on(async move {
            if data.exists() {
                std::fs::remove_dir_all(&data)
                    .with_context(|| format!("emptying {}", data.display()))?;
            }
            std::fs::create_dir_all(&data)?;
            let url = database.unwrap_or_else(|| runtime::sqlite_url(&data));
            let store = runtime::open_store(&url).await?;
            // A database given by URL may be someone's: seed only an empty one.
            if !store.list_users().await?.is_empty() {
                store.close().await;
                anyhow::bail!("{}", pelihara_i18n::t(lang, "admin-cli-demo-not-empty"));
            }
            let public_url = format!("http://127.0.0.1:{port}");
            let logins = demo::seed(&data, store.clone(), &public_url, chrono::Utc::now()).await?;
            runtime::count_reports_as_the_office_works(
                &store,
                &store.working_calendar().await?,
                chrono::Utc::now(),
            )
            .await?;
            store.close().await;
            let mut banner = format!(
                "Login demo (kata sandi semua akun: {}):\n",
                demo::DEMO_PASSWORD
            );
            for (username, name, what) in logins {
                banner.push_str(&format!("  {username:<14} {name} ({what})\n"));
            }
            banner.push_str(demo::DEMO_TOTP_NOTE);
            banner.push('\n');
            let listen = Listen {
                address: format!("127.0.0.1:{port}"),
                public_url: None,
                trusted_proxies: Default::default(),
                sso: None,
            };
            serve(
                url,
                data,
                listen,
                Some(banner),
                background::NotifyArgs::demo(),
                lang,
            )
            .await
        }),
        Command::Serve {
            data,
            database,
            listen,
            public_url,
            trusted_proxies,
            sso,
            notify,
        } => runtime()?.block_on(async move {
            let trusted_proxies = pelihara_web::client_address::TrustedProxies::parse(
                trusted_proxies.iter().map(String::as_str),
            )
            .context("--trusted-proxy")?;
            std::fs::create_dir_all(&data)?;
            let url = database.unwrap_or_else(|| runtime::sqlite_url(&data));
            let listen = Listen {
                address: listen,
                public_url,
                trusted_proxies,
                sso: sso.settings()?,
            };
            serve(url, data, listen, None, *notify, lang).await
        }),
        Command::Admin { command } => runtime()?.block_on(admin_cmd::run(command, lang)),
        Command::Migrate {
            from,
            to,
            documents,
        } => runtime()?.block_on(migrate_cmd::migrate(&from, &to, documents.as_deref(), lang)),
        Command::Backup { to, database } => {
            runtime()?.block_on(backup_cmd::backup(&database, &to, lang))
        }
        Command::Restore { from, data } => {
            runtime()?.block_on(backup_cmd::restore(&from, &data, lang))
        }
        Command::Audit {
            command: AuditCommand::Verify { database },
        } => runtime()?.block_on(async move { audit_verify(database.url(), lang).await }),
    }
}
