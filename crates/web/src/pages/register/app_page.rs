//! `GET /aplikasi/{id}`, an app's page (history, last hosting record, health, due date), and
//! `POST /aplikasi/{id}/cek`, "check now".

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::register::{AppStatus, DueState, interval_months};
use pelihara_i18n::format_date;
use pelihara_register::health::{
    ALLOWED_NETWORKS_SETTING, CheckPolicy, Checker, failure_code, parse_allowed_networks,
};
use serde::Deserialize;

use super::{due_badge, due_of, may_edit, may_prepare, policy, visible_app, when};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

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
    let history = services.store.maintenance_history(app.id).await?;
    let history_years: Vec<i32> = history
        .iter()
        .map(|case| {
            chrono::Datelike::year(&services.calendar.snapshot().local_date(case.submitted_at))
        })
        .collect();
    let history = history
        .into_iter()
        .map(|case| HistoryRow {
            case_id: case.case_id.to_string(),
            tracking_code: case.tracking_code,
            subject: case.subject,
            status_code: case.status.code().to_owned(),
            status_label: tr.t(&format!("status-{}", case.status.code())),
            submitted: format_date(
                lang,
                services.calendar.snapshot().local_date(case.submitted_at),
            ),
            closed: case
                .closed_at
                .map(|at| format_date(lang, services.calendar.snapshot().local_date(at)))
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
        .await?
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
        .await?
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
                .map(|at| format_date(lang, services.calendar.snapshot().local_date(at)))
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
            "register-field-office_contact",
            &contact(
                &app.office_contact_name,
                &app.office_contact_phone,
                &app.office_contact_email,
            ),
        ),
        fact(
            "register-field-registered",
            &format_date(
                lang,
                services.calendar.snapshot().local_date(app.created_at),
            ),
        ),
    ];
    let status = row.status();
    let open_draft = services
        .store
        .open_drafts(Some(app.opd_id))
        .await?
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
                format_date(
                    lang,
                    services.calendar.snapshot().local_date(draft.created_at),
                ),
            )
        }),
        may_prepare: open_draft.is_none()
            && row.open_cases == 0
            && due.is_some_and(|d| d.state != DueState::Current)
            && may_prepare(services, &user.actor),
        may_confirm_proposal: status == AppStatus::Proposed && may_edit(services, &user.actor),
        record_years,
        history,
        hosting,
        checks,
        may_edit: may_edit(services, &user.actor),
        notice: match query.saved.as_str() {
            "1" => tr.t("register-saved"),
            "cek" => tr.t("register-checked"),
            other => super::maintenance::notice_key(other)
                .map(|key| tr.t(key))
                .unwrap_or_default(),
        },
    };
    page_or_partial(shell, partial, |_, partial| partial.name.clone())
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
        .await?
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
        .await?;
    Ok(Redirect::to(&format!("/aplikasi/{}?saved=cek", row.app.id)).into_response())
}
