//! Test support for this crate and for tests of the binary: a fresh SQLite store in a
//! temporary folder with the shipped SOP and holidays, wrapped as the services pages use.
//! Only for tests (behind the `testing` feature): the folder disappears with the value.

// Test setup cannot go on without its database: failing loudly is the report a test wants.
#![allow(clippy::expect_used)]

use std::sync::Arc;

use pelihara_domain::agenda::AgendaFormat;
use pelihara_store::{BlobStore, Store};

use crate::state::{Clock, Services};

/// Services on a throw-away database; keep the value alive as long as the services are used.
pub struct TestServices {
    pub services: Services,
    pub folder: tempfile::TempDir,
}

/// A fresh store with the shipped reference data, on `clock`.
pub async fn services_with_clock(clock: Clock) -> TestServices {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", folder.path().join("pelihara.db").display());
    let store = Store::open(&url).await.expect("a fresh SQLite store");
    store
        .install_reference_data(clock.now())
        .await
        .expect("the shipped SOP and holidays");
    let catalog = store.sop_catalog().await.expect("the SOP catalog");
    let calendar = store.working_calendar().await.expect("the calendar");
    TestServices {
        services: Services {
            blobs: BlobStore::new(folder.path().join("documents")),
            catalog: Arc::new(catalog),
            calendar: Arc::new(calendar),
            agenda: AgendaFormat::default(),
            clock,
            store,
        },
        folder,
    }
}

/// A fresh store on the system clock.
pub async fn services() -> TestServices {
    services_with_clock(Clock::system()).await
}
