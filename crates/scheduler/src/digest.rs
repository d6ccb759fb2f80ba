//! The daily digest for leadership (Head, Secretary, Head of Division and their acting
//! officials): on working days from the configured local time, new and finished requests
//! since the previous working day's digest, overdue tasks now, and open/overdue tasks by
//! step. One per person per day, whichever node or run gets there first. The figures are SQL
//! aggregates; it must never load every open task.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use pelihara_calendar::WorkingCalendar;
use pelihara_store::StoreError;
use pelihara_store::notifications::{
    DigestFigures, DigestStep, NewNotification, NotificationDetail, NotificationKind,
};

use crate::Context;
use crate::people::People;

fn at_local(
    calendar: &WorkingCalendar,
    date: NaiveDate,
    (hour, minute): (u32, u32),
) -> Option<DateTime<Utc>> {
    let local = date.and_hms_opt(hour, minute, 0)?;
    calendar
        .time_zone
        .from_local_datetime(&local)
        .earliest()
        .map(|instant| instant.with_timezone(&Utc))
}

/// Sends today's digest if today is a working day and its time has come.
pub(crate) async fn sweep(context: &Context, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let calendar = &*context.calendar.snapshot();
    let config = &context.config;
    let today = calendar.local_date(now);
    if !calendar.is_working_day(today) {
        return Ok(0);
    }
    let Some(until) = at_local(calendar, today, config.digest_at) else {
        return Ok(0);
    };
    if now < until {
        return Ok(0);
    }
    // Since the previous working day's digest (Friday's, on a Monday); at most a month back.
    let mut previous = today;
    for _ in 0..31 {
        previous = previous.pred_opt().unwrap_or(previous);
        if calendar.is_working_day(previous) {
            break;
        }
    }
    let from = at_local(calendar, previous, config.digest_at).unwrap_or(until - Duration::days(1));
    let (new_cases, done_cases) = context.store.case_counts_between(from, until).await?;
    // Counted by the database, one row per step: the digest never loads the open tasks.
    // "Overdue" is past the due moment, as the SLA state says.
    // Steps of different SOPs are different steps: counted apart, by (SOP code, step number).
    let mut counted_steps: Vec<(String, String, DigestStep)> = Vec::new();
    let mut overdue_tasks: u32 = 0;
    let catalog = context.catalog.snapshot();
    for counted in context.store.open_tasks_by_step(now).await? {
        let open = u32::try_from(counted.open).unwrap_or(u32::MAX);
        let overdue = u32::try_from(counted.overdue).unwrap_or(u32::MAX);
        overdue_tasks = overdue_tasks.saturating_add(overdue);
        let step_no = counted.step_no;
        let index = match counted_steps
            .iter()
            .position(|(code, _, step)| *code == counted.sop_code && step.step_no == step_no)
        {
            Some(index) => index,
            None => {
                let sop = catalog.get(&counted.sop_code, counted.sop_version);
                let title = sop
                    .as_ref()
                    .map(|sop| sop.header.title.clone())
                    .unwrap_or_default();
                let step_name = sop
                    .and_then(|sop| sop.step(step_no).map(|step| step.activity.clone()))
                    .unwrap_or_default();
                let step = DigestStep {
                    step_no,
                    step_name,
                    open: 0,
                    overdue: 0,
                };
                counted_steps.push((counted.sop_code.clone(), title, step));
                counted_steps.len() - 1
            }
        };
        if let Some((_, _, step)) = counted_steps.get_mut(index) {
            step.open = step.open.saturating_add(open);
            step.overdue = step.overdue.saturating_add(overdue);
        }
    }
    counted_steps
        .sort_by(|(a, _, a_step), (b, _, b_step)| (a, a_step.step_no).cmp(&(b, b_step.step_no)));
    // With several SOPs open, each line says whose step it is.
    let several = counted_steps.iter().any(|(code, _, _)| {
        counted_steps
            .first()
            .is_some_and(|(first, _, _)| first != code)
    });
    let by_step = counted_steps
        .into_iter()
        .map(|(_, title, mut step)| {
            if several {
                step.step_name = format!("{title}: {}", step.step_name);
            }
            step
        })
        .collect();
    let figures = DigestFigures {
        date: Some(today),
        new_cases,
        done_cases,
        overdue_tasks,
        by_step,
    };
    let people = People::load(&context.store).await?;
    let mut recipients = Vec::new();
    let leadership = crate::positions_named(&context.catalog, |sop| &sop.settings.leadership);
    for position in &leadership {
        for user in people.position(position, now) {
            if !recipients
                .iter()
                .any(|known: &&pelihara_store::people::StoredUser| known.user.id == user.user.id)
            {
                recipients.push(user);
            }
        }
    }
    let mut made = 0;
    for user in recipients {
        let new = NewNotification {
            recipient: user.user.id,
            dedupe_key: format!("digest:{today}"),
            kind: NotificationKind::Digest,
            case_id: None,
            task_id: None,
            app_id: None,
            // The figures are the dashboard's: "Buka" opens it, not the home page.
            link_path: "/dasbor".into(),
            detail: NotificationDetail {
                digest: Some(figures.clone()),
                ..NotificationDetail::default()
            },
        };
        if context.notify(&new, now).await? {
            made += 1;
        }
    }
    Ok(made)
}
