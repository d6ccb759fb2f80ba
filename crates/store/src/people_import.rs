//! Bulk set-up of an office: OPDs and users from a checked sheet, written all or nothing, each
//! new user with a one-time invitation link (`password_resets` of kind `invitation`, only its
//! token's SHA-256 kept) to set their own password: no administrator ever knows or types a
//! user's password, and an imported account cannot be signed into before its owner sets one.
//! The caller checks every row first (crates/register reads the sheet, the web front applies
//! the form's rules); this module writes, and refuses what changed meanwhile.
//! An invitation expired or lost is issued again (`reissue_invitation`): the old link spent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use pelihara_domain::{OpdId, Refusal, UserId};
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::codec::{millis, uuid};
use crate::people::NewUser;
use crate::{Result, Store, StoreError};

/// The password hash of an account whose owner has not set a password yet: no argon2 string,
/// so no password ever matches it.
pub const NO_PASSWORD_YET: &str = "!invited";

/// An OPD a sheet adds.
#[derive(Debug, Clone)]
pub struct NewOpdRow {
    pub code: String,
    pub name: String,
    /// False: the OPD is added deactivated (the sheet's Status column).
    pub active: bool,
}

/// A user a sheet adds. `opd_code` names an OPD that exists and is active, or one the same
/// import adds; the user's own `opd_id` is ignored.
#[derive(Debug, Clone)]
pub struct ImportedUser {
    pub user: NewUser,
    pub opd_code: Option<String>,
    /// A phone number for the webhook channel (WhatsApp/Telegram gateways); may be empty.
    pub phone: String,
    /// SHA-256 (hex) of the invitation link's token; `None` for an account added inactive,
    /// which nobody is invited to (an administrator activates it and invites then).
    pub invitation_hash: Option<String>,
    /// False: the account is added deactivated (the sheet's Status column).
    pub active: bool,
}

/// One import: its OPDs, its users and until when the invitations work.
#[derive(Debug, Clone)]
pub struct PeopleImport {
    pub opds: Vec<NewOpdRow>,
    pub users: Vec<ImportedUser>,
    pub invitations_expire_at: DateTime<Utc>,
}

/// What an import wrote, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPeople {
    pub opds: Vec<OpdId>,
    pub users: Vec<UserId>,
}

impl Store {
    /// Writes an import in one transaction with one audit event `people.import` (the OPDs, the
    /// users with their roles, positions and OPDs, and until when the invitations work; never
    /// a token). A taken OPD code is `Duplicate("opd_code")`, a taken username
    /// `Duplicate("username")`, an OPD code that is unknown or inactive at the time of writing
    /// `Refused(Invalid { field: "opd_code" })`; nothing is written then.
    pub async fn import_people(
        &self,
        import: PeopleImport,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<ImportedPeople> {
        let opd_ids: Vec<OpdId> = import.opds.iter().map(|_| OpdId::random()).collect();
        let user_ids: Vec<UserId> = import.users.iter().map(|_| UserId::random()).collect();
        let detail = serde_json::json!({
            "opds": import.opds.iter().zip(&opd_ids).map(|(opd, id)| serde_json::json!({
                "opd_id": id, "code": opd.code.trim(), "name": opd.name.trim(),
                "active": opd.active,
            })).collect::<Vec<_>>(),
            "users": import.users.iter().zip(&user_ids).map(|(row, id)| serde_json::json!({
                "user_id": id,
                "username": row.user.username.trim().to_lowercase(),
                "role": row.user.role.code(),
                "positions": row.user.positions,
                "opd_code": row.opd_code,
                "active": row.active,
                "invited": row.invitation_hash.is_some(),
            })).collect::<Vec<_>>(),
            "invitations_expire_at": import.invitations_expire_at,
        });
        let change = Change {
            source,
            at: now,
            action: "people.import",
            detail,
        };
        let opd_ids_written = opd_ids.clone();
        let user_ids_written = user_ids.clone();
        self.write_with_event(change, async |tx| {
            // Codes compare without case, as the sheet reader compares them.
            let mut codes: HashMap<String, OpdId> = HashMap::new();
            for (opd, id) in import.opds.iter().zip(&opd_ids_written) {
                let inserted = sqlx::query(
                    "insert into opds (id, code, name, active) values ($1, $2, $3, $4)",
                )
                .bind(id.to_string())
                .bind(opd.code.trim().to_owned())
                .bind(opd.name.trim().to_owned())
                .bind(i64::from(opd.active))
                .execute(&mut **tx)
                .await;
                crate::duplicate_as(inserted, "opd_code")?;
                codes.insert(opd.code.trim().to_uppercase(), *id);
            }
            for (row, id) in import.users.iter().zip(&user_ids_written) {
                let opd_id = match &row.opd_code {
                    None => None,
                    Some(code) => {
                        let key = code.trim().to_uppercase();
                        match codes.get(&key) {
                            Some(id) => Some(*id),
                            None => {
                                let found = sqlx::query(
                                    "select id from opds where upper(code) = $1 and active = 1",
                                )
                                .bind(key.clone())
                                .fetch_optional(&mut **tx)
                                .await?;
                                let Some(found) = found else {
                                    return Err(Refusal::Invalid {
                                        field: "opd_code",
                                        problem: pelihara_domain::Problem::NotAllowedValue,
                                    }
                                    .into());
                                };
                                let id = OpdId(uuid(&found.try_get::<String, _>("id")?)?);
                                codes.insert(key, id);
                                Some(id)
                            }
                        }
                    }
                };
                let new = NewUser {
                    opd_id,
                    password_hash: NO_PASSWORD_YET.to_owned(),
                    ..row.user.clone()
                };
                crate::people::insert_user(tx, *id, &new, now).await?;
                if !row.active {
                    sqlx::query("update users set active = 0 where id = $1")
                        .bind(id.to_string())
                        .execute(&mut **tx)
                        .await?;
                }
                if !row.phone.trim().is_empty() {
                    // The defaults of a user without a row (email on, webhook off), with the
                    // number the webhook gateway addresses.
                    sqlx::query(
                        "insert into notification_preferences \
                         (user_id, email, webhook, webhook_handle, updated_at) \
                         values ($1, 1, 0, $2, $3)",
                    )
                    .bind(id.to_string())
                    .bind(row.phone.trim().to_owned())
                    .bind(millis(now))
                    .execute(&mut **tx)
                    .await?;
                }
                let Some(invitation_hash) = &row.invitation_hash else {
                    continue;
                };
                sqlx::query(
                    "insert into password_resets \
                     (token_hash, user_id, created_at, expires_at, kind) \
                     values ($1, $2, $3, $4, 'invitation')",
                )
                .bind(invitation_hash.clone())
                .bind(id.to_string())
                .bind(millis(now))
                .bind(millis(import.invitations_expire_at))
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        })
        .await?;
        Ok(ImportedPeople {
            opds: opd_ids,
            users: user_ids,
        })
    }

    /// The webhook handles (phone numbers) users gave, by user: the people export's column.
    pub async fn webhook_handles(&self) -> Result<HashMap<UserId, String>> {
        let rows = sqlx::query(
            "select user_id, webhook_handle from notification_preferences \
             where webhook_handle <> ''",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    UserId(uuid(&row.try_get::<String, _>("user_id")?)?),
                    row.try_get("webhook_handle")?,
                ))
            })
            .collect()
    }
}

impl Store {
    /// A new invitation for a user who has not set a password yet (imported and never
    /// accepted): in one transaction every unspent invitation of theirs is spent (the old link,
    /// expired or lost, no longer works) and the new one, by its token's hash, works until
    /// `expires_at`, with `user.invitation_reissued`. `false`, and nothing written, for a user
    /// who has a password (or a service account) or does not exist.
    pub async fn reissue_invitation(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        match self.user(user).await? {
            Some(stored) if stored.password_hash == NO_PASSWORD_YET => {}
            _ => return Ok(false),
        }
        let change = Change {
            source,
            at: now,
            action: "user.invitation_reissued",
            detail: serde_json::json!({ "user_id": user, "expires_at": expires_at }),
        };
        let token_hash = token_hash.to_owned();
        let written = self
            .write_with_event(change, async |tx| {
                // Guarded by the state read above: a password set meanwhile changes nothing.
                let invited =
                    sqlx::query("select 1 as one from users where id = $1 and password_hash = $2")
                        .bind(user.to_string())
                        .bind(NO_PASSWORD_YET.to_owned())
                        .fetch_optional(&mut **tx)
                        .await?;
                if invited.is_none() {
                    return Err(Refusal::Conflict.into());
                }
                sqlx::query(
                    "update password_resets set used_at = $1 \
                     where user_id = $2 and kind = 'invitation' and used_at is null",
                )
                .bind(millis(now))
                .bind(user.to_string())
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "insert into password_resets \
                     (token_hash, user_id, created_at, expires_at, kind) \
                     values ($1, $2, $3, $4, 'invitation')",
                )
                .bind(token_hash.clone())
                .bind(user.to_string())
                .bind(millis(now))
                .bind(millis(expires_at))
                .execute(&mut **tx)
                .await?;
                Ok(())
            })
            .await;
        match written {
            Ok(()) => Ok(true),
            Err(StoreError::Refused(Refusal::Conflict)) => Ok(false),
            Err(error) => Err(error),
        }
    }
}
