//! Who calls the API: `ApiCaller`, the extractor of every `/api/v1` handler, reads
//! `Authorization: Bearer <token>`, finds the token by the SHA-256 of what was sent, and
//! yields the same `Actor` a signed-in page gets (loaded fresh, so a disabled user or an
//! inactive OPD stops working at once) with the token's scopes. It must never log or keep the
//! token as sent; a refusal says only that the token does not work, not why.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use pelihara_i18n::{Lang, t, t_args};
use pelihara_store::{AuditSource, StoredToken, TokenScope};
use uuid::Uuid;

use super::problem::{ApiError, Problem, ProblemKind, api_lang};
use crate::auth::{CurrentUser, TOKEN_PREFIX, client_address, token_hash};
use crate::state::AppState;

/// The longest token read; ours are 77 characters. Anything longer is refused unhashed.
const MAX_TOKEN_LEN: usize = 200;

/// Requests a token may make per window ([`RATE_WINDOW_SECONDS`]) on one node.
pub const RATE_LIMIT: u32 = 600;

/// The rate limit's window.
pub const RATE_WINDOW_SECONDS: i64 = 60;

/// A caller of the API: the token's user as the case engine sees them, and the token.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub user: CurrentUser,
    pub token: StoredToken,
    /// The language problems and texts are written in (`Accept-Language`).
    pub lang: Lang,
}

impl ApiCaller {
    /// Who acted, for the audit trail: "token plh_1a2b3c4d of Operator Dinkes".
    pub fn audit_source(&self) -> AuditSource {
        AuditSource {
            actor_id: Some(self.user.actor.user.id),
            actor_name: format!(
                "token {} of {}",
                self.token.prefix, self.user.actor.user.full_name
            ),
            address: self.user.address.clone(),
        }
    }

    /// `Ok` when the token carries `scope`; otherwise the 403 problem naming it.
    pub fn require(&self, scope: TokenScope) -> Result<(), ApiError> {
        if self.token.has(scope) {
            return Ok(());
        }
        Err(Problem::new(ProblemKind::Forbidden, self.lang)
            .with_detail(t_args(
                self.lang,
                "api-error-scope",
                &[("scope", pelihara_i18n::arg(scope.code()))],
            ))
            .with_header(
                header::WWW_AUTHENTICATE,
                &format!(
                    "Bearer error=\"insufficient_scope\", scope=\"{}\"",
                    scope.code()
                ),
            )
            .into())
    }

    /// A problem of `kind` in the caller's language.
    pub fn problem(&self, kind: ProblemKind) -> Problem {
        Problem::new(kind, self.lang)
    }
}

/// The 401 every token that does not work gets, whatever the reason.
fn unauthorized(lang: Lang) -> Problem {
    Problem::new(ProblemKind::Unauthorized, lang)
        .with_detail(t(lang, "api-error-token"))
        .with_header(header::WWW_AUTHENTICATE, "Bearer")
}

/// The token sent in `Authorization: Bearer`, if it has our form.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer")
        && token.len() <= MAX_TOKEN_LEN
        && token.starts_with(TOKEN_PREFIX))
    .then_some(token)
}

/// Requests per token within the current window, on this node: a fixed window, enough to
/// keep one runaway integration from crowding out the office's own users.
fn within_rate_limit(token: Uuid, now: DateTime<Utc>) -> Result<(), i64> {
    static COUNTS: OnceLock<Mutex<HashMap<Uuid, (i64, u32)>>> = OnceLock::new();
    let window = now.timestamp().div_euclid(RATE_WINDOW_SECONDS);
    let mut counts = COUNTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    // Old windows are dropped as the map grows: it holds at most the tokens of one window.
    if counts.len() > 10_000 {
        counts.retain(|_, (seen, _)| *seen == window);
    }
    let entry = counts.entry(token).or_insert((window, 0));
    if entry.0 != window {
        *entry = (window, 0);
    }
    if entry.1 >= RATE_LIMIT {
        let retry_after = (window + 1) * RATE_WINDOW_SECONDS - now.timestamp();
        return Err(retry_after.max(1));
    }
    entry.1 += 1;
    Ok(())
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiCaller, Problem> {
        if let Some(known) = parts.extensions.get::<ApiCaller>() {
            return Ok(known.clone());
        }
        let lang = api_lang(&parts.headers);
        let token = bearer(parts).ok_or_else(|| unauthorized(lang))?;
        let services = state.services();
        let internal = |error: pelihara_store::StoreError| {
            tracing::error!(%error, "token lookup failed");
            Problem::new(ProblemKind::Internal, lang)
        };
        let stored = services
            .store
            .token_by_hash(&token_hash(token))
            .await
            .map_err(internal)?
            .ok_or_else(|| unauthorized(lang))?;
        let now = services.clock.now();
        if !stored.is_live(now) {
            return Err(unauthorized(lang));
        }
        // The same "active" as a session's: a disabled user, or an operator of an inactive
        // OPD, is refused (`Store::actor` folds the OPD into `active`).
        let actor = services
            .store
            .actor(stored.user_id)
            .await
            .map_err(internal)?
            .filter(|actor| actor.user.active)
            .ok_or_else(|| unauthorized(lang))?;
        if let Err(retry_after) = within_rate_limit(stored.id, now) {
            return Err(Problem::new(ProblemKind::TooManyRequests, lang)
                .with_detail(t(lang, "api-error-rate-limit"))
                .with_header(header::RETRY_AFTER, &retry_after.to_string()));
        }
        services
            .store
            .touch_token(&stored, now)
            .await
            .map_err(internal)?;
        let caller = ApiCaller {
            user: CurrentUser {
                actor,
                address: client_address(parts),
            },
            token: stored,
            lang,
        };
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_limited_per_window_and_free_again_in_the_next() {
        let token = Uuid::new_v4();
        // 1 800 000 000 s is a whole number of minutes: a window starts there.
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        for _ in 0..RATE_LIMIT {
            assert_eq!(within_rate_limit(token, start), Ok(()));
        }
        let later = start + chrono::Duration::seconds(20);
        assert_eq!(within_rate_limit(token, later), Err(40));
        // Another token is not held up by the first.
        assert_eq!(within_rate_limit(Uuid::new_v4(), later), Ok(()));
        let next = start + chrono::Duration::seconds(60);
        assert_eq!(within_rate_limit(token, next), Ok(()));
    }
}
