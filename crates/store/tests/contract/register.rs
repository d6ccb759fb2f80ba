//! The contract of the app register on both backends: every field round-trips, the list
//! filters (OPD, status, health, search words with `%` and `_` taken literally), an app's
//! maintenance history and last hosting record come from its done cases, health checks are
//! kept newest first, an import with one failing row adds nothing, and the due filter in SQL
//! picks the apps the domain's rule puts in each state.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pelihara_domain::register::{
    AppFields, AppStatus, DueState, HealthCheck, HealthFilter, due_bounds, interval_months,
    maintenance_due,
};
use pelihara_domain::*;
use pelihara_store::AuditSource;
use pelihara_store::register::{DueFilter, RegisterFilter};

use super::{Harness, harness, wib};

fn fields(name: &str) -> AppFields {
    AppFields {
        name: name.into(),
        url: format!("https://{}.demakkab.go.id", name.to_lowercase()),
        domain: format!("{}.demakkab.go.id", name.to_lowercase()),
        hosting: "srv-02".into(),
        hosting_location: "DC Dinkominfo".into(),
        hosting_environment: "produksi".into(),
        stack: "Laravel / PostgreSQL".into(),
        opd_contact_name: "Rina".into(),
        opd_contact_phone: "0812-1111".into(),
        opd_contact_email: "rina@dinkes.demakkab.go.id".into(),
        office_contact_name: "Joko".into(),
        office_contact_phone: "0812-2222".into(),
        office_contact_email: "joko@demakkab.go.id".into(),
        status: "active".into(),
        maintenance_interval_months: None,
        notes: "Catatan".into(),
    }
}

fn filter() -> RegisterFilter {
    RegisterFilter::default()
}

async fn names(h: &Harness, filter: RegisterFilter) -> Vec<String> {
    h.store
        .register(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.app.name)
        .collect()
}

/// Walks a new case of the harness app through the whole SOP; returns it done.
async fn maintained_case(h: &Harness, t: DateTime<Utc>, result: &str, server: &str) -> CaseState {
    let case = h.to_analysis(t).await;
    h.act(
        case,
        &h.subkoor,
        t,
        Command::Analyse {
            findings: "Versi PHP usang".into(),
            verdict: Verdict::Maintainable,
            recommendation: String::new(),
        },
    )
    .await;
    h.act(
        case,
        &h.pelaksana,
        t,
        Command::Maintain {
            work_log: "Pembaruan".into(),
            result: result.into(),
            version: "2.0".into(),
        },
    )
    .await;
    h.act(
        case,
        &h.pelaksana,
        t,
        Command::Host(HostingRecord {
            server: server.into(),
            domain: "simpus.demakkab.go.id".into(),
            network_officer: "Joko".into(),
            deployed: true,
            ..HostingRecord::default()
        }),
    )
    .await;
    h.act(
        case,
        &h.subkoor,
        t,
        Command::Present {
            held_at: t,
            place: "Ruang rapat".into(),
            attendees: "Dinkes".into(),
            summary: "Dipaparkan".into(),
        },
    )
    .await;
    h.act(
        case,
        &h.operator,
        t,
        Command::Accept {
            note: "Diterima".into(),
        },
    )
    .await
}

async fn register_fields_round_trip_and_filter(h: Harness) {
    let now = wib(2026, 11, 2, 9, 0);
    let system = AuditSource::cli("test");
    let mut siak = fields("SIAK");
    siak.maintenance_interval_months = Some(6);
    let siak_id = h
        .store
        .create_register_app(h.opd, &siak, &system, now)
        .await
        .unwrap();
    let mut odd = fields("Rapor_100%");
    odd.url = "https://rapor.disdik.demakkab.go.id".into();
    odd.stack = "PHP".into();
    let odd_id = h
        .store
        .create_register_app(h.other_opd, &odd, &system, now)
        .await
        .unwrap();
    let stored = h.store.app(siak_id).await.unwrap().unwrap();
    assert_eq!(stored.opd_contact_email, "rina@dinkes.demakkab.go.id");
    assert_eq!(stored.office_contact_name, "Joko");
    assert_eq!(stored.hosting_location, "DC Dinkominfo");
    assert_eq!(stored.hosting_environment, "produksi");
    assert_eq!(stored.maintenance_interval_months, Some(6));
    assert_eq!(stored.created_at, now);
    assert_eq!(stored.updated_at, None);

    // The harness app (SIMPUS) is in the first OPD too.
    assert_eq!(names(&h, filter()).await, ["Rapor_100%", "SIAK", "SIMPUS"]);
    assert_eq!(
        names(
            &h,
            RegisterFilter {
                opd: Some(h.opd),
                ..filter()
            }
        )
        .await,
        ["SIAK", "SIMPUS"]
    );
    let search = |text: &str| RegisterFilter {
        search: Some(text.into()),
        ..filter()
    };
    assert_eq!(names(&h, search("siak")).await, ["SIAK"]);
    assert_eq!(names(&h, search("laravel siak")).await, ["SIAK"]);
    assert_eq!(names(&h, search("100%")).await, ["Rapor_100%"]);
    // `%` and `_` are literal: "r%k" must not match "Rapor_100%...".
    assert!(names(&h, search("r%k")).await.is_empty());
    assert!(names(&h, search("r_por")).await.is_empty());
    assert_eq!(names(&h, search("pendidikan")).await, ["Rapor_100%"]);

    // Retire one; change its OPD and interval.
    let mut changed = odd.clone();
    changed.status = "retired".into();
    changed.maintenance_interval_months = Some(24);
    let later = now + Duration::hours(1);
    assert!(
        h.store
            .update_app(odd_id, h.opd, &changed, &system, later)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .update_app(AppId::random(), h.opd, &changed, &system, later)
            .await
            .unwrap()
    );
    let stored = h.store.app(odd_id).await.unwrap().unwrap();
    assert_eq!(stored.opd_id, h.opd);
    assert_eq!(stored.status, "retired");
    assert_eq!(stored.maintenance_interval_months, Some(24));
    assert_eq!(stored.updated_at, Some(later));
    let status = |status| RegisterFilter {
        status: Some(status),
        ..filter()
    };
    assert_eq!(names(&h, status(AppStatus::Retired)).await, ["Rapor_100%"]);
    assert_eq!(
        names(&h, status(AppStatus::Active)).await,
        ["SIAK", "SIMPUS"]
    );
    assert!(
        names(
            &h,
            RegisterFilter {
                opd: Some(h.other_opd),
                ..filter()
            }
        )
        .await
        .is_empty()
    );
    // The create, the update: one event each, chain intact.
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.first_bad, None);
}

async fn history_and_hosting_come_from_done_cases(h: Harness) {
    let calendar = &h.calendar;
    // Registered 2 Nov 2026 (the harness); never maintained: due a year after registration.
    let row = |rows: Vec<pelihara_store::register::RegisterRow>| rows.into_iter().next().unwrap();
    let only_app = RegisterFilter {
        app: Some(h.app),
        ..RegisterFilter::default()
    };
    let first = row(h.store.register(&only_app).await.unwrap());
    assert_eq!(first.last_maintained_at, None);
    let due = maintenance_due(
        calendar,
        first.status(),
        first.app.created_at,
        None,
        12,
        30,
        wib(2027, 10, 20, 9, 0),
    )
    .unwrap();
    assert_eq!(due.due, NaiveDate::from_ymd_opt(2027, 11, 2).unwrap());
    assert_eq!(due.state, DueState::DueSoon);
    assert!(h.store.last_hosting(h.app).await.unwrap().is_none());

    let t1 = wib(2026, 11, 3, 9, 0);
    let done1 = maintained_case(&h, t1, "Laporan cepat", "srv-01").await;
    let t2 = wib(2026, 11, 10, 9, 0);
    let done2 = maintained_case(&h, t2, "PHP 8.3", "srv-09").await;
    assert_eq!(done2.case.status, CaseStatus::Done);
    // A third case still open: counted, not maintained.
    let open = h.to_analysis(wib(2026, 11, 11, 9, 0)).await;

    let now_row = row(h.store.register(&only_app).await.unwrap());
    assert_eq!(now_row.last_maintained_at, done2.case.closed_at);
    assert_eq!(now_row.open_cases, 1);
    let due = maintenance_due(
        calendar,
        now_row.status(),
        now_row.app.created_at,
        now_row.last_maintained_at,
        12,
        30,
        wib(2027, 11, 11, 9, 0),
    )
    .unwrap();
    assert_eq!(due.due, NaiveDate::from_ymd_opt(2027, 11, 10).unwrap());
    assert_eq!(due.state, DueState::Overdue);

    let history = h.store.maintenance_history(h.app).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].case_id, open);
    assert_eq!(history[0].verdict, None);
    assert_eq!(history[1].case_id, done2.case.id);
    assert_eq!(history[1].verdict, Some(Verdict::Maintainable));
    assert_eq!(history[1].result.as_deref(), Some("PHP 8.3"));
    assert_eq!(history[1].maintained_by.as_deref(), Some("Budi Pelaksana"));
    assert_eq!(history[2].case_id, done1.case.id);
    assert_eq!(history[2].result.as_deref(), Some("Laporan cepat"));

    let hosting = h.store.last_hosting(h.app).await.unwrap().unwrap();
    assert_eq!(hosting.record.server, "srv-09");
    assert_eq!(hosting.case_id, done2.case.id);
    assert_eq!(hosting.by_name, "Budi Pelaksana");
}

fn check(at: DateTime<Utc>, ok: bool) -> HealthCheck {
    HealthCheck {
        checked_at: at,
        url: "https://simpus.demakkab.go.id".into(),
        ok,
        http_status: ok.then_some(200),
        response_ms: Some(120),
        tls_issuer: Some("CN=R11, O=Let's Encrypt, C=US".into()),
        tls_expires_at: Some(at + Duration::days(60)),
        error: (!ok).then(|| "connection refused".into()),
        redirects: vec!["https://simpus.demakkab.go.id/login".into()],
    }
}

async fn health_checks_are_kept_newest_first(h: Harness) {
    let system = AuditSource::cli("health");
    let t = wib(2026, 11, 2, 9, 0);
    let health = |f| RegisterFilter {
        health: Some(f),
        ..RegisterFilter::default()
    };
    assert_eq!(names(&h, health(HealthFilter::Unchecked)).await, ["SIMPUS"]);
    let older = check(t, true);
    let newer = check(t + Duration::hours(1), false);
    h.store
        .record_health_check(h.app, &older, &system)
        .await
        .unwrap();
    h.store
        .record_health_check(h.app, &newer, &system)
        .await
        .unwrap();
    let checks = h.store.health_checks(h.app, 10).await.unwrap();
    assert_eq!(checks, vec![newer.clone(), older]);
    assert_eq!(names(&h, health(HealthFilter::Failing)).await, ["SIMPUS"]);
    assert!(names(&h, health(HealthFilter::Ok)).await.is_empty());
    let row = h.store.register(&RegisterFilter::default()).await.unwrap();
    assert_eq!(row.len(), 1);
    assert_eq!(row[0].last_check_ok, Some(false));
    assert_eq!(row[0].last_check_at, Some(newer.checked_at));
}

async fn an_import_with_a_failing_row_adds_nothing(h: Harness) {
    let system = AuditSource::cli("import");
    let t = wib(2026, 11, 2, 9, 0);
    let before = h.store.verify_audit().await.unwrap().events;
    // The second row names an OPD that does not exist: the foreign key refuses it.
    let bad = vec![
        (h.opd, fields("EKINERJA")),
        (OpdId::random(), fields("SIPD")),
        (h.other_opd, fields("DAPODIK")),
    ];
    assert!(h.store.import_apps(&bad, &system, t).await.is_err());
    assert_eq!(names(&h, filter()).await, ["SIMPUS"]);
    assert_eq!(h.store.verify_audit().await.unwrap().events, before);

    let good = vec![
        (h.opd, fields("EKINERJA")),
        (h.other_opd, fields("DAPODIK")),
    ];
    // An OPD deactivated since the sheet was read takes no apps: the whole import is refused.
    assert!(
        h.store
            .set_opd_active(h.other_opd, false, &system, t)
            .await
            .unwrap()
    );
    let before = h.store.verify_audit().await.unwrap().events;
    assert!(h.store.import_apps(&good, &system, t).await.is_err());
    assert_eq!(names(&h, filter()).await, ["SIMPUS"]);
    assert_eq!(h.store.verify_audit().await.unwrap().events, before);
    assert!(
        h.store
            .set_opd_active(h.other_opd, true, &system, t)
            .await
            .unwrap()
    );
    let before = h.store.verify_audit().await.unwrap().events;
    let ids = h.store.import_apps(&good, &system, t).await.unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(names(&h, filter()).await, ["DAPODIK", "EKINERJA", "SIMPUS"]);
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, before + 1, "one event for the whole import");
    assert_eq!(report.first_bad, None);
}

/// The register's due filter runs in SQL on the bounds `due_bounds` gives; it must pick
/// exactly the apps `maintenance_due` puts in each state: registered over two years at all
/// hours, with their own intervals or the default, one maintained since, one retired.
async fn the_due_filter_in_sql_picks_what_maintenance_due_says(h: Harness) {
    let system = AuditSource::cli("test");
    let start = wib(2026, 11, 2, 9, 0);
    let intervals = [None, Some(6), Some(3), Some(12), Some(24), Some(1)];
    for k in 0..60_i64 {
        let mut app = fields(&format!("App{k:02}"));
        app.maintenance_interval_months = intervals[k as usize % intervals.len()];
        if k % 17 == 5 {
            app.status = "retired".into();
        }
        let registered = start - Duration::hours(13 * 24 + 7) * k as i32;
        h.store
            .create_register_app(h.opd, &app, &system, registered)
            .await
            .unwrap();
    }
    // The harness app was registered at `start`; maintained a day later.
    maintained_case(&h, wib(2026, 11, 3, 9, 0), "Selesai", "srv-01").await;

    let default_interval = 12;
    let mut in_use = h.store.register_intervals().await.unwrap();
    in_use.sort_unstable();
    assert_eq!(in_use, [1, 3, 6, 12, 24]);
    let all = h.store.register(&RegisterFilter::default()).await.unwrap();
    for now in [
        wib(2026, 12, 31, 23, 30),
        wib(2027, 3, 1, 0, 30),
        wib(2027, 5, 3, 9, 0),
        wib(2027, 11, 11, 9, 0),
        wib(2028, 1, 2, 9, 0),
    ] {
        for reminder in [0, 30, 90] {
            let bounds: Vec<_> = in_use
                .iter()
                .chain([&default_interval])
                .map(|months| {
                    let bounds = due_bounds(&h.calendar, *months, reminder, now).unwrap();
                    (*months, bounds)
                })
                .collect();
            for state in DueState::ALL {
                let mut expected: Vec<String> = all
                    .iter()
                    .filter(|row| {
                        maintenance_due(
                            &h.calendar,
                            row.status(),
                            row.app.created_at,
                            row.last_maintained_at,
                            interval_months(row.app.maintenance_interval_months, default_interval),
                            reminder,
                            now,
                        )
                        .is_some_and(|due| due.state == state)
                    })
                    .map(|row| row.app.name.clone())
                    .collect();
                expected.sort();
                let due = DueFilter {
                    state,
                    default_interval,
                    bounds: bounds.clone(),
                };
                let mut found = names(
                    &h,
                    RegisterFilter {
                        due: Some(due),
                        ..filter()
                    },
                )
                .await;
                found.sort();
                assert_eq!(found, expected, "{state:?} at {now}, {reminder} days");
            }
        }
    }
}

contract!(
    the_due_filter_in_sql_picks_what_maintenance_due_says,
    register_fields_round_trip_and_filter,
    history_and_hosting_come_from_done_cases,
    health_checks_are_kept_newest_first,
    an_import_with_a_failing_row_adds_nothing,
);
