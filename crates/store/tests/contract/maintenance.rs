//! The contract of periodic maintenance on both backends: the admin's policy round-trips;
//! reminders are due once per state change and stay announced across a restart (a new store
//! on the same database) and a race of schedulers; twenty simultaneous "prepare draft" clicks
//! leave exactly one draft; no draft beside an open case; confirming and discarding close it.

use std::sync::Arc;

use pelihara_domain::register::AppFields;
use pelihara_domain::register::{DueState, MaintenancePolicy};
use pelihara_domain::{Refusal, SubmitInput};
use pelihara_store::maintenance::{DraftOrigin, DraftOutcome, DraftState};
use pelihara_store::{AuditSource, Store, StoreError, SubmitWith};
use sqlx::{Connection, Row};

use super::{Harness, harness, wib};

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
    let case = h
        .store
        .submit_request(
            &h.sop,
            &h.calendar,
            &h.operator,
            h.submit_input().await,
            SubmitWith {
                draft: Some(second),
                ..SubmitWith::default()
            },
            at,
            &h.source(&h.operator),
        )
        .await
        .unwrap()
        .case
        .id;
    assert!(
        !h.store
            .close_maintenance_draft(second, Some(case), &h.source(&h.operator), at)
            .await
            .unwrap(),
        "confirmed with its case already"
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
    let DraftOutcome::Prepared(draft) = outcome else {
        unreachable!()
    };
    let case = h.submit(at).await.case.id;
    assert!(h.store.open_drafts(Some(h.opd)).await.unwrap().is_empty());
    // The request fulfils the draft: it is closed into the case, not left open beside it.
    let closed = h.store.maintenance_draft(draft).await.unwrap().unwrap();
    assert_eq!(closed.state, DraftState::Confirmed);
    assert_eq!(closed.case_id, Some(case));
    assert_eq!(open_drafts_in_database(&h).await, 0);
}

/// Open drafts as the table holds them (`open_drafts` hides those beside an open case).
async fn open_drafts_in_database(h: &Harness) -> i64 {
    let mut connection = sqlx::AnyConnection::connect(&h.url).await.unwrap();
    let row = sqlx::query("select count(*) as n from maintenance_drafts where state = 'open'")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    let n: i64 = row.try_get("n").unwrap();
    connection.close().await.unwrap();
    n
}

fn proposed(name: &str) -> AppFields {
    AppFields {
        name: name.into(),
        url: format!("https://{}.demakkab.go.id", name.to_lowercase()),
        status: "proposed".into(),
        ..AppFields::default()
    }
}

async fn a_proposed_app_is_stored_with_its_request_or_not_at_all(h: Harness) {
    let at = wib(2026, 11, 4, 9, 0);
    let source = h.source(&h.operator);
    let names = |apps: Vec<pelihara_store::register::App>| {
        apps.into_iter().map(|app| app.name).collect::<Vec<_>>()
    };
    // A case the database refuses after the app's insert (its tracking code is taken):
    // neither the app nor the case nor any event is left.
    let taken = h.submit(at).await.case.tracking_code;
    let before = h.store.verify_audit().await.unwrap().events;
    let mut input = h.submit_input().await;
    input.tracking_code = taken;
    let refused = h
        .store
        .submit_request(
            &h.sop,
            &h.calendar,
            &h.operator,
            input,
            SubmitWith {
                proposed_app: Some(proposed("SIPANDU")),
                ..SubmitWith::default()
            },
            at,
            &source,
        )
        .await
        .unwrap_err();
    assert!(refused.is_unique_violation(), "{refused:?}");
    assert_eq!(
        names(h.store.list_apps(Some(h.opd)).await.unwrap()),
        vec!["SIMPUS"]
    );
    assert_eq!(h.store.list_cases(None, 50).await.unwrap().len(), 1);
    assert_eq!(h.store.verify_audit().await.unwrap().events, before);

    // A request the engine refuses writes nothing either.
    let mut input = h.submit_input().await;
    input.subject = String::new();
    let refused = h
        .store
        .submit_request(
            &h.sop,
            &h.calendar,
            &h.operator,
            input,
            SubmitWith {
                proposed_app: Some(proposed("SIPANDU")),
                ..SubmitWith::default()
            },
            at,
            &source,
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::Refused(_)), "{refused:?}");
    assert_eq!(h.store.list_apps(Some(h.opd)).await.unwrap().len(), 1);

    // Accepted: the app (proposed) and its case, two events, one write.
    let state = h
        .store
        .submit_request(
            &h.sop,
            &h.calendar,
            &h.operator,
            h.submit_input().await,
            SubmitWith {
                proposed_app: Some(proposed("SIPANDU")),
                ..SubmitWith::default()
            },
            at,
            &source,
        )
        .await
        .unwrap();
    let apps = h.store.list_apps(Some(h.opd)).await.unwrap();
    let app = apps.iter().find(|app| app.name == "SIPANDU").unwrap();
    assert_eq!(app.status, "proposed");
    assert_eq!(state.case.app_id, Some(app.id));
    assert_ne!(state.case.app_id, Some(h.app));
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, before + 2, "app.create and the submission");
    assert_eq!(report.first_bad, None);
}

async fn a_draft_closes_with_the_case_it_became_or_stays_open(h: Harness) {
    let at = wib(2027, 11, 4, 9, 0);
    let source = h.source(&h.operator);
    // A withdrawn case leaves the app due again, and its tracking code taken.
    let old = h.submit(at).await.case;
    h.act(
        old.id,
        &h.operator,
        at,
        pelihara_domain::Command::Withdraw {
            reason: "Salah kirim".into(),
        },
    )
    .await;
    let (policy, pelaksana) = (policy(), h.source(&h.pelaksana));
    let prepare = || {
        h.store.prepare_maintenance_draft(
            h.app,
            &h.calendar,
            &policy,
            at,
            DraftOrigin::Manual,
            &pelaksana,
        )
    };
    let DraftOutcome::Prepared(draft) = prepare().await.unwrap() else {
        panic!("expected a draft");
    };
    let confirm = |input: SubmitInput, draft| {
        h.store.submit_request(
            &h.sop,
            &h.calendar,
            &h.operator,
            input,
            SubmitWith {
                draft: Some(draft),
                ..SubmitWith::default()
            },
            at,
            &source,
        )
    };
    let before = h.store.verify_audit().await.unwrap().events;
    // The database refuses the case: the draft stays open, nothing is written.
    let mut input = h.submit_input().await;
    input.tracking_code = old.tracking_code.clone();
    assert!(
        confirm(input, draft)
            .await
            .unwrap_err()
            .is_unique_violation()
    );
    let still = h.store.maintenance_draft(draft).await.unwrap().unwrap();
    assert_eq!(still.state, DraftState::Open);
    assert_eq!(still.case_id, None);
    assert_eq!(h.store.verify_audit().await.unwrap().events, before);

    // A draft discarded meanwhile is not confirmed by a case, and no case is opened.
    assert!(
        h.store
            .close_maintenance_draft(draft, None, &source, at)
            .await
            .unwrap()
    );
    let refused = confirm(h.submit_input().await, draft).await.unwrap_err();
    assert!(
        matches!(refused, StoreError::Refused(Refusal::Conflict)),
        "{refused:?}"
    );
    assert_eq!(h.store.list_cases(None, 50).await.unwrap().len(), 1);

    // Confirmed: the case and the draft's closing in one write (two events).
    let DraftOutcome::Prepared(draft) = prepare().await.unwrap() else {
        panic!("expected a second draft");
    };
    let before = h.store.verify_audit().await.unwrap().events;
    let case = confirm(h.submit_input().await, draft)
        .await
        .unwrap()
        .case
        .id;
    let confirmed = h.store.maintenance_draft(draft).await.unwrap().unwrap();
    assert_eq!(confirmed.state, DraftState::Confirmed);
    assert_eq!(confirmed.case_id, Some(case));
    assert_eq!(confirmed.closed_by_name.as_deref(), Some("Operator Dinkes"));
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, before + 2);
    assert_eq!(report.first_bad, None);
}

async fn submissions_racing_draft_preparations_leave_no_draft_beside_a_case(h: Harness) {
    let at = wib(2027, 12, 1, 10, 0);
    let h = Arc::new(h);
    // Several rounds, all twenty starting together: the race is lost or won at the first
    // commit, while no case is open yet. Between rounds the cases are withdrawn, so the app
    // is due again.
    for round in 0..5 {
        let start = Arc::new(tokio::sync::Barrier::new(20));
        let mut tasks = Vec::new();
        for n in 0..20 {
            let (h, start) = (Arc::clone(&h), Arc::clone(&start));
            tasks.push(tokio::spawn(async move {
                let input = h.submit_input().await;
                start.wait().await;
                if n % 2 == 0 {
                    h.store
                        .submit_case(
                            &h.sop,
                            &h.calendar,
                            &h.operator,
                            input,
                            at,
                            &h.source(&h.operator),
                        )
                        .await
                        .map(|state| Some(state.case.id))
                        .unwrap()
                } else {
                    h.store
                        .prepare_maintenance_draft(
                            h.app,
                            &h.calendar,
                            &policy(),
                            at,
                            DraftOrigin::Manual,
                            &h.source(&h.pelaksana),
                        )
                        .await
                        .map(|_| None)
                        .unwrap()
                }
            }));
        }
        let mut cases = Vec::new();
        for task in tasks {
            cases.extend(task.await.unwrap());
        }
        assert_eq!(cases.len(), 10);
        assert_eq!(
            open_drafts_in_database(&h).await,
            0,
            "round {round}: an open draft beside the open cases"
        );
        for case in cases {
            h.act(
                case,
                &h.operator,
                at,
                pelihara_domain::Command::Withdraw {
                    reason: "Uji".into(),
                },
            )
            .await;
        }
    }
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);
}

/// On PostgreSQL both paths take the app's row lock before they check anything: while
/// another transaction holds it, neither a submission nor a draft preparation gets through.
/// (SQLite has one writer; there is nothing to lock.)
async fn submissions_and_drafts_wait_for_the_apps_row_lock(h: Harness) {
    if h.url.starts_with("sqlite") {
        return;
    }
    let at = wib(2027, 12, 1, 10, 0);
    let h = Arc::new(h);
    for submitting in [false, true] {
        let mut holder = sqlx::AnyConnection::connect(&h.url).await.unwrap();
        sqlx::raw_sql("begin").execute(&mut holder).await.unwrap();
        // `no key update`: the foreign-key checks of the inserts (key share) pass it; only
        // the explicit `for update` of both paths waits.
        sqlx::query("select id from apps where id = $1 for no key update")
            .bind(h.app.to_string())
            .fetch_one(&mut holder)
            .await
            .unwrap();
        let worker = Arc::clone(&h);
        let task = tokio::spawn(async move {
            if submitting {
                worker
                    .store
                    .submit_case(
                        &worker.sop,
                        &worker.calendar,
                        &worker.operator,
                        worker.submit_input().await,
                        at,
                        &worker.source(&worker.operator),
                    )
                    .await
                    .map(|_| ())
                    .unwrap();
            } else {
                worker
                    .store
                    .prepare_maintenance_draft(
                        worker.app,
                        &worker.calendar,
                        &policy(),
                        at,
                        DraftOrigin::Manual,
                        &worker.source(&worker.pelaksana),
                    )
                    .await
                    .map(|_| ())
                    .unwrap();
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            !task.is_finished(),
            "submitting {submitting}: went through without the app's lock"
        );
        sqlx::raw_sql("commit").execute(&mut holder).await.unwrap();
        task.await.unwrap();
    }
    // The draft came first; the case closed it.
    assert_eq!(open_drafts_in_database(&h).await, 0);
    assert_eq!(h.store.list_cases(None, 10).await.unwrap().len(), 1);
}

contract!(workers = 4;
    policy_round_trips,
    reminders_go_once_per_state_change,
    twenty_clicks_prepare_one_draft,
    drafts_never_sit_beside_an_open_case,
    a_case_submitted_without_the_draft_hides_it,
    a_proposed_app_is_stored_with_its_request_or_not_at_all,
    a_draft_closes_with_the_case_it_became_or_stays_open,
    submissions_racing_draft_preparations_leave_no_draft_beside_a_case,
    submissions_and_drafts_wait_for_the_apps_row_lock,
);
