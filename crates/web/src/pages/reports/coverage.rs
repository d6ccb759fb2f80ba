//! `GET /laporan/pemeliharaan`: periodic maintenance coverage, the SOP's warning that every
//! registered app and website is maintained at least once in 12 months. For the 12 months up
//! to the end of the chosen period (or now, if sooner): per OPD, the share of active apps
//! maintained; the apps that were not, since when they are overdue, and links to each app's
//! yearly "Data Pemeliharaan Aplikasi/Website" record. CSV/XLSX/PDF with `?format=`. Counted
//! by the store (`Store::maintenance_coverage`, `apps_not_maintained`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, Months};
use pelihara_i18n::format_date;
use pelihara_register::report::{Cell, Table, table_csv, tables_xlsx};
use pelihara_register::sheet::CsvOptions;
use serde::Deserialize;

use super::charts::{ShareBar, share_bars};
use super::{PeriodQuery, ReportContext, percent, report_context, share, tables_pdf};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::exports::{ExportFile, deliver};
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// The window of the SOP's warning.
const WINDOW_MONTHS: u32 = 12;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CoverageQuery {
    #[serde(flatten)]
    period: PeriodQuery,
    #[serde(default)]
    format: String,
}

struct OpdView {
    name: String,
    apps: u64,
    maintained: u64,
    share: String,
}

struct AppView {
    id: String,
    name: String,
    opd_name: String,
    last: String,
    overdue_since: String,
}

#[derive(Template)]
#[template(path = "report_coverage_partial.html")]
struct CoveragePartial {
    tr: Tr,
    ctx: ReportContext,
    grouping: &'static str,
    window: String,
    apps: u64,
    maintained: u64,
    share: String,
    opds: Vec<OpdView>,
    uncovered: Vec<AppView>,
    chart: String,
    /// The year of the records linked from each app.
    record_year: i32,
}

pub(crate) async fn view_laporan_pemeliharaan_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<CoverageQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let lang = tr.lang();
    let ctx = report_context(services, tr, &user.actor, &query.period).await?;
    let now = services.clock.now();
    let until = ctx.filter.until.min(now);
    let since = until
        .checked_sub_months(Months::new(WINDOW_MONTHS))
        .unwrap_or(until);
    let tz = services.calendar.snapshot().time_zone;
    let opd = ctx.filter.opd;
    let rows = services
        .store
        .maintenance_coverage(since, until, opd)
        .await?;
    let uncovered = services
        .store
        .apps_not_maintained(since, until, opd)
        .await?;
    let apps: u64 = rows.iter().map(|row| row.apps).sum();
    let maintained: u64 = rows.iter().map(|row| row.maintained).sum();
    let opds: Vec<OpdView> = rows
        .iter()
        .map(|row| OpdView {
            name: row.opd_name.clone(),
            apps: row.apps,
            maintained: row.maintained,
            share: share(tr, row.maintained, row.apps),
        })
        .collect();
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz).date_naive();
    let uncovered: Vec<AppView> = uncovered
        .iter()
        .map(|app| {
            let from = app.last_maintained_at.unwrap_or(app.registered_at);
            let since = local(from)
                .checked_add_months(Months::new(WINDOW_MONTHS))
                .unwrap_or(local(from));
            AppView {
                id: app.app_id.to_string(),
                name: app.name.clone(),
                opd_name: app.opd_name.clone(),
                last: app
                    .last_maintained_at
                    .map_or_else(|| tr.t("coverage-never"), |at| format_date(lang, local(at))),
                overdue_since: format_date(lang, since),
            }
        })
        .collect();
    let window = tr.t2(
        "coverage-window",
        "from",
        format_date(lang, local(since)),
        "until",
        format_date(lang, local(until - chrono::Duration::milliseconds(1))),
    );
    let tables = vec![
        Table {
            title: tr.t("coverage-table-opd"),
            headers: [
                "web-opd",
                "coverage-col-apps",
                "coverage-col-maintained",
                "coverage-col-share",
            ]
            .iter()
            .map(|key| tr.t(key))
            .collect(),
            rows: opds
                .iter()
                .map(|row| {
                    vec![
                        Cell::Text(row.name.clone()),
                        Cell::Count(row.apps),
                        Cell::Count(row.maintained),
                        Cell::Text(row.share.clone()),
                    ]
                })
                .collect(),
        },
        Table {
            title: tr.t("coverage-table-overdue"),
            headers: [
                "coverage-col-app",
                "web-opd",
                "coverage-col-last",
                "coverage-col-overdue-since",
            ]
            .iter()
            .map(|key| tr.t(key))
            .collect(),
            rows: uncovered
                .iter()
                .map(|app| {
                    vec![
                        Cell::Text(app.name.clone()),
                        Cell::Text(app.opd_name.clone()),
                        Cell::Text(app.last.clone()),
                        Cell::Text(app.overdue_since.clone()),
                    ]
                })
                .collect(),
        },
    ];
    let total_share = share(tr, maintained, apps);
    let stem = format!("cakupan-pemeliharaan-{}", ctx.period.code());
    let export = || ctx.export("cakupan-pemeliharaan");
    match query.format.as_str() {
        "" => {}
        "csv" => {
            let bytes = table_csv(&tables[0], CsvOptions::default()).map_err(WebError::internal)?;
            return deliver(services, &user, export(), ExportFile::csv(bytes, &stem)).await;
        }
        "xlsx" => {
            let heading = format!("{} · {window}", tr.t("coverage-title"));
            let bytes = tables_xlsx(&heading, &tables).map_err(WebError::internal)?;
            return deliver(services, &user, export(), ExportFile::xlsx(bytes, &stem)).await;
        }
        "pdf" => {
            let bytes = tables_pdf(
                services,
                tr,
                &user.actor,
                tr.t("coverage-title"),
                vec![
                    (tr.t("coverage-window-label"), window.clone()),
                    (tr.t("report-scope"), ctx.scope_label.clone()),
                ],
                vec![
                    (tr.t("coverage-col-apps"), apps.to_string()),
                    (tr.t("coverage-col-maintained"), maintained.to_string()),
                    (tr.t("coverage-col-share"), total_share.clone()),
                ],
                &tables,
                tr.t("coverage-note"),
            )
            .await?;
            return deliver(services, &user, export(), ExportFile::pdf(bytes, &stem)).await;
        }
        _ => return Err(WebError::NotFound),
    }
    let chart = share_bars(
        tr.t("coverage-chart"),
        &opds
            .iter()
            .map(|row| ShareBar {
                label: row.name.clone(),
                share: percent(row.maintained, row.apps),
                text: row.share.clone(),
            })
            .collect::<Vec<_>>(),
    )
    .svg();
    let partial = CoveragePartial {
        tr,
        grouping: "",
        window,
        apps,
        maintained,
        share: total_share,
        opds,
        uncovered,
        chart,
        record_year: local(until - chrono::Duration::milliseconds(1)).year(),
        ctx,
    };
    page_or_partial(shell, partial, |tr, _| tr.t("coverage-title"))
}
