//! `/laporan/monitoring-sop`: the SOP monitoring form of PermenPAN-RB 35/2012, per SOP and
//! half-year. Until an assessor saves it, the page shows a proposal made of the Mutu Baku
//! figures of the half-year (`Store::compliance` by step): a step whose share of tasks
//! finished within the standard is below the threshold (the setting
//! [`THRESHOLD_SETTING`], 80 % unless the admin sets another) is proposed "tidak berjalan
//! dengan baik" with its figures in the note; a step without finished tasks says so and is
//! left for the assessor to judge. An assessor (the grant the admin gives on
//! `/admin/pengguna`) saves it as a draft, edits it and paraf-signs it; a signed form is
//! sealed and is downloaded as an issued PDF with the QR of `/verifikasi`, and as XLSX.
//! Leadership, staff, auditors and admins read; an OPD's operator gets 404; a reader who is
//! not an assessor is refused every write (403). Decides nothing the domain's
//! `monitoring` rules do not, and never holds SQL.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use pelihara_documents::{
    Document, DocumentKind, Issue, MonitoringFormDoc, MonitoringHeaders, MonitoringRowDoc, Setting,
};
use pelihara_domain::Role;
use pelihara_domain::monitoring::{
    Assessment, DEFAULT_THRESHOLD_PERCENT, HalfYear, MonitoringRow, StepFigures, check_rows,
    may_assess, may_read, propose,
};
use pelihara_i18n::{arg, format_date, format_datetime, t_args};
use pelihara_register::monitoring::{MonitoringLine, MonitoringSheet, monitoring_xlsx};
use pelihara_sop::{SopDefinition, StepKind};
use pelihara_store::monitoring::{
    Assessor, MonitoringDraft, MonitoringForm, SaveOutcome, SignOutcome,
};
use pelihara_store::{AuditSource, ComplianceRow, Grouping, NewIssuedDocument, ReportFilter};
use serde::Deserialize;

use super::{amount, period_label, share};
use crate::auth::CurrentUser;
use crate::document_queue::DocumentLocks;
use crate::error::WebError;
use crate::exports::{Export, ExportFile, deliver};
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::admin::FormData;
use crate::pages::admin::users::Choice;
use crate::pages::documents::{LetterheadSetting, off_runtime};
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

const PATH: &str = "/laporan/monitoring-sop";

/// The setting holding the proposal's threshold in percent (an integer 1-100).
pub(crate) const THRESHOLD_SETTING: &str = "monitoring.threshold_percent";

/// The longest unit name accepted, in characters.
const UNIT_MAX: usize = 200;

/// How many half-years the chooser offers, the current one included.
const HALF_YEARS_OFFERED: usize = 6;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MonitoringQuery {
    /// An SOP code; empty: the first current SOP.
    #[serde(default)]
    sop: String,
    /// `2026-1` or `2026-2`; empty: the half-year before today's.
    #[serde(default)]
    semester: String,
    /// A notice code after a write (`saved`, `signed`, `threshold`).
    #[serde(default)]
    ok: String,
}

/// The query of the report tabs (the other reports open on their default period).
pub(crate) struct TabsContext {
    pub query: String,
}

impl TabsContext {
    /// Only the office reads this page, so its own tab is always shown here.
    pub(crate) fn office(&self) -> bool {
        true
    }
}

/// One row as the page shows it.
struct RowView {
    no: u32,
    /// The row's field names: `penilaian-{no}`, `catatan-{no}`, `tindakan-{no}`.
    assess_field: String,
    note_field: String,
    action_field: String,
    procedure: String,
    /// `good`, `not_good` or empty.
    assessment: &'static str,
    assessment_label: String,
    note: String,
    action: String,
    paraf: String,
}

/// One saved form in the list under the page.
struct FormListRow {
    link: String,
    sop_title: String,
    period: String,
    status: String,
    signed: bool,
    assessor: String,
}

#[derive(Template)]
#[template(path = "report_monitoring_partial.html")]
struct MonitoringPartial {
    tr: Tr,
    ctx: TabsContext,
    notice: Option<String>,
    sops: Vec<Choice>,
    halves: Vec<Choice>,
    /// The SOP and half-year shown (the forms' hidden fields).
    sop_code: String,
    semester: String,
    title: String,
    facts: Vec<(String, String)>,
    /// `proposal` (not saved), `draft` or `signed`.
    status: &'static str,
    status_text: String,
    rows: Vec<RowView>,
    /// An assessor looking at an unsigned form: the fields are editable.
    editable: bool,
    /// ... and it is saved: it may be signed.
    may_sign: bool,
    form_id: String,
    revision: String,
    unit: String,
    threshold: u32,
    is_admin: bool,
    errors: FormErrors,
    /// The errors of the threshold form (admins).
    threshold_errors: FormErrors,
    threshold_value: String,
    forms: Vec<FormListRow>,
    /// "Dinilai dan diparaf ... Kode segel ..." of a signed form.
    seal: String,
    /// The XLSX and PDF links of a stored form (empty before it is saved; PDF when signed).
    xlsx_link: String,
    pdf_link: String,
    no_sop: bool,
}

fn roman(semester: u32) -> &'static str {
    if semester == 2 { "II" } else { "I" }
}

fn half_code(half: HalfYear) -> String {
    format!("{}-{}", half.year, half.semester)
}

fn parse_half(text: &str) -> Option<HalfYear> {
    let (year, semester) = text.trim().split_once('-')?;
    HalfYear::new(year.parse().ok()?, semester.parse().ok()?)
}

/// "Semester II 2026 (1 Juli 2026 – 31 Desember 2026)".
fn half_label(tr: Tr, half: HalfYear) -> String {
    match half.period() {
        Some(period) => format!(
            "{} ({} – {})",
            period_label(tr, &period),
            format_date(tr.lang(), period.start),
            format_date(tr.lang(), period.last())
        ),
        None => half_code(half),
    }
}

/// The threshold the proposal uses: the stored setting, or the default.
pub(crate) async fn threshold(services: &Services) -> Result<u32, WebError> {
    Ok(services
        .store
        .setting(THRESHOLD_SETTING)
        .await?
        .and_then(|text| text.trim().parse::<u32>().ok())
        .filter(|value| (1..=100).contains(value))
        .unwrap_or(DEFAULT_THRESHOLD_PERCENT))
}

/// The steps a form lists: every step of the SOP version but its end.
fn procedures(sop: &SopDefinition) -> Vec<(u32, String)> {
    sop.steps
        .iter()
        .filter(|step| step.kind != StepKind::End)
        .map(|step| (step.no, step.activity.clone()))
        .collect()
}

/// The proposal for `sop`'s steps in `half`: each step's figures of the half-year against
/// `threshold_percent` (see the module's comment), in `tr`'s language.
async fn propose_rows(
    services: &Services,
    tr: Tr,
    sop: &SopDefinition,
    half: HalfYear,
    threshold_percent: u32,
) -> Result<Vec<MonitoringRow>, WebError> {
    let period = half.period().ok_or(WebError::NotFound)?;
    let (from, until) = period.bounds(&services.calendar.snapshot());
    let filter = ReportFilter {
        from,
        until,
        opd: None,
        sop_code: Some(sop.header.code.clone()),
    };
    let figures = services
        .store
        .compliance(&filter, Grouping::Step, services.clock.now())
        .await?;
    let catalog = services.catalog.snapshot();
    // A step's tasks under every version that ran in the half-year: an earlier version's step
    // counts as this one when it does the same activity (numbers may move between versions).
    let same_step = |row: &ComplianceRow, no: u32, procedure: &str| {
        if row.group.sop_version == sop.header.version {
            return row.group.step_no == no;
        }
        catalog
            .get(&sop.header.code, row.group.sop_version)
            .and_then(|version| {
                version
                    .steps
                    .iter()
                    .find(|step| step.no == row.group.step_no)
                    .map(|step| step.activity == procedure)
            })
            .unwrap_or(false)
    };
    let lang = tr.lang();
    Ok(procedures(sop)
        .into_iter()
        .map(|(no, procedure)| {
            let rows: Vec<&ComplianceRow> = figures
                .iter()
                .filter(|row| same_step(row, no, &procedure))
                .collect();
            // The median shown: the newest version's with tasks (medians do not add up).
            let row = rows
                .iter()
                .filter(|row| row.finished > 0)
                .max_by_key(|row| row.group.sop_version)
                .copied();
            let step = StepFigures {
                finished: rows.iter().map(|row| row.finished).sum(),
                met: rows.iter().map(|row| row.met).sum(),
            };
            let assessment = propose(step, threshold_percent);
            let note = match row {
                Some(row) if step.finished > 0 => t_args(
                    lang,
                    match assessment {
                        Some(Assessment::NotGood) => "monitoring-note-below",
                        _ => "monitoring-note-figures",
                    },
                    &[
                        ("finished", arg(step.finished)),
                        ("share", arg(share(tr, step.met, step.finished))),
                        ("threshold", arg(threshold_percent)),
                        (
                            "median",
                            arg(amount(
                                tr,
                                row.standard_unit.as_deref(),
                                row.actual_micros.median,
                            )),
                        ),
                        (
                            "standard",
                            arg(amount(
                                tr,
                                row.standard_unit.as_deref(),
                                row.standard_micros,
                            )),
                        ),
                    ],
                ),
                _ => tr.t("monitoring-note-no-tasks"),
            };
            MonitoringRow {
                no,
                procedure,
                assessment,
                note,
                action: String::new(),
            }
        })
        .collect())
}

/// The form of `sop_code`'s current version for `half` as the page proposes it before anyone
/// saved it (the unit from the letterhead, the threshold setting, the rows from the
/// half-year's figures), in `lang`; `None` when no such SOP is in force. The demo seeds its
/// signed form from it.
pub async fn monitoring_proposal(
    services: &Services,
    lang: pelihara_i18n::Lang,
    sop_code: &str,
    half: HalfYear,
) -> Result<Option<MonitoringDraft>, WebError> {
    let Some(sop) = services.catalog.snapshot().current(sop_code) else {
        return Ok(None);
    };
    let threshold_percent = threshold(services).await?;
    let letterhead_setting = LetterheadSetting::load(services).await?;
    let rows = propose_rows(services, Tr::new(lang), &sop, half, threshold_percent).await?;
    Ok(Some(MonitoringDraft {
        sop_code: sop.header.code.clone(),
        sop_version: sop.header.version,
        half,
        sop_title: sop.header.title.clone(),
        sop_number: sop.header.number.clone(),
        unit: letterhead_setting.office_name(),
        threshold_percent,
        rows,
    }))
}

/// A person's paraf on a row: the initials of their name before any title
/// ("Agus Prasetyo, S.Kom." is "AP").
fn initials(name: &str) -> String {
    name.split(',')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphabetic()))
        .flat_map(char::to_uppercase)
        .take(4)
        .collect()
}

fn assessment_label(tr: Tr, assessment: Option<Assessment>) -> String {
    tr.t(match assessment {
        Some(Assessment::Good) => "monitoring-good",
        Some(Assessment::NotGood) => "monitoring-not-good",
        None => "monitoring-unassessed",
    })
}

fn assessment_code(assessment: Option<Assessment>) -> &'static str {
    assessment.map_or("", Assessment::code)
}

/// Who is asking, and what they may do here.
struct Standing {
    assessor: bool,
    admin: bool,
}

/// A 404 for whoever may not read forms (an OPD's operator), else what they may do.
async fn standing(services: &Services, user: &CurrentUser) -> Result<Standing, WebError> {
    if !may_read(&user.actor) {
        return Err(WebError::NotFound);
    }
    let granted = services.store.is_assessor(user.actor.user.id).await?;
    Ok(Standing {
        assessor: may_assess(&user.actor, granted),
        admin: user.role() == Role::Admin,
    })
}

/// The SOP and half-year of a request: the ones named, or the first current SOP and the
/// half-year before today's. `None` when no SOP is loaded; a 404 for an unknown SOP or
/// half-year.
fn choose(
    services: &Services,
    sop: &str,
    semester: &str,
) -> Result<Option<(Arc<SopDefinition>, HalfYear)>, WebError> {
    let catalog = services.catalog.snapshot();
    let today = services
        .calendar
        .snapshot()
        .local_date(services.clock.now());
    let half = if semester.trim().is_empty() {
        HalfYear::of(today).previous()
    } else {
        parse_half(semester).ok_or(WebError::NotFound)?
    };
    let sop = if sop.trim().is_empty() {
        let mut all = catalog.current_all();
        all.sort_by(|a, b| a.header.code.cmp(&b.header.code));
        match all.into_iter().next() {
            Some(sop) => sop,
            None => return Ok(None),
        }
    } else {
        catalog.current(sop.trim()).ok_or(WebError::NotFound)?
    };
    Ok(Some((sop, half)))
}

/// What a page shows besides the stored form: typed values that came back with errors.
struct Typed {
    rows: Vec<MonitoringRow>,
    unit: String,
    revision: String,
}

fn facts(tr: Tr, form: &MonitoringDraft, assessor: Option<(&str, &str)>) -> Vec<(String, String)> {
    let mut facts = vec![
        (tr.t("monitoring-sop-name"), form.sop_title.clone()),
        (tr.t("monitoring-sop-number"), form.sop_number.clone()),
        (tr.t("monitoring-unit"), form.unit.clone()),
        (tr.t("monitoring-period"), half_label(tr, form.half)),
    ];
    let (name, nip) = assessor.unwrap_or(("—", ""));
    facts.push((tr.t("monitoring-assessor"), name.to_owned()));
    facts.push((
        tr.t("monitoring-nip"),
        if nip.is_empty() { "—" } else { nip }.to_owned(),
    ));
    facts.push((
        tr.t("monitoring-threshold"),
        tr.t1(
            "monitoring-threshold-value",
            "percent",
            form.threshold_percent,
        ),
    ));
    facts
}

fn draft_of(form: &MonitoringForm) -> MonitoringDraft {
    MonitoringDraft {
        sop_code: form.sop_code.clone(),
        sop_version: form.sop_version,
        half: form.half,
        sop_title: form.sop_title.clone(),
        sop_number: form.sop_number.clone(),
        unit: form.unit.clone(),
        threshold_percent: form.threshold_percent,
        rows: form.rows.clone(),
    }
}

/// "Diparaf secara elektronik oleh ... pada ...".
fn signed_text(services: &Services, tr: Tr, form: &MonitoringForm) -> String {
    let Some(at) = form.signed_at else {
        return String::new();
    };
    t_args(
        tr.lang(),
        "monitoring-signed-by",
        &[
            ("name", arg(&form.assessor_name)),
            (
                "at",
                arg(format_datetime(
                    tr.lang(),
                    services.calendar.snapshot().time_zone,
                    at,
                )),
            ),
        ],
    )
}

fn seal_code(form: &MonitoringForm) -> String {
    form.content_sha256
        .as_deref()
        .map(|hash| hash.get(..16).unwrap_or(hash).to_owned())
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)] // The page's parts, each from its own source.
async fn render(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    query: &MonitoringQuery,
    status: StatusCode,
    typed: Option<Typed>,
    errors: FormErrors,
    threshold_errors: FormErrors,
    threshold_value: Option<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let standing = standing(services, user).await?;
    let threshold_now = threshold(services).await?;
    let chosen = choose(services, &query.sop, &query.semester)?;
    let catalog = services.catalog.snapshot();
    let mut sop_list = catalog.current_all();
    sop_list.sort_by(|a, b| a.header.code.cmp(&b.header.code));
    let stored_forms = services.store.monitoring_forms(100).await?;
    let forms = stored_forms
        .iter()
        .map(|form| FormListRow {
            link: format!(
                "{PATH}?sop={}&semester={}",
                form.sop_code,
                half_code(form.half)
            ),
            sop_title: form.sop_title.clone(),
            // Short: the list must read on a phone.
            period: form
                .half
                .period()
                .map(|period| period_label(tr, &period))
                .unwrap_or_else(|| half_code(form.half)),
            status: tr.t(if form.signed_at.is_some() {
                "monitoring-status-signed"
            } else {
                "monitoring-status-draft"
            }),
            signed: form.signed_at.is_some(),
            assessor: form.assessor_name.clone(),
        })
        .collect();
    let notice = match query.ok.as_str() {
        "saved" => Some(tr.t("monitoring-notice-saved")),
        "signed" => Some(tr.t("monitoring-notice-signed")),
        "threshold" => Some(tr.t("monitoring-notice-threshold")),
        _ => None,
    };
    let mut partial = MonitoringPartial {
        tr,
        ctx: TabsContext {
            query: String::new(),
        },
        notice,
        sops: Vec::new(),
        halves: Vec::new(),
        sop_code: String::new(),
        semester: String::new(),
        title: tr.t("monitoring-form-title"),
        facts: Vec::new(),
        status: "proposal",
        status_text: String::new(),
        rows: Vec::new(),
        editable: false,
        may_sign: false,
        form_id: String::new(),
        revision: String::new(),
        unit: String::new(),
        threshold: threshold_now,
        is_admin: standing.admin,
        errors,
        threshold_errors,
        threshold_value: threshold_value.unwrap_or_else(|| threshold_now.to_string()),
        forms,
        seal: String::new(),
        xlsx_link: String::new(),
        pdf_link: String::new(),
        no_sop: chosen.is_none(),
    };
    if let Some((sop, half)) = chosen {
        partial.sops = sop_list
            .iter()
            .map(|choice| Choice {
                value: choice.header.code.clone(),
                label: choice.header.title.clone(),
                selected: choice.header.code == sop.header.code,
            })
            .collect();
        let today = services
            .calendar
            .snapshot()
            .local_date(services.clock.now());
        let mut offered = HalfYear::of(today);
        let mut halves = Vec::new();
        for _ in 0..HALF_YEARS_OFFERED {
            halves.push(offered);
            offered = offered.previous();
        }
        if !halves.contains(&half) {
            halves.push(half);
        }
        partial.halves = halves
            .into_iter()
            .map(|choice| Choice {
                value: half_code(choice),
                label: choice
                    .period()
                    .map(|period| period_label(tr, &period))
                    .unwrap_or_else(|| half_code(choice)),
                selected: choice == half,
            })
            .collect();
        partial.sop_code = sop.header.code.clone();
        partial.semester = half_code(half);
        let stored = services
            .store
            .monitoring_form(&sop.header.code, half)
            .await?;
        let (mut draft, assessor) = match &stored {
            Some(form) => (
                draft_of(form),
                Some((form.assessor_name.clone(), form.assessor_nip.clone())),
            ),
            None => (
                monitoring_proposal(services, tr.lang(), &sop.header.code, half)
                    .await?
                    .ok_or(WebError::NotFound)?,
                None,
            ),
        };
        let signed = stored.as_ref().is_some_and(|form| form.signed_at.is_some());
        partial.editable = standing.assessor && !signed;
        partial.revision = stored
            .as_ref()
            .map(|form| form.revision.to_string())
            .unwrap_or_default();
        if let Some(typed) = typed {
            draft.rows = typed.rows;
            draft.unit = typed.unit;
            partial.revision = typed.revision;
        }
        partial.facts = facts(
            tr,
            &draft,
            assessor
                .as_ref()
                .map(|(name, nip)| (name.as_str(), nip.as_str())),
        );
        if partial.editable {
            // The form's own field shows the work unit; the facts above it need not repeat it.
            let unit_label = tr.t("monitoring-unit");
            partial.facts.retain(|(label, _)| *label != unit_label);
        }
        partial.unit = draft.unit.clone();
        let paraf = stored
            .as_ref()
            .filter(|form| form.signed_at.is_some())
            .map(|form| initials(&form.assessor_name))
            .unwrap_or_default();
        partial.rows = draft
            .rows
            .iter()
            .map(|row| RowView {
                no: row.no,
                assess_field: format!("penilaian-{}", row.no),
                note_field: format!("catatan-{}", row.no),
                action_field: format!("tindakan-{}", row.no),
                procedure: row.procedure.clone(),
                assessment: assessment_code(row.assessment),
                assessment_label: assessment_label(tr, row.assessment),
                note: row.note.clone(),
                action: row.action.clone(),
                paraf: paraf.clone(),
            })
            .collect();
        match &stored {
            Some(form) if signed => {
                partial.status = "signed";
                partial.status_text = signed_text(services, tr, form);
                partial.seal = tr.t1("monitoring-seal", "code", seal_code(form));
                partial.pdf_link = format!("{PATH}/{}/ekspor/pdf", form.id);
                partial.xlsx_link = format!("{PATH}/{}/ekspor/xlsx", form.id);
                partial.form_id = form.id.to_string();
            }
            Some(form) => {
                partial.status = "draft";
                partial.status_text = t_args(
                    tr.lang(),
                    "monitoring-status-draft-by",
                    &[
                        ("name", arg(&form.assessor_name)),
                        (
                            "at",
                            arg(format_datetime(
                                tr.lang(),
                                services.calendar.snapshot().time_zone,
                                form.updated_at,
                            )),
                        ),
                    ],
                );
                partial.may_sign = partial.editable;
                partial.xlsx_link = format!("{PATH}/{}/ekspor/xlsx", form.id);
                partial.form_id = form.id.to_string();
            }
            None => {
                partial.status_text = tr.t("monitoring-status-proposal");
            }
        }
    }
    let response = page_or_partial(shell, partial, |tr, _| tr.t("monitoring-title"))?;
    Ok((status, response).into_response())
}

/// `GET /laporan/monitoring-sop`.
pub(crate) async fn view_laporan_monitoring_sop_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<MonitoringQuery>,
) -> Result<Response, WebError> {
    render(
        &state,
        shell,
        &user,
        &query,
        StatusCode::OK,
        None,
        FormErrors::new(),
        FormErrors::new(),
        None,
    )
    .await
}

/// The assessor who writes: a 404 for who may not read, a 403 for a reader without the grant.
async fn assessor_of(services: &Services, user: &CurrentUser) -> Result<Assessor, WebError> {
    if !standing(services, user).await?.assessor {
        return Err(WebError::Forbidden);
    }
    Ok(Assessor {
        id: user.actor.user.id,
        name: user.actor.user.full_name.clone(),
        nip: user.actor.user.nip.clone().unwrap_or_default(),
    })
}

fn query_of(sop: &str, semester: &str) -> MonitoringQuery {
    MonitoringQuery {
        sop: sop.to_owned(),
        semester: semester.to_owned(),
        ok: String::new(),
    }
}

fn back_to(sop: &str, half: HalfYear, notice: &str) -> Response {
    Redirect::to(&format!(
        "{PATH}?sop={sop}&semester={}&ok={notice}",
        half_code(half)
    ))
    .into_response()
}

/// Field-by-field problems of the typed rows (`errors` gets one message per field).
fn row_errors(tr: Tr, rows: &[MonitoringRow], signing: bool, errors: &mut FormErrors) {
    for (index, field, problem) in check_rows(rows, signing) {
        if let Some(row) = rows.get(index) {
            errors.field(
                &format!("{field}-{}", row.no),
                tr.t(&format!("monitoring-error-{}", problem.code())),
            );
        }
    }
}

/// `POST /laporan/monitoring-sop`: an assessor saves the form as a draft (a new one, or the
/// stored draft at the revision it was shown at). Bad input comes back field by field and
/// nothing is stored; a signed form is never changed.
pub(crate) async fn view_laporan_monitoring_sop_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let assessor = assessor_of(services, &user).await?;
    let data = FormData(data);
    let (sop_code, semester) = (data.text("sop"), data.text("semester"));
    let Some((sop, half)) = choose(services, &sop_code, &semester)? else {
        return Err(WebError::NotFound);
    };
    let stored = services
        .store
        .monitoring_form(&sop.header.code, half)
        .await?;
    let revision_text = data.text("revisi");
    let revision = match revision_text.as_str() {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| WebError::bad_request("web-error-bad-request"))?,
        ),
    };
    // The procedures are the stored form's (its version), else the SOP's: never the client's.
    let steps: Vec<(u32, String)> = match &stored {
        Some(form) => form
            .rows
            .iter()
            .map(|row| (row.no, row.procedure.clone()))
            .collect(),
        None => procedures(&sop),
    };
    let mut errors = FormErrors::new();
    let rows: Vec<MonitoringRow> = steps
        .into_iter()
        .map(|(no, procedure)| {
            let chosen = data.text(&format!("penilaian-{no}"));
            let assessment = match chosen.as_str() {
                "" => None,
                code => {
                    let parsed = Assessment::from_code(code);
                    if parsed.is_none() {
                        errors.field(
                            &format!("penilaian-{no}"),
                            tr.t("monitoring-error-assessment"),
                        );
                    }
                    parsed
                }
            };
            MonitoringRow {
                no,
                procedure,
                assessment,
                note: data.text(&format!("catatan-{no}")),
                action: data.text(&format!("tindakan-{no}")),
            }
        })
        .collect();
    row_errors(tr, &rows, false, &mut errors);
    let unit = data.text("unit");
    if unit.is_empty() {
        errors.field("unit", tr.t("monitoring-error-unit-empty"));
    } else if unit.chars().count() > UNIT_MAX {
        errors.field("unit", tr.t("monitoring-error-unit-long"));
    }
    let typed = |rows: Vec<MonitoringRow>, unit: String| Typed {
        rows,
        unit,
        revision: revision_text.clone(),
    };
    let query = query_of(&sop.header.code, &half_code(half));
    if stored.as_ref().is_some_and(|form| form.signed_at.is_some()) {
        errors.form(tr.t("monitoring-error-signed"));
        return render(
            &state,
            shell,
            &user,
            &query,
            StatusCode::CONFLICT,
            None,
            errors,
            FormErrors::new(),
            None,
        )
        .await;
    }
    if !errors.is_empty() {
        return render(
            &state,
            shell,
            &user,
            &query,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(typed(rows, unit)),
            errors,
            FormErrors::new(),
            None,
        )
        .await;
    }
    let draft = MonitoringDraft {
        sop_code: sop.header.code.clone(),
        sop_version: stored
            .as_ref()
            .map_or(sop.header.version, |form| form.sop_version),
        half,
        sop_title: stored
            .as_ref()
            .map_or_else(|| sop.header.title.clone(), |form| form.sop_title.clone()),
        sop_number: stored
            .as_ref()
            .map_or_else(|| sop.header.number.clone(), |form| form.sop_number.clone()),
        unit: unit.clone(),
        threshold_percent: match &stored {
            Some(form) => form.threshold_percent,
            None => threshold(services).await?,
        },
        rows: rows.clone(),
    };
    let outcome = services
        .store
        .save_monitoring_draft(
            &draft,
            revision,
            &assessor,
            &user.audit_source(),
            services.clock.now(),
        )
        .await?;
    let problem = match outcome {
        SaveOutcome::Saved(_) => return Ok(back_to(&sop.header.code, half, "saved")),
        SaveOutcome::AlreadySigned => "monitoring-error-signed",
        SaveOutcome::Stale => "monitoring-error-stale",
    };
    errors.form(tr.t(problem));
    render(
        &state,
        shell,
        &user,
        &query,
        StatusCode::CONFLICT,
        Some(typed(rows, unit)),
        errors,
        FormErrors::new(),
        None,
    )
    .await
}

/// `POST /laporan/monitoring-sop/paraf`: an assessor paraf-signs the saved draft at the
/// revision shown. Every step must be assessed; of two signatures at once one is stored.
pub(crate) async fn view_laporan_monitoring_sop_paraf_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let assessor = assessor_of(services, &user).await?;
    let data = FormData(data);
    let id = uuid::Uuid::parse_str(&data.text("formulir")).map_err(|_| WebError::NotFound)?;
    let form = services
        .store
        .monitoring_form_by_id(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let revision = data
        .text("revisi")
        .parse::<i64>()
        .map_err(|_| WebError::bad_request("web-error-bad-request"))?;
    let query = query_of(&form.sop_code, &half_code(form.half));
    let mut errors = FormErrors::new();
    row_errors(tr, &form.rows, true, &mut errors);
    if form.signed_at.is_none() && !errors.is_empty() {
        errors.form(tr.t("monitoring-error-sign-incomplete"));
        return render(
            &state,
            shell,
            &user,
            &query,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors,
            FormErrors::new(),
            None,
        )
        .await;
    }
    let outcome = sign_and_issue(
        services,
        &state.config().public_base_url,
        tr,
        &form,
        revision,
        &assessor,
        &user.audit_source(),
        services.clock.now(),
    )
    .await?;
    let problem = match outcome {
        SignOutcome::Signed(_) => return Ok(back_to(&form.sop_code, form.half, "signed")),
        SignOutcome::Missing => return Err(WebError::NotFound),
        SignOutcome::AlreadySigned => "monitoring-error-signed",
        SignOutcome::Stale => "monitoring-error-stale",
    };
    let mut errors = FormErrors::new();
    errors.form(tr.t(problem));
    render(
        &state,
        shell,
        &user,
        &query,
        StatusCode::CONFLICT,
        None,
        errors,
        FormErrors::new(),
        None,
    )
    .await
}

/// `POST /laporan/monitoring-sop/ambang`: the admin sets the proposal's threshold (an
/// integer percentage 1-100), audited as a setting. Forms already saved keep theirs.
pub(crate) async fn view_laporan_monitoring_sop_ambang_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    if !standing(services, &user).await?.admin {
        return Err(WebError::Forbidden);
    }
    let data = FormData(data);
    let typed = data.text("ambang");
    let query = query_of(&data.text("sop"), &data.text("semester"));
    let value = typed
        .trim_end_matches('%')
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|value| (1..=100).contains(value));
    let Some(value) = value else {
        let mut errors = FormErrors::new();
        errors.field("ambang", shell.tr.t("monitoring-error-threshold"));
        return render(
            &state,
            shell,
            &user,
            &query,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            FormErrors::new(),
            errors,
            Some(typed),
        )
        .await;
    };
    services
        .store
        .set_setting(
            THRESHOLD_SETTING,
            &value.to_string(),
            &user.audit_source(),
            services.clock.now(),
        )
        .await?;
    let half = parse_half(&query.semester);
    Ok(match half {
        Some(half) if !query.sop.is_empty() => back_to(&query.sop, half, "threshold"),
        _ => Redirect::to(&format!("{PATH}?ok=threshold")).into_response(),
    })
}

/// The form worded for print (PDF) in `tr`'s language.
fn printed(
    services: &Services,
    tr: Tr,
    form: &MonitoringForm,
    place: &str,
) -> (MonitoringFormDoc, MonitoringSheet) {
    let lang = tr.lang();
    let draft = draft_of(form);
    // The assessor signs under the table; the header names them too, as the form does.
    let facts = facts(
        tr,
        &draft,
        Some((form.assessor_name.as_str(), form.assessor_nip.as_str())),
    );
    let signed = form.signed_at.is_some();
    let paraf = if signed {
        initials(&form.assessor_name)
    } else {
        String::new()
    };
    let headers = MonitoringHeaders {
        no: tr.t("monitoring-col-no"),
        procedure: tr.t("monitoring-col-procedure"),
        assessment: tr.t("monitoring-col-assessment"),
        good: tr.t("monitoring-good"),
        not_good: tr.t("monitoring-not-good"),
        note: tr.t("monitoring-col-note"),
        action: tr.t("monitoring-col-action"),
        paraf: tr.t("monitoring-col-paraf"),
    };
    let when = form.signed_at.unwrap_or(form.updated_at);
    let local = when
        .with_timezone(&services.calendar.snapshot().time_zone)
        .date_naive();
    let place_date = if place.trim().is_empty() {
        format_date(lang, local)
    } else {
        format!("{}, {}", place.trim(), format_date(lang, local))
    };
    let nip = if form.assessor_nip.is_empty() {
        String::new()
    } else {
        t_args(lang, "render-nip", &[("nip", arg(&form.assessor_nip))])
    };
    let seal = if signed {
        tr.t1("monitoring-seal", "code", seal_code(form))
    } else {
        tr.t("monitoring-status-draft")
    };
    let doc = MonitoringFormDoc {
        title: tr.t("monitoring-form-title"),
        facts: facts.clone(),
        headers: headers.clone(),
        rows: form
            .rows
            .iter()
            .map(|row| MonitoringRowDoc {
                no: row.no.to_string(),
                procedure: row.procedure.clone(),
                good: row.assessment == Some(Assessment::Good),
                not_good: row.assessment == Some(Assessment::NotGood),
                note: row.note.clone(),
                action: row.action.clone(),
                paraf: paraf.clone(),
            })
            .collect(),
        place_date: place_date.clone(),
        assessor_label: tr.t("monitoring-assessor"),
        assessor_name: form.assessor_name.clone(),
        assessor_nip: nip.clone(),
        signed: signed_text(services, tr, form),
        seal: seal.clone(),
    };
    let sheet = MonitoringSheet {
        title: tr.t("monitoring-form-title").to_uppercase(),
        facts,
        headers: [
            headers.no,
            headers.procedure,
            headers.assessment,
            headers.good,
            headers.not_good,
            headers.note,
            headers.action,
            headers.paraf,
        ],
        lines: form
            .rows
            .iter()
            .map(|row| MonitoringLine {
                no: row.no,
                procedure: row.procedure.clone(),
                good: row.assessment == Some(Assessment::Good),
                not_good: row.assessment == Some(Assessment::NotGood),
                note: row.note.clone(),
                action: row.action.clone(),
                paraf: paraf.clone(),
            })
            .collect(),
        signature: [
            place_date,
            tr.t("monitoring-assessor"),
            signed_text(services, tr, form),
            form.assessor_name.clone(),
            nip,
            seal,
        ]
        .into_iter()
        .filter(|line| !line.is_empty())
        .collect(),
    };
    (doc, sheet)
}

/// A signed form's PDF as issued: its bytes and the issue to record.
struct IssuedPdf {
    pdf: Vec<u8>,
    document: NewIssuedDocument,
}

/// The document's subject: one per form and language (and paper, beside it).
fn subject_of(form: &MonitoringForm, tr: Tr) -> String {
    format!(
        "{}:{}:{}",
        DocumentKind::MonitoringForm.code(),
        form.id,
        tr.lang().code()
    )
}

/// Renders the signed `form` in `tr`'s language under the office's letterhead `kop` as a
/// document issued at `now` (a fresh verification id, the QR of `/verifikasi`) and keeps the
/// PDF in the document store, so that it is on disk (or in the database) before its issue is
/// recorded. Records nothing.
async fn render_issue(
    services: &Services,
    public_base_url: &str,
    tr: Tr,
    form: &MonitoringForm,
    kop: &LetterheadSetting,
    now: DateTime<Utc>,
) -> Result<IssuedPdf, WebError> {
    let paper = kop.paper();
    let kind = DocumentKind::MonitoringForm;
    let (doc, _) = printed(services, tr, form, &kop.place);
    let number = format!(
        "{} / MON / {} / {}",
        form.sop_number,
        roman(form.half.semester),
        form.half.year
    );
    let verification_id = pelihara_documents::new_verification_id();
    let issue = Issue {
        verify_url: pelihara_documents::verify_url(public_base_url, &verification_id),
        id: verification_id.clone(),
        number: number.clone(),
        issued_at: now,
    };
    let setting = Setting {
        letterhead: kop.letterhead(services).await?,
        lang: tr.lang(),
        time_zone: services.calendar.snapshot().time_zone,
        paper,
    };
    let rendered = off_runtime(move || {
        pelihara_documents::render(Document::MonitoringForm(&doc), &setting, &issue)
    })
    .await?
    .map_err(WebError::internal)?;
    // Durability before acknowledgement: the PDF is kept before its issue is recorded.
    let digest = services
        .blobs
        .put(&rendered.pdf)
        .await
        .map_err(WebError::internal)?;
    Ok(IssuedPdf {
        pdf: rendered.pdf,
        document: NewIssuedDocument {
            id: verification_id,
            kind: kind.code().to_owned(),
            case_id: None,
            subject: subject_of(form, tr),
            paper: paper.code().to_owned(),
            number,
            sha256: digest,
            source_version: 0,
        },
    })
}

/// Paraf-signs `form` (as read at `revision`) by `assessor` and issues its PDF in the same
/// step: the PDF of the form exactly as the signature seals it (signer, moment, seal) is
/// rendered first, off the writer, and kept in the document store; then the signature and
/// the document's issue are stored in ONE transaction with one audit event
/// (`Store::sign_monitoring_form`). So a signed form is verifiable at `/verifikasi` from the
/// moment it is signed and never lacks its document, whatever stops when; a failed render
/// signs nothing. The PDF is in `tr`'s language (the signer's); a download in the other
/// language issues that one at its first download.
#[allow(clippy::too_many_arguments)] // Each is one part of the signature.
pub async fn sign_and_issue(
    services: &Services,
    public_base_url: &str,
    tr: Tr,
    form: &MonitoringForm,
    revision: i64,
    assessor: &Assessor,
    source: &AuditSource,
    now: DateTime<Utc>,
) -> Result<SignOutcome, WebError> {
    if form.signed_at.is_some() {
        return Ok(SignOutcome::AlreadySigned);
    }
    if form.revision != revision {
        return Ok(SignOutcome::Stale);
    }
    // The store keeps instants in milliseconds: the PDF prints the moment stored.
    let now = DateTime::<Utc>::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
    let sealed = form.sealed_by(assessor, now);
    let kop = LetterheadSetting::load(services).await?;
    let issued = render_issue(services, public_base_url, tr, &sealed, &kop, now).await?;
    Ok(services
        .store
        .sign_monitoring_form(
            form.id,
            revision,
            assessor,
            Some(&issued.document),
            source,
            now,
        )
        .await?)
}

/// The issued PDF of a signed form in `tr`'s language: the current issue (the one made at
/// the signature, for the signer's language), or a new one (the form is sealed, so one issue
/// per language and paper stays current). Returns the PDF and its verification id.
async fn issued_pdf(
    state: &AppState,
    tr: Tr,
    form: &MonitoringForm,
    user: &CurrentUser,
) -> Result<(Vec<u8>, String), WebError> {
    let services = state.services();
    let kop = LetterheadSetting::load(services).await?;
    let paper = kop.paper();
    let kind = DocumentKind::MonitoringForm;
    let subject = subject_of(form, tr);
    let current = async || -> Result<Option<(Vec<u8>, String)>, WebError> {
        match services
            .store
            .current_issued_document(kind.code(), &subject, paper.code())
            .await?
        {
            Some(issued) => Ok(services
                .blobs
                .get(&issued.sha256)
                .await
                .map_err(WebError::internal)?
                .map(|bytes| (bytes, issued.id))),
            None => Ok(None),
        }
    };
    if let Some(found) = current().await? {
        return Ok(found);
    }
    let _held = DocumentLocks::lock(
        state.document_locks(),
        format!("{}\n{subject}\n{}", kind.code(), paper.code()),
    )
    .await;
    if let Some(found) = current().await? {
        return Ok(found);
    }
    let now: DateTime<Utc> = services.clock.now();
    let issued = render_issue(
        services,
        &state.config().public_base_url,
        tr,
        form,
        &kop,
        now,
    )
    .await?;
    services
        .store
        .issue_document(&user.audit_source(), &issued.document, now)
        .await?;
    Ok((issued.pdf, issued.document.id))
}

/// `GET /laporan/monitoring-sop/{id}/ekspor/{format}`: the form as XLSX (a draft too) or as
/// its issued PDF (a signed form only; a draft's is a 404).
pub(crate) async fn view_laporan_monitoring_sop_ekspor_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let services = state.services();
    standing(services, &user).await?;
    let tr = shell.tr;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| WebError::NotFound)?;
    let form = services
        .store
        .monitoring_form_by_id(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let stem = format!(
        "monitoring-sop-{}-{}-{}",
        form.sop_code, form.half.year, form.half.semester
    )
    .replace(['"', '\\', '/'], "_");
    let export = || {
        let export = Export::new("monitoring-sop");
        let export = match form.half.period() {
            Some(period) => export.period(period.code(), period.start, period.last()),
            None => export,
        };
        export
            .filter("sop", &form.sop_code)
            .filter("semester", half_code(form.half))
            .filter("formulir", form.id)
    };
    match format.as_str() {
        "xlsx" => {
            let letterhead_setting = LetterheadSetting::load(services).await?;
            let (_, sheet) = printed(services, tr, &form, &letterhead_setting.place);
            let bytes = monitoring_xlsx(&sheet).map_err(WebError::internal)?;
            deliver(services, &user, export(), ExportFile::xlsx(bytes, &stem)).await
        }
        "pdf" if form.signed_at.is_some() => {
            let (pdf, document) = issued_pdf(&state, tr, &form, &user).await?;
            let export = export().filter("dokumen", document);
            deliver(
                services,
                &user,
                export,
                ExportFile::pdf(pdf, &stem).inline(),
            )
            .await
        }
        _ => Err(WebError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_skip_titles() {
        assert_eq!(initials("Agus Prasetyo, S.Kom."), "AP");
        assert_eq!(initials("dr. Siti Rahma"), "DSR");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn half_year_codes_read_back() {
        let half = HalfYear::new(2026, 2).unwrap_or(HalfYear {
            year: 0,
            semester: 0,
        });
        assert_eq!(parse_half(&half_code(half)), Some(half));
        assert_eq!(parse_half("2026-3"), None);
        assert_eq!(parse_half("x"), None);
    }
}
