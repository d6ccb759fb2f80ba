//! Password recovery ("Lupa kata sandi"): one-time links whose token is kept only as its
//! SHA-256 (`password_resets`, migration 0023), and setting a password through one. It must
//! never see a token or a password in clear: the web front hashes both before calling, and
//! decides who may ask.
//!
//! Setting a password through a link is a change to who someone is, so it ends every session
//! of the user in the same transaction, spends every other link of theirs, and appends one
//! audit event (`user.password_recovered`, or `user.invitation_accepted` for an invitation:
//! the same links with `kind = 'invitation'`, made by a people import, `people_import`).

use chrono::{DateTime, Utc};
use pelihara_domain::{Refusal, UserId};
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::codec::{instant, millis, uuid};
use crate::people::StoredUser;
use crate::{Result, Store, StoreError};

/// What a one-time password link is for: recovering a forgotten password (asked on
/// /lupa-sandi, short-lived) or the invitation of an imported user to set their first one
/// (made by an administrator's import, valid for days). A link of one kind never works as the
/// other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Reset,
    Invitation,
}

impl LinkKind {
    pub fn code(self) -> &'static str {
        match self {
            LinkKind::Reset => "reset",
            LinkKind::Invitation => "invitation",
        }
    }

    /// The audit action of setting a password through a link of this kind.
    fn used_action(self) -> &'static str {
        match self {
            LinkKind::Reset => "user.password_recovered",
            LinkKind::Invitation => "user.invitation_accepted",
        }
    }
}

/// What a recovery link is worth at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetLink {
    /// It may set the password of this user, who may sign in.
    Valid(UserId),
    /// It was not used in time.
    Expired,
    /// It was used, or another link of the same user was.
    Spent,
    /// No such link, or its user may no longer sign in.
    Unknown,
}

impl Store {
    /// The active users whose email is `email` (case and surrounding spaces ignored), at most
    /// `limit` of them: whom a recovery asked by email is for.
    pub async fn users_by_email(&self, email: &str, limit: i64) -> Result<Vec<StoredUser>> {
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Ok(Vec::new());
        }
        let mut users = Vec::new();
        let rows = sqlx::query(
            "select u.id from users u where lower(u.email) = $1 and u.active = 1 \
             order by u.username limit $2",
        )
        .bind(email)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        for row in rows {
            let id = UserId(uuid(&row.try_get::<String, _>("id")?)?);
            if let Some(user) = self.user(id).await? {
                users.push(user);
            }
        }
        Ok(users)
    }

    /// How many recovery links were made for `user` at or after `since` (the per-account
    /// limit: nobody can fill someone's mailbox).
    pub async fn password_resets_since(&self, user: UserId, since: DateTime<Utc>) -> Result<i64> {
        let row = sqlx::query(
            "select count(*) as n from password_resets where user_id = $1 and created_at >= $2 \
             and kind = 'reset'",
        )
        .bind(user.to_string())
        .bind(millis(since))
        .fetch_one(self.reader())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Stores a recovery link for `user` by its token's hash, valid until `expires_at`, with
    /// its audit event `auth.password_reset_requested`, in one transaction.
    pub async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let change = Change {
            source,
            at: now,
            action: "auth.password_reset_requested",
            detail: serde_json::json!({ "user_id": user, "expires_at": expires_at }),
        };
        let token_hash = token_hash.to_owned();
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into password_resets (token_hash, user_id, created_at, expires_at, kind) \
                 values ($1, $2, $3, $4, 'reset')",
            )
            .bind(token_hash.clone())
            .bind(user.to_string())
            .bind(millis(now))
            .bind(millis(expires_at))
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// What the recovery link with this token hash is worth at `now`.
    pub async fn password_reset_link(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<ResetLink> {
        self.password_link(LinkKind::Reset, token_hash, now).await
    }

    /// What the link of `kind` with this token hash is worth at `now` (a link of the other
    /// kind is `Unknown`).
    pub async fn password_link(
        &self,
        kind: LinkKind,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<ResetLink> {
        let row = sqlx::query(
            "select user_id, expires_at, used_at from password_resets \
             where token_hash = $1 and kind = $2",
        )
        .bind(token_hash.to_owned())
        .bind(kind.code().to_owned())
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else {
            return Ok(ResetLink::Unknown);
        };
        let used_at: Option<i64> = row.try_get("used_at")?;
        if used_at.is_some() {
            return Ok(ResetLink::Spent);
        }
        if instant(row.try_get("expires_at")?)? <= now {
            return Ok(ResetLink::Expired);
        }
        let user = UserId(uuid(&row.try_get::<String, _>("user_id")?)?);
        match self.user(user).await? {
            Some(stored) if stored.may_sign_in() => Ok(ResetLink::Valid(user)),
            _ => Ok(ResetLink::Unknown),
        }
    }

    /// Sets the password of the link's user to `password_hash`, if the link is still valid at
    /// `now`: in one transaction the link and every other unspent link of the user are spent,
    /// the hash is set, every session of the user ends, and `user.password_recovered` is
    /// appended. Of two uses of one link exactly one sets the password. Returns what the link
    /// was worth (`Valid` when the password was set; nothing is written otherwise).
    pub async fn recover_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<ResetLink> {
        self.set_password_by_link(LinkKind::Reset, token_hash, password_hash, source, now)
            .await
    }

    /// [`Store::recover_password`] for a link of `kind`: an invitation is accepted the same
    /// way (its event is `user.invitation_accepted`).
    pub async fn set_password_by_link(
        &self,
        kind: LinkKind,
        token_hash: &str,
        password_hash: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<ResetLink> {
        let user = match self.password_link(kind, token_hash, now).await? {
            ResetLink::Valid(user) => user,
            other => return Ok(other),
        };
        let change = Change {
            source,
            at: now,
            action: kind.used_action(),
            // Never the hash: the audit trail is readable by auditors.
            detail: serde_json::json!({ "user_id": user }),
        };
        let token_hash = token_hash.to_owned();
        let password_hash = password_hash.to_owned();
        let written = self
            .write_with_event(change, async |tx| {
                // Guarded by the link's state, so a second use racing this one changes nothing.
                let spent = sqlx::query(
                    "update password_resets set used_at = $1 where token_hash = $2 \
                     and user_id = $3 and kind = $4 and used_at is null and expires_at > $1",
                )
                .bind(millis(now))
                .bind(token_hash.clone())
                .bind(user.to_string())
                .bind(kind.code().to_owned())
                .execute(&mut **tx)
                .await?;
                if spent.rows_affected() != 1 {
                    return Err(Refusal::Conflict.into());
                }
                sqlx::query(
                    "update password_resets set used_at = $1 where user_id = $2 and used_at is null",
                )
                .bind(millis(now))
                .bind(user.to_string())
                .execute(&mut **tx)
                .await?;
                sqlx::query("update users set password_hash = $1 where id = $2 and active = 1")
                    .bind(password_hash.clone())
                    .bind(user.to_string())
                    .execute(&mut **tx)
                    .await?;
                crate::people::end_sessions_of(tx, user).await?;
                Ok(())
            })
            .await;
        match written {
            Ok(()) => Ok(ResetLink::Valid(user)),
            Err(StoreError::Refused(Refusal::Conflict)) => Ok(ResetLink::Spent),
            Err(error) => Err(error),
        }
    }
}
