//! The contract of the per-client limits of public pages, on both backends: events are
//! counted per kind and client within a window (the newest `limit` of them, oldest first),
//! and recording one forgets every event older than the retention; and a tracking number is
//! found as printed, whatever case or spaces it was typed with.

use chrono::Duration;

use super::{Harness, harness, wib};

async fn throttle_events_count_per_kind_and_client(h: Harness) {
    let start = wib(2026, 11, 2, 8, 0);
    let minute = |m: i64| start + Duration::minutes(m);
    let keep = start - Duration::days(1);
    for m in [0, 1, 2, 3] {
        h.store
            .record_throttle_event("tracking-miss", "203.0.113.7", minute(m), keep)
            .await
            .unwrap();
    }
    h.store
        .record_throttle_event("tracking-miss", "198.51.100.2", minute(4), keep)
        .await
        .unwrap();
    h.store
        .record_throttle_event("reset", "203.0.113.7", minute(5), keep)
        .await
        .unwrap();

    let since = |m: i64, limit: i64, kind: &str, client: &str| {
        let store = h.store.clone();
        let (kind, client) = (kind.to_owned(), client.to_owned());
        async move {
            store
                .throttle_events_since(&kind, &client, minute(m), limit)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        since(0, 10, "tracking-miss", "203.0.113.7").await,
        vec![minute(0), minute(1), minute(2), minute(3)]
    );
    // The window starts at `since`, inclusive.
    assert_eq!(
        since(2, 10, "tracking-miss", "203.0.113.7").await,
        vec![minute(2), minute(3)]
    );
    // The newest two, oldest first.
    assert_eq!(
        since(0, 2, "tracking-miss", "203.0.113.7").await,
        vec![minute(2), minute(3)]
    );
    assert_eq!(
        since(0, 10, "tracking-miss", "198.51.100.2").await,
        vec![minute(4)]
    );
    assert_eq!(since(0, 10, "reset", "203.0.113.7").await, vec![minute(5)]);
    assert!(since(0, 10, "reset", "198.51.100.2").await.is_empty());

    // Recording an event a day later forgets everything before its retention, of any kind.
    let later = start + Duration::days(1) + Duration::minutes(3);
    h.store
        .record_throttle_event("reset", "192.0.2.1", later, later - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(
        since(-60, 10, "tracking-miss", "203.0.113.7").await,
        vec![minute(3)],
        "minutes 0 to 2 are older than a day before the new event"
    );
    assert_eq!(
        since(-60, 10, "reset", "203.0.113.7").await,
        vec![minute(5)]
    );
}

async fn a_case_is_found_by_its_tracking_number_as_typed(h: Harness) {
    let now = wib(2026, 11, 2, 9, 0);
    let case = h.submit(now).await.case;
    let code = case.tracking_code.clone();
    assert_eq!(
        h.store.case_id_by_tracking_code(&code).await.unwrap(),
        Some(case.id)
    );
    assert_eq!(
        h.store
            .case_id_by_tracking_code(&format!("  {}  ", code.to_lowercase()))
            .await
            .unwrap(),
        Some(case.id)
    );
    assert_eq!(
        h.store
            .case_id_by_tracking_code("PLH-22222-22222")
            .await
            .unwrap(),
        None
    );
}

contract!(
    throttle_events_count_per_kind_and_client,
    a_case_is_found_by_its_tracking_number_as_typed,
);
