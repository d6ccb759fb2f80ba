//! The reminder schedule (migration 0010) the sweep reads instead of every open task: a task
//! enters it when it opens, each sweep moves it to the exact instant of its next stage (due
//! soon, overdue, each escalation level over a weekend and a holiday), it leaves after the
//! last level or when the task is done, and a sweep leaves nothing due behind. A scheduler
//! that was down catches up with what the state calls for now, once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Duration;
use pelihara_scheduler::{Job, next_stage};
use pelihara_store::notifications::NotificationKind as K;
use support::{TestClock, bench, wib};

async fn each_sweep_moves_the_task_to_its_next_stage(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    let case = b.submit(submitted).await;
    let task = case.tasks.iter().find(|t| t.step_no == 2).unwrap().clone();
    let schedule = async || b.store.reminder_schedule(task.id).await.unwrap();
    // Entered when it opened, at stage 0 (arrived).
    assert_eq!(schedule().await, Some((submitted, 0)));

    let clock = TestClock::new(submitted);
    let scheduler = b.scheduler(b.config("node-a"), b.in_app_only("node-a"), clock.clock());
    let sweep = async |at| scheduler.run(Job::Reminders, at).await.unwrap();
    let ms = Duration::milliseconds(1);
    // Each stage's instant is the first moment the old every-task sweep would have made it.
    let stages = [
        (submitted, wib(2026, 12, 4, 15, 53, 46), 1),
        (
            wib(2026, 12, 4, 15, 53, 46),
            wib(2026, 12, 4, 15, 55, 0) + ms,
            2,
        ),
        (wib(2026, 12, 4, 15, 55, 1), wib(2026, 12, 8, 8, 25, 0), 3),
        (wib(2026, 12, 8, 8, 25, 0), wib(2026, 12, 8, 9, 25, 0), 4),
        (wib(2026, 12, 8, 9, 25, 0), wib(2026, 12, 8, 10, 25, 0), 5),
        (wib(2026, 12, 8, 10, 25, 0), wib(2026, 12, 8, 11, 25, 0), 6),
    ];
    for (at, next, stage) in stages {
        // Just before the row's instant nothing is read, nothing is made, nothing moves.
        let before = schedule().await.unwrap();
        assert_eq!(sweep(before.0 - ms).await, 0);
        assert_eq!(schedule().await, Some(before));
        assert_eq!(sweep(at).await, 1, "a stage at {at}");
        assert_eq!(schedule().await, Some((next, stage)), "after {at}");
        assert_eq!(b.store.reminder_schedule_size(at).await.unwrap(), (1, 0));
    }
    // The last level (the Head) is announced and the task leaves the schedule.
    assert_eq!(sweep(wib(2026, 12, 8, 11, 25, 0)).await, 1);
    assert_eq!(schedule().await, None);
    assert_eq!(sweep(wib(2026, 12, 15, 9, 0, 0)).await, 0);
    assert_eq!(
        b.kinds(&b.pelaksana).await,
        [K::TaskArrived, K::TaskDueSoon, K::TaskOverdue]
    );
    for who in [&b.subkoor, &b.kabid, &b.sekretaris, &b.kadis] {
        assert_eq!(b.kinds(who).await, [K::TaskEscalated]);
    }
}

async fn a_done_task_leaves_and_the_next_enters(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    let case = b.submit(submitted).await;
    let step2 = case.tasks.iter().find(|t| t.step_no == 2).unwrap().id;
    let state = b
        .register_letter(case.case.id, wib(2026, 12, 4, 15, 52, 0))
        .await;
    let step3 = state.tasks.iter().find(|t| t.step_no == 3).unwrap();
    assert_eq!(b.store.reminder_schedule(step2).await.unwrap(), None);
    assert_eq!(
        b.store.reminder_schedule(step3.id).await.unwrap(),
        Some((step3.opened_at, 0))
    );
    assert_eq!(
        b.store
            .reminder_schedule_size(wib(2026, 12, 4, 15, 52, 0))
            .await
            .unwrap(),
        (1, 1)
    );
}

async fn a_scheduler_that_was_down_catches_up_once(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    let case = b.submit(submitted).await;
    let task = case.tasks.iter().find(|t| t.step_no == 2).unwrap().id;
    let clock = TestClock::new(submitted);
    let scheduler = b.scheduler(b.config("node-a"), b.in_app_only("node-a"), clock.clock());
    // First run days later: past the arrival window and every escalation. What the state
    // says now: overdue to the Pelaksana and the four levels; not "arrived", not "due soon".
    let late = wib(2026, 12, 9, 12, 0, 0);
    assert_eq!(scheduler.run(Job::Reminders, late).await.unwrap(), 5);
    assert_eq!(b.kinds(&b.pelaksana).await, [K::TaskOverdue]);
    assert_eq!(b.store.reminder_schedule(task).await.unwrap(), None);
    assert_eq!(scheduler.run(Job::Reminders, late).await.unwrap(), 0);
}

async fn many_rows_due_at_once_are_read_page_by_page(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    // More tasks due at one instant than one page (500) holds: each is announced once and
    // moved on, none is left behind.
    let submitted = wib(2026, 12, 4, 9, 0, 0);
    for _ in 0..510 {
        b.submit(submitted).await;
    }
    let clock = TestClock::new(submitted);
    let scheduler = b.scheduler(b.config("node-a"), b.in_app_only("node-a"), clock.clock());
    assert_eq!(
        b.store.reminder_schedule_size(submitted).await.unwrap(),
        (510, 510)
    );
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 510);
    assert_eq!(
        b.store.reminder_schedule_size(submitted).await.unwrap(),
        (510, 0)
    );
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 0);
}

#[tokio::test]
async fn next_stage_follows_the_calendar() {
    let Some(b) = bench("sqlite").await else {
        return;
    };
    let case = b.submit(wib(2026, 12, 4, 15, 50, 0)).await;
    let task = case.tasks.iter().find(|t| t.step_no == 2).unwrap().clone();
    let next = |now, from| next_stage(&b.calendar, &task, now, 25, 60, 4, from);
    assert_eq!(
        next(wib(2026, 12, 4, 15, 50, 0), 0),
        Some((wib(2026, 12, 4, 15, 53, 46), 1))
    );
    // Already due soon at 15.54: the next stage is overdue, whatever stage was stored.
    assert_eq!(
        next(wib(2026, 12, 4, 15, 54, 0), 0),
        Some((wib(2026, 12, 4, 15, 55, 0) + Duration::milliseconds(1), 2))
    );
    // Over the weekend and the Monday holiday: the first level on Tuesday 08.25.
    assert_eq!(
        next(wib(2026, 12, 5, 10, 0, 0), 2),
        Some((wib(2026, 12, 8, 8, 25, 0), 3))
    );
    assert_eq!(next(wib(2026, 12, 8, 11, 25, 0), 6), None);
    // A chain of one level ends after it.
    assert_eq!(
        next_stage(&b.calendar, &task, wib(2026, 12, 8, 8, 25, 0), 25, 60, 1, 3),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_each_sweep_moves_the_task_to_its_next_stage() {
    each_sweep_moves_the_task_to_its_next_stage("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_each_sweep_moves_the_task_to_its_next_stage() {
    each_sweep_moves_the_task_to_its_next_stage("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_done_task_leaves_and_the_next_enters() {
    a_done_task_leaves_and_the_next_enters("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_done_task_leaves_and_the_next_enters() {
    a_done_task_leaves_and_the_next_enters("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_scheduler_that_was_down_catches_up_once() {
    a_scheduler_that_was_down_catches_up_once("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_scheduler_that_was_down_catches_up_once() {
    a_scheduler_that_was_down_catches_up_once("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_many_rows_due_at_once_are_read_page_by_page() {
    many_rows_due_at_once_are_read_page_by_page("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_many_rows_due_at_once_are_read_page_by_page() {
    many_rows_due_at_once_are_read_page_by_page("postgres").await;
}
