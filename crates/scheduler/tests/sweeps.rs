//! The register and leadership sweeps: an app's maintenance reminder reaches its OPD's
//! operator and the Sub-coordinator once per state (due soon, then overdue), and the daily
//! digest goes to leadership (and an acting Plh) once on a working day at its hour, with the
//! figures since the previous working day's digest, skipping the weekend and a holiday.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::{Duration, NaiveDate};
use pelihara_domain::{Delegation, DelegationId, DelegationKind};
use pelihara_i18n::Lang;
use pelihara_scheduler::Job;
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
