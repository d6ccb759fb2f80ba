//! What a new database needs before anyone signs in: the shipped SOP and the shipped holiday
//! table; and the working calendar a running server builds from the store at start-up.
//!
//! Nodes starting together on one empty PostgreSQL database install the reference data one
//! after the other, under a session advisory lock: the second finds the first's rows and
//! writes nothing (each step also tolerates losing a race, but a step that lost one inside its
//! transaction used to end a node's start).

use chrono::{DateTime, Utc};
use pelihara_calendar::WorkingCalendar;

use crate::audit::AuditSource;
use crate::sops::{SopLoad, SopVersionState};
use crate::{Backend, Result, Store, StoreError};

/// The advisory lock key of the reference data's install ("pelihara" in ASCII, as a number).
const REFERENCE_DATA_LOCK: i64 = 0x7065_6c69_6861_7261;

impl Store {
    /// Stores the shipped SOP version and, when the holiday table is empty, the shipped
    /// holidays. A shipped version stored for the first time is published (a new database, or
    /// a release that ships a new version) unless the admin retired that SOP; one stored before
    /// is left as the admin left it.
    pub async fn install_reference_data(&self, now: DateTime<Utc>) -> Result<()> {
        if self.backend() != Backend::Postgres {
            return self.install_reference_data_now(now).await;
        }
        // A session lock on a connection of its own, held while the steps run on others; it
        // goes with the connection if this process dies.
        let mut held = self.write.acquire().await?;
        sqlx::query("select pg_advisory_lock($1)")
            .bind(REFERENCE_DATA_LOCK)
            .execute(&mut *held)
            .await?;
        let installed = self.install_reference_data_now(now).await;
        let unlocked = sqlx::query("select pg_advisory_unlock($1)")
            .bind(REFERENCE_DATA_LOCK)
            .execute(&mut *held)
            .await;
        if unlocked.is_err() {
            // The lock must not outlive this start in a pooled connection.
            drop(held.detach());
        }
        installed
    }

    async fn install_reference_data_now(&self, now: DateTime<Utc>) -> Result<()> {
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

    /// The office's working calendar: the time zone and working hours of its identity, the
    /// holidays kept in the store.
    pub async fn working_calendar(&self) -> Result<WorkingCalendar> {
        // The office's time zone and working hours from its identity (defaults until set).
        let rules = self.office_identity().await?.rules;
        Ok(WorkingCalendar::new(
            rules.time_zone,
            rules.week,
            self.holidays().await?,
        ))
    }
}
