//! What a new database needs before anyone signs in: the shipped SOP and the shipped holiday
//! table; and the working calendar a running server builds from the store at start-up.

use chrono::{DateTime, Utc};
use pelihara_calendar::WorkingCalendar;

use crate::audit::AuditSource;
use crate::sops::{SopLoad, SopVersionState};
use crate::{Result, Store, StoreError};

impl Store {
    /// Stores the shipped SOP version and, when the holiday table is empty, the shipped
    /// holidays. A shipped version stored for the first time is published (a new database, or
    /// a release that ships a new version) unless the admin retired that SOP; one stored before
    /// is left as the admin left it.
    pub async fn install_reference_data(&self, now: DateTime<Utc>) -> Result<()> {
        let system = AuditSource::cli("start");
        let sop = pelihara_sop::parse_definition(
            pelihara_sop::SHIPPED_SOP_PATH,
            pelihara_sop::SHIPPED_SOP,
        )
        .map_err(|errors| StoreError::Corrupt(format!("the shipped SOP is invalid: {errors:?}")))?;
        let load = self
            .load_sop(&sop, pelihara_sop::SHIPPED_SOP, &system, now)
            .await?;
        let retired = self.sop_versions().await?.iter().any(|stored| {
            stored.code == sop.header.code && stored.state == SopVersionState::Retired
        });
        if load == SopLoad::Stored && !retired {
            self.publish_sop(&sop.header.code, sop.header.version, &system, now)
                .await?;
        }
        if self.holidays().await?.is_empty() {
            let holidays =
                pelihara_calendar::parse_holidays_csv(pelihara_calendar::SHIPPED_HOLIDAYS_CSV)
                    .map_err(|error| {
                        StoreError::Corrupt(format!("the shipped holidays: {error:?}"))
                    })?;
            match self.replace_holidays(&holidays, &system, now).await {
                // Another node installed them at the same moment.
                Err(error) if error.is_unique_violation() => {}
                other => other?,
            }
        }
        Ok(())
    }

    /// The office's working calendar with the holidays kept in the store.
    pub async fn working_calendar(&self) -> Result<WorkingCalendar> {
        let mut calendar = WorkingCalendar::indonesia_default()
            .map_err(|error| StoreError::Corrupt(format!("default calendar: {error:?}")))?;
        calendar.set_holidays(self.holidays().await?);
        Ok(calendar)
    }
}
