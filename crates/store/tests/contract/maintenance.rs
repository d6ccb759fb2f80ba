//! The contract of periodic maintenance on both backends: the admin's policy round-trips;
//! reminders are due once per state change and stay announced across a restart (a new store
//! on the same database) and a race of schedulers; twenty simultaneous "prepare draft" clicks
//! leave exactly one draft; no draft beside an open case; confirming and discarding close it.

use std::sync::Arc;

use pelihara_domain::register::{DueState, MaintenancePolicy};
use pelihara_store::maintenance::{DraftOrigin, DraftOutcome, DraftState};
use pelihara_store::{AuditSource, Store};

use super::{Harness, wib};

fn policy() -> MaintenancePolicy {
    MaintenancePolicy::with_sop_interval(12)
}

async fn policy_round_trips(h: Harness) {
    let system = AuditSource::cli("test");
    assert_eq!(h.store.maintenance_policy(12).await.unwrap(), policy());
    assert_eq!(
        h.store.maintenance_policy(6).await.unwrap().interval_months,
        6
    );
    let before = h.store.verify_audit().await.unwrap().events;
    let set = MaintenancePolicy {
        interval_months: 18,
        reminder_days: 45,
        auto_drafts: true,
    };
    h.store
        .set_maintenance_policy(&set, &system, wib(2026, 11, 3, 9, 0))
        .await
        .unwrap();
    // Once set, the admin's numbers win over the SOP's.
    assert_eq!(h.store.maintenance_policy(12).await.unwrap(), set);
    assert_eq!(h.store.verify_audit().await.unwrap().events, before + 1);
}

async fn reminders_go_once_per_state_change(h: Harness) {
    let system = AuditSource::cli("scheduler");
    // The harness app was registered on Monday 2 November 2026: due Tuesday 2 November
    // 2027, due soon from 00.00 WIB on 3 October 2027, overdue from 00.00 on 3 November.
    let before_window = wib(2027, 10, 2, 23, 59);
    assert!(
        h.store
            .apps_due_for_reminder(&h.calendar, &policy(), before_window)
            .await
            .unwrap()
            .is_empty()
    );
    let in_window = wib(2027, 10, 3, 0, 0);
    let due = h
        .store
        .apps_due_for_reminder(&h.calendar, &policy(), in_window)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].app_id, h.app);
    assert_eq!(due[0].due.state, DueState::DueSoon);
    assert_eq!(due[0].opd_id, h.opd);
    assert_eq!(due[0].open_draft, None);
    let due_date = due[0].due.due;
    assert_eq!(
        due_date,
        chrono::NaiveDate::from_ymd_opt(2027, 11, 2).unwrap()
    );

    // Ten schedulers race to announce it: exactly one records it.
    let store = Arc::new(h.store.clone());
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let store = Arc::clone(&store);
        let system = system.clone();
        tasks.push(tokio::spawn(async move {
            store
                .mark_due_announced(h.app, due_date, DueState::DueSoon, &system, in_window)
                .await
                .unwrap()
        }));
    }
    let mut recorded = 0;
    for task in tasks {
        if task.await.unwrap() {
            recorded += 1;
        }
    }
    assert_eq!(recorded, 1);
    assert!(
        h.store
            .apps_due_for_reminder(&h.calendar, &policy(), wib(2027, 10, 20, 9, 0))
            .await
            .unwrap()
            .is_empty()
    );

    // A restart (a new store on the same database) does not repeat it.
    let reopened = Store::open(&h.url).await.unwrap();
    assert!(
        reopened
            .apps_due_for_reminder(&h.calendar, &policy(), wib(2027, 11, 2, 23, 59))
            .await
            .unwrap()
            .is_empty()
    );
    // Overdue is a new state: announced once more.
    let overdue_at = wib(2027, 11, 3, 0, 0);
    let due = reopened
        .apps_due_for_reminder(&h.calendar, &policy(), overdue_at)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].due.state, DueState::Overdue);
    assert!(
        reopened
            .mark_due_announced(h.app, due_date, DueState::Overdue, &system, overdue_at)
            .await
            .unwrap()
    );
    // An earlier state of the same due date is not announced after a later one.
    assert!(
        !reopened
            .mark_due_announced(h.app, due_date, DueState::DueSoon, &system, overdue_at)
            .await
            .unwrap()
    );
    assert!(
        reopened
            .apps_due_for_reminder(&h.calendar, &policy(), wib(2028, 1, 5, 9, 0))
            .await
            .unwrap()
            .is_empty()
    );
    // A longer reminder window does not bring the announced app back either.
    let wide = MaintenancePolicy {
        reminder_days: 200,
        ..policy()
    };
    assert!(
        reopened
            .apps_due_for_reminder(&h.calendar, &wide, wib(2028, 1, 5, 9, 0))
            .await
            .unwrap()
            .is_empty()
    );
    reopened.close().await;

    // An app with a case in progress gets no reminder: its maintenance is under way.
    let other = h
        .store
        .create_app(
            h.opd,
            pelihara_store::register::NewApp {
                name: "EKINERJA".into(),
                ..Default::default()
            },
            &system,
            wib(2026, 11, 2, 9, 0),
        )
        .await
        .unwrap();
    let due = h
        .store
        .apps_due_for_reminder(&h.calendar, &policy(), wib(2028, 1, 5, 9, 0))
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].app_id, other);
    h.submit(wib(2028, 1, 5, 9, 0)).await; // a case for the harness app, not `other`
    assert_eq!(
        h.store
            .apps_due_for_reminder(&h.calendar, &policy(), wib(2028, 1, 5, 9, 0))
            .await
            .unwrap()
            .len(),
        1
    );
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.first_bad, None);
}

async fn twenty_clicks_prepare_one_draft(h: Harness) {
    let overdue_at = wib(2027, 12, 1, 10, 0);
    let before = h.store.verify_audit().await.unwrap().events;
    let store = Arc::new(h.store.clone());
    let calendar = Arc::new(h.calendar.clone());
    let source = h.source(&h.pelaksana);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = Arc::clone(&store);
        let calendar = Arc::clone(&calendar);
        let source = source.clone();
        let app = h.app;
        tasks.push(tokio::spawn(async move {
            store
                .prepare_maintenance_draft(
                    app,
                    &calendar,
                    &policy(),
                    overdue_at,
                    DraftOrigin::Manual,
                    &source,
                )
                .await
                .unwrap()
        }));
    }
    let mut prepared = Vec::new();
    let mut already = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            DraftOutcome::Prepared(id) => prepared.push(id),
            DraftOutcome::AlreadyOpen(id) => already.push(id),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(prepared.len(), 1, "exactly one click prepares the draft");
    assert_eq!(already.len(), 19);
    assert!(already.iter().all(|id| *id == prepared[0]));
    let drafts = h.store.open_drafts(None).await.unwrap();
    assert_eq!(drafts.len(), 1);
    let draft = &drafts[0];
    assert_eq!(draft.id, prepared[0]);
    assert_eq!(draft.app_id, h.app);
    assert_eq!(draft.opd_id, h.opd);
    assert_eq!(draft.state, DraftState::Open);
    assert_eq!(draft.due_state, DueState::Overdue);
    assert_eq!(draft.origin, DraftOrigin::Manual);
    assert_eq!(draft.created_by, Some(h.pelaksana.user.id));
    assert_eq!(h.store.open_drafts(Some(h.opd)).await.unwrap().len(), 1);
    assert!(
        h.store
            .open_drafts(Some(h.other_opd))
            .await
            .unwrap()
            .is_empty()
    );
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, before + 1, "one event: the one draft");
    assert_eq!(report.first_bad, None);

    // The scheduler's pass finds the reminder pointing at the draft.
    let due = h
        .store
        .apps_due_for_reminder(&h.calendar, &policy(), overdue_at)
        .await
        .unwrap();
    assert_eq!(due[0].open_draft, Some(draft.id));
}

async fn drafts_never_sit_beside_an_open_case(h: Harness) {
    let source = h.source(&h.pelaksana);
    let policy = policy();
    let prepare = |at| {
        h.store.prepare_maintenance_draft(
            h.app,
            &h.calendar,
            &policy,
            at,
            DraftOrigin::Manual,
            &source,
        )
    };
    // Not due yet: no draft.
    assert_eq!(
        prepare(wib(2027, 6, 1, 9, 0)).await.unwrap(),
        DraftOutcome::NotDue
    );
    // A case in progress: no draft.
    let at = wib(2027, 11, 4, 9, 0);
    let case = h.submit(at).await.case.id;
    assert_eq!(prepare(at).await.unwrap(), DraftOutcome::OpenCase(case));
    assert!(h.store.open_drafts(None).await.unwrap().is_empty());
    // Withdrawn: the app is due again and a draft may be prepared.
    h.act(
        case,
        &h.operator,
        at,
        pelihara_domain::Command::Withdraw {
            reason: "Salah kirim".into(),
        },
    )
    .await;
    let DraftOutcome::Prepared(first) = prepare(at).await.unwrap() else {
        panic!("expected a draft");
    };
    // Discarded: another may be prepared later; the discarded one stays for the record.
    assert!(
        h.store
            .close_maintenance_draft(first, None, &h.source(&h.operator), at)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .close_maintenance_draft(first, None, &h.source(&h.operator), at)
            .await
            .unwrap(),
        "a closed draft does not close twice"
    );
    let discarded = h.store.maintenance_draft(first).await.unwrap().unwrap();
    assert_eq!(discarded.state, DraftState::Discarded);
    assert_eq!(discarded.closed_by_name.as_deref(), Some("Operator Dinkes"));
    let DraftOutcome::Prepared(second) = prepare(at).await.unwrap() else {
        panic!("expected a second draft");
    };
    // Confirmed: the OPD submitted its letter; the draft names the case and is gone.
    let case = h.submit(at).await.case.id;
    assert!(
        h.store
            .close_maintenance_draft(second, Some(case), &h.source(&h.operator), at)
            .await
            .unwrap()
    );
    let confirmed = h.store.maintenance_draft(second).await.unwrap().unwrap();
    assert_eq!(confirmed.state, DraftState::Confirmed);
    assert_eq!(confirmed.case_id, Some(case));
    assert!(h.store.open_drafts(None).await.unwrap().is_empty());
    assert_eq!(prepare(at).await.unwrap(), DraftOutcome::OpenCase(case));
}

async fn a_case_submitted_without_the_draft_hides_it(h: Harness) {
    let source = h.source(&h.pelaksana);
    let at = wib(2027, 11, 4, 9, 0);
    let outcome = h
        .store
        .prepare_maintenance_draft(
            h.app,
            &h.calendar,
            &policy(),
            at,
            DraftOrigin::Scheduler,
            &source,
        )
        .await
        .unwrap();
    assert!(matches!(outcome, DraftOutcome::Prepared(_)));
    assert_eq!(h.store.open_drafts(Some(h.opd)).await.unwrap().len(), 1);
    h.submit(at).await;
    assert!(h.store.open_drafts(Some(h.opd)).await.unwrap().is_empty());
}

macro_rules! maintenance_contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::super::harness("sqlite").await.unwrap()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(harness) = super::super::harness("postgres").await {
                        super::$name(harness).await;
                    }
                }
            )*
        }
    };
}

maintenance_contract!(
    policy_round_trips,
    reminders_go_once_per_state_change,
    twenty_clicks_prepare_one_draft,
    drafts_never_sit_beside_an_open_case,
    a_case_submitted_without_the_draft_hides_it,
);
