//! Benchmark fixtures (feature `generate`, used by `bench/`): grows an SQLite database made by
//! `pelihara demo` to a given size by cloning a finished case and a just-submitted case,
//! directly in SQL, in big transactions with `synchronous = off`, so that a million cases take
//! minutes rather than hours. It must never run on a production database: the cloned audit
//! events carry placeholder hashes (the chain does not verify across them) and the audit head
//! is moved past them with its forward-only trigger briefly dropped.
//!
//! The cloned open tasks enter the reminder schedule (migration 0010) by its trigger at stage
//! 0; [`settle_reminders`] then moves them to where a running system would have them.

use std::time::Instant;

use chrono::{DateTime, Utc};
use pelihara_domain::{CaseId, Task, TaskId, TaskState};
use sqlx::{Connection, Executor, Row, SqliteConnection};

use crate::codec::{from_code, from_json, instant, millis, opt_from_json, opt_instant};
use crate::{Result, StoreError};

/// How many cases of each kind to add.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Clones of a finished case (all of its tasks, record entries and audit events).
    pub done: u64,
    /// Clones of a case just submitted: one open task (step 2, the Pelaksana registers it).
    pub open: u64,
    /// Open clones are moved back in time by up to this many days (so some are overdue).
    pub open_spread_days: u64,
}

/// What the database holds after growing.
#[derive(Debug, Clone, Copy)]
pub struct Grown {
    pub cases: i64,
    pub tasks: i64,
    pub open_tasks: i64,
    pub entries: i64,
    pub events: i64,
    pub seconds: f64,
}

/// Cases are cloned in chunks of this many, one transaction each.
const CHUNK: u64 = 20_000;
const DAY_MS: i64 = 86_400_000;

/// A clone's id: the template's first 24 characters (time-low to clock-seq of its UUID) and the
/// clone number as the 12-digit node, so ids stay valid UUIDs and unique per template.
fn id_expr(column: &str) -> String {
    format!("substr({column}, 1, 24) || printf('%012x', n.i)")
}

async fn template(conn: &mut SqliteConnection, query: &'static str) -> Result<String> {
    let row = sqlx::query(query)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("no template case: {query}")))?;
    Ok(row.try_get(0)?)
}

async fn count(conn: &mut SqliteConnection, query: &'static str) -> Result<i64> {
    Ok(sqlx::query(query).fetch_one(&mut *conn).await?.try_get(0)?)
}

/// Clones case `template` for clone numbers `lo..=hi`, shifting its instants back by
/// `(i % spread_days)` days (0 days when `spread_days` is 0), and appends its audit events
/// after sequence number `base_seq`. Returns the number of events written.
async fn clone_range(
    conn: &mut SqliteConnection,
    template: &str,
    lo: u64,
    hi: u64,
    spread_days: u64,
    base_seq: i64,
    events_per_case: i64,
) -> Result<()> {
    let numbers = "with recursive n(i) as (select $1 union all select i + 1 from n where i < $2)";
    let shift = if spread_days == 0 {
        "0".to_owned()
    } else {
        format!("((n.i % {spread_days}) * {DAY_MS})")
    };
    let case_id = id_expr("c.id");
    let cases = format!(
        "{numbers} insert into cases (id, tracking_code, sop_code, sop_version, opd_id, app_id, \
         subject, description, letter_sha256, letter_json, status, current_step, agenda_number, \
         agenda_json, submitted_by, submitted_at, closed_at, closing_reason, version) \
         select {case_id}, printf('GEN-%09d', n.i), c.sop_code, c.sop_version, c.opd_id, c.app_id, \
         c.subject, c.description, c.letter_sha256, c.letter_json, c.status, c.current_step, \
         case when c.agenda_number is null then null else c.agenda_number || '-G' || n.i end, \
         c.agenda_json, c.submitted_by, c.submitted_at - {shift}, c.closed_at - {shift}, \
         c.closing_reason, c.version from n, cases c where c.id = $3"
    );
    let task_id = id_expr("t.id");
    let task_case = id_expr("t.case_id");
    let tasks = format!(
        "{numbers} insert into tasks (id, case_id, step_no, stage, position, opd_id, claimed_by, \
         claimed_by_name, state, opened_at, seen_at, standard_json, pauses_json, due_at, \
         completed_at, completed_by, completed_by_name, acting_json, actual_seconds, \
         actual_in_unit_micros, sop_code, sop_version, case_opd_id, standard_unit, \
         standard_micros) \
         select {task_id}, {task_case}, t.step_no, t.stage, t.position, t.opd_id, t.claimed_by, \
         t.claimed_by_name, t.state, t.opened_at - {shift}, t.seen_at - {shift}, t.standard_json, \
         t.pauses_json, t.due_at - {shift}, t.completed_at - {shift}, t.completed_by, \
         t.completed_by_name, t.acting_json, t.actual_seconds, t.actual_in_unit_micros, \
         t.sop_code, t.sop_version, t.case_opd_id, t.standard_unit, t.standard_micros \
         from n, tasks t where t.case_id = $3"
    );
    let entry_id = id_expr("e.id");
    let entry_case = id_expr("e.case_id");
    let entry_task = id_expr("e.task_id");
    let entries = format!(
        "{numbers} insert into entries (id, case_id, step_no, task_id, by_user, by_name, \
         acting_json, at, kind, record_json) \
         select {entry_id}, {entry_case}, e.step_no, \
         case when e.task_id is null then null else {entry_task} end, e.by_user, e.by_name, \
         e.acting_json, e.at - {shift}, e.kind, e.record_json \
         from n, entries e where e.case_id = $3 order by n.i, e.seq"
    );
    let event_case = id_expr("e.case_id");
    let events = format!(
        "{numbers} insert into audit_events (seq, at, actor_id, actor_name, acting_json, action, \
         case_id, step_no, detail_json, source, prev_hash, hash) \
         select $4 + (n.i - $1) * $5 + e.rank, e.at - {shift}, e.actor_id, e.actor_name, \
         e.acting_json, e.action, {event_case}, e.step_no, e.detail_json, e.source, \
         'generated', 'generated' \
         from n, (select *, row_number() over (order by seq) as rank from audit_events \
         where case_id = $3) e"
    );
    let (lo, hi) = (
        i64::try_from(lo).unwrap_or(i64::MAX),
        i64::try_from(hi).unwrap_or(i64::MAX),
    );
    for statement in [cases, tasks, entries] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .bind(lo)
            .bind(hi)
            .bind(template.to_owned())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(sqlx::AssertSqlSafe(events))
        .bind(lo)
        .bind(hi)
        .bind(template.to_owned())
        .bind(base_seq)
        .bind(events_per_case)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Grows the SQLite database at `path` (made by `pelihara demo`, server stopped) by `spec`.
pub async fn grow(path: &str, spec: Spec) -> Result<Grown> {
    let started = Instant::now();
    let mut conn = SqliteConnection::connect(&format!("sqlite://{path}")).await?;
    // Generation only: a crash here loses a fixture, not anyone's work.
    conn.execute("pragma synchronous = off").await?;
    conn.execute("pragma cache_size = -262144").await?;
    conn.execute("pragma temp_store = memory").await?;
    let done_template = template(
        &mut conn,
        "select id from cases where status = 'done' order by submitted_at limit 1",
    )
    .await?;
    let open_template = template(
        &mut conn,
        "select c.id from cases c where c.status = 'open' and c.current_step = 2 \
         and (select count(*) from tasks t where t.case_id = c.id and t.state = 'open') = 1 \
         order by c.submitted_at desc limit 1",
    )
    .await?;
    let events_of = async |conn: &mut SqliteConnection, case: &str| -> Result<i64> {
        Ok(
            sqlx::query("select count(*) from audit_events where case_id = $1")
                .bind(case.to_owned())
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?,
        )
    };
    let done_events = events_of(&mut conn, &done_template).await?;
    let open_events = events_of(&mut conn, &open_template).await?;
    let mut seq = count(&mut conn, "select coalesce(max(seq), 0) from audit_events").await?;
    // Clone numbers start high so they never meet a template's own random node.
    let mut number = 1_u64 << 44;
    for (template, total, spread, events) in [
        (&done_template, spec.done, 365, done_events),
        (
            &open_template,
            spec.open,
            spec.open_spread_days,
            open_events,
        ),
    ] {
        let mut left = total;
        while left > 0 {
            let size = left.min(CHUNK);
            let (lo, hi) = (number, number + size - 1);
            conn.execute("begin").await?;
            clone_range(&mut conn, template, lo, hi, spread, seq, events).await?;
            conn.execute("commit").await?;
            seq += i64::try_from(size).unwrap_or(i64::MAX) * events;
            number += size;
            left -= size;
        }
    }
    // The head must name the last event, or the next live event would reuse a number. Its
    // forward-only trigger is dropped for this one jump and restored from its own text.
    let trigger: String = sqlx::query(
        "select sql from sqlite_master where type = 'trigger' and name = 'audit_head_forward_only'",
    )
    .fetch_one(&mut conn)
    .await?
    .try_get(0)?;
    conn.execute("begin").await?;
    conn.execute("drop trigger audit_head_forward_only").await?;
    sqlx::query("update audit_head set seq = $1, hash = 'generated' where id = 1")
        .bind(seq)
        .execute(&mut conn)
        .await?;
    conn.execute(sqlx::AssertSqlSafe(trigger)).await?;
    conn.execute("commit").await?;
    // The rollups of tasks and cases followed the clones by their triggers; whole cases are
    // counted by the store when one finishes, which a clone never does: counted here again,
    // with the working day the demo's server counted with (a server then has nothing to do).
    let working_day: i64 = sqlx::query("select working_day_seconds from report_basis where id = 1")
        .fetch_one(&mut conn)
        .await?
        .try_get(0)?;
    if working_day > 0 {
        conn.execute("begin").await?;
        conn.execute("delete from report_case_span_rollup").await?;
        sqlx::query(sqlx::AssertSqlSafe(
            crate::report_rollups::count_every_case_sql(crate::Backend::Sqlite),
        ))
        .bind(0_i64)
        .bind(i64::MAX)
        .bind(working_day)
        .execute(&mut conn)
        .await?;
        conn.execute("commit").await?;
    }
    conn.execute("analyze").await?;
    conn.execute("pragma wal_checkpoint(truncate)").await?;
    let grown = Grown {
        cases: count(&mut conn, "select count(*) from cases").await?,
        tasks: count(&mut conn, "select count(*) from tasks").await?,
        open_tasks: count(&mut conn, "select count(*) from tasks where state = 'open'").await?,
        entries: count(&mut conn, "select count(*) from entries").await?,
        events: count(&mut conn, "select count(*) from audit_events").await?,
        seconds: started.elapsed().as_secs_f64(),
    };
    conn.close().await?;
    Ok(grown)
}

/// Up to `limit` open step-2 tasks (case id, task id) waiting for the Pelaksana to register
/// the case: the work the transition benchmark does.
pub async fn register_tasks(path: &str, limit: i64) -> Result<Vec<(String, String)>> {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{path}")).await?;
    let rows = sqlx::query(
        "select case_id, id from tasks where state = 'open' and step_no = 2 \
         and position = 'pelaksana' order by opened_at desc limit $1",
    )
    .bind(limit)
    .fetch_all(&mut conn)
    .await?;
    conn.close().await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Up to `limit` finished cases, spread over the table (for case-page latency).
pub async fn done_cases(path: &str, limit: i64) -> Result<Vec<String>> {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{path}")).await?;
    let total: i64 = sqlx::query("select count(*) from cases where status = 'done'")
        .fetch_one(&mut conn)
        .await?
        .try_get(0)?;
    let step = (total / limit.max(1)).max(1);
    let rows = sqlx::query(
        "select id from (select id, row_number() over (order by id) as r from cases \
         where status = 'done') where r % $1 = 0 limit $2",
    )
    .bind(step)
    .bind(limit)
    .fetch_all(&mut conn)
    .await?;
    conn.close().await?;
    rows.iter().map(|row| Ok(row.try_get(0)?)).collect()
}

/// What [`settle_reminders`] did: open-task shapes planned, schedule rows moved on, rows
/// removed (past their last stage), and the rows left.
#[derive(Debug, Clone, Copy)]
pub struct Settled {
    pub shapes: u64,
    pub moved: u64,
    pub removed: u64,
    pub left: i64,
    pub seconds: f64,
}

/// Moves the reminder schedule of the grown database at `path` to where a running system
/// would have it: every stage due before now already announced. `plan` is the scheduler's
/// rule (`pelihara_scheduler::next_stage` from stage 0 at now): for an open task, the next
/// stage's instant and number, or `None` when none is left. Clones share their template's
/// shape up to the shift, so `plan` runs once per distinct (opening, due moment, step,
/// position, standard, pauses), not once per task, and the rows move in one statement.
pub async fn settle_reminders(
    path: &str,
    mut plan: impl FnMut(&Task) -> Option<(DateTime<Utc>, u32)>,
) -> Result<Settled> {
    let started = Instant::now();
    let mut conn = SqliteConnection::connect(&format!("sqlite://{path}")).await?;
    conn.execute("pragma synchronous = off").await?;
    conn.execute("pragma temp_store = memory").await?;
    let shapes = sqlx::query(
        "select opened_at, due_at, step_no, stage, position, standard_json, pauses_json \
         from tasks where state = 'open' \
         group by opened_at, due_at, step_no, stage, position, standard_json, pauses_json",
    )
    .fetch_all(&mut conn)
    .await?;
    conn.execute("begin").await?;
    conn.execute(
        "create temp table reminder_plan (opened_at bigint, due_at bigint, step_no bigint, \
         stage text, position text, standard_json text, pauses_json text, next_at bigint, \
         next_stage bigint)",
    )
    .await?;
    for row in &shapes {
        let opened_at: i64 = row.try_get("opened_at")?;
        let due_at: Option<i64> = row.try_get("due_at")?;
        let step_no: i64 = row.try_get("step_no")?;
        let stage: String = row.try_get("stage")?;
        let position: String = row.try_get("position")?;
        let standard_json: Option<String> = row.try_get("standard_json")?;
        let pauses_json: String = row.try_get("pauses_json")?;
        // Only the fields the reminder rule reads matter; ids are placeholders.
        let task = Task {
            id: TaskId(uuid::Uuid::nil()),
            case_id: CaseId(uuid::Uuid::nil()),
            step_no: u32::try_from(step_no).unwrap_or(0),
            stage: from_code(&stage)?,
            position: position.clone(),
            opd_id: None,
            claimed_by: None,
            claimed_by_name: None,
            state: TaskState::Open,
            opened_at: instant(opened_at)?,
            seen_at: None,
            standard: opt_from_json(standard_json.clone())?,
            pauses: from_json(&pauses_json)?,
            due_at: opt_instant(due_at)?,
            completed_at: None,
            completed_by: None,
            completed_by_name: None,
            acting: None,
            actual_seconds: None,
            actual_in_unit: None,
        };
        let next = plan(&task);
        sqlx::query("insert into reminder_plan values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(opened_at)
            .bind(due_at)
            .bind(step_no)
            .bind(stage)
            .bind(position)
            .bind(standard_json)
            .bind(pauses_json)
            .bind(next.map(|(at, _)| millis(at)))
            .bind(next.map(|(_, stage)| i64::from(stage)))
            .execute(&mut conn)
            .await?;
    }
    // `is` compares nullable columns as equal when both are null.
    let matching = "t.opened_at = p.opened_at and t.due_at is p.due_at and \
         t.step_no = p.step_no and t.stage = p.stage and t.position = p.position and \
         t.standard_json is p.standard_json and t.pauses_json = p.pauses_json";
    let moved = sqlx::query(sqlx::AssertSqlSafe(format!(
        "update task_reminders set next_at = p.next_at, stage = p.next_stage \
         from tasks t, reminder_plan p where t.id = task_reminders.task_id and {matching} \
         and p.next_at is not null"
    )))
    .execute(&mut conn)
    .await?
    .rows_affected();
    let removed = sqlx::query(sqlx::AssertSqlSafe(format!(
        "delete from task_reminders where task_id in (select t.id from tasks t \
         join reminder_plan p on {matching} where p.next_at is null)"
    )))
    .execute(&mut conn)
    .await?
    .rows_affected();
    conn.execute("drop table reminder_plan").await?;
    conn.execute("commit").await?;
    let left = count(&mut conn, "select count(*) from task_reminders").await?;
    conn.close().await?;
    Ok(Settled {
        shapes: u64::try_from(shapes.len()).unwrap_or(u64::MAX),
        moved,
        removed,
        left,
        seconds: started.elapsed().as_secs_f64(),
    })
}
