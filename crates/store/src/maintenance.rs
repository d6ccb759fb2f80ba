//! Periodic maintenance of the register, as the scheduler and the register pages use it: the
//! admin's policy (interval, reminder window, automatic drafts), which apps have entered a
//! new due state since it was last announced, and draft maintenance requests for an OPD to
//! confirm. The due rule itself is the domain's (`pelihara_domain::register`). Never sends a
//! reminder and never decides who may prepare or confirm a draft.
//!
//! **Invariant:** an app never has two open drafts, nor an open draft beside an open case:
//! the insert is guarded in SQL and a partial unique index backs it up, so any number of
//! simultaneous "prepare" clicks leave one draft.

use chrono::{DateTime, NaiveDate, Utc};
use pelihara_calendar::WorkingCalendar;
use pelihara_domain::register::{
    DueState, MAX_INTERVAL_MONTHS, MAX_REMINDER_DAYS, MaintenanceDue, MaintenancePolicy,
    interval_months, maintenance_due,
};
use pelihara_domain::{AppId, CaseId, DraftId, OpdId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditSource, Change};
use crate::codec::{instant, millis, opt_instant, uuid};
use crate::register::{RegisterFilter, RegisterRow};
use crate::{Backend, Result, Store, StoreError};

/// Settings keys of the policy (absent: [`MaintenancePolicy::with_sop_interval`]).
pub const SETTING_INTERVAL_MONTHS: &str = "register.maintenance_interval_months";
pub const SETTING_REMINDER_DAYS: &str = "register.reminder_days";
pub const SETTING_AUTO_DRAFTS: &str = "register.auto_drafts";

/// Who prepared a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftOrigin {
    /// A click on the register (admin, Pelaksana, Sub-coordinator).
    Manual,
    /// The scheduler, because the policy prepares drafts automatically.
    Scheduler,
}

impl DraftOrigin {
    pub fn code(self) -> &'static str {
        match self {
            DraftOrigin::Manual => "manual",
            DraftOrigin::Scheduler => "scheduler",
        }
    }

    fn from_code(code: &str) -> Result<DraftOrigin> {
        match code {
            "manual" => Ok(DraftOrigin::Manual),
            "scheduler" => Ok(DraftOrigin::Scheduler),
            other => Err(StoreError::Corrupt(format!("draft origin {other}"))),
        }
    }
}

/// Where a draft stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftState {
    Open,
    /// The OPD confirmed it with its letter: it became a case.
    Confirmed,
    Discarded,
}

impl DraftState {
    pub fn code(self) -> &'static str {
        match self {
            DraftState::Open => "open",
            DraftState::Confirmed => "confirmed",
            DraftState::Discarded => "discarded",
        }
    }

    fn from_code(code: &str) -> Result<DraftState> {
        match code {
            "open" => Ok(DraftState::Open),
            "confirmed" => Ok(DraftState::Confirmed),
            "discarded" => Ok(DraftState::Discarded),
            other => Err(StoreError::Corrupt(format!("draft state {other}"))),
        }
    }
}

/// A draft maintenance request for an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceDraft {
    pub id: DraftId,
    pub app_id: AppId,
    pub app_name: String,
    pub opd_id: OpdId,
    pub opd_name: String,
    pub state: DraftState,
    /// The nominal due date the draft was prepared for.
    pub due_date: NaiveDate,
    /// Due soon or overdue when it was prepared.
    pub due_state: DueState,
    pub origin: DraftOrigin,
    pub created_by: Option<UserId>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by_name: Option<String>,
    /// The case a confirmed draft became.
    pub case_id: Option<CaseId>,
}

/// What [`Store::prepare_maintenance_draft`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftOutcome {
    /// A new draft.
    Prepared(DraftId),
    /// The app already had this open draft (another click or the scheduler was first).
    AlreadyOpen(DraftId),
    /// The app has a case in progress: no draft.
    OpenCase(CaseId),
    /// The app is not due (current, retired, proposed) or does not exist: no draft.
    NotDue,
}

/// An app that has entered "due soon" or "overdue" since that state (for this due date) was
/// last announced.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub app_id: AppId,
    pub app_name: String,
    pub opd_id: OpdId,
    pub opd_code: String,
    pub opd_name: String,
    pub due: MaintenanceDue,
    /// The app's open draft, if one was prepared (the reminder can point the OPD at it).
    pub open_draft: Option<DraftId>,
}

/// How far along a state is, so a later state for the same due date is announced and an
/// earlier one (after a shortened reminder window) is not.
fn rank(state: DueState) -> u8 {
    match state {
        DueState::Current => 0,
        DueState::DueSoon => 1,
        DueState::Overdue => 2,
    }
}

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|error| StoreError::Corrupt(format!("date {text}: {error}")))
}

fn due_state_of(code: &str) -> Result<DueState> {
    DueState::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("due state {code}")))
}

const DRAFT_COLUMNS: &str = "d.id, d.app_id, a.name as app_name, d.opd_id, o.name as opd_name, \
    d.state, d.due_date, d.due_state, d.origin, d.created_by, d.created_by_name, d.created_at, \
    d.closed_at, d.closed_by_name, d.case_id";

fn draft_from_row(row: &AnyRow) -> Result<MaintenanceDraft> {
    Ok(MaintenanceDraft {
        id: DraftId(uuid(&row.try_get::<String, _>("id")?)?),
        app_id: AppId(uuid(&row.try_get::<String, _>("app_id")?)?),
        app_name: row.try_get("app_name")?,
        opd_id: OpdId(uuid(&row.try_get::<String, _>("opd_id")?)?),
        opd_name: row.try_get("opd_name")?,
        state: DraftState::from_code(&row.try_get::<String, _>("state")?)?,
        due_date: parse_date(&row.try_get::<String, _>("due_date")?)?,
        due_state: due_state_of(&row.try_get::<String, _>("due_state")?)?,
        origin: DraftOrigin::from_code(&row.try_get::<String, _>("origin")?)?,
        created_by: row
            .try_get::<Option<String>, _>("created_by")?
            .map(|id| uuid(&id).map(UserId))
            .transpose()?,
        created_by_name: row.try_get("created_by_name")?,
        created_at: instant(row.try_get("created_at")?)?,
        closed_at: opt_instant(row.try_get("closed_at")?)?,
        closed_by_name: row.try_get("closed_by_name")?,
        case_id: row
            .try_get::<Option<String>, _>("case_id")?
            .map(|id| uuid(&id).map(CaseId))
            .transpose()?,
    })
}

/// The due date and state of a register row under `policy`, `None` when it is not due.
fn due_of(
    calendar: &WorkingCalendar,
    policy: &MaintenancePolicy,
    row: &RegisterRow,
    now: DateTime<Utc>,
) -> Option<MaintenanceDue> {
    maintenance_due(
        calendar,
        row.status(),
        row.app.created_at,
        row.last_maintained_at,
        interval_months(row.app.maintenance_interval_months, policy.interval_months),
        policy.reminder_days,
        now,
    )
}

fn parse_number(text: Option<String>, max: u32) -> Option<u32> {
    text.and_then(|text| text.trim().parse::<u32>().ok())
        .filter(|value| *value <= max)
}

impl Store {
    /// The admin's maintenance policy; what is not set (or not readable) follows
    /// [`MaintenancePolicy::with_sop_interval`] of the SOP's `maintenance_interval_months`.
    pub async fn maintenance_policy(&self, sop_interval_months: u32) -> Result<MaintenancePolicy> {
        let default = MaintenancePolicy::with_sop_interval(sop_interval_months);
        let interval = parse_number(
            self.setting(SETTING_INTERVAL_MONTHS).await?,
            MAX_INTERVAL_MONTHS,
        )
        .filter(|months| *months > 0);
        let reminder = parse_number(
            self.setting(SETTING_REMINDER_DAYS).await?,
            MAX_REMINDER_DAYS,
        );
        let auto = self.setting(SETTING_AUTO_DRAFTS).await?;
        Ok(MaintenancePolicy {
            interval_months: interval.unwrap_or(default.interval_months),
            reminder_days: reminder.unwrap_or(default.reminder_days),
            auto_drafts: auto.map_or(default.auto_drafts, |value| value == "1"),
        })
    }

    /// Stores the whole policy in one transaction with one audit event. The caller has
    /// checked it (`MaintenancePolicy::problems`).
    pub async fn set_maintenance_policy(
        &self,
        policy: &MaintenancePolicy,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let change = Change {
            source,
            at: now,
            action: "register.policy",
            detail: serde_json::json!({
                "interval_months": policy.interval_months,
                "reminder_days": policy.reminder_days,
                "auto_drafts": policy.auto_drafts,
            }),
        };
        let values = [
            (SETTING_INTERVAL_MONTHS, policy.interval_months.to_string()),
            (SETTING_REMINDER_DAYS, policy.reminder_days.to_string()),
            (
                SETTING_AUTO_DRAFTS,
                if policy.auto_drafts { "1" } else { "0" }.to_owned(),
            ),
        ];
        self.write_with_event(change, async |tx| {
            for (key, value) in &values {
                sqlx::query(
                    "insert into settings (key, value) values ($1, $2) \
                     on conflict (key) do update set value = excluded.value",
                )
                .bind((*key).to_owned())
                .bind(value.clone())
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        })
        .await
    }

    /// The apps whose due state at `now` is "due soon" or "overdue" and has not been
    /// announced yet for their current due date (nor a later state of it). Apps with a case
    /// in progress are left out: their maintenance is under way. Read-only: the caller
    /// announces and then records it with [`Store::mark_due_announced`].
    pub async fn apps_due_for_reminder(
        &self,
        calendar: &WorkingCalendar,
        policy: &MaintenancePolicy,
        now: DateTime<Utc>,
    ) -> Result<Vec<DueReminder>> {
        let rows = self.register(&RegisterFilter::default()).await?;
        let announced =
            sqlx::query("select app_id, due_date, due_state from maintenance_announcements")
                .fetch_all(self.reader())
                .await?;
        let mut last: std::collections::HashMap<String, (NaiveDate, DueState)> =
            std::collections::HashMap::new();
        for row in &announced {
            last.insert(
                row.try_get("app_id")?,
                (
                    parse_date(&row.try_get::<String, _>("due_date")?)?,
                    due_state_of(&row.try_get::<String, _>("due_state")?)?,
                ),
            );
        }
        let drafts = self.open_drafts(None).await?;
        let mut out = Vec::new();
        for row in rows {
            if row.open_cases > 0 {
                continue;
            }
            let Some(due) = due_of(calendar, policy, &row, now) else {
                continue;
            };
            if due.state == DueState::Current {
                continue;
            }
            if let Some((date, state)) = last.get(&row.app.id.to_string())
                && *date == due.due
                && rank(*state) >= rank(due.state)
            {
                continue;
            }
            out.push(DueReminder {
                app_id: row.app.id,
                app_name: row.app.name.clone(),
                opd_id: row.app.opd_id,
                opd_code: row.opd_code.clone(),
                opd_name: row.opd_name.clone(),
                open_draft: drafts
                    .iter()
                    .find(|draft| draft.app_id == row.app.id)
                    .map(|draft| draft.id),
                due,
            });
        }
        Ok(out)
    }

    /// Records that `state` of the due date `due` was announced for `app`. Returns `true`
    /// when this call recorded it, `false` when it (or a later state of the same due date)
    /// already was: of two schedulers racing, exactly one gets `true`. Call it before
    /// sending for at-most-once reminders (what the issue asks: a restart never repeats one).
    pub async fn mark_due_announced(
        &self,
        app: AppId,
        due: NaiveDate,
        state: DueState,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let change = Change {
            source,
            at: now,
            action: "register.due_announced",
            detail: serde_json::json!({
                "app_id": app, "due_date": date_text(due), "due_state": state.code(),
            }),
        };
        // The update only happens when it moves the record forward: a new due date, or a
        // later state of the same one. Nothing changed: roll back (no event).
        let ranks = "case {col} when 'overdue' then 2 when 'due_soon' then 1 else 0 end";
        let statement = format!(
            "insert into maintenance_announcements (app_id, due_date, due_state, announced_at) \
             values ($1, $2, $3, $4) \
             on conflict (app_id) do update set due_date = excluded.due_date, \
               due_state = excluded.due_state, announced_at = excluded.announced_at \
             where maintenance_announcements.due_date <> excluded.due_date \
               or {} < {}",
            ranks.replace("{col}", "maintenance_announcements.due_state"),
            ranks.replace("{col}", "excluded.due_state"),
        );
        let result = self
            .write_with_event(change, async |tx| {
                let done = sqlx::query(sqlx::AssertSqlSafe(statement))
                    .bind(app.to_string())
                    .bind(date_text(due))
                    .bind(state.code().to_owned())
                    .bind(millis(now))
                    .execute(&mut **tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Duplicate("announcement"));
                }
                Ok(())
            })
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(error) if error.is_unique_violation() => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Prepares a draft maintenance request for `app` if it is due soon or overdue at `now`
    /// and has neither an open case nor an open draft. Idempotent: a second call (or twenty
    /// at once) answers [`DraftOutcome::AlreadyOpen`] with the first draft.
    pub async fn prepare_maintenance_draft(
        &self,
        app: AppId,
        calendar: &WorkingCalendar,
        policy: &MaintenancePolicy,
        now: DateTime<Utc>,
        origin: DraftOrigin,
        source: &AuditSource,
    ) -> Result<DraftOutcome> {
        if let Some(outcome) = self.draft_blocker(app).await? {
            return Ok(outcome);
        }
        let filter = RegisterFilter {
            app: Some(app),
            ..RegisterFilter::default()
        };
        let Some(row) = self.register(&filter).await?.into_iter().next() else {
            return Ok(DraftOutcome::NotDue);
        };
        let Some(due) =
            due_of(calendar, policy, &row, now).filter(|due| due.state != DueState::Current)
        else {
            return Ok(DraftOutcome::NotDue);
        };
        let id = DraftId::random();
        let change = Change {
            source,
            at: now,
            action: "register.draft_prepare",
            detail: serde_json::json!({
                "draft_id": id, "app_id": app, "opd_id": row.app.opd_id,
                "due_date": date_text(due.due), "due_state": due.state.code(),
                "origin": origin.code(),
            }),
        };
        // Guarded: nothing is inserted when the app has an open case or an open draft by the
        // time this transaction runs; the partial unique index catches the rest.
        let backend = self.backend;
        let result = self
            .write_with_event(change, async |tx| {
                if backend == Backend::Postgres {
                    // Serialises with submissions for the same app (`cases::write_submission`
                    // locks it too; SQLite has one writer): no constraint spans cases and
                    // drafts, so without it a case and a draft could both commit open.
                    sqlx::query("select id from apps where id = $1 for update")
                        .bind(app.to_string())
                        .fetch_optional(&mut **tx)
                        .await?;
                }
                let done = sqlx::query(
                    "insert into maintenance_drafts (id, app_id, opd_id, state, due_date, \
                     due_state, origin, created_by, created_by_name, created_at) \
                     select $1, a.id, a.opd_id, 'open', $2, $3, $4, $5, $6, $7 from apps a \
                     where a.id = $8 and a.status = 'active' \
                     and not exists (select 1 from cases c where c.app_id = a.id \
                       and c.status in ('open', 'returned')) \
                     and not exists (select 1 from maintenance_drafts d where d.app_id = a.id \
                       and d.state = 'open')",
                )
                .bind(id.to_string())
                .bind(date_text(due.due))
                .bind(due.state.code().to_owned())
                .bind(origin.code().to_owned())
                .bind(source.actor_id.map(|user| user.to_string()))
                .bind(source.actor_name.clone())
                .bind(millis(now))
                .bind(app.to_string())
                .execute(&mut **tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Duplicate("draft"));
                }
                Ok(())
            })
            .await;
        match result {
            Ok(()) => Ok(DraftOutcome::Prepared(id)),
            Err(error) if error.is_unique_violation() => Ok(self
                .draft_blocker(app)
                .await?
                .unwrap_or(DraftOutcome::NotDue)),
            Err(error) => Err(error),
        }
    }

    /// Why no draft may be prepared for `app` now: its open draft or its open case.
    async fn draft_blocker(&self, app: AppId) -> Result<Option<DraftOutcome>> {
        let draft =
            sqlx::query("select id from maintenance_drafts where app_id = $1 and state = 'open'")
                .bind(app.to_string())
                .fetch_optional(self.reader())
                .await?;
        if let Some(row) = draft {
            return Ok(Some(DraftOutcome::AlreadyOpen(DraftId(uuid(
                &row.try_get::<String, _>("id")?,
            )?))));
        }
        let case = sqlx::query(
            "select id from cases where app_id = $1 and status in ('open', 'returned') \
             order by submitted_at limit 1",
        )
        .bind(app.to_string())
        .fetch_optional(self.reader())
        .await?;
        case.map(|row| {
            Ok(DraftOutcome::OpenCase(CaseId(uuid(
                &row.try_get::<String, _>("id")?,
            )?)))
        })
        .transpose()
    }

    /// The open drafts of one OPD (or of all), oldest first. A draft whose app has meanwhile
    /// got a case in progress (submitted without the draft) is left out: it would duplicate
    /// that case.
    pub async fn open_drafts(&self, opd: Option<OpdId>) -> Result<Vec<MaintenanceDraft>> {
        let base = format!(
            "select {DRAFT_COLUMNS} from maintenance_drafts d join apps a on a.id = d.app_id \
             join opds o on o.id = d.opd_id where d.state = 'open' \
             and not exists (select 1 from cases c where c.app_id = d.app_id \
               and c.status in ('open', 'returned'))"
        );
        let rows = match opd {
            Some(opd) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{base} and d.opd_id = $1 order by d.created_at, d.id"
                )))
                .bind(opd.to_string())
                .fetch_all(self.reader())
                .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{base} order by d.created_at, d.id"
                )))
                .fetch_all(self.reader())
                .await?
            }
        };
        rows.iter().map(draft_from_row).collect()
    }

    /// One draft, whatever its state.
    pub async fn maintenance_draft(&self, id: DraftId) -> Result<Option<MaintenanceDraft>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {DRAFT_COLUMNS} from maintenance_drafts d join apps a on a.id = d.app_id \
             join opds o on o.id = d.opd_id where d.id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(draft_from_row).transpose()
    }

    /// Closes an open draft: confirmed into `case` or discarded (`case` `None`). `false`
    /// (and no event) when it was no longer open.
    pub async fn close_maintenance_draft(
        &self,
        id: DraftId,
        case: Option<CaseId>,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let state = if case.is_some() {
            DraftState::Confirmed
        } else {
            DraftState::Discarded
        };
        let change = Change {
            source,
            at: now,
            action: if case.is_some() {
                "register.draft_confirm"
            } else {
                "register.draft_discard"
            },
            detail: serde_json::json!({ "draft_id": id, "case_id": case }),
        };
        let result = self
            .write_with_event(change, async |tx| {
                let done = sqlx::query(
                    "update maintenance_drafts set state = $1, closed_at = $2, closed_by = $3, \
                     closed_by_name = $4, case_id = $5 where id = $6 and state = 'open'",
                )
                .bind(state.code().to_owned())
                .bind(millis(now))
                .bind(source.actor_id.map(|user| user.to_string()))
                .bind(source.actor_name.clone())
                .bind(case.map(|case| case.to_string()))
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Duplicate("closed draft"));
                }
                Ok(())
            })
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(StoreError::Duplicate(_)) => Ok(false),
            Err(error) => Err(error),
        }
    }
}
