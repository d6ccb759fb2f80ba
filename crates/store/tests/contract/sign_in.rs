//! The contract of sign-in bookkeeping and the admin's small edits, on both backends:
//! sessions (ids never reused, expired ones never load, disabling a user ends theirs), the
//! failed-login record, and holidays added and removed one at a time.

use chrono::{Duration, NaiveDate};
use pelihara_calendar::{Holiday, HolidayKind};
use pelihara_store::AuditSource;

use super::{Harness, harness, wib};

async fn sessions_load_until_they_expire(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let user = h.pelaksana.user.id;
    let later = now + Duration::hours(8);
    assert!(
        h.store
            .insert_session("abc", Some(user), r#"{"k":1}"#, later)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .insert_session("abc", None, r#"{"k":2}"#, later)
            .await
            .unwrap(),
        "a taken id is refused"
    );
    let loaded = h.store.load_session("abc", now).await.unwrap().unwrap();
    assert_eq!(loaded.data, r#"{"k":1}"#, "the first session was kept");
    assert_eq!(loaded.expires_at, later);
    assert!(h.store.load_session("abc", later).await.unwrap().is_none());
    assert!(h.store.load_session("nope", now).await.unwrap().is_none());

    h.store
        .save_session("abc", Some(user), r#"{"k":3}"#, later + Duration::hours(1))
        .await
        .unwrap();
    let loaded = h.store.load_session("abc", later).await.unwrap().unwrap();
    assert_eq!(loaded.data, r#"{"k":3}"#);

    h.store
        .save_session("old", None, "{}", now - Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(h.store.delete_expired_sessions(now).await.unwrap(), 1);
    assert!(h.store.load_session("abc", now).await.unwrap().is_some());

    h.store.delete_session("abc").await.unwrap();
    assert!(h.store.load_session("abc", now).await.unwrap().is_none());
}

async fn disabling_a_user_ends_their_sessions(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let later = now + Duration::hours(8);
    let user = h.pelaksana.user.id;
    let other = h.kadis.user.id;
    for (id, owner) in [("s1", user), ("s2", user), ("s3", other)] {
        h.store
            .insert_session(id, Some(owner), "{}", later)
            .await
            .unwrap();
    }
    assert_eq!(h.store.session_count(user).await.unwrap(), 2);
    let admin = AuditSource::cli("test");
    h.store
        .set_user_active(user, false, &admin, now)
        .await
        .unwrap();
    assert_eq!(h.store.session_count(user).await.unwrap(), 0);
    assert!(h.store.load_session("s1", now).await.unwrap().is_none());
    assert!(h.store.load_session("s3", now).await.unwrap().is_some());
    let stored = h.store.user(user).await.unwrap().unwrap();
    assert!(!stored.user.active);
}

async fn failed_logins_are_counted_per_username(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let source = AuditSource {
        actor_id: None,
        actor_name: "tamu".into(),
        address: "127.0.0.1".into(),
    };
    let events_before = h.store.verify_audit().await.unwrap().events;
    for minutes in [0, 5, 10] {
        h.store
            .record_failed_login(
                " Pelaksana1 ",
                "127.0.0.1",
                serde_json::json!({ "username": "pelaksana1" }),
                &source,
                now + Duration::minutes(minutes),
            )
            .await
            .unwrap();
    }
    h.store
        .record_failed_login("someone", "127.0.0.1", serde_json::json!({}), &source, now)
        .await
        .unwrap();
    // Another client's failures for the same name count for that client only.
    h.store
        .record_failed_login(
            "pelaksana1",
            "10.0.0.2",
            serde_json::json!({}),
            &source,
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        h.store
            .failed_logins_from("10.0.0.2", now)
            .await
            .unwrap()
            .len(),
        1
    );
    let since = now + Duration::minutes(1);
    let failures = h
        .store
        .failed_logins_since("pelaksana1", "127.0.0.1", since)
        .await
        .unwrap();
    assert_eq!(
        failures,
        vec![now + Duration::minutes(5), now + Duration::minutes(10)]
    );
    assert_eq!(
        h.store
            .failed_logins_since("PELAKSANA1", "127.0.0.1", now)
            .await
            .unwrap()
            .len(),
        3
    );

    h.store
        .record_sign_in(
            "pelaksana1",
            "127.0.0.1",
            &source,
            now + Duration::minutes(11),
        )
        .await
        .unwrap();
    assert!(
        h.store
            .failed_logins_since("pelaksana1", "127.0.0.1", now)
            .await
            .unwrap()
            .is_empty(),
        "a sign-in forgets the failures"
    );
    assert_eq!(
        h.store
            .failed_logins_since("someone", "127.0.0.1", now)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        h.store
            .delete_login_attempts_before(now + Duration::seconds(1))
            .await
            .unwrap(),
        2
    );

    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(
        report.events,
        events_before + 6,
        "five failures, one sign-in"
    );
    let recent = h.store.recent_events(2).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].action, "auth.sign_in");
    assert_eq!(recent[0].source, "127.0.0.1");
    assert_eq!(
        recent[0].detail,
        serde_json::json!({ "username": "pelaksana1" })
    );
    assert_eq!(recent[1].action, "auth.sign_in_failed");
    assert!(recent[0].seq > recent[1].seq, "newest first");
    assert_eq!(report.first_bad, None);
}

async fn holidays_are_added_and_removed_one_by_one(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let admin = AuditSource::cli("test");
    let date = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let holiday = Holiday {
        date,
        kind: HolidayKind::CutiBersama,
        name: "Cuti bersama akhir tahun".into(),
    };
    let before = h.store.holidays().await.unwrap();
    assert!(!before.iter().any(|known| known.date == date));
    h.store.add_holiday(&holiday, &admin, now).await.unwrap();
    let duplicate = h
        .store
        .add_holiday(&holiday, &admin, now)
        .await
        .unwrap_err();
    assert!(duplicate.is_unique_violation(), "{duplicate}");
    let after = h.store.holidays().await.unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.contains(&holiday));

    assert!(h.store.delete_holiday(date, &admin, now).await.unwrap());
    assert!(!h.store.delete_holiday(date, &admin, now).await.unwrap());
    assert_eq!(h.store.holidays().await.unwrap(), before);
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);
}

/// Compiled, never run: the futures of writes that append an audit event are `Send`, as
/// axum handlers need. (A closure bound to `Transaction<'static, _>` once made them not.)
#[allow(dead_code)]
fn writes_are_send(store: &pelihara_store::Store, source: &AuditSource) {
    fn is_send<T: Send>(_: T) {}
    let now = wib(2026, 11, 2, 8, 0);
    is_send(store.record_event(source, "x", serde_json::json!({}), now));
    is_send(store.create_opd("X", "X", source, now));
    is_send(store.record_sign_in("x", "127.0.0.1", source, now));
    is_send(store.record_failed_login("x", "127.0.0.1", serde_json::json!({}), source, now));
}

contract!(
    sessions_load_until_they_expire,
    disabling_a_user_ends_their_sessions,
    failed_logins_are_counted_per_username,
    holidays_are_added_and_removed_one_by_one,
);
