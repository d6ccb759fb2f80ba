//! The drill-downs of the Mutu Baku report: `GET /laporan/mutu-baku/tugas`, the tasks behind
//! one figure of a grouped table, and `GET /laporan/mutu-baku/permohonan`, the whole cases
//! behind one figure of the per-case table; newest first, a page at a time, each row linking
//! to its case. Scoped like the report (an operator sees their OPD's only).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use pelihara_domain::report::office_day_seconds;
use pelihara_store::{CaseFigure, ComplianceRow, DrillCursor, Figure, GroupKey, Grouping, Outcome};
use serde::Deserialize;

use super::compliance::{drill_key, key_label, step_label};
use super::{PeriodQuery, amount, hours, report_context};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DrillQuery {
    #[serde(flatten)]
    period: PeriodQuery,
    #[serde(default)]
    kelompok: String,
    #[serde(default)]
    k_sop: String,
    #[serde(default)]
    k_versi: String,
    #[serde(default)]
    k_langkah: String,
    #[serde(default)]
    k: String,
    /// `finished`, `met`, `missed`, `open` or `overdue`.
    #[serde(default)]
    hasil: String,
    #[serde(default)]
    setelah: String,
}

struct DrillRowView {
    case_id: String,
    tracking_code: String,
    subject: String,
    opd_name: String,
    step: String,
    person: String,
    when: String,
    actual: String,
    standard: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "report_drill_partial.html")]
struct DrillPartial {
    tr: Tr,
    title: String,
    subtitle: String,
    back: String,
    rows: Vec<DrillRowView>,
    next_link: String,
    open_side: bool,
    /// Whole cases: no step or person columns, "closed" for the moment.
    case_side: bool,
}

/// How many tasks a drill-down page lists.
const DRILL_PAGE: i64 = 50;

/// `GET /laporan/mutu-baku/tugas`: the tasks (with their cases) behind one figure.
pub(crate) async fn view_laporan_mutu_baku_tugas_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<DrillQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let ctx = report_context(services, tr, &user.actor, &query.period).await?;
    let grouping = Grouping::from_code(query.kelompok.trim()).ok_or(WebError::NotFound)?;
    let outcome = Outcome::from_code(query.hasil.trim()).ok_or(WebError::NotFound)?;
    let bounded = |text: &str| text.trim().chars().take(100).collect::<String>();
    let key = match grouping {
        Grouping::Step => GroupKey {
            sop_code: bounded(&query.k_sop),
            sop_version: query
                .k_versi
                .trim()
                .parse()
                .map_err(|_| WebError::NotFound)?,
            step_no: query
                .k_langkah
                .trim()
                .parse()
                .map_err(|_| WebError::NotFound)?,
            key: String::new(),
        },
        _ => GroupKey {
            key: bounded(&query.k),
            ..GroupKey::default()
        },
    };
    let now = services.clock.now();
    let after = DrillCursor::parse(&query.setelah);
    let page = services
        .store
        .compliance_tasks(
            &ctx.filter,
            &Figure {
                grouping,
                key: key.clone(),
                outcome,
            },
            now,
            after,
            DRILL_PAGE,
        )
        .await?;
    let catalog = services.catalog.snapshot();
    let group_label = match grouping {
        Grouping::Step => {
            step_label(services, &key.sop_code, key.sop_version, key.step_no)
                .await?
                .0
        }
        _ => {
            let row = ComplianceRow {
                group: key.clone(),
                name: page
                    .rows
                    .first()
                    .map(|row| row.person.clone())
                    .unwrap_or_default(),
                ..ComplianceRow::default()
            };
            key_label(services, tr, &catalog, grouping, &row).await?
        }
    };
    let mut rows = Vec::new();
    for row in &page.rows {
        let step = step_label(services, &row.sop_code, row.sop_version, row.step_no)
            .await?
            .0;
        let moment = if outcome == Outcome::Open || outcome == Outcome::Overdue {
            Some(row.opened_at)
        } else {
            row.completed_at
        };
        rows.push(DrillRowView {
            case_id: row.case_id.to_string(),
            tracking_code: row.tracking_code.clone(),
            subject: row.subject.clone(),
            opd_name: row.opd_name.clone(),
            step,
            person: if row.person.is_empty() {
                tr.t("report-nobody-yet")
            } else {
                row.person.clone()
            },
            when: moment
                .map(|at| {
                    pelihara_i18n::format_datetime(
                        tr.lang(),
                        services.calendar.snapshot().time_zone,
                        at,
                    )
                })
                .unwrap_or_default(),
            actual: amount(tr, row.standard_unit.as_deref(), row.actual_micros),
            standard: amount(tr, row.standard_unit.as_deref(), row.standard_micros),
            overdue: row.due_at.is_some_and(|due| due < now) && row.completed_at.is_none(),
        });
    }
    let base = format!(
        "/laporan/mutu-baku/tugas?{}&kelompok={}&{}&hasil={}",
        ctx.query,
        grouping.code(),
        drill_key(grouping, &key),
        outcome.code()
    );
    let partial = DrillPartial {
        tr,
        title: tr.t(&format!("report-drill-{}", outcome.code())),
        subtitle: format!("{group_label} · {}", ctx.label),
        back: format!(
            "/laporan/mutu-baku?{}&kelompok={}",
            ctx.query,
            grouping.code()
        ),
        rows,
        next_link: page
            .next
            .map(|next| format!("{base}&setelah={}", next.token()))
            .unwrap_or_default(),
        open_side: matches!(outcome, Outcome::Open | Outcome::Overdue),
        case_side: false,
    };
    page_or_partial(shell, partial, |_, partial| partial.title.clone())
}

/// `GET /laporan/mutu-baku/permohonan`: the whole cases of one SOP version behind a figure of
/// the per-case table (all done in the period, within the sum of the standards, or not).
pub(crate) async fn view_laporan_mutu_baku_permohonan_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<DrillQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let ctx = report_context(services, tr, &user.actor, &query.period).await?;
    let outcome = match Outcome::from_code(query.hasil.trim()) {
        Some(outcome @ (Outcome::Finished | Outcome::Met | Outcome::Missed)) => outcome,
        _ => return Err(WebError::NotFound),
    };
    let figure = CaseFigure {
        sop_code: query.k_sop.trim().chars().take(100).collect(),
        sop_version: query
            .k_versi
            .trim()
            .parse()
            .map_err(|_| WebError::NotFound)?,
        outcome,
    };
    let calendar = services.calendar.snapshot();
    let page = services
        .store
        .compliance_cases(
            &ctx.filter,
            &figure,
            office_day_seconds(&calendar),
            DrillCursor::parse(&query.setelah),
            DRILL_PAGE,
        )
        .await?;
    let sop_label = services
        .catalog
        .version(&services.store, &figure.sop_code, figure.sop_version)
        .await?
        .map_or_else(
            || format!("{} v{}", figure.sop_code, figure.sop_version),
            |sop| format!("{} v{}", sop.header.title, figure.sop_version),
        );
    let rows = page
        .rows
        .iter()
        .map(|row| DrillRowView {
            case_id: row.case_id.to_string(),
            tracking_code: row.tracking_code.clone(),
            subject: row.subject.clone(),
            opd_name: row.opd_name.clone(),
            step: String::new(),
            person: String::new(),
            when: pelihara_i18n::format_datetime(tr.lang(), calendar.time_zone, row.closed_at),
            actual: hours(tr, Some(row.actual_seconds)),
            standard: hours(tr, Some(row.standard_seconds)),
            overdue: false,
        })
        .collect();
    let base = format!(
        "/laporan/mutu-baku/permohonan?{}&k_sop={}&k_versi={}&hasil={}",
        ctx.query,
        figure.sop_code,
        figure.sop_version,
        outcome.code()
    );
    let partial = DrillPartial {
        tr,
        title: tr.t(&format!("report-drill-cases-{}", outcome.code())),
        subtitle: format!("{sop_label} · {}", ctx.label),
        back: format!("/laporan/mutu-baku?{}", ctx.query),
        rows,
        next_link: page
            .next
            .map(|next| format!("{base}&setelah={}", next.token()))
            .unwrap_or_default(),
        open_side: false,
        case_side: true,
    };
    page_or_partial(shell, partial, |_, partial| partial.title.clone())
}
