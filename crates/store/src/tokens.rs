//! API tokens (personal access tokens and service accounts' tokens) and the `Idempotency-Key`s
//! of API submissions. A token acts as one user, within its scopes, until it expires or is
//! revoked. It must never see or keep a token's secret: the web front draws the secret and
//! hands over only its SHA-256 and its public prefix (migration 0024).
//!
//! Creating and revoking a token are audited changes (`token.create`, `token.revoke`); the
//! last-used time is housekeeping, written at most once a minute without an event.

use chrono::{DateTime, Duration, Utc};
use pelihara_domain::{CaseId, UserId};
use uuid::Uuid;

use crate::audit::{AuditSource, Change};
use crate::codec::{instant, millis, opt_instant, uuid};
use crate::read::{Columns, FromColumns};
use crate::{Result, Store, StoreError, duplicate_as};

/// What a token may do. A request needs the scope its endpoint names; an action is also
/// checked by the engine as for the token's user, so a scope never grants what the user lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenScope {
    /// Read cases, the register, SOPs and notifications.
    Read,
    /// Submit new requests.
    Submit,
    /// Take actions on cases.
    Act,
    /// Change the register of apps and websites.
    Register,
    /// Administration.
    Admin,
}

impl TokenScope {
    pub const ALL: [TokenScope; 5] = [
        TokenScope::Read,
        TokenScope::Submit,
        TokenScope::Act,
        TokenScope::Register,
        TokenScope::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Submit => "submit",
            TokenScope::Act => "act",
            TokenScope::Register => "register",
            TokenScope::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<TokenScope> {
        TokenScope::ALL
            .into_iter()
            .find(|scope| scope.code() == code.trim())
    }
}

/// The stored form of a set of scopes: their codes, space-separated, in a fixed order.
fn scopes_text(scopes: &[TokenScope]) -> String {
    let mut sorted = scopes.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|scope| scope.code())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A token as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub id: Uuid,
    pub user_id: UserId,
    /// The public part that names the token, e.g. `plh_1a2b3c4d`.
    pub prefix: String,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl StoredToken {
    /// Whether the token itself still works at `now` (its user is checked separately).
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }

    pub fn has(&self, scope: TokenScope) -> bool {
        self.scopes.contains(&scope)
    }
}

const TOKEN_COLUMNS: &str = "id, user_id, prefix, name, scopes, created_by, created_at, \
     expires_at, revoked_at, last_used_at";

impl FromColumns for StoredToken {
    fn from_columns(row: &impl Columns) -> Result<StoredToken> {
        let scopes: String = row.column("scopes")?;
        Ok(StoredToken {
            id: uuid(&row.column::<String>("id")?)?,
            user_id: UserId(uuid(&row.column::<String>("user_id")?)?),
            prefix: row.column("prefix")?,
            name: row.column("name")?,
            // An unknown code (a scope of a later version) grants nothing here.
            scopes: scopes
                .split_whitespace()
                .filter_map(TokenScope::from_code)
                .collect(),
            created_by: row.column("created_by")?,
            created_at: instant(row.column("created_at")?)?,
            expires_at: instant(row.column("expires_at")?)?,
            revoked_at: opt_instant(row.column("revoked_at")?)?,
            last_used_at: opt_instant(row.column("last_used_at")?)?,
        })
    }
}

/// A token to store: the web front drew the secret and gives its hash.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub user_id: UserId,
    pub prefix: String,
    /// SHA-256 of the whole token, lowercase hex.
    pub secret_hash: String,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub expires_at: DateTime<Utc>,
}

/// How often the last-used time is written for a token in steady use.
const LAST_USED_EVERY: Duration = Duration::minutes(1);

/// What an `Idempotency-Key` made (migration 0028).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdempotencyKind {
    /// A submitted case (`SubmitWith::idempotency`).
    Submission,
    /// An action on a case (`ActWith::idempotency`).
    Action,
    /// An app of the register (`Store::create_register_app_with`).
    App,
}

impl IdempotencyKind {
    pub fn code(self) -> &'static str {
        match self {
            IdempotencyKind::Submission => "case",
            IdempotencyKind::Action => "action",
            IdempotencyKind::App => "app",
        }
    }

    fn from_code(code: &str) -> Option<IdempotencyKind> {
        [
            IdempotencyKind::Submission,
            IdempotencyKind::Action,
            IdempotencyKind::App,
        ]
        .into_iter()
        .find(|kind| kind.code() == code)
    }
}

/// An `Idempotency-Key` claimed by what a request makes, written in that very write (see
/// `SubmitWith::idempotency`, `ActWith::idempotency`, `Store::create_register_app_with`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The user the key belongs to (whichever of their tokens sent it).
    pub owner: UserId,
    pub key: String,
    /// SHA-256 of what the request carried, to tell a retry from another request.
    pub request_hash: String,
    pub kind: IdempotencyKind,
}

/// What claimed an idempotency key: the request's hash and what it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentSubmission {
    pub request_hash: String,
    pub kind: IdempotencyKind,
    /// The case (a submission, an action) or the app the first request made or changed.
    pub target: Uuid,
}

impl IdempotentSubmission {
    /// The case, for a submission or an action.
    pub fn case_id(&self) -> CaseId {
        CaseId(self.target)
    }
}

impl FromColumns for IdempotentSubmission {
    fn from_columns(row: &impl Columns) -> Result<IdempotentSubmission> {
        let kind: String = row.column("kind")?;
        Ok(IdempotentSubmission {
            request_hash: row.column("request_hash")?,
            kind: IdempotencyKind::from_code(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("idempotency kind {kind:?}")))?,
            target: uuid(&row.column::<String>("target_id")?)?,
        })
    }
}

/// Claims `key` for the case or app being written (`target`), inside that write: `Duplicate`
/// (and the whole write rolled back) when the key was claimed already.
pub(crate) async fn claim_idempotency_key(
    conn: &mut crate::write_conn::WriteConn<'_>,
    key: &IdempotencyKey,
    target: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let inserted = conn
        .execute(
            "insert into api_idempotency (owner_id, key, request_hash, target_id, kind, \
             created_at) values ($1, $2, $3, $4, $5, $6) on conflict (owner_id, key) do nothing",
            vec![
                key.owner.to_string().into(),
                key.key.clone().into(),
                key.request_hash.clone().into(),
                target.to_string().into(),
                key.kind.code().into(),
                millis(now).into(),
            ],
        )
        .await?;
    if inserted == 0 {
        return Err(StoreError::Duplicate("idempotency key"));
    }
    Ok(())
}

impl Store {
    /// Stores a new token for `token.user_id`, created by `source` (the user themself, or an
    /// admin for a service account). `Duplicate` when the prefix is taken (draw another).
    pub async fn create_token(
        &self,
        token: NewToken,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<StoredToken> {
        let id = Uuid::new_v4();
        let scopes = scopes_text(&token.scopes);
        let created_by = source.actor_name.clone();
        let detail = serde_json::json!({
            "token_id": id.to_string(),
            "user_id": token.user_id,
            "prefix": token.prefix,
            "name": token.name,
            "scopes": scopes,
            "expires_at": token.expires_at,
        });
        let change = Change {
            source,
            at: now,
            action: "token.create",
            detail,
        };
        let stored = StoredToken {
            id,
            user_id: token.user_id,
            prefix: token.prefix.clone(),
            name: token.name.clone(),
            scopes: scopes
                .split_whitespace()
                .filter_map(TokenScope::from_code)
                .collect(),
            created_by: created_by.clone(),
            created_at: now,
            expires_at: token.expires_at,
            revoked_at: None,
            last_used_at: None,
        };
        self.write_with_event(change, async |tx| {
            let inserted = sqlx::query(
                "insert into api_tokens (id, user_id, prefix, secret_hash, name, scopes, \
                 created_by, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id.to_string())
            .bind(token.user_id.to_string())
            .bind(token.prefix.clone())
            .bind(token.secret_hash.clone())
            .bind(token.name.clone())
            .bind(scopes.clone())
            .bind(created_by.clone())
            .bind(millis(now))
            .bind(millis(token.expires_at))
            .execute(&mut **tx)
            .await;
            duplicate_as(inserted, "token prefix")?;
            Ok(())
        })
        .await?;
        Ok(stored)
    }

    /// The token whose secret hashes to `secret_hash`, live or not (the caller decides, and
    /// checks its user): on every API request's path, so a short read.
    pub async fn token_by_hash(&self, secret_hash: &str) -> Result<Option<StoredToken>> {
        self.read_optional(
            &format!("select {TOKEN_COLUMNS} from api_tokens where secret_hash = $1"),
            vec![secret_hash.into()],
        )
        .await
    }

    /// A user's tokens, newest first (revoked and expired ones too, for the account page).
    pub async fn tokens_of(&self, user: UserId) -> Result<Vec<StoredToken>> {
        self.read_all(
            &format!(
                "select {TOKEN_COLUMNS} from api_tokens where user_id = $1 \
                 order by created_at desc, id desc limit 200"
            ),
            vec![user.to_string().into()],
        )
        .await
    }

    /// How many of a user's tokens work at `now` (not revoked, not expired).
    pub async fn live_token_count(&self, user: UserId, now: DateTime<Utc>) -> Result<i64> {
        let counted = self
            .read_optional::<crate::read::Count>(
                "select count(*) as n from api_tokens where user_id = $1 \
                 and revoked_at is null and expires_at > $2",
                vec![user.to_string().into(), millis(now).into()],
            )
            .await?;
        Ok(counted.map_or(0, |count| count.0))
    }

    /// Revokes the token `id` of `user` (only theirs: `false` for another's, an unknown one,
    /// or one revoked already). Takes effect on the next request.
    pub async fn revoke_token(
        &self,
        user: UserId,
        id: Uuid,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let detail = serde_json::json!({ "token_id": id.to_string(), "user_id": user });
        let change = Change {
            source,
            at: now,
            action: "token.revoke",
            detail,
        };
        // Nothing revoked (another's, unknown, revoked already): the write and its event are
        // rolled back together.
        let written = self
            .write_with_event(change, async |tx| {
                let revoked = sqlx::query(
                    "update api_tokens set revoked_at = $1, revoked_by = $2 \
                     where id = $3 and user_id = $4 and revoked_at is null",
                )
                .bind(millis(now))
                .bind(source.actor_name.clone())
                .bind(id.to_string())
                .bind(user.to_string())
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if revoked == 1 {
                    Ok(())
                } else {
                    Err(StoreError::Refused(pelihara_domain::Refusal::NotFound))
                }
            })
            .await;
        match written {
            Ok(()) => Ok(true),
            Err(StoreError::Refused(pelihara_domain::Refusal::NotFound)) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Notes that the token was used at `now`, unless that was noted less than a minute ago
    /// (a busy integration must not write on every request).
    pub async fn touch_token(&self, token: &StoredToken, now: DateTime<Utc>) -> Result<()> {
        if token
            .last_used_at
            .is_some_and(|last| now - last < LAST_USED_EVERY)
        {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "update api_tokens set last_used_at = $1 where id = $2 \
             and (last_used_at is null or last_used_at < $3)",
        )
        .bind(millis(now))
        .bind(token.id.to_string())
        .bind(millis(now - LAST_USED_EVERY))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What claimed `key` for `owner`, if anything did.
    pub async fn idempotent_submission(
        &self,
        owner: UserId,
        key: &str,
    ) -> Result<Option<IdempotentSubmission>> {
        self.read_optional(
            "select request_hash, kind, target_id from api_idempotency \
             where owner_id = $1 and key = $2",
            vec![owner.to_string().into(), key.into()],
        )
        .await
    }
}
