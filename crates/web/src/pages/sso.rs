//! Single sign-on (`/masuk/sso`, `/masuk/sso/kembali`): the browser goes to the office's
//! OpenID Connect provider with a fresh state, nonce and PKCE challenge kept in its session,
//! and comes back with a code. The answer is used once (taken out of the session first, so a
//! replayed answer finds nothing), its state must be this session's, and the provider's tokens
//! are checked by `sso.rs`. The account is the one existing Pelihara account whose claim
//! (NIP, email or username, the administrator's policy) matches; none, or two, is a refusal
//! with a clear message: nobody is ever created here. The account's first sign-in through the
//! provider binds its subject (issuer and `sub`); a later one with another subject is refused
//! and audited (an administrator removes the binding on the user's page). Then the same as after a right password:
//! the second step (TOTP) for a user who has it or whose role needs it, since Pelihara cannot
//! know what the provider asked for, or a new session id and the user's home. Every outcome,
//! success or refusal, is audited with who and the client's address.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use pelihara_store::AuditSource;
use pelihara_store::sso::{SsoBinding, SsoClaim};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{self, ClientAddress, CurrentUser};
use crate::error::WebError;
use crate::pages::sign_in::{destination, refused};
use crate::shell::Shell;
use crate::sso::{Identity, PendingSso, same_state};
use crate::state::AppState;

/// The session key of a sign-in on its way through the provider.
const PENDING_SSO_KEY: &str = "pending_sso";

/// How long a person may take at the provider before its answer is no longer accepted.
const PENDING_SSO_FOR: Duration = Duration::minutes(10);

/// Longer claim values are not looked up (nor stored whole in the audit trail).
const CLAIM_MAX: usize = 254;

#[derive(Debug, Deserialize)]
pub(crate) struct StartQuery {
    #[serde(default)]
    next: Option<String>,
}

/// The provider's answer: a code and our state, or an error it reports.
#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    error: Option<String>,
    /// The issuer of the answer (RFC 9207), when the provider names it.
    #[serde(default)]
    iss: Option<String>,
}

fn session_error(error: tower_sessions::session::Error) -> WebError {
    WebError::internal(error.to_string())
}

/// `GET /masuk/sso`: to the provider, with a fresh state, nonce and PKCE challenge kept in
/// this session. A 404 when no provider is configured.
pub(crate) async fn view_masuk_sso_get(
    shell: Shell,
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    session: Session,
    Query(query): Query<StartQuery>,
) -> Result<Response, WebError> {
    let Some(sso) = state.sso() else {
        return Err(WebError::NotFound);
    };
    let next = query.next.unwrap_or_default();
    if let Some(user) = user {
        return Ok(Redirect::to(&destination(&next, user.role())).into_response());
    }
    let now = state.services().clock.now();
    match sso.begin(next.clone(), now.timestamp_millis()).await {
        Ok((url, pending)) => {
            session
                .insert(PENDING_SSO_KEY, &pending)
                .await
                .map_err(session_error)?;
            Ok(Redirect::to(&url).into_response())
        }
        Err(error) => {
            tracing::warn!(%error, "single sign-on could not start");
            refused(
                shell.clone(),
                &state,
                StatusCode::BAD_GATEWAY,
                next,
                shell.tr.t("sso-unavailable"),
            )
        }
    }
}

/// Who was refused and why, for the audit trail.
struct Refusal<'a> {
    reason: &'a str,
    message: &'a str,
    status: StatusCode,
    detail: serde_json::Value,
}

/// `GET /masuk/sso/kembali`: the provider's answer. Signs the matching account in, or says
/// why not.
pub(crate) async fn view_masuk_sso_kembali_get(
    shell: Shell,
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, WebError> {
    if state.sso().is_none() {
        return Err(WebError::NotFound);
    }
    let services = state.services();
    let store = &services.store;
    let now = services.clock.now();
    let guest = AuditSource {
        actor_id: None,
        actor_name: "tamu".to_owned(),
        address: address.clone(),
    };
    // Taken out before anything else: whatever follows, this answer is not accepted twice.
    let pending: Option<PendingSso> = session
        .remove(PENDING_SSO_KEY)
        .await
        .map_err(session_error)?;
    let outcome = check_answer(&state, pending.as_ref(), &query, now).await?;
    let next = pending
        .as_ref()
        .map(|pending| pending.next.clone())
        .unwrap_or_default();
    let (user, identity, claim) = match outcome {
        Ok(found) => found,
        Err(refusal) => {
            let mut detail = refusal.detail;
            detail["reason"] = refusal.reason.into();
            store
                .record_event(&guest, "auth.sso_refused", detail, now)
                .await?;
            return refused(
                shell.clone(),
                &state,
                refusal.status,
                next,
                shell.tr.t(refusal.message),
            );
        }
    };
    let source = AuditSource {
        actor_id: Some(user.user.id),
        actor_name: user.user.full_name.clone(),
        address: address.clone(),
    };
    // The account keeps the subject of its first sign-in through the provider: another
    // provider account that comes to carry this NIP or email is not this person.
    let issuer = state
        .sso()
        .map(|sso| sso.issuer().to_owned())
        .unwrap_or_default();
    let binding = store
        .bind_sso_subject(user.user.id, &issuer, &identity.subject, &source, now)
        .await?;
    if binding == SsoBinding::Other {
        let subject: String = identity.subject.chars().take(CLAIM_MAX).collect();
        store
            .record_event(
                &guest,
                "auth.sso_refused",
                serde_json::json!({
                    "reason": "subject_mismatch",
                    "username": user.user.username,
                    "subject": subject,
                    "claim": claim.code(),
                }),
                now,
            )
            .await?;
        return refused(
            shell.clone(),
            &state,
            StatusCode::FORBIDDEN,
            next,
            shell.tr.t("sso-subject-mismatch"),
        );
    }
    let client = auth::client_key(&address);
    // The provider proved who this is; Pelihara's own second step still applies, as after a
    // password: Pelihara cannot see what the provider asked for.
    if let Some(enrol) = auth::second_step_needed(store, &user).await? {
        store
            .record_event(
                &source,
                "auth.sso_verified",
                serde_json::json!({
                    "username": user.user.username,
                    "subject": identity.subject,
                    "claim": claim.code(),
                    "second_step": if enrol { "enrol" } else { "code" },
                }),
                now,
            )
            .await?;
        return auth::begin_second_step(&session, &user, enrol, next, now).await;
    }
    auth::start_session(&session, user.user.id).await?;
    store
        .record_sso_sign_in(
            &user.user.username,
            &client,
            &identity.subject,
            claim.code(),
            &source,
            now,
        )
        .await?;
    Ok(Redirect::to(&destination(&next, user.user.role)).into_response())
}

type Found = (pelihara_store::people::StoredUser, Identity, SsoClaim);

/// Every check of the answer, in order: a sign-in was waiting on this session, in time; the
/// provider did not report an error; the state is this session's; the code exchange and the
/// ID token (nonce included) pass; the policy's claim is there and names exactly one account
/// that may sign in.
async fn check_answer(
    state: &AppState,
    pending: Option<&PendingSso>,
    query: &CallbackQuery,
    now: DateTime<Utc>,
) -> Result<Result<Found, Refusal<'static>>, WebError> {
    let refuse = |reason, message, status, detail| {
        Ok(Err(Refusal {
            reason,
            message,
            status,
            detail,
        }))
    };
    let none = serde_json::json!({});
    let Some(sso) = state.sso() else {
        return refuse(
            "not_configured",
            "sso-unavailable",
            StatusCode::NOT_FOUND,
            none,
        );
    };
    let Some(pending) = pending else {
        // A replayed answer, or one this browser never asked for.
        return refuse("no_pending", "sso-replayed", StatusCode::BAD_REQUEST, none);
    };
    let since =
        DateTime::from_timestamp_millis(pending.since_ms).unwrap_or(DateTime::<Utc>::MIN_UTC);
    if now >= since + PENDING_SSO_FOR || now < since - Duration::minutes(1) {
        return refuse("expired", "sso-expired", StatusCode::BAD_REQUEST, none);
    }
    if let Some(error) = &query.error {
        let error: String = error.chars().take(64).collect();
        return refuse(
            "provider_error",
            "sso-provider-refused",
            StatusCode::FORBIDDEN,
            serde_json::json!({ "error": error }),
        );
    }
    if !same_state(&pending.state, query.state.as_deref().unwrap_or_default()) {
        return refuse(
            "state_mismatch",
            "sso-replayed",
            StatusCode::BAD_REQUEST,
            none,
        );
    }
    // An answer naming another issuer is another provider's (a mix-up attack, RFC 9207).
    if let Some(iss) = &query.iss
        && iss.trim_end_matches('/') != sso.issuer().trim_end_matches('/')
    {
        return refuse(
            "issuer_mismatch",
            "sso-failed",
            StatusCode::BAD_REQUEST,
            none,
        );
    }
    let Some(code) = query.code.clone().filter(|code| !code.is_empty()) else {
        return refuse("no_code", "sso-failed", StatusCode::BAD_REQUEST, none);
    };
    let identity = match sso.finish(pending, code).await {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(%error, "single sign-on answer refused");
            let kind = match error {
                crate::sso::SsoError::Provider(_) => "provider_unreachable",
                crate::sso::SsoError::Exchange(_) => "code_exchange_failed",
                crate::sso::SsoError::IdToken(_) => "id_token_invalid",
                crate::sso::SsoError::UserInfo(_) => "userinfo_failed",
            };
            return refuse(kind, "sso-failed", StatusCode::BAD_REQUEST, none);
        }
    };
    let policy = state.services().store.sso_policy().await?;
    let value = match policy.claim {
        SsoClaim::Nip => identity.nip.clone(),
        // An address the provider says it has not verified proves nothing.
        SsoClaim::Email if identity.email_verified == Some(false) => None,
        SsoClaim::Email => identity.email.clone(),
        SsoClaim::Username => identity.username.clone(),
    };
    let value: Option<String> = value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty() && value.chars().count() <= CLAIM_MAX);
    let subject: String = identity.subject.chars().take(CLAIM_MAX).collect();
    let Some(value) = value else {
        return refuse(
            "claim_missing",
            "sso-claim-missing",
            StatusCode::FORBIDDEN,
            serde_json::json!({ "subject": subject, "claim": policy.claim.code() }),
        );
    };
    let detail = serde_json::json!({
        "subject": subject,
        "claim": policy.claim.code(),
        "value": value,
    });
    let mut users = state
        .services()
        .store
        .users_by_sso_claim(policy.claim, &value)
        .await?;
    let user = match (users.pop(), users.is_empty()) {
        (Some(user), true) => user,
        (None, _) => {
            return refuse(
                "unknown_account",
                "sso-unknown",
                StatusCode::FORBIDDEN,
                detail,
            );
        }
        (Some(_), false) => {
            return refuse("ambiguous", "sso-ambiguous", StatusCode::FORBIDDEN, detail);
        }
    };
    if !user.may_sign_in() {
        return refuse("inactive", "sso-inactive", StatusCode::FORBIDDEN, detail);
    }
    Ok(Ok((user, identity, policy.claim)))
}
