//! The contract of notifications on both backends: one notification per (recipient, dedupe
//! key) however many writers race, deliveries made per channel and preference, the bell's
//! figures, reading only one's own, leased deliveries never handed to two senders, retries
//! with backoff, the admin's log, and job leases taken, refused, renewed and taken over.

use std::collections::HashSet;

use chrono::Duration;
use pelihara_domain::*;
use pelihara_store::AuditSource;
use pelihara_store::notifications::{
    Channel, ChannelPreferences, DeliveryFilter, DeliveryStatus, NewNotification,
    NotificationDetail, NotificationKind, RetryPolicy,
};

use super::{Harness, harness, wib};

fn overdue(h: &Harness, recipient: UserId, task: TaskId) -> NewNotification {
    NewNotification {
        recipient,
        dedupe_key: format!("task:{task}:overdue"),
        kind: NotificationKind::TaskOverdue,
        case_id: Some(CaseId::random()),
        task_id: Some(task),
        app_id: Some(h.app),
        link_path: "/permohonan/x".into(),
        detail: NotificationDetail {
            tracking_code: Some("PLH-2026-0001".into()),
            step_no: Some(2),
            due_at: Some(wib(2026, 11, 2, 9, 10)),
            ..NotificationDetail::default()
        },
    }
}

const ALL: &[Channel] = &[Channel::InApp, Channel::Email, Channel::Webhook];

async fn a_notification_is_recorded_once_per_key(h: Harness) {
    let t = wib(2026, 11, 2, 10, 0);
    let user = h.pelaksana.user.id;
    let task = TaskId::random();
    let new = overdue(&h, user, task);
    let first = h.store.record_notification(&new, ALL, t).await.unwrap();
    assert!(first.is_some());
    let again = h
        .store
        .record_notification(&new, ALL, t + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        again, None,
        "the same key for the same recipient is not repeated"
    );
    // The same change told to another person is their own notification.
    let other = overdue(&h, h.kadis.user.id, task);
    assert!(
        h.store
            .record_notification(&other, ALL, t)
            .await
            .unwrap()
            .is_some()
    );

    // Twenty writers racing on one key: one row.
    let racer = overdue(&h, user, TaskId::random());
    let mut handles = Vec::new();
    for _ in 0..20 {
        let store = h.store.clone();
        let racer = racer.clone();
        handles.push(tokio::spawn(async move {
            store.record_notification(&racer, ALL, t).await.unwrap()
        }));
    }
    let mut made = 0;
    for handle in handles {
        made += usize::from(handle.await.unwrap().is_some());
    }
    assert_eq!(made, 1);
    assert_eq!(
        h.store.notifications_for(user, 10, 0).await.unwrap().len(),
        2
    );

    let stored = h.store.notification(first.unwrap()).await.unwrap().unwrap();
    assert_eq!(stored.kind, NotificationKind::TaskOverdue);
    assert_eq!(stored.recipient, user);
    assert_eq!(stored.detail, new.detail);
    assert_eq!(stored.task_id, Some(task));
    assert_eq!(stored.app_id, Some(h.app));
    assert_eq!(stored.created_at, t);
    assert_eq!(stored.read_at, None);

    // Default preferences: in-app (delivered at once) and email; no webhook.
    let log = h
        .store
        .delivery_log(&DeliveryFilter {
            recipient: Some(user),
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    let mut channels: Vec<_> = log
        .iter()
        .map(|row| (row.channel.code(), row.status.code()))
        .collect();
    channels.sort();
    assert_eq!(
        channels,
        [
            ("email", "pending"),
            ("email", "pending"),
            ("in_app", "sent"),
            ("in_app", "sent")
        ]
    );
}

async fn the_bell_counts_and_only_the_recipient_reads(h: Harness) {
    let t = wib(2026, 11, 2, 10, 0);
    let user = h.pelaksana.user.id;
    let mut ids = Vec::new();
    for minutes in 0..5 {
        let new = overdue(&h, user, TaskId::random());
        let id = h
            .store
            .record_notification(&new, &[], t + Duration::minutes(minutes))
            .await
            .unwrap()
            .unwrap();
        ids.push(id);
    }
    assert_eq!(h.store.unread_count(user).await.unwrap(), 5);
    let page = h.store.notifications_for(user, 2, 0).await.unwrap();
    assert_eq!(
        page.iter().map(|n| n.id).collect::<Vec<_>>(),
        [ids[4], ids[3]],
        "newest first"
    );
    let page = h.store.notifications_for(user, 2, 4).await.unwrap();
    assert_eq!(page.iter().map(|n| n.id).collect::<Vec<_>>(), [ids[0]]);

    let later = t + Duration::hours(1);
    assert!(
        !h.store
            .mark_notification_read(h.kadis.user.id, ids[0], later)
            .await
            .unwrap(),
        "someone else's notification stays unread"
    );
    assert!(
        h.store
            .mark_notification_read(user, ids[0], later)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .mark_notification_read(user, ids[0], later)
            .await
            .unwrap(),
        "already read"
    );
    assert_eq!(h.store.unread_count(user).await.unwrap(), 4);
    let read = h.store.notification(ids[0]).await.unwrap().unwrap();
    assert_eq!(read.read_at, Some(later));
    assert_eq!(
        h.store
            .mark_all_notifications_read(h.kadis.user.id, later)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        h.store
            .mark_all_notifications_read(user, later)
            .await
            .unwrap(),
        4
    );
    assert_eq!(h.store.unread_count(user).await.unwrap(), 0);
}

async fn preferences_choose_the_channels(h: Harness) {
    let t = wib(2026, 11, 2, 10, 0);
    let user = h.pelaksana.user.id;
    assert_eq!(
        h.store.channel_preferences(user).await.unwrap(),
        ChannelPreferences::default()
    );
    let events = h.store.verify_audit().await.unwrap().events;
    let chosen = ChannelPreferences {
        email: false,
        webhook: true,
        webhook_handle: " 0812-3456 ".into(),
    };
    h.store
        .set_channel_preferences(user, &chosen, &AuditSource::cli("test"), t)
        .await
        .unwrap();
    let stored = h.store.channel_preferences(user).await.unwrap();
    assert!(!stored.email && stored.webhook);
    assert_eq!(stored.webhook_handle, "0812-3456");
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, events + 1);
    assert_eq!(
        h.store.recent_events(1).await.unwrap()[0].action,
        "notification.preferences"
    );

    // Webhook wanted but this server has no webhook configured: in-app only.
    let new = overdue(&h, user, TaskId::random());
    h.store
        .record_notification(&new, &[Channel::Email], t)
        .await
        .unwrap();
    let new = overdue(&h, user, TaskId::random());
    h.store.record_notification(&new, ALL, t).await.unwrap();
    let log = h
        .store
        .delivery_log(&DeliveryFilter {
            channel: Some(Channel::Webhook),
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].dedupe_key, new.dedupe_key);
    assert_eq!(log[0].recipient_name, "Budi Pelaksana");
    assert!(
        h.store
            .delivery_log(&DeliveryFilter {
                channel: Some(Channel::Email),
                ..DeliveryFilter::default()
            })
            .await
            .unwrap()
            .is_empty()
    );
}

async fn deliveries_are_leased_retried_and_logged(h: Harness) {
    let t = wib(2026, 11, 2, 10, 0);
    for _ in 0..10 {
        let new = overdue(&h, h.pelaksana.user.id, TaskId::random());
        h.store.record_notification(&new, ALL, t).await.unwrap();
    }
    // Two nodes claim at once: together they get every due email, none twice.
    let lease = Duration::minutes(5);
    let (a, b) = tokio::join!(
        h.store
            .claim_due_deliveries(Channel::Email, "node-a", t, lease, 7),
        h.store
            .claim_due_deliveries(Channel::Email, "node-b", t, lease, 7)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let ids: HashSet<_> = a.iter().chain(&b).map(|d| d.id).collect();
    assert_eq!(a.len() + b.len(), 10);
    assert_eq!(ids.len(), 10);
    let first = &a.first().or(b.first()).unwrap().clone();
    assert_eq!(first.recipient.username, "budi");
    assert_eq!(first.recipient.lang, "id");
    assert!(first.recipient.preferences.email);
    assert_eq!(first.notification.kind, NotificationKind::TaskOverdue);
    assert_eq!(first.attempts, 0);
    // While leased, nothing more to claim; after the lease runs out (node died) all again.
    assert!(
        h.store
            .claim_due_deliveries(Channel::Email, "node-c", t, lease, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let expired = t + lease;
    let again = h
        .store
        .claim_due_deliveries(Channel::Email, "node-c", expired, lease, 100)
        .await
        .unwrap();
    assert_eq!(again.len(), 10);

    let policy = RetryPolicy {
        first_delay: Duration::minutes(1),
        max_delay: Duration::minutes(3),
        max_attempts: 3,
    };
    let id = again[0].id;
    assert!(h.store.mark_delivery_sent(id, expired).await.unwrap());
    assert!(
        !h.store.mark_delivery_sent(id, expired).await.unwrap(),
        "sent once"
    );
    // A failing one: retried after 1, then 2 minutes, then failed for good.
    let failing = again[1].id;
    let status = h
        .store
        .mark_delivery_failed(failing, "421 busy", expired, &policy)
        .await
        .unwrap();
    assert_eq!(status, Some(DeliveryStatus::Pending));
    let row = |rows: Vec<pelihara_store::notifications::DeliveryLogRow>| {
        rows.into_iter().find(|row| row.id == failing).unwrap()
    };
    let all = DeliveryFilter::default();
    let logged = row(h.store.delivery_log(&all).await.unwrap());
    assert_eq!(logged.attempts, 1);
    assert_eq!(logged.next_attempt_at, expired + Duration::minutes(1));
    assert_eq!(logged.last_error.as_deref(), Some("421 busy"));
    let skip = again[2].id;
    assert!(
        h.store
            .mark_delivery_skipped(skip, "no email address")
            .await
            .unwrap()
    );
    // Release the other claims: they failed too (so they wait a minute).
    for delivery in &again[3..] {
        h.store
            .mark_delivery_failed(delivery.id, "down", expired, &policy)
            .await
            .unwrap();
    }
    let due = |at| {
        let store = h.store.clone();
        async move {
            store
                .claim_due_deliveries(Channel::Email, "node-a", at, lease, 100)
                .await
                .unwrap()
        }
    };
    assert!(due(expired + Duration::seconds(59)).await.is_empty());
    let retry = due(expired + Duration::minutes(1)).await;
    assert_eq!(retry.len(), 8);
    let retried = retry.iter().find(|d| d.id == failing).unwrap();
    assert_eq!(retried.attempts, 1);
    let t2 = expired + Duration::minutes(1);
    h.store
        .mark_delivery_failed(failing, "421 busy", t2, &policy)
        .await
        .unwrap();
    let logged = row(h.store.delivery_log(&all).await.unwrap());
    assert_eq!(logged.next_attempt_at, t2 + Duration::minutes(2));
    let t3 = t2 + Duration::minutes(2);
    let third = due(t3).await;
    assert!(third.iter().any(|d| d.id == failing));
    let status = h
        .store
        .mark_delivery_failed(failing, "421 busy", t3, &policy)
        .await
        .unwrap();
    assert_eq!(status, Some(DeliveryStatus::Failed));

    let by_status = |status| DeliveryFilter {
        status: Some(status),
        channel: Some(Channel::Email),
        ..DeliveryFilter::default()
    };
    let failed = h
        .store
        .delivery_log(&by_status(DeliveryStatus::Failed))
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, 3);
    let sent = h
        .store
        .delivery_log(&by_status(DeliveryStatus::Sent))
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].delivered_at, Some(expired));
    let skipped = h
        .store
        .delivery_log(&by_status(DeliveryStatus::Skipped))
        .await
        .unwrap();
    assert_eq!(skipped[0].last_error.as_deref(), Some("no email address"));
    let paged = h
        .store
        .delivery_log(&DeliveryFilter {
            limit: 3,
            offset: 18,
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(paged.len(), 2, "20 deliveries: 10 in-app, 10 email");
}

async fn job_leases_are_held_by_one_node(h: Harness) {
    let t = wib(2026, 11, 2, 10, 0);
    let ttl = Duration::minutes(2);
    let store = &h.store;
    let lease = store
        .try_acquire_lease("sla", "node-a", t, ttl)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lease.holder.as_deref(), Some("node-a"));
    assert_eq!(lease.lease_until, t + ttl);
    assert_eq!(lease.last_finished_at, None);
    assert!(
        store
            .try_acquire_lease("sla", "node-b", t + Duration::minutes(1), ttl)
            .await
            .unwrap()
            .is_none()
    );
    // Another job is free.
    assert!(
        store
            .try_acquire_lease("digest", "node-b", t, ttl)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .renew_lease("sla", "node-a", t + Duration::minutes(1), ttl)
            .await
            .unwrap()
    );
    assert!(
        store
            .try_acquire_lease("sla", "node-b", t + Duration::minutes(2), ttl)
            .await
            .unwrap()
            .is_none(),
        "renewed until 10.03"
    );
    // node-a "crashes": its lease runs out and node-b takes the job over.
    let taken = store
        .try_acquire_lease("sla", "node-b", t + Duration::minutes(3), ttl)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.holder.as_deref(), Some("node-b"));
    assert!(
        !store
            .renew_lease("sla", "node-a", t + Duration::minutes(3), ttl)
            .await
            .unwrap(),
        "the old holder learns it lost the lease"
    );
    assert!(
        !store
            .release_lease("sla", "node-a", Some(t + Duration::minutes(3)))
            .await
            .unwrap()
    );
    let finished = t + Duration::minutes(4);
    assert!(
        store
            .release_lease("sla", "node-b", Some(finished))
            .await
            .unwrap()
    );
    let leases = store.job_leases().await.unwrap();
    let sla = leases.iter().find(|lease| lease.job == "sla").unwrap();
    assert_eq!(sla.holder, None);
    assert_eq!(sla.last_finished_at, Some(finished));
    // Released without finishing: the last finish is kept.
    let again = store
        .try_acquire_lease("sla", "node-a", finished, ttl)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.last_finished_at, Some(finished));
    assert!(store.release_lease("sla", "node-a", None).await.unwrap());
    let sla = store.job_leases().await.unwrap();
    assert_eq!(sla[1].job, "sla");
    assert_eq!(sla[1].last_finished_at, Some(finished));

    // Ten nodes race for a free job: exactly one wins.
    let mut handles = Vec::new();
    for node in 0..10 {
        let store = h.store.clone();
        handles.push(tokio::spawn(async move {
            store
                .try_acquire_lease("race", &format!("node-{node}"), t, ttl)
                .await
                .unwrap()
                .is_some()
        }));
    }
    let mut winners = 0;
    for handle in handles {
        winners += usize::from(handle.await.unwrap());
    }
    assert_eq!(winners, 1);
}

contract!(
    a_notification_is_recorded_once_per_key,
    the_bell_counts_and_only_the_recipient_reads,
    preferences_choose_the_channels,
    deliveries_are_leased_retried_and_logged,
    job_leases_are_held_by_one_node,
);
