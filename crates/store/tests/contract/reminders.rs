//! The contract of the reminder schedule (migration 0010) on both backends: it follows the
//! tasks by the database's triggers (an opened task enters at stage 0, a paused or done one
//! leaves, a resumed one with a new due moment re-enters at stage 0, a claim leaves it alone),
//! a reschedule applies only over the row as read, due rows come a page at a time after a
//! cursor, and the digest's counts come from one aggregate.

use chrono::Duration;
use pelihara_domain::*;
use pelihara_store::reminders::Reschedule;
use sqlx::Connection;

use super::{Harness, harness, register_letter, wib};

fn step2(state: &CaseState) -> Task {
    state
        .tasks
        .iter()
        .find(|task| task.step_no == 2)
        .unwrap()
        .clone()
}

async fn the_schedule_follows_its_tasks(h: Harness) {
    let t = wib(2026, 11, 2, 9, 0);
    let a = step2(&h.submit(t).await);
    let second = h.submit(t + Duration::seconds(1)).await;
    let b = step2(&second);
    assert_eq!(
        h.store.reminder_schedule(a.id).await.unwrap(),
        Some((a.opened_at, 0))
    );
    let now = t + Duration::minutes(1);
    assert_eq!(h.store.reminder_schedule_size(now).await.unwrap(), (2, 2));

    // Pages: the earlier row, then the later one after it, then none; nothing before its time.
    let page = h.store.due_reminders(now, None, 1).await.unwrap();
    assert_eq!(page[0].item.task.id, a.id);
    assert!(!page[0].item.tracking_code.is_empty());
    let cursor = (page[0].next_at, page[0].item.task.id);
    let rest = h.store.due_reminders(now, Some(cursor), 10).await.unwrap();
    assert_eq!(
        rest.iter().map(|due| due.item.task.id).collect::<Vec<_>>(),
        [b.id]
    );
    let cursor = (rest[0].next_at, rest[0].item.task.id);
    assert!(
        h.store
            .due_reminders(now, Some(cursor), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        h.store
            .due_reminders(t - Duration::milliseconds(1), None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // A reschedule over a stale read changes nothing; over the read it moves the row.
    let later = t + Duration::hours(1);
    let stale = Reschedule {
        task_id: a.id,
        seen_next_at: a.opened_at,
        seen_stage: 3,
        seen_due_at: a.due_at,
        next: Some((later, 4)),
    };
    assert_eq!(h.store.reschedule_reminders(&[stale]).await.unwrap(), 0);
    // Nor over the very values read when the task's due moment changed since.
    let resumed = Reschedule {
        seen_stage: 0,
        seen_due_at: a.due_at.map(|due| due - Duration::minutes(1)),
        ..stale
    };
    assert_eq!(h.store.reschedule_reminders(&[resumed]).await.unwrap(), 0);
    let fresh = Reschedule {
        seen_stage: 0,
        next: Some((later, 1)),
        ..stale
    };
    assert_eq!(h.store.reschedule_reminders(&[fresh]).await.unwrap(), 1);
    assert_eq!(
        h.store.reminder_schedule(a.id).await.unwrap(),
        Some((later, 1))
    );

    // The writes the case engine makes, by hand: a claim leaves the row; pausing removes it;
    // resuming with a new due moment puts it back at stage 0.
    let mut conn = sqlx::AnyConnection::connect(&h.url).await.unwrap();
    let id = a.id.to_string();
    sqlx::query("update tasks set claimed_by_name = 'Budi' where id = $1")
        .bind(&id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        h.store.reminder_schedule(a.id).await.unwrap(),
        Some((later, 1))
    );
    sqlx::query("update tasks set state = 'paused' where id = $1")
        .bind(&id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(h.store.reminder_schedule(a.id).await.unwrap(), None);
    sqlx::query("update tasks set state = 'open', due_at = due_at + 60000 where id = $1")
        .bind(&id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        h.store.reminder_schedule(a.id).await.unwrap(),
        Some((a.opened_at, 0))
    );
    conn.close().await.unwrap();

    // Done: step 2 leaves, step 3 (the Head's disposition) enters.
    let state = h
        .act(
            second.case.id,
            &h.pelaksana,
            t + Duration::minutes(2),
            register_letter(),
        )
        .await;
    assert_eq!(h.store.reminder_schedule(b.id).await.unwrap(), None);
    let step3 = state.tasks.iter().find(|task| task.step_no == 3).unwrap();
    assert_eq!(
        h.store.reminder_schedule(step3.id).await.unwrap(),
        Some((step3.opened_at, 0))
    );
    let counts = h.store.open_tasks_by_step(later).await.unwrap();
    assert_eq!(
        counts
            .iter()
            .map(|c| (c.step_no, c.open))
            .collect::<Vec<_>>(),
        [(2, 1), (3, 1)]
    );
    // Step 2 (5 working minutes from 09.00) is overdue at 10.00; step 3 (10 minutes from
    // 09.02) too.
    assert_eq!(counts.iter().map(|c| c.overdue).collect::<Vec<_>>(), [1, 1]);
    // Nothing is overdue at the moment the tasks opened.
    let counts = h.store.open_tasks_by_step(t).await.unwrap();
    assert_eq!(counts.iter().map(|c| c.overdue).collect::<Vec<_>>(), [0, 0]);
}

contract!(the_schedule_follows_its_tasks);
