//! `/akun/dua-langkah`: two-factor sign-in on the user's own account. Turning it on: scan the
//! QR code (or type the secret) into an authenticator app and confirm with a current code;
//! only then is the secret stored, and ten recovery codes are shown, once. Once on: new
//! recovery codes, or turning it off, each confirmed with the password or a current code (a
//! wrong one counts toward the failed sign-in limits, as on the password form); turning it off
//! is refused while the user's role needs it. It must never show the secret of an
//! authenticator already enrolled, nor keep a recovery code in clear.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_store::people::StoredUser;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{self, CurrentUser, verify_password};
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::admin::FormData;
use crate::pages::page_or_partial;
use crate::pages::two_factor::{EnrolBox, confirm_with_code, new_recovery_codes};
use crate::shell::Shell;
use crate::state::AppState;
use crate::totp;

const PATH: &str = "/akun/dua-langkah";

/// The session key of the secret being enrolled on the account page (kept in the server-side
/// session until a code confirms it, so reloading the page shows the same QR code).
const ENROL_SECRET_KEY: &str = "totp_enrol_secret";

#[derive(Template)]
#[template(path = "account_totp_partial.html")]
struct TotpPartial {
    tr: Tr,
    notice: Option<String>,
    /// TOTP is on.
    enabled: bool,
    /// The user's role needs it (it cannot be turned off).
    required: bool,
    /// When it was turned on, as the office reads dates.
    enabled_since: String,
    unused_codes: i64,
    /// While off: the authenticator to enrol.
    enrol: Option<EnrolBox>,
    /// Just made: the recovery codes, shown this once.
    codes: Vec<String>,
    errors: FormErrors,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TotpQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// What the page shows beyond the stored state.
#[derive(Default)]
struct Extra {
    notice: Option<String>,
    codes: Vec<String>,
    errors: FormErrors,
}

async fn render(
    shell: Shell,
    state: &AppState,
    session: &Session,
    user: &StoredUser,
    status: StatusCode,
    extra: Extra,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let store = &state.services().store;
    let stored = store.totp(user.user.id).await?;
    let required = store.totp_required_roles().await?.contains(&user.user.role);
    let enrol = match &stored {
        Some(_) => None,
        None => {
            let secret = match session
                .get::<String>(ENROL_SECRET_KEY)
                .await
                .map_err(WebError::internal)?
            {
                Some(secret) => secret,
                None => {
                    let secret = totp::new_secret();
                    session
                        .insert(ENROL_SECRET_KEY, &secret)
                        .await
                        .map_err(WebError::internal)?;
                    secret
                }
            };
            Some(EnrolBox::new(&user.user.username, &secret)?)
        }
    };
    let partial = TotpPartial {
        tr,
        notice: extra.notice,
        enabled: stored.is_some(),
        required,
        enabled_since: stored
            .as_ref()
            .map(|stored| {
                pelihara_i18n::format_datetime(
                    tr.lang(),
                    state.services().calendar.snapshot().time_zone,
                    stored.enabled_at,
                )
            })
            .unwrap_or_default(),
        unused_codes: store.unused_recovery_codes(user.user.id).await?,
        enrol,
        codes: extra.codes,
        errors: extra.errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("totp-account-title"))?;
    Ok((status, response).into_response())
}

async fn stored_user(state: &AppState, user: &CurrentUser) -> Result<StoredUser, WebError> {
    state
        .services()
        .store
        .user(user.actor.user.id)
        .await?
        .ok_or(WebError::NotFound)
}

/// `GET /akun/dua-langkah`.
pub(crate) async fn view_akun_dua_langkah_get(
    shell: Shell,
    user: CurrentUser,
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<TotpQuery>,
) -> Result<Response, WebError> {
    let notice = match query.ok.as_deref() {
        Some("disabled") => Some(shell.tr.t("totp-notice-disabled")),
        _ => None,
    };
    let stored = stored_user(&state, &user).await?;
    let extra = Extra {
        notice,
        ..Extra::default()
    };
    render(shell, &state, &session, &stored, StatusCode::OK, extra).await
}

/// `POST /akun/dua-langkah/aktifkan`: the first code of the authenticator being enrolled;
/// stores the secret and shows the recovery codes once.
pub(crate) async fn view_akun_dua_langkah_aktifkan_post(
    shell: Shell,
    user: CurrentUser,
    session: Session,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let now = services.clock.now();
    let stored = stored_user(&state, &user).await?;
    let secret = session
        .get::<String>(ENROL_SECRET_KEY)
        .await
        .map_err(WebError::internal)?;
    let Some(secret) = secret else {
        // Nothing being enrolled on this session (on already, or the page was not opened).
        return Ok(Redirect::to(PATH).into_response());
    };
    let typed = FormData(data).text("code");
    let step = totp::parse_code(&typed)
        .and_then(|code| totp::matching_step(&secret, code, now.timestamp()));
    let Some(step) = step else {
        let mut errors = FormErrors::new();
        let message = if typed.is_empty() {
            "totp-error-required"
        } else {
            "totp-error-enrol-wrong"
        };
        errors.field("code", tr.t(message));
        let extra = Extra {
            errors,
            ..Extra::default()
        };
        return render(
            shell,
            &state,
            &session,
            &stored,
            StatusCode::UNPROCESSABLE_ENTITY,
            extra,
        )
        .await;
    };
    let (codes, hashes) = new_recovery_codes(stored.user.id);
    let enabled = services
        .store
        .enable_totp(
            stored.user.id,
            &secret,
            step,
            &hashes,
            &user.audit_source(),
            now,
        )
        .await?;
    session
        .remove::<String>(ENROL_SECRET_KEY)
        .await
        .map_err(WebError::internal)?;
    let extra = Extra {
        notice: Some(tr.t(if enabled {
            "totp-notice-enabled"
        } else {
            "totp-notice-already"
        })),
        codes: if enabled { codes } else { Vec::new() },
        ..Extra::default()
    };
    render(shell, &state, &session, &stored, StatusCode::OK, extra).await
}

/// Why a change was not confirmed.
enum Unconfirmed {
    Empty,
    Wrong,
    /// The failed sign-in limit holds for this many more minutes.
    Locked(i64),
}

impl Unconfirmed {
    fn message(&self, tr: Tr) -> String {
        match self {
            Unconfirmed::Empty => tr.t("totp-error-confirm-required"),
            Unconfirmed::Wrong => tr.t("totp-error-confirm-wrong"),
            Unconfirmed::Locked(minutes) => pelihara_i18n::t_args(
                tr.lang(),
                "auth-locked",
                // Whole minutes, far below where f64 stops being exact.
                &[("minutes", pelihara_i18n::num(*minutes as f64))],
            ),
        }
    }
}

/// Checks the password or current code (six digits) a change is confirmed with. A wrong one
/// counts as a failed sign-in, so a session left open is no way to guess either.
async fn confirm(
    state: &AppState,
    user: &CurrentUser,
    stored: &StoredUser,
    typed: &str,
) -> Result<Result<(), Unconfirmed>, WebError> {
    if typed.is_empty() {
        return Ok(Err(Unconfirmed::Empty));
    }
    let services = state.services();
    let now = services.clock.now();
    let username = stored.user.username.clone();
    let source = user.audit_source();
    let client = auth::client_key(&source.address);
    let since = now - auth::FAILURE_WINDOW;
    let failures = services
        .store
        .failed_logins_since(&username, &client, since)
        .await?;
    let from_client = services.store.failed_logins_from(&client, since).await?;
    if let Some(wait) = auth::wait_before_trying(&failures, &from_client, now) {
        return Ok(Err(Unconfirmed::Locked(auth::minutes_to_wait(wait))));
    }
    let confirmed = if totp::parse_code(typed).is_some() {
        confirm_with_code(services, stored, typed, &source, now).await?
    } else {
        typed.len() <= auth::PASSWORD_MAX
            && verify_password(stored.password_hash.clone(), typed.to_owned()).await?
    };
    if confirmed {
        return Ok(Ok(()));
    }
    services
        .store
        .record_failed_login(
            &username,
            &client,
            serde_json::json!({ "username": username, "reason": "totp_confirm" }),
            &source,
            now,
        )
        .await?;
    Ok(Err(Unconfirmed::Wrong))
}

/// `POST /akun/dua-langkah/kode-pemulihan`: new recovery codes (the old ones stop working),
/// confirmed with the password or a current code; shown once.
pub(crate) async fn view_akun_dua_langkah_kode_pemulihan_post(
    shell: Shell,
    user: CurrentUser,
    session: Session,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let stored = stored_user(&state, &user).await?;
    let typed = FormData(data).raw("confirm");
    if let Err(unconfirmed) = confirm(&state, &user, &stored, &typed).await? {
        let mut errors = FormErrors::new();
        errors.field("confirm-codes", unconfirmed.message(tr));
        let extra = Extra {
            errors,
            ..Extra::default()
        };
        return render(
            shell,
            &state,
            &session,
            &stored,
            StatusCode::UNPROCESSABLE_ENTITY,
            extra,
        )
        .await;
    }
    let services = state.services();
    let (codes, hashes) = new_recovery_codes(stored.user.id);
    let replaced = services
        .store
        .replace_recovery_codes(
            stored.user.id,
            &hashes,
            &user.audit_source(),
            services.clock.now(),
        )
        .await?;
    if !replaced {
        return Ok(Redirect::to(PATH).into_response());
    }
    let extra = Extra {
        notice: Some(tr.t("totp-notice-codes")),
        codes,
        ..Extra::default()
    };
    render(shell, &state, &session, &stored, StatusCode::OK, extra).await
}

/// `POST /akun/dua-langkah/nonaktifkan`: turns TOTP off, confirmed with the password or a
/// current code; refused while the user's role needs it.
pub(crate) async fn view_akun_dua_langkah_nonaktifkan_post(
    shell: Shell,
    user: CurrentUser,
    session: Session,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let stored = stored_user(&state, &user).await?;
    let required = services
        .store
        .totp_required_roles()
        .await?
        .contains(&stored.user.role);
    let typed = FormData(data).raw("confirm");
    let error = if required {
        Some(tr.t("totp-error-required-by-role"))
    } else {
        confirm(&state, &user, &stored, &typed)
            .await?
            .err()
            .map(|unconfirmed| unconfirmed.message(tr))
    };
    if let Some(message) = error {
        let mut errors = FormErrors::new();
        errors.field("confirm-disable", message);
        let extra = Extra {
            errors,
            ..Extra::default()
        };
        return render(
            shell,
            &state,
            &session,
            &stored,
            StatusCode::UNPROCESSABLE_ENTITY,
            extra,
        )
        .await;
    }
    services
        .store
        .disable_totp(stored.user.id, &user.audit_source(), services.clock.now())
        .await?;
    Ok(Redirect::to(&format!("{PATH}?ok=disabled")).into_response())
}
