//! `GET /laporan/skm`: the Survei Kepuasan Masyarakat report of a period (month, quarter,
//! semester, year or a range of dates), and `GET /laporan/skm/ekspor/{format}` the same
//! figures as CSV, XLSX or PDF. For leadership, auditors and the office's staff (and
//! admins); an OPD operator has no such page (404). Responses are anonymous here: the report
//! shows totals and suggestions, never who answered. The figures come from
//! `pelihara_domain::skm::result` over the store's totals, once, for the page and every export.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use pelihara_documents::{Setting, SkmReportDoc};
use pelihara_domain::Role;
use pelihara_domain::skm::{Fraction, SkmResult, result};
use pelihara_i18n::{format_date, format_datetime};
use pelihara_register::sheet::CsvOptions;
use pelihara_register::skm::{SkmLine, SkmSheet, SkmValue};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::exports::{Export, ExportFile, deliver};
use crate::lang::Tr;
use crate::pages::documents::{LetterheadSetting, off_runtime};
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// Suggestions listed per period, at most (the exports and the page alike).
const SUGGESTIONS_MAX: i64 = 500;
/// The longest range of dates accepted, in years.
const RANGE_YEARS_MAX: u32 = 5;

/// The period selector's query.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub(crate) struct PeriodQuery {
    /// `bulan`, `triwulan`, `semester`, `tahun` (default) or `tanggal`.
    periode: Option<String>,
    tahun: Option<String>,
    bulan: Option<String>,
    triwulan: Option<String>,
    semester: Option<String>,
    /// `YYYY-MM-DD`, for `tanggal`.
    dari: Option<String>,
    sampai: Option<String>,
}

/// A period of local dates, `[from, until)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Period {
    pub kind: &'static str,
    pub year: i32,
    /// The month, quarter or semester number (1-based) where the kind has one.
    pub part: u32,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

fn number(text: &Option<String>, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    let value: u32 = text.as_deref()?.trim().parse().ok()?;
    range.contains(&value).then_some(value)
}

impl Period {
    /// Reads the query; missing parts default to the current year, month, quarter or
    /// semester at `today`. `None` for anything out of range.
    pub(crate) fn parse(query: &PeriodQuery, today: NaiveDate) -> Option<Period> {
        let kind = query.periode.as_deref().unwrap_or("tahun").trim();
        let year = match &query.tahun {
            Some(text) if !text.trim().is_empty() => {
                i32::try_from(number(&Some(text.clone()), 2000..=2100)?).ok()?
            }
            _ => today.year(),
        };
        let part_or = |text: &Option<String>, range, default| match text {
            Some(value) if !value.trim().is_empty() => number(text, range),
            _ => Some(default),
        };
        let start = |month: u32| NaiveDate::from_ymd_opt(year, month, 1);
        let span = |from: NaiveDate, months: u32| from.checked_add_months(Months::new(months));
        let (kind, part, from, months) = match kind {
            "bulan" => {
                let month = part_or(&query.bulan, 1..=12, today.month())?;
                ("bulan", month, start(month)?, 1)
            }
            "triwulan" => {
                let quarter = part_or(&query.triwulan, 1..=4, today.month0() / 3 + 1)?;
                ("triwulan", quarter, start(quarter * 3 - 2)?, 3)
            }
            "semester" => {
                let half = part_or(&query.semester, 1..=2, today.month0() / 6 + 1)?;
                ("semester", half, start(half * 6 - 5)?, 6)
            }
            "tahun" => ("tahun", 0, start(1)?, 12),
            "tanggal" => {
                let date = |text: &Option<String>| {
                    NaiveDate::parse_from_str(text.as_deref()?.trim(), "%Y-%m-%d").ok()
                };
                let from = date(&query.dari)?;
                let to = date(&query.sampai)?;
                let until = to.succ_opt()?;
                if until <= from || span(from, RANGE_YEARS_MAX * 12)? < until {
                    return None;
                }
                return Some(Period {
                    kind: "tanggal",
                    year: from.year(),
                    part: 0,
                    from,
                    until,
                });
            }
            _ => return None,
        };
        Some(Period {
            kind,
            year,
            part,
            from,
            until: span(from, months)?,
        })
    }

    /// "November 2026", "Triwulan 4 2026", "2026", "1 Oktober 2026 s.d. 30 November 2026".
    pub(crate) fn label(&self, tr: Tr) -> String {
        match self.kind {
            "bulan" => format_date(tr.lang(), self.from)
                .split_once(' ')
                .map(|(_, rest)| rest.to_owned())
                .unwrap_or_default(),
            "triwulan" => tr.t2("skm-period-quarter-n", "n", self.part, "year", self.year),
            "semester" => tr.t2("skm-period-semester-n", "n", self.part, "year", self.year),
            "tahun" => self.year.to_string(),
            _ => tr.t2(
                "skm-period-range",
                "from",
                format_date(tr.lang(), self.from),
                "to",
                format_date(tr.lang(), self.until.pred_opt().unwrap_or(self.until)),
            ),
        }
    }

    /// The period's code, as the other reports write theirs (`bulan-2026-11`, `tahun-2026`);
    /// a range of dates is `tanggal` (its dates are recorded beside it).
    fn code(&self) -> String {
        match self.kind {
            "tahun" => format!("tahun-{}", self.year),
            "tanggal" => "tanggal".to_owned(),
            kind => format!("{kind}-{}-{}", self.year, self.part),
        }
    }

    /// The exported file's name without its extension: `skm-tahun-2026`,
    /// `skm-tanggal-2026-01-01-2026-03-31`.
    fn file_stem(&self) -> String {
        match self.kind {
            "tanggal" => format!(
                "skm-tanggal-{}-{}",
                self.from,
                self.until.pred_opt().unwrap_or(self.until)
            ),
            _ => format!("skm-{}", self.code()),
        }
    }

    /// The query that names this period (for the export links).
    pub(crate) fn query(&self) -> String {
        match self.kind {
            "bulan" => format!("periode=bulan&tahun={}&bulan={}", self.year, self.part),
            "triwulan" => format!(
                "periode=triwulan&tahun={}&triwulan={}",
                self.year, self.part
            ),
            "semester" => format!(
                "periode=semester&tahun={}&semester={}",
                self.year, self.part
            ),
            "tahun" => format!("periode=tahun&tahun={}", self.year),
            _ => format!(
                "periode=tanggal&dari={}&sampai={}",
                self.from,
                self.until.pred_opt().unwrap_or(self.until)
            ),
        }
    }

    fn instants(&self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |date: NaiveDate| {
            tz.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
                .earliest()
                .map_or_else(
                    || date.and_time(chrono::NaiveTime::MIN).and_utc(),
                    |local| local.with_timezone(&Utc),
                )
        };
        (at(self.from), at(self.until))
    }
}

/// The figures as a page and the exports show them.
pub(crate) struct ReportView {
    pub period: String,
    pub unit: String,
    pub result: SkmResult,
    /// (date, text) of each suggestion, oldest first.
    pub suggestions: Vec<(String, String)>,
}

/// A two-decimal figure in the reader's language: "80,48" in Indonesian, "80.48" in English.
pub(crate) fn shown(tr: Tr, value: Fraction) -> String {
    let text = value.two_decimals();
    match tr.lang() {
        pelihara_i18n::Lang::Id => text.replace('.', ","),
        pelihara_i18n::Lang::En => text,
    }
}

fn may_read(user: &CurrentUser) -> Result<(), WebError> {
    match user.role() {
        Role::Staff | Role::Auditor | Role::Admin => Ok(()),
        Role::OpdOperator => Err(WebError::NotFound),
    }
}

async fn view(
    app: &AppState,
    tr: Tr,
    query: &PeriodQuery,
) -> Result<(Period, ReportView), WebError> {
    let services = app.services();
    let tz = services.calendar.snapshot().time_zone;
    let today = services.clock.now().with_timezone(&tz).date_naive();
    let period =
        Period::parse(query, today).ok_or_else(|| WebError::bad_request("skm-error-period"))?;
    let (from, to) = period.instants(tz);
    let totals = services.store.skm_totals(from, to).await?;
    let suggestions = services
        .store
        .skm_suggestions(from, to, SUGGESTIONS_MAX)
        .await?
        .into_iter()
        .map(|suggestion| {
            (
                format_date(tr.lang(), suggestion.at.with_timezone(&tz).date_naive()),
                suggestion.text,
            )
        })
        .collect();
    let letterhead_setting = LetterheadSetting::load(services).await?;
    let unit = match letterhead_setting.office.trim() {
        "" => app.office_name(),
        office => office.to_owned(),
    };
    Ok((
        period.clone(),
        ReportView {
            period: period.label(tr),
            unit,
            result: result(&totals),
            suggestions,
        },
    ))
}

/// One unsur's line as the page shows it.
struct LineView {
    code: String,
    name: String,
    sum: u64,
    nrr: String,
    weighted: String,
    weakest: bool,
}

#[derive(Template)]
#[template(path = "skm_report_partial.html")]
struct ReportPartial {
    tr: Tr,
    period_kind: &'static str,
    year: i32,
    from: String,
    to: String,
    /// (value, label, selected) choices of the selector.
    months: Vec<(u32, String, bool)>,
    quarters: Vec<(u32, bool)>,
    semesters: Vec<(u32, bool)>,
    period: String,
    unit: String,
    export_query: String,
    respondents: u64,
    lines: Vec<LineView>,
    ikm: String,
    converted: String,
    /// Empty without responses.
    grade: String,
    kinerja: String,
    weakest: String,
    suggestions: Vec<(String, String)>,
}

fn weakest_names(tr: Tr, result: &SkmResult) -> String {
    result
        .weakest
        .iter()
        .map(|unsur| {
            let nrr = result
                .unsur
                .iter()
                .find(|line| line.unsur == *unsur)
                .map(|line| shown(tr, line.nrr))
                .unwrap_or_default();
            format!("U{} {} ({nrr})", unsur.number(), tr.t(&unsur.name_key()))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) async fn view_laporan_skm_get(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    may_read(&user)?;
    let tr = shell.tr;
    let (period, report) = view(&app, tr, &query).await?;
    let result = &report.result;
    let partial = ReportPartial {
        tr,
        period_kind: period.kind,
        year: period.year,
        from: period.from.to_string(),
        to: period.until.pred_opt().unwrap_or(period.until).to_string(),
        months: (1..=12)
            .filter_map(|month| {
                let date = NaiveDate::from_ymd_opt(2026, month, 1)?;
                let name = format_date(tr.lang(), date);
                let name = name.split(' ').nth(1)?.to_owned();
                Some((month, name, period.kind == "bulan" && period.part == month))
            })
            .collect(),
        quarters: (1..=4)
            .map(|n| (n, period.kind == "triwulan" && period.part == n))
            .collect(),
        semesters: (1..=2)
            .map(|n| (n, period.kind == "semester" && period.part == n))
            .collect(),
        period: report.period.clone(),
        unit: report.unit.clone(),
        export_query: period.query(),
        respondents: result.responses,
        lines: result
            .unsur
            .iter()
            .map(|line| LineView {
                code: format!("U{}", line.unsur.number()),
                name: tr.t(&line.unsur.name_key()),
                sum: line.sum,
                nrr: shown(tr, line.nrr),
                weighted: shown(tr, line.weighted),
                weakest: result.weakest.contains(&line.unsur),
            })
            .collect(),
        ikm: shown(tr, result.ikm),
        converted: shown(tr, result.converted),
        grade: result
            .grade
            .map(|grade| grade.letter().to_owned())
            .unwrap_or_default(),
        kinerja: result
            .grade
            .map(|grade| tr.t(grade.kinerja_key()))
            .unwrap_or_default(),
        weakest: weakest_names(tr, result),
        suggestions: report.suggestions.clone(),
    };
    page_or_partial(shell, partial, |_, _| String::new())
}

fn headers(tr: Tr) -> [String; 6] {
    [
        tr.t("skm-col-no"),
        tr.t("skm-col-code"),
        tr.t("skm-col-unsur"),
        tr.t("skm-col-sum"),
        tr.t("skm-col-nrr"),
        tr.t("skm-col-weighted"),
    ]
}

fn facts(tr: Tr, report: &ReportView) -> Vec<(String, String)> {
    vec![
        (tr.t("skm-unit"), report.unit.clone()),
        (tr.t("skm-period"), report.period.clone()),
        (tr.t("skm-respondents"), report.result.responses.to_string()),
    ]
}

fn sheet(tr: Tr, report: &ReportView) -> SkmSheet {
    let result = &report.result;
    let grade = |text: String| {
        if result.grade.is_some() {
            text
        } else {
            "-".into()
        }
    };
    SkmSheet {
        title: tr.t("skm-report-title"),
        facts: facts(tr, report)[..2].to_vec(),
        headers: headers(tr),
        lines: result
            .unsur
            .iter()
            .map(|line| SkmLine {
                no: u32::try_from(line.unsur.number()).unwrap_or_default(),
                code: format!("U{}", line.unsur.number()),
                name: tr.t(&line.unsur.name_key()),
                sum: line.sum,
                nrr: line.nrr.hundredths(),
                weighted: line.weighted.hundredths(),
            })
            .collect(),
        total: (tr.t("skm-total-weighted"), result.ikm.hundredths()),
        summary: vec![
            (tr.t("skm-respondents"), SkmValue::Count(result.responses)),
            (tr.t("skm-ikm"), SkmValue::Decimal(result.ikm.hundredths())),
            (
                tr.t("skm-converted"),
                SkmValue::Decimal(result.converted.hundredths()),
            ),
            (
                tr.t("skm-mutu"),
                SkmValue::Text(grade(
                    result
                        .grade
                        .map(|grade| grade.letter().to_owned())
                        .unwrap_or_default(),
                )),
            ),
            (
                tr.t("skm-kinerja"),
                SkmValue::Text(grade(
                    result
                        .grade
                        .map(|grade| tr.t(grade.kinerja_key()))
                        .unwrap_or_default(),
                )),
            ),
            (
                tr.t("skm-weakest"),
                SkmValue::Text(grade(weakest_names(tr, result))),
            ),
        ],
        suggestions_title: tr.t("skm-suggestions"),
        suggestions: report
            .suggestions
            .iter()
            .map(|(date, text)| format!("{date}: {text}"))
            .collect(),
        decimal_comma: tr.lang() == pelihara_i18n::Lang::Id,
    }
}

fn document(tr: Tr, report: &ReportView, printed: String) -> SkmReportDoc {
    let result = &report.result;
    let grade = |text: String| {
        if result.grade.is_some() {
            text
        } else {
            "-".into()
        }
    };
    SkmReportDoc {
        title: tr.t("skm-report-title"),
        facts: facts(tr, report),
        headers: headers(tr),
        rows: result
            .unsur
            .iter()
            .map(|line| {
                [
                    line.unsur.number().to_string(),
                    format!("U{}", line.unsur.number()),
                    tr.t(&line.unsur.name_key()),
                    line.sum.to_string(),
                    shown(tr, line.nrr),
                    shown(tr, line.weighted),
                ]
            })
            .collect(),
        total: (tr.t("skm-total-weighted"), shown(tr, result.ikm)),
        summary: vec![
            (tr.t("skm-ikm"), shown(tr, result.ikm)),
            (tr.t("skm-converted"), shown(tr, result.converted)),
            (
                tr.t("skm-mutu"),
                grade(
                    result
                        .grade
                        .map(|grade| grade.letter().to_owned())
                        .unwrap_or_default(),
                ),
            ),
            (
                tr.t("skm-kinerja"),
                grade(
                    result
                        .grade
                        .map(|grade| tr.t(grade.kinerja_key()))
                        .unwrap_or_default(),
                ),
            ),
            (tr.t("skm-weakest"), grade(weakest_names(tr, result))),
        ],
        method: tr.t("skm-method"),
        bands: tr.t("skm-bands"),
        suggestions_title: tr.t("skm-suggestions"),
        suggestions: report
            .suggestions
            .iter()
            .map(|(date, text)| format!("{date}: {text}"))
            .collect(),
        no_suggestions: tr.t("skm-no-suggestions"),
        printed,
        footer: tr.t("register-record-page"),
    }
}

pub(crate) async fn view_laporan_skm_ekspor_get(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(format): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    may_read(&user)?;
    let tr = shell.tr;
    let (period, report) = view(&app, tr, &query).await?;
    let name = period.file_stem();
    let services = app.services();
    let last = period.until.pred_opt().unwrap_or(period.until);
    let export = Export::new("skm").period(period.code(), period.from, last);
    match format.as_str() {
        "csv" => {
            let bytes = pelihara_register::skm::skm_csv(&sheet(tr, &report), CsvOptions::default())
                .map_err(WebError::internal)?;
            deliver(services, &user, export, ExportFile::csv(bytes, &name)).await
        }
        "xlsx" => {
            let bytes = pelihara_register::skm::skm_xlsx(&sheet(tr, &report))
                .map_err(WebError::internal)?;
            deliver(services, &user, export, ExportFile::xlsx(bytes, &name)).await
        }
        "pdf" => {
            let kop = LetterheadSetting::load(services).await?;
            let tz = services.calendar.snapshot().time_zone;
            let printed = tr.t1(
                "skm-printed",
                "date",
                format_datetime(tr.lang(), tz, services.clock.now()),
            );
            let setting = Setting {
                letterhead: kop.letterhead(services).await?,
                lang: tr.lang(),
                time_zone: tz,
                paper: kop.paper(),
            };
            let doc = document(tr, &report, printed);
            let pdf = off_runtime(move || pelihara_documents::render_skm_report(&doc, &setting))
                .await?
                .map_err(WebError::internal)?;
            deliver(services, &user, export, ExportFile::pdf(pdf, &name)).await
        }
        _ => Err(WebError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn query(pairs: &[(&str, &str)]) -> PeriodQuery {
        let text = |key: &str| {
            pairs
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| (*value).to_owned())
        };
        PeriodQuery {
            periode: text("periode"),
            tahun: text("tahun"),
            bulan: text("bulan"),
            triwulan: text("triwulan"),
            semester: text("semester"),
            dari: text("dari"),
            sampai: text("sampai"),
        }
    }

    #[test]
    fn exported_files_are_named_by_their_period_once() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        for (pairs, stem) in [
            (vec![], "skm-tahun-2026"),
            (vec![("periode", "triwulan")], "skm-triwulan-2026-4"),
            (
                vec![("periode", "bulan"), ("bulan", "3")],
                "skm-bulan-2026-3",
            ),
            (
                vec![
                    ("periode", "tanggal"),
                    ("dari", "2026-01-01"),
                    ("sampai", "2026-03-31"),
                ],
                "skm-tanggal-2026-01-01-2026-03-31",
            ),
        ] {
            let period = Period::parse(&query(&pairs), today).unwrap();
            assert_eq!(period.file_stem(), stem);
        }
    }

    #[test]
    fn periods_are_read_with_their_bounds() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let period = Period::parse(&query(&[]), today).unwrap();
        assert_eq!(
            (period.from, period.until),
            (date(2026, 1, 1), date(2027, 1, 1))
        );
        let period = Period::parse(&query(&[("periode", "triwulan")]), today).unwrap();
        assert_eq!(
            (period.from, period.until),
            (date(2026, 10, 1), date(2027, 1, 1))
        );
        let period = Period::parse(
            &query(&[
                ("periode", "semester"),
                ("tahun", "2025"),
                ("semester", "1"),
            ]),
            today,
        )
        .unwrap();
        assert_eq!(
            (period.from, period.until),
            (date(2025, 1, 1), date(2025, 7, 1))
        );
        let period = Period::parse(&query(&[("periode", "bulan"), ("bulan", "2")]), today).unwrap();
        assert_eq!(
            (period.from, period.until),
            (date(2026, 2, 1), date(2026, 3, 1))
        );
        let period = Period::parse(
            &query(&[
                ("periode", "tanggal"),
                ("dari", "2026-10-01"),
                ("sampai", "2026-11-30"),
            ]),
            today,
        )
        .unwrap();
        assert_eq!(
            (period.from, period.until),
            (date(2026, 10, 1), date(2026, 12, 1))
        );
        assert_eq!(
            period.label(Tr::new(pelihara_i18n::Lang::Id)),
            "1 Oktober 2026 s.d. 30 November 2026"
        );
        for bad in [
            vec![("periode", "minggu")],
            vec![("periode", "bulan"), ("bulan", "13")],
            vec![("periode", "triwulan"), ("triwulan", "0")],
            vec![("tahun", "1999")],
            vec![
                ("periode", "tanggal"),
                ("dari", "2026-10-02"),
                ("sampai", "2026-10-01"),
            ],
            vec![
                ("periode", "tanggal"),
                ("dari", "2020-01-01"),
                ("sampai", "2026-01-01"),
            ],
            vec![
                ("periode", "tanggal"),
                ("dari", "kemarin"),
                ("sampai", "2026-01-01"),
            ],
        ] {
            assert_eq!(Period::parse(&query(&bad), today), None, "{bad:?}");
        }
    }
}
