//! `GET /dasbor`, the dashboard: for a chosen period (this month by default) the requests
//! submitted, done and rejected, the share of tasks finished within their Mutu Baku standard,
//! and now: the requests in progress per step and returned to the requester (the tiles are the
//! sums of that table, so they agree), the overdue ones, and the apps due for maintenance.
//! Charts (server-rendered SVG, each with its figures in a table): compliance per step,
//! requests per month, the trend of the share within the standard. Every figure is one of the
//! store's SQL aggregates (`pelihara_store::compliance`), correct at any size; an OPD's
//! operator sees their OPD's figures (`report_scope`).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use pelihara_domain::CaseStatus;
use pelihara_domain::report::{Period, ReportScope};
use pelihara_sop::StepKind;
use pelihara_store::{Grouping, ReportFilter};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::pages::reports::charts::{MonthColumns, TrendPoint, month_columns, share_trend};
use crate::pages::reports::compliance::{RowView, compliance_rows, step_chart};
use crate::pages::reports::{PeriodQuery, ReportContext, percent, report_context, share};
use crate::shell::Shell;
use crate::state::{AppState, Services};

#[derive(Template)]
#[template(path = "dashboard_partial.html")]
struct DashboardPartial {
    tr: Tr,
    ctx: ReportContext,
    grouping: &'static str,
    /// (message key, figure, CSS modifier, link) of each tile.
    stats: Vec<(&'static str, String, &'static str, String)>,
    /// Requests in progress per step, one group per SOP version, then the returned ones.
    by_step: Vec<StepGroup>,
    in_progress_total: u64,
    returned_total: u64,
    overdue_rows: Vec<OverdueRow>,
    /// Apps overdue or due soon for their periodic maintenance (the office's figures only).
    apps: Option<crate::pages::register::maintenance::DueApps>,
    step_rows: Vec<RowView>,
    step_chart: String,
    months: Vec<MonthRow>,
    months_chart: String,
    trend_chart: String,
}

/// One SOP version's requests in progress per step.
struct StepGroup {
    title: String,
    /// (step number, activity, open requests at it).
    steps: Vec<(u32, String, u64)>,
    returned: u64,
}

struct OverdueRow {
    case_id: String,
    subject: String,
    opd_name: String,
    step_no: u32,
    due: String,
}

struct MonthRow {
    label: String,
    submitted: u64,
    done: u64,
    share: String,
}

pub(crate) async fn view_dashboard_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let ctx = report_context(services, tr, &user.actor, &query).await?;
    let now = services.clock.now();
    let store = &services.store;
    let by_step = in_progress(services, &ctx.filter).await?;
    let in_progress_total: u64 = by_step
        .iter()
        .flat_map(|group| group.steps.iter())
        .map(|(_, _, count)| count)
        .sum();
    let returned_total: u64 = by_step.iter().map(|group| group.returned).sum();
    let overdue = store.overdue_cases(&ctx.filter, now).await?;
    let period = store.cases_in_period(&ctx.filter).await?;
    let step_rows = compliance_rows(services, tr, &ctx, Grouping::Step).await?;
    let finished: u64 = step_rows.iter().map(|row| row.finished).sum();
    let met: u64 = step_rows.iter().map(|row| row.met).sum();
    let report = format!("/laporan/mutu-baku?{}", ctx.query);
    let list = |status: &str| {
        let mut link = format!("/permohonan?status={status}");
        if let (ReportScope::Office, Some(opd)) = (ctx.scope, ctx.filter.opd) {
            link.push_str(&format!("&opd={opd}"));
        }
        link
    };
    let stats = vec![
        (
            "web-stat-open",
            in_progress_total.to_string(),
            "open",
            list("open"),
        ),
        (
            "web-stat-returned",
            returned_total.to_string(),
            "returned",
            list("returned"),
        ),
        (
            "web-stat-overdue",
            overdue.to_string(),
            "overdue",
            "#overdue-title".to_owned(),
        ),
        (
            "dashboard-tile-submitted",
            period.submitted.to_string(),
            "",
            list(""),
        ),
        (
            "dashboard-tile-done",
            period.done.to_string(),
            "done",
            list("done"),
        ),
        (
            "dashboard-tile-rejected",
            period.rejected.to_string(),
            "rejected",
            list("rejected"),
        ),
        (
            "report-tile-share",
            share(tr, met, finished),
            "done",
            report.clone(),
        ),
    ];
    let overdue_rows = store
        .overdue_tasks(&ctx.filter, now, 10)
        .await?
        .into_iter()
        .map(|row| OverdueRow {
            case_id: row.case_id.to_string(),
            subject: row.subject,
            opd_name: row.opd_name,
            step_no: row.step_no,
            due: row.due_at.map_or_else(String::new, |due| {
                pelihara_i18n::format_datetime(
                    tr.lang(),
                    services.calendar.snapshot().time_zone,
                    due,
                )
            }),
        })
        .collect();
    let months = chart_months(&ctx.period);
    let mut month_rows = Vec::new();
    for month in &months {
        let (from, until) = month.bounds(&services.calendar.snapshot());
        let filter = ReportFilter {
            from,
            until,
            ..ctx.filter.clone()
        };
        let counts = store.cases_in_period(&filter).await?;
        let (finished, met) = store.finished_within_standard(&filter).await?;
        month_rows.push((month, counts, finished, met));
    }
    let lang = tr.lang();
    let label = |month: &Period| {
        let short = pelihara_i18n::month_abbreviation(lang, month.part);
        if months.first().is_some_and(|first| first.year != month.year) || month.part == 1 {
            format!("{short} {}", month.year % 100)
        } else {
            short
        }
    };
    let months_chart = month_columns(
        tr.t("dashboard-chart-months"),
        (
            tr.t("dashboard-legend-submitted"),
            tr.t("dashboard-legend-done"),
        ),
        &month_rows
            .iter()
            .map(|(month, counts, _, _)| MonthColumns {
                label: label(month),
                first: counts.submitted,
                second: counts.done,
            })
            .collect::<Vec<_>>(),
    )
    .svg();
    let trend_chart = share_trend(
        tr.t("dashboard-chart-trend"),
        &month_rows
            .iter()
            .map(|(month, _, finished, met)| TrendPoint {
                label: label(month),
                share: (*finished > 0).then(|| percent(*met, *finished)),
                text: share(tr, *met, *finished),
            })
            .collect::<Vec<_>>(),
    )
    .svg();
    let apps = match ctx.scope {
        ReportScope::Office => {
            Some(crate::pages::register::maintenance::due_apps(services, tr).await?)
        }
        ReportScope::Opd(_) => None,
    };
    let partial = DashboardPartial {
        tr,
        grouping: "",
        stats,
        by_step,
        in_progress_total,
        returned_total,
        overdue_rows,
        apps,
        step_chart: step_chart(tr, &step_rows).svg(),
        step_rows,
        months: month_rows
            .iter()
            .map(|(month, counts, finished, met)| MonthRow {
                label: pelihara_i18n::format_month(lang, month.year, month.part),
                submitted: counts.submitted,
                done: counts.done,
                share: share(tr, *met, *finished),
            })
            .collect(),
        months_chart,
        trend_chart,
        ctx,
    };
    page_or_partial(shell, partial, |tr, _| tr.t("web-title-dashboard"))
}

/// The months the charts show: the period's own when it spans at least three, else the six
/// ending with it.
pub(crate) fn chart_months(period: &Period) -> Vec<Period> {
    let own = period.months();
    if own.len() >= 3 {
        own.into_iter().take(24).collect()
    } else {
        period.trailing_months(6)
    }
}

/// Requests in progress per step of each SOP version, named by the versions the cases
/// follow: every step of each SOP running now (a step nobody is at shows 0), and the steps of
/// earlier versions where requests still are. Returned requests are counted apart, whatever
/// step they were returned from, so each request is counted once.
async fn in_progress(
    services: &Services,
    filter: &ReportFilter,
) -> Result<Vec<StepGroup>, WebError> {
    let counts = services.store.cases_in_progress(filter).await?;
    let catalog = services.catalog.snapshot();
    let mut groups: BTreeMap<(String, u32), StepGroup> = BTreeMap::new();
    for sop in catalog.current_all() {
        if filter
            .sop_code
            .as_ref()
            .is_some_and(|code| *code != sop.header.code)
        {
            continue;
        }
        groups.insert(
            (sop.header.code.clone(), sop.header.version),
            StepGroup {
                title: format!("{} v{}", sop.header.title, sop.header.version),
                steps: sop
                    .steps
                    .iter()
                    .filter(|step| step.kind != StepKind::End)
                    .map(|step| (step.no, step.activity.clone(), 0))
                    .collect(),
                returned: 0,
            },
        );
    }
    for count in counts {
        let key = (count.sop_code.clone(), count.sop_version);
        if !groups.contains_key(&key) {
            let title = services
                .catalog
                .version(&services.store, &count.sop_code, count.sop_version)
                .await?
                .map_or_else(
                    || format!("{} v{}", count.sop_code, count.sop_version),
                    |sop| format!("{} v{}", sop.header.title, count.sop_version),
                );
            groups.insert(
                key.clone(),
                StepGroup {
                    title,
                    steps: Vec::new(),
                    returned: 0,
                },
            );
        }
        let Some(group) = groups.get_mut(&key) else {
            continue;
        };
        match count.status {
            CaseStatus::Returned => group.returned += count.cases,
            _ => match group.steps.iter_mut().find(|step| step.0 == count.step_no) {
                Some(step) => step.2 += count.cases,
                None => {
                    let activity = services
                        .catalog
                        .version(&services.store, &count.sop_code, count.sop_version)
                        .await?
                        .and_then(|sop| sop.step(count.step_no).map(|step| step.activity.clone()))
                        .unwrap_or_default();
                    group.steps.push((count.step_no, activity, count.cases));
                    group.steps.sort_by_key(|step| step.0);
                }
            },
        }
    }
    Ok(groups.into_values().collect())
}
