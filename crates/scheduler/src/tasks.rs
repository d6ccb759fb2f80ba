//! The reminder sweep over open tasks: "arrived" to the assignees of a task opened within the
//! arrival window; "due soon" when less than the configured share of its standard is left;
//! "overdue" past its due moment; then, every grace period of working time after the due
//! moment, an escalation to the next position up the SOP's `reports_to` chain (Sub-coordinator
//! -> Head of Division -> Secretary -> Head), each level once. Never sends anything itself:
//! it records notifications, which are unique per recipient and dedupe key.
//!
//! It reads only the tasks whose next stage has come (the schedule of migration 0010, a page
//! at a time), and after announcing a task computes the instant of its next stage on the
//! working calendar, so a sweep costs what is due now, not every open task. It must never
//! load every open task.

use chrono::{DateTime, Duration, Utc};
use pelihara_calendar::{Standard, WorkingCalendar};
use pelihara_domain::Task;
use pelihara_domain::sla::{SlaState, due, state};
use pelihara_sop::SopDefinition;
use pelihara_store::StoreError;
use pelihara_store::notifications::{
    NewNotification, NotificationDetail, NotificationKind, ReminderTask,
};
use pelihara_store::reminders::{ReminderCursor, Reschedule};

use crate::Context;
use crate::people::People;

/// The moment escalation `level` (1 = the first position up) of a task due at `due` goes
/// out: `level` times the grace in working minutes after the due moment, on the calendar
/// (so a Friday-afternoon due moment escalates on the next working day).
pub fn escalation_moment(
    calendar: &WorkingCalendar,
    due: DateTime<Utc>,
    grace_minutes: u32,
    level: u32,
) -> Option<DateTime<Utc>> {
    calendar.due(
        due,
        Standard::WorkingMinutes(grace_minutes.saturating_mul(level)),
        &[],
    )
}

/// How many escalation levels a task at `position` has: the positions above it in the SOP.
pub fn escalation_levels(sop: &SopDefinition, position: &str) -> u32 {
    u32::try_from(chain_above(sop, position).len()).unwrap_or(u32::MAX)
}

/// The positions above `position` in the SOP, nearest first.
fn chain_above(sop: &SopDefinition, position: &str) -> Vec<(String, String)> {
    let mut chain = Vec::new();
    let mut current = sop.actors.iter().find(|actor| actor.position == position);
    // The SOP's validation refuses cycles; the bound is a second guard.
    while let Some(actor) = current {
        let Some(above) = actor
            .reports_to
            .as_deref()
            .and_then(|id| sop.actors.iter().find(|candidate| candidate.id == id))
        else {
            break;
        };
        chain.push((above.position.clone(), above.name.clone()));
        if chain.len() > 10 {
            break;
        }
        current = Some(above);
    }
    chain
}

fn detail(item: &ReminderTask, sop: Option<&SopDefinition>) -> NotificationDetail {
    let step = sop.and_then(|sop| sop.steps.iter().find(|step| step.no == item.task.step_no));
    let position_name = sop
        .and_then(|sop| {
            sop.actors
                .iter()
                .find(|actor| actor.position == item.task.position)
        })
        .map(|actor| actor.name.clone());
    NotificationDetail {
        tracking_code: Some(item.tracking_code.clone()),
        subject: Some(item.subject.clone()),
        // A case no OPD asked, or without an app, names none.
        opd_name: Some(item.opd_name.clone()).filter(|name| !name.is_empty()),
        app_name: Some(item.app_name.clone()).filter(|name| !name.is_empty()),
        step_no: Some(item.task.step_no),
        step_name: step.map(|step| step.activity.clone()),
        position: Some(item.task.position.clone()),
        position_name,
        due_at: item.task.due_at,
        ..NotificationDetail::default()
    }
}

fn notification(
    item: &ReminderTask,
    recipient: pelihara_domain::UserId,
    kind: NotificationKind,
    key: String,
    detail: NotificationDetail,
) -> NewNotification {
    NewNotification {
        recipient,
        dedupe_key: key,
        kind,
        case_id: Some(item.task.case_id),
        task_id: Some(item.task.id),
        app_id: item.app_id,
        link_path: format!("/permohonan/{}", item.task.case_id),
        detail,
    }
}

/// The stages of a task's reminders, in the order they come; escalation level `k` is stage
/// `OVERDUE + k`. A schedule row's stage is the first one not yet announced.
pub const ARRIVED: u32 = 0;
pub const DUE_SOON: u32 = 1;
pub const OVERDUE: u32 = 2;

/// How many schedule rows one page of the sweep reads (and one transaction reschedules).
const PAGE: i64 = 500;

fn past_due_soon(calendar: &WorkingCalendar, task: &Task, at: DateTime<Utc>, percent: u32) -> bool {
    matches!(
        state(calendar, task, at, percent),
        SlaState::DueSoon | SlaState::Overdue
    )
}

/// The stage after everything announced at `now` and its instant: the first of the task's
/// stages from `from_stage` on whose moment is later than `now`. `None` when no stage is left
/// (no standard, or past the last escalation of a chain `levels` long). The moments are the
/// first instants at which the sweep of old (every open task at every tick) would have made
/// that stage's notification: "due soon" the first millisecond [`state`] says so, "overdue"
/// one millisecond past the due moment, escalation `k` at [`escalation_moment`].
pub fn next_stage(
    calendar: &WorkingCalendar,
    task: &Task,
    now: DateTime<Utc>,
    due_soon_percent: u32,
    grace_minutes: u32,
    levels: u32,
    from_stage: u32,
) -> Option<(DateTime<Utc>, u32)> {
    let due_moment = due(calendar, task)?;
    let overdue_at = due_moment + Duration::milliseconds(1);
    if from_stage <= DUE_SOON && !past_due_soon(calendar, task, now, due_soon_percent) {
        // The share left only shrinks with time: search the first instant it is below the
        // threshold, between now (not yet) and just past the due moment (overdue).
        // In whole milliseconds, as the schedule stores instants.
        let (mut before, mut after) = (now.timestamp_millis(), overdue_at.timestamp_millis());
        while after - before > 1 {
            let middle = before + (after - before) / 2;
            let at = DateTime::from_timestamp_millis(middle)?;
            if past_due_soon(calendar, task, at, due_soon_percent) {
                after = middle;
            } else {
                before = middle;
            }
        }
        return Some((DateTime::from_timestamp_millis(after)?, DUE_SOON));
    }
    if from_stage <= OVERDUE && now < overdue_at {
        return Some((overdue_at, OVERDUE));
    }
    // Escalations count from the due moment the task carries (as its dedupe keys do).
    let escalated_from = task.due_at?;
    for level in 1..=levels {
        let stage = OVERDUE + level;
        if stage < from_stage {
            continue;
        }
        let moment = escalation_moment(calendar, escalated_from, grace_minutes, level)?;
        if moment > now {
            return Some((moment, stage));
        }
    }
    None
}

/// The notifications one task's stages from `from_stage` on call for at `now`: what the
/// state at `now` says (arrived within the window, due soon, or overdue with the escalation
/// levels whose moment has come), less the stages announced before.
fn notifications_due(
    context: &Context,
    people: &People,
    item: &ReminderTask,
    sop: Option<&SopDefinition>,
    from_stage: u32,
    now: DateTime<Utc>,
) -> Vec<NewNotification> {
    let config = &context.config;
    let calendar = &*context.calendar.snapshot();
    let task = &item.task;
    let detail = detail(item, sop);
    let assignees = people.assignees(task, item.opd_id, now);
    let mut pending = Vec::new();
    let id = task.id;
    if from_stage == ARRIVED
        && task.opened_at <= now
        && now - task.opened_at <= config.arrival_window
    {
        for user in &assignees {
            pending.push(notification(
                item,
                user.user.id,
                NotificationKind::TaskArrived,
                format!("task:{id}:arrived"),
                detail.clone(),
            ));
        }
    }
    // The due moment is part of the key: a task that was paused and got a new due moment
    // is a new state change and is announced again.
    let due_key = task.due_at.map_or(0, |due| due.timestamp_millis());
    match state(calendar, task, now, config.due_soon_percent) {
        SlaState::DueSoon if from_stage <= DUE_SOON => {
            for user in &assignees {
                pending.push(notification(
                    item,
                    user.user.id,
                    NotificationKind::TaskDueSoon,
                    format!("task:{id}:due_soon:{due_key}"),
                    detail.clone(),
                ));
            }
        }
        SlaState::Overdue => {
            if from_stage <= OVERDUE {
                for user in &assignees {
                    pending.push(notification(
                        item,
                        user.user.id,
                        NotificationKind::TaskOverdue,
                        format!("task:{id}:overdue:{due_key}"),
                        detail.clone(),
                    ));
                }
            }
            if let (Some(due), Some(sop)) = (task.due_at, sop) {
                let names = if assignees.is_empty() {
                    task.claimed_by_name.clone().unwrap_or_else(|| "-".into())
                } else {
                    assignees
                        .iter()
                        .map(|user| user.user.full_name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                for (index, (position, _)) in chain_above(sop, &task.position).iter().enumerate() {
                    let level = u32::try_from(index + 1).unwrap_or(u32::MAX);
                    let Some(moment) =
                        escalation_moment(calendar, due, config.escalation_grace_minutes, level)
                    else {
                        break;
                    };
                    if now < moment {
                        break;
                    }
                    if OVERDUE.saturating_add(level) < from_stage {
                        continue;
                    }
                    let mut escalated = detail.clone();
                    escalated.escalation_level = Some(level);
                    escalated.assignee_names = Some(names.clone());
                    for user in people.position(position, now) {
                        pending.push(notification(
                            item,
                            user.user.id,
                            NotificationKind::TaskEscalated,
                            format!("task:{id}:escalate:{level}:{due_key}"),
                            escalated.clone(),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    pending
}

/// One pass over the tasks whose next stage has come at `now`, a page at a time: record
/// their notifications, then move each to its next stage (or out of the schedule). Returns
/// how many notifications were new. A failure leaves the page's rows where they were, so the
/// next run evaluates them again (and the dedupe keys keep it from repeating anything).
pub(crate) async fn sweep(context: &Context, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let config = &context.config;
    let calendar = &*context.calendar.snapshot();
    let people = People::load(&context.store).await?;
    let mut made = 0;
    let mut after: Option<ReminderCursor> = None;
    loop {
        let page = context.store.due_reminders(now, after, PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some((last.next_at, last.item.task.id));
        let mut changes = Vec::with_capacity(page.len());
        for due in &page {
            let item = &due.item;
            let sop = context
                .catalog
                .snapshot()
                .get(&item.sop_code, item.sop_version);
            for new in notifications_due(context, &people, item, sop.as_deref(), due.stage, now) {
                if context.notify(&new, now).await? {
                    made += 1;
                }
            }
            let levels = sop
                .as_deref()
                .map_or(0, |sop| chain_above(sop, &item.task.position).len());
            let next = next_stage(
                calendar,
                &item.task,
                now,
                config.due_soon_percent,
                config.escalation_grace_minutes,
                u32::try_from(levels).unwrap_or(u32::MAX),
                due.stage,
            );
            changes.push(Reschedule {
                task_id: item.task.id,
                seen_next_at: due.next_at,
                seen_stage: due.stage,
                seen_due_at: item.task.due_at,
                next,
            });
        }
        context.store.reschedule_reminders(&changes).await?;
        if i64::try_from(page.len()).unwrap_or(i64::MAX) < PAGE {
            break;
        }
    }
    Ok(made)
}
