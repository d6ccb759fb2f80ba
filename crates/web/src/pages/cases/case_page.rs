//! `GET /permohonan/{id}`, the case page (stepper, records, timeline and the action forms), and
//! `GET /permohonan/{id}/surat`, the request letter, for whoever may see the case.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_domain::{Actor, CaseState, CaseStatus, Record, Task, TaskStage, TaskState, may_take};
use pelihara_i18n::Lang;
use pelihara_sop::{SopDefinition, StepKind};

use super::case_actions::{Actions, Refused, actions_for};
use super::entries::{EntryView, acting_text, entry_view, position_label};
use super::{badge, when};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::load_visible;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

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

#[derive(Template)]
#[template(path = "case_partial.html")]
struct CasePartial {
    tr: Tr,
    id: String,
    action_url: String,
    tracking_code: String,
    subject: String,
    description: String,
    /// Who asked and about what, as shown under the subject: the OPD (or, for a case no OPD
    /// asked, the person who submitted it) and the app where there is one.
    origin: Vec<String>,
    /// The SOP's extra start-form fields the case has values for: (label, value).
    intake: Vec<(String, String)>,
    status_code: String,
    status_label: String,
    closing_reason: String,
    agenda_number: String,
    /// Whether the berita acara can be issued: a finished case that went through the analysis
    /// and maintenance the report is made of (an SOP without them has none).
    report_ready: bool,
    submitted: String,
    /// Empty when the case has no letter.
    letter_name: String,
    steps: Vec<StepView>,
    entries: Vec<EntryView>,
    actions: Actions,
    /// A refused action's message and the field it names (all empty when none was refused).
    refused: Refused,
    created: bool,
    /// An action of this person was just recorded (the redirect after it says so).
    recorded: bool,
    /// A step this person could take that a colleague has taken: who and since when (empty
    /// when none), so that the page says why it shows no form for it.
    taken: String,
    /// Who already opened the step nobody claimed yet, for a second holder (empty otherwise).
    opened_by: String,
    today: String,
    /// `a4` or `f4`: the paper the documents' second link offers, the one the office's
    /// default (the plain link) is not.
    other_paper: &'static str,
}

/// Where one step of a case stands: its state (`done`, `current`, `returned`, `waiting` or
/// `skipped`) and the task that speaks for it, if one opened. One reading for the case page's
/// stepper and the public tracking page.
pub(crate) struct StepStanding<'a> {
    pub(crate) status: &'static str,
    pub(crate) task: Option<&'a Task>,
}

pub(crate) fn step_standing<'a>(
    state: &'a CaseState,
    step: &pelihara_sop::Step,
) -> StepStanding<'a> {
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
        .or(tasks.last())
        .copied();
    let skipped = state
        .entries
        .iter()
        .any(|entry| entry.step_no == step.no && matches!(entry.record, Record::Skipped { .. }));
    let status = match last {
        Some(task) if task.state == TaskState::Done => {
            if skipped {
                "skipped"
            } else {
                "done"
            }
        }
        Some(task) if task.state.is_active() => {
            if task.state == TaskState::Paused {
                "returned"
            } else {
                "current"
            }
        }
        _ if step.kind == StepKind::End && state.case.status == CaseStatus::Done => "done",
        _ => "waiting",
    };
    let task = last.filter(|task| task.state == TaskState::Done || task.state.is_active());
    StepStanding { status, task }
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
            let standing = step_standing(state, step);
            let status = standing.status;
            let (by, at, actual, sla_pair) = match standing.task {
                Some(task) if task.state == TaskState::Done => (
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
                Some(task) => (
                    position_label(tr, &task.position),
                    task.due_at
                        .map(|due| tr.t1("web-due", "when", when(services, tr.lang(), due)))
                        .unwrap_or_default(),
                    String::new(),
                    badge(services, sop, tr, task),
                ),
                None if status == "done" => (
                    String::new(),
                    state
                        .case
                        .closed_at
                        .map(|at| when(services, tr.lang(), at))
                        .unwrap_or_default(),
                    String::new(),
                    (String::new(), String::new()),
                ),
                None => (
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

/// Whether more than one active person holds the position of the task `task_id` of `state`
/// in their own right (so claiming it tells someone something).
async fn shared_position(
    services: &Services,
    state: &CaseState,
    task_id: &str,
) -> Result<bool, WebError> {
    let Some(task) = state
        .tasks
        .iter()
        .find(|task| task.id.to_string() == task_id)
    else {
        return Ok(true);
    };
    Ok(services.store.holders_of(&task.position).await?.len() > 1)
}

/// "Sedang dikerjakan oleh Budi sejak 4 Desember 2026 09.15 WIB": the first active task this
/// person may take in their own right but a colleague has claimed, the moment of that claim.
/// Empty when there is none.
fn taken_by_colleague(services: &Services, tr: Tr, state: &CaseState, actor: &Actor) -> String {
    let now = services.clock.now();
    let Some(task) = state.tasks.iter().find(|task| {
        task.state.is_active()
            && task.claimed_by.is_some_and(|by| by != actor.user.id)
            && may_take(actor, task, now).is_ok()
    }) else {
        return String::new();
    };
    // The claim is a record of the case; the latest one of this task is the one that holds.
    let since = state
        .entries
        .iter()
        .rev()
        .find(|entry| entry.task_id == Some(task.id) && matches!(entry.record, Record::Claimed))
        .map_or(task.opened_at, |entry| entry.at);
    tr.t2(
        "web-step-taken",
        "name",
        task.claimed_by_name.clone().unwrap_or_default(),
        "since",
        when(services, tr.lang(), since),
    )
}

/// "Sudah dibuka oleh Budi pada 4 Desember 2026 09.15 WIB": the first active task this person
/// may take that nobody claimed but a colleague already opened (two holders of one position
/// would otherwise do the same step twice). Empty when there is none.
async fn opened_by_colleague(
    services: &Services,
    tr: Tr,
    state: &CaseState,
    actor: &Actor,
) -> Result<String, WebError> {
    let now = services.clock.now();
    let Some(task) = state.tasks.iter().find(|task| {
        task.state.is_active()
            && task.claimed_by.is_none()
            && task.seen_at.is_some()
            && may_take(actor, task, now).is_ok()
    }) else {
        return Ok(String::new());
    };
    Ok(match services.store.task_opened_by(task.id).await? {
        Some((by, name, at)) if by != actor.user.id => tr.t2(
            "web-step-opened",
            "name",
            name,
            "since",
            when(services, tr.lang(), at),
        ),
        _ => String::new(),
    })
}

/// What the case page confirms above everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shown {
    Plain,
    /// The request was just submitted: its receipt.
    Created,
    /// An action was just recorded.
    Recorded,
}

pub(super) async fn render_case(
    services: &Services,
    shell: Shell,
    user: &CurrentUser,
    state: CaseState,
    refused: Refused,
    shown: Shown,
    status: StatusCode,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let sop = services
        .catalog
        .snapshot()
        .get(&state.case.sop_code, state.case.sop_version)
        .ok_or(WebError::NotFound)?;
    let requester = match state.case.opd_id {
        Some(opd) => services.store.opd(opd).await?.map(|opd| opd.name),
        None => services
            .store
            .user(state.case.submitted_by)
            .await?
            .map(|stored| stored.user.full_name),
    };
    let app_name = match state.case.app_id {
        Some(app) => services.store.app(app).await?.map(|app| app.name),
        None => None,
    };
    let origin = requester.into_iter().chain(app_name).collect();
    let mut actions = actions_for(services, &sop, &state, &user.actor);
    if actions.claim && !shared_position(services, &state, &actions.task_id).await? {
        // Taking a task tells colleagues it is yours: a position one person holds (the Head,
        // the Secretary) has nobody to tell, so the button would only puzzle them.
        actions.claim = false;
    }
    let intake = sop
        .intake
        .fields
        .iter()
        .filter_map(|field| {
            let value = state.case.intake.get(&field.id)?;
            Some((field.label.clone(), value.clone()))
        })
        .collect();
    let other_paper = crate::pages::documents::LetterheadSetting::load(services)
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
        origin,
        intake,
        status_code: state.case.status.code().to_owned(),
        status_label: tr.t(&format!("status-{}", state.case.status.code())),
        closing_reason: state.case.closing_reason.clone().unwrap_or_default(),
        report_ready: state.case.status == pelihara_domain::CaseStatus::Done
            && state
                .entries
                .iter()
                .any(|entry| matches!(entry.record, pelihara_domain::Record::Analysis { .. })),
        agenda_number: state
            .case
            .agenda
            .as_ref()
            .map(|agenda| agenda.number.clone())
            .unwrap_or_default(),
        submitted: when(services, tr.lang(), state.case.submitted_at),
        letter_name: state
            .case
            .letter
            .as_ref()
            .map(|letter| letter.file_name.clone())
            .unwrap_or_default(),
        steps: step_views(services, &sop, tr, &state),
        entries: state
            .entries
            .iter()
            .filter(|entry| !matches!(entry.record, Record::Claimed | Record::Released))
            .rev()
            .map(|entry| entry_view(services, tr, entry))
            .collect(),
        actions,
        refused,
        created: shown == Shown::Created,
        recorded: shown == Shown::Recorded,
        taken: taken_by_colleague(services, tr, &state, &user.actor),
        opened_by: opened_by_colleague(services, tr, &state, &user.actor).await?,
        today: services
            .clock
            .now()
            .with_timezone(&services.calendar.snapshot().time_zone)
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("web-title-case"))?;
    Ok((status, response).into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct CaseQuery {
    baru: Option<String>,
    /// Set by the redirect after an action was recorded.
    tersimpan: Option<String>,
}

pub(crate) async fn view_case_get(
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
            .mark_task_seen(task.id, user.actor.user.id, services.clock.now())
            .await?;
    }
    let shown = if query.baru.is_some() {
        Shown::Created
    } else if query.tersimpan.is_some() {
        Shown::Recorded
    } else {
        Shown::Plain
    };
    render_case(
        services,
        shell,
        &user,
        case,
        Refused::default(),
        shown,
        StatusCode::OK,
    )
    .await
}

/// The request letter, for whoever may see the case.
pub(crate) async fn view_case_letter_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    letter_response(state.services(), &user, &id).await
}

/// The letter of case `id` as a PDF response, if `user` may see the case (the page's link and
/// the API's download alike).
pub(crate) async fn letter_response(
    services: &Services,
    user: &CurrentUser,
    id: &str,
) -> Result<Response, WebError> {
    let case = load_visible(services, user, id).await?;
    let letter = case.case.letter.as_ref().ok_or(WebError::NotFound)?;
    let bytes = services
        .blobs
        .get(&letter.sha256)
        .await
        .map_err(WebError::internal)?
        .ok_or(WebError::NotFound)?;
    let disposition = super::letter::letter_disposition(&letter.file_name, &bytes);
    Ok(crate::download::file_response(
        bytes,
        "application/pdf",
        &disposition,
    ))
}
