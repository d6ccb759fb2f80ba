//! What the server commands share: where the data lives, opening the store, loading the
//! shipped SOP and the holiday table into it on first start, and building the engine's
//! catalog and calendar from what the store holds.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use pelihara_calendar::WorkingCalendar;
use pelihara_store::{AuditSource, SopCatalog, Store};

/// The SOP shipped with Pelihara (the Demak SOP); loaded into a new database.
pub const SHIPPED_SOP: &str = include_str!("../../../sop/pemeliharaan-aplikasi-website.toml");

/// The default database: a SQLite file in the data folder.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("pelihara.db").display())
}

pub fn documents_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("documents")
}

/// Opens (and migrates) the store, and loads the shipped SOP and holidays when missing.
pub async fn open_store(url: &str) -> anyhow::Result<Store> {
    let store = Store::open(url)
        .await
        .with_context(|| format!("opening the database {url}"))?;
    let now = chrono::Utc::now();
    let system = AuditSource::cli("start");
    let sop = pelihara_sop::parse_definition("sop/pemeliharaan-aplikasi-website.toml", SHIPPED_SOP)
        .map_err(|errors| anyhow::anyhow!("the shipped SOP is invalid: {errors:?}"))?;
    store
        .save_sop_version(
            &sop.header.code,
            sop.header.version,
            SHIPPED_SOP,
            &system,
            now,
        )
        .await
        .context("storing the shipped SOP")?;
    if store.holidays().await?.is_empty() {
        let holidays =
            pelihara_calendar::parse_holidays_csv(pelihara_calendar::SHIPPED_HOLIDAYS_CSV)
                .context("reading the shipped holiday table")?;
        store.replace_holidays(&holidays, &system, now).await?;
    }
    Ok(store)
}

/// Every stored SOP version, parsed.
pub async fn catalog(store: &Store) -> anyhow::Result<SopCatalog> {
    let mut catalog = SopCatalog::default();
    for stored in store.sop_versions().await? {
        let definition =
            pelihara_sop::parse_definition(&stored.code, &stored.source).map_err(|errors| {
                anyhow::anyhow!("stored SOP {} is invalid: {errors:?}", stored.code)
            })?;
        catalog.insert(definition);
    }
    Ok(catalog)
}

/// The working calendar with the holidays the admin keeps in the store.
pub async fn calendar(store: &Store) -> anyhow::Result<WorkingCalendar> {
    let mut calendar = WorkingCalendar::indonesia_default()?;
    calendar.set_holidays(store.holidays().await?);
    Ok(calendar)
}
