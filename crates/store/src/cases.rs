//! Cases, their tasks and record entries: loading a case's state, writing the engine's
//! transitions (one transaction each, guarded by the case version so that of many
//! simultaneous attempts exactly one wins), and the inbox and case lists.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Utc};
use pelihara_calendar::WorkingCalendar;
use pelihara_domain::agenda::AgendaFormat;
use pelihara_domain::register::AppFields;
use pelihara_domain::{
    Actor, AppId, Case, CaseId, CaseState, CaseStatus, Command, Context, DraftId, Entry, EntryId,
    OpdId, Problem, Refusal, SubmitInput, Task, TaskId, TaskStandard, Transition, UserId, may_view,
};
use pelihara_sop::SopDefinition;
use sqlx::Row;

use crate::audit::{AuditSource, NewEvent, append};
use crate::codec::{
    code, from_code, from_json, instant, millis, opt_from_json, opt_instant, opt_to_json, to_json,
    uuid,
};
use crate::read::{Columns, FromColumns};
use crate::register::insert_app;
use crate::sops::SopCatalog;
use crate::write_conn::{Param, WriteConn};
use crate::writer::{JobFuture, Keep};
use crate::{Backend, Result, Store, StoreError};

/// An open task as the inbox lists it.
#[derive(Debug, Clone)]
pub struct InboxItem {
    pub task: Task,
    /// The SOP version the case follows (the task's step is that version's).
    pub sop_code: String,
    pub sop_version: u32,
    pub tracking_code: String,
    pub subject: String,
    /// Empty for a case without an OPD.
    pub opd_name: String,
    /// Empty for a case without an app.
    pub app_name: String,
    pub agenda_number: Option<String>,
}

/// A case as lists show it.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub id: CaseId,
    /// The SOP version the case follows.
    pub sop_code: String,
    pub sop_version: u32,
    pub tracking_code: String,
    pub subject: String,
    /// None for a case no OPD asked (an employee's or a position holder's).
    pub opd_id: Option<OpdId>,
    /// Empty without an OPD.
    pub opd_name: String,
    /// Empty without an app.
    pub app_name: String,
    pub status: CaseStatus,
    pub current_step: u32,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub agenda_number: Option<String>,
    /// The earliest due moment of the case's open tasks.
    pub due_at: Option<DateTime<Utc>>,
}

pub(crate) const TASK_COLUMNS: &str = "id, case_id, step_no, stage, position, opd_id, claimed_by, \
    claimed_by_name, state, opened_at, seen_at, standard_json, pauses_json, due_at, completed_at, \
    completed_by, completed_by_name, acting_json, actual_seconds, actual_in_unit_micros";

/// Time spent in the standard's unit is kept in millionths: an integer column behaves the same
/// on both backends, and a millionth of a day is well under a second.
fn unit_to_micros(value: f64) -> i64 {
    (value * 1_000_000.0).round() as i64
}

fn micros_to_unit(micros: i64) -> f64 {
    micros as f64 / 1_000_000.0
}

fn to_u32(value: i64, what: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value}")))
}

fn task_from_row(row: &impl Columns) -> Result<Task> {
    let opd_id: Option<String> = row.column("opd_id")?;
    let claimed_by: Option<String> = row.column("claimed_by")?;
    let completed_by: Option<String> = row.column("completed_by")?;
    Ok(Task {
        id: TaskId(uuid(&row.column::<String>("id")?)?),
        case_id: CaseId(uuid(&row.column::<String>("case_id")?)?),
        step_no: to_u32(row.column("step_no")?, "step")?,
        stage: from_code(&row.column::<String>("stage")?)?,
        position: row.column("position")?,
        opd_id: opd_id.as_deref().map(uuid).transpose()?.map(OpdId),
        claimed_by: claimed_by.as_deref().map(uuid).transpose()?.map(UserId),
        claimed_by_name: row.column("claimed_by_name")?,
        state: from_code(&row.column::<String>("state")?)?,
        opened_at: instant(row.column("opened_at")?)?,
        seen_at: opt_instant(row.column("seen_at")?)?,
        standard: opt_from_json(row.column("standard_json")?)?,
        pauses: from_json(&row.column::<String>("pauses_json")?)?,
        due_at: opt_instant(row.column("due_at")?)?,
        completed_at: opt_instant(row.column("completed_at")?)?,
        completed_by: completed_by.as_deref().map(uuid).transpose()?.map(UserId),
        completed_by_name: row.column("completed_by_name")?,
        acting: opt_from_json(row.column("acting_json")?)?,
        actual_seconds: row.column("actual_seconds")?,
        actual_in_unit: row
            .column::<Option<i64>>("actual_in_unit_micros")?
            .map(micros_to_unit),
    })
}

fn case_from_row(row: &impl Columns) -> Result<pelihara_domain::Case> {
    let opd_id: Option<String> = row.column("opd_id")?;
    let app_id: Option<String> = row.column("app_id")?;
    Ok(pelihara_domain::Case {
        id: CaseId(uuid(&row.column::<String>("id")?)?),
        tracking_code: row.column("tracking_code")?,
        sop_code: row.column("sop_code")?,
        sop_version: to_u32(row.column("sop_version")?, "SOP version")?,
        opd_id: opd_id.as_deref().map(uuid).transpose()?.map(OpdId),
        app_id: app_id.as_deref().map(uuid).transpose()?.map(AppId),
        subject: row.column("subject")?,
        description: row.column("description")?,
        letter: opt_from_json(row.column("letter_json")?)?,
        intake: from_json(&row.column::<String>("intake_json")?)?,
        counts_as_maintenance: row.column::<i64>("counts_as_maintenance")? != 0,
        status: from_code(&row.column::<String>("status")?)?,
        current_step: to_u32(row.column("current_step")?, "step")?,
        agenda: opt_from_json(row.column("agenda_json")?)?,
        submitted_by: UserId(uuid(&row.column::<String>("submitted_by")?)?),
        submitted_at: instant(row.column("submitted_at")?)?,
        closed_at: opt_instant(row.column("closed_at")?)?,
        closing_reason: row.column("closing_reason")?,
        version: row.column("version")?,
    })
}

impl FromColumns for Task {
    fn from_columns(row: &impl Columns) -> Result<Task> {
        task_from_row(row)
    }
}

impl FromColumns for pelihara_domain::Case {
    fn from_columns(row: &impl Columns) -> Result<pelihara_domain::Case> {
        case_from_row(row)
    }
}

impl FromColumns for InboxItem {
    fn from_columns(row: &impl Columns) -> Result<InboxItem> {
        Ok(InboxItem {
            task: task_from_row(row)?,
            sop_code: row.column("sop_code")?,
            sop_version: to_u32(row.column("sop_version")?, "SOP version")?,
            tracking_code: row.column("tracking_code")?,
            subject: row.column("subject")?,
            opd_name: row.column("opd_name")?,
            app_name: row.column("app_name")?,
            agenda_number: row.column("agenda_number")?,
        })
    }
}

impl FromColumns for Entry {
    fn from_columns(row: &impl Columns) -> Result<Entry> {
        entry_from_row(row)
    }
}

const CASE_COLUMNS: &str = "id, tracking_code, sop_code, sop_version, opd_id, app_id, subject, \
    description, letter_json, status, current_step, agenda_json, submitted_by, submitted_at, \
    closed_at, closing_reason, version, intake_json, counts_as_maintenance";

fn entry_from_row(row: &impl Columns) -> Result<Entry> {
    let task_id: Option<String> = row.column("task_id")?;
    Ok(Entry {
        id: EntryId(uuid(&row.column::<String>("id")?)?),
        case_id: CaseId(uuid(&row.column::<String>("case_id")?)?),
        step_no: to_u32(row.column("step_no")?, "step")?,
        task_id: task_id.as_deref().map(uuid).transpose()?.map(TaskId),
        by: UserId(uuid(&row.column::<String>("by_user")?)?),
        by_name: row.column("by_name")?,
        acting: opt_from_json(row.column("acting_json")?)?,
        at: instant(row.column("at")?)?,
        record: from_json(&row.column::<String>("record_json")?)?,
    })
}

/// A task's standard as the compliance reports compare it (migration 0018): its unit's code
/// and its value x 1e6 (the scale of `actual_in_unit_micros`).
pub(crate) fn standard_columns(standard: Option<TaskStandard>) -> (Option<String>, Option<i64>) {
    match standard {
        None => (None, None),
        Some(standard) => {
            let (unit, value) = match standard {
                TaskStandard::WorkingMinutes(value) => ("working_minutes", value),
                TaskStandard::WorkingDays(value) => ("working_days", value),
                TaskStandard::CalendarDays(value) => ("calendar_days", value),
            };
            (Some(unit.to_owned()), Some(i64::from(value) * 1_000_000))
        }
    }
}

/// Inserts a task with its case's SOP and OPD beside it (the columns the reports group by).
async fn insert_task(conn: &mut WriteConn<'_>, case: &Case, task: &Task) -> Result<()> {
    let query = format!(
        "insert into tasks ({TASK_COLUMNS}, sop_code, sop_version, case_opd_id, standard_unit, \
         standard_micros) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)"
    );
    let (standard_unit, standard_micros) = standard_columns(task.standard);
    conn.execute(
        &query,
        vec![
            task.id.to_string().into(),
            task.case_id.to_string().into(),
            i64::from(task.step_no).into(),
            code(&task.stage)?.into(),
            task.position.clone().into(),
            task.opd_id.map(|id| id.to_string()).into(),
            task.claimed_by.map(|id| id.to_string()).into(),
            task.claimed_by_name.clone().into(),
            code(&task.state)?.into(),
            millis(task.opened_at).into(),
            task.seen_at.map(millis).into(),
            opt_to_json(&task.standard)?.into(),
            to_json(&task.pauses)?.into(),
            task.due_at.map(millis).into(),
            task.completed_at.map(millis).into(),
            task.completed_by.map(|id| id.to_string()).into(),
            task.completed_by_name.clone().into(),
            opt_to_json(&task.acting)?.into(),
            task.actual_seconds.into(),
            task.actual_in_unit.map(unit_to_micros).into(),
            case.sop_code.clone().into(),
            i64::from(case.sop_version).into(),
            case.opd_id.map(|id| id.to_string()).into(),
            standard_unit.into(),
            standard_micros.into(),
        ],
    )
    .await?;
    Ok(())
}

async fn update_task(conn: &mut WriteConn<'_>, task: &Task) -> Result<()> {
    conn.execute(
        "update tasks set claimed_by = $1, claimed_by_name = $2, state = $3, seen_at = $4, \
         pauses_json = $5, due_at = $6, completed_at = $7, completed_by = $8, \
         completed_by_name = $9, acting_json = $10, actual_seconds = $11, actual_in_unit_micros = $12 \
         where id = $13",
        vec![
            task.claimed_by.map(|id| id.to_string()).into(),
            task.claimed_by_name.clone().into(),
            code(&task.state)?.into(),
            task.seen_at.map(millis).into(),
            to_json(&task.pauses)?.into(),
            task.due_at.map(millis).into(),
            task.completed_at.map(millis).into(),
            task.completed_by.map(|id| id.to_string()).into(),
            task.completed_by_name.clone().into(),
            opt_to_json(&task.acting)?.into(),
            task.actual_seconds.into(),
            task.actual_in_unit.map(unit_to_micros).into(),
            task.id.to_string().into(),
        ],
    )
    .await?;
    Ok(())
}

async fn insert_entry(conn: &mut WriteConn<'_>, entry: &Entry) -> Result<()> {
    conn.execute(
        "insert into entries (id, case_id, step_no, task_id, by_user, by_name, acting_json, at, \
         kind, record_json) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        vec![
            entry.id.to_string().into(),
            entry.case_id.to_string().into(),
            i64::from(entry.step_no).into(),
            entry.task_id.map(|id| id.to_string()).into(),
            entry.by.to_string().into(),
            entry.by_name.clone().into(),
            opt_to_json(&entry.acting)?.into(),
            millis(entry.at).into(),
            entry.record.kind().to_owned().into(),
            to_json(&entry.record)?.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Records a document row for a stored blob (idempotent).
async fn insert_document(
    conn: &mut WriteConn<'_>,
    letter: &pelihara_domain::DocumentRef,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "insert into documents (sha256, size, media_type, created_at) values ($1, $2, $3, $4) \
         on conflict (sha256) do nothing",
        vec![
            letter.sha256.clone().into(),
            i64::try_from(letter.size).unwrap_or(i64::MAX).into(),
            letter.media_type.clone().into(),
            millis(now).into(),
        ],
    )
    .await?;
    Ok(())
}

/// Draws the next agenda sequence of a year, inside the registering transaction: a rolled
/// back registration gives its number back, so there are no gaps.
async fn next_agenda_sequence(conn: &mut WriteConn<'_>, year: i32) -> Result<u32> {
    let row = conn
        .fetch_one(
            "insert into agenda_counters (year, last_sequence) values ($1, 1) \
             on conflict (year) do update set last_sequence = agenda_counters.last_sequence + 1 \
             returning last_sequence",
            vec![i64::from(year).into()],
        )
        .await?;
    to_u32(row.int(0)?, "agenda sequence")
}

/// Inserts a new case row and its letter's document row (if it has a letter).
async fn insert_case(
    conn: &mut WriteConn<'_>,
    transition: &Transition,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(letter) = &transition.case.letter {
        insert_document(conn, letter, now).await?;
    }
    let case = &transition.case;
    let query = format!(
        "insert into cases ({CASE_COLUMNS}, letter_sha256, agenda_number) values ($1, $2, $3, \
             $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
    );
    conn.execute(
        &query,
        vec![
            case.id.to_string().into(),
            case.tracking_code.clone().into(),
            case.sop_code.clone().into(),
            i64::from(case.sop_version).into(),
            case.opd_id.map(|id| id.to_string()).into(),
            case.app_id.map(|id| id.to_string()).into(),
            case.subject.clone().into(),
            case.description.clone().into(),
            opt_to_json(&case.letter)?.into(),
            code(&case.status)?.into(),
            i64::from(case.current_step).into(),
            opt_to_json(&case.agenda)?.into(),
            case.submitted_by.to_string().into(),
            millis(case.submitted_at).into(),
            case.closed_at.map(millis).into(),
            case.closing_reason.clone().into(),
            case.version.into(),
            to_json(&case.intake)?.into(),
            i64::from(case.counts_as_maintenance).into(),
            case.letter
                .as_ref()
                .map(|letter| letter.sha256.clone())
                .into(),
            Option::<String>::None.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Writes tasks, entries and the audit event of a transition. `existing`: the ids of the
/// tasks the case had before (updated rather than inserted).
async fn write_rest(
    conn: &mut WriteConn<'_>,
    backend: Backend,
    existing: &HashSet<TaskId>,
    transition: &Transition,
    source: &AuditSource,
    now: DateTime<Utc>,
) -> Result<()> {
    for task in &transition.tasks {
        if existing.contains(&task.id) {
            update_task(conn, task).await?;
        } else {
            insert_task(conn, &transition.case, task).await?;
        }
    }
    for entry in &transition.entries {
        insert_entry(conn, entry).await?;
    }
    append(
        conn,
        backend,
        NewEvent {
            at: now,
            source,
            acting: &transition.audit.acting,
            action: &transition.audit.action,
            case_id: Some(transition.audit.case_id.to_string()),
            step_no: transition.audit.step_no,
            detail: &transition.audit.detail,
        },
    )
    .await?;
    Ok(())
}

/// Writes a transition over the case version it was computed from. `None`: someone else
/// changed the case since it was read (nothing of this transition is kept, not even the
/// agenda number it drew).
#[allow(clippy::too_many_arguments)] // Everything a job owns; it runs on the writer.
async fn write_transition(
    conn: &mut WriteConn<'_>,
    backend: Backend,
    before_version: i64,
    existing: HashSet<TaskId>,
    mut transition: Transition,
    agenda_format: &AgendaFormat,
    source: &AuditSource,
    now: DateTime<Utc>,
) -> Result<Keep<Option<Transition>>> {
    if let Some(year) = transition.needs_agenda_number {
        let sequence = next_agenda_sequence(conn, year).await?;
        let classification = transition
            .case
            .agenda
            .as_ref()
            .map(|agenda| agenda.classification.clone())
            .unwrap_or_default();
        let month = transition
            .case
            .agenda
            .as_ref()
            .map(|agenda| agenda.received_at.month())
            .unwrap_or(1);
        let number = agenda_format.render(sequence, &classification, year, month);
        transition.assign_agenda_number(sequence, number);
    }
    if let Some(letter) = transition
        .entries
        .iter()
        .find_map(|entry| match &entry.record {
            pelihara_domain::Record::Resubmitted {
                letter: Some(letter),
                ..
            } => Some(letter.clone()),
            _ => None,
        })
    {
        insert_document(conn, &letter, now).await?;
    }
    let case = &transition.case;
    let updated = conn
        .execute(
            "update cases set status = $1, current_step = $2, agenda_number = $3, \
             agenda_json = $4, letter_sha256 = $5, letter_json = $6, closed_at = $7, \
             closing_reason = $8, version = $9 where id = $10 and version = $11",
            vec![
                code(&case.status)?.into(),
                i64::from(case.current_step).into(),
                case.agenda
                    .as_ref()
                    .map(|agenda| agenda.number.clone())
                    .into(),
                opt_to_json(&case.agenda)?.into(),
                case.letter
                    .as_ref()
                    .map(|letter| letter.sha256.clone())
                    .into(),
                opt_to_json(&case.letter)?.into(),
                case.closed_at.map(millis).into(),
                case.closing_reason.clone().into(),
                case.version.into(),
                case.id.to_string().into(),
                before_version.into(),
            ],
        )
        .await?;
    if updated != 1 {
        // Discarding rolls back the job's savepoint, agenda sequence included.
        return Ok(Keep::Discard(None));
    }
    write_rest(conn, backend, &existing, &transition, source, now).await?;
    // The whole case's figures, counted once its last task is written (a closed case takes no
    // further transition).
    if transition.case.status == CaseStatus::Done {
        crate::report_rollups::count_case_done(conn, backend, &transition.case.id.to_string())
            .await?;
    }
    // The OPD's acceptance invites it to the satisfaction survey in the same transaction.
    crate::skm::invite_on_acceptance(conn, &transition, now).await?;
    Ok(Keep::Commit(Some(transition)))
}

/// What a request brings besides itself, written in the same transaction as its case.
#[derive(Debug, Clone, Default)]
pub struct SubmitWith {
    /// "Aplikasi belum terdaftar": the app the OPD proposes with the request (its status as
    /// given, normally `proposed`). The request is for this app; `SubmitInput::app_id` is
    /// ignored.
    pub proposed_app: Option<AppFields>,
    /// The draft maintenance request this submission confirms. It must still be open for
    /// the request's app, or nothing is written ([`Refusal::Conflict`]).
    pub draft: Option<DraftId>,
    /// The API's `Idempotency-Key`, claimed with the case: a second submission under the same
    /// key writes nothing and fails with `Duplicate` (the caller then finds the first case).
    pub idempotency: Option<crate::tokens::IdempotencyKey>,
}

/// Writes a new case with everything it brings, in the job's one transaction (savepoint):
/// the proposed app, the case, and the closing of the app's open draft, each with its audit
/// event. On PostgreSQL the app's row is locked first, as `prepare_maintenance_draft` does,
/// so a draft and a case for one app never both end up open.
async fn write_submission(
    conn: &mut WriteConn<'_>,
    backend: Backend,
    transition: Transition,
    with: SubmitWith,
    source: &AuditSource,
    now: DateTime<Utc>,
) -> Result<Transition> {
    let case = &transition.case;
    if let Some(key) = &with.idempotency {
        crate::tokens::claim_idempotency_key(conn, key, case.id.0, now).await?;
    }
    let app = case.app_id.map(|id| id.to_string());
    if let Some(fields) = &with.proposed_app {
        // `submit_request` gave the case an app id; a proposed app belongs to an OPD.
        let (Some(app_id), Some(opd_id)) = (case.app_id, case.opd_id) else {
            return Err(Refusal::invalid("app", Problem::NotAsked).into());
        };
        insert_app(conn, app_id, opd_id, fields, now).await?;
        let detail = serde_json::json!({
            "app_id": case.app_id, "opd_id": case.opd_id, "name": fields.name, "url": fields.url,
        });
        append(
            conn,
            backend,
            NewEvent {
                at: now,
                source,
                acting: &None,
                action: "app.create",
                case_id: None,
                step_no: None,
                detail: &detail,
            },
        )
        .await?;
    } else if backend == Backend::Postgres
        && let Some(app) = &app
    {
        // Serialises this submission with draft preparations for the same app (SQLite has
        // one writer already): whatever is read below is what the other committed.
        conn.fetch_all(
            "select id from apps where id = $1 for update",
            vec![app.clone().into()],
        )
        .await?;
    }
    insert_case(conn, &transition, now).await?;
    write_rest(conn, backend, &HashSet::new(), &transition, source, now).await?;
    let Some(app) = app else {
        // No app, no draft: a draft is always for an app.
        if with.draft.is_some() {
            return Err(Refusal::Conflict.into());
        }
        return Ok(transition);
    };
    // The app's open draft (at most one) is what this request fulfils, whether the OPD came
    // through it or not: it closes as confirmed into this case, so it never sits beside it.
    let open: Vec<String> = conn
        .fetch_all(
            "select id from maintenance_drafts where app_id = $1 and state = 'open'",
            vec![app.clone().into()],
        )
        .await?
        .iter()
        .map(|row| row.text(0))
        .collect::<Result<_>>()?;
    if let Some(draft) = with.draft
        && !open.contains(&draft.to_string())
    {
        // Discarded or confirmed meanwhile: the case must not pretend to confirm it.
        return Err(Refusal::Conflict.into());
    }
    for draft in open {
        conn.execute(
            "update maintenance_drafts set state = 'confirmed', closed_at = $1, closed_by = $2, \
             closed_by_name = $3, case_id = $4 where id = $5 and state = 'open'",
            vec![
                millis(now).into(),
                source.actor_id.map(|user| user.to_string()).into(),
                source.actor_name.clone().into(),
                case.id.to_string().into(),
                draft.clone().into(),
            ],
        )
        .await?;
        let detail = serde_json::json!({ "draft_id": draft, "case_id": case.id });
        append(
            conn,
            backend,
            NewEvent {
                at: now,
                source,
                acting: &None,
                action: "register.draft_confirm",
                case_id: None,
                step_no: None,
                detail: &detail,
            },
        )
        .await?;
    }
    Ok(transition)
}

/// What an API action brings besides its command (see [`Store::act_on_with`]).
#[derive(Debug, Clone, Default)]
pub struct ActWith {
    /// The case version the client read (`If-Match`): the action is written over exactly this
    /// version, or refused with [`StoreError::Stale`].
    pub expected_version: Option<i64>,
    /// The API's `Idempotency-Key`, claimed with the action: a second action under the same
    /// key writes nothing and fails with `Duplicate` (the caller then answers as the first).
    pub idempotency: Option<crate::tokens::IdempotencyKey>,
}

impl Store {
    /// Opens a new case from an OPD's request. The letter's bytes must already be in the
    /// blob store (written and fsynced). An open draft of the app closes into the case.
    pub async fn submit_case(
        &self,
        sop: &SopDefinition,
        calendar: &WorkingCalendar,
        actor: &Actor,
        input: SubmitInput,
        now: DateTime<Utc>,
        source: &AuditSource,
    ) -> Result<CaseState> {
        self.submit_request(
            sop,
            calendar,
            actor,
            input,
            SubmitWith::default(),
            now,
            source,
        )
        .await
    }

    /// Opens a new case with what it brings ([`SubmitWith`]: a proposed app, the draft it
    /// confirms) in ONE write: the engine judges the request before anything is written, and
    /// a failure anywhere leaves none of it (no proposed app without its case, no confirmed
    /// draft without the case it became).
    #[allow(clippy::too_many_arguments)] // Each is a separate input of one submission.
    pub async fn submit_request(
        &self,
        sop: &SopDefinition,
        calendar: &WorkingCalendar,
        actor: &Actor,
        mut input: SubmitInput,
        with: SubmitWith,
        now: DateTime<Utc>,
        source: &AuditSource,
    ) -> Result<CaseState> {
        if with.proposed_app.is_some() {
            input.app_id = Some(AppId::random());
        }
        let context = Context { sop, calendar, now };
        let transition = pelihara_domain::submit(context, actor, input)?;
        let backend = self.backend;
        let source = source.clone();
        // The job owns what it writes: it runs on the writer task, in a batch with others.
        let transition = self
            .write_job(move |mut conn| -> JobFuture<'_, Transition> {
                Box::pin(async move {
                    let written =
                        write_submission(&mut conn, backend, transition, with, &source, now)
                            .await?;
                    Ok(Keep::Commit(written))
                })
            })
            .await?;
        let mut state = CaseState {
            case: transition.case.clone(),
            tasks: Vec::new(),
            entries: Vec::new(),
        };
        merge(&mut state, transition);
        Ok(state)
    }

    /// Applies a command to a case for an actor: reads the case, asks the engine, and writes
    /// the transition over the version it read. When someone else got there first, the case
    /// is read again and the engine answers on the fresh state (usually "already done by X").
    #[allow(clippy::too_many_arguments)] // Each is a separate input of one action; see the call sites.
    pub async fn act(
        &self,
        catalog: &SopCatalog,
        calendar: &WorkingCalendar,
        agenda_format: &AgendaFormat,
        case_id: CaseId,
        actor: &Actor,
        expected_task: Option<TaskId>,
        command: Command,
        now: DateTime<Utc>,
        source: &AuditSource,
    ) -> Result<CaseState> {
        let Some(state) = self.case_state(case_id).await? else {
            return Err(Refusal::NotFound.into());
        };
        self.act_on(
            catalog,
            calendar,
            agenda_format,
            state,
            actor,
            expected_task,
            command,
            now,
            source,
        )
        .await
    }

    /// [`Store::act`] on a case state the caller has just read (the case page's action reads
    /// it to check visibility first): the first attempt saves reading it again. The version
    /// guard makes a stale state harmless: the write is refused and the case read afresh.
    #[allow(clippy::too_many_arguments)] // As `act`, with the state read instead of its id.
    pub async fn act_on(
        &self,
        catalog: &SopCatalog,
        calendar: &WorkingCalendar,
        agenda_format: &AgendaFormat,
        state: CaseState,
        actor: &Actor,
        expected_task: Option<TaskId>,
        command: Command,
        now: DateTime<Utc>,
        source: &AuditSource,
    ) -> Result<CaseState> {
        self.act_on_with(
            catalog,
            calendar,
            agenda_format,
            state,
            actor,
            expected_task,
            command,
            ActWith::default(),
            now,
            source,
        )
        .await
    }

    /// [`Store::act_on`] with what an API action brings ([`ActWith`]): pinned to the version
    /// the client read, the action is written over that version or not at all
    /// ([`StoreError::Stale`], never retried on a newer state); its `Idempotency-Key` is
    /// claimed in the same write, so a retry, or two at once, act once.
    #[allow(clippy::too_many_arguments)] // As `act_on`, with the API's extras.
    pub async fn act_on_with(
        &self,
        catalog: &SopCatalog,
        calendar: &WorkingCalendar,
        agenda_format: &AgendaFormat,
        state: CaseState,
        actor: &Actor,
        expected_task: Option<TaskId>,
        command: Command,
        with: ActWith,
        now: DateTime<Utc>,
        source: &AuditSource,
    ) -> Result<CaseState> {
        let case_id = state.case.id;
        if with
            .expected_version
            .is_some_and(|expected| expected != state.case.version)
        {
            return Err(StoreError::Stale);
        }
        let mut known = Some(state);
        for _attempt in 0..5 {
            let state = match known.take() {
                Some(state) => state,
                None => match self.case_state(case_id).await? {
                    Some(state) => state,
                    None => return Err(Refusal::NotFound.into()),
                },
            };
            if !may_view(actor, &state.case) {
                return Err(Refusal::NotFound.into());
            }
            let sop = catalog
                .get(&state.case.sop_code, state.case.sop_version)
                .ok_or_else(|| {
                    StoreError::UnknownSop(format!(
                        "{}@{}",
                        state.case.sop_code, state.case.sop_version
                    ))
                })?;
            let context = Context {
                sop: &sop,
                calendar,
                now,
            };
            let transition =
                pelihara_domain::apply(context, &state, actor, expected_task, command.clone())?;
            // The job owns what it writes: it runs on the writer task, in a batch with others.
            let before_version = state.case.version;
            let existing: HashSet<TaskId> = state.tasks.iter().map(|task| task.id).collect();
            let (backend, agenda_format, job_source) =
                (self.backend, agenda_format.clone(), source.clone());
            let idempotency = with.idempotency.clone();
            let written = self
                .write_job(move |mut conn| -> JobFuture<'_, Option<Transition>> {
                    Box::pin(async move {
                        let written = write_transition(
                            &mut conn,
                            backend,
                            before_version,
                            existing,
                            transition,
                            &agenda_format,
                            &job_source,
                            now,
                        )
                        .await?;
                        // The key is claimed only with a transition written: a stale attempt
                        // leaves it free for the retry that follows.
                        if let (Keep::Commit(Some(_)), Some(key)) = (&written, &idempotency) {
                            crate::tokens::claim_idempotency_key(&mut conn, key, case_id.0, now)
                                .await?;
                        }
                        Ok(written)
                    })
                })
                .await?;
            match written {
                Some(transition) => {
                    let mut state = state;
                    merge(&mut state, transition);
                    return Ok(state);
                }
                // Pinned to the version read: someone else changed it, so nothing is done.
                None if with.expected_version.is_some() => return Err(StoreError::Stale),
                // Someone else changed the case: read it again and ask the engine anew.
                None => continue,
            }
        }
        Err(Refusal::Conflict.into())
    }

    /// A case with its tasks and record entries (three short reads; see `read`).
    pub async fn case_state(&self, case_id: CaseId) -> Result<Option<CaseState>> {
        let id = case_id.to_string();
        // One snapshot: the tasks and entries of the very version of the case read.
        let mut snapshot = self.snapshot()?;
        let query = format!("select {CASE_COLUMNS} from cases where id = $1");
        let Some(case) = snapshot
            .optional::<pelihara_domain::Case>(&query, vec![id.clone().into()])
            .await?
        else {
            return Ok(None);
        };
        let query = format!(
            "select {TASK_COLUMNS} from tasks where case_id = $1 order by opened_at, step_no"
        );
        let tasks = snapshot
            .all::<Task>(&query, vec![id.clone().into()])
            .await?;
        let entries = snapshot
            .all::<Entry>(
                "select id, case_id, step_no, task_id, by_user, by_name, acting_json, at, \
                 record_json from entries where case_id = $1 order by seq",
                vec![id.into()],
            )
            .await?;
        Ok(Some(CaseState {
            case,
            tasks,
            entries,
        }))
    }

    /// The case with a public tracking number.
    pub async fn case_id_by_tracking_code(&self, tracking_code: &str) -> Result<Option<CaseId>> {
        let row = sqlx::query("select id from cases where tracking_code = $1")
            .bind(tracking_code.trim().to_uppercase())
            .fetch_optional(self.reader())
            .await?;
        row.map(|row| Ok(CaseId(uuid(&row.try_get::<String, _>("id")?)?)))
            .transpose()
    }

    /// Marks a task as opened by `by`, a person it is for (a disposition can no longer be
    /// recalled). Only the first opening counts.
    pub async fn mark_task_seen(
        &self,
        task_id: TaskId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write_job(move |mut conn| -> JobFuture<'_, ()> {
            Box::pin(async move {
                conn.execute(
                    "update tasks set seen_at = $1, seen_by = $2 where id = $3 \
                     and seen_at is null",
                    vec![
                        millis(now).into(),
                        by.to_string().into(),
                        task_id.to_string().into(),
                    ],
                )
                .await?;
                Ok(Keep::Commit(()))
            })
        })
        .await
    }

    /// Who first opened a task, and when: their id, full name and the moment (`None` before
    /// anyone did, or when the opening was recorded without a person).
    pub async fn task_opened_by(
        &self,
        task_id: TaskId,
    ) -> Result<Option<(UserId, String, DateTime<Utc>)>> {
        let row = sqlx::query(
            "select t.seen_by, u.full_name, t.seen_at from tasks t \
             join users u on u.id = t.seen_by where t.id = $1 and t.seen_at is not null",
        )
        .bind(task_id.to_string())
        .fetch_optional(self.reader())
        .await?;
        row.map(|row| {
            Ok((
                UserId(uuid(&row.try_get::<String, _>("seen_by")?)?),
                row.try_get("full_name")?,
                instant(row.try_get("seen_at")?)?,
            ))
        })
        .transpose()
    }

    /// Open tasks for any of these positions, or for this OPD's operators, or held by this
    /// person as the one who asked (an employee's own request), due first.
    pub async fn inbox(
        &self,
        positions: &[String],
        opd: Option<OpdId>,
        requester: Option<UserId>,
        limit: i64,
    ) -> Result<Vec<InboxItem>> {
        let mut conditions = Vec::new();
        let mut next = 1;
        for _ in positions {
            conditions.push(format!("t.position = ${next}"));
            next += 1;
        }
        if opd.is_some() {
            conditions.push(format!("(t.position = 'opd' and t.opd_id = ${next})"));
            next += 1;
        }
        if requester.is_some() {
            // Read through tasks_open_by_claimer (migration 0017).
            conditions.push(format!(
                "(t.claimed_by = ${next} and t.position = 'opd' and t.opd_id is null)"
            ));
            next += 1;
        }
        if conditions.is_empty() {
            return Ok(Vec::new());
        }
        let prefixed: Vec<String> = TASK_COLUMNS
            .split(", ")
            .map(|column| format!("t.{}", column.trim()))
            .collect();
        // The top of each position's list is read in index order (tasks_open_by_position:
        // state, position, due_at, opened_at), with and without a due moment; only those few
        // rows are joined and sorted, so the inbox does not grow with the open tasks.
        let limit_param = format!("${next}");
        let mut tops = Vec::new();
        for (index, condition) in conditions.iter().enumerate() {
            tops.push(format!(
                "select id from (select t.id from tasks t where t.state = 'open' and {condition} \
                 and t.due_at is not null order by t.due_at, t.opened_at limit {limit_param}) d{index}"
            ));
            tops.push(format!(
                "select id from (select t.id from tasks t where t.state = 'open' and {condition} \
                 and t.due_at is null order by t.opened_at limit {limit_param}) n{index}"
            ));
        }
        let query = format!(
            "select {}, c.sop_code, c.sop_version, c.tracking_code, c.subject, c.agenda_number, \
             coalesce(o.name, '') as opd_name, coalesce(a.name, '') as app_name \
             from tasks t join cases c on c.id = t.case_id left join opds o on o.id = c.opd_id \
             left join apps a on a.id = c.app_id \
             where t.id in ({}) \
             order by case when t.due_at is null then 1 else 0 end, t.due_at, t.opened_at \
             limit {limit_param}",
            prefixed.join(", "),
            tops.join(" union all ")
        );
        // A bounded read in index order (at most `limit` rows per list), so it may run on the
        // native read connections like a point read: through sqlx, handing 200 rows one by
        // one from its SQLite thread and converting each to `AnyRow` was most of the page.
        let mut params: Vec<Param> = positions.iter().map(|p| p.clone().into()).collect();
        if let Some(opd) = opd {
            params.push(opd.to_string().into());
        }
        if let Some(requester) = requester {
            params.push(requester.to_string().into());
        }
        params.push(limit.into());
        self.read_all::<InboxItem>(&query, params).await
    }

    /// Cases, newest first; only one OPD's when `opd` is given.
    pub async fn list_cases(&self, opd: Option<OpdId>, limit: i64) -> Result<Vec<CaseSummary>> {
        let filter = if opd.is_some() {
            "where c.opd_id = $1"
        } else {
            ""
        };
        let limit_param = if opd.is_some() { "$2" } else { "$1" };
        let query = format!(
            "select c.id, c.sop_code, c.sop_version, c.tracking_code, c.subject, c.opd_id, \
             coalesce(o.name, '') as opd_name, coalesce(a.name, '') as app_name, c.status, \
             c.current_step, c.submitted_at, c.closed_at, c.agenda_number, \
             (select min(t.due_at) from tasks t where t.case_id = c.id and t.state = 'open') as due_at \
             from cases c left join opds o on o.id = c.opd_id left join apps a on a.id = c.app_id \
             {filter} order by c.submitted_at desc limit {limit_param}"
        );
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(query));
        if let Some(opd) = opd {
            statement = statement.bind(opd.to_string());
        }
        let rows = statement.bind(limit).fetch_all(self.reader()).await?;
        rows.iter()
            .map(crate::case_list::summary_from_row)
            .collect()
    }
}

/// Applies a written transition to the state that was read.
fn merge(state: &mut CaseState, transition: Transition) {
    state.case = transition.case;
    for task in transition.tasks {
        match state
            .tasks
            .iter_mut()
            .find(|existing| existing.id == task.id)
        {
            Some(existing) => *existing = task,
            None => state.tasks.push(task),
        }
    }
    state.entries.extend(transition.entries);
}
