//! What the server commands share: where the data lives and how the services the web front
//! needs are built from an opened store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use pelihara_domain::agenda::AgendaFormat;
use pelihara_store::{BlobStore, Store};
use pelihara_web::{Clock, Services};

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
    store
        .install_reference_data(chrono::Utc::now())
        .await
        .context("loading the shipped SOP and holidays")?;
    Ok(store)
}

/// The services of a running server, on the real clock.
pub async fn services(store: Store, data_dir: &Path) -> anyhow::Result<Services> {
    Ok(Services {
        catalog: Arc::new(store.sop_catalog().await?),
        calendar: Arc::new(store.working_calendar().await?),
        agenda: AgendaFormat::default(),
        blobs: BlobStore::new(documents_dir(data_dir)),
        clock: Clock::system(),
        store,
    })
}
