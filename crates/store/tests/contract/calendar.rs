//! The working calendar read where it is kept, on both backends: a holiday added through one
//! node (a second store on the same database) reaches this node's calendar at its next
//! refresh, without a restart, and moves the due moment of an open task it falls in (audited;
//! the task's reminders start again from stage 0); removing it moves the moment back. A node
//! that stopped between its edit and the move leaves the move to the next scheduler tick.

use chrono::Duration;
use pelihara_calendar::{Holiday, HolidayKind};
use pelihara_domain::*;
use pelihara_store::{AuditSource, Store};

use super::{Harness, harness, wib};

fn registration_task(state: &CaseState) -> Task {
    state
        .tasks
        .iter()
        .find(|task| task.step_no == 2 && task.state == TaskState::Open)
        .unwrap()
        .clone()
}

async fn due_at_now(
    h: &Harness,
    case: CaseId,
    task: TaskId,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let state = h.store.case_state(case).await.unwrap().unwrap();
    state
        .tasks
        .iter()
        .find(|candidate| candidate.id == task)
        .unwrap()
        .due_at
}

async fn a_holiday_edit_on_another_node_moves_calendars_and_due_moments(h: Harness) {
    let system = AuditSource::cli("test");
    // Monday 2 November 2026, 09.00 WIB: the Pelaksana's registration task is due today.
    let t = wib(2026, 11, 2, 9, 0);
    let state = h.submit(t).await;
    let task = registration_task(&state);
    let due = task.due_at.expect("the registration step is timed");
    let this_node = h.store.shared_calendar().await.unwrap();
    let day = this_node.snapshot().local_date(due);
    assert!(this_node.snapshot().is_working_day(day));
    // Nothing changed: no rebuild.
    assert!(!this_node.refresh(&h.store).await.unwrap());

    // "Another node" declares the due day a collective leave day.
    let other_node = Store::open(&h.url).await.unwrap();
    let leave = Holiday {
        date: day,
        kind: HolidayKind::CutiBersama,
        name: "Cuti bersama uji".into(),
    };
    other_node
        .add_holiday(&leave, &system, t + Duration::minutes(5))
        .await
        .unwrap();
    // This node sees it at its next refresh, without a restart.
    assert!(this_node.refresh(&h.store).await.unwrap());
    assert!(!this_node.snapshot().is_working_day(day));
    assert!(!this_node.refresh(&h.store).await.unwrap());

    // The open task's due moment moved past the leave day, as the new calendar computes it,
    // and its reminders start over from the new moment.
    let moved = due_at_now(&h, state.case.id, task.id).await.unwrap();
    assert!(moved > due, "{moved} after {due}");
    assert_ne!(this_node.snapshot().local_date(moved), day);
    assert_eq!(
        Some(moved),
        pelihara_domain::sla::due(&this_node.snapshot(), &task)
    );
    assert_eq!(
        h.store.reminder_schedule(task.id).await.unwrap(),
        Some((task.opened_at, 0))
    );
    let events = h.store.recent_events(5).await.unwrap();
    let event = events
        .iter()
        .find(|event| event.action == "calendar.due_moments_moved")
        .expect("the move is audited");
    assert_eq!(event.detail["moved"], 1);
    assert_eq!(event.detail["tasks"][0]["task_id"], task.id.to_string());
    assert!(h.store.verify_audit().await.unwrap().first_bad.is_none());

    // Removed again (on this node): the moment moves back; the other node follows.
    let other_calendar = other_node.shared_calendar().await.unwrap();
    assert!(
        h.store
            .delete_holiday(day, &system, t + Duration::minutes(10))
            .await
            .unwrap()
    );
    assert_eq!(due_at_now(&h, state.case.id, task.id).await, Some(due));
    assert!(other_calendar.refresh(&other_node).await.unwrap());
    assert!(other_calendar.snapshot().is_working_day(day));

    // The due moments follow every revision: nothing is left for a scheduler tick to move.
    assert_eq!(
        h.store
            .move_due_moments_if_behind(&system, t + Duration::minutes(11))
            .await
            .unwrap(),
        None
    );
    other_node.close().await;
}

async fn a_move_left_undone_is_made_by_the_next_tick(h: Harness) {
    let system = AuditSource::cli("test");
    let t = wib(2026, 11, 2, 9, 0);
    let state = h.submit(t).await;
    let task = registration_task(&state);
    let due = task.due_at.unwrap();
    let day = h.calendar.local_date(due);
    // The holiday row and the revision written as an edit writes them, but the node stopped
    // before it moved any due moment.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&h.url)
        .await
        .unwrap();
    sqlx::query("insert into holidays (date, kind, name) values ($1, 'cuti_bersama', 'Uji')")
        .bind(day.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(
        "insert into settings (key, value) values ($1, '1') on conflict (key) do update \
         set value = cast(cast(settings.value as bigint) + 1 as text)",
    )
    .bind(pelihara_store::calendar::CALENDAR_REVISION_SETTING)
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::Connection::close(conn).await.unwrap();
    assert_eq!(due_at_now(&h, state.case.id, task.id).await, Some(due));

    let moved = h
        .store
        .move_due_moments_if_behind(&system, t + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(moved, Some(1));
    assert!(due_at_now(&h, state.case.id, task.id).await.unwrap() > due);
    assert_eq!(
        h.store
            .move_due_moments_if_behind(&system, t + Duration::minutes(2))
            .await
            .unwrap(),
        None
    );
}

contract!(
    a_holiday_edit_on_another_node_moves_calendars_and_due_moments,
    a_move_left_undone_is_made_by_the_next_tick,
);
