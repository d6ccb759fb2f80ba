//! The request list's contract (`Store::case_page`): pages newest first without gaps or
//! repeats (cases submitted at the same instant included), filtered by OPD and status in the
//! database, with a next cursor exactly when more cases follow.

use chrono::{DateTime, Duration, Utc};
use pelihara_domain::register::AppFields;
use pelihara_domain::*;
use pelihara_store::{CaseCursor, CaseFilter, CaseSummary};

use super::{Harness, harness, wib};

/// Every page of `filter`, `size` cases at a time: the ids in order, and each page's length.
async fn walk(h: &Harness, filter: CaseFilter, size: i64) -> (Vec<CaseId>, Vec<usize>) {
    let mut ids = Vec::new();
    let mut pages = Vec::new();
    let mut after: Option<CaseCursor> = None;
    loop {
        let page = h.store.case_page(&filter, after, size).await.unwrap();
        pages.push(page.cases.len());
        ids.extend(page.cases.iter().map(|case| case.id));
        match page.next {
            Some(next) => {
                // The cursor survives the round trip through a link.
                after = Some(CaseCursor::parse(&next.token()).unwrap());
            }
            None => break,
        }
        assert!(pages.len() < 100, "paging does not end");
    }
    (ids, pages)
}

/// The list's order: newest first, then the larger id first.
fn ordered(mut cases: Vec<(DateTime<Utc>, CaseId)>) -> Vec<CaseId> {
    cases.sort_by(|a, b| b.cmp(a));
    cases.into_iter().map(|(_, id)| id).collect()
}

async fn the_request_list_pages_and_filters_in_the_database(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    // Another OPD with its own app and requests.
    let system = pelihara_store::AuditSource::cli("test");
    let other_app = h
        .store
        .create_register_app(
            h.other_opd,
            &AppFields {
                name: "Rapor Digital".into(),
                url: "https://rapor.demakkab.go.id".into(),
                status: "active".into(),
                ..AppFields::default()
            },
            &system,
            t,
        )
        .await
        .unwrap();
    let mut mine = Vec::new();
    let mut theirs = Vec::new();
    // Three pairs submitted at the same instant: the cursor's tie-break on the id must
    // neither skip nor repeat one of a pair across a page boundary.
    for minutes in [0, 0, 5, 5, 9, 9, 12] {
        let at = t + Duration::minutes(minutes);
        mine.push((at, h.submit(at).await.case.id));
    }
    for minutes in [1, 5, 20] {
        let at = t + Duration::minutes(minutes);
        let mut input = h.submit_input().await;
        input.opd_id = Some(h.other_opd);
        input.app_id = Some(other_app);
        let case = h
            .store
            .submit_case(
                &h.sop,
                &h.calendar,
                &h.other_operator,
                input,
                at,
                &h.source(&h.other_operator),
            )
            .await
            .unwrap();
        theirs.push((at, case.case.id));
    }
    let withdrawn = [mine[1].1, mine[4].1];
    for case in withdrawn {
        h.act(
            case,
            &h.operator,
            t + Duration::minutes(30),
            Command::Withdraw {
                reason: "Salah kirim".into(),
            },
        )
        .await;
    }

    let all = ordered(mine.iter().chain(&theirs).copied().collect());
    for size in [1, 2, 3, 4, 10, 11, 50] {
        let (ids, pages) = walk(&h, CaseFilter::default(), size).await;
        assert_eq!(ids, all, "pages of {size}");
        // A next cursor exactly when more follow: ten cases in pages of ten are one page.
        let size = usize::try_from(size).unwrap();
        assert_eq!(
            pages.len(),
            all.len().div_ceil(size).max(1),
            "pages of {size}"
        );
    }

    let only_mine = CaseFilter {
        opd: Some(h.opd),
        status: None,
        ..CaseFilter::default()
    };
    assert_eq!(walk(&h, only_mine, 3).await.0, ordered(mine.clone()));
    let only_theirs = CaseFilter {
        opd: Some(h.other_opd),
        status: None,
        ..CaseFilter::default()
    };
    assert_eq!(walk(&h, only_theirs, 2).await.0, ordered(theirs.clone()));

    let status = |status| CaseFilter {
        opd: None,
        status: Some(status),
        ..CaseFilter::default()
    };
    let (ids, _) = walk(&h, status(CaseStatus::Withdrawn), 1).await;
    assert_eq!(
        ids,
        ordered(
            mine.iter()
                .filter(|(_, id)| withdrawn.contains(id))
                .copied()
                .collect()
        )
    );
    let open_of_mine = CaseFilter {
        opd: Some(h.opd),
        status: Some(CaseStatus::Open),
        ..CaseFilter::default()
    };
    let (ids, _) = walk(&h, open_of_mine, 2).await;
    assert_eq!(
        ids,
        ordered(
            mine.iter()
                .filter(|(_, id)| !withdrawn.contains(id))
                .copied()
                .collect()
        )
    );
    let nothing = CaseFilter {
        opd: Some(h.other_opd),
        status: Some(CaseStatus::Done),
        ..CaseFilter::default()
    };
    let page = h.store.case_page(&nothing, None, 5).await.unwrap();
    assert!(page.cases.is_empty() && page.next.is_none());

    // The API's further filters: app, SOP, step, a window of submission, overdue.
    let of_app = CaseFilter {
        app: Some(other_app),
        ..CaseFilter::default()
    };
    assert_eq!(walk(&h, of_app, 2).await.0, ordered(theirs.clone()));
    let of_sop = CaseFilter {
        sop_code: Some(h.sop.header.code.clone()),
        ..CaseFilter::default()
    };
    assert_eq!(walk(&h, of_sop, 4).await.0, all);
    let unknown_sop = CaseFilter {
        sop_code: Some("tidak-ada".into()),
        ..CaseFilter::default()
    };
    assert!(walk(&h, unknown_sop, 4).await.0.is_empty());
    // Withdrawn cases stay at the step they were withdrawn from (2): every case is there.
    let at_step_2 = CaseFilter {
        step: Some(2),
        ..CaseFilter::default()
    };
    assert_eq!(walk(&h, at_step_2, 3).await.0, all);
    let at_step_3 = CaseFilter {
        step: Some(3),
        ..CaseFilter::default()
    };
    assert!(walk(&h, at_step_3, 3).await.0.is_empty());
    // From minute 5 (included) to minute 12 (excluded): 5, 5, 9, 9 of mine and 5 of theirs.
    let window = CaseFilter {
        submitted_from: Some(t + Duration::minutes(5)),
        submitted_before: Some(t + Duration::minutes(12)),
        ..CaseFilter::default()
    };
    let expected: Vec<_> = mine
        .iter()
        .chain(&theirs)
        .filter(|(at, _)| *at >= t + Duration::minutes(5) && *at < t + Duration::minutes(12))
        .copied()
        .collect();
    assert_eq!(expected.len(), 5);
    assert_eq!(walk(&h, window, 2).await.0, ordered(expected));
    // Registration is due within minutes of submission: nothing is overdue at the first
    // submission, every open case a week later.
    let overdue_then = CaseFilter {
        overdue_at: Some(t),
        ..CaseFilter::default()
    };
    assert!(walk(&h, overdue_then, 5).await.0.is_empty());
    let overdue_later = CaseFilter {
        overdue_at: Some(t + Duration::days(7)),
        ..CaseFilter::default()
    };
    let open: Vec<_> = mine
        .iter()
        .chain(&theirs)
        .filter(|(_, id)| !withdrawn.contains(id))
        .copied()
        .collect();
    assert_eq!(walk(&h, overdue_later, 5).await.0, ordered(open));

    // A page's rows say what the list shows, as the whole-list query says it.
    let page = h
        .store
        .case_page(&CaseFilter::default(), None, 50)
        .await
        .unwrap();
    let listed = h.store.list_cases(None, 50).await.unwrap();
    let shown = |case: &CaseSummary| {
        (
            case.id,
            case.tracking_code.clone(),
            case.opd_name.clone(),
            case.app_name.clone(),
            case.status,
            case.current_step,
            case.submitted_at,
            case.closed_at,
            case.due_at,
        )
    };
    let mut from_page: Vec<_> = page.cases.iter().map(shown).collect();
    let mut from_list: Vec<_> = listed.iter().map(shown).collect();
    from_page.sort_by_key(|row| row.0);
    from_list.sort_by_key(|row| row.0);
    assert_eq!(from_page, from_list);
    let first_open = page
        .cases
        .iter()
        .find(|case| case.status == CaseStatus::Open)
        .unwrap();
    assert!(
        first_open.due_at.is_some(),
        "an open case shows its due moment"
    );
    let first_withdrawn = page
        .cases
        .iter()
        .find(|case| case.status == CaseStatus::Withdrawn)
        .unwrap();
    assert_eq!(first_withdrawn.due_at, None);
    assert!(first_withdrawn.closed_at.is_some());
}

contract!(the_request_list_pages_and_filters_in_the_database);
