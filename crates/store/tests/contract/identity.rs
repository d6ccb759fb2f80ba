//! The office's identity read where it is kept, on both backends: an identity stored through
//! one node (a second store on the same database) reaches this node's copy at its next
//! refresh, without a restart: the office's name, the agenda number format, and the time zone
//! and working hours the calendar counts in. A change of those moves the due moments of open
//! tasks (audited) as a holiday edit does; a change of the name alone leaves the calendar be.

use chrono::{Duration, NaiveTime, Weekday};
use pelihara_domain::*;
use pelihara_store::{AuditSource, OfficeIdentity, Store};
use serde_json::json;

use super::{Harness, harness, wib};

fn open_task(state: &CaseState) -> Task {
    state
        .tasks
        .iter()
        .find(|task| task.state == TaskState::Open)
        .unwrap()
        .clone()
}

fn identity(office: &str, close: &str) -> serde_json::Value {
    let day = json!(["08:00:00", close]);
    json!({
        "government": "Pemerintah Kota Contoh",
        "office": office,
        "place": "Contoh",
        "time_zone": "Asia/Makassar",
        "week": [day, day, day, day, day, null, null],
        "agenda_format": "{seq}/ARSIP/{tahun}",
    })
}

async fn an_identity_stored_on_another_node_reaches_this_node(h: Harness) {
    let system = AuditSource::cli("test");
    // Monday 2 November 2026, 09.00 WIB.
    let t = wib(2026, 11, 2, 9, 0);
    let state = h.submit(t).await;
    let task = open_task(&state);
    let due = task.due_at.expect("the step is timed");
    let calendar = h.store.shared_calendar().await.unwrap();
    let this_node = h.store.shared_identity().await.unwrap();
    assert_eq!(calendar.snapshot().time_zone, chrono_tz::Asia::Jakarta);
    assert_eq!(
        this_node.snapshot().rules.agenda.as_str(),
        "{seq:4}/{kode}/{tahun}"
    );
    assert!(!this_node.refresh(&h.store).await.unwrap());

    // Mornings until 09.30 WITA: the task opened at 10.00 WITA is now due a day later.
    let other_node = Store::open(&h.url).await.unwrap();
    let written = other_node
        .set_office_identity(
            &identity("Dinas Kearsipan", "09:30:00"),
            &system,
            t + Duration::minutes(5),
        )
        .await
        .unwrap();
    assert!(written.calendar_changed);
    assert_eq!(written.moved, 1);

    // This node sees all of it at its next look, without a restart.
    assert!(this_node.refresh(&h.store).await.unwrap());
    let now = this_node.snapshot();
    assert_eq!(
        now.office_name().as_deref(),
        Some("Dinas Kearsipan Kota Contoh")
    );
    assert_eq!(now.rules.agenda.as_str(), "{seq}/ARSIP/{tahun}");
    assert_eq!(now.rules.time_zone, chrono_tz::Asia::Makassar);
    assert!(calendar.refresh(&h.store).await.unwrap());
    let counted_in = calendar.snapshot();
    assert_eq!(counted_in.time_zone, chrono_tz::Asia::Makassar);
    let hm = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    assert_eq!(
        counted_in.week.hours(Weekday::Fri),
        Some((hm(8, 0), hm(9, 30)))
    );
    assert_eq!(counted_in.week.hours(Weekday::Sat), None);

    // The open task's due moment follows the new calendar, audited.
    let moved = open_task(&h.store.case_state(state.case.id).await.unwrap().unwrap())
        .due_at
        .unwrap();
    assert_ne!(moved, due);
    assert_eq!(Some(moved), sla::due(&counted_in, &task));
    let events = h.store.recent_events(3).await.unwrap();
    let changed = events
        .iter()
        .find(|event| event.action == "office.identity_changed")
        .expect("the identity change is audited");
    assert_eq!(changed.detail["after"]["office"], "Dinas Kearsipan");
    assert_eq!(changed.detail["calendar_changed"], true);
    assert!(
        events
            .iter()
            .any(|event| event.action == "calendar.due_moments_moved")
    );

    // A new name with the same rules: every node shows it, the calendar stays as it is.
    let renamed = other_node
        .set_office_identity(
            &identity("Dinas Arsip Daerah", "09:30:00"),
            &system,
            t + Duration::minutes(6),
        )
        .await
        .unwrap();
    assert!(!renamed.calendar_changed);
    assert_eq!(renamed.moved, 0);
    assert!(this_node.refresh(&h.store).await.unwrap());
    assert_eq!(
        this_node.snapshot().office_name().as_deref(),
        Some("Dinas Arsip Daerah Kota Contoh")
    );
    assert!(!calendar.refresh(&h.store).await.unwrap());
}

async fn an_unreadable_rule_keeps_its_default(h: Harness) {
    let system = AuditSource::cli("test");
    let t = wib(2026, 11, 2, 9, 0);
    // Written by hand: an unknown zone, a week without open days, a format without a sequence.
    h.store
        .set_setting(
            pelihara_store::identity::OFFICE_IDENTITY_SETTING,
            r#"{"office":"Dinas X","time_zone":"Mars/Base","week":[null,null,null,null,null,null,null],"agenda_format":"{kode}"}"#,
            &system,
            t,
        )
        .await
        .unwrap();
    let stored = h.store.office_identity().await.unwrap();
    assert_eq!(stored.rules, pelihara_store::OfficeRules::default());
    assert_eq!(stored.office_name().as_deref(), Some("Dinas X"));
    assert_eq!(
        h.store.working_calendar().await.unwrap().time_zone,
        chrono_tz::Asia::Jakarta
    );
    assert_eq!(
        OfficeIdentity::from_setting(Some("not json")),
        OfficeIdentity::default()
    );
}

contract!(
    an_identity_stored_on_another_node_reaches_this_node,
    an_unreadable_rule_keeps_its_default,
);
