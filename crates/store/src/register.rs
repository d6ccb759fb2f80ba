//! The register of applications and websites (the minimum the case engine needs: an app
//! belongs to an OPD). The full register with hosting, health and maintenance due dates
//! builds on this table.

use chrono::{DateTime, Utc};
use pelihara_domain::{AppId, OpdId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditSource, Change};
use crate::codec::{millis, uuid};
use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub id: AppId,
    pub opd_id: OpdId,
    pub name: String,
    pub url: String,
    pub domain: String,
    pub hosting: String,
    pub stack: String,
    pub status: String,
    pub notes: String,
}

/// An app to add to the register.
#[derive(Debug, Clone, Default)]
pub struct NewApp {
    pub name: String,
    pub url: String,
    pub domain: String,
    pub hosting: String,
    pub stack: String,
    pub notes: String,
}

fn app_from_row(row: &AnyRow) -> Result<App> {
    Ok(App {
        id: AppId(uuid(&row.try_get::<String, _>("id")?)?),
        opd_id: OpdId(uuid(&row.try_get::<String, _>("opd_id")?)?),
        name: row.try_get("name")?,
        url: row.try_get("url")?,
        domain: row.try_get("domain")?,
        hosting: row.try_get("hosting")?,
        stack: row.try_get("stack")?,
        status: row.try_get("status")?,
        notes: row.try_get("notes")?,
    })
}

impl Store {
    pub async fn create_app(
        &self,
        opd_id: OpdId,
        new: NewApp,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<AppId> {
        let id = AppId::random();
        let detail =
            serde_json::json!({ "app_id": id, "opd_id": opd_id, "name": new.name, "url": new.url });
        let change = Change {
            source,
            at: now,
            action: "app.create",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into apps (id, opd_id, name, url, domain, hosting, stack, status, notes, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9)",
            )
            .bind(id.to_string())
            .bind(opd_id.to_string())
            .bind(new.name.trim().to_owned())
            .bind(new.url.trim().to_owned())
            .bind(new.domain.trim().to_owned())
            .bind(new.hosting.trim().to_owned())
            .bind(new.stack.trim().to_owned())
            .bind(new.notes.trim().to_owned())
            .bind(millis(now))
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await?;
        Ok(id)
    }

    /// The apps of one OPD, or of all when `opd` is `None`.
    pub async fn list_apps(&self, opd: Option<OpdId>) -> Result<Vec<App>> {
        let rows = match opd {
            Some(opd) => {
                sqlx::query(
                    "select id, opd_id, name, url, domain, hosting, stack, status, notes \
                     from apps where opd_id = $1 order by name",
                )
                .bind(opd.to_string())
                .fetch_all(self.reader())
                .await?
            }
            None => {
                sqlx::query(
                    "select id, opd_id, name, url, domain, hosting, stack, status, notes \
                     from apps order by name",
                )
                .fetch_all(self.reader())
                .await?
            }
        };
        rows.iter().map(app_from_row).collect()
    }

    pub async fn app(&self, id: AppId) -> Result<Option<App>> {
        let row = sqlx::query(
            "select id, opd_id, name, url, domain, hosting, stack, status, notes from apps where id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(app_from_row).transpose()
    }
}
