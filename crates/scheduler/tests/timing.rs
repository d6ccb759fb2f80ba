//! Clock-travel tests of reminder and escalation timing: a task due on a Friday afternoon is
//! announced, becomes due soon and overdue at the exact seconds, and escalates up the chain
//! one working hour apart, across a weekend and a holiday, each message once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use pelihara_scheduler::{Job, escalation_moment};
use pelihara_store::notifications::NotificationKind as K;
use support::{TestClock, bench, wib};

async fn reminders_and_escalation_over_a_weekend_and_a_holiday(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    // Friday 4 December 2026, 15.50 WIB: step 2 (5 working minutes) is due at 15.55.
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    let case = b.submit(submitted).await;
    let task = case.tasks.iter().find(|t| t.step_no == 2).unwrap().clone();
    assert_eq!(task.due_at, Some(wib(2026, 12, 4, 15, 55, 0)));

    let clock = TestClock::new(submitted);
    let scheduler = b.scheduler(b.config("node-a"), b.in_app_only("node-a"), clock.clock());
    let sweep = async |at| scheduler.run(Job::Reminders, at).await.unwrap();

    assert_eq!(sweep(submitted).await, 1);
    assert_eq!(b.kinds(&b.pelaksana).await, [K::TaskArrived]);
    let arrived = &b.notifications(&b.pelaksana).await[0];
    assert_eq!(arrived.link_path, format!("/permohonan/{}", case.case.id));
    assert_eq!(arrived.detail.step_no, Some(2));
    assert_eq!(arrived.created_at, submitted);

    // Due soon: less than 25 % of the 5 minutes left, i.e. after 15.53.45.
    assert_eq!(sweep(wib(2026, 12, 4, 15, 53, 45)).await, 0);
    assert_eq!(sweep(wib(2026, 12, 4, 15, 53, 46)).await, 1);
    assert_eq!(sweep(wib(2026, 12, 4, 15, 54, 30)).await, 0, "once");
    // Overdue: after 15.55.00.
    assert_eq!(sweep(wib(2026, 12, 4, 15, 55, 0)).await, 0);
    assert_eq!(sweep(wib(2026, 12, 4, 15, 55, 1)).await, 1);
    assert_eq!(
        b.kinds(&b.pelaksana).await,
        [K::TaskArrived, K::TaskDueSoon, K::TaskOverdue]
    );

    // Escalation after one working hour past 15.55: 5 minutes on Friday, then Saturday,
    // Sunday and the Monday holiday are closed; 55 minutes from Tuesday 07.30 = 08.25.
    let grace = b.config("x").escalation_grace_minutes;
    assert_eq!(grace, 60);
    let level1 = wib(2026, 12, 8, 8, 25, 0);
    assert_eq!(
        escalation_moment(&b.calendar, task.due_at.unwrap(), grace, 1),
        Some(level1)
    );
    for quiet in [
        wib(2026, 12, 4, 16, 30, 0),
        wib(2026, 12, 5, 10, 0, 0),
        wib(2026, 12, 6, 10, 0, 0),
        wib(2026, 12, 7, 10, 0, 0),
        wib(2026, 12, 8, 8, 24, 59),
    ] {
        assert_eq!(sweep(quiet).await, 0, "nothing at {quiet}");
    }
    assert!(b.notifications(&b.subkoor).await.is_empty());
    assert_eq!(sweep(level1).await, 1);
    assert_eq!(b.kinds(&b.subkoor).await, [K::TaskEscalated]);
    let escalated = &b.notifications(&b.subkoor).await[0];
    assert_eq!(escalated.detail.escalation_level, Some(1));
    assert_eq!(
        escalated.detail.assignee_names.as_deref(),
        Some("Budi Pelaksana")
    );
    assert_eq!(escalated.created_at, level1);

    // Then one working hour per level: Kabid 09.25, Sekretaris 10.25, Kepala Dinas 11.25.
    for (level, at, who) in [
        (2, wib(2026, 12, 8, 9, 25, 0), &b.kabid),
        (3, wib(2026, 12, 8, 10, 25, 0), &b.sekretaris),
        (4, wib(2026, 12, 8, 11, 25, 0), &b.kadis),
    ] {
        assert_eq!(
            sweep(at - chrono::Duration::seconds(1)).await,
            0,
            "level {level} not before {at}"
        );
        assert!(b.notifications(who).await.is_empty());
        assert_eq!(sweep(at).await, 1, "level {level} at {at}");
        let told = b.notifications(who).await;
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].kind, K::TaskEscalated);
        assert_eq!(told[0].detail.escalation_level, Some(level));
    }
    // The top of the chain: nothing further, days later.
    assert_eq!(sweep(wib(2026, 12, 15, 9, 0, 0)).await, 0);
    assert_eq!(b.kinds(&b.pelaksana).await.len(), 3);
    assert!(b.notifications(&b.operator).await.is_empty());
}

async fn a_finished_task_stops_its_reminders(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    let case = b.submit(submitted).await;
    let clock = TestClock::new(submitted);
    let scheduler = b.scheduler(b.config("node-a"), b.in_app_only("node-a"), clock.clock());
    assert_eq!(scheduler.run(Job::Reminders, submitted).await.unwrap(), 1);
    // Registered in time: step 3 (Kepala Dinas, 10 minutes) opens at 15.52: 8 minutes on
    // Friday, and (Monday being the holiday) 2 on Tuesday from 07.30.
    let state = b
        .register_letter(case.case.id, wib(2026, 12, 4, 15, 52, 0))
        .await;
    let step3 = state.tasks.iter().find(|t| t.step_no == 3).unwrap();
    assert_eq!(step3.due_at, Some(wib(2026, 12, 8, 7, 32, 0)));
    assert_eq!(
        scheduler
            .run(Job::Reminders, wib(2026, 12, 4, 15, 56, 0))
            .await
            .unwrap(),
        1
    );
    assert_eq!(b.kinds(&b.kadis).await, [K::TaskArrived]);
    assert_eq!(
        b.kinds(&b.pelaksana).await,
        [K::TaskArrived],
        "step 2 is done: no overdue"
    );
    // Due soon once less than 2.5 of the 10 minutes are left: 7.5 minutes after 15.52 is
    // 15.59.30 on Friday, so from 15.59.31 (still Friday); nothing more over the holiday.
    assert_eq!(
        scheduler
            .run(Job::Reminders, wib(2026, 12, 4, 15, 59, 30))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        scheduler
            .run(Job::Reminders, wib(2026, 12, 4, 15, 59, 31))
            .await
            .unwrap(),
        1
    );
    assert_eq!(b.kinds(&b.kadis).await, [K::TaskArrived, K::TaskDueSoon]);
    for quiet in [wib(2026, 12, 7, 16, 0, 0), wib(2026, 12, 8, 7, 32, 0)] {
        assert_eq!(
            scheduler.run(Job::Reminders, quiet).await.unwrap(),
            0,
            "{quiet}"
        );
    }
    assert_eq!(
        scheduler
            .run(Job::Reminders, wib(2026, 12, 8, 7, 32, 1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        b.kinds(&b.kadis).await,
        [K::TaskArrived, K::TaskDueSoon, K::TaskOverdue]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_reminders_and_escalation_over_a_weekend_and_a_holiday() {
    reminders_and_escalation_over_a_weekend_and_a_holiday("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_reminders_and_escalation_over_a_weekend_and_a_holiday() {
    reminders_and_escalation_over_a_weekend_and_a_holiday("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_finished_task_stops_its_reminders() {
    a_finished_task_stops_its_reminders("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_finished_task_stops_its_reminders() {
    a_finished_task_stops_its_reminders("postgres").await;
}
