//! Reference data an admin edits at run time: SOP versions (the definition text, kept
//! forever so cases in flight keep theirs), the holiday table and key/value settings.

use chrono::{DateTime, NaiveDate, Utc};
use pelihara_calendar::{Holiday, HolidayKind};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::codec::millis;
use crate::{Result, Store, StoreError};

/// A stored SOP version.
#[derive(Debug, Clone)]
pub struct StoredSop {
    pub code: String,
    pub version: u32,
    pub source: String,
    pub sha256: String,
}

impl Store {
    /// Stores an SOP version's definition text. The same text again is a no-op; a different
    /// text under an existing version is refused (versions never change once stored).
    pub async fn save_sop_version(
        &self,
        code: &str,
        version: u32,
        source_text: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let digest = hex::encode(Sha256::digest(source_text.as_bytes()));
        let existing =
            sqlx::query("select sha256 from sop_versions where code = $1 and version = $2")
                .bind(code.to_owned())
                .bind(i64::from(version))
                .fetch_optional(self.reader())
                .await?;
        if let Some(row) = existing {
            let stored: String = row.try_get("sha256")?;
            return if stored == digest {
                Ok(false)
            } else {
                Err(StoreError::Duplicate("SOP version"))
            };
        }
        let detail = serde_json::json!({ "code": code, "version": version, "sha256": digest });
        let change = Change {
            source,
            at: now,
            action: "sop.load",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into sop_versions (code, version, source, sha256, loaded_at) values ($1, $2, $3, $4, $5)",
            )
            .bind(code.to_owned())
            .bind(i64::from(version))
            .bind(source_text.to_owned())
            .bind(digest.clone())
            .bind(millis(now))
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await?;
        Ok(true)
    }

    pub async fn sop_versions(&self) -> Result<Vec<StoredSop>> {
        let rows = sqlx::query(
            "select code, version, source, sha256 from sop_versions order by code, version",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                let version: i64 = row.try_get("version")?;
                Ok(StoredSop {
                    code: row.try_get("code")?,
                    version: u32::try_from(version)
                        .map_err(|_| StoreError::Corrupt(format!("SOP version {version}")))?,
                    source: row.try_get("source")?,
                    sha256: row.try_get("sha256")?,
                })
            })
            .collect()
    }

    /// Replaces the holiday table.
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
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Adds one holiday; a date already in the table is a unique violation
    /// ([`StoreError::is_unique_violation`]) and changes nothing.
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
            if let Err(sqlx::Error::Database(error)) = &inserted
                && error.is_unique_violation()
            {
                return Err(StoreError::Duplicate("holiday"));
            }
            inserted?;
            Ok(())
        })
        .await
    }

    /// Removes the holiday on `date`; `false` (and no event) when there is none.
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
            Ok(())
        })
        .await?;
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
