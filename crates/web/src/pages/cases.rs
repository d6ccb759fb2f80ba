//! The pages of requests (permohonan): the inbox "Tugas saya", the list of requests, the new
//! request form with the letter upload, the case page (stepper, records, timeline) and its
//! action forms, and the leadership dashboard. Handlers load through the store, let the
//! engine decide, and render; they never decide a case rule themselves. Another OPD's case is
//! a 404, exactly like a case that does not exist.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use pelihara_domain::sla;
use pelihara_domain::{
    Actor, CaseId, CaseState, CaseStatus, Command, Confidentiality, DocumentRef, HostingRecord,
    OPD_POSITION, Record, Refusal, RegisterInput, Role, SubmitInput, Task, TaskId, TaskStage,
    TaskState, Urgency, Verdict, effective_positions, may_take, may_view,
};
use pelihara_i18n::{Lang, format_date, format_datetime};
use pelihara_sop::{SopDefinition, StepForm, StepKind, Target};
use pelihara_store::StoreError;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::pages::page_or_partial;
use crate::shell::{Shell, Tr};
use crate::state::{AppState, Services};

/// The SOP new requests follow.
const SOP_CODE: &str = "pemeliharaan-aplikasi-website";
/// The largest letter accepted; a scanned letter of several pages fits.
const LETTER_MAX_BYTES: usize = 10 * 1024 * 1024;

fn internal(error: impl std::error::Error + Send + Sync + 'static) -> WebError {
    WebError::internal(error)
}

fn store_error(error: StoreError) -> WebError {
    match error {
        StoreError::Refused(Refusal::NotFound) => WebError::NotFound,
        other => internal(other),
    }
}

fn when(services: &Services, lang: Lang, instant: DateTime<Utc>) -> String {
    format_datetime(lang, services.calendar.time_zone, instant)
}

/// Duration in working time, as people say it: "2 jam 15 menit" / "1,5 hari".
fn working_time(tr: Tr, task: &Task) -> String {
    match (task.standard, task.actual_in_unit, task.actual_seconds) {
        // Under a day, hours and minutes say more than "0,0 hari".
        (Some(pelihara_domain::TaskStandard::WorkingDays(_)), Some(days), _)
        | (Some(pelihara_domain::TaskStandard::CalendarDays(_)), Some(days), _)
            if days >= 1.0 =>
        {
            tr.t1(
                "web-days",
                "days",
                format!("{days:.1}").replace('.', decimal(tr)),
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

fn decimal(tr: Tr) -> &'static str {
    match tr.lang() {
        Lang::Id => ",",
        Lang::En => ".",
    }
}

/// The SLA badge of a task: its CSS modifier and its label.
fn badge(services: &Services, sop: &SopDefinition, tr: Tr, task: &Task) -> (String, String) {
    let state = sla::state(
        &services.calendar,
        task,
        services.clock.now(),
        sop.settings.due_soon_percent,
    );
    (
        state.code().to_owned(),
        tr.t(&format!("web-sla-{}", state.code())),
    )
}

fn position_label(tr: Tr, position: &str) -> String {
    tr.t(&format!("position-{position}"))
}

// ---------------------------------------------------------------------------------------------
// Inbox: Tugas saya

struct TaskRow {
    case_id: String,
    tracking_code: String,
    subject: String,
    opd_name: String,
    app_name: String,
    step_no: u32,
    activity: String,
    stage: String,
    opened: String,
    due: String,
    sla_code: String,
    sla_label: String,
}

#[derive(Template)]
#[template(path = "inbox_partial.html")]
struct InboxPartial {
    tr: Tr,
    rows: Vec<TaskRow>,
    overdue: usize,
    due_soon: usize,
    is_operator: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    shell: Shell,
    tr: Tr,
    partial: InboxPartial,
}

pub(crate) async fn view_tugas_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let services = state.services();
    let now = services.clock.now();
    let positions = effective_positions(&user.actor, now);
    let opd = match user.actor.user.role {
        Role::OpdOperator => user.actor.user.opd_id,
        _ => None,
    };
    let items = services
        .store
        .inbox(&positions, opd, 200)
        .await
        .map_err(store_error)?;
    let tr = shell.tr;
    let sop = services
        .catalog
        .latest(SOP_CODE)
        .ok_or(WebError::NotFound)?;
    let mut rows = Vec::new();
    for item in items {
        let (sla_code, sla_label) = badge(services, &sop, tr, &item.task);
        let activity = sop
            .step(item.task.step_no)
            .map(|step| step.activity.clone())
            .unwrap_or_default();
        rows.push(TaskRow {
            case_id: item.task.case_id.to_string(),
            tracking_code: item.tracking_code,
            subject: item.subject,
            opd_name: item.opd_name,
            app_name: item.app_name,
            step_no: item.task.step_no,
            activity,
            stage: tr.t(&format!("web-stage-{}", stage_code(item.task.stage))),
            opened: when(services, tr.lang(), item.task.opened_at),
            due: item
                .task
                .due_at
                .map(|due| when(services, tr.lang(), due))
                .unwrap_or_else(|| tr.t("web-no-due")),
            sla_code,
            sla_label,
        });
    }
    let overdue = rows.iter().filter(|row| row.sla_code == "overdue").count();
    let due_soon = rows.iter().filter(|row| row.sla_code == "due_soon").count();
    let partial = InboxPartial {
        tr,
        rows,
        overdue,
        due_soon,
        is_operator: user.actor.user.role == Role::OpdOperator,
    };
    page_or_partial(shell, partial, |shell, partial| InboxPage {
        tr: shell.tr,
        shell,
        partial,
    })
}

fn stage_code(stage: TaskStage) -> &'static str {
    match stage {
        TaskStage::Perform => "perform",
        TaskStage::Decide => "decide",
        TaskStage::Complete => "complete",
    }
}

// ---------------------------------------------------------------------------------------------
// List of requests and the dashboard

struct CaseRow {
    id: String,
    tracking_code: String,
    agenda_number: String,
    subject: String,
    opd_name: String,
    app_name: String,
    status_code: String,
    status_label: String,
    step_no: u32,
    submitted: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "cases_partial.html")]
struct CasesPartial {
    tr: Tr,
    rows: Vec<CaseRow>,
    may_submit: bool,
    /// Draft periodic-maintenance requests (the register's), shown above the list.
    drafts: Vec<super::register_maintenance::DraftRow>,
    notice: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct CasesQuery {
    #[serde(default)]
    draf: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    shell: Shell,
    tr: Tr,
    partial: CasesPartial,
}

async fn case_rows(services: &Services, tr: Tr, actor: &Actor) -> Result<Vec<CaseRow>, WebError> {
    let opd = match actor.user.role {
        Role::OpdOperator => Some(actor.user.opd_id.ok_or(WebError::Forbidden)?),
        _ => None,
    };
    let now = services.clock.now();
    let cases = services
        .store
        .list_cases(opd, 500)
        .await
        .map_err(store_error)?;
    Ok(cases
        .into_iter()
        .map(|case| CaseRow {
            id: case.id.to_string(),
            tracking_code: case.tracking_code,
            agenda_number: case.agenda_number.unwrap_or_default(),
            subject: case.subject,
            opd_name: case.opd_name,
            app_name: case.app_name,
            status_code: case.status.code().to_owned(),
            status_label: tr.t(&format!("status-{}", case.status.code())),
            step_no: case.current_step,
            submitted: when(services, tr.lang(), case.submitted_at),
            overdue: case.due_at.is_some_and(|due| due < now),
        })
        .collect())
}

pub(crate) async fn view_permohonan_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<CasesQuery>,
) -> Result<Response, WebError> {
    let rows = case_rows(state.services(), shell.tr, &user.actor).await?;
    let drafts =
        super::register_maintenance::draft_rows(state.services(), shell.tr, &user.actor).await?;
    let partial = CasesPartial {
        tr: shell.tr,
        rows,
        may_submit: user.actor.user.role == Role::OpdOperator,
        drafts,
        notice: if query.draf == "buang" {
            shell.tr.t("register-draft-discarded")
        } else {
            String::new()
        },
    };
    page_or_partial(shell, partial, |shell, partial| CasesPage {
        tr: shell.tr,
        shell,
        partial,
    })
}

#[derive(Template)]
#[template(path = "dashboard_partial.html")]
struct DashboardPartial {
    tr: Tr,
    /// (message key, count, CSS modifier) of each headline figure.
    stats: Vec<(&'static str, usize, &'static str)>,
    by_step: Vec<(u32, String, usize)>,
    overdue_rows: Vec<CaseRow>,
    /// Apps overdue or due soon for their periodic maintenance (the register's).
    apps: super::register_maintenance::DueApps,
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
    let sop = services
        .catalog
        .latest(SOP_CODE)
        .ok_or(WebError::NotFound)?;
    let now = services.clock.now();
    let tz = services.calendar.time_zone;
    let local_now = now.with_timezone(&tz);
    let cases = services
        .store
        .list_cases(None, 5000)
        .await
        .map_err(store_error)?;
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
    let mut per_step: HashMap<u32, usize> = HashMap::new();
    for case in cases.iter().filter(|case| !case.status.is_closed()) {
        *per_step.entry(case.current_step).or_default() += 1;
    }
    let by_step = sop
        .steps
        .iter()
        .filter(|step| step.kind != StepKind::End)
        .map(|step| {
            (
                step.no,
                step.activity.clone(),
                per_step.get(&step.no).copied().unwrap_or(0),
            )
        })
        .collect();
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
        apps: super::register_maintenance::due_apps(services, tr).await?,
    };
    page_or_partial(shell, partial, |shell, partial| DashboardPage {
        tr: shell.tr,
        shell,
        partial,
    })
}

// ---------------------------------------------------------------------------------------------
// New request

struct AppOption {
    id: String,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "request_new_partial.html")]
struct RequestNewPartial {
    tr: Tr,
    apps: Vec<AppOption>,
    subject: String,
    description: String,
    errors: Vec<String>,
    /// The draft being confirmed (empty: a new request) and what the page says about it.
    draft_id: String,
    draft_notice: String,
    /// "Aplikasi belum terdaftar": the app is proposed with the request.
    propose: super::register_maintenance::Proposal,
}

#[derive(Template)]
#[template(path = "request_new.html")]
struct RequestNewPage {
    shell: Shell,
    tr: Tr,
    partial: RequestNewPartial,
}

async fn app_options(
    services: &Services,
    actor: &Actor,
    selected: &str,
) -> Result<Vec<AppOption>, WebError> {
    let opd = actor.user.opd_id.ok_or(WebError::NotFound)?;
    let apps = services
        .store
        .list_apps(Some(opd))
        .await
        .map_err(store_error)?;
    Ok(apps
        .into_iter()
        .filter(|app| app.status == "active")
        .map(|app| AppOption {
            selected: app.id.to_string() == selected,
            id: app.id.to_string(),
            name: app.name,
        })
        .collect())
}

fn operator_only(user: &CurrentUser) -> Result<(), WebError> {
    if user.actor.user.role == Role::OpdOperator && user.actor.user.opd_id.is_some() {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct NewRequestQuery {
    #[serde(default)]
    draf: String,
}

pub(crate) async fn view_permohonan_baru_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<NewRequestQuery>,
) -> Result<Response, WebError> {
    operator_only(&user)?;
    let services = state.services();
    let tr = shell.tr;
    // Confirming a draft: the form comes filled in for its app; the OPD adds the letter.
    let draft = if query.draf.is_empty() {
        None
    } else {
        Some(super::register_maintenance::operator_draft(services, &user.actor, &query.draf).await?)
    };
    let (selected, subject, description, draft_notice) = match &draft {
        Some(draft) => {
            let (subject, description, notice) =
                super::register_maintenance::draft_texts(tr, draft);
            (draft.app_id.to_string(), subject, description, notice)
        }
        None => Default::default(),
    };
    let partial = RequestNewPartial {
        tr,
        apps: app_options(services, &user.actor, &selected).await?,
        subject,
        description,
        errors: Vec::new(),
        draft_id: draft.map(|draft| draft.id.to_string()).unwrap_or_default(),
        draft_notice,
        propose: super::register_maintenance::Proposal::default(),
    };
    page_or_partial(shell, partial, |shell, partial| RequestNewPage {
        tr: shell.tr,
        shell,
        partial,
    })
}

/// The fields and files of a multipart form, read with limits.
#[derive(Default)]
struct FormData {
    fields: HashMap<String, String>,
    files: HashMap<String, (String, Vec<u8>)>,
    /// A file was larger than allowed.
    oversized: bool,
}

impl FormData {
    fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .get(name)
            .map(|joined| joined.split('\u{1f}').map(str::to_owned).collect())
            .unwrap_or_default()
    }
}

async fn read_form(mut multipart: Multipart) -> Result<FormData, WebError> {
    let mut form = FormData::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::bad_request("web-error-bad-form"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| WebError::bad_request("web-error-bad-form"))?;
            if bytes.is_empty() {
                continue;
            }
            if bytes.len() > LETTER_MAX_BYTES {
                form.oversized = true;
                continue;
            }
            form.files.insert(name, (file_name, bytes.to_vec()));
        } else {
            let value = field
                .text()
                .await
                .map_err(|_| WebError::bad_request("web-error-bad-form"))?;
            // Repeated fields (checkboxes) are joined with a unit separator.
            form.fields
                .entry(name)
                .and_modify(|existing| {
                    existing.push('\u{1f}');
                    existing.push_str(&value);
                })
                .or_insert(value);
        }
    }
    Ok(form)
}

/// A file name fit to keep as metadata: no path, no control characters, bounded length.
fn sanitise_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?') {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    if cleaned.trim().is_empty() || cleaned.starts_with('.') {
        "surat.pdf".to_owned()
    } else {
        cleaned
    }
}

/// Checks an upload is a PDF by its content, and stores it durably.
fn store_letter(
    services: &Services,
    upload: Option<&(String, Vec<u8>)>,
    oversized: bool,
    tr: Tr,
    errors: &mut Vec<String>,
) -> Result<Option<DocumentRef>, WebError> {
    if oversized {
        errors.push(tr.t1(
            "web-error-letter-too-large",
            "mb",
            LETTER_MAX_BYTES / (1024 * 1024),
        ));
        return Ok(None);
    }
    let Some((name, bytes)) = upload else {
        return Ok(None);
    };
    // A PDF starts with "%PDF-" (within its first KiB, per the specification) and carries an
    // end-of-file marker near its end; anything else is refused whatever its name says.
    let head = &bytes[..bytes.len().min(1024)];
    let is_pdf = head.windows(5).any(|window| window == b"%PDF-")
        && bytes[bytes.len().saturating_sub(2048)..]
            .windows(5)
            .any(|window| window == b"%%EOF");
    if !is_pdf {
        errors.push(tr.t("web-error-letter-not-pdf"));
        return Ok(None);
    }
    let sha256 = services.blobs.put(bytes).map_err(internal)?;
    Ok(Some(DocumentRef {
        sha256,
        file_name: sanitise_file_name(name),
        size: bytes.len() as u64,
        media_type: "application/pdf".to_owned(),
    }))
}

pub(crate) async fn view_permohonan_baru_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    operator_only(&user)?;
    let services = state.services();
    let tr = shell.tr;
    let form = read_form(multipart).await?;
    let app_id = form.text("app_id");
    let mut errors = Vec::new();
    let apps = app_options(services, &user.actor, &app_id).await?;
    // A draft being confirmed must still be this OPD's and open; a stale one is a 404.
    let draft_id = form.text("draft_id");
    let draft = if draft_id.is_empty() {
        None
    } else {
        Some(super::register_maintenance::operator_draft(services, &user.actor, &draft_id).await?)
    };
    let draft_notice = draft
        .as_ref()
        .map(|draft| super::register_maintenance::draft_texts(tr, draft).2)
        .unwrap_or_default();
    // "Aplikasi belum terdaftar": checked now, created only once everything else is right.
    // Proposing: the "not registered" choice, or no app chosen but a new app's name typed.
    let proposal = super::register_maintenance::Proposal::read(
        tr,
        draft.is_none()
            && (app_id == super::register_maintenance::PROPOSE_VALUE
                || (app_id.is_empty() && !form.text("new_app_name").trim().is_empty())),
        &form.text("new_app_name"),
        &form.text("new_app_url"),
        &form.text("new_app_description"),
    );
    let app = if proposal.active {
        // A placeholder: the store gives the proposed app its own id in the same write.
        Some(pelihara_domain::AppId::random())
    } else {
        apps.iter()
            .find(|app| app.id == app_id)
            .and_then(|app| pelihara_domain::AppId::parse(&app.id))
    };
    if app.is_none() {
        errors.push(tr.t("web-error-choose-app"));
    }
    errors.extend(proposal.errors.iter().cloned());
    if !form.files.contains_key("letter") && !form.oversized {
        errors.push(tr.t("web-error-letter-required"));
    }
    let letter = store_letter(
        services,
        form.files.get("letter"),
        form.oversized,
        tr,
        &mut errors,
    )?;
    let rerender = |errors: Vec<String>, apps: Vec<AppOption>, shell: Shell| {
        let partial = RequestNewPartial {
            tr,
            apps,
            subject: form.text("subject"),
            description: form.text("description"),
            errors,
            draft_id: draft_id.clone(),
            draft_notice: draft_notice.clone(),
            propose: proposal.clone(),
        };
        let response = page_or_partial(shell, partial, |shell, partial| RequestNewPage {
            tr: shell.tr,
            shell,
            partial,
        })?;
        Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
    };
    let (Some(app_id), Some(letter)) = (app, letter) else {
        return rerender(errors, apps, shell);
    };
    if !errors.is_empty() {
        return rerender(errors, apps, shell);
    }
    let sop = services
        .catalog
        .latest(SOP_CODE)
        .ok_or(WebError::NotFound)?;
    let opd_id = user.actor.user.opd_id.ok_or(WebError::NotFound)?;
    let input = SubmitInput {
        opd_id,
        app_id,
        subject: form.text("subject"),
        description: form.text("description"),
        letter,
        tracking_code: pelihara_domain::new_tracking_code(),
    };
    // The proposed app and the draft's closing are written with the case in one write: bad
    // input (the engine judges it first) or a failure creates none of them.
    let with = pelihara_store::SubmitWith {
        proposed_app: proposal.active.then(|| proposal.fields()),
        draft: draft.as_ref().map(|draft| draft.id),
    };
    let now = services.clock.now();
    match services
        .store
        .submit_request(
            &sop,
            &services.calendar,
            &user.actor,
            input,
            with,
            now,
            &user.audit_source(),
        )
        .await
    {
        Ok(submitted) => {
            // The receipt is issued in the background; the link on the page the OPD lands on
            // issues it itself should the worker not have got to it yet.
            super::documents::issue_after_action(&state, &submitted, &user.audit_source());
            Ok(Redirect::to(&format!("/permohonan/{}?baru=1", submitted.case.id)).into_response())
        }
        Err(StoreError::Refused(refusal)) => {
            rerender(vec![refusal.message(tr.lang())], apps, shell)
        }
        Err(other) => Err(internal(other)),
    }
}

// ---------------------------------------------------------------------------------------------
// The case page

struct StepView {
    no: u32,
    activity: String,
    actors: String,
    standard: String,
    /// done | current | returned | waiting | skipped
    status: String,
    status_label: String,
    by: String,
    at: String,
    actual: String,
    sla_code: String,
    sla_label: String,
}

struct EntryView {
    at: String,
    by: String,
    step_no: u32,
    title: String,
    lines: Vec<(String, String)>,
}

/// Which action forms this person may see on this case now.
#[derive(Default)]
struct Actions {
    task_id: String,
    form: String,
    may_return: bool,
    may_reject: bool,
    may_skip: bool,
    decide: bool,
    resubmit: bool,
    withdraw: bool,
    recall: bool,
    claim: bool,
    release: bool,
    instructions: Vec<String>,
    question: String,
    next_position: String,
}

impl Actions {
    /// The forms that only need a reason: (action, label key, button style).
    fn reason_forms(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        [
            (
                self.may_return,
                "return",
                "web-return-to-opd",
                "btn-outline-warning",
            ),
            (
                self.may_skip,
                "skip",
                "web-skip-step",
                "btn-outline-secondary",
            ),
            (
                self.may_reject,
                "reject",
                "web-reject",
                "btn-outline-danger",
            ),
            (
                self.withdraw,
                "withdraw",
                "web-withdraw",
                "btn-outline-danger",
            ),
            (self.recall, "recall", "web-recall", "btn-outline-secondary"),
        ]
        .into_iter()
        .filter(|(enabled, ..)| *enabled)
        .map(|(_, aksi, label, style)| (aksi, label, style))
        .collect()
    }
}

#[derive(Template)]
#[template(path = "case_partial.html")]
struct CasePartial {
    tr: Tr,
    id: String,
    action_url: String,
    tracking_code: String,
    subject: String,
    description: String,
    opd_name: String,
    app_name: String,
    status_code: String,
    status_label: String,
    closing_reason: String,
    agenda_number: String,
    submitted: String,
    letter_name: String,
    steps: Vec<StepView>,
    entries: Vec<EntryView>,
    actions: Actions,
    message: String,
    created: bool,
    today: String,
    /// `a4` or `f4`: the paper the documents' second link offers, the one the office's
    /// default (the plain link) is not.
    other_paper: &'static str,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    shell: Shell,
    tr: Tr,
    partial: CasePartial,
}

async fn load_visible(
    services: &Services,
    user: &CurrentUser,
    id: &str,
) -> Result<CaseState, WebError> {
    let id = CaseId::parse(id).ok_or(WebError::NotFound)?;
    let state = services
        .store
        .case_state(id)
        .await
        .map_err(store_error)?
        .ok_or(WebError::NotFound)?;
    if !may_view(&user.actor, &state.case) {
        return Err(WebError::NotFound);
    }
    Ok(state)
}

fn acting_text(tr: Tr, by: &str, acting: &Option<pelihara_domain::Acting>) -> String {
    match acting {
        Some(acting) => format!(
            "{} {} ({}, {})",
            acting.kind.label(),
            position_label(tr, &acting.position),
            by,
            tr.t1("web-for-official", "name", &acting.official_name)
        ),
        None => by.to_owned(),
    }
}

fn entry_view(services: &Services, tr: Tr, entry: &pelihara_domain::Entry) -> EntryView {
    let line = |key: &str, value: String| (tr.t(key), value);
    let yes_no = |value: bool| tr.t(if value { "web-yes" } else { "web-no" });
    let lines = match &entry.record {
        Record::Submission { letter } => vec![line("web-letter", letter.file_name.clone())],
        Record::Registration { agenda } => vec![
            line("web-agenda-number", agenda.number.clone()),
            line("field-classification", agenda.classification.clone()),
            line("field-letter_number", agenda.letter_number.clone()),
            line(
                "field-letter_date",
                format_date(tr.lang(), agenda.letter_date),
            ),
            line(
                "web-urgency",
                tr.t(&format!("web-urgency-{}", urgency_code(agenda.urgency))),
            ),
            line(
                "web-confidentiality",
                tr.t(&format!(
                    "web-confidentiality-{}",
                    confidentiality_code(agenda.confidentiality)
                )),
            ),
        ],
        Record::Disposition(disposition) => vec![
            line(
                "web-disposition-to",
                position_label(tr, &disposition.to_position),
            ),
            line("field-instructions", disposition.instructions.join("; ")),
            line("field-note", disposition.note.clone()),
            line(
                "web-paraf",
                format!(
                    "{}…",
                    &disposition.paraf.hash[..16.min(disposition.paraf.hash.len())]
                ),
            ),
        ],
        Record::Recall { reason }
        | Record::Skipped { reason }
        | Record::SentBack { reason }
        | Record::Returned { reason }
        | Record::Rejected { reason }
        | Record::Withdrawn { reason } => {
            vec![line("field-reason", reason.clone())]
        }
        Record::Analysis {
            findings,
            verdict,
            recommendation,
        } => vec![
            line("field-findings", findings.clone()),
            line(
                "web-verdict",
                tr.t(match verdict {
                    Verdict::Maintainable => "web-verdict-maintainable",
                    Verdict::NotMaintainable => "web-verdict-not-maintainable",
                }),
            ),
            line("field-recommendation", recommendation.clone()),
        ],
        Record::Maintenance {
            work_log,
            result,
            version,
        } => vec![
            line("field-work_log", work_log.clone()),
            line("field-result", result.clone()),
            line("field-version", version.clone()),
        ],
        Record::Hosting(hosting) => vec![
            line("field-server", hosting.server.clone()),
            line("field-domain", hosting.domain.clone()),
            line("field-url", hosting.url.clone()),
            line("web-dns-configured", yes_no(hosting.dns_configured)),
            line(
                "web-certificate-installed",
                yes_no(hosting.certificate_installed),
            ),
            line("web-deployed", yes_no(hosting.deployed)),
            line("field-network_officer", hosting.network_officer.clone()),
            line("field-notes", hosting.notes.clone()),
        ],
        Record::Presentation {
            held_at,
            place,
            attendees,
            summary,
        } => vec![
            line("field-held_at", when(services, tr.lang(), *held_at)),
            line("field-place", place.clone()),
            line("field-attendees", attendees.clone()),
            line("field-summary", summary.clone()),
        ],
        Record::Acceptance { note } | Record::Note { note } => {
            vec![line("field-note", note.clone())]
        }
        Record::Resubmitted { note, letter } => {
            let mut lines = vec![line("field-note", note.clone())];
            if let Some(letter) = letter {
                lines.push(line("web-letter", letter.file_name.clone()));
            }
            lines
        }
        Record::Claimed | Record::Released | Record::Done => Vec::new(),
    };
    EntryView {
        at: when(services, tr.lang(), entry.at),
        by: acting_text(tr, &entry.by_name, &entry.acting),
        step_no: entry.step_no,
        title: tr.t(&format!("web-record-{}", entry.record.kind())),
        lines: lines
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .collect(),
    }
}

fn urgency_code(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Biasa => "biasa",
        Urgency::Segera => "segera",
        Urgency::SangatSegera => "sangat_segera",
    }
}

fn confidentiality_code(value: Confidentiality) -> &'static str {
    match value {
        Confidentiality::Biasa => "biasa",
        Confidentiality::Terbatas => "terbatas",
        Confidentiality::Rahasia => "rahasia",
        Confidentiality::SangatRahasia => "sangat_rahasia",
    }
}

fn step_views(
    services: &Services,
    sop: &SopDefinition,
    tr: Tr,
    state: &CaseState,
) -> Vec<StepView> {
    let days = sop.settings.days;
    sop.steps
        .iter()
        .map(|step| {
            let tasks: Vec<&Task> = state
                .tasks
                .iter()
                .filter(|task| task.step_no == step.no && task.stage != TaskStage::Complete)
                .collect();
            // The task that speaks for the step: the one waiting now, else the performer's
            // (a decision task of the OPD has no standard and would hide the performer's).
            let last = tasks
                .iter()
                .rev()
                .find(|task| task.state.is_active())
                .or_else(|| {
                    tasks
                        .iter()
                        .rev()
                        .find(|task| task.stage == TaskStage::Perform)
                })
                .or(tasks.last());
            let skipped = state.entries.iter().any(|entry| {
                entry.step_no == step.no && matches!(entry.record, Record::Skipped { .. })
            });
            let (status, by, at, actual, sla_pair) = match last {
                Some(task) if task.state == TaskState::Done => (
                    if skipped { "skipped" } else { "done" },
                    acting_text(
                        tr,
                        task.completed_by_name.as_deref().unwrap_or_default(),
                        &task.acting,
                    ),
                    task.completed_at
                        .map(|at| when(services, tr.lang(), at))
                        .unwrap_or_default(),
                    working_time(tr, task),
                    badge(services, sop, tr, task),
                ),
                Some(task) if task.state.is_active() => (
                    if task.state == TaskState::Paused {
                        "returned"
                    } else {
                        "current"
                    },
                    position_label(tr, &task.position),
                    task.due_at
                        .map(|due| tr.t1("web-due", "when", when(services, tr.lang(), due)))
                        .unwrap_or_default(),
                    String::new(),
                    badge(services, sop, tr, task),
                ),
                _ if step.kind == StepKind::End && state.case.status == CaseStatus::Done => (
                    "done",
                    String::new(),
                    state
                        .case
                        .closed_at
                        .map(|at| when(services, tr.lang(), at))
                        .unwrap_or_default(),
                    String::new(),
                    (String::new(), String::new()),
                ),
                _ => (
                    "waiting",
                    String::new(),
                    String::new(),
                    String::new(),
                    (String::new(), String::new()),
                ),
            };
            StepView {
                no: step.no,
                activity: step.activity.clone(),
                actors: step
                    .actors
                    .iter()
                    .filter_map(|id| sop.actor(id))
                    .map(|actor| actor.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                standard: step
                    .time
                    .as_ref()
                    .map(|time| pelihara_sop::text::describe_time(tr.lang(), time, days))
                    .unwrap_or_default(),
                status: status.to_owned(),
                status_label: tr.t(&format!("web-step-{status}")),
                by,
                at,
                actual,
                sla_code: sla_pair.0,
                sla_label: sla_pair.1,
            }
        })
        .collect()
}

fn actions_for(
    services: &Services,
    sop: &SopDefinition,
    state: &CaseState,
    actor: &Actor,
) -> Actions {
    let now = services.clock.now();
    let mut actions = Actions::default();
    let is_operator =
        actor.user.role == Role::OpdOperator && actor.user.opd_id == Some(state.case.opd_id);
    if state.case.status.is_closed() {
        return actions;
    }
    if is_operator && sop.settings.opd_may_withdraw {
        actions.withdraw = true;
    }
    if state.case.status == CaseStatus::Returned {
        actions.resubmit = is_operator;
        if let Some(task) = state.completion_task() {
            actions.task_id = task.id.to_string();
        }
        return actions;
    }
    let Some(task) = state.active_task() else {
        return actions;
    };
    actions.task_id = task.id.to_string();
    // A disposition of this person whose recipient has not opened it can be taken back.
    let last_done = state
        .tasks
        .iter()
        .filter(|task| task.state == TaskState::Done)
        .max_by_key(|task| task.completed_at);
    actions.recall = last_done.is_some_and(|done| {
        done.completed_by == Some(actor.user.id)
            && sop
                .step(done.step_no)
                .is_some_and(|step| step.form == StepForm::Dispose)
            && task.seen_at.is_none()
            && task.claimed_by.is_none()
    });
    if may_take(actor, task, now).is_err() {
        return actions;
    }
    let claimed_by_other = task
        .claimed_by
        .is_some_and(|claimer| claimer != actor.user.id);
    actions.claim = task.claimed_by.is_none() && task.position != OPD_POSITION;
    actions.release = task.claimed_by == Some(actor.user.id);
    if claimed_by_other {
        return actions;
    }
    let Some(step) = sop.step(task.step_no) else {
        return actions;
    };
    match task.stage {
        TaskStage::Perform => {
            actions.form = form_code(step.form).to_owned();
            actions.may_return = step.may_return;
            actions.may_reject = step.may_reject;
            actions.may_skip = step.may_skip;
            actions.instructions = sop.settings.disposition_instructions.clone();
            actions.next_position = step
                .next
                .and_then(|no| sop.step(no))
                .and_then(|next| next.actors.first())
                .and_then(|id| sop.actor(id))
                .map(|actor| actor.name.clone())
                .unwrap_or_default();
            if let Some(decision) = &step.decision {
                actions.question = decision.question.clone();
            }
        }
        TaskStage::Decide => {
            actions.decide = true;
            actions.question = step
                .decision
                .as_ref()
                .map(|decision| decision.question.clone())
                .unwrap_or_default();
            if let Some(Target::Reject) = step.decision.as_ref().map(|decision| decision.if_no) {
                actions.may_reject = false;
            }
        }
        TaskStage::Complete => {}
    }
    actions
}

fn form_code(form: StepForm) -> &'static str {
    match form {
        StepForm::None => "",
        other => other.name(),
    }
}

async fn render_case(
    services: &Services,
    shell: Shell,
    user: &CurrentUser,
    state: CaseState,
    message: String,
    created: bool,
    status: StatusCode,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let sop = services
        .catalog
        .get(&state.case.sop_code, state.case.sop_version)
        .ok_or(WebError::NotFound)?;
    let opd_name = services
        .store
        .opd(state.case.opd_id)
        .await
        .map_err(store_error)?
        .map(|opd| opd.name)
        .unwrap_or_default();
    let app_name = services
        .store
        .app(state.case.app_id)
        .await
        .map_err(store_error)?
        .map(|app| app.name)
        .unwrap_or_default();
    let other_paper = super::documents::Kop::load(services)
        .await?
        .paper()
        .other()
        .code();
    let partial = CasePartial {
        other_paper,
        tr,
        id: state.case.id.to_string(),
        action_url: format!("/permohonan/{}/aksi", state.case.id),
        tracking_code: state.case.tracking_code.clone(),
        subject: state.case.subject.clone(),
        description: state.case.description.clone(),
        opd_name,
        app_name,
        status_code: state.case.status.code().to_owned(),
        status_label: tr.t(&format!("status-{}", state.case.status.code())),
        closing_reason: state.case.closing_reason.clone().unwrap_or_default(),
        agenda_number: state
            .case
            .agenda
            .as_ref()
            .map(|agenda| agenda.number.clone())
            .unwrap_or_default(),
        submitted: when(services, tr.lang(), state.case.submitted_at),
        letter_name: state.case.letter.file_name.clone(),
        steps: step_views(services, &sop, tr, &state),
        entries: state
            .entries
            .iter()
            .filter(|entry| !matches!(entry.record, Record::Claimed | Record::Released))
            .rev()
            .map(|entry| entry_view(services, tr, entry))
            .collect(),
        actions: actions_for(services, &sop, &state, &user.actor),
        message,
        created,
        today: services
            .clock
            .now()
            .with_timezone(&services.calendar.time_zone)
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
    };
    let response = page_or_partial(shell, partial, |shell, partial| CasePage {
        tr: shell.tr,
        shell,
        partial,
    })?;
    Ok((status, response).into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct CaseQuery {
    baru: Option<String>,
}

pub(crate) async fn view_permohonan_detail_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<CaseQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let case = load_visible(services, &user, &id).await?;
    // The first time the person the task waits for opens it, it counts as read: a
    // disposition can no longer be recalled.
    if let Some(task) = case.active_task()
        && task.seen_at.is_none()
        && may_take(&user.actor, task, services.clock.now()).is_ok()
    {
        services
            .store
            .mark_task_seen(task.id, services.clock.now())
            .await
            .map_err(store_error)?;
    }
    render_case(
        services,
        shell,
        &user,
        case,
        String::new(),
        query.baru.is_some(),
        StatusCode::OK,
    )
    .await
}

/// The request letter, for whoever may see the case.
pub(crate) async fn view_permohonan_surat_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    let case = load_visible(services, &user, &id).await?;
    let bytes = services
        .blobs
        .get(&case.case.letter.sha256)
        .map_err(internal)?
        .ok_or(WebError::NotFound)?;
    let disposition = format!(
        "inline; filename=\"{}\"",
        case.case.letter.file_name.replace(['"', '\\'], "_")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn parse_local_datetime(services: &Services, text: &str) -> Option<DateTime<Utc>> {
    let naive = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()?;
    services
        .calendar
        .time_zone
        .from_local_datetime(&naive)
        .single()
        .map(|local| local.with_timezone(&Utc))
}

/// Turns the posted action form into an engine command; `Err` names what is unreadable.
fn command_from(
    services: &Services,
    form: &FormData,
    letter: Option<DocumentRef>,
) -> Result<Command, &'static str> {
    let text = |name: &str| form.text(name);
    Ok(match text("aksi").as_str() {
        "register" => Command::Register(RegisterInput {
            classification: text("classification"),
            urgency: match text("urgency").as_str() {
                "segera" => Urgency::Segera,
                "sangat_segera" => Urgency::SangatSegera,
                _ => Urgency::Biasa,
            },
            confidentiality: match text("confidentiality").as_str() {
                "terbatas" => Confidentiality::Terbatas,
                "rahasia" => Confidentiality::Rahasia,
                "sangat_rahasia" => Confidentiality::SangatRahasia,
                _ => Confidentiality::Biasa,
            },
            letter_number: text("letter_number"),
            letter_date: parse_date(&text("letter_date")).ok_or("letter_date")?,
        }),
        "dispose" => Command::Dispose {
            instructions: form.all("instructions"),
            note: text("note"),
        },
        "analysis" => Command::Analyse {
            findings: text("findings"),
            verdict: match text("verdict").as_str() {
                "maintainable" => Verdict::Maintainable,
                "not_maintainable" => Verdict::NotMaintainable,
                _ => return Err("verdict"),
            },
            recommendation: text("recommendation"),
        },
        "maintenance" => Command::Maintain {
            work_log: text("work_log"),
            result: text("result"),
            version: text("version"),
        },
        "hosting" => Command::Host(HostingRecord {
            server: text("server"),
            domain: text("domain"),
            url: text("url"),
            dns_configured: !text("dns_configured").is_empty(),
            certificate_installed: !text("certificate_installed").is_empty(),
            deployed: !text("deployed").is_empty(),
            network_officer: text("network_officer"),
            notes: text("notes"),
        }),
        "handover" => Command::Present {
            held_at: parse_local_datetime(services, &text("held_at")).ok_or("held_at")?,
            place: text("place"),
            attendees: text("attendees"),
            summary: text("summary"),
        },
        "record" => Command::Record { note: text("note") },
        "accept" => Command::Accept { note: text("note") },
        "send_back" => Command::SendBack {
            reason: text("reason"),
        },
        "return" => Command::ReturnToOpd {
            reason: text("reason"),
        },
        "reject" => Command::Reject {
            reason: text("reason"),
        },
        "skip" => Command::Skip {
            reason: text("reason"),
        },
        "withdraw" => Command::Withdraw {
            reason: text("reason"),
        },
        "recall" => Command::Recall {
            reason: text("reason"),
        },
        "claim" => Command::Claim,
        "release" => Command::Release,
        "resubmit" => Command::Resubmit {
            note: text("note"),
            letter,
        },
        _ => return Err("aksi"),
    })
}

pub(crate) async fn view_permohonan_aksi_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let case = load_visible(services, &user, &id).await?;
    let form = read_form(multipart).await?;
    let mut errors = Vec::new();
    let letter = store_letter(
        services,
        form.files.get("letter"),
        form.oversized,
        tr,
        &mut errors,
    )?;
    if !errors.is_empty() {
        let message = errors.join(" ");
        return render_case(
            services,
            shell,
            &user,
            case,
            message,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let command = match command_from(services, &form, letter) {
        Ok(command) => command,
        Err(field) => {
            let message = tr.t1(
                "web-error-unreadable-field",
                "field",
                tr.t(&format!("field-{field}")),
            );
            return render_case(
                services,
                shell,
                &user,
                case,
                message,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let expected_task = TaskId::parse(&form.text("task_id"));
    let case_id = case.case.id;
    let outcome = services
        .store
        .act_on(
            &services.catalog,
            &services.calendar,
            &services.agenda,
            case,
            &user.actor,
            expected_task,
            command,
            services.clock.now(),
            &user.audit_source(),
        )
        .await;
    match outcome {
        Ok(acted) => {
            // Control card and disposition sheet after registering or disposing, the berita
            // acara after acceptance, issued in the background; the action has committed
            // whatever happens to them.
            super::documents::issue_after_action(&state, &acted, &user.audit_source());
            Ok(Redirect::to(&format!("/permohonan/{case_id}")).into_response())
        }
        Err(StoreError::Refused(Refusal::NotFound)) => Err(WebError::NotFound),
        Err(StoreError::Refused(refusal)) => {
            let fresh = load_visible(services, &user, &id).await?;
            let status = match refusal {
                Refusal::AlreadyDone { .. } | Refusal::Conflict => StatusCode::CONFLICT,
                Refusal::NotAllowed { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render_case(
                services,
                shell,
                &user,
                fresh,
                refusal.message(tr.lang()),
                false,
                status,
            )
            .await
        }
        Err(other) => Err(internal(other)),
    }
}
