//! `/lupa-sandi` ("Lupa kata sandi"): asking for a password-recovery link by username or
//! email, and `/lupa-sandi/atur?token=` where the link sets a new password; `/undangan?token=`
//! is the same form behind an imported user's invitation (`pages/admin/people.rs`), for their
//! first password. It must never say
//! whether an account exists (every request gets the same answer, and the mail goes out in the
//! background, so the time does not tell either), never keep a token or a password in clear
//! (the store gets their SHA-256 and argon2 hashes), and never send more than a few links to
//! one account or take more than a few requests from one network.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use pelihara_store::AuditSource;
use pelihara_store::people::StoredUser;
use pelihara_store::recovery::{LinkKind, ResetLink};
use serde::Deserialize;

use crate::auth::{self, ClientAddress, PASSWORD_MIN, check_password, new_token, token_hash};
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// How long a link works.
pub const LINK_VALID: Duration = Duration::minutes(30);
/// At most this many links per account within [`ACCOUNT_WINDOW`]: nobody can fill someone's
/// mailbox by asking for them.
pub const ACCOUNT_LIMIT: i64 = 3;
pub const ACCOUNT_WINDOW: Duration = Duration::hours(1);
/// At most this many requests of the form per client (IPv4 address or IPv6 /64) within
/// [`CLIENT_WINDOW`], whether the account exists or not.
pub const CLIENT_LIMIT: usize = 10;
pub const CLIENT_WINDOW: Duration = Duration::minutes(15);
/// The kind of `throttle_events` row a request records.
const REQUEST_KIND: &str = "password-reset";
/// Longer input is not looked up (an email address has at most 254 characters).
const IDENTIFIER_MAX: usize = 254;
/// At most this many accounts get a link for one email address (people may share one).
const ACCOUNTS_PER_EMAIL: i64 = 5;
/// A link's token: 32 random bytes as 64 hex digits. Longer text is no token.
const TOKEN_LEN: usize = 64;

/// Both steps share one template: `ask` (the request form), `sent` (the one answer),
/// `unavailable` (no mail server), `set` (the new-password form), `bad_link`.
#[derive(Template)]
#[template(path = "recovery_partial.html")]
struct RecoveryPartial {
    tr: Tr,
    step: &'static str,
    identifier: String,
    errors: FormErrors,
    message: String,
    token: String,
    username: String,
    password_help: String,
    /// Which link the `set` and `bad_link` steps serve: `reset` or `invitation`.
    kind: &'static str,
}

fn partial(tr: Tr, step: &'static str) -> RecoveryPartial {
    RecoveryPartial {
        tr,
        step,
        identifier: String::new(),
        errors: FormErrors::new(),
        message: String::new(),
        token: String::new(),
        username: String::new(),
        password_help: tr.t1("recovery-password-help", "min", PASSWORD_MIN),
        kind: LinkKind::Reset.code(),
    }
}

fn respond(
    shell: Shell,
    status: StatusCode,
    partial: RecoveryPartial,
) -> Result<Response, WebError> {
    let mut response = page_or_partial(shell, partial, |_, _| String::new())?;
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /lupa-sandi`: the form, or where to turn when this server sends no mail.
pub(crate) async fn view_lupa_sandi_get(
    State(state): State<AppState>,
    shell: Shell,
) -> Result<Response, WebError> {
    let step = if state.mailer().is_some() {
        "ask"
    } else {
        "unavailable"
    };
    let tr = shell.tr;
    respond(shell, StatusCode::OK, partial(tr, step))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AskForm {
    #[serde(default)]
    identifier: String,
}

/// `POST /lupa-sandi`: the same answer for every account, known or not; a link to each
/// matching active account with an email, within the limits.
pub(crate) async fn view_lupa_sandi_post(
    State(state): State<AppState>,
    shell: Shell,
    ClientAddress(address): ClientAddress,
    Form(form): Form<AskForm>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let Some(mailer) = state.mailer().cloned() else {
        return respond(shell, StatusCode::OK, partial(tr, "unavailable"));
    };
    let identifier: String = form
        .identifier
        .trim()
        .chars()
        .take(IDENTIFIER_MAX + 1)
        .collect();
    if identifier.is_empty() {
        let mut page = partial(tr, "ask");
        page.errors
            .field("identifier", tr.t("recovery-identifier-required"));
        return respond(shell, StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let services = state.services();
    let store = &services.store;
    let now = services.clock.now();
    let client = auth::network_key(&address);
    let recent = store
        .throttle_events_since(
            REQUEST_KIND,
            &client,
            now - CLIENT_WINDOW,
            CLIENT_LIMIT as i64,
        )
        .await?;
    if let Some(wait) = auth::throttled_for(&recent, CLIENT_LIMIT, CLIENT_WINDOW, now) {
        let minutes = auth::minutes_to_wait(wait);
        let mut page = partial(tr, "ask");
        page.identifier = identifier;
        page.errors.form(pelihara_i18n::t_args(
            tr.lang(),
            "recovery-limited",
            &[("minutes", pelihara_i18n::num(minutes as f64))],
        ));
        let mut response = respond(shell, StatusCode::TOO_MANY_REQUESTS, page)?;
        if let Ok(value) = HeaderValue::from_str(&(wait.num_seconds().max(1)).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    store
        .record_throttle_event(REQUEST_KIND, &client, now, now - auth::THROTTLE_RETENTION)
        .await?;

    let accounts: Vec<StoredUser> = if identifier.chars().count() > IDENTIFIER_MAX {
        Vec::new()
    } else if identifier.contains('@') {
        store
            .users_by_email(&identifier, ACCOUNTS_PER_EMAIL)
            .await?
    } else {
        store
            .user_by_username(&identifier)
            .await?
            .into_iter()
            .collect()
    };
    let base = state
        .config()
        .public_base_url
        .trim()
        .trim_end_matches('/')
        .to_owned();
    for account in accounts {
        let Some(email) = account
            .email
            .clone()
            .filter(|email| !email.trim().is_empty())
        else {
            continue;
        };
        if !account.may_sign_in() {
            continue;
        }
        let id = account.user.id;
        if store
            .password_resets_since(id, now - ACCOUNT_WINDOW)
            .await?
            >= ACCOUNT_LIMIT
        {
            tracing::info!(user_id = %id, "password recovery: account limit reached, no mail");
            continue;
        }
        let token = new_token();
        let guest = AuditSource {
            actor_id: None,
            actor_name: "tamu".to_owned(),
            address: address.clone(),
        };
        store
            .create_password_reset(id, &token_hash(&token), now + LINK_VALID, &guest, now)
            .await?;
        let link = format!("{base}/lupa-sandi/atur?token={token}");
        let mail = pelihara_notify::password_reset_mail(
            tr.lang(),
            &account.user.full_name,
            &link,
            LINK_VALID.num_minutes(),
        );
        let mailer = mailer.clone();
        let name = account.user.full_name.clone();
        let key = format!("reset-{}", &token_hash(&token)[..16]);
        // In the background: waiting for the mail server would tell, by the time the answer
        // takes, that the account exists. A failure is logged; the person may ask again.
        tokio::spawn(async move {
            if let Err(error) = mailer.send_composed(&name, &email, &mail, &key).await {
                tracing::warn!(user_id = %id, %error, "password recovery mail not sent");
            }
        });
    }
    let mut page = partial(tr, "sent");
    page.message = tr.t1("recovery-sent", "minutes", LINK_VALID.num_minutes());
    respond(shell, StatusCode::OK, page)
}

#[derive(Debug, Deserialize)]
pub(crate) struct LinkQuery {
    #[serde(default)]
    token: String,
}

/// A token as sent back: 64 lowercase hex digits, else nothing to look up.
pub(crate) fn well_formed(token: &str) -> Option<&str> {
    let token = token.trim();
    (token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(token)
}

async fn link_worth(state: &AppState, kind: LinkKind, token: &str) -> Result<ResetLink, WebError> {
    let Some(token) = well_formed(token) else {
        return Ok(ResetLink::Unknown);
    };
    let now = state.services().clock.now();
    Ok(state
        .services()
        .store
        .password_link(kind, &token_hash(token), now)
        .await?)
}

/// The page for a link that cannot set a password: why (410 for a used or expired one), and
/// the way to a new one.
fn bad_link(shell: Shell, kind: LinkKind, link: ResetLink) -> Result<Response, WebError> {
    let tr = shell.tr;
    let prefix = match kind {
        LinkKind::Reset => "recovery",
        LinkKind::Invitation => "invitation",
    };
    let (why, status) = match link {
        ResetLink::Expired => ("expired", StatusCode::GONE),
        ResetLink::Spent => ("spent", StatusCode::GONE),
        _ => ("unknown", StatusCode::NOT_FOUND),
    };
    let mut page = partial(tr, "bad_link");
    page.kind = kind.code();
    page.message = tr.t(&format!("{prefix}-{why}"));
    respond(shell, status, page)
}

async fn set_form(
    state: &AppState,
    shell: Shell,
    status: StatusCode,
    kind: LinkKind,
    token: &str,
    user: pelihara_domain::UserId,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let username = state
        .services()
        .store
        .user(user)
        .await?
        .map(|stored| stored.user.username)
        .unwrap_or_default();
    let mut page = partial(tr, "set");
    page.kind = kind.code();
    page.token = token.to_owned();
    page.username = username;
    page.errors = errors;
    respond(shell, status, page)
}

/// `GET /lupa-sandi/atur?token=`: the new-password form for a valid link; why not otherwise.
pub(crate) async fn view_lupa_sandi_atur_get(
    State(state): State<AppState>,
    shell: Shell,
    Query(query): Query<LinkQuery>,
) -> Result<Response, WebError> {
    link_get(&state, shell, LinkKind::Reset, &query.token).await
}

/// `GET /undangan?token=`: an imported user's invitation, the same form for a first password.
pub(crate) async fn view_undangan_get(
    State(state): State<AppState>,
    shell: Shell,
    Query(query): Query<LinkQuery>,
) -> Result<Response, WebError> {
    link_get(&state, shell, LinkKind::Invitation, &query.token).await
}

async fn link_get(
    state: &AppState,
    shell: Shell,
    kind: LinkKind,
    token: &str,
) -> Result<Response, WebError> {
    match link_worth(state, kind, token).await? {
        ResetLink::Valid(user) => {
            let token = token.trim().to_owned();
            set_form(
                state,
                shell,
                StatusCode::OK,
                kind,
                &token,
                user,
                FormErrors::new(),
            )
            .await
        }
        other => bad_link(shell, kind, other),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

/// `POST /lupa-sandi/atur`: sets the password when the link is still valid and the password
/// meets the rules; ends every session of the account in the same transaction; then on to
/// the sign-in page.
pub(crate) async fn view_lupa_sandi_atur_post(
    State(state): State<AppState>,
    shell: Shell,
    ClientAddress(address): ClientAddress,
    Form(form): Form<SetForm>,
) -> Result<Response, WebError> {
    link_post(&state, shell, LinkKind::Reset, address, form).await
}

/// `POST /undangan`: an invited user sets their first password, once.
pub(crate) async fn view_undangan_post(
    State(state): State<AppState>,
    shell: Shell,
    ClientAddress(address): ClientAddress,
    Form(form): Form<SetForm>,
) -> Result<Response, WebError> {
    link_post(&state, shell, LinkKind::Invitation, address, form).await
}

async fn link_post(
    state: &AppState,
    shell: Shell,
    kind: LinkKind,
    address: String,
    form: SetForm,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let user = match link_worth(state, kind, &form.token).await? {
        ResetLink::Valid(user) => user,
        other => return bad_link(shell, kind, other),
    };
    let token = form.token.trim().to_owned();
    let mut errors = FormErrors::new();
    check_password(tr, &form.new_password, "new_password", &mut errors);
    if errors.of("new_password").is_none() && form.new_password != form.new_password_again {
        errors.field("new_password_again", tr.t("account-error-mismatch"));
    }
    if !errors.is_empty() {
        return set_form(
            state,
            shell,
            StatusCode::UNPROCESSABLE_ENTITY,
            kind,
            &token,
            user,
            errors,
        )
        .await;
    }
    let hash = auth::hash_password(form.new_password).await?;
    let services = state.services();
    let stored = services.store.user(user).await?;
    let source = AuditSource {
        actor_id: Some(user),
        actor_name: stored
            .map(|stored| stored.user.full_name)
            .unwrap_or_default(),
        address,
    };
    let now = services.clock.now();
    match services
        .store
        .set_password_by_link(kind, &token_hash(&token), &hash, &source, now)
        .await?
    {
        ResetLink::Valid(_) => Ok(Redirect::to("/masuk?sandi=1").into_response()),
        other => bad_link(shell, kind, other),
    }
}
