//! The register and leadership sweeps: an app's maintenance reminder reaches its OPD's
//! operator and the Sub-coordinator once per state (due soon, then overdue), and the daily
//! digest goes to leadership (and an acting Plh) once on a working day at its hour, with the
//! figures since the previous working day's digest, skipping the weekend and a holiday.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{Duration, NaiveDate};
use pelihara_domain::register::AppFields;
use pelihara_domain::{Delegation, DelegationId, DelegationKind};
use pelihara_i18n::Lang;
use pelihara_register::health::ALLOWED_NETWORKS_SETTING;
use pelihara_scheduler::Job;
use pelihara_store::AuditSource;
use pelihara_store::notifications::NotificationKind as K;
use support::{TestClock, bench, wib};

async fn maintenance_reminders_go_once_per_state(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    // Registered 2 November 2026; the SOP's interval is 12 months: due 2 November 2027.
    let t = wib(2027, 10, 20, 9, 0, 0);
    let scheduler = b.scheduler(
        b.config("node-a"),
        b.in_app_only("node-a"),
        TestClock::new(t).clock(),
    );
    assert_eq!(scheduler.run(Job::Maintenance, t).await.unwrap(), 2);
    assert_eq!(
        scheduler
            .run(Job::Maintenance, t + Duration::hours(1))
            .await
            .unwrap(),
        0,
        "announced once"
    );
    for who in [&b.operator, &b.subkoor] {
        let told = b.notifications(who).await;
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].kind, K::AppMaintenanceDue);
        assert_eq!(told[0].app_id, Some(b.app));
        assert_eq!(told[0].link_path, format!("/aplikasi/{}", b.app));
        assert_eq!(
            told[0].detail.maintenance_due_on,
            NaiveDate::from_ymd_opt(2027, 11, 2)
        );
        assert_eq!(
            pelihara_notify::title(Lang::Id, chrono_tz::Asia::Jakarta, &told[0]),
            "Jadwal pemeliharaan: SIMPUS"
        );
    }
    assert!(b.notifications(&b.pelaksana).await.is_empty());
    // Overdue later: a new state, told again once.
    let later = wib(2027, 11, 20, 9, 0, 0);
    assert_eq!(scheduler.run(Job::Maintenance, later).await.unwrap(), 2);
    assert_eq!(scheduler.run(Job::Maintenance, later).await.unwrap(), 0);
    assert_eq!(b.notifications(&b.operator).await.len(), 2);
}

async fn the_digest_goes_once_on_working_days(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    // Thursday 3 December (before the window), Friday 4 December twice (after Friday's
    // 07.00 digest), Tuesday 8 December 06.00 (before Tuesday's digest; due 07.35).
    b.submit(wib(2026, 12, 3, 10, 0, 0)).await;
    b.submit(wib(2026, 12, 4, 10, 0, 0)).await;
    b.submit(wib(2026, 12, 4, 10, 30, 0)).await;
    b.submit(wib(2026, 12, 8, 6, 0, 0)).await;
    // Dewi stands in for the Secretary (Plh) on Tuesday.
    b.store
        .add_delegation(
            &Delegation {
                id: DelegationId::random(),
                position: "sekretaris".into(),
                kind: DelegationKind::Plh,
                delegate: b.subkoor.user.id,
                official_name: "Sri Sekretaris".into(),
                from: wib(2026, 12, 8, 0, 0, 0),
                until: wib(2026, 12, 9, 0, 0, 0),
                revoked: false,
            },
            &b.source(&b.kadis),
            wib(2026, 12, 1, 8, 0, 0),
        )
        .await
        .unwrap();
    let scheduler = b.scheduler(
        b.config("node-a"),
        b.in_app_only("node-a"),
        TestClock::new(wib(2026, 12, 5, 8, 0, 0)).clock(),
    );
    for quiet in [
        wib(2026, 12, 5, 8, 0, 0),
        wib(2026, 12, 6, 8, 0, 0),
        wib(2026, 12, 7, 8, 0, 0),
        wib(2026, 12, 8, 6, 59, 59),
    ] {
        assert_eq!(
            scheduler.run(Job::Digest, quiet).await.unwrap(),
            0,
            "{quiet}"
        );
    }
    let at = wib(2026, 12, 8, 7, 0, 0);
    assert_eq!(scheduler.run(Job::Digest, at).await.unwrap(), 4);
    assert_eq!(
        scheduler
            .run(Job::Digest, at + Duration::hours(3))
            .await
            .unwrap(),
        0
    );
    for who in [&b.kadis, &b.sekretaris, &b.kabid, &b.subkoor] {
        assert_eq!(b.kinds(who).await, [K::Digest], "{}", who.user.full_name);
    }
    assert!(b.notifications(&b.pelaksana).await.is_empty());
    let digest = &b.notifications(&b.kadis).await[0];
    let figures = digest.detail.digest.clone().unwrap();
    // "Buka" opens the dashboard the figures come from, not the home page.
    assert_eq!(digest.link_path, "/dasbor");
    assert_eq!(figures.date, NaiveDate::from_ymd_opt(2026, 12, 8));
    assert_eq!((figures.new_cases, figures.done_cases), (3, 0));
    assert_eq!(figures.overdue_tasks, 3);
    assert_eq!(figures.by_step.len(), 1);
    assert_eq!(
        (
            figures.by_step[0].step_no,
            figures.by_step[0].open,
            figures.by_step[0].overdue
        ),
        (2, 4, 3)
    );
    let body = pelihara_notify::body(Lang::Id, chrono_tz::Asia::Jakarta, digest);
    assert!(
        body.starts_with(
            "Permohonan baru: 3. Selesai: 0. Tugas terlambat: 3.\n\nLangkah 2 (Pelaksana memproses"
        ),
        "{body}"
    );
    assert!(body.ends_with("): 4 terbuka, 3 terlambat"), "{body}");
    // Wednesday: the next digest counts from Tuesday 07.00.
    let wednesday = wib(2026, 12, 9, 7, 0, 0);
    assert_eq!(
        scheduler.run(Job::Digest, wednesday).await.unwrap(),
        3,
        "Plh ended"
    );
    let second = &b.notifications(&b.kadis).await[1];
    assert_eq!(second.detail.digest.clone().unwrap().new_cases, 0);
}

/// A web server on loopback whose answer the test switches between 200 and 500.
async fn switchable_site() -> (u16, Arc<AtomicBool>) {
    let healthy = Arc::new(AtomicBool::new(false));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let flag = healthy.clone();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let flag = flag.clone();
            async move {
                if flag.load(Ordering::SeqCst) {
                    (axum::http::StatusCode::OK, "ok")
                } else {
                    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "rusak")
                }
            }
        }),
    );
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (port, healthy)
}

async fn a_failing_health_check_is_announced_once_per_failure(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    let t = wib(2026, 12, 8, 9, 0, 0);
    let admin = AuditSource::cli("test");
    // The bench's app points at the internet: retire it, so nothing leaves this machine.
    let simpus = AppFields {
        name: "SIMPUS".into(),
        url: "https://simpus.demakkab.go.id".into(),
        status: "retired".into(),
        ..AppFields::default()
    };
    assert!(
        b.store
            .update_app(b.app, b.opd, &simpus, &admin, t)
            .await
            .unwrap()
    );
    let (port, healthy) = switchable_site().await;
    b.store
        .set_setting(ALLOWED_NETWORKS_SETTING, "127.0.0.1", &admin, t)
        .await
        .unwrap();
    let site = b
        .store
        .create_register_app(
            b.opd,
            &AppFields {
                name: "SIKD".into(),
                url: format!("http://127.0.0.1:{port}/"),
                status: "active".into(),
                ..AppFields::default()
            },
            &admin,
            t,
        )
        .await
        .unwrap();
    let mut config = b.config("node-a");
    config.health_checks_every = Some(Duration::hours(6));
    let scheduler = b.scheduler(config, b.in_app_only("node-a"), TestClock::new(t).clock());
    // Failing: the OPD's operator and the Sub-coordinator hear of it.
    assert_eq!(scheduler.run(Job::HealthChecks, t).await.unwrap(), 2);
    let told = b.notifications(&b.operator).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].kind, K::HealthCheckFailed);
    assert_eq!(told[0].app_id, Some(site));
    assert_eq!(told[0].detail.app_name.as_deref(), Some("SIKD"));
    // Still failing: nothing new. Then it recovers, and fails again: a new failure spell.
    let later = t + Duration::hours(6);
    assert_eq!(scheduler.run(Job::HealthChecks, later).await.unwrap(), 0);
    healthy.store(true, Ordering::SeqCst);
    assert_eq!(
        scheduler
            .run(Job::HealthChecks, later + Duration::hours(6))
            .await
            .unwrap(),
        0
    );
    healthy.store(false, Ordering::SeqCst);
    assert_eq!(
        scheduler
            .run(Job::HealthChecks, later + Duration::hours(12))
            .await
            .unwrap(),
        2
    );
    let checks = b.store.health_checks(site, 10).await.unwrap();
    assert_eq!(
        checks.iter().map(|check| check.ok).collect::<Vec<_>>(),
        [false, true, false, false],
        "every check recorded, newest first"
    );
    assert!(
        b.store.health_checks(b.app, 10).await.unwrap().is_empty(),
        "retired: not checked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_failing_health_check_is_announced_once_per_failure() {
    a_failing_health_check_is_announced_once_per_failure("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_failing_health_check_is_announced_once_per_failure() {
    a_failing_health_check_is_announced_once_per_failure("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_maintenance_reminders_go_once_per_state() {
    maintenance_reminders_go_once_per_state("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_maintenance_reminders_go_once_per_state() {
    maintenance_reminders_go_once_per_state("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_digest_goes_once_on_working_days() {
    the_digest_goes_once_on_working_days("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_digest_goes_once_on_working_days() {
    the_digest_goes_once_on_working_days("postgres").await;
}
