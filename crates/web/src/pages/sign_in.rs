//! `/masuk` (sign in) and `/keluar` (sign out). Sign-in checks the failed-login limit first,
//! then the password (argon2, off the async threads), records the outcome as an audit event
//! and starts a fresh session, or, for a user with TOTP or whose role needs it, the second
//! step (`pages/two_factor.rs`) on a fresh session that is not signed in yet. It must never say which of username and password was wrong,
//! never redirect outside this site, and never keep a password past the request.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::Role;
use pelihara_store::AuditSource;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{self, ClientAddress, CurrentUser};
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::lang::local_path;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// Longer usernames are not looked up (and not stored whole in the audit trail).
const USERNAME_MAX: usize = 64;
/// Longer passwords are refused before hashing, so a huge one cannot tie up a thread.

#[derive(Template)]
#[template(path = "sign_in_partial.html")]
struct SignInPartial {
    tr: Tr,
    username: String,
    next: String,
    errors: FormErrors,
    /// Shown above the form: "you have signed out".
    notice: Option<String>,
    lang_links: Vec<(String, String, bool)>,
    /// The single sign-on button's text ("Masuk dengan SSO"), when a provider is configured.
    sso: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignInQuery {
    #[serde(default)]
    next: Option<String>,
    /// Set by the sign-out redirect, to say so.
    #[serde(default)]
    keluar: Option<String>,
    /// Set after a password was set through a recovery link, to say so.
    #[serde(default)]
    sandi: Option<String>,
    /// Set after the setup created the first administrator, to say so.
    #[serde(default)]
    siap: Option<String>,
    /// Set when a second step ended unfinished: `habis` (too slow), `coba` (too many codes).
    #[serde(default)]
    langkah: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Where to go after signing in: `next` when it is a page of this site (not the sign-in
/// page itself), otherwise the user's home: the admin pages for admins, the inbox for others.
pub(crate) fn destination(next: &str, role: Role) -> String {
    let next = local_path(next.trim());
    let path = next.split(['?', '#']).next().unwrap_or_default();
    if next != "/" && path != "/masuk" && path != "/keluar" {
        return next.to_owned();
    }
    match role {
        Role::Admin => "/admin/pengguna".to_owned(),
        _ => "/tugas".to_owned(),
    }
}

/// The text of the single sign-on button, when a provider is configured: its display name, or
/// "SSO".
pub(crate) fn sso_label(state: &AppState, tr: Tr) -> Option<String> {
    let sso = state.sso()?;
    let name = sso.display_name().unwrap_or("SSO");
    Some(pelihara_i18n::t_args(
        tr.lang(),
        "sso-sign-in-with",
        &[("provider", pelihara_i18n::arg(name))],
    ))
}

/// The sign-in page with a form-wide message: how single sign-on's refusals are said.
pub(crate) fn refused(
    shell: Shell,
    state: &AppState,
    status: StatusCode,
    next: String,
    message: String,
) -> Result<Response, WebError> {
    let mut errors = FormErrors::new();
    errors.form(message);
    let sso = sso_label(state, shell.tr);
    render_form(shell, status, String::new(), next, errors, None, sso)
}

fn render_form(
    shell: Shell,
    status: StatusCode,
    username: String,
    next: String,
    errors: FormErrors,
    notice: Option<String>,
    sso: Option<String>,
) -> Result<Response, WebError> {
    let lang_links = [("id", "Bahasa Indonesia"), ("en", "English")]
        .into_iter()
        .map(|(code, name)| {
            (
                shell.lang_switch_url(code),
                name.to_owned(),
                shell.is_lang(code),
            )
        })
        .collect();
    let partial = SignInPartial {
        tr: shell.tr,
        username,
        next,
        errors,
        notice,
        lang_links,
        sso,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("auth-sign-in-title"))?;
    Ok((status, response).into_response())
}

/// `GET /masuk`: the sign-in form; a signed-in user goes straight on.
pub(crate) async fn view_sign_in_get(
    shell: Shell,
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(query): Query<SignInQuery>,
) -> Result<Response, WebError> {
    let next = query.next.unwrap_or_default();
    if let Some(user) = user {
        return Ok(Redirect::to(&destination(&next, user.role())).into_response());
    }
    let notice = match (&query.keluar, &query.sandi, &query.siap) {
        (Some(_), _, _) => Some(shell.tr.t("auth-signed-out")),
        (None, Some(_), _) => Some(shell.tr.t("auth-password-recovered")),
        (None, None, Some(_)) => Some(shell.tr.t("setup-done")),
        (None, None, None) => None,
    };
    // An unfinished second step is said as an error: the password must be typed again.
    let mut errors = FormErrors::new();
    match query.langkah.as_deref() {
        Some("habis") => errors.form(shell.tr.t("totp-pending-expired")),
        Some("coba") => errors.form(shell.tr.t("totp-pending-too-many")),
        _ => {}
    }
    let sso = sso_label(&state, shell.tr);
    render_form(
        shell,
        StatusCode::OK,
        String::new(),
        next,
        errors,
        notice,
        sso,
    )
}

/// `POST /masuk`: checks the limit, then the password; starts the session or says why not.
pub(crate) async fn view_sign_in_post(
    shell: Shell,
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let store = &services.store;
    let username: String = form
        .username
        .trim()
        .chars()
        .take(USERNAME_MAX + 1)
        .collect();
    let mut errors = FormErrors::new();
    if username.is_empty() {
        errors.field("username", tr.t("auth-username-required"));
    }
    if form.password.is_empty() {
        errors.field("password", tr.t("auth-password-required"));
    }
    if !errors.is_empty() {
        let sso = sso_label(&state, tr);
        return render_form(
            shell,
            StatusCode::UNPROCESSABLE_ENTITY,
            username,
            form.next,
            errors,
            None,
            sso,
        );
    }

    let now = services.clock.now();
    let guest = AuditSource {
        actor_id: None,
        actor_name: "tamu".to_owned(),
        address: address.clone(),
    };
    let client = auth::client_key(&address);
    let since = now - auth::FAILURE_WINDOW;
    let mut failures = store.failed_logins_since(&username, &client, since).await?;
    let mut from_client = store.failed_logins_from(&client, since).await?;
    if let Some(wait) = auth::wait_before_trying(&failures, &from_client, now) {
        store
            .record_event(
                &guest,
                "auth.sign_in_failed",
                serde_json::json!({ "username": username, "reason": "locked" }),
                now,
            )
            .await?;
        return locked(
            shell,
            &state,
            username,
            form.next,
            auth::minutes_to_wait(wait),
        );
    }

    let stored = if username.chars().count() > USERNAME_MAX {
        None
    } else {
        store.user_by_username(&username).await?
    };
    let password = if form.password.len() > auth::PASSWORD_MAX {
        String::new()
    } else {
        form.password
    };
    // Unknown users are checked against a decoy hash, so that they take as long to refuse.
    let hash = match &stored {
        Some(stored) => stored.password_hash.clone(),
        None => auth::decoy_hash().await?,
    };
    let matches = !password.is_empty() && auth::verify_password(hash, password).await?;

    match stored {
        // An operator of a deactivated OPD is refused like a disabled account.
        // With a provider configured and the policy so, office staff sign in through it; a
        // right password is refused (said only after it proved right, so it tells nothing).
        Some(stored)
            if matches
                && stored.may_sign_in()
                && stored.user.role != Role::OpdOperator
                && state.sso().is_some()
                && !store.sso_policy().await?.staff_password =>
        {
            store
                .record_event(
                    &guest,
                    "auth.sign_in_failed",
                    serde_json::json!({ "username": username, "reason": "password_off_for_staff" }),
                    now,
                )
                .await?;
            refused(
                shell,
                &state,
                StatusCode::FORBIDDEN,
                form.next,
                tr.t("sso-password-off"),
            )
        }
        Some(stored) if matches && stored.may_sign_in() => {
            // A second step follows for users with TOTP, and for users whose role needs it
            // (they enrol first); the session is not signed in until it is done.
            if let Some(enrol) = auth::second_step_needed(store, &stored).await? {
                return auth::begin_second_step(&session, &stored, enrol, form.next, now).await;
            }
            let source = AuditSource {
                actor_id: Some(stored.user.id),
                actor_name: stored.user.full_name.clone(),
                address,
            };
            auth::start_session(&session, stored.user.id).await?;
            store
                .record_sign_in(&username, &client, &source, now)
                .await?;
            sweep(&state, now).await;
            Ok(Redirect::to(&destination(&form.next, stored.user.role)).into_response())
        }
        stored => {
            let reason = match &stored {
                None => "unknown_user",
                Some(stored) if !stored.user.active => "disabled",
                Some(stored) if !stored.opd_active => "opd_inactive",
                Some(_) => "wrong_password",
            };
            store
                .record_failed_login(
                    &username,
                    &client,
                    serde_json::json!({ "username": username, "reason": reason }),
                    &guest,
                    now,
                )
                .await?;
            failures.push(now);
            from_client.push(now);
            if let Some(wait) = auth::wait_before_trying(&failures, &from_client, now) {
                return locked(
                    shell,
                    &state,
                    username,
                    form.next,
                    auth::minutes_to_wait(wait),
                );
            }
            let mut errors = FormErrors::new();
            errors.form(tr.t("auth-wrong-credentials"));
            let sso = sso_label(&state, tr);
            render_form(
                shell,
                StatusCode::UNAUTHORIZED,
                username,
                form.next,
                errors,
                None,
                sso,
            )
        }
    }
}

/// The answer while an account is refused: 429 with the minutes to wait.
fn locked(
    shell: Shell,
    state: &AppState,
    username: String,
    next: String,
    minutes: i64,
) -> Result<Response, WebError> {
    let mut errors = FormErrors::new();
    // A number, not text, so the English plural rule can pick "minute" or "minutes".
    errors.form(pelihara_i18n::t_args(
        shell.tr.lang(),
        "auth-locked",
        &[("minutes", pelihara_i18n::num(minutes as f64))],
    ));
    let sso = sso_label(state, shell.tr);
    let mut response = render_form(
        shell,
        StatusCode::TOO_MANY_REQUESTS,
        username,
        next,
        errors,
        None,
        sso,
    )?;
    if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(response)
}

/// Sign-ins are frequent enough to clean up after: expired sessions and failed attempts
/// that no longer count. A failure here is logged; it must not fail the sign-in.
async fn sweep(state: &AppState, now: chrono::DateTime<chrono::Utc>) {
    let store = &state.services().store;
    // Session expiry is stamped by tower-sessions from the system clock, not the pages'
    // `Clock` (which tests move), so expired sessions are judged by the system clock too.
    if let Err(error) = store
        .delete_expired_sessions(pelihara_store::Clock::system_now())
        .await
    {
        tracing::warn!(%error, "sweeping expired sessions");
    }
    if let Err(error) = store
        .delete_login_attempts_before(now - auth::FAILURE_WINDOW)
        .await
    {
        tracing::warn!(%error, "sweeping old failed sign-ins");
    }
}

/// `POST /keluar`: ends the session (deleted from the database, cookie removed).
pub(crate) async fn view_sign_out_post(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    session: Session,
) -> Result<Response, WebError> {
    if let Some(user) = user {
        state
            .services()
            .store
            .record_event(
                &user.audit_source(),
                "auth.sign_out",
                serde_json::json!({ "username": user.actor.user.username }),
                state.services().clock.now(),
            )
            .await?;
    }
    auth::end_session(&session).await?;
    Ok(Redirect::to("/masuk?keluar=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_on_to_local_pages_or_home() {
        let cases = [
            ("/permohonan/abc", Role::Staff, "/permohonan/abc"),
            ("", Role::Staff, "/tugas"),
            ("/", Role::OpdOperator, "/tugas"),
            ("", Role::Admin, "/admin/pengguna"),
            ("//evil.example/x", Role::Staff, "/tugas"),
            ("https://evil.example/", Role::Staff, "/tugas"),
            ("/masuk?next=/masuk", Role::Staff, "/tugas"),
            ("/keluar", Role::Auditor, "/tugas"),
        ];
        for (next, role, expected) in cases {
            assert_eq!(destination(next, role), expected, "{next}");
        }
    }
}
