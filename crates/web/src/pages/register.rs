//! The register of apps and websites ("Data Pemeliharaan Aplikasi/Website"): the list with
//! its filters, search and due badges, export (CSV, XLSX) and import, an app's page (history,
//! last hosting record, health, due date), the add and edit forms, and "check now". Admin and
//! Pelaksana edit; an OPD operator sees only its own OPD's apps (another OPD's app is a 404,
//! like one that does not exist); everyone else reads. Never holds SQL or due-date rules:
//! the store reads, `pelihara_domain::register` decides, `pelihara_register` checks and
//! converts.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use pelihara_domain::register::{
    AppFields, AppStatus, DueState, HealthFilter, MaintenanceDue, MaintenancePolicy,
    interval_months, maintenance_due,
};
use pelihara_domain::{Actor, AppId, OpdId, Role, effective_positions};
use pelihara_i18n::{Lang, format_date, format_datetime};
use pelihara_register::health::{
    ALLOWED_NETWORKS_SETTING, CheckPolicy, Checker, failure_code, parse_allowed_networks,
};
use pelihara_register::sheet::{self, CsvOptions, ExportRow, ImportError};
use pelihara_store::StoreError;
use pelihara_store::register::{App, RegisterFilter, RegisterRow};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::pages::page_or_partial;
use crate::shell::{Shell, Tr};
use crate::state::{AppState, Services};

const SOP_CODE: &str = "pemeliharaan-aplikasi-website";
/// The largest import file read (a register of a few thousand apps is far smaller).
const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;

fn store_error(error: StoreError) -> WebError {
    WebError::internal(error)
}

/// Admin and Pelaksana (also as Plh/Plt) keep the register.
pub(crate) fn may_edit(services: &Services, actor: &Actor) -> bool {
    actor.user.role == Role::Admin
        || effective_positions(actor, services.clock.now())
            .iter()
            .any(|position| position == "pelaksana")
}

/// The OPD an operator is limited to; `None` for everyone who sees the whole register.
fn own_opd(actor: &Actor) -> Result<Option<OpdId>, WebError> {
    match actor.user.role {
        Role::OpdOperator => actor.user.opd_id.map(Some).ok_or(WebError::NotFound),
        _ => Ok(None),
    }
}

fn sop_interval(services: &Services) -> u32 {
    services
        .catalog
        .latest(SOP_CODE)
        .map(|sop| sop.settings.maintenance_interval_months)
        .unwrap_or(0)
}

/// The admin's maintenance policy (interval, reminder window, automatic drafts); unset parts
/// follow the SOP.
pub(crate) async fn policy(services: &Services) -> Result<MaintenancePolicy, WebError> {
    services
        .store
        .maintenance_policy(sop_interval(services))
        .await
        .map_err(store_error)
}

pub(crate) fn due_of(
    services: &Services,
    policy: &MaintenancePolicy,
    row: &RegisterRow,
) -> Option<MaintenanceDue> {
    maintenance_due(
        &services.calendar,
        row.status(),
        row.app.created_at,
        row.last_maintained_at,
        interval_months(row.app.maintenance_interval_months, policy.interval_months),
        policy.reminder_days,
        services.clock.now(),
    )
}

fn when(services: &Services, lang: Lang, instant: DateTime<Utc>) -> String {
    format_datetime(lang, services.calendar.time_zone, instant)
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
        dinkominfo_contact_name: app.dinkominfo_contact_name.clone(),
        dinkominfo_contact_phone: app.dinkominfo_contact_phone.clone(),
        dinkominfo_contact_email: app.dinkominfo_contact_email.clone(),
        status: app.status.clone(),
        maintenance_interval_months: app.maintenance_interval_months,
        notes: app.notes.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    opd: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    health: String,
    #[serde(default)]
    q: String,
}

impl ListQuery {
    fn query_string(&self) -> String {
        let pairs = [
            ("opd", &self.opd),
            ("status", &self.status),
            ("due", &self.due),
            ("health", &self.health),
            ("q", &self.q),
        ];
        pairs
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key}={}", url_encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct ListRow {
    id: String,
    name: String,
    url: String,
    opd_name: String,
    status_code: String,
    status_label: String,
    last_maintained: String,
    due: String,
    due_css: String,
    due_label: String,
    health_css: String,
    health_label: String,
    open_cases: u32,
}

#[derive(Template)]
#[template(path = "register_partial.html")]
struct RegisterPartial {
    tr: Tr,
    rows: Vec<ListRow>,
    opds: Vec<Choice>,
    statuses: Vec<Choice>,
    dues: Vec<Choice>,
    healths: Vec<Choice>,
    q: String,
    show_opd_filter: bool,
    may_edit: bool,
    export_query: String,
    overdue: usize,
    due_soon: usize,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    shell: Shell,
    tr: Tr,
    partial: RegisterPartial,
}

/// The register rows a user may see under a query, with their due dates, filtered by due.
async fn visible_rows(
    services: &Services,
    actor: &Actor,
    query: &ListQuery,
) -> Result<Vec<(RegisterRow, Option<MaintenanceDue>)>, WebError> {
    let forced = own_opd(actor)?;
    let chosen = OpdId::parse(query.opd.trim());
    let filter = RegisterFilter {
        opd: forced.or(chosen),
        app: None,
        status: AppStatus::from_code(&query.status),
        health: HealthFilter::from_code(&query.health),
        search: Some(query.q.trim().to_owned()).filter(|q| !q.is_empty()),
    };
    let due_filter = DueState::from_code(&query.due);
    let policy = policy(services).await?;
    let rows = services
        .store
        .register(&filter)
        .await
        .map_err(store_error)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let due = due_of(services, &policy, &row);
            (row, due)
        })
        .filter(|(_, due)| due_filter.is_none_or(|wanted| due.is_some_and(|d| d.state == wanted)))
        .collect())
}

pub(crate) async fn view_aplikasi_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let lang = tr.lang();
    let rows = visible_rows(services, &user.actor, &query).await?;
    let forced = own_opd(&user.actor)?;
    let opds = if forced.is_none() {
        services
            .store
            .list_opds()
            .await
            .map_err(store_error)?
            .into_iter()
            .map(|opd| Choice {
                selected: opd.id.to_string() == query.opd,
                value: opd.id.to_string(),
                label: opd.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let choices = |items: Vec<(&str, String)>, current: &str| -> Vec<Choice> {
        items
            .into_iter()
            .map(|(value, label)| Choice {
                selected: value == current,
                value: value.to_owned(),
                label,
            })
            .collect()
    };
    let statuses = choices(
        AppStatus::ALL
            .iter()
            .map(|s| (s.code(), tr.t(s.message_key())))
            .collect(),
        &query.status,
    );
    let dues = choices(
        DueState::ALL
            .iter()
            .map(|s| (s.code(), tr.t(s.message_key())))
            .collect(),
        &query.due,
    );
    let healths = choices(
        HealthFilter::ALL
            .iter()
            .map(|h| (h.code(), tr.t(&format!("register-health-{}", h.code()))))
            .collect(),
        &query.health,
    );
    let mut overdue = 0;
    let mut due_soon = 0;
    let list: Vec<ListRow> = rows
        .into_iter()
        .map(|(row, due)| {
            // An app whose maintenance is already requested is not counted as waiting.
            match due.map(|d| d.state).filter(|_| row.open_cases == 0) {
                Some(DueState::Overdue) => overdue += 1,
                Some(DueState::DueSoon) => due_soon += 1,
                _ => {}
            }
            let status = row.status();
            let (health_css, health_label) = match row.last_check_ok {
                Some(true) => ("on_time", tr.t("register-health-ok")),
                Some(false) => ("overdue", tr.t("register-health-failing")),
                None => ("no_standard", tr.t("register-health-unchecked")),
            };
            ListRow {
                id: row.app.id.to_string(),
                name: row.app.name.clone(),
                url: row.app.url.clone(),
                opd_name: row.opd_name.clone(),
                status_code: status.code().to_owned(),
                status_label: tr.t(status.message_key()),
                last_maintained: row
                    .last_maintained_at
                    .map(|at| format_date(lang, services.calendar.local_date(at)))
                    .unwrap_or_else(|| tr.t("register-never-maintained")),
                due: due.map(|d| format_date(lang, d.due)).unwrap_or_default(),
                due_css: due_badge(tr, due, row.open_cases).0,
                due_label: due_badge(tr, due, row.open_cases).1,
                health_css: health_css.to_owned(),
                health_label,
                open_cases: row.open_cases,
            }
        })
        .collect();
    let partial = RegisterPartial {
        tr,
        rows: list,
        opds,
        statuses,
        dues,
        healths,
        q: query.q.clone(),
        show_opd_filter: forced.is_none(),
        may_edit: may_edit(services, &user.actor),
        export_query: query.query_string(),
        overdue,
        due_soon,
    };
    page_or_partial(shell, partial, |shell, partial| RegisterPage {
        tr: shell.tr,
        shell,
        partial,
    })
}

// ---------------------------------------------------------------------------------------------
// Export

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ExportQuery {
    #[serde(default)]
    format: String,
    /// `koma` for a comma-separated file (the default is `;` for Indonesian Excel).
    #[serde(default)]
    sep: String,
    #[serde(flatten)]
    list: ListQuery,
}

pub(crate) async fn view_aplikasi_ekspor_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let rows = visible_rows(services, &user.actor, &query.list).await?;
    let export: Vec<ExportRow> = rows
        .into_iter()
        .map(|(row, due)| ExportRow {
            opd_code: row.opd_code.clone(),
            opd_name: row.opd_name.clone(),
            fields: fields_of(&row.app),
            last_maintained: row
                .last_maintained_at
                .map(|at| services.calendar.local_date(at)),
            due: due.map(|d| d.due),
            due_state: due.map(|d| d.state),
        })
        .collect();
    let today = services.calendar.local_date(services.clock.now());
    let (bytes, media_type, extension) = match query.format.as_str() {
        "xlsx" => (
            sheet::export_xlsx(&export).map_err(WebError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "csv" => {
            let options = CsvOptions {
                delimiter: if query.sep == "koma" { b',' } else { b';' },
                bom: true,
            };
            (
                sheet::export_csv(&export, options).map_err(WebError::internal)?,
                "text/csv; charset=utf-8",
                "csv",
            )
        }
        _ => return Err(WebError::NotFound),
    };
    let disposition = format!(
        "attachment; filename=\"data-pemeliharaan-{}.{extension}\"",
        today.format("%Y-%m-%d")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// The app's page

struct HistoryRow {
    case_id: String,
    tracking_code: String,
    subject: String,
    status_code: String,
    status_label: String,
    submitted: String,
    closed: String,
    verdict: String,
    result: String,
    maintained_by: String,
}

struct HostingView {
    server: String,
    domain: String,
    url: String,
    dns_configured: bool,
    certificate_installed: bool,
    deployed: bool,
    network_officer: String,
    notes: String,
    at: String,
    by_name: String,
    case_id: String,
    tracking_code: String,
}

struct CheckRow {
    at: String,
    ok: bool,
    status: String,
    response_ms: String,
    tls_issuer: String,
    tls_expires: String,
    error: String,
    redirects: Vec<String>,
}

struct Fact {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "register_app_partial.html")]
struct AppPartial {
    tr: Tr,
    id: String,
    name: String,
    url: String,
    opd_name: String,
    status_code: String,
    status_label: String,
    facts: Vec<Fact>,
    notes: String,
    due: String,
    due_css: String,
    due_label: String,
    due_basis: String,
    /// When the due date falls on a closed day: until when it is still on time.
    due_moved: String,
    interval: u32,
    /// The open draft request, described.
    draft: Option<String>,
    /// Whether this person may prepare a draft now (due, no case, no draft).
    may_prepare: bool,
    /// Whether this person may confirm an app the OPD proposed.
    may_confirm_proposal: bool,
    /// Years with maintenance cases, for the "Data Pemeliharaan" record.
    record_years: Vec<i32>,
    history: Vec<HistoryRow>,
    hosting: Option<HostingView>,
    checks: Vec<CheckRow>,
    may_edit: bool,
    notice: String,
}

#[derive(Template)]
#[template(path = "register_app.html")]
struct AppPage {
    shell: Shell,
    tr: Tr,
    partial: AppPartial,
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
        .await
        .map_err(store_error)?
        .into_iter()
        .next()
        .ok_or(WebError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AppQuery {
    #[serde(default)]
    saved: String,
}

pub(crate) async fn view_aplikasi_detail_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<AppQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let lang = tr.lang();
    let row = visible_app(services, &user.actor, &id).await?;
    let app = &row.app;
    let policy = policy(services).await?;
    let due = due_of(services, &policy, &row);
    let history = services
        .store
        .maintenance_history(app.id)
        .await
        .map_err(store_error)?;
    let history_years: Vec<i32> = history
        .iter()
        .map(|case| chrono::Datelike::year(&services.calendar.local_date(case.submitted_at)))
        .collect();
    let history = history
        .into_iter()
        .map(|case| HistoryRow {
            case_id: case.case_id.to_string(),
            tracking_code: case.tracking_code,
            subject: case.subject,
            status_code: case.status.code().to_owned(),
            status_label: tr.t(&format!("status-{}", case.status.code())),
            submitted: format_date(lang, services.calendar.local_date(case.submitted_at)),
            closed: case
                .closed_at
                .map(|at| format_date(lang, services.calendar.local_date(at)))
                .unwrap_or_default(),
            verdict: case
                .verdict
                .map(|v| {
                    tr.t(match v {
                        pelihara_domain::Verdict::Maintainable => "register-verdict-maintainable",
                        pelihara_domain::Verdict::NotMaintainable => {
                            "register-verdict-not-maintainable"
                        }
                    })
                })
                .unwrap_or_default(),
            result: [case.result, case.version.map(|v| format!("v{v}"))]
                .into_iter()
                .flatten()
                .filter(|text| !text.is_empty() && text != "v")
                .collect::<Vec<_>>()
                .join(" · "),
            maintained_by: case.maintained_by.unwrap_or_default(),
        })
        .collect();
    let hosting = services
        .store
        .last_hosting(app.id)
        .await
        .map_err(store_error)?
        .map(|last| HostingView {
            server: last.record.server,
            domain: last.record.domain,
            url: last.record.url,
            dns_configured: last.record.dns_configured,
            certificate_installed: last.record.certificate_installed,
            deployed: last.record.deployed,
            network_officer: last.record.network_officer,
            notes: last.record.notes,
            at: when(services, lang, last.at),
            by_name: last.by_name,
            case_id: last.case_id.to_string(),
            tracking_code: last.tracking_code,
        });
    let checks = services
        .store
        .health_checks(app.id, 10)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|check| CheckRow {
            at: when(services, lang, check.checked_at),
            ok: check.ok,
            status: check.http_status.map(|s| s.to_string()).unwrap_or_default(),
            response_ms: check
                .response_ms
                .map(|ms| format!("{ms} ms"))
                .unwrap_or_default(),
            tls_issuer: check.tls_issuer.unwrap_or_default(),
            tls_expires: check
                .tls_expires_at
                .map(|at| format_date(lang, services.calendar.local_date(at)))
                .unwrap_or_default(),
            error: check
                .error
                .map(|error| {
                    format!(
                        "{} ({error})",
                        tr.t(&format!("register-health-error-{}", failure_code(&error)))
                    )
                })
                .unwrap_or_default(),
            redirects: check.redirects,
        })
        .collect();
    let fact = |key: &str, value: &str| Fact {
        label: tr.t(key),
        value: value.to_owned(),
    };
    let contact = |name: &str, phone: &str, email: &str| {
        [name, phone, email]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let facts = vec![
        fact("register-field-domain", &app.domain),
        fact("register-field-hosting", &app.hosting),
        fact("register-field-hosting_location", &app.hosting_location),
        fact(
            "register-field-hosting_environment",
            &app.hosting_environment,
        ),
        fact("register-field-stack", &app.stack),
        fact(
            "register-field-opd_contact",
            &contact(
                &app.opd_contact_name,
                &app.opd_contact_phone,
                &app.opd_contact_email,
            ),
        ),
        fact(
            "register-field-dinkominfo_contact",
            &contact(
                &app.dinkominfo_contact_name,
                &app.dinkominfo_contact_phone,
                &app.dinkominfo_contact_email,
            ),
        ),
        fact(
            "register-field-registered",
            &format_date(lang, services.calendar.local_date(app.created_at)),
        ),
    ];
    let status = row.status();
    let open_draft = services
        .store
        .open_drafts(Some(app.opd_id))
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|draft| draft.app_id == app.id);
    let mut record_years: Vec<i32> = history_years.clone();
    record_years.sort_unstable_by(|a, b| b.cmp(a));
    record_years.dedup();
    let partial = AppPartial {
        tr,
        id: app.id.to_string(),
        name: app.name.clone(),
        url: app.url.clone(),
        opd_name: row.opd_name.clone(),
        status_code: status.code().to_owned(),
        status_label: tr.t(status.message_key()),
        facts,
        notes: app.notes.clone(),
        due: due.map(|d| format_date(lang, d.due)).unwrap_or_default(),
        due_css: due_badge(tr, due, row.open_cases).0,
        due_label: due_badge(tr, due, row.open_cases).1,
        due_basis: due
            .map(|d| {
                let key = if d.maintained {
                    "register-due-basis-maintained"
                } else {
                    "register-due-basis-registered"
                };
                tr.t1(key, "date", format_date(lang, d.basis))
            })
            .unwrap_or_default(),
        due_moved: due
            .filter(|d| d.effective_due != d.due)
            .map(|d| {
                tr.t1(
                    "register-due-moved",
                    "date",
                    format_date(lang, d.effective_due),
                )
            })
            .unwrap_or_default(),
        interval: interval_months(app.maintenance_interval_months, policy.interval_months),
        draft: open_draft.as_ref().map(|draft| {
            tr.t1(
                "register-draft-waiting",
                "date",
                format_date(lang, services.calendar.local_date(draft.created_at)),
            )
        }),
        may_prepare: open_draft.is_none()
            && row.open_cases == 0
            && due.is_some_and(|d| d.state != DueState::Current)
            && super::register_maintenance::may_prepare(services, &user.actor),
        may_confirm_proposal: status == AppStatus::Proposed && may_edit(services, &user.actor),
        record_years,
        history,
        hosting,
        checks,
        may_edit: may_edit(services, &user.actor),
        notice: match query.saved.as_str() {
            "1" => tr.t("register-saved"),
            "cek" => tr.t("register-checked"),
            other => super::register_maintenance::notice_key(other)
                .map(|key| tr.t(key))
                .unwrap_or_default(),
        },
    };
    page_or_partial(shell, partial, |shell, partial| AppPage {
        tr: shell.tr,
        shell,
        partial,
    })
}

/// Runs a health check of the app's address now and keeps the result.
pub(crate) async fn view_aplikasi_cek_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    if !may_edit(services, &user.actor) {
        return Err(WebError::Forbidden);
    }
    let row = visible_app(services, &user.actor, &id).await?;
    if row.app.url.trim().is_empty() {
        return Err(WebError::bad_request("register-check-no-url"));
    }
    let allowed = services
        .store
        .setting(ALLOWED_NETWORKS_SETTING)
        .await
        .map_err(store_error)?
        .unwrap_or_default();
    // A broken setting must not open the internal network: entries that do not parse are
    // left out, so only what an admin wrote correctly is allowed.
    let allowed_networks = parse_allowed_networks(&allowed).unwrap_or_default();
    let checker = Checker::new(CheckPolicy {
        allowed_networks,
        ..CheckPolicy::default()
    })
    .map_err(WebError::internal)?;
    let check = checker.check(&row.app.url, services.clock.now()).await;
    services
        .store
        .record_health_check(row.app.id, &check, &user.audit_source())
        .await
        .map_err(store_error)?;
    Ok(Redirect::to(&format!("/aplikasi/{}?saved=cek", row.app.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Add and edit

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AppForm {
    #[serde(default)]
    opd_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    hosting: String,
    #[serde(default)]
    hosting_location: String,
    #[serde(default)]
    hosting_environment: String,
    #[serde(default)]
    stack: String,
    #[serde(default)]
    opd_contact_name: String,
    #[serde(default)]
    opd_contact_phone: String,
    #[serde(default)]
    opd_contact_email: String,
    #[serde(default)]
    dinkominfo_contact_name: String,
    #[serde(default)]
    dinkominfo_contact_phone: String,
    #[serde(default)]
    dinkominfo_contact_email: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    maintenance_interval_months: String,
    #[serde(default)]
    notes: String,
}

impl AppForm {
    fn from_app(app: &App) -> AppForm {
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
            dinkominfo_contact_name: app.dinkominfo_contact_name.clone(),
            dinkominfo_contact_phone: app.dinkominfo_contact_phone.clone(),
            dinkominfo_contact_email: app.dinkominfo_contact_email.clone(),
            status: app.status.clone(),
            maintenance_interval_months: app
                .maintenance_interval_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
            notes: app.notes.clone(),
        }
    }

    /// The typed fields, and the problems with them by field name (i18n keys).
    fn read(&self) -> (AppFields, Vec<(&'static str, &'static str)>) {
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
            dinkominfo_contact_name: self.dinkominfo_contact_name.clone(),
            dinkominfo_contact_phone: self.dinkominfo_contact_phone.clone(),
            dinkominfo_contact_email: self.dinkominfo_contact_email.clone(),
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

#[derive(Template)]
#[template(path = "register_form.html")]
struct FormPage {
    shell: Shell,
    tr: Tr,
    partial: FormPartial,
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
    ("dinkominfo_contact_name", "text"),
    ("dinkominfo_contact_phone", "tel"),
    ("dinkominfo_contact_email", "email"),
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
        "dinkominfo_contact_name" => &form.dinkominfo_contact_name,
        "dinkominfo_contact_phone" => &form.dinkominfo_contact_phone,
        "dinkominfo_contact_email" => &form.dinkominfo_contact_email,
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
        .await
        .map_err(store_error)?
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
    let response = page_or_partial(shell, partial, |shell, partial| FormPage {
        tr: shell.tr,
        shell,
        partial,
    })?;
    Ok((status, response).into_response())
}

fn editor_only(services: &Services, user: &CurrentUser) -> Result<(), WebError> {
    if may_edit(services, &user.actor) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
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
async fn chosen_opd(
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
        .await
        .map_err(store_error)?
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
        .await
        .map_err(store_error)?;
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
        .await
        .map_err(store_error)?;
    Ok(Redirect::to(&format!("/aplikasi/{}?saved=1", row.app.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Import

struct ImportErrorView {
    row: usize,
    column: String,
    message: String,
}

#[derive(Template)]
#[template(path = "register_import_partial.html")]
struct ImportPartial {
    tr: Tr,
    headers: Vec<&'static str>,
    errors: Vec<ImportErrorView>,
    problem: String,
}

#[derive(Template)]
#[template(path = "register_import.html")]
struct ImportPage {
    shell: Shell,
    tr: Tr,
    partial: ImportPartial,
}

fn render_import(
    shell: Shell,
    errors: Vec<ImportError>,
    problem: Option<&str>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let failed = !errors.is_empty() || problem.is_some();
    let partial = ImportPartial {
        tr,
        headers: sheet::headers(),
        errors: errors
            .into_iter()
            .map(|error| ImportErrorView {
                row: error.row,
                column: error.column.unwrap_or_default(),
                message: tr.t(error.key),
            })
            .collect(),
        problem: problem.map(|key| tr.t(key)).unwrap_or_default(),
    };
    let response = page_or_partial(shell, partial, |shell, partial| ImportPage {
        tr: shell.tr,
        shell,
        partial,
    })?;
    let status = if failed {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, response).into_response())
}

pub(crate) async fn view_aplikasi_impor_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    editor_only(state.services(), &user)?;
    render_import(shell, Vec::new(), None)
}

pub(crate) async fn view_aplikasi_impor_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let services = state.services();
    editor_only(services, &user)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::bad_request("register-import-unreadable"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_lowercase();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| WebError::bad_request("register-import-unreadable"))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return render_import(shell, Vec::new(), Some("register-import-no-file"));
    };
    if bytes.len() > IMPORT_MAX_BYTES {
        return render_import(shell, Vec::new(), Some("register-import-too-large"));
    }
    // Deactivated OPDs are listed too, so a row naming one says why it is refused.
    let opds: HashMap<String, sheet::SheetOpd> = services
        .store
        .list_opds()
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|opd| {
            let found = sheet::SheetOpd {
                id: opd.id,
                active: opd.active,
            };
            (opd.code.to_uppercase(), found)
        })
        .collect();
    // XLSX files are zip archives: "PK" first, whatever the name says.
    let parsed = if bytes.starts_with(b"PK") || name.ends_with(".xlsx") {
        sheet::import_xlsx(&bytes, &opds)
    } else {
        sheet::import_csv(&bytes, &opds)
    };
    let rows = match parsed {
        Ok(rows) => rows,
        Err(errors) => return render_import(shell, errors, None),
    };
    match services
        .store
        .import_apps(&rows, &user.audit_source(), services.clock.now())
        .await
    {
        Ok(_) => {}
        // An OPD was deactivated between reading the sheet and writing it: nothing was
        // imported; uploading again names the rows.
        Err(StoreError::Refused(pelihara_domain::Refusal::Invalid {
            field: "opd_id", ..
        })) => {
            return render_import(shell, Vec::new(), Some("register-import-opd-changed"));
        }
        Err(error) => return Err(store_error(error)),
    }
    Ok(Redirect::to(&format!("/aplikasi?impor={}", rows.len())).into_response())
}

#[cfg(test)]
#[path = "register_tests.rs"]
mod tests;
