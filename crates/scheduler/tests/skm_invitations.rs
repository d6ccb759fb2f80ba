//! The satisfaction survey's invitation notice: when the OPD accepts a case, the reminders'
//! sweep tells the OPD's operator once (in the app, linked to the invitation), and an
//! invitation that expired before any sweep saw it is marked announced without a message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Duration;
use pelihara_i18n::Lang;
use pelihara_scheduler::Job;
use pelihara_store::notifications::NotificationKind as K;
use support::{TestClock, bench, wib};

async fn an_accepted_case_invites_its_operator_once(backend: &str) {
    let Some(b) = bench(backend).await else {
        return;
    };
    let t = wib(2026, 11, 3, 9, 0, 0);
    let case = b.accepted(t).await;
    let invitation = b
        .store
        .skm_invitation_for_case(case)
        .await
        .unwrap()
        .expect("the acceptance writes the invitation");
    let scheduler = b.scheduler(
        b.config("node-a"),
        b.in_app_only("node-a"),
        TestClock::new(t).clock(),
    );
    let before = b.notifications(&b.operator).await.len();
    scheduler
        .run(Job::Reminders, t + Duration::minutes(1))
        .await
        .unwrap();
    let told: Vec<_> = b
        .notifications(&b.operator)
        .await
        .into_iter()
        .filter(|notice| notice.kind == K::SkmInvited)
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].case_id, Some(case));
    assert_eq!(
        told[0].link_path,
        format!("/survei/undangan/{}", invitation.id)
    );
    let tracking = b
        .store
        .case_state(case)
        .await
        .unwrap()
        .unwrap()
        .case
        .tracking_code;
    assert_eq!(
        pelihara_notify::title(Lang::Id, chrono_tz::Asia::Jakarta, &told[0]),
        format!("Survei kepuasan: {tracking}")
    );
    // Staff are never invited to answer for the OPD.
    for staff in [&b.pelaksana, &b.kadis, &b.subkoor] {
        assert!(
            !b.kinds(staff).await.contains(&K::SkmInvited),
            "{}",
            staff.user.username
        );
    }
    // Told once: the next sweeps add nothing.
    let after_first = b.notifications(&b.operator).await.len();
    assert_eq!(after_first, before + 1);
    for minutes in [2, 3] {
        scheduler
            .run(Job::Reminders, t + Duration::minutes(minutes))
            .await
            .unwrap();
    }
    assert_eq!(b.notifications(&b.operator).await.len(), after_first);

    // A case accepted while no sweep ran for 31 days: its invitation expired unseen, so
    // nobody is told, and it is not offered again.
    let later = wib(2026, 11, 4, 9, 0, 0);
    let unseen = b.accepted(later).await;
    let gone = later + Duration::days(31);
    scheduler.run(Job::Reminders, gone).await.unwrap();
    let notices = b.notifications(&b.operator).await;
    assert!(
        !notices
            .iter()
            .any(|notice| notice.kind == K::SkmInvited && notice.case_id == Some(unseen))
    );
    assert!(b.store.skm_unannounced(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_an_accepted_case_invites_its_operator_once() {
    an_accepted_case_invites_its_operator_once("sqlite").await;
}

#[tokio::test]
async fn postgres_an_accepted_case_invites_its_operator_once() {
    an_accepted_case_invites_its_operator_once("postgres").await;
}
