//! The reminder schedule (migration 0010): per open task, the instant its next reminder stage
//! is due. The sweep reads only what is due now, a bounded page at a time, and moves each row
//! to its next stage; the digest and the benchmark count open and overdue tasks with SQL
//! aggregates. It must never decide when a stage is due (the scheduler computes that on the
//! working calendar) nor load every open task into memory.
//!
//! Rows enter and leave with their tasks by database triggers (see the migration), so case
//! actions and the group-commit writer write nothing for it.

use chrono::{DateTime, Utc};
use pelihara_domain::{AppId, CaseId, OpdId, Task, TaskId, TaskState, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::codec::{from_code, from_json, instant, millis, opt_from_json, opt_instant, uuid};
use crate::writer::{JobFuture, Keep};
use crate::{Result, Store};

/// An open task with what reminders say about its case (the scheduler's sweep).
#[derive(Debug, Clone)]
pub struct ReminderTask {
    pub task: Task,
    pub tracking_code: String,
    pub subject: String,
    /// None for a case no OPD asked.
    pub opd_id: Option<OpdId>,
    /// Empty without an OPD.
    pub opd_name: String,
    pub app_id: Option<AppId>,
    /// Empty without an app.
    pub app_name: String,
    pub sop_code: String,
    pub sop_version: u32,
}

/// A schedule row whose instant has come, with its open task and what reminders say about it.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub item: ReminderTask,
    /// The instant and stage as read; a reschedule applies only over these (a task that
    /// changed meanwhile was put back to stage 0 by the database and is evaluated again).
    pub next_at: DateTime<Utc>,
    pub stage: u32,
}

/// Where a sweep's page ends: the next page starts after this (instant, task).
pub type ReminderCursor = (DateTime<Utc>, TaskId);

/// A sweep's decision for one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reschedule {
    pub task_id: TaskId,
    pub seen_next_at: DateTime<Utc>,
    pub seen_stage: u32,
    /// The task's due moment as read: a task resumed meanwhile (a new due moment) was put back
    /// to stage 0 by the database, possibly with the very values read, and must keep them.
    pub seen_due_at: Option<DateTime<Utc>>,
    /// The next stage's instant and number; `None`: no stage is left, the row goes.
    pub next: Option<(DateTime<Utc>, u32)>,
}

/// Open and overdue tasks at one step of one SOP version (the digest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStepCount {
    pub sop_code: String,
    pub sop_version: u32,
    pub step_no: u32,
    pub open: u64,
    pub overdue: u64,
}

fn count32(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn count64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn opt_id<T>(text: Option<String>, make: fn(Uuid) -> T) -> Result<Option<T>> {
    text.as_deref().map(|text| uuid(text).map(make)).transpose()
}

/// The columns `reminder_from_row` reads: the task `t`, its case `c`, OPD `o` and app `a`.
pub(crate) const REMINDER_COLUMNS: &str = "t.id, t.case_id, t.step_no, t.stage, t.position, \
     t.opd_id, t.claimed_by, t.claimed_by_name, t.opened_at, t.seen_at, t.standard_json, \
     t.pauses_json, t.due_at, c.tracking_code, c.subject, c.opd_id as case_opd_id, c.app_id, \
     c.sop_code, c.sop_version, coalesce(o.name, '') as opd_name, \
     coalesce(a.name, '') as app_name";

/// An open task and its case's particulars from a row of [`REMINDER_COLUMNS`].
pub(crate) fn reminder_from_row(row: &AnyRow) -> Result<ReminderTask> {
    let task = Task {
        id: TaskId(uuid(&row.try_get::<String, _>("id")?)?),
        case_id: CaseId(uuid(&row.try_get::<String, _>("case_id")?)?),
        step_no: count32(row.try_get("step_no")?),
        stage: from_code(&row.try_get::<String, _>("stage")?)?,
        position: row.try_get("position")?,
        opd_id: opt_id(row.try_get("opd_id")?, OpdId)?,
        claimed_by: opt_id(row.try_get("claimed_by")?, UserId)?,
        claimed_by_name: row.try_get("claimed_by_name")?,
        state: TaskState::Open,
        opened_at: instant(row.try_get("opened_at")?)?,
        seen_at: opt_instant(row.try_get("seen_at")?)?,
        standard: opt_from_json(row.try_get("standard_json")?)?,
        pauses: from_json(&row.try_get::<String, _>("pauses_json")?)?,
        due_at: opt_instant(row.try_get("due_at")?)?,
        completed_at: None,
        completed_by: None,
        completed_by_name: None,
        acting: None,
        actual_seconds: None,
        actual_in_unit: None,
    };
    Ok(ReminderTask {
        task,
        tracking_code: row.try_get("tracking_code")?,
        subject: row.try_get("subject")?,
        opd_id: opt_id(row.try_get("case_opd_id")?, OpdId)?,
        opd_name: row.try_get("opd_name")?,
        app_id: opt_id(row.try_get("app_id")?, AppId)?,
        app_name: row.try_get("app_name")?,
        sop_code: row.try_get("sop_code")?,
        sop_version: count32(row.try_get("sop_version")?),
    })
}

impl Store {
    /// Up to `limit` schedule rows due at `now` (`next_at <= now`) of open tasks, earliest
    /// first, after `after` (the previous page's last row). Read by the index on `next_at`:
    /// the cost is the page, whatever the number of open tasks.
    pub async fn due_reminders(
        &self,
        now: DateTime<Utc>,
        after: Option<ReminderCursor>,
        limit: i64,
    ) -> Result<Vec<DueReminder>> {
        let (after_at, after_id) = match after {
            Some((at, id)) => (millis(at), id.to_string()),
            // Before every instant and every id.
            None => (i64::MIN, String::new()),
        };
        let query = format!(
            "select r.next_at as r_next_at, r.stage as r_stage, {REMINDER_COLUMNS} \
             from task_reminders r join tasks t on t.id = r.task_id \
             join cases c on c.id = t.case_id left join opds o on o.id = c.opd_id \
             left join apps a on a.id = c.app_id \
             where r.next_at <= $1 and (r.next_at > $2 or (r.next_at = $2 and r.task_id > $3)) \
             and t.state = 'open' order by r.next_at, r.task_id limit $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(millis(now))
            .bind(after_at)
            .bind(after_id)
            .bind(limit.max(1))
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(DueReminder {
                    item: reminder_from_row(row)?,
                    next_at: instant(row.try_get("r_next_at")?)?,
                    stage: count32(row.try_get("r_stage")?),
                })
            })
            .collect()
    }

    /// Applies a sweep's decisions in one transaction: each row moves to its next stage or
    /// goes, but only if it still holds what the sweep read (a second node that got there
    /// first, or a task that changed meanwhile, wins). Returns how many rows changed.
    pub async fn reschedule_reminders(&self, changes: &[Reschedule]) -> Result<u64> {
        if changes.is_empty() {
            return Ok(0);
        }
        let changes = changes.to_vec();
        // A write job: it joins the case actions' group commit instead of taking turns with it.
        self.write_job(move |mut conn| -> JobFuture<'_, u64> {
            Box::pin(async move {
                let mut changed = 0;
                for change in &changes {
                    changed += match change.next {
                        Some((at, stage)) => {
                            conn.execute(
                                "update task_reminders set next_at = $1, stage = $2 \
                                 where task_id = $3 and next_at = $4 and stage = $5 and exists \
                                 (select 1 from tasks t where t.id = $3 \
                                 and coalesce(t.due_at, -1) = $6)",
                                vec![
                                    millis(at).into(),
                                    i64::from(stage).into(),
                                    change.task_id.to_string().into(),
                                    millis(change.seen_next_at).into(),
                                    i64::from(change.seen_stage).into(),
                                    change.seen_due_at.map_or(-1, millis).into(),
                                ],
                            )
                            .await?
                        }
                        None => {
                            conn.execute(
                                "delete from task_reminders \
                                 where task_id = $1 and next_at = $2 and stage = $3 and exists \
                                 (select 1 from tasks t where t.id = $1 \
                                 and coalesce(t.due_at, -1) = $4)",
                                vec![
                                    change.task_id.to_string().into(),
                                    millis(change.seen_next_at).into(),
                                    i64::from(change.seen_stage).into(),
                                    change.seen_due_at.map_or(-1, millis).into(),
                                ],
                            )
                            .await?
                        }
                    };
                }
                Ok(Keep::Commit(changed))
            })
        })
        .await
    }

    /// A task's schedule row (instant, stage), if it has one.
    pub async fn reminder_schedule(&self, task: TaskId) -> Result<Option<(DateTime<Utc>, u32)>> {
        let row = sqlx::query("select next_at, stage from task_reminders where task_id = $1")
            .bind(task.to_string())
            .fetch_optional(self.reader())
            .await?;
        row.map(|row| {
            Ok((
                instant(row.try_get("next_at")?)?,
                count32(row.try_get("stage")?),
            ))
        })
        .transpose()
    }

    /// How many schedule rows there are, and how many are due at `now`.
    pub async fn reminder_schedule_size(&self, now: DateTime<Utc>) -> Result<(u64, u64)> {
        let row = sqlx::query(
            "select count(*) as total, \
             coalesce(sum(case when next_at <= $1 then 1 else 0 end), 0) as due \
             from task_reminders",
        )
        .bind(millis(now))
        .fetch_one(self.reader())
        .await?;
        Ok((count64(row.try_get("total")?), count64(row.try_get("due")?)))
    }

    /// Open tasks and those past their due moment at `now`, by SOP version and step, counted
    /// by the database (the digest's table): memory is one row per step.
    pub async fn open_tasks_by_step(&self, now: DateTime<Utc>) -> Result<Vec<OpenStepCount>> {
        let rows = sqlx::query(
            "select c.sop_code, c.sop_version, t.step_no, count(*) as open_tasks, \
             coalesce(sum(case when t.due_at < $1 then 1 else 0 end), 0) as overdue_tasks \
             from tasks t join cases c on c.id = t.case_id where t.state = 'open' \
             group by c.sop_code, c.sop_version, t.step_no \
             order by t.step_no, c.sop_code, c.sop_version",
        )
        .bind(millis(now))
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OpenStepCount {
                    sop_code: row.try_get("sop_code")?,
                    sop_version: count32(row.try_get("sop_version")?),
                    step_no: count32(row.try_get("step_no")?),
                    open: count64(row.try_get("open_tasks")?),
                    overdue: count64(row.try_get("overdue_tasks")?),
                })
            })
            .collect()
    }
}
