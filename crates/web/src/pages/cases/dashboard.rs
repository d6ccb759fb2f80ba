//! `GET /dasbor`, the leadership dashboard: headline figures, open requests per step, the
//! overdue ones and the apps due for maintenance. Not for OPD operators.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use pelihara_domain::{CaseStatus, Role};
use pelihara_sop::StepKind;

use super::SOP_CODE;
use super::list::{CaseRow, case_rows};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dashboard_partial.html")]
struct DashboardPartial {
    tr: Tr,
    /// (message key, count, CSS modifier) of each headline figure.
    stats: Vec<(&'static str, usize, &'static str)>,
    by_step: Vec<(u32, String, usize)>,
    overdue_rows: Vec<CaseRow>,
    /// Apps overdue or due soon for their periodic maintenance (the register's).
    apps: crate::pages::register::maintenance::DueApps,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    tr: Tr,
    partial: DashboardPartial,
}

pub(crate) async fn view_dasbor_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    if user.actor.user.role == Role::OpdOperator {
        return Err(WebError::NotFound);
    }
    let services = state.services();
    let tr = shell.tr;
    let rows = case_rows(services, tr, &user.actor).await?;
    let sop = services
        .catalog
        .latest(SOP_CODE)
        .ok_or(WebError::NotFound)?;
    let now = services.clock.now();
    let tz = services.calendar.time_zone;
    let local_now = now.with_timezone(&tz);
    let cases = services.store.list_cases(None, 5000).await?;
    let done_this_month = cases
        .iter()
        .filter(|case| case.status == CaseStatus::Done)
        .filter(|case| {
            case.closed_at.is_some_and(|closed| {
                let local = closed.with_timezone(&tz);
                local.year() == local_now.year() && local.month() == local_now.month()
            })
        })
        .count();
    let count = |status: CaseStatus| cases.iter().filter(|case| case.status == status).count();
    let mut per_step: HashMap<u32, usize> = HashMap::new();
    for case in cases.iter().filter(|case| !case.status.is_closed()) {
        *per_step.entry(case.current_step).or_default() += 1;
    }
    let by_step = sop
        .steps
        .iter()
        .filter(|step| step.kind != StepKind::End)
        .map(|step| {
            (
                step.no,
                step.activity.clone(),
                per_step.get(&step.no).copied().unwrap_or(0),
            )
        })
        .collect();
    let partial = DashboardPartial {
        tr,
        stats: vec![
            ("web-stat-open", count(CaseStatus::Open), "open"),
            ("web-stat-returned", count(CaseStatus::Returned), "returned"),
            (
                "web-stat-overdue",
                rows.iter().filter(|row| row.overdue).count(),
                "overdue",
            ),
            ("web-stat-done-month", done_this_month, "done"),
            ("web-stat-rejected", count(CaseStatus::Rejected), "rejected"),
        ],
        by_step,
        overdue_rows: rows.into_iter().filter(|row| row.overdue).collect(),
        apps: crate::pages::register::maintenance::due_apps(services, tr).await?,
    };
    page_or_partial(shell, partial, |shell, partial| DashboardPage {
        tr: shell.tr,
        shell,
        partial,
    })
}
