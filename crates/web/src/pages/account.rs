//! `/akun/sandi`: the signed-in user's own account: who they are as Pelihara knows them,
//! and changing their password (the current one, then the new one twice). A change ends
//! every session of theirs and signs this browser in again on a new session. It must never
//! show, log or keep a password, and never change anyone else's.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::check_password;
use crate::auth::{self, CurrentUser, hash_password, verify_password};
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::admin::FormData;
use crate::pages::page_or_partial;
use crate::people::role_label;
use crate::shell::Shell;
use crate::state::AppState;

const PATH: &str = "/akun/sandi";

#[derive(Template)]
#[template(path = "account_partial.html")]
struct AccountPartial {
    tr: Tr,
    notice: Option<String>,
    full_name: String,
    username: String,
    role: String,
    email: String,
    errors: FormErrors,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AccountQuery {
    #[serde(default)]
    ok: Option<String>,
}

async fn render(
    shell: Shell,
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let stored = state
        .services()
        .store
        .user(user.actor.user.id)
        .await?
        .ok_or(WebError::NotFound)?;
    let partial = AccountPartial {
        tr,
        notice,
        full_name: stored.user.full_name,
        username: stored.user.username,
        role: role_label(tr, stored.user.role),
        email: stored.email.unwrap_or_default(),
        errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("account-title"))?;
    Ok((status, response).into_response())
}

/// `GET /akun/sandi`: the account and the password form.
pub(crate) async fn view_akun_sandi_get(
    shell: Shell,
    user: CurrentUser,
    State(state): State<AppState>,
    Query(query): Query<AccountQuery>,
) -> Result<Response, WebError> {
    let notice = (query.ok.as_deref() == Some("password-changed"))
        .then(|| shell.tr.t("account-notice-password-changed"));
    render(
        shell,
        &state,
        &user,
        StatusCode::OK,
        FormErrors::new(),
        notice,
    )
    .await
}

/// `POST /akun/sandi`: changes the password when the current one is right and the new one
/// meets the rules and was typed the same twice; otherwise the form comes back (empty: a
/// password is never sent back) with what is wrong, and nothing changes.
pub(crate) async fn view_akun_sandi_post(
    shell: Shell,
    user: CurrentUser,
    session: Session,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let current = data.raw("current_password");
    let new = data.raw("new_password");
    let again = data.raw("new_password_again");
    let mut errors = FormErrors::new();
    let stored = services
        .store
        .user(user.actor.user.id)
        .await?
        .ok_or(WebError::NotFound)?;
    let now = services.clock.now();
    let username = stored.user.username.clone();
    // Wrong current passwords count toward the same failed sign-in limit as the sign-in
    // page: a left-open session must not become a way to guess the password.
    let source = user.audit_source();
    let client = auth::client_key(&source.address);
    let since = now - auth::FAILURE_WINDOW;
    let failures = services
        .store
        .failed_logins_since(&username, &client, since)
        .await?;
    let from_client = services.store.failed_logins_from(&client, since).await?;
    if current.is_empty() {
        errors.field("current_password", tr.t("admin-error-required"));
    } else if let Some(wait) = auth::wait_before_trying(&failures, &from_client, now) {
        errors.field(
            "current_password",
            pelihara_i18n::t_args(
                tr.lang(),
                "auth-locked",
                // Whole minutes, far below where f64 stops being exact.
                &[(
                    "minutes",
                    pelihara_i18n::num(auth::minutes_to_wait(wait) as f64),
                )],
            ),
        );
    } else if current.len() > 1024
        || !verify_password(stored.password_hash.clone(), current.clone()).await?
    {
        services
            .store
            .record_failed_login(
                &username,
                &client,
                serde_json::json!({ "username": username, "reason": "password_change" }),
                &source,
                now,
            )
            .await?;
        errors.field("current_password", tr.t("account-error-current-wrong"));
    }
    check_password(tr, &new, "new_password", &mut errors);
    if errors.of("new_password").is_none() {
        if new != again {
            errors.field("new_password_again", tr.t("account-error-mismatch"));
        } else if new == current {
            errors.field("new_password", tr.t("account-error-same"));
        }
    }
    if !errors.is_empty() {
        return render(
            shell,
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
        .await;
    }
    let hash = hash_password(new).await?;
    services
        .store
        .set_password(stored.user.id, &hash, true, &user.audit_source(), now)
        .await?;
    // Every session ended with the change (whoever knew the old password is out); this
    // browser, which just proved it knows the password, goes on under a new session id.
    auth::start_session(&session, stored.user.id).await?;
    Ok(Redirect::to(&format!("{PATH}?ok=password-changed")).into_response())
}
