//! Sign-in bookkeeping: server-side sessions (the records of the web front's session layer)
//! and failed sign-in attempts, which the failed-login limit counts. It must never see a
//! password or decide who may sign in: the web front verifies, this module only remembers.
//!
//! Session rows are housekeeping, not changes of record: they are written without an audit
//! event (a session is saved at every sign-in and refresh). What matters for the audit trail
//! is recorded as events of its own: `auth.sign_in`, `auth.sign_in_failed`, `auth.sign_out`.

use chrono::{DateTime, Utc};
use pelihara_domain::UserId;
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::codec::{instant, millis};
use crate::read::{Columns, FromColumns};
use crate::{Result, Store};

/// A session as stored: its JSON data map and the moment it stops loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub data: String,
    pub expires_at: DateTime<Utc>,
}

/// The username as the attempt limit counts it: trimmed and lowercased, like usernames.
impl FromColumns for StoredSession {
    fn from_columns(row: &impl Columns) -> Result<StoredSession> {
        Ok(StoredSession {
            data: row.column("data")?,
            expires_at: instant(row.column("expires_at")?)?,
        })
    }
}

fn attempt_key(username: &str) -> String {
    username.trim().to_lowercase()
}

impl Store {
    /// Stores a new session under `id`; `false` (and nothing written) when that id is taken,
    /// so the caller draws another.
    pub async fn insert_session(
        &self,
        id: &str,
        user_id: Option<UserId>,
        data: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "insert into sessions (id, user_id, data, expires_at) values ($1, $2, $3, $4) \
             on conflict (id) do nothing",
        )
        .bind(id.to_owned())
        .bind(user_id.map(|user| user.to_string()))
        .bind(data.to_owned())
        .bind(millis(expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// Stores a session under `id`, replacing what was there.
    pub async fn save_session(
        &self,
        id: &str,
        user_id: Option<UserId>,
        data: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into sessions (id, user_id, data, expires_at) values ($1, $2, $3, $4) \
             on conflict (id) do update set user_id = excluded.user_id, data = excluded.data, \
             expires_at = excluded.expires_at",
        )
        .bind(id.to_owned())
        .bind(user_id.map(|user| user.to_string()))
        .bind(data.to_owned())
        .bind(millis(expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The session `id` unless it has expired at `now`.
    pub async fn load_session(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredSession>> {
        self.read_optional(
            "select data, expires_at from sessions where id = $1 and expires_at > $2",
            vec![id.into(), millis(now).into()],
        )
        .await
    }

    pub async fn delete_session(&self, id: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("delete from sessions where id = $1")
            .bind(id.to_owned())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query("delete from sessions where expires_at <= $1")
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected())
    }

    /// How many sessions of `user` are stored (expired or not): for tests and the admin view.
    pub async fn session_count(&self, user: UserId) -> Result<i64> {
        let row = sqlx::query("select count(*) as n from sessions where user_id = $1")
            .bind(user.to_string())
            .fetch_one(self.reader())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// The moments of the failed sign-ins for `username` from `client` at or after `since`,
    /// oldest first.
    pub async fn failed_logins_since(
        &self,
        username: &str,
        client: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>> {
        let rows = sqlx::query(
            "select at from login_attempts where username = $1 and client = $2 and at >= $3 \
             order by at",
        )
        .bind(attempt_key(username))
        .bind(client.to_owned())
        .bind(millis(since))
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(|row| instant(row.try_get("at")?)).collect()
    }

    /// The moments of the failed sign-ins from `client` for any user name at or after
    /// `since`, oldest first.
    pub async fn failed_logins_from(
        &self,
        client: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>> {
        let rows =
            sqlx::query("select at from login_attempts where client = $1 and at >= $2 order by at")
                .bind(client.to_owned())
                .bind(millis(since))
                .fetch_all(self.reader())
                .await?;
        rows.iter().map(|row| instant(row.try_get("at")?)).collect()
    }

    /// Records a failed sign-in for `username` (known or not) from `client` and its audit
    /// event `auth.sign_in_failed`, in one transaction.
    pub async fn record_failed_login(
        &self,
        username: &str,
        client: &str,
        detail: serde_json::Value,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let key = attempt_key(username);
        let change = Change {
            source,
            at: now,
            action: "auth.sign_in_failed",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("insert into login_attempts (username, client, at) values ($1, $2, $3)")
                .bind(key.clone())
                .bind(client.to_owned())
                .bind(millis(now))
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
        .await
    }

    /// Records a successful sign-in: forgets the failed attempts of `username` from `client`
    /// and appends the audit event `auth.sign_in`, in one transaction.
    pub async fn record_sign_in(
        &self,
        username: &str,
        client: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = serde_json::json!({ "username": attempt_key(username) });
        self.record_sign_in_with(username, client, detail, source, now)
            .await
    }

    /// [`Store::record_sign_in`] after a second step: the event names the factor that
    /// completed it (`totp` or `recovery_code`).
    pub async fn record_second_factor_sign_in(
        &self,
        username: &str,
        client: &str,
        factor: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail =
            serde_json::json!({ "username": attempt_key(username), "second_factor": factor });
        self.record_sign_in_with(username, client, detail, source, now)
            .await
    }

    /// [`Store::record_sign_in`] through single sign-on: the event says so and names the
    /// provider's subject and the claim that matched the account.
    pub async fn record_sso_sign_in(
        &self,
        username: &str,
        client: &str,
        subject: &str,
        claim: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = serde_json::json!({
            "username": attempt_key(username),
            "via": "sso",
            "subject": subject,
            "claim": claim,
        });
        self.record_sign_in_with(username, client, detail, source, now)
            .await
    }

    async fn record_sign_in_with(
        &self,
        username: &str,
        client: &str,
        detail: serde_json::Value,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let key = attempt_key(username);
        let change = Change {
            source,
            at: now,
            action: "auth.sign_in",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("delete from login_attempts where username = $1 and client = $2")
                .bind(key.clone())
                .bind(client.to_owned())
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
        .await
    }

    /// Forgets failed attempts older than `before` (they no longer count); returns how many.
    pub async fn delete_login_attempts_before(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query("delete from login_attempts where at < $1")
            .bind(millis(before))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected())
    }
}
