//! Two-factor sign-in (TOTP, RFC 6238; migration 0026): a user's confirmed authenticator
//! secret, the last time step a code was accepted for, their single-use recovery codes (kept
//! only as hashes), and which roles must use it. It must never compute or check a code, nor
//! see a recovery code in clear: the web front does both and hands over time steps and hashes.
//!
//! Enabling, disabling, replacing the recovery codes, spending one and changing the roles'
//! requirement are audited changes (`auth.totp_enabled`, `auth.totp_disabled`,
//! `auth.totp_recovery_regenerated`, `auth.totp_recovery_used`,
//! `auth.totp_requirement_changed`). Moving `last_step` is bookkeeping of a sign-in, whose
//! own event is `auth.sign_in`.

use chrono::{DateTime, Utc};
use pelihara_domain::{Refusal, Role, UserId};
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::codec::{instant, millis};
use crate::{Result, Store, StoreError};

/// The setting naming the roles that must use TOTP (role codes, comma-separated; empty: none).
pub const TOTP_REQUIRED_ROLES_SETTING: &str = "auth.totp_required_roles";

/// The roles that must use TOTP until an administrator says otherwise: administrators, whose
/// accounts change everyone's rights.
pub const TOTP_REQUIRED_BY_DEFAULT: [Role; 1] = [Role::Admin];

/// A user's confirmed authenticator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTotp {
    /// The base32 secret as the authenticator holds it.
    pub secret: String,
    pub enabled_at: DateTime<Utc>,
    /// The last time step (Unix seconds / 30) a code was accepted for.
    pub last_step: i64,
}

fn role_codes(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| role.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// The roles a stored setting names; unknown codes are skipped.
fn parse_roles(text: &str) -> Vec<Role> {
    let mut roles: Vec<Role> = text
        .split(',')
        .filter_map(|code| Role::from_code(code.trim()))
        .collect();
    roles.dedup();
    roles
}

impl Store {
    /// The confirmed authenticator of `user`, if they turned TOTP on.
    pub async fn totp(&self, user: UserId) -> Result<Option<StoredTotp>> {
        let row =
            sqlx::query("select secret, enabled_at, last_step from user_totp where user_id = $1")
                .bind(user.to_string())
                .fetch_optional(self.reader())
                .await?;
        row.map(|row| {
            Ok(StoredTotp {
                secret: row.try_get("secret")?,
                enabled_at: instant(row.try_get("enabled_at")?)?,
                last_step: row.try_get("last_step")?,
            })
        })
        .transpose()
    }

    /// Turns TOTP on for `user` with `secret`, whose code for `confirmed_step` the user just
    /// typed (so that code cannot sign in again), and `recovery_hashes` as their recovery
    /// codes, with `auth.totp_enabled`, in one transaction. False (and nothing written) when
    /// TOTP is on already (another tab enrolled first).
    pub async fn enable_totp(
        &self,
        user: UserId,
        secret: &str,
        confirmed_step: i64,
        recovery_hashes: &[String],
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let change = Change {
            source,
            at: now,
            action: "auth.totp_enabled",
            // Never the secret: the audit trail is readable by auditors.
            detail: serde_json::json!({ "user_id": user, "recovery_codes": recovery_hashes.len() }),
        };
        let secret = secret.to_owned();
        let written = self
            .write_with_event(change, async |tx| {
                let inserted = sqlx::query(
                    "insert into user_totp (user_id, secret, enabled_at, last_step) \
                     values ($1, $2, $3, $4) on conflict (user_id) do nothing",
                )
                .bind(user.to_string())
                .bind(secret.clone())
                .bind(millis(now))
                .bind(confirmed_step)
                .execute(&mut **tx)
                .await?;
                if inserted.rows_affected() != 1 {
                    return Err(Refusal::Conflict.into());
                }
                replace_codes(tx, user, recovery_hashes, now).await
            })
            .await;
        refused_as_false(written)
    }

    /// Turns TOTP off for `user`: the secret and every recovery code are deleted, with
    /// `auth.totp_disabled`. False (nothing written) when it was not on.
    pub async fn disable_totp(
        &self,
        user: UserId,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let change = Change {
            source,
            at: now,
            action: "auth.totp_disabled",
            detail: serde_json::json!({ "user_id": user }),
        };
        let written = self
            .write_with_event(change, async |tx| {
                let deleted = sqlx::query("delete from user_totp where user_id = $1")
                    .bind(user.to_string())
                    .execute(&mut **tx)
                    .await?;
                if deleted.rows_affected() != 1 {
                    return Err(Refusal::Conflict.into());
                }
                sqlx::query("delete from totp_recovery_codes where user_id = $1")
                    .bind(user.to_string())
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            })
            .await;
        refused_as_false(written)
    }

    /// Replaces every recovery code of `user` (used or not) by `recovery_hashes`, with
    /// `auth.totp_recovery_regenerated`. False (nothing written) when TOTP is not on.
    pub async fn replace_recovery_codes(
        &self,
        user: UserId,
        recovery_hashes: &[String],
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let change = Change {
            source,
            at: now,
            action: "auth.totp_recovery_regenerated",
            detail: serde_json::json!({ "user_id": user, "recovery_codes": recovery_hashes.len() }),
        };
        let written = self
            .write_with_event(change, async |tx| {
                let on = sqlx::query("select 1 as one from user_totp where user_id = $1")
                    .bind(user.to_string())
                    .fetch_optional(&mut **tx)
                    .await?;
                if on.is_none() {
                    return Err(Refusal::Conflict.into());
                }
                replace_codes(tx, user, recovery_hashes, now).await
            })
            .await;
        refused_as_false(written)
    }

    /// Accepts a code of time step `step` for `user`: true when `step` is later than the last
    /// accepted one (it becomes the last), false when it is not (a code used already, or an
    /// older one) or TOTP is off. Of two uses of one code at once exactly one is true.
    pub async fn accept_totp_step(&self, user: UserId, step: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query(
            "update user_totp set last_step = $1 where user_id = $2 and last_step < $1",
        )
        .bind(step)
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(moved.rows_affected() == 1)
    }

    /// Spends the unused recovery code with this hash of `user`, with
    /// `auth.totp_recovery_used` (naming how many are left), in one transaction. False
    /// (nothing written) when there is no such unused code; of two uses of one code at once
    /// exactly one is true.
    pub async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let left = self.unused_recovery_codes(user).await?;
        let change = Change {
            source,
            at: now,
            action: "auth.totp_recovery_used",
            detail: serde_json::json!({ "user_id": user, "left": (left - 1).max(0) }),
        };
        let code_hash = code_hash.to_owned();
        let written = self
            .write_with_event(change, async |tx| {
                let spent = sqlx::query(
                    "update totp_recovery_codes set used_at = $1 \
                     where user_id = $2 and code_hash = $3 and used_at is null",
                )
                .bind(millis(now))
                .bind(user.to_string())
                .bind(code_hash.clone())
                .execute(&mut **tx)
                .await?;
                if spent.rows_affected() != 1 {
                    return Err(Refusal::Conflict.into());
                }
                Ok(())
            })
            .await;
        refused_as_false(written)
    }

    /// How many recovery codes of `user` are still unused.
    pub async fn unused_recovery_codes(&self, user: UserId) -> Result<i64> {
        let row = sqlx::query(
            "select count(*) as n from totp_recovery_codes where user_id = $1 and used_at is null",
        )
        .bind(user.to_string())
        .fetch_one(self.reader())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// The roles that must use TOTP: the setting's, or [`TOTP_REQUIRED_BY_DEFAULT`] while no
    /// administrator has chosen.
    pub async fn totp_required_roles(&self) -> Result<Vec<Role>> {
        Ok(match self.setting(TOTP_REQUIRED_ROLES_SETTING).await? {
            Some(text) => parse_roles(&text),
            None => TOTP_REQUIRED_BY_DEFAULT.to_vec(),
        })
    }

    /// Sets the roles that must use TOTP, with `auth.totp_requirement_changed` naming the
    /// roles before and after. It takes effect at each user's next sign-in.
    pub async fn set_totp_required_roles(
        &self,
        roles: &[Role],
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self.totp_required_roles().await?;
        let value = role_codes(roles);
        let change = Change {
            source,
            at: now,
            action: "auth.totp_requirement_changed",
            detail: serde_json::json!({
                "before": role_codes(&before),
                "roles": value,
            }),
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into settings (key, value) values ($1, $2) \
                 on conflict (key) do update set value = excluded.value",
            )
            .bind(TOTP_REQUIRED_ROLES_SETTING.to_owned())
            .bind(value.clone())
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await
    }
}

/// Deletes the recovery codes of `user` and inserts `hashes` as new ones.
async fn replace_codes(
    tx: &mut crate::WriteTx,
    user: UserId,
    hashes: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("delete from totp_recovery_codes where user_id = $1")
        .bind(user.to_string())
        .execute(&mut **tx)
        .await?;
    for hash in hashes {
        sqlx::query(
            "insert into totp_recovery_codes (user_id, code_hash, created_at) values ($1, $2, $3)",
        )
        .bind(user.to_string())
        .bind(hash.clone())
        .bind(millis(now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A write refused by its own guard (`Refusal::Conflict`, rolled back) as `false`.
fn refused_as_false(written: Result<()>) -> Result<bool> {
    match written {
        Ok(()) => Ok(true),
        Err(StoreError::Refused(Refusal::Conflict)) => Ok(false),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_roles_it_writes() {
        assert_eq!(
            parse_roles(&role_codes(&[Role::Admin, Role::Staff])),
            [Role::Admin, Role::Staff]
        );
        assert_eq!(parse_roles(""), []);
        assert_eq!(
            parse_roles("admin, nobody,auditor"),
            [Role::Admin, Role::Auditor]
        );
    }
}
