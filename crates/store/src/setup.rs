//! The first run of an installation: the one-time setup links `pelihara serve` prints while no
//! administrator exists (`setup_links`, migration 0027; only the SHA-256 of a link's token is
//! kept), and completing the setup through one: the first administrator, the office's
//! identity (the letterhead setting) and the link spent, in one transaction with its audit
//! event. It must never see a token or a password in clear (the caller hashes both), and never
//! let two setups both create an administrator: the guard is the first-administrator settings
//! row of [`Store::create_first_admin`], inserted in the same transaction.

use chrono::{DateTime, Utc};
use pelihara_domain::{Refusal, Role, UserId};
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::codec::{instant, millis};
use crate::people::NewUser;
use crate::{Result, Store, StoreError};

/// What a setup link is worth at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupLink {
    /// It may create the first administrator.
    Valid,
    /// An administrator exists: no link works any more.
    Done,
    /// It was not used in time.
    Expired,
    /// It completed a setup already.
    Spent,
    /// No such link.
    Unknown,
}

/// The office's identity a setup stores: a settings row (`office.identity`, whose
/// JSON the web front writes and reads).
#[derive(Debug, Clone)]
pub struct OfficeSetting {
    pub key: String,
    pub value: String,
}

impl Store {
    /// Whether this installation waits for its first administrator: none exists and none was
    /// ever created (the guard `create_first_admin` writes). A server prints a setup link
    /// only then.
    pub async fn needs_setup(&self) -> Result<bool> {
        let admins: i64 = sqlx::query_scalar("select count(*) from users where role = $1")
            .bind(Role::Admin.code().to_owned())
            .fetch_one(self.reader())
            .await?;
        if admins > 0 {
            return Ok(false);
        }
        Ok(self
            .setting(crate::people::FIRST_ADMIN_SETTING)
            .await?
            .is_none())
    }

    /// Stores a setup link by its token's hash, valid until `expires_at`, with its audit event
    /// `setup.link_issued`. Links other nodes or earlier starts issued keep working until
    /// they expire or an administrator exists; whichever is used first completes the setup.
    pub async fn issue_setup_link(
        &self,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let change = Change {
            source,
            at: now,
            action: "setup.link_issued",
            detail: serde_json::json!({ "expires_at": expires_at }),
        };
        let token_hash = token_hash.to_owned();
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into setup_links (token_hash, created_at, expires_at) values ($1, $2, $3)",
            )
            .bind(token_hash.clone())
            .bind(millis(now))
            .bind(millis(expires_at))
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// What the setup link with this token hash is worth at `now`. Once an administrator
    /// exists every link is `Done`, whatever its own state.
    pub async fn setup_link(&self, token_hash: &str, now: DateTime<Utc>) -> Result<SetupLink> {
        let row = sqlx::query("select expires_at, used_at from setup_links where token_hash = $1")
            .bind(token_hash.to_owned())
            .fetch_optional(self.reader())
            .await?;
        let Some(row) = row else {
            return Ok(SetupLink::Unknown);
        };
        if !self.needs_setup().await? {
            return Ok(SetupLink::Done);
        }
        if row.try_get::<Option<i64>, _>("used_at")?.is_some() {
            return Ok(SetupLink::Spent);
        }
        if instant(row.try_get("expires_at")?)? <= now {
            return Ok(SetupLink::Expired);
        }
        Ok(SetupLink::Valid)
    }

    /// Completes the setup through the link with this token hash: in one transaction the link
    /// is spent (guarded by its state), the first administrator is created (guarded as in
    /// [`Store::create_first_admin`]), the office's identity is stored, and one audit event
    /// `setup.complete` names both. Returns the administrator, or what the link was worth
    /// (nothing is written then); a taken username is `Duplicate("username")`.
    pub async fn complete_setup(
        &self,
        token_hash: &str,
        admin: NewUser,
        office: OfficeSetting,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<UserId, SetupLink>> {
        match self.setup_link(token_hash, now).await? {
            SetupLink::Valid => {}
            other => return Ok(Err(other)),
        }
        let id = UserId::random();
        let office_value: serde_json::Value =
            serde_json::from_str(&office.value).unwrap_or(serde_json::Value::Null);
        let change = Change {
            source,
            at: now,
            action: "setup.complete",
            detail: serde_json::json!({
                "user_id": id,
                "username": admin.username.trim().to_lowercase(),
                "full_name": admin.full_name.trim(),
                "office": { "key": office.key, "value": office_value },
            }),
        };
        let token_hash = token_hash.to_owned();
        let written = self
            .write_with_event(change, async |tx| {
                let spent = sqlx::query(
                    "update setup_links set used_at = $1 where token_hash = $2 \
                     and used_at is null and expires_at > $1",
                )
                .bind(millis(now))
                .bind(token_hash.clone())
                .execute(&mut **tx)
                .await?;
                if spent.rows_affected() != 1 {
                    return Err(Refusal::Conflict.into());
                }
                crate::people::insert_first_admin(tx, id, admin, now).await?;
                sqlx::query(
                    "insert into settings (key, value) values ($1, $2) \
                     on conflict (key) do update set value = excluded.value",
                )
                .bind(office.key.clone())
                .bind(office.value.clone())
                .execute(&mut **tx)
                .await?;
                // Every node shows the new office from its next look, without a restart.
                Store::count_identity_revision(tx).await?;
                if office.key == crate::identity::OFFICE_IDENTITY_SETTING {
                    // Its time zone or hours may differ from the defaults counted so far.
                    Store::count_calendar_revision(tx).await?;
                }
                Ok(())
            })
            .await;
        match written {
            Ok(()) => Ok(Ok(id)),
            // Another use of this link, or another setup, came first.
            Err(StoreError::Refused(Refusal::Conflict)) => {
                Ok(Err(match self.setup_link(&token_hash, now).await? {
                    SetupLink::Valid => SetupLink::Spent,
                    other => other,
                }))
            }
            Err(StoreError::Duplicate("administrator")) => Ok(Err(SetupLink::Done)),
            Err(error) => Err(error),
        }
    }
}
