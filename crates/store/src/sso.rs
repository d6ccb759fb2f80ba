//! Single sign-on's policy and the accounts a provider's claim names. The provider itself (its
//! issuer, client id and secret) is the server's configuration and never stored; what the
//! administrator decides is stored here as settings: which claim of the provider matches a
//! Pelihara account (NIP, email or username), and whether office staff may still sign in with
//! a password while a provider is configured (OPD operators always may). A change of policy is
//! audited (`auth.sso_policy_changed`, before and after). It must never create an account: a
//! claim that names no account, or more than one, names none.

use chrono::{DateTime, Utc};

use crate::audit::{AuditSource, Change};
use crate::people::StoredUser;
use crate::{Result, Store};

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
