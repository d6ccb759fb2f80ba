//! The second step of signing in (`/masuk/kode`): after a right password, a user with TOTP
//! types a current code from their authenticator app, or one of their recovery codes; a user
//! whose role needs TOTP and has none enrols first (`/masuk/atur-kode`) and is shown their
//! recovery codes once. Until then the session is not signed in. The wait is bound to the
//! session, ends after [`auth::PENDING_FOR`] or [`auth::MAX_CODE_ATTEMPTS`] wrong codes, and
//! every wrong code counts toward the failed sign-in limits like a wrong password. A code is
//! accepted once (the store keeps the last time step used), a recovery code once. Also the
//! pieces the account page shares: the enrolment box (QR code and secret) and the recovery
//! codes' list. It must never log or show a secret except while enrolling, nor keep a code.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use pelihara_domain::UserId;
use pelihara_store::AuditSource;
use pelihara_store::people::StoredUser;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{self, ClientAddress, PendingSignIn};
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::pages::sign_in::destination;
use crate::shell::Shell;
use crate::state::{AppState, Services};
use crate::totp;

/// The issuer authenticator apps list the account under.
pub(crate) const ISSUER: &str = "Pelihara";

/// The QR code and the secret of an authenticator being enrolled.
pub(crate) struct EnrolBox {
    /// An inline SVG (from `pelihara_documents::qr_svg`: only shapes, no text from the user).
    pub qr: String,
    /// The secret in groups of four, for typing it in by hand.
    pub secret: String,
    /// The account name the app will show.
    pub account: String,
}

impl EnrolBox {
    pub fn new(username: &str, secret: &str) -> Result<EnrolBox, WebError> {
        let uri = totp::otpauth_uri(ISSUER, username, secret);
        let svg = pelihara_documents::qr_svg(&uri)
            .map_err(|error| WebError::internal(error.to_string()))?;
        // The XML declaration has no place inside HTML.
        let qr = match svg.find("<svg") {
            Some(start) => svg[start..].to_owned(),
            None => svg,
        };
        Ok(EnrolBox {
            qr,
            secret: totp::grouped(secret),
            account: format!("{ISSUER}: {username}"),
        })
    }
}

/// New recovery codes: as shown (once) and as stored (hashes).
pub(crate) fn new_recovery_codes(user: UserId) -> (Vec<String>, Vec<String>) {
    let codes = totp::new_recovery_codes();
    let hashes = codes
        .iter()
        .filter_map(|code| totp::parse_recovery_code(code))
        .map(|code| totp::recovery_code_hash(user, &code))
        .collect();
    (codes, hashes)
}

/// The code form, the enrolment form, or the recovery codes after enrolling.
#[derive(Template)]
#[template(path = "two_factor_partial.html")]
struct TwoFactorPartial {
    tr: Tr,
    /// `code`, `enrol` or `codes`.
    mode: &'static str,
    enrol: Option<EnrolBox>,
    codes: Vec<String>,
    /// Where "Continue" leads after the codes.
    next: String,
    errors: FormErrors,
}

fn render(
    shell: Shell,
    status: StatusCode,
    partial: TwoFactorPartial,
) -> Result<Response, WebError> {
    let response = page_or_partial(shell, partial, |tr, _| tr.t("totp-sign-in-title"))?;
    Ok((status, response).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Why the second step cannot go on: back to the password, saying why.
fn back_to_password(reason: &str) -> Response {
    Redirect::to(&format!("/masuk?langkah={reason}")).into_response()
}

/// The waiting sign-in of this session and its user, if it is still open at `now` and the user
/// may still sign in; otherwise the answer that sends the browser back to the password (the
/// wait forgotten).
async fn open_pending(
    session: &Session,
    services: &Services,
    now: DateTime<Utc>,
    enrol: bool,
) -> Result<Result<(PendingSignIn, StoredUser), Response>, WebError> {
    let Some(pending) = auth::pending(session).await? else {
        return Ok(Err(Redirect::to("/masuk").into_response()));
    };
    if !pending.open_at(now) {
        auth::clear_pending(session).await?;
        return Ok(Err(back_to_password("habis")));
    }
    if pending.enrol != enrol {
        let path = if pending.enrol {
            "/masuk/atur-kode"
        } else {
            "/masuk/kode"
        };
        return Ok(Err(Redirect::to(path).into_response()));
    }
    match services.store.user(pending.user_id).await? {
        Some(user)
            if user.may_sign_in()
                && auth::password_seal(&user.password_hash) == pending.password_seal =>
        {
            Ok(Ok((pending, user)))
        }
        _ => {
            auth::clear_pending(session).await?;
            Ok(Err(Redirect::to("/masuk").into_response()))
        }
    }
}

fn source_of(user: &StoredUser, address: &str) -> AuditSource {
    AuditSource {
        actor_id: Some(user.user.id),
        actor_name: user.user.full_name.clone(),
        address: address.to_owned(),
    }
}

/// `GET /masuk/kode`: the code form.
pub(crate) async fn view_masuk_kode_get(
    shell: Shell,
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, WebError> {
    let now = state.services().clock.now();
    if let Err(away) = open_pending(&session, state.services(), now, false).await? {
        return Ok(away);
    }
    let partial = TwoFactorPartial {
        tr: shell.tr,
        mode: "code",
        enrol: None,
        codes: Vec::new(),
        next: String::new(),
        errors: FormErrors::new(),
    };
    render(shell, StatusCode::OK, partial)
}

/// `GET /masuk/atur-kode`: the enrolment a role that needs TOTP asks for.
pub(crate) async fn view_masuk_atur_kode_get(
    shell: Shell,
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, WebError> {
    let now = state.services().clock.now();
    let (pending, user) = match open_pending(&session, state.services(), now, true).await? {
        Ok(open) => open,
        Err(away) => return Ok(away),
    };
    let secret = pending.secret.clone().unwrap_or_default();
    let partial = TwoFactorPartial {
        tr: shell.tr,
        mode: "enrol",
        enrol: Some(EnrolBox::new(&user.user.username, &secret)?),
        codes: Vec::new(),
        next: String::new(),
        errors: FormErrors::new(),
    };
    render(shell, StatusCode::OK, partial)
}

/// What a typed second step proved.
enum Proof {
    /// A code of this time step, not used before.
    Code,
    /// One of the user's recovery codes, now spent.
    RecoveryCode,
    /// A right code of a time step already used (or older than the last one used).
    Reused,
    Wrong,
}

/// Checks a typed code (or recovery code, when `recovery` allows it) of `user` at `now`, and
/// spends what it proves: the time step, or the recovery code (with its audit event).
async fn prove(
    services: &Services,
    user: &StoredUser,
    typed: &str,
    recovery: bool,
    source: &AuditSource,
    now: DateTime<Utc>,
) -> Result<Proof, WebError> {
    let store = &services.store;
    let Some(stored) = store.totp(user.user.id).await? else {
        return Ok(Proof::Wrong);
    };
    if let Some(code) = totp::parse_code(typed) {
        return Ok(
            match totp::matching_step(&stored.secret, code, now.timestamp()) {
                Some(step) if store.accept_totp_step(user.user.id, step).await? => Proof::Code,
                Some(_) => Proof::Reused,
                None => Proof::Wrong,
            },
        );
    }
    if recovery && let Some(code) = totp::parse_recovery_code(typed) {
        let hash = totp::recovery_code_hash(user.user.id, &code);
        if store
            .use_recovery_code(user.user.id, &hash, source, now)
            .await?
        {
            return Ok(Proof::RecoveryCode);
        }
    }
    Ok(Proof::Wrong)
}

/// One try at the second step: who, from where, on which session, when.
struct Attempt<'a> {
    services: &'a Services,
    session: &'a Session,
    user: &'a StoredUser,
    address: &'a str,
    now: DateTime<Utc>,
}

/// A wrong second step: counted toward the failed sign-in limits and against this wait; the
/// form again, or back to the password when the wait has had its tries, or the lock.
async fn refuse(
    shell: Shell,
    attempt: &Attempt<'_>,
    mut pending: PendingSignIn,
    reason: &str,
) -> Result<Response, WebError> {
    let Attempt {
        services,
        session,
        user,
        address,
        now,
    } = *attempt;
    let tr = shell.tr;
    let username = user.user.username.clone();
    let client = auth::client_key(address);
    let guest = AuditSource {
        actor_id: None,
        actor_name: "tamu".to_owned(),
        address: address.to_owned(),
    };
    services
        .store
        .record_failed_login(
            &username,
            &client,
            serde_json::json!({ "username": username, "reason": reason }),
            &guest,
            now,
        )
        .await?;
    pending.attempts += 1;
    if pending.attempts >= auth::MAX_CODE_ATTEMPTS {
        auth::clear_pending(session).await?;
        return Ok(back_to_password("coba"));
    }
    auth::save_pending(session, &pending).await?;
    if let Some(response) = lock_answer(&shell, services, &username, &client, now).await? {
        return Ok(response);
    }
    let mut errors = FormErrors::new();
    let message = if reason == "code_reused" {
        "totp-error-reused"
    } else {
        "totp-error-wrong"
    };
    errors.field("code", tr.t(message));
    let enrol = match &pending.secret {
        Some(secret) if pending.enrol => Some(EnrolBox::new(&username, secret)?),
        _ => None,
    };
    let partial = TwoFactorPartial {
        tr,
        mode: if pending.enrol { "enrol" } else { "code" },
        enrol,
        codes: Vec::new(),
        next: String::new(),
        errors,
    };
    render(shell, StatusCode::UNAUTHORIZED, partial)
}

/// The 429 answer when the failed sign-in limits of this account from this client are reached.
async fn lock_answer(
    shell: &Shell,
    services: &Services,
    username: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Option<Response>, WebError> {
    let since = now - auth::FAILURE_WINDOW;
    let failures = services
        .store
        .failed_logins_since(username, client, since)
        .await?;
    let from_client = services.store.failed_logins_from(client, since).await?;
    let Some(wait) = auth::wait_before_trying(&failures, &from_client, now) else {
        return Ok(None);
    };
    let minutes = auth::minutes_to_wait(wait);
    let mut errors = FormErrors::new();
    errors.form(pelihara_i18n::t_args(
        shell.tr.lang(),
        "auth-locked",
        // Whole minutes, far below where f64 stops being exact.
        &[("minutes", pelihara_i18n::num(minutes as f64))],
    ));
    let partial = TwoFactorPartial {
        tr: shell.tr,
        mode: "locked",
        enrol: None,
        codes: Vec::new(),
        next: String::new(),
        errors,
    };
    let mut response = render(shell.clone(), StatusCode::TOO_MANY_REQUESTS, partial)?;
    if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(Some(response))
}

/// The form again with a field message, nothing counted (nothing was typed).
fn empty_code(shell: Shell, enrol: Option<EnrolBox>) -> Result<Response, WebError> {
    let mut errors = FormErrors::new();
    errors.field("code", shell.tr.t("totp-error-required"));
    let partial = TwoFactorPartial {
        tr: shell.tr,
        mode: if enrol.is_some() { "enrol" } else { "code" },
        enrol,
        codes: Vec::new(),
        next: String::new(),
        errors,
    };
    render(shell, StatusCode::UNPROCESSABLE_ENTITY, partial)
}

/// `POST /masuk/kode`: a code or a recovery code; signs in when it proves the account.
pub(crate) async fn view_masuk_kode_post(
    shell: Shell,
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let services = state.services();
    let now = services.clock.now();
    let (pending, user) = match open_pending(&session, services, now, false).await? {
        Ok(open) => open,
        Err(away) => return Ok(away),
    };
    let typed: String = form.code.chars().take(64).collect();
    if typed.trim().is_empty() {
        return empty_code(shell, None);
    }
    let username = user.user.username.clone();
    let client = auth::client_key(&address);
    if let Some(locked) = lock_answer(&shell, services, &username, &client, now).await? {
        return Ok(locked);
    }
    let source = source_of(&user, &address);
    let attempt = Attempt {
        services,
        session: &session,
        user: &user,
        address: &address,
        now,
    };
    let factor = match prove(services, &user, &typed, true, &source, now).await? {
        Proof::Code => "totp",
        Proof::RecoveryCode => "recovery_code",
        Proof::Reused => return refuse(shell, &attempt, pending, "code_reused").await,
        Proof::Wrong => return refuse(shell, &attempt, pending, "wrong_code").await,
    };
    auth::start_session(&session, user.user.id).await?;
    services
        .store
        .record_second_factor_sign_in(&username, &client, factor, &source, now)
        .await?;
    Ok(Redirect::to(&destination(&pending.next, user.user.role)).into_response())
}

/// `POST /masuk/atur-kode`: the first code of the new authenticator; enables TOTP, signs in
/// and shows the recovery codes once.
pub(crate) async fn view_masuk_atur_kode_post(
    shell: Shell,
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let services = state.services();
    let now = services.clock.now();
    let (pending, user) = match open_pending(&session, services, now, true).await? {
        Ok(open) => open,
        Err(away) => return Ok(away),
    };
    let secret = pending.secret.clone().unwrap_or_default();
    let typed: String = form.code.chars().take(64).collect();
    if typed.trim().is_empty() {
        return empty_code(shell, Some(EnrolBox::new(&user.user.username, &secret)?));
    }
    let username = user.user.username.clone();
    let client = auth::client_key(&address);
    if let Some(locked) = lock_answer(&shell, services, &username, &client, now).await? {
        return Ok(locked);
    }
    let step = totp::parse_code(&typed)
        .and_then(|code| totp::matching_step(&secret, code, now.timestamp()));
    let Some(step) = step else {
        let attempt = Attempt {
            services,
            session: &session,
            user: &user,
            address: &address,
            now,
        };
        return refuse(shell, &attempt, pending, "wrong_code").await;
    };
    let source = source_of(&user, &address);
    let (codes, hashes) = new_recovery_codes(user.user.id);
    if !services
        .store
        .enable_totp(user.user.id, &secret, step, &hashes, &source, now)
        .await?
    {
        // Enrolled meanwhile (another browser): the code form asks for that authenticator.
        auth::save_pending(
            &session,
            &PendingSignIn {
                enrol: false,
                secret: None,
                ..pending
            },
        )
        .await?;
        return Ok(Redirect::to("/masuk/kode").into_response());
    }
    auth::start_session(&session, user.user.id).await?;
    services
        .store
        .record_second_factor_sign_in(&username, &client, "totp_enrolled", &source, now)
        .await?;
    // The request came in signed out; the codes are shown to someone now signed in, under the
    // header of their account.
    let mut shell = shell;
    if let Some(actor) = services.store.actor(user.user.id).await? {
        let current = crate::auth::CurrentUser {
            actor,
            address: address.clone(),
        };
        shell.show_user(&current, &state);
    }
    let partial = TwoFactorPartial {
        tr: shell.tr,
        mode: "codes",
        enrol: None,
        codes,
        next: destination(&pending.next, user.user.role),
        errors: FormErrors::new(),
    };
    render(shell, StatusCode::OK, partial)
}

/// For the account page: checks a typed current code (no recovery code) of a signed-in
/// user who confirms a change with it, spending its time step.
pub(crate) async fn confirm_with_code(
    services: &Services,
    user: &StoredUser,
    typed: &str,
    source: &AuditSource,
    now: DateTime<Utc>,
) -> Result<bool, WebError> {
    Ok(matches!(
        prove(services, user, typed, false, source, now).await?,
        Proof::Code
    ))
}
