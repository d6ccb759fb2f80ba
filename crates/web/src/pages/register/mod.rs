//! The register of apps and websites ("Data Pemeliharaan Aplikasi/Website"), one route family a
//! file: the list with its filters, search and due badges (`list`), export (CSV, XLSX) and
//! import (`export`, `import`), an app's page with "check now" (`app_page`), the add and edit
//! forms (`form`), one app's maintenance record of a year (`record`), and periodic maintenance
//! (`maintenance`). Admin and Pelaksana edit; an OPD operator sees only its own OPD's apps
//! (another OPD's app is a 404, like one that does not exist); everyone else reads. Never holds
//! SQL or due-date rules: the store reads, `pelihara_domain::register` decides,
//! `pelihara_register` checks and converts.

pub(crate) mod app_page;
pub(crate) mod export;
pub(crate) mod form;
pub(crate) mod import;
pub(crate) mod list;
pub(crate) mod maintenance;
pub(crate) mod record;

#[cfg(test)]
mod maintenance_tests;
#[cfg(test)]
mod record_tests;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use pelihara_domain::register::{
    AppFields, DueState, MaintenanceDue, MaintenancePolicy, RegisterRoles, interval_months,
    maintenance_due,
};
use pelihara_domain::{Actor, AppId, OpdId, Role};
use pelihara_i18n::{Lang, format_datetime};
use pelihara_store::register::{App, RegisterFilter, RegisterRow};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::state::Services;

/// Who may change the register, as the steps of the SOPs whose cases maintain apps imply
/// (the domain decides; without such an SOP only an admin may).
fn roles(services: &Services) -> RegisterRoles {
    let sops = services.catalog.snapshot().current_all();
    RegisterRoles::of_maintenance_sops(sops.iter().map(|sop| sop.as_ref()))
}

/// Whether `actor` keeps the register (adds and edits apps, confirms proposed ones).
pub(crate) fn may_edit(services: &Services, actor: &Actor) -> bool {
    roles(services).may_keep(actor, services.clock.now())
}

/// Whether `actor` prepares draft maintenance requests for due apps.
pub(crate) fn may_prepare(services: &Services, actor: &Actor) -> bool {
    roles(services).may_prepare_draft(actor, services.clock.now())
}

/// The OPD an operator is limited to; `None` for everyone who sees the whole register.
fn own_opd(actor: &Actor) -> Result<Option<OpdId>, WebError> {
    match actor.user.role {
        Role::OpdOperator => actor.user.opd_id.map(Some).ok_or(WebError::NotFound),
        _ => Ok(None),
    }
}

fn sop_interval(services: &Services) -> u32 {
    let sops = services.catalog.snapshot().current_all();
    pelihara_domain::register::maintenance_interval_months(sops.iter().map(|sop| sop.as_ref()))
}

/// The admin's maintenance policy (interval, reminder window, automatic drafts); unset parts
/// follow the SOP.
pub(crate) async fn policy(services: &Services) -> Result<MaintenancePolicy, WebError> {
    services
        .store
        .maintenance_policy(sop_interval(services))
        .await
        .map_err(WebError::from)
}

pub(crate) fn due_of(
    services: &Services,
    policy: &MaintenancePolicy,
    row: &RegisterRow,
) -> Option<MaintenanceDue> {
    maintenance_due(
        &services.calendar.snapshot(),
        row.status(),
        row.app.created_at,
        row.last_maintained_at,
        interval_months(row.app.maintenance_interval_months, policy.interval_months),
        policy.reminder_days,
        services.clock.now(),
    )
}

fn when(services: &Services, lang: Lang, instant: DateTime<Utc>) -> String {
    format_datetime(lang, services.calendar.snapshot().time_zone, instant)
}

/// The CSS modifier of a due badge (the SLA badge colours).
fn due_css(state: DueState) -> &'static str {
    match state {
        DueState::Current => "on_time",
        DueState::DueSoon => "due_soon",
        DueState::Overdue => "overdue",
    }
}

/// The due badge (css, label) of an app: a due or overdue app whose maintenance case is
/// already in progress says so (as the dashboard does), not "Terlambat": the OPD has asked.
fn due_badge(tr: Tr, due: Option<MaintenanceDue>, open_cases: u32) -> (String, String) {
    match due {
        None => (String::new(), String::new()),
        Some(due) if due.state != DueState::Current && open_cases > 0 => {
            ("paused".to_owned(), tr.t("register-due-in-progress"))
        }
        Some(due) => (due_css(due.state).to_owned(), tr.t(due.state.message_key())),
    }
}

pub(crate) fn fields_of(app: &App) -> AppFields {
    AppFields {
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
        maintenance_interval_months: app.maintenance_interval_months,
        notes: app.notes.clone(),
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The app's register line, if the user may see it.
pub(crate) async fn visible_app(
    services: &Services,
    actor: &Actor,
    id: &str,
) -> Result<RegisterRow, WebError> {
    let id = AppId::parse(id).ok_or(WebError::NotFound)?;
    let filter = RegisterFilter {
        opd: own_opd(actor)?,
        app: Some(id),
        ..RegisterFilter::default()
    };
    services
        .store
        .register(&filter)
        .await?
        .into_iter()
        .next()
        .ok_or(WebError::NotFound)
}

fn editor_only(services: &Services, user: &CurrentUser) -> Result<(), WebError> {
    if may_edit(services, &user.actor) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}
