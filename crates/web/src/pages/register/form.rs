//! `GET/POST /aplikasi/baru` and `/aplikasi/{id}/ubah`: the add and edit forms of the register.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::OpdId;
use pelihara_domain::register::{AppFields, AppStatus};
use pelihara_store::register::App;
use serde::Deserialize;

use super::{Choice, editor_only, policy, visible_app};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AppForm {
    #[serde(default)]
    pub(crate) opd_id: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) domain: String,
    #[serde(default)]
    pub(crate) hosting: String,
    #[serde(default)]
    pub(crate) hosting_location: String,
    #[serde(default)]
    pub(crate) hosting_environment: String,
    #[serde(default)]
    pub(crate) stack: String,
    #[serde(default)]
    pub(crate) opd_contact_name: String,
    #[serde(default)]
    pub(crate) opd_contact_phone: String,
    #[serde(default)]
    pub(crate) opd_contact_email: String,
    #[serde(default)]
    pub(crate) office_contact_name: String,
    #[serde(default)]
    pub(crate) office_contact_phone: String,
    #[serde(default)]
    pub(crate) office_contact_email: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) maintenance_interval_months: String,
    #[serde(default)]
    pub(crate) notes: String,
}

impl AppForm {
    pub(crate) fn from_app(app: &App) -> AppForm {
        AppForm {
            opd_id: app.opd_id.to_string(),
            name: app.name.clone(),
            url: app.url.clone(),
            domain: app.domain.clone(),
            hosting: app.hosting.clone(),
            hosting_location: app.hosting_location.clone(),
            hosting_environment: app.hosting_environment.clone(),
            stack: app.stack.clone(),
            opd_contact_name: app.opd_contact_name.clone(),
            opd_contact_phone: app.opd_contact_phone.clone(),
            opd_contact_email: app.opd_contact_email.clone(),
            office_contact_name: app.office_contact_name.clone(),
            office_contact_phone: app.office_contact_phone.clone(),
            office_contact_email: app.office_contact_email.clone(),
            status: app.status.clone(),
            maintenance_interval_months: app
                .maintenance_interval_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
            notes: app.notes.clone(),
        }
    }

    /// The typed fields, and the problems with them by field name (i18n keys).
    pub(crate) fn read(&self) -> (AppFields, Vec<(&'static str, &'static str)>) {
        let mut problems = Vec::new();
        let interval = self.maintenance_interval_months.trim();
        let maintenance_interval_months = if interval.is_empty() {
            None
        } else {
            match interval.parse::<u32>() {
                Ok(months) => Some(months),
                Err(_) => {
                    problems.push(("maintenance_interval_months", "register-error-interval"));
                    None
                }
            }
        };
        let fields = AppFields {
            name: self.name.clone(),
            url: self.url.clone(),
            domain: self.domain.clone(),
            hosting: self.hosting.clone(),
            hosting_location: self.hosting_location.clone(),
            hosting_environment: self.hosting_environment.clone(),
            stack: self.stack.clone(),
            opd_contact_name: self.opd_contact_name.clone(),
            opd_contact_phone: self.opd_contact_phone.clone(),
            opd_contact_email: self.opd_contact_email.clone(),
            office_contact_name: self.office_contact_name.clone(),
            office_contact_phone: self.office_contact_phone.clone(),
            office_contact_email: self.office_contact_email.clone(),
            status: self.status.clone(),
            maintenance_interval_months,
            notes: self.notes.clone(),
        }
        .trimmed();
        problems.extend(fields.problems().0);
        (fields, problems)
    }
}

struct FieldView {
    name: &'static str,
    label: String,
    value: String,
    error: String,
    kind: &'static str,
    help: String,
}

#[derive(Template)]
#[template(path = "register_form_partial.html")]
struct FormPartial {
    tr: Tr,
    title: String,
    action: String,
    cancel: String,
    opds: Vec<Choice>,
    opd_error: String,
    statuses: Vec<Choice>,
    fields: Vec<FieldView>,
    errors: Vec<String>,
}

const TEXT_FIELDS: [(&str, &str); 15] = [
    ("name", "text"),
    ("url", "url"),
    ("domain", "text"),
    ("hosting", "text"),
    ("hosting_location", "text"),
    ("hosting_environment", "text"),
    ("stack", "text"),
    ("opd_contact_name", "text"),
    ("opd_contact_phone", "tel"),
    ("opd_contact_email", "email"),
    ("office_contact_name", "text"),
    ("office_contact_phone", "tel"),
    ("office_contact_email", "email"),
    ("maintenance_interval_months", "number"),
    ("notes", "textarea"),
];

fn form_value<'a>(form: &'a AppForm, name: &str) -> &'a str {
    match name {
        "name" => &form.name,
        "url" => &form.url,
        "domain" => &form.domain,
        "hosting" => &form.hosting,
        "hosting_location" => &form.hosting_location,
        "hosting_environment" => &form.hosting_environment,
        "stack" => &form.stack,
        "opd_contact_name" => &form.opd_contact_name,
        "opd_contact_phone" => &form.opd_contact_phone,
        "opd_contact_email" => &form.opd_contact_email,
        "office_contact_name" => &form.office_contact_name,
        "office_contact_phone" => &form.office_contact_phone,
        "office_contact_email" => &form.office_contact_email,
        "maintenance_interval_months" => &form.maintenance_interval_months,
        "notes" => &form.notes,
        _ => "",
    }
}

#[allow(clippy::too_many_arguments)] // Each argument is one part of the form as shown.
async fn render_form(
    services: &Services,
    shell: Shell,
    title_key: &str,
    action: String,
    cancel: String,
    form: &AppForm,
    problems: &[(&'static str, &'static str)],
    opd_error: Option<&str>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let policy = policy(services).await?;
    let opds = services
        .store
        .list_opds()
        .await?
        .into_iter()
        // A deactivated OPD is not offered, except the one the form already names (an app
        // of that OPD being edited keeps it).
        .filter(|opd| opd.active || opd.id.to_string() == form.opd_id)
        .map(|opd| Choice {
            selected: opd.id.to_string() == form.opd_id,
            value: opd.id.to_string(),
            label: format!("{} ({})", opd.name, opd.code),
        })
        .collect();
    let statuses = AppStatus::ALL
        .iter()
        .map(|status| Choice {
            selected: status.code() == form.status,
            value: status.code().to_owned(),
            label: tr.t(status.message_key()),
        })
        .collect();
    let error_of = |field: &str| {
        problems
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, key)| tr.t(key))
            .unwrap_or_default()
    };
    let fields = TEXT_FIELDS
        .iter()
        .map(|(name, kind)| FieldView {
            name,
            label: tr.t(&format!("register-field-{name}")),
            value: form_value(form, name).to_owned(),
            error: error_of(name),
            kind,
            help: match *name {
                "maintenance_interval_months" => {
                    tr.t1("register-interval-help", "months", policy.interval_months)
                }
                "hosting_environment" => tr.t("register-environment-help"),
                _ => String::new(),
            },
        })
        .collect();
    let mut errors: Vec<String> = Vec::new();
    if !problems.is_empty() || opd_error.is_some() {
        errors.push(tr.t("register-form-has-errors"));
    }
    let status_error = error_of("status");
    if !status_error.is_empty() {
        errors.push(status_error);
    }
    let partial = FormPartial {
        tr,
        title: tr.t(title_key),
        action,
        cancel,
        opds,
        opd_error: opd_error.map(|key| tr.t(key)).unwrap_or_default(),
        statuses,
        fields,
        errors,
    };
    let status = if problems.is_empty() && opd_error.is_none() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let response = page_or_partial(shell, partial, |_, partial| partial.title.clone())?;
    Ok((status, response).into_response())
}

pub(crate) async fn view_aplikasi_baru_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let services = state.services();
    editor_only(services, &user)?;
    let form = AppForm {
        status: AppStatus::Active.code().to_owned(),
        ..AppForm::default()
    };
    render_form(
        services,
        shell,
        "register-title-new",
        "/aplikasi/baru".into(),
        "/aplikasi".into(),
        &form,
        &[],
        None,
    )
    .await
}

/// The OPD chosen on the form, if it exists and is active (or is `current`, the OPD of the
/// app being edited, even if it was deactivated since).
pub(crate) async fn chosen_opd(
    services: &Services,
    form: &AppForm,
    current: Option<OpdId>,
) -> Result<Option<OpdId>, WebError> {
    let Some(id) = OpdId::parse(form.opd_id.trim()) else {
        return Ok(None);
    };
    Ok(services
        .store
        .opd(id)
        .await?
        .filter(|opd| opd.active || Some(opd.id) == current)
        .map(|opd| opd.id))
}

pub(crate) async fn view_aplikasi_baru_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Form(form): Form<AppForm>,
) -> Result<Response, WebError> {
    let services = state.services();
    editor_only(services, &user)?;
    let (fields, problems) = form.read();
    let opd = chosen_opd(services, &form, None).await?;
    let Some(opd) = opd.filter(|_| problems.is_empty()) else {
        return render_form(
            services,
            shell,
            "register-title-new",
            "/aplikasi/baru".into(),
            "/aplikasi".into(),
            &form,
            &problems,
            opd.is_none().then_some("register-error-opd"),
        )
        .await;
    };
    let id = services
        .store
        .create_register_app(opd, &fields, &user.audit_source(), services.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/aplikasi/{id}?saved=1")).into_response())
}

pub(crate) async fn view_aplikasi_ubah_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    editor_only(services, &user)?;
    let row = visible_app(services, &user.actor, &id).await?;
    render_form(
        services,
        shell,
        "register-title-edit",
        format!("/aplikasi/{}/ubah", row.app.id),
        format!("/aplikasi/{}", row.app.id),
        &AppForm::from_app(&row.app),
        &[],
        None,
    )
    .await
}

pub(crate) async fn view_aplikasi_ubah_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<AppForm>,
) -> Result<Response, WebError> {
    let services = state.services();
    editor_only(services, &user)?;
    let row = visible_app(services, &user.actor, &id).await?;
    let (fields, problems) = form.read();
    let opd = chosen_opd(services, &form, Some(row.app.opd_id)).await?;
    let Some(opd) = opd.filter(|_| problems.is_empty()) else {
        return render_form(
            services,
            shell,
            "register-title-edit",
            format!("/aplikasi/{}/ubah", row.app.id),
            format!("/aplikasi/{}", row.app.id),
            &form,
            &problems,
            opd.is_none().then_some("register-error-opd"),
        )
        .await;
    };
    services
        .store
        .update_app(
            row.app.id,
            opd,
            &fields,
            &user.audit_source(),
            services.clock.now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/aplikasi/{}?saved=1", row.app.id)).into_response())
}
