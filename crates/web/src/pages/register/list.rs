//! `GET /aplikasi`, the register's list: filters (the due state's in SQL), search, due badges
//! and health.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use pelihara_domain::register::{
    AppStatus, DueState, HealthFilter, MaintenanceDue, MaintenancePolicy, due_bounds,
    interval_months,
};
use pelihara_domain::{Actor, OpdId};
use pelihara_i18n::format_date;
use pelihara_store::register::{DueFilter, RegisterFilter, RegisterRow};
use serde::Deserialize;

use super::{Choice, due_badge, due_of, may_edit, own_opd, policy};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    pub(crate) opd: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) due: String,
    #[serde(default)]
    pub(crate) health: String,
    #[serde(default)]
    pub(crate) q: String,
    /// The page of the list (1 first); out of range reads as the nearest page.
    #[serde(default)]
    pub(crate) halaman: Option<usize>,
}

/// Apps shown on one page of the list: the page stays a few hundred KB whatever the size of
/// the register (100 000 apps made one page of 63 MB before).
const PAGE_SIZE: usize = 100;

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
    /// Apps under the filters, on every page.
    total: usize,
    page: usize,
    pages: usize,
}

/// The register rows a user may see under a query, with their due dates, filtered by due.
pub(crate) async fn visible_rows(
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
        due: None,
    };
    let policy = policy(services).await?;
    let filter = RegisterFilter {
        due: match DueState::from_code(&query.due) {
            Some(state) => Some(due_filter(services, &policy, state).await?),
            None => None,
        },
        ..filter
    };
    let rows = services.store.register(&filter).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let due = due_of(services, &policy, &row);
            (row, due)
        })
        .collect())
}

/// The register's filter by due state, worked out in SQL: for the default interval and every
/// interval an app sets, where the basis of an app in `state` lies now.
async fn due_filter(
    services: &Services,
    policy: &MaintenancePolicy,
    state: DueState,
) -> Result<DueFilter, WebError> {
    let default_interval = interval_months(None, policy.interval_months);
    let mut intervals = services.store.register_intervals().await?;
    intervals.push(default_interval);
    intervals.sort_unstable();
    intervals.dedup();
    let now = services.clock.now();
    let calendar = services.calendar.snapshot();
    let bounds = intervals
        .into_iter()
        .filter_map(|months| {
            due_bounds(&calendar, months, policy.reminder_days, now).map(|bounds| (months, bounds))
        })
        .collect();
    Ok(DueFilter {
        state,
        default_interval,
        bounds,
    })
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
            .await?
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
    // The figures count every app under the filters; only one page of them is drawn.
    let waiting = |wanted: DueState| {
        rows.iter()
            .filter(|(row, due)| row.open_cases == 0 && due.is_some_and(|d| d.state == wanted))
            .count()
    };
    let (overdue, due_soon) = (waiting(DueState::Overdue), waiting(DueState::DueSoon));
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.halaman.unwrap_or(1).clamp(1, pages);
    let list: Vec<ListRow> = rows
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|(row, due)| {
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
                    .map(|at| format_date(lang, services.calendar.snapshot().local_date(at)))
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
        total,
        page,
        pages,
    };
    page_or_partial(shell, partial, |tr, _| tr.t("register-title-list"))
}
