//! Two scheduler instances on one database (SQLite and PostgreSQL) run the sweeps at the same
//! moments: every notification and delivery exists once. A restarted scheduler (a new node on
//! the same database) repeats nothing, and a job lease left by a crashed node is taken over
//! once it runs out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashSet;

use chrono::Duration;
use pelihara_notify::{Sender, WebhookSettings};
use pelihara_scheduler::{Job, JobOutcome};
use pelihara_store::notifications::{Channel, DeliveryFilter};
use support::{Bench, TestClock, bench, wib};

/// A sender that has a webhook configured (so deliveries are made) that nobody is sent to:
/// these tests never run the delivery job.
fn with_webhook(node: &str) -> Sender {
    Sender::new(
        None,
        Some(WebhookSettings {
            url: "http://127.0.0.1:9/unused".into(),
            secret: "s".into(),
            timeout: std::time::Duration::from_secs(1),
        }),
        "https://pelihara.test",
        node,
    )
    .unwrap()
}

async fn everything(b: &Bench) -> (usize, usize) {
    let log = b
        .store
        .delivery_log(&DeliveryFilter {
            limit: 10_000,
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    let notifications: HashSet<_> = log.iter().map(|row| row.notification_id).collect();
    (notifications.len(), log.len())
}

async fn two_schedulers_make_everything_once(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    // Everyone wants the webhook too, so each notification has two deliveries.
    for user in [&b.pelaksana, &b.subkoor, &b.kabid, &b.sekretaris, &b.kadis] {
        b.store
            .set_channel_preferences(
                user.user.id,
                &pelihara_store::notifications::ChannelPreferences {
                    email: false,
                    webhook: true,
                    webhook_handle: String::new(),
                },
                &b.source(user),
                wib(2026, 12, 1, 8, 0, 0),
            )
            .await
            .unwrap();
    }
    let submitted = wib(2026, 12, 4, 15, 50, 0);
    for _ in 0..3 {
        b.submit(submitted).await;
    }
    let clock = TestClock::new(submitted);
    let a = b.scheduler(b.config("node-a"), with_webhook("node-a"), clock.clock());
    let c = b.scheduler(b.config("node-b"), with_webhook("node-b"), clock.clock());
    // Both nodes run the reminder sweep itself at once (no lease: the sweep alone must be
    // idempotent), then offer it under the lease, at moments through arrival, due soon,
    // overdue and all four escalations.
    let moments = [
        submitted,
        wib(2026, 12, 4, 15, 54, 0),
        wib(2026, 12, 4, 15, 56, 0),
        wib(2026, 12, 8, 8, 25, 0),
        wib(2026, 12, 8, 9, 25, 0),
        wib(2026, 12, 8, 10, 25, 0),
        wib(2026, 12, 8, 11, 25, 0),
    ];
    for at in moments {
        let (x, y) = tokio::join!(a.run(Job::Reminders, at), c.run(Job::Reminders, at));
        x.unwrap();
        y.unwrap();
        let (x, y) = tokio::join!(a.offer(Job::Reminders, at), c.offer(Job::Reminders, at));
        let outcomes = [x.unwrap(), y.unwrap()];
        assert!(
            outcomes.iter().all(|o| matches!(
                o,
                JobOutcome::Held | JobOutcome::NotDue | JobOutcome::Ran(0)
            )),
            "nothing left to do after the direct runs: {outcomes:?}"
        );
        assert!(
            outcomes
                .iter()
                .filter(|o| **o == JobOutcome::Ran(0))
                .count()
                <= 1,
            "one node runs the job at a moment: {outcomes:?}"
        );
    }
    // Per request: arrived, due soon, overdue to Budi; one escalation each to the four above.
    let expected_notifications = 3 * (3 + 4);
    let (notifications, deliveries) = everything(&b).await;
    assert_eq!(notifications, expected_notifications);
    assert_eq!(deliveries, 2 * expected_notifications, "in-app + webhook");
    let webhook = b
        .store
        .delivery_log(&DeliveryFilter {
            channel: Some(Channel::Webhook),
            limit: 1000,
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(webhook.len(), expected_notifications);

    // A restart: a new node with a fresh scheduler on the same database, at every moment.
    let restarted = b.scheduler(b.config("node-c"), with_webhook("node-c"), clock.clock());
    for at in moments {
        assert_eq!(restarted.run(Job::Reminders, at).await.unwrap(), 0, "{at}");
    }
    assert_eq!(everything(&b).await, (notifications, deliveries));
}

async fn a_crashed_nodes_lease_is_taken_after_it_runs_out(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    let t = wib(2026, 12, 4, 15, 50, 0);
    b.submit(t).await;
    let clock = TestClock::new(t);
    let config = b.config("node-b");
    let ttl = config.lease_ttl;
    // node-a took the reminder job and "crashed": it never releases it.
    assert!(
        b.store
            .try_acquire_lease(Job::Reminders.name(), "node-a", t, ttl)
            .await
            .unwrap()
            .is_some()
    );
    let survivor = b.scheduler(config, b.in_app_only("node-b"), clock.clock());
    assert_eq!(
        survivor.offer(Job::Reminders, t).await.unwrap(),
        JobOutcome::Held
    );
    assert_eq!(
        survivor
            .offer(Job::Reminders, t + ttl - Duration::seconds(1))
            .await
            .unwrap(),
        JobOutcome::Held
    );
    assert!(b.notifications(&b.pelaksana).await.is_empty());
    assert_eq!(
        survivor.offer(Job::Reminders, t + ttl).await.unwrap(),
        JobOutcome::Ran(2),
        "15.55: arrived, and due soon"
    );
    assert_eq!(b.notifications(&b.pelaksana).await.len(), 2);
    // Finished: not due again until the interval has passed.
    let every = b.config("x").reminders_every;
    assert_eq!(
        survivor
            .offer(Job::Reminders, t + ttl + every - Duration::seconds(1))
            .await
            .unwrap(),
        JobOutcome::NotDue
    );
    assert_eq!(
        survivor
            .offer(Job::Reminders, t + ttl + every)
            .await
            .unwrap(),
        JobOutcome::Ran(1),
        "15.56: overdue"
    );
    let leases = b.store.job_leases().await.unwrap();
    let reminders = leases.iter().find(|l| l.job == "reminders").unwrap();
    assert_eq!(reminders.holder, None);
    assert_eq!(reminders.last_finished_at, Some(t + ttl + every));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_two_schedulers_make_everything_once() {
    two_schedulers_make_everything_once("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_two_schedulers_make_everything_once() {
    two_schedulers_make_everything_once("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_crashed_nodes_lease_is_taken_after_it_runs_out() {
    a_crashed_nodes_lease_is_taken_after_it_runs_out("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_crashed_nodes_lease_is_taken_after_it_runs_out() {
    a_crashed_nodes_lease_is_taken_after_it_runs_out("postgres").await;
}
