//! The report pages (issue 15): Mutu Baku compliance (`/laporan/mutu-baku`, `compliance`),
//! periodic maintenance coverage (`/laporan/pemeliharaan`, `coverage`), the SOP monitoring
//! form of PermenPAN-RB 35/2012 (`/laporan/monitoring-sop`, `monitoring`) and what they share
//! with the dashboard: the period chooser, whose figures a person sees
//! (`pelihara_domain::report::report_scope`), the wording of shares and working times, the
//! server-rendered SVG charts (`charts`) and the downloads. Every figure comes from one of the
//! store's SQL aggregates (`pelihara_store::compliance`); nothing here counts cases.

pub(crate) mod charts;
pub(crate) mod compliance;
pub(crate) mod coverage;
pub(crate) mod drill;
pub(crate) mod monitoring;

use chrono::Datelike;
use pelihara_domain::report::{Period, PeriodKind, ReportScope, report_scope};
use pelihara_domain::{Actor, OpdId};
use pelihara_i18n::{Lang, format_date, format_month};
use pelihara_register::report::Table;
use pelihara_store::ReportFilter;
use serde::Deserialize;

use crate::error::WebError;
use crate::exports::Export;
use crate::lang::Tr;
use crate::pages::admin::users::Choice;
use crate::state::Services;

/// The period and narrowing fields every report and the dashboard read.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct PeriodQuery {
    /// A period code (`bulan-2026-11`, `tahun-2026`, `tanggal`, ...); empty: this month.
    #[serde(default)]
    pub periode: String,
    #[serde(default)]
    pub dari: String,
    #[serde(default)]
    pub sampai: String,
    /// An SOP code; empty: every SOP.
    #[serde(default)]
    pub sop: String,
    /// An OPD id (the office's figures only; an operator's are always their OPD's).
    #[serde(default)]
    pub opd: String,
}

/// A report's period, scope and narrowing, read from a request.
pub(crate) struct ReportContext {
    pub scope: ReportScope,
    pub period: Period,
    pub filter: ReportFilter,
    /// "November 2026", "Triwulan IV 2026", "5 Maret 2026 – 2 April 2026".
    pub label: String,
    /// The query string that shows the same figures (period, SOP, OPD).
    pub query: String,
    /// The chooser's choices.
    pub periods: Vec<Choice>,
    pub sops: Vec<Choice>,
    /// Empty for an operator (their OPD is fixed).
    pub opds: Vec<Choice>,
    pub dates: bool,
    pub first: String,
    pub last: String,
    /// The scope and narrowing, worded ("Semua OPD", "Dinas Kesehatan").
    pub scope_label: String,
    pub sop_label: String,
}

impl ReportContext {
    /// Whether the figures are the whole office's (the monitoring form's tab is shown).
    pub(crate) fn office(&self) -> bool {
        self.scope == ReportScope::Office
    }

    /// What an export of `report` records in the audit trail: the period, the SOP and the
    /// OPD it was narrowed to.
    pub(crate) fn export(&self, report: &'static str) -> Export {
        Export::new(report)
            .period(self.period.code(), self.period.start, self.period.last())
            .filter("sop", self.filter.sop_code.clone().unwrap_or_default())
            .filter(
                "opd",
                self.filter
                    .opd
                    .map(|opd| opd.to_string())
                    .unwrap_or_default(),
            )
    }
}

/// Bounds what a person may type into the narrowing fields.
const MAX_FIELD: usize = 100;

fn roman(part: u32) -> &'static str {
    ["I", "II", "III", "IV"]
        .get(part.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// A period as a person reads it.
pub(crate) fn period_label(tr: Tr, period: &Period) -> String {
    let lang = tr.lang();
    match period.kind {
        PeriodKind::Month => format_month(lang, period.year, period.part),
        PeriodKind::Quarter => tr.t2(
            "report-period-quarter-label",
            "part",
            roman(period.part),
            "year",
            period.year,
        ),
        PeriodKind::Semester => tr.t2(
            "report-period-semester-label",
            "part",
            roman(period.part),
            "year",
            period.year,
        ),
        PeriodKind::Year => period.year.to_string(),
        PeriodKind::Dates => format!(
            "{} – {}",
            format_date(lang, period.start),
            format_date(lang, period.last())
        ),
    }
}

/// The chooser's periods: the last 24 months, 8 quarters, 4 semesters and 5 years up to
/// today, and "dates".
fn period_choices(tr: Tr, today: chrono::NaiveDate, chosen: &Period) -> Vec<Choice> {
    let mut periods = Vec::new();
    let this_month = Period::month_of(today);
    periods.extend(this_month.trailing_months(24).into_iter().rev());
    let quarter = |year: i32, part: u32| Period::of(PeriodKind::Quarter, year, part).ok();
    let semester = |year: i32, part: u32| Period::of(PeriodKind::Semester, year, part).ok();
    let (year, month) = (today.year(), today.month());
    for back in 0..8_i32 {
        let index = year * 4 + i32::try_from((month - 1) / 3).unwrap_or(0) - back;
        periods.extend(quarter(
            index.div_euclid(4),
            index.rem_euclid(4).unsigned_abs() + 1,
        ));
    }
    for back in 0..4_i32 {
        let index = year * 2 + i32::try_from((month - 1) / 6).unwrap_or(0) - back;
        periods.extend(semester(
            index.div_euclid(2),
            index.rem_euclid(2).unsigned_abs() + 1,
        ));
    }
    for back in 0..5 {
        periods.extend(Period::of(PeriodKind::Year, year - back, 0).ok());
    }
    // A period from a link that is not in the list (an older month) is offered too.
    if chosen.kind != PeriodKind::Dates && !periods.contains(chosen) {
        periods.insert(0, *chosen);
    }
    let mut choices: Vec<Choice> = periods
        .iter()
        .map(|period| Choice {
            value: period.code(),
            label: period_label(tr, period),
            selected: period == chosen,
        })
        .collect();
    choices.push(Choice {
        value: "tanggal".into(),
        label: tr.t("report-period-dates"),
        selected: chosen.kind == PeriodKind::Dates,
    });
    choices
}

/// Reads the period, SOP and OPD of a report for `actor`: a 404 for someone who sees no
/// report, a clear message for a period that does not exist.
pub(crate) async fn report_context(
    services: &Services,
    tr: Tr,
    actor: &Actor,
    query: &PeriodQuery,
) -> Result<ReportContext, WebError> {
    let scope = report_scope(actor).ok_or(WebError::NotFound)?;
    let now = services.clock.now();
    let today = services.calendar.snapshot().local_date(now);
    let bounded = |text: &str| text.chars().take(MAX_FIELD).collect::<String>();
    let period = Period::parse(
        &bounded(&query.periode),
        &bounded(&query.dari),
        &bounded(&query.sampai),
        today,
    )
    .map_err(|problem| WebError::bad_request(format!("report-period-{}", problem.code())))?;
    let catalog = services.catalog.snapshot();
    let mut sop_codes: Vec<(String, String)> = catalog
        .current_all()
        .iter()
        .map(|sop| (sop.header.code.clone(), sop.header.title.clone()))
        .collect();
    sop_codes.sort();
    let sop_code = Some(bounded(query.sop.trim()))
        .filter(|code| sop_codes.iter().any(|(known, _)| known == code));
    let opds = services.store.list_opds().await?;
    let opd: Option<OpdId> = match scope {
        ReportScope::Opd(opd) => Some(opd),
        ReportScope::Office => {
            OpdId::parse(&bounded(&query.opd)).filter(|id| opds.iter().any(|opd| opd.id == *id))
        }
    };
    let (from, until) = period.bounds(&services.calendar.snapshot());
    let filter = ReportFilter {
        from,
        until,
        opd,
        sop_code: sop_code.clone(),
    };
    let mut link = period.query();
    if let Some(code) = &sop_code {
        link.push_str(&format!("&sop={code}"));
    }
    if let (ReportScope::Office, Some(opd)) = (scope, opd) {
        link.push_str(&format!("&opd={opd}"));
    }
    let opd_name = |id: OpdId| {
        opds.iter()
            .find(|opd| opd.id == id)
            .map(|opd| opd.name.clone())
            .unwrap_or_default()
    };
    let scope_label = match opd {
        Some(id) => opd_name(id),
        None => tr.t("report-scope-office"),
    };
    let sop_label = sop_codes
        .iter()
        .find(|(code, _)| Some(code) == sop_code.as_ref())
        .map_or_else(|| tr.t("report-all-sops"), |(_, title)| title.clone());
    let mut sop_choices = vec![Choice {
        value: String::new(),
        label: tr.t("report-all-sops"),
        selected: sop_code.is_none(),
    }];
    sop_choices.extend(sop_codes.iter().map(|(code, title)| Choice {
        value: code.clone(),
        label: title.clone(),
        selected: Some(code) == sop_code.as_ref(),
    }));
    let opd_choices = match scope {
        ReportScope::Opd(_) => Vec::new(),
        ReportScope::Office => {
            let mut choices = vec![Choice {
                value: String::new(),
                label: tr.t("report-scope-office"),
                selected: opd.is_none(),
            }];
            choices.extend(opds.iter().map(|choice| Choice {
                value: choice.id.to_string(),
                label: choice.name.clone(),
                selected: opd == Some(choice.id),
            }));
            choices
        }
    };
    Ok(ReportContext {
        scope,
        label: period_label(tr, &period),
        query: link,
        periods: period_choices(tr, today, &period),
        sops: sop_choices,
        opds: opd_choices,
        dates: period.kind == PeriodKind::Dates,
        first: period.start.format("%Y-%m-%d").to_string(),
        last: period.last().format("%Y-%m-%d").to_string(),
        scope_label,
        sop_label,
        period,
        filter,
    })
}

fn decimal(lang: Lang, value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    match lang {
        Lang::Id => text.replace('.', ","),
        Lang::En => text,
    }
}

/// `part` of `whole` as a percentage with one decimal ("87,5 %"); "–" of nothing.
pub(crate) fn share(tr: Tr, part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".to_owned();
    }
    format!(
        "{} %",
        decimal(tr.lang(), part as f64 * 100.0 / whole as f64, 1)
    )
}

/// `part` of `whole` as a whole percentage for a chart (0-100).
pub(crate) fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// A share of the standard in permille as a percentage ("140 %"); "–" for none.
pub(crate) fn of_standard(permille: Option<i64>) -> String {
    permille.map_or_else(|| "–".to_owned(), |permille| format!("{} %", permille / 10))
}

/// An amount of working time in a standard's unit (`micros` = the amount x 1e6):
/// "7 menit", "7,5 menit", "2,3 hari kerja".
pub(crate) fn amount(tr: Tr, unit: Option<&str>, micros: Option<i64>) -> String {
    let (Some(unit), Some(micros)) = (unit, micros) else {
        return "–".to_owned();
    };
    let value = micros as f64 / 1_000_000.0;
    let places = if (value - value.round()).abs() < 0.05 {
        0
    } else {
        1
    };
    let key = match unit {
        "working_minutes" => "report-amount-minutes",
        "working_days" => "report-amount-working-days",
        _ => "report-amount-calendar-days",
    };
    tr.t1(key, "value", decimal(tr.lang(), value, places))
}

/// Working seconds as working hours ("12,5 jam kerja"); "–" for none.
pub(crate) fn hours(tr: Tr, seconds: Option<i64>) -> String {
    seconds.map_or_else(
        || "–".to_owned(),
        |seconds| {
            tr.t1(
                "report-amount-hours",
                "value",
                decimal(tr.lang(), seconds as f64 / 3600.0, 1),
            )
        },
    )
}

/// The tables of a report as a PDF (landscape, with the letterhead), rendered off the
/// runtime. `figures`: the headline figures (label, value).
#[allow(clippy::too_many_arguments)] // Each is one part of the printed report.
pub(crate) async fn tables_pdf(
    services: &Services,
    tr: Tr,
    actor: &Actor,
    title: String,
    facts: Vec<(String, String)>,
    figures: Vec<(String, String)>,
    tables: &[Table],
    note: String,
) -> Result<Vec<u8>, WebError> {
    let lang = tr.lang();
    let doc = pelihara_documents::ReportDoc {
        title,
        facts,
        figures,
        tables: tables
            .iter()
            .map(|table| pelihara_documents::ReportTableDoc {
                title: table.title.clone(),
                headers: table.headers.clone(),
                rows: table
                    .rows
                    .iter()
                    .map(|row| row.iter().map(|cell| cell.text()).collect())
                    .collect(),
            })
            .collect(),
        empty: tr.t("report-empty"),
        note,
        printed: tr.t1(
            "register-record-printed",
            "at",
            format!(
                "{} · {}",
                pelihara_i18n::format_datetime(
                    lang,
                    services.calendar.snapshot().time_zone,
                    services.clock.now()
                ),
                actor.user.full_name
            ),
        ),
        footer: tr.t("register-record-page"),
    };
    let letterhead_setting = crate::pages::documents::LetterheadSetting::load(services).await?;
    let setting = pelihara_documents::Setting {
        letterhead: letterhead_setting.letterhead(services).await?,
        lang,
        time_zone: services.calendar.snapshot().time_zone,
        paper: letterhead_setting.paper(),
    };
    crate::pages::documents::off_runtime(move || pelihara_documents::render_report(&doc, &setting))
        .await?
        .map_err(WebError::internal)
}
