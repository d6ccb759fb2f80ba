//! `/admin/pemeliharaan`: the register's settings an admin keeps: the maintenance interval,
//! the reminder window and whether drafts are prepared automatically (the policy the
//! register, the dashboard and the scheduler read), and the health-check allow-list of
//! intranet networks that may be checked despite the SSRF rules. A form with bad input is
//! shown again with what was typed and changes nothing. Never writes but through the store's
//! audited functions, and never stores an allow-list entry `pelihara_register::allow_list`
//! refuses.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_domain::register::{MAX_INTERVAL_MONTHS, MAX_REMINDER_DAYS, MaintenancePolicy};
use pelihara_register::allow_list::{check_allowed_networks, format_allowed_networks};
use pelihara_register::health::{ALLOWED_NETWORKS_SETTING, parse_allowed_networks};
use serde::Deserialize;

use super::{AdminTab, FormData, done, notice, tabs};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

pub(crate) const PATH: &str = "/admin/pemeliharaan";

#[derive(Template)]
#[template(path = "admin_register_partial.html")]
struct SettingsPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    interval_months: String,
    reminder_days: String,
    auto_drafts: bool,
    policy_errors: FormErrors,
    networks: String,
    network_errors: Vec<String>,
    max_interval: u32,
    max_reminder: u32,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SettingsQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// What the forms show: typed values after a bad submission, else what is stored.
struct Shown {
    interval_months: String,
    reminder_days: String,
    auto_drafts: bool,
    policy_errors: FormErrors,
    networks: String,
    network_errors: Vec<String>,
}

async fn stored(state: &AppState) -> Result<Shown, WebError> {
    let services = state.services();
    let policy = super::super::register::policy(services).await?;
    let networks = services
        .store
        .setting(ALLOWED_NETWORKS_SETTING)
        .await?
        .unwrap_or_default();
    // What is stored is shown canonically when it reads; otherwise as it is, so the admin
    // sees and fixes it.
    let networks = parse_allowed_networks(&networks)
        .map(|nets| format_allowed_networks(&nets))
        .unwrap_or(networks);
    Ok(Shown {
        interval_months: policy.interval_months.to_string(),
        reminder_days: policy.reminder_days.to_string(),
        auto_drafts: policy.auto_drafts,
        policy_errors: FormErrors::new(),
        networks,
        network_errors: Vec::new(),
    })
}

fn render(
    shell: Shell,
    status: StatusCode,
    shown: Shown,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let partial = SettingsPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        interval_months: shown.interval_months,
        reminder_days: shown.reminder_days,
        auto_drafts: shown.auto_drafts,
        policy_errors: shown.policy_errors,
        networks: shown.networks,
        network_errors: shown.network_errors,
        max_interval: MAX_INTERVAL_MONTHS,
        max_reminder: MAX_REMINDER_DAYS,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("register-settings-title"))?;
    Ok((status, response).into_response())
}

/// `GET /admin/pemeliharaan`.
pub(crate) async fn view_admin_pemeliharaan_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<SettingsQuery>,
) -> Result<Response, WebError> {
    let notice_text = notice(shell.tr, query.ok.as_deref());
    let shown = stored(&state).await?;
    render(shell, StatusCode::OK, shown, notice_text)
}

/// `POST /admin/pemeliharaan`: the maintenance policy.
pub(crate) async fn view_admin_pemeliharaan_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let interval_text = data.text("interval_months");
    let reminder_text = data.text("reminder_days");
    let auto_drafts = data.text("auto_drafts") == "1";
    let mut errors = FormErrors::new();
    // Each number on its own: an unreadable one is checked as out of range (zero, or past
    // the maximum), so both fields get their message at once.
    let policy = MaintenancePolicy {
        interval_months: interval_text.parse::<u32>().unwrap_or(0),
        reminder_days: reminder_text
            .parse::<u32>()
            .unwrap_or(MAX_REMINDER_DAYS.saturating_add(1)),
        auto_drafts,
    };
    for (field, key) in &policy.problems().0 {
        errors.field(field, tr.t(key));
    }
    if errors.is_empty() {
        services
            .store
            .set_maintenance_policy(&policy, &admin.0.audit_source(), services.clock.now())
            .await?;
        return Ok(done(PATH, "register-policy-saved"));
    }
    let mut shown = stored(&state).await?;
    shown.interval_months = interval_text;
    shown.reminder_days = reminder_text;
    shown.auto_drafts = auto_drafts;
    shown.policy_errors = errors;
    render(shell, StatusCode::UNPROCESSABLE_ENTITY, shown, None)
}

/// `POST /admin/pemeliharaan/jaringan`: the health-check allow-list, all or nothing.
pub(crate) async fn view_admin_pemeliharaan_jaringan_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let typed = data.raw("networks");
    match check_allowed_networks(&typed) {
        Ok(networks) => {
            services
                .store
                .set_setting(
                    ALLOWED_NETWORKS_SETTING,
                    &format_allowed_networks(&networks),
                    &admin.0.audit_source(),
                    services.clock.now(),
                )
                .await?;
            Ok(done(PATH, "register-networks-saved"))
        }
        Err(problems) => {
            let mut shown = stored(&state).await?;
            shown.networks = typed;
            shown.network_errors = problems
                .iter()
                .map(|problem| {
                    format!(
                        "{}: {}",
                        problem.entry,
                        tr.t(&format!("register-allow-error-{}", problem.code))
                    )
                })
                .collect();
            render(shell, StatusCode::UNPROCESSABLE_ENTITY, shown, None)
        }
    }
}
