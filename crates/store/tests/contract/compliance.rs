//! Mutu Baku compliance counted by the database (`Store::compliance`, `case_compliance`,
//! `compliance_tasks`, `compliance_cases`, the dashboard's counts): every figure is compared with a value worked
//! out by hand below, on SQLite and PostgreSQL. The office is open Monday to Friday
//! 07:30-16:00 WIB; 2 November 2026 is a Monday, so the minutes between two moments of that
//! morning are working minutes.
//!
//! Percentiles are nearest-rank: of n sorted values, the median is the one at rank
//! ceil(n / 2) and the 90th percentile the one at rank ceil(9n / 10).

use chrono::{DateTime, Utc};
use pelihara_domain::*;
use pelihara_store::{
    CaseComplianceRow, CaseFigure, Figure, GroupKey, Grouping, Outcome, PeriodCounts,
    ProgressCount, ReportFilter, Spread,
};

use super::{Harness, dispose, harness, register_letter, wib};

const SOP: &str = "pemeliharaan-aplikasi-website";
const MINUTE: i64 = 60_000_000;

fn november(opd: Option<OpdId>) -> ReportFilter {
    ReportFilter {
        from: wib(2026, 11, 1, 0, 0),
        until: wib(2026, 12, 1, 0, 0),
        opd,
        sop_code: None,
    }
}

fn step(no: u32) -> GroupKey {
    GroupKey {
        sop_code: SOP.into(),
        sop_version: 1,
        step_no: no,
        key: String::new(),
    }
}

fn spread(median: i64, p90: i64) -> Spread {
    Spread {
        median: Some(median),
        p90: Some(p90),
    }
}

/// A case of the other OPD, submitted at `at`.
async fn submit_other(h: &Harness, at: DateTime<Utc>) -> CaseId {
    let other_app = h
        .store
        .create_register_app(
            h.other_opd,
            &register::AppFields {
                name: format!("Rapor {}", uuid::Uuid::new_v4().simple()),
                url: "https://rapor.demakkab.go.id".into(),
                status: "active".into(),
                ..register::AppFields::default()
            },
            &h.source(&h.pelaksana),
            at,
        )
        .await
        .unwrap();
    let mut input = h.submit_input().await;
    input.opd_id = Some(h.other_opd);
    input.app_id = Some(other_app);
    h.store
        .submit_case(
            &h.sop,
            &h.calendar,
            &h.other_operator,
            input,
            at,
            &h.source(&h.other_operator),
        )
        .await
        .unwrap()
        .case
        .id
}

/// The scene of the task tests, all on Monday 2 November 2026 (and one case in October):
///
/// | case | OPD    | submitted | registered (step 2, 5 min) | step 3 (10 min) |
/// |------|--------|-----------|----------------------------|-----------------|
/// | A    | DINKES | 08:00     | 08:03 (3 min, met)         | opened 08:03, disposed 08:24 (21 min, missed) |
/// | B    | DINKES | 08:00     | 08:05 (5 min, met)         | opened 08:05, open, due 08:15 |
/// | C    | DINKES | 08:00     | 08:07 (7 min, missed)      | opened 08:07, open, due 08:17 |
/// | D    | DINKES | 08:00     | 08:20 (20 min, missed)     | opened 08:20, open, due 08:30 |
/// | E    | DISDIK | 08:00     | 08:10 (10 min, missed)     | opened 08:10, open, due 08:20 |
/// | X    | DINKES | 30 Oct 08:00 | 30 Oct 08:04 (outside the period) | open |
///
/// A's step 4 opened at 08:24 (10 min, due 08:34). "Now" is 08:25.
async fn scene(h: &Harness) -> (Vec<CaseId>, DateTime<Utc>) {
    let t = wib(2026, 11, 2, 8, 0);
    let mut cases = Vec::new();
    for minutes in [3, 5, 7, 20] {
        let case = h.submit(t).await.case.id;
        h.act(
            case,
            &h.pelaksana,
            wib(2026, 11, 2, 8, minutes),
            register_letter(),
        )
        .await;
        cases.push(case);
    }
    h.act(cases[0], &h.kadis, wib(2026, 11, 2, 8, 24), dispose())
        .await;
    let e = submit_other(h, t).await;
    h.act(e, &h.pelaksana, wib(2026, 11, 2, 8, 10), register_letter())
        .await;
    cases.push(e);
    let x = h.submit(wib(2026, 10, 30, 8, 0)).await.case.id;
    h.act(x, &h.pelaksana, wib(2026, 10, 30, 8, 4), register_letter())
        .await;
    (cases, wib(2026, 11, 2, 8, 25))
}

async fn compliance_per_step_counts_shares_and_percentiles(h: Harness) {
    let (_, now) = scene(&h).await;
    // DINKES only: A-D.
    let rows = h
        .store
        .compliance(&november(Some(h.opd)), Grouping::Step, now)
        .await
        .unwrap();
    let keys: Vec<u32> = rows.iter().map(|row| row.group.step_no).collect();
    assert_eq!(keys, vec![1, 2, 3, 4]);
    // Step 1 (the OPD's submission, 10 min) is done by submitting: 4 tasks, 0 min each.
    assert_eq!((rows[0].finished, rows[0].met), (4, 4));
    assert_eq!(rows[0].actual_micros, spread(0, 0));
    // Step 2: 3, 5, 7, 20 min against 5: met 2 of 4 (5 <= 5 is within). Median rank
    // ceil(4/2) = 2 -> 5 min; p90 rank ceil(3.6) = 4 -> 20 min. In permille of 5 min:
    // 600, 1000, 1400, 4000.
    let two = &rows[1];
    assert_eq!(two.group, step(2));
    assert_eq!(two.standard_unit.as_deref(), Some("working_minutes"));
    assert_eq!(two.standard_micros, Some(5 * 1_000_000));
    assert_eq!((two.finished, two.met), (4, 2));
    assert_eq!(two.actual_micros, spread(5 * MINUTE / 60, 20 * MINUTE / 60));
    assert_eq!(two.ratio_permille, spread(1000, 4000));
    assert_eq!((two.open, two.overdue), (0, 0));
    // Step 3: A's 21 min (missed); B, C, D open since 08:05, 08:07, 08:20 with 10 min:
    // due 08:15, 08:17 (past at 08:25) and 08:30 (not yet).
    let three = &rows[2];
    assert_eq!((three.finished, three.met), (1, 0));
    assert_eq!(three.actual_micros, spread(21_000_000, 21_000_000));
    assert_eq!(three.ratio_permille, spread(2100, 2100));
    assert_eq!((three.open, three.overdue), (3, 2));
    // Step 4: A's, open since 08:24, due 08:34.
    let four = &rows[3];
    assert_eq!((four.finished, four.open, four.overdue), (0, 1, 0));
    assert_eq!(four.standard_micros, Some(10 * 1_000_000));
    assert_eq!(four.actual_micros, Spread::default());

    // Every OPD: E's 10 min joins step 2: 3, 5, 7, 10, 20 -> met 2 of 5; median rank 3 ->
    // 7 min; p90 rank ceil(4.5) = 5 -> 20 min. E's step 3 (due 08:20) is overdue too.
    let rows = h
        .store
        .compliance(&november(None), Grouping::Step, now)
        .await
        .unwrap();
    assert_eq!((rows[1].finished, rows[1].met), (5, 2));
    assert_eq!(rows[1].actual_micros, spread(7_000_000, 20_000_000));
    assert_eq!(rows[1].ratio_permille, spread(1400, 4000));
    assert_eq!((rows[2].open, rows[2].overdue), (4, 3));

    // October holds only X: registered in 4 min (met); its step 3 opened then, still open,
    // long overdue.
    let october = ReportFilter {
        from: wib(2026, 10, 1, 0, 0),
        until: wib(2026, 11, 1, 0, 0),
        ..november(None)
    };
    let rows = h
        .store
        .compliance(&october, Grouping::Step, now)
        .await
        .unwrap();
    let two = rows.iter().find(|row| row.group.step_no == 2).unwrap();
    assert_eq!((two.finished, two.met), (1, 1));
    assert_eq!(two.actual_micros, spread(4_000_000, 4_000_000));
    let three = rows.iter().find(|row| row.group.step_no == 3).unwrap();
    assert_eq!((three.finished, three.open, three.overdue), (0, 1, 1));

    // Another SOP's figures: none.
    let none = ReportFilter {
        sop_code: Some("pemberian-izin-cuti".into()),
        ..november(None)
    };
    assert!(
        h.store
            .compliance(&none, Grouping::Step, now)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn compliance_per_position_person_and_opd(h: Harness) {
    let (_, now) = scene(&h).await;
    let rows = h
        .store
        .compliance(&november(None), Grouping::Position, now)
        .await
        .unwrap();
    let by = |key: &str| rows.iter().find(|row| row.group.key == key).unwrap();
    // Pelaksana: the five registrations (3, 5, 7, 10, 20 of 5 min): 600, 1000, 1400, 2000,
    // 4000 permille; median rank 3, p90 rank 5. Mixed units, so no time in a unit.
    let pelaksana = by("pelaksana");
    assert_eq!((pelaksana.finished, pelaksana.met), (5, 2));
    assert_eq!(pelaksana.ratio_permille, spread(1400, 4000));
    assert_eq!(pelaksana.actual_micros, Spread::default());
    // Kepala Dinas: A's disposition done; B, C, D, E open (C, B, E overdue).
    let kadis = by("kepala_dinas");
    assert_eq!((kadis.finished, kadis.met), (1, 0));
    assert_eq!((kadis.open, kadis.overdue), (4, 3));
    // Sekretaris: A's step 4, open.
    assert_eq!((by("sekretaris").open, by("sekretaris").overdue), (1, 0));

    let rows = h
        .store
        .compliance(&november(None), Grouping::Person, now)
        .await
        .unwrap();
    let budi = rows
        .iter()
        .find(|row| row.group.key == h.pelaksana.user.id.to_string())
        .unwrap();
    assert_eq!(budi.name, "Budi Pelaksana");
    assert_eq!((budi.finished, budi.met), (5, 2));
    let endah = rows
        .iter()
        .find(|row| row.group.key == h.kadis.user.id.to_string())
        .unwrap();
    assert_eq!((endah.name.as_str(), endah.finished), ("Endah Kadis", 1));

    // Per OPD: DINKES finished 4 submissions (met) + 4 registrations (2 met) + A's
    // disposition (missed) = 9, 6 met; DISDIK E's submission and registration = 2, 1 met.
    let rows = h
        .store
        .compliance(&november(None), Grouping::Opd, now)
        .await
        .unwrap();
    let dinkes = rows
        .iter()
        .find(|row| row.group.key == h.opd.to_string())
        .unwrap();
    assert_eq!((dinkes.finished, dinkes.met), (9, 6));
    assert_eq!((dinkes.open, dinkes.overdue), (4, 2));
    let disdik = rows
        .iter()
        .find(|row| row.group.key == h.other_opd.to_string())
        .unwrap();
    assert_eq!(
        (disdik.finished, disdik.met, disdik.open, disdik.overdue),
        (2, 1, 1, 1)
    );
    // Narrowed to DISDIK, DINKES is not there.
    let rows = h
        .store
        .compliance(&november(Some(h.other_opd)), Grouping::Opd, now)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].group.key, h.other_opd.to_string());
}

async fn drill_down_lists_the_tasks_behind_a_figure(h: Harness) {
    let (cases, now) = scene(&h).await;
    // Step 2's misses at DINKES: D (08:20) then C (08:07), newest first, one a page.
    let filter = november(Some(h.opd));
    let first = h
        .store
        .compliance_tasks(
            &filter,
            &Figure {
                grouping: Grouping::Step,
                key: step(2),
                outcome: Outcome::Missed,
            },
            now,
            None,
            1,
        )
        .await
        .unwrap();
    assert_eq!(first.rows.len(), 1);
    assert_eq!(first.rows[0].case_id, cases[3]);
    assert_eq!(first.rows[0].actual_micros, Some(20_000_000));
    let cursor = pelihara_store::DrillCursor::parse(&first.next.unwrap().token()).unwrap();
    let second = h
        .store
        .compliance_tasks(
            &filter,
            &Figure {
                grouping: Grouping::Step,
                key: step(2),
                outcome: Outcome::Missed,
            },
            now,
            Some(cursor),
            1,
        )
        .await
        .unwrap();
    assert_eq!(second.rows.len(), 1);
    assert_eq!(second.rows[0].case_id, cases[2]);
    assert!(second.next.is_none());
    // Step 3's overdue at every OPD: E (opened 08:10), C (08:07), B (08:05).
    let overdue = h
        .store
        .compliance_tasks(
            &november(None),
            &Figure {
                grouping: Grouping::Step,
                key: step(3),
                outcome: Outcome::Overdue,
            },
            now,
            None,
            50,
        )
        .await
        .unwrap();
    let ids: Vec<CaseId> = overdue.rows.iter().map(|row| row.case_id).collect();
    assert_eq!(ids, vec![cases[4], cases[2], cases[1]]);
    // The met ones of the pelaksana position: A and B at DINKES.
    let met = h
        .store
        .compliance_tasks(
            &filter,
            &Figure {
                grouping: Grouping::Position,
                key: GroupKey {
                    key: "pelaksana".into(),
                    ..GroupKey::default()
                },
                outcome: Outcome::Met,
            },
            now,
            None,
            50,
        )
        .await
        .unwrap();
    let ids: Vec<CaseId> = met.rows.iter().map(|row| row.case_id).collect();
    assert_eq!(ids, vec![cases[1], cases[0]]);
    assert_eq!(met.rows[0].person, "Budi Pelaksana");
}

/// Walks a case through every step: submitted at `submitted`, registered at `registered`,
/// everything after at that same moment (0 working time).
async fn walk_to_done(h: &Harness, submitted: DateTime<Utc>, registered: DateTime<Utc>) -> CaseId {
    let case = h.submit(submitted).await.case.id;
    let t = registered;
    h.act(case, &h.pelaksana, t, register_letter()).await;
    for actor in [&h.kadis, &h.sekretaris, &h.kabid] {
        h.act(case, actor, t, dispose()).await;
    }
    h.act(
        case,
        &h.subkoor,
        t,
        Command::Analyse {
            findings: "Query lambat".into(),
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
            work_log: "Indeks ditambah".into(),
            result: "Laporan cepat".into(),
            version: "1.4".into(),
        },
    )
    .await;
    h.act(
        case,
        &h.pelaksana,
        t,
        Command::Host(HostingRecord {
            server: "srv-01".into(),
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
    let done = h
        .act(
            case,
            &h.operator,
            t,
            Command::Accept {
                note: "Terima kasih".into(),
            },
        )
        .await;
    assert_eq!(done.case.status, CaseStatus::Done);
    case
}

async fn whole_case_compliance_sums_steps(h: Harness) {
    // The whole cases are counted with an office day of 30 600 s as each finishes (the
    // rollup); a report asked with another day counts them from their tasks.
    assert!(h.store.ensure_report_basis(30_600).await.unwrap());
    assert!(!h.store.ensure_report_basis(30_600).await.unwrap());
    // F registered at once (0 s), G an hour late (3 600 s), H two hours late (7 200 s).
    let t = wib(2026, 11, 2, 8, 0);
    let f = walk_to_done(&h, t, t).await;
    let g = walk_to_done(&h, t, wib(2026, 11, 2, 9, 0)).await;
    let hh = walk_to_done(&h, t, wib(2026, 11, 2, 10, 0)).await;
    // The standards of steps 1-9, each once: 10 + 5 + 10 + 10 + 10 + 60 minutes = 6 300 s,
    // and 2 + 30 + 2 working days. With an office day of 30 600 s (07:30-16:00):
    // 6 300 + 34 x 30 600 = 1 046 700 s; all three within; 3 600 000 / 1 046 700 = 3.4 -> 3,
    // 7 200 000 / 1 046 700 = 6.9 -> 6 permille, both in the bin of 0 to 1 % (0); the working
    // times 0, 3 600 and 7 200 s are whole quarter hours, their own bins.
    let rows = h
        .store
        .case_compliance(&november(None), 30_600)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![CaseComplianceRow {
            sop_code: SOP.into(),
            sop_version: 1,
            cases: 3,
            met: 3,
            actual_seconds: spread(3_600, 7_200),
            ratio_permille: spread(0, 0),
        }]
    );
    // Worth 1 s a working day, the standard is 6 300 + 34 = 6 334 s: H's 7 200 s misses it;
    // 3 600 000 / 6 334 = 568.4 -> 568, 7 200 000 / 6 334 = 1136.7 -> 1136: bins 560, 1130.
    let rows = h.store.case_compliance(&november(None), 1).await.unwrap();
    assert_eq!((rows[0].cases, rows[0].met), (3, 2));
    assert_eq!(rows[0].ratio_permille, spread(560, 1130));
    // Counted again with that day, the rollup gives the same figures.
    assert!(h.store.ensure_report_basis(1).await.unwrap());
    assert_eq!(
        h.store.case_compliance(&november(None), 1).await.unwrap(),
        rows
    );
    // So does a cut of the period into whole UTC days and edges only.
    let morning = ReportFilter {
        from: wib(2026, 11, 2, 7, 0),
        until: wib(2026, 11, 2, 12, 0),
        ..november(None)
    };
    assert_eq!(h.store.case_compliance(&morning, 1).await.unwrap(), rows);
    // The cases behind those figures, newest first: H is the one over, G and F within.
    let figure = |outcome| CaseFigure {
        sop_code: SOP.into(),
        sop_version: 1,
        outcome,
    };
    let missed = h
        .store
        .compliance_cases(&november(None), &figure(Outcome::Missed), 1, None, 50)
        .await
        .unwrap();
    assert_eq!(missed.rows.len(), 1);
    assert_eq!(missed.rows[0].case_id, hh);
    assert_eq!(
        (
            missed.rows[0].actual_seconds,
            missed.rows[0].standard_seconds
        ),
        (7_200, 6_334)
    );
    assert!(missed.next.is_none());
    let met = h
        .store
        .compliance_cases(&november(None), &figure(Outcome::Met), 1, None, 50)
        .await
        .unwrap();
    let ids: Vec<CaseId> = met.rows.iter().map(|row| row.case_id).collect();
    assert_eq!(ids, vec![g, f]);
    // All three, two to a page: the cursor picks up after the second.
    let first = h
        .store
        .compliance_cases(&november(None), &figure(Outcome::Finished), 1, None, 2)
        .await
        .unwrap();
    let ids: Vec<CaseId> = first.rows.iter().map(|row| row.case_id).collect();
    assert_eq!(ids, vec![hh, g]);
    let cursor = pelihara_store::DrillCursor::parse(&first.next.unwrap().token()).unwrap();
    let second = h
        .store
        .compliance_cases(
            &november(None),
            &figure(Outcome::Finished),
            1,
            Some(cursor),
            2,
        )
        .await
        .unwrap();
    let ids: Vec<CaseId> = second.rows.iter().map(|row| row.case_id).collect();
    assert_eq!(ids, vec![f]);
    assert!(second.next.is_none());
    // Another version, and another OPD's scope, list nothing.
    let other_version = CaseFigure {
        sop_version: 2,
        ..figure(Outcome::Finished)
    };
    assert!(
        h.store
            .compliance_cases(&november(None), &other_version, 1, None, 50)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    assert!(
        h.store
            .compliance_cases(
                &november(Some(h.other_opd)),
                &figure(Outcome::Finished),
                1,
                None,
                50
            )
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    // No case of DISDIK.
    assert!(
        h.store
            .case_compliance(&november(Some(h.other_opd)), 1)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn dashboard_counts_agree_by_status_and_step(h: Harness) {
    let (_, now) = scene(&h).await;
    // A fourth kind: returned to DINKES at step 2.
    let returned = h.submit(wib(2026, 11, 2, 8, 0)).await.case.id;
    h.act(
        returned,
        &h.pelaksana,
        wib(2026, 11, 2, 8, 1),
        Command::ReturnToOpd {
            reason: "Surat belum ditandatangani".into(),
        },
    )
    .await;
    let progress = h
        .store
        .cases_in_progress(&november(Some(h.opd)))
        .await
        .unwrap();
    let row = |status: CaseStatus, step_no: u32, cases: u64| ProgressCount {
        sop_code: SOP.into(),
        sop_version: 1,
        status,
        step_no,
        cases,
    };
    // DINKES: B, C, D and X at step 3; A at step 4; the returned one at step 2.
    assert_eq!(
        progress,
        vec![
            row(CaseStatus::Returned, 2, 1),
            row(CaseStatus::Open, 3, 4),
            row(CaseStatus::Open, 4, 1),
        ]
    );
    // Overdue now: B, C (step 3 due 08:15, 08:17) and X (since October) at DINKES; E at
    // DISDIK.
    assert_eq!(
        h.store
            .overdue_cases(&november(Some(h.opd)), now)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        h.store.overdue_cases(&november(None), now).await.unwrap(),
        4
    );
    // Submitted in November: A-E and the returned one; none closed.
    assert_eq!(
        h.store.cases_in_period(&november(None)).await.unwrap(),
        PeriodCounts {
            submitted: 6,
            ..PeriodCounts::default()
        }
    );
    // The trend's point for November at DINKES: 4 submissions + 4 registrations + A's
    // disposition + the returned case's submission = 10 finished, 4 + 2 + 0 + 1 = 7 met
    // (the returned case's registration task is paused, not finished).
    let (finished, met) = h
        .store
        .finished_within_standard(&november(Some(h.opd)))
        .await
        .unwrap();
    assert_eq!((finished, met), (10, 7));
}

async fn maintenance_coverage_per_opd(h: Harness) {
    // SIMPUS (DINKES, the harness's app, registered 2 November 2026 08:00) maintained by a
    // case done then; SIKDA (DINKES) and Rapor (DISDIK), registered 1 January 2025, never;
    // Baru (DISDIK), registered 1 November 2026, never (not late yet in any window below).
    let registered = wib(2025, 1, 1, 0, 0);
    let t = wib(2026, 11, 2, 8, 0);
    let source = h.source(&h.pelaksana);
    let app = |opd: OpdId, name: &str, at: DateTime<Utc>| {
        let fields = register::AppFields {
            name: name.into(),
            url: format!("https://{}.demakkab.go.id", name.to_lowercase()),
            status: "active".into(),
            ..register::AppFields::default()
        };
        let store = &h.store;
        let source = &source;
        async move {
            store
                .create_register_app(opd, &fields, source, at)
                .await
                .unwrap()
        }
    };
    let sikda = app(h.opd, "SIKDA", registered).await;
    let rapor = app(h.other_opd, "Rapor", registered).await;
    app(h.other_opd, "Baru", wib(2026, 11, 1, 0, 0)).await;
    walk_to_done(&h, t, t).await;
    // The 12 months up to 1 December 2026: DINKES 1 of 2, DISDIK 0 of 1 (Baru not due).
    let (since, until) = (wib(2025, 12, 1, 0, 0), wib(2026, 12, 1, 0, 0));
    let rows = h
        .store
        .maintenance_coverage(since, until, None)
        .await
        .unwrap();
    let counts: Vec<(&str, u64, u64)> = rows
        .iter()
        .map(|row| (row.opd_name.as_str(), row.apps, row.maintained))
        .collect();
    assert_eq!(
        counts,
        vec![("Dinas Kesehatan", 2, 1), ("Dinas Pendidikan", 1, 0)]
    );
    let uncovered = h
        .store
        .apps_not_maintained(since, until, None)
        .await
        .unwrap();
    let ids: Vec<AppId> = uncovered.iter().map(|app| app.app_id).collect();
    assert_eq!(ids, vec![rapor, sikda]);
    assert!(uncovered.iter().all(|app| app.last_maintained_at.is_none()));
    // DINKES only.
    let rows = h
        .store
        .maintenance_coverage(since, until, Some(h.opd))
        .await
        .unwrap();
    assert_eq!((rows.len(), rows[0].apps, rows[0].maintained), (1, 2, 1));
    // A window after the maintenance (08:30-09:00): SIMPUS, registered before it, is not
    // covered, last maintained at 08:00.
    let (since, until) = (wib(2026, 11, 2, 8, 30), wib(2026, 11, 2, 9, 0));
    let uncovered = h
        .store
        .apps_not_maintained(since, until, Some(h.opd))
        .await
        .unwrap();
    assert_eq!(uncovered.len(), 2);
    let simpus = uncovered.iter().find(|app| app.app_id == h.app).unwrap();
    assert_eq!(simpus.last_maintained_at, Some(t));
    assert_eq!(simpus.name, "SIMPUS");
    // Before the apps were registered there is nothing to cover.
    assert!(
        h.store
            .maintenance_coverage(wib(2024, 1, 1, 0, 0), wib(2024, 12, 31, 0, 0), None)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The figures of the same tasks and cases, read through whole months of the office, through
/// whole days with hours at the edges, and through the edges alone (counted from the tasks and
/// cases themselves), are the same: the rollups the database keeps agree with what they count,
/// whether the triggers counted them in the office's zone (WIB) or they were counted again in
/// UTC or back in WIB (`ensure_report_zone`).
async fn rollups_and_tasks_agree_at_any_cut(h: Harness) {
    const WIB: i64 = 7 * 3_600_000;
    assert!(h.store.ensure_report_zone(WIB).await.unwrap());
    assert!(!h.store.ensure_report_zone(WIB).await.unwrap());
    assert!(h.store.ensure_report_basis(30_600).await.unwrap());
    let (_, now) = scene(&h).await;
    // And a case submitted at 03:00 WIB on Sunday 1 November (20:00 UTC on 31 October), its
    // registration open since: a day of the office that is another day in UTC.
    h.submit(wib(2026, 11, 1, 3, 0)).await;
    let first = figures_at_every_cut(&h, now).await;
    assert!(h.store.ensure_report_zone(0).await.unwrap());
    assert_eq!(figures_at_every_cut(&h, now).await, first);
    assert!(h.store.ensure_report_zone(WIB).await.unwrap());
    assert_eq!(figures_at_every_cut(&h, now).await, first);
}

/// The figures of [`rollups_and_tasks_agree_at_any_cut`], checked alike at four cuts, once per
/// scope and grouping.
async fn figures_at_every_cut(h: &Harness, now: DateTime<Utc>) -> Vec<String> {
    let utc = |y, m, d| {
        chrono::TimeZone::with_ymd_and_hms(&Utc, y, m, d, 0, 0, 0)
            .single()
            .unwrap()
    };
    // The November tasks lie at 03:00 WIB on 1 November and between 08:00 and 08:25 WIB on 2
    // November: the office's month (whole rows in WIB), UTC days (rows and seven hours at each
    // edge), hours alone, and hours, days and hours.
    let cuts = |opd: Option<OpdId>, sop: Option<&str>| {
        [
            (wib(2026, 11, 1, 0, 0), wib(2026, 12, 1, 0, 0)),
            (utc(2026, 10, 31), utc(2026, 12, 1)),
            (wib(2026, 11, 1, 2, 0), wib(2026, 11, 2, 9, 0)),
            (wib(2026, 11, 1, 2, 30), wib(2026, 11, 20, 9, 0)),
        ]
        .map(|(from, until)| ReportFilter {
            from,
            until,
            opd,
            sop_code: sop.map(str::to_owned),
        })
    };
    let mut figures = Vec::new();
    for (opd, sop) in [
        (None, None),
        (Some(h.opd), None),
        (None, Some(SOP)),
        (Some(h.other_opd), Some(SOP)),
        (None, Some("sop-lain")),
    ] {
        let filters = cuts(opd, sop);
        for grouping in [
            Grouping::Step,
            Grouping::Position,
            Grouping::Person,
            Grouping::Opd,
        ] {
            let first = h
                .store
                .compliance(&filters[0], grouping, now)
                .await
                .unwrap();
            assert_eq!(first.is_empty(), sop == Some("sop-lain"), "{grouping:?}");
            for filter in &filters[1..] {
                let other = h.store.compliance(filter, grouping, now).await.unwrap();
                assert_eq!(other, first, "{grouping:?} {opd:?} {sop:?} {filter:?}");
            }
            figures.push(format!("{grouping:?} {opd:?} {sop:?} {first:?}"));
        }
        let counts = h.store.cases_in_period(&filters[0]).await.unwrap();
        let within = h.store.finished_within_standard(&filters[0]).await.unwrap();
        let overdue = h.store.overdue_cases(&filters[0], now).await.unwrap();
        let whole = h.store.case_compliance(&filters[0], 30_600).await.unwrap();
        for filter in &filters[1..] {
            assert_eq!(h.store.cases_in_period(filter).await.unwrap(), counts);
            assert_eq!(
                h.store.finished_within_standard(filter).await.unwrap(),
                within
            );
        }
        figures.push(format!(
            "{opd:?} {sop:?} {counts:?} {within:?} {overdue:?} {whole:?}"
        ));
    }
    assert_eq!(figures.len(), 5 * 5);
    // Every OPD, every SOP: the six cases submitted on 1 and 2 November, none closed; the
    // finished tasks are the six submissions (step 1, met), five registrations (3, 5, 7, 20
    // and 10 min against 5: two met) and A's disposition (21 min against 10, missed).
    let all = cuts(None, None);
    for filter in &all {
        assert_eq!(
            h.store.cases_in_period(filter).await.unwrap(),
            PeriodCounts {
                submitted: 6,
                ..PeriodCounts::default()
            }
        );
        assert_eq!(
            h.store.finished_within_standard(filter).await.unwrap(),
            (12, 8)
        );
    }
    figures
}

contract!(
    maintenance_coverage_per_opd,
    compliance_per_step_counts_shares_and_percentiles,
    compliance_per_position_person_and_opd,
    drill_down_lists_the_tasks_behind_a_figure,
    whole_case_compliance_sums_steps,
    dashboard_counts_agree_by_status_and_step,
    rollups_and_tasks_agree_at_any_cut,
);

/// The benchmark's generator clones finished and open cases straight into the tables: the
/// triggers count the clones' tasks and cases, and the generator counts their whole cases
/// with the working day the database was counted with, so the rollup's figures are the ones
/// counted from the tasks (SQLite only: the generator grows SQLite files).
#[tokio::test]
async fn the_generators_clones_are_counted_as_their_tasks_say() {
    let h = harness("sqlite").await.unwrap();
    // Counted in the office's clock (WIB), as a server leaves the demo's database.
    assert!(h.store.ensure_report_zone(7 * 3_600_000).await.unwrap());
    assert!(h.store.ensure_report_basis(30_600).await.unwrap());
    let t = wib(2026, 11, 2, 8, 0);
    walk_to_done(&h, t, wib(2026, 11, 2, 9, 0)).await;
    let open = h.submit(t).await.case.id;
    let _ = open;
    let path = h.url.trim_start_matches("sqlite://").to_owned();
    h.store.close().await;
    pelihara_store::generate::grow(
        &path,
        pelihara_store::generate::Spec {
            done: 40,
            open: 10,
            open_spread_days: 3,
        },
    )
    .await
    .unwrap();
    let store = pelihara_store::Store::open(&h.url).await.unwrap();
    // The clones of the done case spread over the year before it: the whole year and then
    // some, through the rollup (the basis matches) and from the tasks (another day's worth
    // asked first, then the same figures compared).
    let year = ReportFilter {
        from: wib(2025, 1, 1, 0, 0),
        until: wib(2027, 1, 1, 0, 0),
        opd: None,
        sop_code: None,
    };
    let kept = store.case_compliance(&year, 30_600).await.unwrap();
    assert_eq!(kept.iter().map(|row| row.cases).sum::<u64>(), 41);
    assert!(store.ensure_report_basis(30_601).await.unwrap());
    assert!(store.ensure_report_basis(30_600).await.unwrap());
    assert_eq!(store.case_compliance(&year, 30_600).await.unwrap(), kept);
    let counts = store.cases_in_period(&year).await.unwrap();
    assert_eq!((counts.submitted, counts.done), (52, 41));
    let now = wib(2026, 11, 2, 8, 30);
    for grouping in [Grouping::Step, Grouping::Person] {
        let rows = store.compliance(&year, grouping, now).await.unwrap();
        assert!(rows.iter().map(|row| row.finished).sum::<u64>() > 0);
        // Cut differently (two halves), the same totals.
        let halves = [
            ReportFilter {
                until: wib(2026, 6, 15, 12, 0),
                ..year.clone()
            },
            ReportFilter {
                from: wib(2026, 6, 15, 12, 0),
                ..year.clone()
            },
        ];
        let mut finished = 0;
        for half in &halves {
            finished += store
                .compliance(half, grouping, now)
                .await
                .unwrap()
                .iter()
                .map(|row| row.finished)
                .sum::<u64>();
        }
        assert_eq!(finished, rows.iter().map(|row| row.finished).sum::<u64>());
    }
    // What the triggers counted under the clones is what counting every task again gives.
    let step = store.compliance(&year, Grouping::Step, now).await.unwrap();
    let whole = store.case_compliance(&year, 30_600).await.unwrap();
    assert!(store.ensure_report_zone(0).await.unwrap());
    assert!(store.ensure_report_zone(7 * 3_600_000).await.unwrap());
    assert_eq!(
        store.compliance(&year, Grouping::Step, now).await.unwrap(),
        step
    );
    assert_eq!(store.case_compliance(&year, 30_600).await.unwrap(), whole);
    store.close().await;
}
