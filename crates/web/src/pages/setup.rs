//! `/pasang?token=` ("Penyiapan"): the first run of an installation. While no administrator
//! exists, `pelihara serve` issues a one-time link ([`issue_setup_link`]: a random token,
//! only its SHA-256 stored, valid [`SETUP_LINK_VALID`]) and prints it; the page behind it
//! creates the first administrator and the office's identity (the letterhead documents print
//! and the page header shows) in one audited write. It must never work once an administrator
//! exists (410), never keep a token or a password in clear, and never change anything when a
//! field is wrong.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use pelihara_documents::Paper;
use pelihara_store::people::NewUser;
use pelihara_store::setup::{OfficeSetting, SetupLink};
use pelihara_store::{AuditSource, StoreError};
use serde::Deserialize;

use crate::auth::check_password;
use crate::auth::{self, ClientAddress, PASSWORD_MIN};
use crate::auth::{new_token, token_hash};
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::admin::letterhead::{check as check_text, looks_like_email};
use crate::pages::admin::users::{valid_email, valid_nip, valid_username};
use crate::pages::documents::{LETTERHEAD_SETTING, LetterheadSetting};
use crate::pages::page_or_partial;
use crate::pages::recovery::well_formed;
use crate::shell::Shell;
use crate::state::{AppState, Services};

/// How long a setup link works: a day, time enough to read the server's output and open it.
pub const SETUP_LINK_VALID: Duration = Duration::hours(24);

/// The path of the setup page.
pub const SETUP_PATH: &str = "/pasang";

/// Issues a setup link when the installation has no administrator yet, and returns its
/// address (`{base}/pasang?token=...`) for the binary to print; `None` once one exists. Each
/// call issues a new link (each start of a server, each node), and every one stops working
/// when the setup is done.
pub async fn issue_setup_link(
    services: &Services,
    public_base_url: &str,
) -> Result<Option<String>, StoreError> {
    if !services.store.needs_setup().await? {
        return Ok(None);
    }
    let token = new_token();
    let now = services.clock.now();
    services
        .store
        .issue_setup_link(
            &token_hash(&token),
            now + SETUP_LINK_VALID,
            &AuditSource::cli("serve"),
            now,
        )
        .await?;
    let base = public_base_url.trim().trim_end_matches('/');
    Ok(Some(format!("{base}{SETUP_PATH}?token={token}")))
}

/// The form (`step` "form") or why the link does not work (`step` "bad_link").
#[derive(Template)]
#[template(path = "setup_partial.html")]
struct SetupPartial {
    tr: Tr,
    step: &'static str,
    message: String,
    token: String,
    form: SetupForm,
    errors: FormErrors,
    password_help: String,
}

/// What the setup form sends: the administrator and the office.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    nip: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
    #[serde(default)]
    government: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    office_email: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    place: String,
}

impl SetupForm {
    /// Every field trimmed (the passwords as typed), the user name in lower case.
    fn trimmed(self) -> SetupForm {
        let trim = |text: String| text.trim().to_owned();
        SetupForm {
            token: trim(self.token),
            username: self.username.trim().to_lowercase(),
            full_name: trim(self.full_name),
            nip: trim(self.nip),
            email: trim(self.email),
            password: self.password,
            password_again: self.password_again,
            government: trim(self.government),
            office: trim(self.office),
            short_name: trim(self.short_name),
            address: trim(self.address),
            phone: trim(self.phone),
            office_email: trim(self.office_email),
            website: trim(self.website),
            place: trim(self.place),
        }
    }

    /// The identity this form describes (A4, no emblem yet, the default time zone, working
    /// hours and agenda numbers: /admin/kop changes them).
    fn letterhead_setting(&self) -> LetterheadSetting {
        LetterheadSetting {
            government: self.government.clone(),
            office: self.office.clone(),
            short_name: self.short_name.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            email: self.office_email.clone(),
            website: self.website.clone(),
            place: self.place.clone(),
            paper: Paper::A4.code().to_owned(),
            logo_sha256: None,
            ..LetterheadSetting::default()
        }
    }
}

fn respond(
    shell: Shell,
    status: StatusCode,
    step: &'static str,
    message: String,
    form: SetupForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let partial = SetupPartial {
        tr,
        step,
        message,
        token: form.token.clone(),
        form: SetupForm {
            password: String::new(),
            password_again: String::new(),
            ..form
        },
        errors,
        password_help: tr.t1("recovery-password-help", "min", PASSWORD_MIN),
    };
    let mut response = page_or_partial(shell, partial, |tr, _| tr.t("setup-title"))?;
    *response.status_mut() = status;
    Ok(response)
}

/// Why a link does not work: gone (410) once used, expired or the setup done; 404 unknown.
fn bad_link(shell: Shell, link: SetupLink) -> Result<Response, WebError> {
    let (key, status) = match link {
        SetupLink::Done => ("setup-done-already", StatusCode::GONE),
        SetupLink::Expired => ("setup-expired", StatusCode::GONE),
        SetupLink::Spent => ("setup-spent", StatusCode::GONE),
        SetupLink::Valid | SetupLink::Unknown => ("setup-unknown", StatusCode::NOT_FOUND),
    };
    let message = shell.tr.t(key);
    respond(
        shell,
        status,
        "bad_link",
        message,
        SetupForm::default(),
        FormErrors::new(),
    )
}

async fn link_worth(state: &AppState, token: &str) -> Result<SetupLink, WebError> {
    let Some(token) = well_formed(token) else {
        return Ok(SetupLink::Unknown);
    };
    let services = state.services();
    Ok(services
        .store
        .setup_link(&token_hash(token), services.clock.now())
        .await?)
}

#[derive(Debug, Deserialize)]
pub(crate) struct LinkQuery {
    #[serde(default)]
    token: String,
}

/// `GET /pasang?token=`: the setup form for a valid link; why not otherwise.
pub(crate) async fn view_pasang_get(
    State(state): State<AppState>,
    shell: Shell,
    Query(query): Query<LinkQuery>,
) -> Result<Response, WebError> {
    match link_worth(&state, &query.token).await? {
        SetupLink::Valid => {
            let form = SetupForm {
                token: query.token.trim().to_owned(),
                ..SetupForm::default()
            };
            respond(
                shell,
                StatusCode::OK,
                "form",
                String::new(),
                form,
                FormErrors::new(),
            )
        }
        other => bad_link(shell, other),
    }
}

/// Checks the form field by field, with the rules of the user form and the letterhead page.
fn check(tr: Tr, form: &SetupForm, errors: &mut FormErrors) {
    let required = || tr.t("admin-error-required");
    if form.username.is_empty() {
        errors.field("username", required());
    } else if !valid_username(&form.username) {
        errors.field("username", tr.t("admin-error-username-format"));
    }
    check_text(errors, tr, "full_name", &form.full_name, true, 120);
    if !form.nip.is_empty() && !valid_nip(&form.nip) {
        errors.field("nip", tr.t("admin-error-nip-format"));
    }
    if form.email.is_empty() {
        errors.field("email", required());
    } else if form.email.chars().count() > 254 || !valid_email(&form.email) {
        errors.field("email", tr.t("admin-error-email-format"));
    }
    check_password(tr, &form.password, "password", errors);
    if errors.of("password").is_none() && form.password != form.password_again {
        errors.field("password_again", tr.t("account-error-mismatch"));
    }
    check_text(errors, tr, "government", &form.government, true, 120);
    check_text(errors, tr, "office", &form.office, true, 120);
    check_text(errors, tr, "short_name", &form.short_name, false, 40);
    check_text(errors, tr, "address", &form.address, true, 200);
    check_text(errors, tr, "phone", &form.phone, false, 60);
    check_text(errors, tr, "office_email", &form.office_email, false, 120);
    check_text(errors, tr, "website", &form.website, false, 120);
    check_text(errors, tr, "place", &form.place, true, 60);
    if !form.office_email.is_empty()
        && errors.of("office_email").is_none()
        && !looks_like_email(&form.office_email)
    {
        errors.field("office_email", tr.t("admin-error-email-format"));
    }
}

/// `POST /pasang`: creates the first administrator and the office's identity in one write,
/// then on to the sign-in page; with any field wrong, the form again and nothing changed.
pub(crate) async fn view_pasang_post(
    State(state): State<AppState>,
    shell: Shell,
    ClientAddress(address): ClientAddress,
    Form(form): Form<SetupForm>,
) -> Result<Response, WebError> {
    let form = form.trimmed();
    match link_worth(&state, &form.token).await? {
        SetupLink::Valid => {}
        other => return bad_link(shell, other),
    }
    let tr = shell.tr;
    let mut errors = FormErrors::new();
    check(tr, &form, &mut errors);
    if !errors.is_empty() {
        return respond(
            shell,
            StatusCode::UNPROCESSABLE_ENTITY,
            "form",
            String::new(),
            form,
            errors,
        );
    }
    let services = state.services();
    let letterhead_setting = form.letterhead_setting();
    let admin = NewUser {
        username: form.username.clone(),
        full_name: form.full_name.clone(),
        nip: (!form.nip.is_empty()).then(|| form.nip.clone()),
        email: Some(form.email.clone()),
        role: pelihara_domain::Role::Admin,
        positions: Vec::new(),
        opd_id: None,
        password_hash: auth::hash_password(form.password.clone()).await?,
    };
    let source = AuditSource {
        actor_id: None,
        actor_name: format!("{} (penyiapan)", form.full_name),
        address,
    };
    let office = OfficeSetting {
        key: LETTERHEAD_SETTING.to_owned(),
        value: letterhead_setting.to_json(),
    };
    let done = services
        .store
        .complete_setup(
            &token_hash(&form.token),
            admin,
            office,
            &source,
            services.clock.now(),
        )
        .await;
    match done {
        Ok(Ok(_)) => {
            // This node's header names the new office at once; others within seconds.
            services.identity.refresh(&services.store).await?;
            services.calendar.refresh(&services.store).await?;
            Ok(Redirect::to("/masuk?siap=1").into_response())
        }
        Ok(Err(link)) => bad_link(shell, link),
        Err(StoreError::Duplicate("username")) => {
            errors.field("username", tr.t("admin-error-username-taken"));
            respond(
                shell,
                StatusCode::UNPROCESSABLE_ENTITY,
                "form",
                String::new(),
                form,
                errors,
            )
        }
        Err(error) => Err(error.into()),
    }
}
