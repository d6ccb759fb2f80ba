//! What a new database needs before anyone signs in: the shipped SOP and the shipped holiday
//! table; and what a running server builds from the store at start-up: the catalog of SOP
//! versions and the working calendar.

use chrono::{DateTime, Utc};
use pelihara_calendar::WorkingCalendar;

use crate::audit::AuditSource;
use crate::cases::SopCatalog;
use crate::{Result, Store, StoreError};

impl Store {
    /// Stores the shipped SOP version (a no-op when already stored) and, when the holiday
    /// table is empty, the shipped holidays.
    pub async fn install_reference_data(&self, now: DateTime<Utc>) -> Result<()> {
        let system = AuditSource::cli("start");
        let sop = pelihara_sop::parse_definition(
            pelihara_sop::SHIPPED_SOP_PATH,
            pelihara_sop::SHIPPED_SOP,
        )
        .map_err(|errors| StoreError::Corrupt(format!("the shipped SOP is invalid: {errors:?}")))?;
        self.save_sop_version(
            &sop.header.code,
            sop.header.version,
            pelihara_sop::SHIPPED_SOP,
            &system,
            now,
        )
        .await?;
        if self.holidays().await?.is_empty() {
            let holidays =
                pelihara_calendar::parse_holidays_csv(pelihara_calendar::SHIPPED_HOLIDAYS_CSV)
                    .map_err(|error| {
                        StoreError::Corrupt(format!("the shipped holidays: {error:?}"))
                    })?;
            self.replace_holidays(&holidays, &system, now).await?;
        }
        Ok(())
    }

    /// Every stored SOP version, parsed.
    pub async fn sop_catalog(&self) -> Result<SopCatalog> {
        let mut catalog = SopCatalog::default();
        for stored in self.sop_versions().await? {
            let definition =
                pelihara_sop::parse_definition(&stored.code, &stored.source).map_err(|errors| {
                    StoreError::Corrupt(format!(
                        "stored SOP {} is invalid: {errors:?}",
                        stored.code
                    ))
                })?;
            catalog.insert(definition);
        }
        Ok(catalog)
    }

    /// The office's working calendar with the holidays kept in the store.
    pub async fn working_calendar(&self) -> Result<WorkingCalendar> {
        let mut calendar = WorkingCalendar::indonesia_default()
            .map_err(|error| StoreError::Corrupt(format!("default calendar: {error:?}")))?;
        calendar.set_holidays(self.holidays().await?);
        Ok(calendar)
    }
}
