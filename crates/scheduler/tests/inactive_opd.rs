//! A deactivated OPD's operators are told nothing: the maintenance reminder reaches only the
//! Sub-coordinator while the OPD is inactive (the operator again once it is active), and
//! a delivery already queued for an operator is skipped, not sent, once their OPD is
//! deactivated (they cannot sign in to act on it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration as StdDuration;

use pelihara_i18n::Lang;
use pelihara_notify::{EmailSettings, Sender, SmtpSecurity};
use pelihara_scheduler::Job;
use pelihara_store::notifications::{Channel, DeliveryFilter, DeliveryStatus};
use support::{Bench, TestClock, bench, wib};

async fn set_opd_active(b: &Bench, active: bool) {
    let changed = b
        .store
        .set_opd_active(
            b.opd,
            active,
            &pelihara_store::AuditSource::cli("test"),
            wib(2027, 10, 1, 9, 0, 0),
        )
        .await
        .unwrap();
    assert!(changed);
}

async fn maintenance_reminders_skip_a_deactivated_opd(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    set_opd_active(&b, false).await;
    // Due 2 November 2027 (registered 2 November 2026, 12 months): inside the window.
    let t = wib(2027, 10, 20, 9, 0, 0);
    let scheduler = b.scheduler(
        b.config("node-a"),
        b.in_app_only("node-a"),
        TestClock::new(t).clock(),
    );
    assert_eq!(
        scheduler.run(Job::Maintenance, t).await.unwrap(),
        1,
        "the Sub-coordinator only"
    );
    assert!(b.notifications(&b.operator).await.is_empty());
    assert_eq!(b.notifications(&b.subkoor).await.len(), 1);
    // Active again: the next state (overdue) reaches the operator too.
    set_opd_active(&b, true).await;
    let later = wib(2027, 11, 20, 9, 0, 0);
    assert_eq!(scheduler.run(Job::Maintenance, later).await.unwrap(), 2);
    assert_eq!(b.notifications(&b.operator).await.len(), 1);
    assert_eq!(b.notifications(&b.subkoor).await.len(), 2);
}

/// A sender whose mail server refuses every connection: were anything sent to it, the
/// delivery would fail and be retried, not be skipped.
async fn refusing_email_sender(node: &str) -> Sender {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    Sender::new(
        Some(&EmailSettings {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "Pelihara Diskominfo Demak <pelihara@demakkab.go.id>".into(),
            timeout: StdDuration::from_secs(5),
        }),
        None,
        "https://pelihara.demakkab.go.id/",
        node,
    )
    .unwrap()
}

async fn queued_deliveries_to_a_deactivated_opd_are_skipped(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    let t = wib(2027, 10, 20, 9, 0, 0);
    let scheduler = b.scheduler(
        b.config("node-a"),
        refusing_email_sender("node-a").await,
        TestClock::new(t).clock(),
    );
    // Told while the OPD is active: an email delivery is queued for both.
    assert_eq!(scheduler.run(Job::Maintenance, t).await.unwrap(), 2);
    set_opd_active(&b, false).await;
    scheduler.run(Job::Delivery, t).await.unwrap();
    let log = |recipient| {
        let store = b.store.clone();
        async move {
            store
                .delivery_log(&DeliveryFilter {
                    recipient: Some(recipient),
                    ..DeliveryFilter::default()
                })
                .await
                .unwrap()
        }
    };
    // The in-app one was done when recorded (the bell is seen only by who signs in); the
    // mail is skipped for the reason, not tried.
    let operator = log(b.operator.user.id).await;
    let email = operator
        .iter()
        .find(|d| d.channel == Channel::Email)
        .unwrap();
    assert_eq!(email.status, DeliveryStatus::Skipped, "{email:?}");
    // The log is the admin's, in Indonesian.
    let reason = pelihara_i18n::t(Lang::Id, "notify-skip-inactive");
    assert_eq!(email.last_error.as_deref(), Some(reason.as_str()));
    assert_eq!(email.attempts, 0);
    // The Sub-coordinator may sign in: the mail was tried (the server refused) rather than
    // skipped.
    let subkoor = log(b.subkoor.user.id).await;
    let in_app = subkoor
        .iter()
        .find(|d| d.channel == Channel::InApp)
        .unwrap();
    assert_eq!(in_app.status, DeliveryStatus::Sent);
    let email = subkoor
        .iter()
        .find(|d| d.channel == Channel::Email)
        .unwrap();
    assert_ne!(email.status, DeliveryStatus::Skipped, "{email:?}");
    assert!(email.attempts >= 1, "{email:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_maintenance_reminders_skip_a_deactivated_opd() {
    maintenance_reminders_skip_a_deactivated_opd("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_maintenance_reminders_skip_a_deactivated_opd() {
    maintenance_reminders_skip_a_deactivated_opd("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_queued_deliveries_to_a_deactivated_opd_are_skipped() {
    queued_deliveries_to_a_deactivated_opd_are_skipped("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_queued_deliveries_to_a_deactivated_opd_are_skipped() {
    queued_deliveries_to_a_deactivated_opd_are_skipped("postgres").await;
}
