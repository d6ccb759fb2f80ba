//! The reminder sweep over open tasks: "arrived" to the assignees of a task opened within the
//! arrival window; "due soon" when less than the configured share of its standard is left;
//! "overdue" past its due moment; then, every grace period of working time after the due
//! moment, an escalation to the next position up the SOP's `reports_to` chain (Sub-coordinator
//! -> Head of Division -> Secretary -> Head), each level once. Never sends anything itself:
//! it records notifications, which are unique per recipient and dedupe key.

use chrono::{DateTime, Utc};
use pelihara_calendar::{Standard, WorkingCalendar};
use pelihara_domain::sla::{SlaState, state};
use pelihara_sop::SopDefinition;
use pelihara_store::StoreError;
use pelihara_store::notifications::{
    NewNotification, NotificationDetail, NotificationKind, ReminderTask,
};

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
        opd_name: Some(item.opd_name.clone()),
        app_name: Some(item.app_name.clone()),
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
        app_id: Some(item.app_id),
        link_path: format!("/permohonan/{}", item.task.case_id),
        detail,
    }
}

/// One pass over every open task at `now`; returns how many notifications were new.
pub(crate) async fn sweep(context: &Context, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let config = &context.config;
    let calendar = context.calendar.as_ref();
    let people = People::load(&context.store).await?;
    let mut made = 0;
    for item in context.store.open_tasks_for_reminders().await? {
        let task = &item.task;
        let sop = context.catalog.get(&item.sop_code, item.sop_version);
        let detail = detail(&item, sop.as_deref());
        let assignees = people.assignees(task, item.opd_id, now);
        let mut pending = Vec::new();
        let id = task.id;
        if task.opened_at <= now && now - task.opened_at <= config.arrival_window {
            for user in &assignees {
                pending.push(notification(
                    &item,
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
            SlaState::DueSoon => {
                for user in &assignees {
                    pending.push(notification(
                        &item,
                        user.user.id,
                        NotificationKind::TaskDueSoon,
                        format!("task:{id}:due_soon:{due_key}"),
                        detail.clone(),
                    ));
                }
            }
            SlaState::Overdue => {
                for user in &assignees {
                    pending.push(notification(
                        &item,
                        user.user.id,
                        NotificationKind::TaskOverdue,
                        format!("task:{id}:overdue:{due_key}"),
                        detail.clone(),
                    ));
                }
                if let (Some(due), Some(sop)) = (task.due_at, sop.as_deref()) {
                    let names = if assignees.is_empty() {
                        task.claimed_by_name.clone().unwrap_or_else(|| "-".into())
                    } else {
                        assignees
                            .iter()
                            .map(|user| user.user.full_name.clone())
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    for (index, (position, _)) in
                        chain_above(sop, &task.position).iter().enumerate()
                    {
                        let level = u32::try_from(index + 1).unwrap_or(u32::MAX);
                        let Some(moment) = escalation_moment(
                            calendar,
                            due,
                            config.escalation_grace_minutes,
                            level,
                        ) else {
                            break;
                        };
                        if now < moment {
                            break;
                        }
                        let mut escalated = detail.clone();
                        escalated.escalation_level = Some(level);
                        escalated.assignee_names = Some(names.clone());
                        for user in people.position(position, now) {
                            pending.push(notification(
                                &item,
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
        for new in &pending {
            if context.notify(new, now).await? {
                made += 1;
            }
        }
    }
    Ok(made)
}
