//! SLA of a task: its standard from the step's Mutu Baku, its due moment on the working
//! calendar (paused while the case waits on the OPD), its state for badges, and the working
//! time actually spent. The only module that talks to the calendar.

use chrono::{DateTime, NaiveDate, Utc};
use pelihara_calendar::{Pause, Standard, WorkingCalendar};
use pelihara_sop::{DayCount, SopDefinition, TimeStandard, TimeUnit};
use serde::Serialize;

use crate::case::{Task, TaskStandard, TaskState};

/// Resolves a step's time standard into the unit the calendar measures, by the SOP's
/// settings for a bare "hari".
pub fn task_standard(sop: &SopDefinition, time: &TimeStandard) -> TaskStandard {
    match time.unit {
        TimeUnit::Minutes => TaskStandard::WorkingMinutes(time.value),
        TimeUnit::Hours => TaskStandard::WorkingMinutes(time.value.saturating_mul(60)),
        TimeUnit::WorkingDays => TaskStandard::WorkingDays(time.value),
        TimeUnit::CalendarDays => TaskStandard::CalendarDays(time.value),
        TimeUnit::Days => match sop.settings.days {
            DayCount::Working => TaskStandard::WorkingDays(time.value),
            DayCount::Calendar => TaskStandard::CalendarDays(time.value),
        },
    }
}

fn calendar_standard(standard: TaskStandard) -> Standard {
    match standard {
        TaskStandard::WorkingMinutes(minutes) => Standard::WorkingMinutes(minutes),
        TaskStandard::WorkingDays(days) => Standard::WorkingDays(days),
        TaskStandard::CalendarDays(days) => Standard::CalendarDays(days),
    }
}

fn pauses(task: &Task) -> Vec<Pause> {
    task.pauses
        .iter()
        .map(|span| Pause {
            from: span.from,
            until: span.until,
        })
        .collect()
}

/// The due moment of a task: none without a standard or while paused.
pub fn due(calendar: &WorkingCalendar, task: &Task) -> Option<DateTime<Utc>> {
    let standard = task.standard?;
    calendar.due(task.opened_at, calendar_standard(standard), &pauses(task))
}

/// The working time spent on a task up to `end`: seconds, and the amount in the unit of its
/// standard (minutes or days) when it has one.
pub fn measure(calendar: &WorkingCalendar, task: &Task, end: DateTime<Utc>) -> (i64, Option<f64>) {
    let pauses = pauses(task);
    let seconds = calendar.elapsed_working_seconds(task.opened_at, end, &pauses);
    let in_unit = task.standard.map(|standard| {
        let standard = calendar_standard(standard);
        calendar
            .elapsed(task.opened_at, end, standard.unit(), &pauses)
            .value()
    });
    (seconds, in_unit)
}

/// The office's calendar date at an instant.
pub fn local_date(calendar: &WorkingCalendar, instant: DateTime<Utc>) -> NaiveDate {
    calendar.local_date(instant)
}

/// The badge of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    OnTime,
    DueSoon,
    Overdue,
    /// Waiting on the OPD: the clock is stopped.
    Paused,
    /// The step has no standard (a decision by the OPD, say).
    NoStandard,
    MetStandard,
    MissedStandard,
    Cancelled,
}

impl SlaState {
    pub fn code(self) -> &'static str {
        match self {
            SlaState::OnTime => "on_time",
            SlaState::DueSoon => "due_soon",
            SlaState::Overdue => "overdue",
            SlaState::Paused => "paused",
            SlaState::NoStandard => "no_standard",
            SlaState::MetStandard => "met",
            SlaState::MissedStandard => "missed",
            SlaState::Cancelled => "cancelled",
        }
    }
}

/// The SLA state of a task at `now`; "due soon" when less than `due_soon_percent` of the
/// standard is left.
pub fn state(
    calendar: &WorkingCalendar,
    task: &Task,
    now: DateTime<Utc>,
    due_soon_percent: u32,
) -> SlaState {
    match task.state {
        TaskState::Cancelled => SlaState::Cancelled,
        TaskState::Paused => SlaState::Paused,
        TaskState::Done => match (task.standard, task.actual_in_unit) {
            (Some(standard), Some(actual)) => {
                let allowed = match standard {
                    TaskStandard::WorkingMinutes(value)
                    | TaskStandard::WorkingDays(value)
                    | TaskStandard::CalendarDays(value) => f64::from(value),
                };
                // Measured in the standard's unit; a second of rounding is not a miss.
                if actual <= allowed + 1e-6 {
                    SlaState::MetStandard
                } else {
                    SlaState::MissedStandard
                }
            }
            _ => SlaState::NoStandard,
        },
        TaskState::Open => {
            let Some(standard) = task.standard else {
                return SlaState::NoStandard;
            };
            // Past the due moment is overdue even when no office time has passed since
            // (Friday 16:00 is past on Saturday).
            if due(calendar, task).is_some_and(|due| now > due) {
                return SlaState::Overdue;
            }
            let share_left = calendar.share_left(
                task.opened_at,
                now,
                calendar_standard(standard),
                &pauses(task),
            );
            if share_left < 0.0 {
                SlaState::Overdue
            } else if share_left * 100.0 < f64::from(due_soon_percent) {
                SlaState::DueSoon
            } else {
                SlaState::OnTime
            }
        }
    }
}
