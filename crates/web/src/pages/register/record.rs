//! "Data Pemeliharaan Aplikasi/Website" of one app for one year: the page
//! `/aplikasi/{id}/pemeliharaan/{tahun}` and its CSV/XLSX export (`?format=csv|xlsx`): each
//! maintenance case submitted that year, its verdict, what was maintained and hosted, by
//! whom, and each step's working time against its Mutu Baku standard. The times are the ones
//! the store recorded when each task was finished (`pelihara_calendar` working time); this
//! page never measures anything itself. Same visibility as the app page (another OPD's app is
//! a 404).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Datelike;
use pelihara_domain::report::{Period, PeriodKind};
use pelihara_domain::{Record, TaskStandard, TaskState, Verdict};
use pelihara_i18n::{Lang, format_date};
use pelihara_register::record::{RecordCase, RecordStep, record_csv, record_xlsx};
use pelihara_register::sheet::CsvOptions;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::exports::{Export, ExportFile, deliver};
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

/// Minutes, hours and days as people say them ("2 jam 15 menit", "1,5 hari").
fn worded_time(
    tr: Tr,
    standard: Option<TaskStandard>,
    in_unit: Option<f64>,
    seconds: Option<i64>,
) -> String {
    let decimal = if tr.lang() == Lang::Id { "," } else { "." };
    match (standard, in_unit, seconds) {
        (Some(TaskStandard::WorkingDays(_) | TaskStandard::CalendarDays(_)), Some(days), _)
            if days >= 1.0 =>
        {
            tr.t1(
                "web-days",
                "days",
                format!("{days:.1}").replace('.', decimal),
            )
        }
        (_, _, Some(seconds)) => {
            let minutes = (seconds + 59) / 60;
            if minutes < 60 {
                tr.t1("web-minutes", "minutes", minutes)
            } else {
                format!(
                    "{} {}",
                    tr.t1("web-hours", "hours", minutes / 60),
                    tr.t1("web-minutes", "minutes", minutes % 60)
                )
            }
        }
        _ => String::new(),
    }
}

fn worded_standard(tr: Tr, standard: TaskStandard) -> String {
    let (key, value) = match standard {
        TaskStandard::WorkingMinutes(n) => ("calendar-standard-working-minutes", n),
        TaskStandard::WorkingDays(n) => ("calendar-standard-working-days", n),
        TaskStandard::CalendarDays(n) => ("calendar-standard-calendar-days", n),
    };
    tr.t1(key, "value", value)
}

fn amount(standard: TaskStandard) -> u32 {
    match standard {
        TaskStandard::WorkingMinutes(n)
        | TaskStandard::WorkingDays(n)
        | TaskStandard::CalendarDays(n) => n,
    }
}

/// The year's cases of an app the user may see, worded for the record.
pub(crate) async fn record_cases(
    services: &Services,
    tr: Tr,
    app: pelihara_domain::AppId,
    year: i32,
) -> Result<Vec<RecordCase>, WebError> {
    let history = services.store.maintenance_history(app).await?;
    let mut out = Vec::new();
    // Oldest first: a record reads in the order things happened.
    for case in history.into_iter().rev() {
        if services
            .calendar
            .snapshot()
            .local_date(case.submitted_at)
            .year()
            != year
        {
            continue;
        }
        let Some(state) = services.store.case_state(case.case_id).await? else {
            continue;
        };
        let sop = services
            .catalog
            .snapshot()
            .get(&state.case.sop_code, state.case.sop_version);
        let activity = |no: u32| {
            sop.as_ref()
                .and_then(|sop| sop.steps.iter().find(|step| step.no == no))
                .map(|step| step.activity.clone())
                .unwrap_or_default()
        };
        let mut tasks: Vec<_> = state
            .tasks
            .iter()
            .filter(|task| task.state != TaskState::Cancelled)
            .collect();
        tasks.sort_by_key(|task| (task.opened_at, task.step_no));
        let steps = tasks
            .into_iter()
            .map(|task| {
                let performer = match (&task.completed_by_name, &task.acting) {
                    (Some(name), Some(acting)) => format!(
                        "{} {} ({name}, {})",
                        acting.kind.label(),
                        tr.t(&format!("position-{}", acting.position)),
                        tr.t1("web-for-official", "name", &acting.official_name)
                    ),
                    (Some(name), None) => name.clone(),
                    _ => String::new(),
                };
                let done = task.state == TaskState::Done;
                RecordStep {
                    step_no: task.step_no,
                    activity: activity(task.step_no),
                    performer,
                    time: if done {
                        worded_time(tr, task.standard, task.actual_in_unit, task.actual_seconds)
                    } else {
                        String::new()
                    },
                    standard: task
                        .standard
                        .map(|standard| worded_standard(tr, standard))
                        .unwrap_or_default(),
                    within: match (done, task.standard, task.actual_in_unit) {
                        (true, Some(standard), Some(actual)) => {
                            Some(actual <= f64::from(amount(standard)) + 1e-9)
                        }
                        _ => None,
                    },
                }
            })
            .collect();
        let hosting = state
            .entries
            .iter()
            .rev()
            .find_map(|entry| match &entry.record {
                Record::Hosting(record) => Some(
                    [
                        record.server.as_str(),
                        record.domain.as_str(),
                        record.url.as_str(),
                    ]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                ),
                _ => None,
            });
        out.push(RecordCase {
            tracking_code: case.tracking_code,
            agenda_number: state
                .case
                .agenda
                .as_ref()
                .map(|agenda| agenda.number.clone())
                .unwrap_or_default(),
            subject: case.subject,
            submitted: Some(services.calendar.snapshot().local_date(case.submitted_at)),
            closed: case
                .closed_at
                .map(|at| services.calendar.snapshot().local_date(at)),
            status: tr.t(&format!("status-{}", case.status.code())),
            verdict: case
                .verdict
                .map(|verdict| {
                    tr.t(match verdict {
                        Verdict::Maintainable => "register-verdict-maintainable",
                        Verdict::NotMaintainable => "register-verdict-not-maintainable",
                    })
                })
                .unwrap_or_default(),
            findings: case.findings.unwrap_or_default(),
            result: case.result.unwrap_or_default(),
            version: case.version.unwrap_or_default(),
            maintained_by: case.maintained_by.unwrap_or_default(),
            hosting: hosting.unwrap_or_default(),
            steps,
        });
    }
    Ok(out)
}

/// The record as a printable PDF (landscape, with the letterhead), rendered off the runtime.
async fn record_pdf(
    services: &Services,
    tr: Tr,
    row: &pelihara_store::register::RegisterRow,
    year: i32,
    cases: &[RecordCase],
    user: &CurrentUser,
) -> Result<Vec<u8>, WebError> {
    use pelihara_documents::{MaintenanceRecordDoc, RecordCaseDoc, Setting};
    let lang = tr.lang();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| format_date(lang, d)).unwrap_or_default();
    let dash = |text: &str| {
        if text.is_empty() {
            "–".to_owned()
        } else {
            text.to_owned()
        }
    };
    let doc = MaintenanceRecordDoc {
        title: tr.t1("register-record-heading", "year", year),
        facts: vec![
            (tr.t("register-propose-name"), row.app.name.clone()),
            (tr.t("web-opd"), row.opd_name.clone()),
            (tr.t("register-propose-url"), dash(&row.app.url)),
        ],
        headers: [
            tr.t("register-record-step"),
            tr.t("register-record-activity"),
            tr.t("register-record-performer"),
            tr.t("register-record-time"),
            tr.t("register-record-standard"),
            tr.t("register-record-verdict-column"),
        ],
        cases: cases
            .iter()
            .map(|case| RecordCaseDoc {
                subject: case.subject.clone(),
                line: [
                    case.tracking_code.clone(),
                    case.agenda_number.clone(),
                    format!(
                        "{} {}",
                        tr.t("register-record-submitted"),
                        date(case.submitted)
                    ),
                    case.closed
                        .map(|_| {
                            format!("{} {}", tr.t("register-record-closed"), date(case.closed))
                        })
                        .unwrap_or_default(),
                    case.status.clone(),
                ]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
                facts: vec![
                    (
                        tr.t("register-record-verdict"),
                        dash(
                            &[case.verdict.as_str(), case.findings.as_str()]
                                .into_iter()
                                .filter(|part| !part.is_empty())
                                .collect::<Vec<_>>()
                                .join(": "),
                        ),
                    ),
                    (
                        tr.t("register-record-result"),
                        dash(
                            &[
                                case.result.clone(),
                                if case.version.is_empty() {
                                    String::new()
                                } else {
                                    format!("v{}", case.version)
                                },
                                case.maintained_by.clone(),
                            ]
                            .into_iter()
                            .filter(|part| !part.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · "),
                        ),
                    ),
                    (tr.t("register-record-hosting"), dash(&case.hosting)),
                ],
                steps: case
                    .steps
                    .iter()
                    .map(|step| {
                        [
                            step.step_no.to_string(),
                            step.activity.clone(),
                            step.performer.clone(),
                            step.time.clone(),
                            step.standard.clone(),
                            match step.within {
                                Some(true) => tr.t("register-record-within"),
                                Some(false) => tr.t("register-record-beyond"),
                                None => String::new(),
                            },
                        ]
                    })
                    .collect(),
            })
            .collect(),
        empty: tr.t1("register-record-empty", "year", year),
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
                user.actor.user.full_name
            ),
        ),
        footer: tr.t("register-record-page"),
    };
    let letterhead_setting = crate::pages::documents::LetterheadSetting::load(services).await?;
    let setting = Setting {
        letterhead: letterhead_setting.letterhead(services).await?,
        lang,
        time_zone: services.calendar.snapshot().time_zone,
        paper: letterhead_setting.paper(),
    };
    crate::pages::documents::off_runtime(move || {
        pelihara_documents::render_maintenance_record(&doc, &setting)
    })
    .await?
    .map_err(WebError::internal)
}

struct CaseView {
    case: RecordCase,
    submitted: String,
    closed: String,
}

#[derive(Template)]
#[template(path = "register_record_partial.html")]
struct RecordPartial {
    tr: Tr,
    app_id: String,
    app_name: String,
    opd_name: String,
    year: i32,
    cases: Vec<CaseView>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RecordQuery {
    #[serde(default)]
    format: String,
}

/// `GET /aplikasi/{id}/pemeliharaan/{tahun}` (and `?format=csv|xlsx`).
pub(crate) async fn view_aplikasi_pemeliharaan_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<RecordQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let year: i32 = year
        .parse()
        .ok()
        .filter(|year| (2000..=2100).contains(year))
        .ok_or(WebError::NotFound)?;
    let row = super::visible_app(services, &user.actor, &id).await?;
    let cases = record_cases(services, tr, row.app.id, year).await?;
    let file_stem = format!(
        "data-pemeliharaan-{}-{year}",
        row.app
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            })
            .collect::<String>()
    );
    let export = || {
        let export = Export::new("data-pemeliharaan");
        let export = match Period::of(PeriodKind::Year, year, 0) {
            Ok(period) => export.period(period.code(), period.start, period.last()),
            Err(_) => export,
        };
        export.filter("aplikasi", row.app.id).filter("tahun", year)
    };
    match query.format.as_str() {
        "csv" => {
            let bytes = record_csv(&cases, CsvOptions::default()).map_err(WebError::internal)?;
            return deliver(
                services,
                &user,
                export(),
                ExportFile::csv(bytes, &file_stem),
            )
            .await;
        }
        "pdf" => {
            let bytes = record_pdf(services, tr, &row, year, &cases, &user).await?;
            return deliver(
                services,
                &user,
                export(),
                ExportFile::pdf(bytes, &file_stem),
            )
            .await;
        }
        "xlsx" => {
            let title = tr.t1(
                "register-record-heading",
                "year",
                format!("{} {year}", row.app.name),
            );
            let bytes = record_xlsx(&title, &cases).map_err(WebError::internal)?;
            return deliver(
                services,
                &user,
                export(),
                ExportFile::xlsx(bytes, &file_stem),
            )
            .await;
        }
        _ => {}
    }
    let lang = tr.lang();
    let partial = RecordPartial {
        tr,
        app_id: row.app.id.to_string(),
        app_name: row.app.name.clone(),
        opd_name: row.opd_name.clone(),
        year,
        cases: cases
            .into_iter()
            .map(|case| CaseView {
                submitted: case
                    .submitted
                    .map(|d| format_date(lang, d))
                    .unwrap_or_default(),
                closed: case
                    .closed
                    .map(|d| format_date(lang, d))
                    .unwrap_or_default(),
                case,
            })
            .collect(),
    };
    page_or_partial(shell, partial, |tr, partial| {
        format!(
            "{} {} {}",
            tr.t("register-record-title"),
            partial.app_name,
            partial.year
        )
    })
}
