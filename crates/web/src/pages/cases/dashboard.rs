//! `GET /dasbor`, the leadership dashboard: headline figures, open requests per step, the
//! overdue ones and the apps due for maintenance. Not for OPD operators.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use pelihara_domain::{CaseStatus, Role};
use pelihara_sop::StepKind;

use super::list::{CaseRow, case_rows};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

#[derive(Template)]
#[template(path = "dashboard_partial.html")]
struct DashboardPartial {
    tr: Tr,
    /// (message key, count, CSS modifier) of each headline figure.
    stats: Vec<(&'static str, usize, &'static str)>,
    /// Open requests per step, one group per SOP (its title shown when there are several).
    by_step: Vec<StepGroup>,
    overdue_rows: Vec<CaseRow>,
    /// Apps overdue or due soon for their periodic maintenance (the register's).
    apps: crate::pages::register::maintenance::DueApps,
}

/// One SOP's open requests per step.
struct StepGroup {
    title: String,
    /// (step number, activity, open requests at it).
    steps: Vec<(u32, String, usize)>,
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
    let by_step = open_by_step(services, &cases).await?;
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

/// Open requests per step of each SOP, named by the SOP versions the cases follow: every step of
/// each SOP running now (a step nobody is at shows 0), and the steps of earlier versions where
/// open cases still are.
async fn open_by_step(
    services: &Services,
    cases: &[pelihara_store::CaseSummary],
) -> Result<Vec<StepGroup>, WebError> {
    let catalog = services.catalog.snapshot();
    let mut groups: BTreeMap<String, StepGroup> = BTreeMap::new();
    let mut counts: BTreeMap<String, BTreeMap<u32, (String, usize)>> = BTreeMap::new();
    for sop in catalog.current_all() {
        groups.insert(
            sop.header.code.clone(),
            StepGroup {
                title: sop.header.title.clone(),
                steps: Vec::new(),
            },
        );
        let steps = counts.entry(sop.header.code.clone()).or_default();
        for step in sop.steps.iter().filter(|step| step.kind != StepKind::End) {
            steps.insert(step.no, (step.activity.clone(), 0));
        }
    }
    for case in cases.iter().filter(|case| !case.status.is_closed()) {
        let Some(sop) = services
            .catalog
            .version(&services.store, &case.sop_code, case.sop_version)
            .await?
        else {
            continue;
        };
        groups
            .entry(case.sop_code.clone())
            .or_insert_with(|| StepGroup {
                title: sop.header.title.clone(),
                steps: Vec::new(),
            });
        let activity = sop
            .step(case.current_step)
            .map(|step| step.activity.clone())
            .unwrap_or_default();
        let steps = counts.entry(case.sop_code.clone()).or_default();
        steps.entry(case.current_step).or_insert((activity, 0)).1 += 1;
    }
    Ok(groups
        .into_iter()
        .map(|(code, mut group)| {
            group.steps = counts
                .remove(&code)
                .unwrap_or_default()
                .into_iter()
                .map(|(no, (activity, count))| (no, activity, count))
                .collect();
            group
        })
        .collect())
}
