//! The working calendar read where it is kept: the holiday table, cached per node. Every
//! holiday edit counts a revision up in its own transaction (the setting
//! [`CALENDAR_REVISION_SETTING`]); [`SharedCalendar`] holds the calendar built at the
//! revision it read and rebuilds when it sees another one ([`SharedCalendar::refresh`]: the
//! node that edits at once, every other node within a few seconds, the scheduler at each tick).
//!
//! An edit also moves the due moments of the open tasks it changes
//! ([`Store::move_due_moments`], audited): the reminder schedule's trigger (migration 0010)
//! puts each moved task back to its first stage, so the next sweep reschedules its reminders
//! from the new due moment. The revision the due moments follow is kept too
//! ([`DUE_MOMENTS_REVISION_SETTING`]), so a node that stopped between the edit and the move
//! leaves the move to the next scheduler tick of any node ([`Store::move_due_moments_if_behind`]).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pelihara_calendar::WorkingCalendar;
use pelihara_domain::Task;
use serde_json::json;

use crate::audit::{AuditSource, Change};
use crate::cases::TASK_COLUMNS;
use crate::codec::millis;
use crate::revisioned::Revisioned;
use crate::writer::{JobFuture, Keep};
use crate::{Result, Store, StoreError};

/// The setting counting holiday edits (a whole number; absent = 0).
pub const CALENDAR_REVISION_SETTING: &str = "calendar.revision";

/// The calendar revision the open tasks' due moments were last computed on.
pub const DUE_MOMENTS_REVISION_SETTING: &str = "calendar.due_moments_revision";

/// How many open tasks one read of [`Store::move_due_moments`] takes.
const PAGE: usize = 500;

/// How many moved tasks the audit event names one by one (it counts all of them).
const NAMED_IN_EVENT: usize = 100;

/// This node's copy of the working calendar, rebuilt from the store when the holidays
/// changed. Cheap to clone (one shared copy per node).
#[derive(Debug, Clone)]
pub struct SharedCalendar {
    inner: Revisioned<WorkingCalendar>,
}

impl SharedCalendar {
    /// A calendar that never changes (tests, tools with a calendar of their own).
    pub fn fixed(calendar: WorkingCalendar) -> SharedCalendar {
        SharedCalendar {
            inner: Revisioned::fixed(calendar),
        }
    }

    /// The calendar as it is now. Hold it for one request or one sweep: a later call may see
    /// a newer one.
    pub fn snapshot(&self) -> Arc<WorkingCalendar> {
        self.inner.snapshot()
    }

    /// Rebuilds the calendar from the store when a holiday was added or removed since it was
    /// built (here or on another node); one small read when nothing changed. Returns whether
    /// it changed. A fixed calendar stays as it is.
    pub async fn refresh(&self, store: &Store) -> Result<bool> {
        self.inner
            .refresh(store.calendar_revision(), || store.working_calendar())
            .await
    }
}

/// A setting holding a whole number; 0 when absent.
async fn counter(store: &Store, key: &str) -> Result<i64> {
    let Some(value) = store.setting(key).await? else {
        return Ok(0);
    };
    value
        .trim()
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("setting {key} = {value:?}")))
}

impl Store {
    /// The calendar of the store at its current revision, kept fresh by
    /// [`SharedCalendar::refresh`].
    pub async fn shared_calendar(&self) -> Result<SharedCalendar> {
        // The revision first: an edit between the two reads makes the next refresh rebuild.
        let revision = self.calendar_revision().await?;
        let calendar = self.working_calendar().await?;
        Ok(SharedCalendar {
            inner: Revisioned::read_at(calendar, revision),
        })
    }

    /// How many holiday edits the store has seen.
    pub async fn calendar_revision(&self) -> Result<i64> {
        counter(self, CALENDAR_REVISION_SETTING).await
    }

    /// Counts a holiday edit, inside the edit's own transaction.
    pub(crate) async fn count_calendar_revision(tx: &mut crate::WriteTx) -> Result<()> {
        sqlx::query(
            "insert into settings (key, value) values ($1, '1') on conflict (key) do update \
             set value = cast(cast(settings.value as bigint) + 1 as text)",
        )
        .bind(CALENDAR_REVISION_SETTING)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Recomputes the due moment of every open task that has one on the store's calendar as
    /// it is now, and writes the ones that moved (only where the task still carries the
    /// moment read, so a task an action changed meanwhile keeps the action's). One audit event
    /// (`calendar.due_moments_moved`) counts and names them; none when nothing moved. The
    /// reminder schedule follows by its trigger. Returns how many moved.
    pub async fn move_due_moments(
        &self,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let revision = self.calendar_revision().await?;
        let calendar = self.working_calendar().await?;
        let mut moved: Vec<(Task, DateTime<Utc>)> = Vec::new();
        let mut after = String::new();
        loop {
            // A page at a time by id: a holiday edit is rare, but the open tasks may be many.
            let query = format!(
                "select {TASK_COLUMNS} from tasks where state = 'open' and due_at is not null \
                 and id > $1 order by id limit {PAGE}"
            );
            let page: Vec<Task> = self.read_all(&query, vec![after.clone().into()]).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id.to_string();
            let full = page.len() == PAGE;
            for task in page {
                let due = pelihara_domain::sla::due(&calendar, &task);
                // Compared as stored: in whole milliseconds.
                if let (Some(due), Some(carried)) = (due, task.due_at)
                    && millis(due) != millis(carried)
                {
                    moved.push((task, due));
                }
            }
            if !full {
                break;
            }
        }
        if moved.is_empty() {
            // Nothing moved, nothing to audit: only the revision the due moments follow.
            let revision = revision.to_string();
            self.write_job(move |mut conn| -> JobFuture<'_, ()> {
                Box::pin(async move {
                    conn.execute(
                        "insert into settings (key, value) values ($1, $2) on conflict (key) \
                         do update set value = excluded.value",
                        vec![DUE_MOMENTS_REVISION_SETTING.into(), revision.into()],
                    )
                    .await?;
                    Ok(Keep::Commit(()))
                })
            })
            .await?;
            return Ok(0);
        }
        let named: Vec<_> = moved
            .iter()
            .take(NAMED_IN_EVENT)
            .map(|(task, due)| {
                json!({
                    "task_id": task.id,
                    "case_id": task.case_id,
                    "from": task.due_at,
                    "to": due,
                })
            })
            .collect();
        let change = Change {
            source,
            at: now,
            action: "calendar.due_moments_moved",
            detail: json!({ "revision": revision, "moved": moved.len(), "tasks": named }),
        };
        let written = self
            .write_with_event(change, async |tx| {
                let mut written = 0;
                for (task, due) in &moved {
                    let result = sqlx::query(
                        "update tasks set due_at = $1 where id = $2 and state = 'open' \
                         and due_at = $3",
                    )
                    .bind(millis(*due))
                    .bind(task.id.to_string())
                    .bind(task.due_at.map(millis))
                    .execute(&mut **tx)
                    .await?;
                    written += usize::try_from(result.rows_affected()).unwrap_or(0);
                }
                sqlx::query(
                    "insert into settings (key, value) values ($1, $2) on conflict (key) do \
                     update set value = excluded.value",
                )
                .bind(DUE_MOMENTS_REVISION_SETTING)
                .bind(revision.to_string())
                .execute(&mut **tx)
                .await?;
                Ok(written)
            })
            .await?;
        Ok(written)
    }

    /// [`Store::move_due_moments`] when a holiday edit has not yet been followed by it (the
    /// node that edited stopped in between); `None` when the due moments are up to date.
    pub async fn move_due_moments_if_behind(
        &self,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<Option<usize>> {
        if counter(self, DUE_MOMENTS_REVISION_SETTING).await? >= self.calendar_revision().await? {
            return Ok(None);
        }
        self.move_due_moments(source, now).await.map(Some)
    }
}
