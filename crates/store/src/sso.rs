//! Single sign-on's policy and the accounts a provider's claim names. The provider itself (its
//! issuer, client id and secret) is the server's configuration and never stored; what the
//! administrator decides is stored here as settings: which claim of the provider matches a
//! Pelihara account (NIP, email or username), and whether office staff may still sign in with
//! a password while a provider is configured (OPD operators always may). A change of policy is
//! audited (`auth.sso_policy_changed`, before and after). It must never create an account: a
//! claim that names no account, or more than one, names none.
//!
//! An account is bound to the provider's subject (issuer and `sub`, migration 0033) at its
//! first sign-in through it (`auth.sso_bound`); afterwards a claim naming the account is only
//! accepted with that subject, and an administrator can remove the binding
//! (`auth.sso_unbound`).

use chrono::{DateTime, Utc};
use pelihara_domain::UserId;
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::people::StoredUser;
use crate::{Result, Store, StoreError};

/// The setting naming the matching claim (`nip`, `email` or `username`).
pub const SSO_CLAIM_SETTING: &str = "auth.sso_claim";
/// The setting saying whether office staff may sign in with a password (`on`/`off`).
pub const SSO_STAFF_PASSWORD_SETTING: &str = "auth.sso_staff_password";

/// Which of the provider's claims names the Pelihara account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoClaim {
    /// The civil servant number (claim `nip`), compared as stored.
    Nip,
    /// The email address (claim `email`, refused when the provider says it is not verified),
    /// compared without regard to case.
    Email,
    /// The username (claim `preferred_username`), compared in lower case like the sign-in form.
    Username,
}

impl SsoClaim {
    pub const ALL: [SsoClaim; 3] = [SsoClaim::Nip, SsoClaim::Email, SsoClaim::Username];

    pub fn code(self) -> &'static str {
        match self {
            SsoClaim::Nip => "nip",
            SsoClaim::Email => "email",
            SsoClaim::Username => "username",
        }
    }

    pub fn from_code(code: &str) -> Option<SsoClaim> {
        SsoClaim::ALL.into_iter().find(|claim| claim.code() == code)
    }
}

/// What the administrator decided about single sign-on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SsoPolicy {
    pub claim: SsoClaim,
    /// Whether administrators, auditors and staff may still sign in with a password while a
    /// provider is configured. OPD operators always may: they are outside the office's
    /// directory.
    pub staff_password: bool,
}

impl Default for SsoPolicy {
    /// NIP (every civil servant has one, it never changes hands) and passwords still allowed,
    /// so configuring a provider locks nobody out before the administrator decides.
    fn default() -> SsoPolicy {
        SsoPolicy {
            claim: SsoClaim::Nip,
            staff_password: true,
        }
    }
}

fn on_off(value: bool) -> &'static str {
    if value { "on" } else { "off" }
}

impl Store {
    /// The stored policy, or [`SsoPolicy::default`] for what was never set.
    pub async fn sso_policy(&self) -> Result<SsoPolicy> {
        let default = SsoPolicy::default();
        let claim = self
            .setting(SSO_CLAIM_SETTING)
            .await?
            .and_then(|code| SsoClaim::from_code(&code))
            .unwrap_or(default.claim);
        let staff_password = match self.setting(SSO_STAFF_PASSWORD_SETTING).await?.as_deref() {
            Some("off") => false,
            Some(_) => true,
            None => default.staff_password,
        };
        Ok(SsoPolicy {
            claim,
            staff_password,
        })
    }

    /// Stores the policy with one `auth.sso_policy_changed` event naming it before and after.
    pub async fn set_sso_policy(
        &self,
        policy: SsoPolicy,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self.sso_policy().await?;
        let change = Change {
            source,
            at: now,
            action: "auth.sso_policy_changed",
            detail: serde_json::json!({
                "before": {
                    "claim": before.claim.code(),
                    "staff_password": on_off(before.staff_password),
                },
                "claim": policy.claim.code(),
                "staff_password": on_off(policy.staff_password),
            }),
        };
        let values = [
            (SSO_CLAIM_SETTING, policy.claim.code()),
            (SSO_STAFF_PASSWORD_SETTING, on_off(policy.staff_password)),
        ];
        self.write_with_event(change, async |tx| {
            for (key, value) in values {
                sqlx::query(
                    "insert into settings (key, value) values ($1, $2) \
                     on conflict (key) do update set value = excluded.value",
                )
                .bind(key.to_owned())
                .bind(value.to_owned())
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        })
        .await
    }

    /// The accounts (service accounts aside) whose `claim` is `value`: none, one, or two when
    /// the value is ambiguous (at most two are read; the caller refuses anything but one).
    pub async fn users_by_sso_claim(
        &self,
        claim: SsoClaim,
        value: &str,
    ) -> Result<Vec<StoredUser>> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(Vec::new());
        }
        let (condition, value) = match claim {
            SsoClaim::Nip => ("u.nip = $1", value.to_owned()),
            SsoClaim::Email => ("lower(u.email) = $1", value.to_lowercase()),
            SsoClaim::Username => ("u.username = $1", value.to_lowercase()),
        };
        let query = format!(
            "select {columns} {from} where {condition} and u.service_account = 0 \
             order by u.id limit 2",
            columns = crate::people::USER_COLUMNS,
            from = crate::people::USER_FROM,
        );
        self.read_all(&query, vec![value.into()]).await
    }
}

/// What a sign-in through the provider found of the account's bound subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoBinding {
    /// The account had none: this subject is bound to it from now on (audited).
    Bound,
    /// The account is bound to this very subject.
    Same,
    /// The account is bound to another subject (or this subject to another account): the
    /// sign-in must be refused.
    Other,
}

/// The subject an account is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundSubject {
    pub issuer: String,
    pub subject: String,
    pub bound_at: DateTime<Utc>,
}

impl Store {
    /// The subject `user` is bound to, if any.
    pub async fn sso_subject(&self, user: UserId) -> Result<Option<BoundSubject>> {
        let row =
            sqlx::query("select issuer, subject, bound_at from sso_subjects where user_id = $1")
                .bind(user.to_string())
                .fetch_optional(self.reader())
                .await?;
        row.map(|row| {
            Ok(BoundSubject {
                issuer: row.try_get("issuer")?,
                subject: row.try_get("subject")?,
                bound_at: crate::codec::instant(row.try_get("bound_at")?)?,
            })
        })
        .transpose()
    }

    /// Checks the provider's subject (`issuer`, `subject`) against the one `user` is bound to,
    /// and binds it when the account has none yet, with the audit event `auth.sso_bound`
    /// (by `source`, the person signing in). Two first sign-ins at once bind one subject: the
    /// other sees it as `Same` or `Other`.
    pub async fn bind_sso_subject(
        &self,
        user: UserId,
        issuer: &str,
        subject: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<SsoBinding> {
        let compare = |bound: &BoundSubject| {
            if bound.issuer == issuer && bound.subject == subject {
                SsoBinding::Same
            } else {
                SsoBinding::Other
            }
        };
        if let Some(bound) = self.sso_subject(user).await? {
            return Ok(compare(&bound));
        }
        let change = Change {
            source,
            at: now,
            action: "auth.sso_bound",
            detail: serde_json::json!({
                "user_id": user,
                "issuer": issuer,
                "subject": subject,
            }),
        };
        let (issuer_owned, subject_owned) = (issuer.to_owned(), subject.to_owned());
        let written = self
            .write_with_event(change, async |tx| {
                let inserted = sqlx::query(
                    "insert into sso_subjects (user_id, issuer, subject, bound_at) \
                     values ($1, $2, $3, $4)",
                )
                .bind(user.to_string())
                .bind(issuer_owned.clone())
                .bind(subject_owned.clone())
                .bind(crate::codec::millis(now))
                .execute(&mut **tx)
                .await;
                crate::duplicate_as(inserted, "sso_subject")?;
                Ok(())
            })
            .await;
        match written {
            Ok(()) => Ok(SsoBinding::Bound),
            // Another sign-in bound this account first, or this subject belongs to another.
            Err(StoreError::Duplicate("sso_subject")) => Ok(self
                .sso_subject(user)
                .await?
                .map_or(SsoBinding::Other, |bound| compare(&bound))),
            Err(error) => Err(error),
        }
    }

    /// Removes the subject `user` is bound to, with the audit event `auth.sso_unbound` naming
    /// it; the account's next sign-in through the provider binds a subject again. Returns
    /// whether there was one.
    pub async fn unbind_sso_subject(
        &self,
        user: UserId,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let Some(bound) = self.sso_subject(user).await? else {
            return Ok(false);
        };
        let change = Change {
            source,
            at: now,
            action: "auth.sso_unbound",
            detail: serde_json::json!({
                "user_id": user,
                "issuer": bound.issuer,
                "subject": bound.subject,
            }),
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("delete from sso_subjects where user_id = $1")
                .bind(user.to_string())
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
        .await?;
        Ok(true)
    }
}
