//! `GET /laporan/mutu-baku`: Mutu Baku compliance for a period, per SOP step, position,
//! person or OPD (`?kelompok=`), and per whole case, with CSV/XLSX/PDF downloads
//! (`?format=`); the drill-downs behind its figures are in [`super::drill`]. Figures are the
//! store's SQL aggregates; names of steps and positions come
//! from the SOP versions. An operator sees their OPD's figures only (`report_scope`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use pelihara_domain::report::office_day_seconds;
use pelihara_register::report::{Cell, Table, table_csv, tables_xlsx};
use pelihara_register::sheet::CsvOptions;
use pelihara_store::{CaseComplianceRow, ComplianceRow, GroupKey, Grouping, SopCatalog};
use serde::Deserialize;

use super::charts::{Chart, ShareBar, share_bars};
use super::{
    PeriodQuery, ReportContext, amount, hours, of_standard, percent, report_context, share,
    tables_pdf,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::exports::{ExportFile, deliver};
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::people::position_label;
use crate::shell::Shell;
use crate::state::{AppState, Services};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ComplianceQuery {
    #[serde(flatten)]
    period: PeriodQuery,
    /// `step` (default), `position`, `person` or `opd`.
    #[serde(default)]
    kelompok: String,
    /// `csv`, `xlsx` or `pdf` for a download.
    #[serde(default)]
    format: String,
}

/// One row of the table, worded.
pub(crate) struct RowView {
    pub label: String,
    /// A few words for a chart's axis ("Langkah 2" for a step row).
    pub short: String,
    /// The SOP and version of a step row when the table holds several.
    pub sub: String,
    pub standard: String,
    pub finished: u64,
    pub met: u64,
    pub missed: u64,
    pub share: String,
    pub median: String,
    pub p90: String,
    pub median_ratio: String,
    pub p90_ratio: String,
    pub open: u64,
    pub overdue: u64,
    pub overdue_share: String,
    /// The drill-down link of this row without its outcome (`&hasil=` is added).
    pub drill: String,
}

pub(crate) struct CaseRowView {
    pub label: String,
    pub cases: u64,
    pub missed: u64,
    /// The drill-down link of this row without its outcome (`&hasil=` is added).
    pub drill: String,
    pub share: String,
    pub median: String,
    pub p90: String,
    pub median_ratio: String,
    pub p90_ratio: String,
}

/// The headline figures, the sums of the table's rows (so they agree with it).
pub(crate) struct Totals {
    pub finished: u64,
    pub share: String,
    pub open: u64,
    pub overdue: u64,
    pub cases_share: String,
}

#[derive(Template)]
#[template(path = "report_compliance_partial.html")]
struct CompliancePartial {
    tr: Tr,
    ctx: ReportContext,
    grouping: &'static str,
    groupings: Vec<(&'static str, String, bool)>,
    rows: Vec<RowView>,
    cases: Vec<CaseRowView>,
    totals: Totals,
    /// The per-step chart (SVG), empty for other groupings.
    chart: String,
    step_grouping: bool,
}

fn grouping_label(tr: Tr, grouping: Grouping) -> String {
    tr.t(&format!("report-group-{}", grouping.code()))
}

/// The label of a step row: "2. Registrasi surat", from the case's SOP version.
pub(crate) async fn step_label(
    services: &Services,
    code: &str,
    version: u32,
    step_no: u32,
) -> Result<(String, String), WebError> {
    let sop = services
        .catalog
        .version(&services.store, code, version)
        .await?;
    Ok(match sop {
        Some(sop) => (
            format!(
                "{step_no}. {}",
                sop.step(step_no)
                    .map(|step| step.activity.clone())
                    .unwrap_or_default()
            ),
            format!("{} v{version}", sop.header.title),
        ),
        None => (step_no.to_string(), format!("{code} v{version}")),
    })
}

/// The name of a row's key (position, person, OPD).
pub(super) async fn key_label(
    services: &Services,
    tr: Tr,
    catalog: &SopCatalog,
    grouping: Grouping,
    row: &ComplianceRow,
) -> Result<String, WebError> {
    Ok(match grouping {
        Grouping::Step => String::new(),
        Grouping::Position => position_label(tr, catalog, &row.group.key),
        Grouping::Person if row.group.key.is_empty() => tr.t("report-nobody-yet"),
        Grouping::Person => row.name.clone(),
        Grouping::Opd if row.group.key.is_empty() => tr.t("report-no-opd"),
        Grouping::Opd => match pelihara_domain::OpdId::parse(&row.group.key) {
            Some(id) => services
                .store
                .opd(id)
                .await?
                .map(|opd| opd.name)
                .unwrap_or_default(),
            None => String::new(),
        },
    })
}

pub(super) fn drill_key(grouping: Grouping, key: &GroupKey) -> String {
    match grouping {
        Grouping::Step => format!(
            "k_sop={}&k_versi={}&k_langkah={}",
            key.sop_code, key.sop_version, key.step_no
        ),
        _ => format!("k={}", key.key),
    }
}

/// The task compliance table of a context, worded.
pub(crate) async fn compliance_rows(
    services: &Services,
    tr: Tr,
    ctx: &ReportContext,
    grouping: Grouping,
) -> Result<Vec<RowView>, WebError> {
    let now = services.clock.now();
    let rows = services
        .store
        .compliance(&ctx.filter, grouping, now)
        .await?;
    let several_sops = rows
        .iter()
        .map(|row| (&row.group.sop_code, row.group.sop_version))
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        > 1;
    let catalog = services.catalog.snapshot();
    let mut views = Vec::new();
    for row in &rows {
        let (label, sub) = match grouping {
            Grouping::Step => {
                let (label, sub) = step_label(
                    services,
                    &row.group.sop_code,
                    row.group.sop_version,
                    row.group.step_no,
                )
                .await?;
                (label, if several_sops { sub } else { String::new() })
            }
            _ => (
                key_label(services, tr, &catalog, grouping, row).await?,
                String::new(),
            ),
        };
        let unit = row.standard_unit.as_deref();
        views.push(RowView {
            short: if grouping == Grouping::Step {
                tr.t1("web-step-no", "no", row.group.step_no)
            } else {
                label.chars().take(14).collect()
            },
            label,
            sub,
            standard: if grouping == Grouping::Step {
                amount(tr, unit, row.standard_micros)
            } else {
                String::new()
            },
            finished: row.finished,
            met: row.met,
            missed: row.finished - row.met.min(row.finished),
            share: share(tr, row.met, row.finished),
            median: amount(tr, unit, row.actual_micros.median),
            p90: amount(tr, unit, row.actual_micros.p90),
            median_ratio: of_standard(row.ratio_permille.median),
            p90_ratio: of_standard(row.ratio_permille.p90),
            open: row.open,
            overdue: row.overdue,
            overdue_share: share(tr, row.overdue, row.open),
            drill: format!(
                "/laporan/mutu-baku/tugas?{}&kelompok={}&{}",
                ctx.query,
                grouping.code(),
                drill_key(grouping, &row.group)
            ),
        });
    }
    Ok(views)
}

/// The whole-case table of a context, worded, and how many of its cases were within.
async fn case_rows(
    services: &Services,
    tr: Tr,
    ctx: &ReportContext,
) -> Result<(Vec<CaseRowView>, u64), WebError> {
    let cases = services
        .store
        .case_compliance(
            &ctx.filter,
            office_day_seconds(&services.calendar.snapshot()),
        )
        .await?;
    let mut views = Vec::new();
    for row in &cases {
        views.push(case_view(services, tr, ctx, row).await?);
    }
    Ok((views, cases.iter().map(|row| row.met).sum()))
}

async fn case_view(
    services: &Services,
    tr: Tr,
    ctx: &ReportContext,
    row: &CaseComplianceRow,
) -> Result<CaseRowView, WebError> {
    let label = services
        .catalog
        .version(&services.store, &row.sop_code, row.sop_version)
        .await?
        .map_or_else(
            || format!("{} v{}", row.sop_code, row.sop_version),
            |sop| format!("{} v{}", sop.header.title, row.sop_version),
        );
    Ok(CaseRowView {
        label,
        cases: row.cases,
        missed: row.cases - row.met,
        drill: format!(
            "/laporan/mutu-baku/permohonan?{}&k_sop={}&k_versi={}",
            ctx.query, row.sop_code, row.sop_version
        ),
        share: share(tr, row.met, row.cases),
        median: hours(tr, row.actual_seconds.median),
        p90: hours(tr, row.actual_seconds.p90),
        median_ratio: of_standard(row.ratio_permille.median),
        p90_ratio: of_standard(row.ratio_permille.p90),
    })
}

fn totals(tr: Tr, rows: &[RowView], cases: &[CaseRowView], case_rows_met: u64) -> Totals {
    let finished = rows.iter().map(|row| row.finished).sum();
    let met = rows.iter().map(|row| row.met).sum();
    let case_count = cases.iter().map(|row| row.cases).sum();
    Totals {
        finished,
        share: share(tr, met, finished),
        open: rows.iter().map(|row| row.open).sum(),
        overdue: rows.iter().map(|row| row.overdue).sum(),
        cases_share: share(tr, case_rows_met, case_count),
    }
}

/// The per-step chart: the share within the standard of each step with finished tasks.
pub(crate) fn step_chart(tr: Tr, rows: &[RowView]) -> Chart {
    let bars: Vec<ShareBar> = rows
        .iter()
        .filter(|row| row.finished > 0)
        .map(|row| ShareBar {
            label: row.short.clone(),
            share: percent(row.met, row.finished),
            text: row.share.clone(),
        })
        .collect();
    share_bars(tr.t("report-chart-per-step"), &bars)
}

/// The report's tables as the downloads hold them: the grouped table, then the whole cases.
fn tables(tr: Tr, grouping: Grouping, rows: &[RowView], cases: &[CaseRowView]) -> Vec<Table> {
    let step = grouping == Grouping::Step;
    let mut headers = vec![grouping_label(tr, grouping)];
    if step {
        headers.push(tr.t("report-col-sop"));
        headers.push(tr.t("report-col-standard"));
    }
    for key in ["report-col-finished", "report-col-met", "report-col-share"] {
        headers.push(tr.t(key));
    }
    if step {
        headers.push(tr.t("report-col-median"));
        headers.push(tr.t("report-col-p90"));
    }
    for key in [
        "report-col-median-ratio",
        "report-col-p90-ratio",
        "report-col-open",
        "report-col-overdue",
        "report-col-overdue-share",
    ] {
        headers.push(tr.t(key));
    }
    let grouped = Table {
        title: tr.t1(
            "report-table-per",
            "group",
            grouping_label(tr, grouping).to_lowercase(),
        ),
        headers,
        rows: rows
            .iter()
            .map(|row| {
                let mut cells = vec![Cell::Text(row.label.clone())];
                if step {
                    cells.push(Cell::Text(row.sub.clone()));
                    cells.push(Cell::Text(row.standard.clone()));
                }
                cells.extend([
                    Cell::Count(row.finished),
                    Cell::Count(row.met),
                    Cell::Text(row.share.clone()),
                ]);
                if step {
                    cells.push(Cell::Text(row.median.clone()));
                    cells.push(Cell::Text(row.p90.clone()));
                }
                cells.extend([
                    Cell::Text(row.median_ratio.clone()),
                    Cell::Text(row.p90_ratio.clone()),
                    Cell::Count(row.open),
                    Cell::Count(row.overdue),
                    Cell::Text(row.overdue_share.clone()),
                ]);
                cells
            })
            .collect(),
    };
    let whole = Table {
        title: tr.t("report-table-cases"),
        headers: [
            "report-col-sop",
            "report-col-cases",
            "report-col-share",
            "report-col-median",
            "report-col-p90",
            "report-col-median-ratio",
            "report-col-p90-ratio",
        ]
        .iter()
        .map(|key| tr.t(key))
        .collect(),
        rows: cases
            .iter()
            .map(|row| {
                vec![
                    Cell::Text(row.label.clone()),
                    Cell::Count(row.cases),
                    Cell::Text(row.share.clone()),
                    Cell::Text(row.median.clone()),
                    Cell::Text(row.p90.clone()),
                    Cell::Text(row.median_ratio.clone()),
                    Cell::Text(row.p90_ratio.clone()),
                ]
            })
            .collect(),
    };
    vec![grouped, whole]
}

pub(crate) async fn view_laporan_mutu_baku_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<ComplianceQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let ctx = report_context(services, tr, &user.actor, &query.period).await?;
    let grouping = Grouping::from_code(query.kelompok.trim()).unwrap_or(Grouping::Step);
    let rows = compliance_rows(services, tr, &ctx, grouping).await?;
    let (cases, case_met) = case_rows(services, tr, &ctx).await?;
    let totals = totals(tr, &rows, &cases, case_met);
    let file_stem = format!("mutu-baku-{}", ctx.period.code());
    let export = || ctx.export("mutu-baku").filter("kelompok", grouping.code());
    match query.format.as_str() {
        "" => {}
        "csv" => {
            let tables = tables(tr, grouping, &rows, &cases);
            let bytes = table_csv(&tables[0], CsvOptions::default()).map_err(WebError::internal)?;
            return deliver(
                services,
                &user,
                export(),
                ExportFile::csv(bytes, &file_stem),
            )
            .await;
        }
        "xlsx" => {
            let heading = format!("{} · {}", tr.t("report-compliance-title"), ctx.label);
            let bytes = tables_xlsx(&heading, &tables(tr, grouping, &rows, &cases))
                .map_err(WebError::internal)?;
            return deliver(
                services,
                &user,
                export(),
                ExportFile::xlsx(bytes, &file_stem),
            )
            .await;
        }
        "pdf" => {
            let facts = vec![
                (tr.t("report-period"), ctx.label.clone()),
                (tr.t("report-scope"), ctx.scope_label.clone()),
                (tr.t("report-sop"), ctx.sop_label.clone()),
            ];
            let figures = figures(tr, &totals);
            let bytes = tables_pdf(
                services,
                tr,
                &user.actor,
                tr.t("report-compliance-title"),
                facts,
                figures,
                &tables(tr, grouping, &rows, &cases),
                tr.t("report-compliance-note"),
            )
            .await?;
            return deliver(
                services,
                &user,
                export(),
                ExportFile::pdf(bytes, &file_stem),
            )
            .await;
        }
        _ => return Err(WebError::NotFound),
    }
    let step_grouping = grouping == Grouping::Step;
    let chart = if step_grouping {
        step_chart(tr, &rows).svg()
    } else {
        String::new()
    };
    let partial = CompliancePartial {
        tr,
        grouping: grouping.code(),
        groupings: [
            Grouping::Step,
            Grouping::Position,
            Grouping::Person,
            Grouping::Opd,
        ]
        .into_iter()
        .map(|choice| {
            (
                choice.code(),
                grouping_label(tr, choice),
                choice == grouping,
            )
        })
        .collect(),
        rows,
        cases,
        totals,
        chart,
        step_grouping,
        ctx,
    };
    page_or_partial(shell, partial, |tr, _| tr.t("report-compliance-title"))
}

/// The headline figures as (label, value), for the PDF.
fn figures(tr: Tr, totals: &Totals) -> Vec<(String, String)> {
    vec![
        (tr.t("report-tile-finished"), totals.finished.to_string()),
        (tr.t("report-tile-share"), totals.share.clone()),
        (tr.t("report-tile-open"), totals.open.to_string()),
        (tr.t("report-tile-overdue"), totals.overdue.to_string()),
        (tr.t("report-tile-cases-share"), totals.cases_share.clone()),
    ]
}
