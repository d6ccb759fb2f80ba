//! What the server commands share: where the data lives and how the services the web front
//! needs are built from an opened store.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use pelihara_domain::report::office_day_seconds;
use pelihara_store::{BlobStore, Store};
use pelihara_web::{Clock, Services};

/// Where a command finds the database: the default SQLite file in a data folder, or a URL.
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// The data folder, when the database is the default SQLite file in it.
    #[arg(long, env = "PELIHARA_DATA", default_value = "data/run")]
    pub data: PathBuf,
    /// The database URL (overrides the data folder).
    #[arg(long, env = "PELIHARA_DATABASE_URL")]
    pub database: Option<String>,
}

impl DatabaseArgs {
    pub fn url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| sqlite_url(&self.data))
    }
}

/// The default database's file name in a data folder.
pub const DATABASE_FILE: &str = "pelihara.db";

/// The default database: a SQLite file in the data folder.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join(DATABASE_FILE).display())
}

pub fn documents_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("documents")
}

/// Opens (and migrates) the store, and loads the shipped SOP and holidays when missing.
pub async fn open_store(url: &str) -> anyhow::Result<Store> {
    let store = Store::open(url)
        .await
        .with_context(|| format!("opening the database {url}"))?;
    store
        .install_reference_data(chrono::Utc::now())
        .await
        .context("loading the shipped SOP and holidays")?;
    Ok(store)
}

/// How long requests in flight may take to finish once the server is asked to stop.
pub const SHUTDOWN_DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

/// A future that resolves when the process is asked to stop: SIGTERM (service managers) or
/// SIGINT (Ctrl-C). The handlers are in place when this returns, not when the future is
/// first polled: a signal between the "Pelihara: http://..." line (which a supervisor reads
/// as ready) and the first request is a graceful stop too, never the default of dying at once.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (terminate, interrupt) {
                (Ok(mut terminate), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = terminate.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                (terminate, interrupt) => {
                    let error = terminate.err().or(interrupt.err());
                    tracing::warn!(
                        ?error,
                        "cannot listen for SIGTERM; only Ctrl-C stops gracefully"
                    );
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async move {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The services of a running server, on the real clock. Documents are in the database on
/// PostgreSQL (every node reads them there) and in the data folder on SQLite. Temporaries a
/// crash left in the data folder are removed first; on PostgreSQL, documents the folder still
/// holds (kept there before the database held them) are copied into the database.
pub async fn services(store: Store, data_dir: &Path) -> anyhow::Result<Services> {
    let folder = BlobStore::new(documents_dir(data_dir));
    let swept = folder
        .sweep_temporaries()
        .context("removing temporaries left in the document store")?;
    if swept > 0 {
        tracing::info!(swept, "removed temporaries left by an earlier run");
    }
    let blobs = BlobStore::for_store(&store, documents_dir(data_dir));
    let adopted = blobs
        .adopt(&folder)
        .await
        .context("copying the data folder's documents into the database")?;
    if adopted > 0 {
        tracing::info!(
            adopted,
            "copied documents of the data folder into the database"
        );
    }
    Ok(Services {
        catalog: store.shared_catalog().await?,
        calendar: store.shared_calendar().await?,
        identity: store.shared_identity().await?,
        blobs,
        clock: Clock::system(),
        store,
    })
}

/// How often a server looks for SOP versions another node loaded, published or retired, for
/// holidays another node added or removed, and for a new office identity (name, time zone,
/// working hours, agenda number format) (a node that does it itself sees it at once).
/// Each look is one small read when nothing changed.
const CATALOG_REFRESH: std::time::Duration = std::time::Duration::from_secs(5);

/// Keeps the server's SOP catalog, working calendar and office identity in step with the
/// database while the server runs, and the whole-case report figures counted with the
/// office's working day; a failed look (the database away for a moment) is tried again at
/// the next tick.
pub fn keep_catalog_fresh(services: &Services) -> tokio::task::JoinHandle<()> {
    let catalog = services.catalog.clone();
    let calendar = services.calendar.clone();
    let identity = services.identity.clone();
    let store = services.store.clone();
    let clock = services.clock.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(CATALOG_REFRESH);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = catalog.refresh(&store).await {
                tracing::warn!(%error, "refreshing the SOP catalog");
            }
            if let Err(error) = calendar.refresh(&store).await {
                tracing::warn!(%error, "refreshing the working calendar");
            }
            if let Err(error) = identity.refresh(&store).await {
                tracing::warn!(%error, "refreshing the office identity");
            }
            if let Err(error) =
                count_reports_as_the_office_works(&store, &calendar.snapshot(), clock.now()).await
            {
                tracing::warn!(%error, "counting the reports' figures");
            }
        }
    })
}

/// Counts the reports' rollups again when the office's clock or working day differs from the
/// ones they were counted with: the first time, after an upgrade, or after a change on
/// /admin/kop. Every node does it as it follows the calendar, in the background: the recount
/// holds the writer (at 1 M cases some seven minutes for a new zone), and the reports read the
/// tasks for what the rows do not hold meanwhile, with the same figures. `pelihara demo` does
/// it before it serves, so a demo database is counted as a server would leave it.
pub async fn count_reports_as_the_office_works(
    store: &pelihara_store::Store,
    calendar: &pelihara_calendar::WorkingCalendar,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let offset = pelihara_domain::report::office_offset_millis(calendar, now);
    if store.ensure_report_zone(offset).await? {
        tracing::info!(
            offset,
            "counted the reports' figures in the office's time zone"
        );
    }
    // The whole-case figures are counted with the office's working day.
    let working_day = office_day_seconds(calendar);
    if store.ensure_report_basis(working_day).await? {
        tracing::info!(working_day, "counted the whole cases' figures");
    }
    Ok(())
}

/// The office's name as the pages show it: from the letterhead the admin keeps on /admin/kop
/// when one is stored, else from the SOPs the office runs (their header's office and
/// government), so the binary names no office. Read at start as the fallback; once an
/// identity is stored every node shows its name (`Services::identity`, kept fresh).
pub async fn office_name(services: &Services) -> anyhow::Result<String> {
    let letterhead_setting = pelihara_web::LetterheadSetting::load(services)
        .await
        .map_err(|error| anyhow::anyhow!("reading the stored letterhead: {error}"))?;
    let name = letterhead_setting.office_name();
    anyhow::ensure!(!name.is_empty(), "no SOP is in force to name the office");
    Ok(name)
}
