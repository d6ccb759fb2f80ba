//! Reference data an admin edits at run time: the holiday table and key/value settings. A
//! holiday edit counts the calendar's revision up and moves the open tasks' due moments it
//! changes (see `calendar`).

use chrono::{DateTime, NaiveDate, Utc};
use pelihara_calendar::{Holiday, HolidayKind};
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::{Result, Store, StoreError};

impl Store {
    /// Replaces the holiday table, then moves the due moments it changes.
    pub async fn replace_holidays(
        &self,
        holidays: &[Holiday],
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = serde_json::json!({ "count": holidays.len() });
        let change = Change {
            source,
            at: now,
            action: "holidays.replace",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("delete from holidays")
                .execute(&mut **tx)
                .await?;
            for holiday in holidays {
                sqlx::query("insert into holidays (date, kind, name) values ($1, $2, $3)")
                    .bind(holiday.date.to_string())
                    .bind(holiday.kind.code().to_owned())
                    .bind(holiday.name.clone())
                    .execute(&mut **tx)
                    .await?;
            }
            Store::count_calendar_revision(tx).await?;
            Ok(())
        })
        .await?;
        self.move_due_moments(source, now).await?;
        Ok(())
    }

    /// Adds one holiday, then moves the due moments it changes; a date already in the table
    /// is a unique violation ([`StoreError::is_unique_violation`]) and changes nothing.
    pub async fn add_holiday(
        &self,
        holiday: &Holiday,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = serde_json::json!({
            "date": holiday.date.to_string(),
            "kind": holiday.kind.code(),
            "name": holiday.name,
        });
        let change = Change {
            source,
            at: now,
            action: "holidays.add",
            detail,
        };
        self.write_with_event(change, async |tx| {
            let inserted =
                sqlx::query("insert into holidays (date, kind, name) values ($1, $2, $3)")
                    .bind(holiday.date.to_string())
                    .bind(holiday.kind.code().to_owned())
                    .bind(holiday.name.trim().to_owned())
                    .execute(&mut **tx)
                    .await;
            crate::duplicate_as(inserted, "holiday")?;
            Store::count_calendar_revision(tx).await?;
            Ok(())
        })
        .await?;
        self.move_due_moments(source, now).await?;
        Ok(())
    }

    /// Removes the holiday on `date`, then moves the due moments it changes; `false` (and no
    /// event) when there is none.
    pub async fn delete_holiday(
        &self,
        date: NaiveDate,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let exists = sqlx::query("select date from holidays where date = $1")
            .bind(date.to_string())
            .fetch_optional(self.reader())
            .await?
            .is_some();
        if !exists {
            return Ok(false);
        }
        let change = Change {
            source,
            at: now,
            action: "holidays.remove",
            detail: serde_json::json!({ "date": date.to_string() }),
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("delete from holidays where date = $1")
                .bind(date.to_string())
                .execute(&mut **tx)
                .await?;
            Store::count_calendar_revision(tx).await?;
            Ok(())
        })
        .await?;
        self.move_due_moments(source, now).await?;
        Ok(true)
    }

    pub async fn holidays(&self) -> Result<Vec<Holiday>> {
        let rows = sqlx::query("select date, kind, name from holidays order by date")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|row| {
                let date: String = row.try_get("date")?;
                let kind: String = row.try_get("kind")?;
                Ok(Holiday {
                    date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                        .map_err(|error| StoreError::Corrupt(format!("holiday {date}: {error}")))?,
                    kind: HolidayKind::from_code(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("holiday kind {kind}")))?,
                    name: row.try_get("name")?,
                })
            })
            .collect()
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("select value from settings where key = $1")
            .bind(key.to_owned())
            .fetch_optional(self.reader())
            .await?;
        row.map(|row| row.try_get("value"))
            .transpose()
            .map_err(Into::into)
    }

    pub async fn set_setting(
        &self,
        key: &str,
        value: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = serde_json::json!({ "key": key, "value": value });
        let change = Change {
            source,
            at: now,
            action: "setting.set",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into settings (key, value) values ($1, $2) \
                 on conflict (key) do update set value = excluded.value",
            )
            .bind(key.to_owned())
            .bind(value.to_owned())
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await?;
        Ok(())
    }
}
