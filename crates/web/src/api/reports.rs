//! `/api/v1/reports`: the dashboard's figures and the Mutu Baku compliance per step as JSON,
//! for a period. The same context as the report pages (`pages::reports::report_context`: the
//! period codes, `report_scope`, so an OPD's token gets its OPD's figures only) and the same
//! SQL aggregates (`pelihara_store::compliance`); numbers as counted, never worded. Nothing is
//! counted here.

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use pelihara_domain::OpdId;
use pelihara_domain::report::{Period, PeriodProblem};
use pelihara_i18n::t;
use pelihara_store::{Grouping, ReportFilter, TokenScope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::ApiCaller;
use super::paging::add_field;
use super::problem::{ApiResult, Problem};
use crate::lang::Tr;
use crate::pages::reports::{PeriodQuery, ReportContext, report_context};
use crate::state::Services;

/// The period and narrowing of a report. Every parameter is optional: this month, every SOP,
/// every OPD the caller may see.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `bulan-YYYY-M` (a month), `triwulan-YYYY-Q`, `semester-YYYY-S`, `tahun-YYYY`, or
    /// `tanggal` with `from` and `to`; absent: this month.
    pub period: Option<String>,
    /// With `period=tanggal`: the first day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// With `period=tanggal`: the last day (`YYYY-MM-DD`), at most a year after `from`.
    pub to: Option<String>,
    /// An SOP's code; absent: every SOP.
    pub sop: Option<String>,
    /// An OPD's id (an OPD's token always gets its own OPD's figures).
    pub opd: Option<String>,
}

/// The period and scope a report counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportPeriodJson {
    /// The period's code (`bulan-2026-11`, `tanggal`, ...).
    pub code: String,
    /// The first and last day (the office's calendar).
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The OPD the figures are narrowed to; absent: the whole office.
    pub opd_id: Option<String>,
    /// The SOP the figures are narrowed to; absent: every SOP.
    pub sop_code: Option<String>,
}

impl ReportPeriodJson {
    fn new(ctx: &ReportContext) -> ReportPeriodJson {
        ReportPeriodJson {
            code: ctx.period.code(),
            first_day: ctx.period.start,
            last_day: ctx.period.last(),
            opd_id: ctx.filter.opd.map(|opd| opd.to_string()),
            sop_code: ctx.filter.sop_code.clone(),
        }
    }
}

/// Reads the report's context as the pages do, after naming every parameter that is wrong:
/// an unknown period, date, SOP or OPD is a 422 here (the page falls back instead).
async fn context(
    services: &Services,
    caller: &ApiCaller,
    query: &ReportQuery,
) -> ApiResult<ReportContext> {
    let mut problem: Option<Problem> = None;
    let text = |value: &Option<String>| value.as_deref().unwrap_or_default().trim().to_owned();
    let (period, from, to, sop, opd) = (
        text(&query.period),
        text(&query.from),
        text(&query.to),
        text(&query.sop),
        text(&query.opd),
    );
    let today = services
        .calendar
        .snapshot()
        .local_date(services.clock.now());
    if let Err(wrong) = Period::parse(&period, &from, &to, today) {
        let field = match wrong {
            PeriodProblem::Date | PeriodProblem::Order | PeriodProblem::TooLong
                if period == "tanggal" =>
            {
                if from.is_empty() || NaiveDate::parse_from_str(&from, "%Y-%m-%d").is_err() {
                    "from"
                } else {
                    "to"
                }
            }
            _ => "period",
        };
        add_field(
            &mut problem,
            caller,
            field,
            t(caller.lang, &format!("report-period-{}", wrong.code())),
        );
    }
    if !sop.is_empty()
        && !services
            .catalog
            .snapshot()
            .current_all()
            .iter()
            .any(|known| known.header.code == sop)
    {
        add_field(
            &mut problem,
            caller,
            "sop",
            t(caller.lang, "api-error-unknown-value"),
        );
    }
    if !opd.is_empty() {
        let known = match OpdId::parse(&opd) {
            Some(id) => services.store.opd(id).await?.is_some(),
            None => false,
        };
        if !known {
            add_field(
                &mut problem,
                caller,
                "opd",
                t(caller.lang, "api-error-unknown-value"),
            );
        }
    }
    if let Some(problem) = problem {
        return Err(problem.into());
    }
    let page_query = PeriodQuery {
        periode: period,
        dari: from,
        sampai: to,
        sop,
        opd,
    };
    Ok(report_context(
        services,
        Tr::new(caller.lang),
        &caller.user.actor,
        &page_query,
    )
    .await?)
}

/// Open requests at one step of one SOP version.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepCountJson {
    pub sop_code: String,
    pub sop_version: u32,
    pub step_no: u32,
    pub cases: u64,
}

/// One month's requests (the dashboard's charts).
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthJson {
    /// `YYYY-MM`.
    pub month: String,
    pub submitted: u64,
    pub done: u64,
    /// Tasks finished in the month that have a standard, and how many of them within it.
    pub finished_tasks: u64,
    pub within_standard: u64,
}

/// The dashboard's figures for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardJson {
    pub period: ReportPeriodJson,
    /// Now: requests in progress (not returned), returned to the requester, and overdue.
    pub in_progress: u64,
    pub returned: u64,
    pub overdue: u64,
    /// In the period: requests submitted, done, rejected and withdrawn.
    pub submitted: u64,
    pub done: u64,
    pub rejected: u64,
    pub withdrawn: u64,
    /// Tasks finished in the period that have a standard, and how many within it.
    pub finished_tasks: u64,
    pub within_standard: u64,
    /// Requests in progress per step (returned ones are counted in `returned` only).
    pub in_progress_by_step: Vec<StepCountJson>,
    /// The period's months (at least the six ending with it).
    pub months: Vec<MonthJson>,
}

/// `GET /api/v1/reports/dashboard`: the figures the dashboard shows.
#[utoipa::path(
    get,
    path = "/api/v1/reports/dashboard",
    tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "The dashboard's figures", body = DashboardJson),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller sees no report", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not understood", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn dashboard(
    State(state): State<crate::state::AppState>,
    caller: ApiCaller,
    Query(query): Query<ReportQuery>,
) -> ApiResult<Json<DashboardJson>> {
    caller.require(TokenScope::Read)?;
    let services = state.services();
    let ctx = context(services, &caller, &query).await?;
    let store = &services.store;
    let now = services.clock.now();
    let mut by_step = Vec::new();
    let (mut in_progress, mut returned) = (0, 0);
    for count in store.cases_in_progress(&ctx.filter).await? {
        if count.status == pelihara_domain::CaseStatus::Returned {
            returned += count.cases;
        } else {
            in_progress += count.cases;
            by_step.push(StepCountJson {
                sop_code: count.sop_code,
                sop_version: count.sop_version,
                step_no: count.step_no,
                cases: count.cases,
            });
        }
    }
    let period = store.cases_in_period(&ctx.filter).await?;
    let (finished_tasks, within_standard) = store.finished_within_standard(&ctx.filter).await?;
    let mut months = Vec::new();
    for month in crate::pages::cases::dashboard::chart_months(&ctx.period) {
        let (from, until) = month.bounds(&services.calendar.snapshot());
        let filter = ReportFilter {
            from,
            until,
            ..ctx.filter.clone()
        };
        let counts = store.cases_in_period(&filter).await?;
        let (finished, met) = store.finished_within_standard(&filter).await?;
        months.push(MonthJson {
            month: month.start.format("%Y-%m").to_string(),
            submitted: counts.submitted,
            done: counts.done,
            finished_tasks: finished,
            within_standard: met,
        });
    }
    Ok(Json(DashboardJson {
        in_progress,
        returned,
        overdue: store.overdue_cases(&ctx.filter, now).await?,
        submitted: period.submitted,
        done: period.done,
        rejected: period.rejected,
        withdrawn: period.withdrawn,
        finished_tasks,
        within_standard,
        in_progress_by_step: by_step,
        months,
        period: ReportPeriodJson::new(&ctx),
    }))
}

/// A working time against its standard: the standard's unit and amounts in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepComplianceJson {
    pub sop_code: String,
    pub sop_version: u32,
    pub step_no: u32,
    /// The step's activity, from the SOP version.
    pub activity: String,
    /// `working_minutes`, `working_days` or `calendar_days`; absent: the step has no standard.
    pub standard_unit: Option<String>,
    /// The standard, in its unit.
    pub standard: Option<f64>,
    /// Tasks finished in the period, and how many within the standard.
    pub finished: u64,
    pub within_standard: u64,
    /// Median and 90th percentile (nearest rank) of the working time, in the standard's unit.
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// The same as a share of the standard, in permille.
    pub median_permille: Option<i64>,
    pub p90_permille: Option<i64>,
    /// Tasks opened in the period still open now, and how many of them are overdue now.
    pub open: u64,
    pub overdue: u64,
}

/// The Mutu Baku compliance per step for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceJson {
    pub period: ReportPeriodJson,
    pub steps: Vec<StepComplianceJson>,
}

/// An amount x 1e6 in its unit.
fn amount(micros: Option<i64>) -> Option<f64> {
    micros.map(|micros| micros as f64 / 1_000_000.0)
}

/// `GET /api/v1/reports/compliance`: the Mutu Baku compliance per SOP step for a period.
#[utoipa::path(
    get,
    path = "/api/v1/reports/compliance",
    tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "Compliance per step", body = ComplianceJson),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller sees no report", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not understood", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn compliance(
    State(state): State<crate::state::AppState>,
    caller: ApiCaller,
    Query(query): Query<ReportQuery>,
) -> ApiResult<Json<ComplianceJson>> {
    caller.require(TokenScope::Read)?;
    let services = state.services();
    let ctx = context(services, &caller, &query).await?;
    let rows = services
        .store
        .compliance(&ctx.filter, Grouping::Step, services.clock.now())
        .await?;
    let mut steps = Vec::with_capacity(rows.len());
    for row in rows {
        let group = &row.group;
        let sop = services
            .catalog
            .version(&services.store, &group.sop_code, group.sop_version)
            .await?;
        let activity = sop
            .as_ref()
            .and_then(|sop| sop.step(group.step_no))
            .map(|step| step.activity.clone())
            .unwrap_or_default();
        steps.push(StepComplianceJson {
            sop_code: group.sop_code.clone(),
            sop_version: group.sop_version,
            step_no: group.step_no,
            activity,
            standard_unit: row.standard_unit.clone(),
            standard: amount(row.standard_micros),
            finished: row.finished,
            within_standard: row.met,
            median: amount(row.actual_micros.median),
            p90: amount(row.actual_micros.p90),
            median_permille: row.ratio_permille.median,
            p90_permille: row.ratio_permille.p90,
            open: row.open,
            overdue: row.overdue,
        });
    }
    Ok(Json(ComplianceJson {
        period: ReportPeriodJson::new(&ctx),
        steps,
    }))
}
