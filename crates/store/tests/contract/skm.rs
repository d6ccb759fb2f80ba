//! The satisfaction survey (SKM) on both backends: the OPD's acceptance makes one invitation
//! in its own transaction (a staff decision makes none), a link finds it by its token's hash,
//! an answer is stored once and never after the expiry, and the period's totals summed in SQL
//! give the hand-worked NRR, IKM, conversion and grade, at every band edge.

use chrono::{DateTime, Duration, Utc};
use pelihara_domain::skm::{AnswerForm, Grade, Score, SurveyAnswer, Totals, Unsur, token_sha256};
use pelihara_domain::*;
use pelihara_store::skm::AnswerOutcome;

use super::{Harness, harness, wib};

/// Runs a case from submission to the OPD's acceptance at `t`.
async fn accepted(h: &Harness, t: DateTime<Utc>) -> CaseId {
    let case = h.to_analysis(t).await;
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
    // Before the OPD answers, there is no invitation.
    assert_eq!(h.store.skm_invitation_for_case(case).await.unwrap(), None);
    let done = h
        .act(
            case,
            &h.operator,
            t,
            Command::Accept {
                note: String::new(),
            },
        )
        .await;
    assert_eq!(done.case.status, CaseStatus::Done);
    case
}

fn answer(values: [u8; 9], suggestion: &str) -> SurveyAnswer {
    let texts = values.map(|value| value.to_string());
    let form = AnswerForm {
        scores: std::array::from_fn(|index| Some(texts[index].as_str())),
        age: "41",
        sex: "p",
        education: "s1",
        occupation: "pns",
        suggestion,
    };
    SurveyAnswer::parse(&form).unwrap()
}

async fn acceptance_invites_once_and_an_answer_counts_once(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    let events = h.store.verify_audit().await.unwrap().events;
    let case = accepted(&h, t).await;
    let invitation = h
        .store
        .skm_invitation_for_case(case)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(invitation.opd_id, h.opd);
    assert_eq!(invitation.invited_at, t);
    // 30 days, whatever the calendar.
    assert_eq!(invitation.expires_at, t + Duration::days(30));
    assert_eq!(invitation.answered_at, None);
    // The invitation is part of the acceptance's write: no event of its own.
    let after = h.store.verify_audit().await.unwrap();
    assert_eq!(after.events, events + 1 + 9);
    assert_eq!(after.first_bad, None);

    // The OPD sees it among its own; another OPD does not.
    let own = h.store.skm_invitations_for_opd(h.opd, 10).await.unwrap();
    assert_eq!(own.len(), 1);
    assert!(own[0].tracking_code.starts_with("PLH-"));
    assert!(
        h.store
            .skm_invitations_for_opd(h.other_opd, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Waiting to be announced, once.
    let pending = h.store.skm_unannounced(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    h.store.mark_skm_announced(invitation.id, t).await.unwrap();
    assert!(h.store.skm_unannounced(10).await.unwrap().is_empty());

    // A link is found by its token's hash, never by the token.
    let token = "0123456789abcdef0123456789abcdef";
    h.store
        .add_skm_link(invitation.id, &token_sha256(token), t)
        .await
        .unwrap();
    let found = h
        .store
        .skm_invitation_by_token(&token_sha256(token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, invitation.id);
    assert_eq!(h.store.skm_invitation_by_token(token).await.unwrap(), None);

    // Answered once; the second answer changes nothing.
    let source = pelihara_store::AuditSource::cli("test");
    let at = t + Duration::days(3);
    let first = answer([4, 3, 2, 4, 3, 3, 4, 3, 3], "Lebih cepat lagi");
    assert_eq!(
        h.store
            .answer_skm(invitation.id, &first, &source, at)
            .await
            .unwrap(),
        AnswerOutcome::Recorded
    );
    let second = answer([1; 9], "");
    assert_eq!(
        h.store
            .answer_skm(invitation.id, &second, &source, at)
            .await
            .unwrap(),
        AnswerOutcome::AlreadyAnswered
    );
    assert_eq!(
        h.store
            .answer_skm(uuid::Uuid::new_v4(), &second, &source, at)
            .await
            .unwrap(),
        AnswerOutcome::Unknown
    );
    let month = (wib(2026, 11, 1, 0, 0), wib(2026, 12, 1, 0, 0));
    let totals = h.store.skm_totals(month.0, month.1).await.unwrap();
    assert_eq!(totals.responses, 1);
    assert_eq!(totals.sums, [4, 3, 2, 4, 3, 3, 4, 3, 3]);
    let suggestions = h.store.skm_suggestions(month.0, month.1, 10).await.unwrap();
    assert_eq!(suggestions.len(), 1);
    assert_eq!(suggestions[0].text, "Lebih cepat lagi");
    assert_eq!(suggestions[0].at, at);
    // One event for the answer, none for the refused ones.
    assert_eq!(
        h.store.verify_audit().await.unwrap().events,
        events + 1 + 9 + 1
    );

    // A second acceptance never happens for a done case, and a staff decision invites nobody:
    // only an acceptance on the OPD's task does (covered by the engine's step 9 here).
    assert_eq!(
        h.store
            .skm_invitations_for_opd(h.opd, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn an_invitation_expires_after_thirty_days(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    let source = pelihara_store::AuditSource::cli("test");
    let late = accepted(&h, t).await;
    let late = h
        .store
        .skm_invitation_for_case(late)
        .await
        .unwrap()
        .unwrap();
    let on_time = accepted(&h, t).await;
    let on_time = h
        .store
        .skm_invitation_for_case(on_time)
        .await
        .unwrap()
        .unwrap();
    let scores = answer([3; 9], "");
    // The last millisecond works; the expiry moment itself does not.
    let expiry = t + Duration::days(30);
    assert_eq!(
        h.store
            .answer_skm(late.id, &scores, &source, expiry)
            .await
            .unwrap(),
        AnswerOutcome::Expired
    );
    assert_eq!(
        h.store
            .answer_skm(
                on_time.id,
                &scores,
                &source,
                expiry - Duration::milliseconds(1)
            )
            .await
            .unwrap(),
        AnswerOutcome::Recorded
    );
    let all = h
        .store
        .skm_totals(wib(2026, 1, 1, 0, 0), wib(2027, 1, 1, 0, 0))
        .await
        .unwrap();
    assert_eq!(all.responses, 1);
}

/// `responses` answers whose scores add up to `all` (each answer 9..=36).
fn spread(responses: u64, all: u64) -> Vec<[u8; 9]> {
    let mut left = all;
    let mut rows = Vec::new();
    for index in 0..responses {
        let others = responses - index - 1;
        let budget = (left - others * 9).min(36);
        let mut extra = budget - 9;
        let mut row = [1u8; 9];
        for cell in &mut row {
            let add = extra.min(3);
            *cell += u8::try_from(add).unwrap();
            extra -= add;
        }
        left -= budget;
        rows.push(row);
    }
    assert_eq!(left, 0);
    rows
}

/// Seeded periods, one month each, whose converted IKM lands on each side of each band edge;
/// every expected value is worked out by hand in the comment beside it, and the store's SQL
/// sums feed the arithmetic.
async fn band_edges_from_seeded_responses(h: Harness) {
    let source = pelihara_store::AuditSource::cli("test");
    // (month of 2025, responses, sum of all scores, IKM shown, converted shown, grade)
    let table: [(u32, u64, u64, &str, &str, Grade); 6] = [
        // 0.111 x 445 / 19 = 49.395 / 19 = 2.5997 -> 2.60; x 25 = 64.993 -> 64.99: D
        (1, 19, 445, "2.60", "64.99", Grade::D),
        // 0.111 x 609 / 26 = 2.5999 -> 2.60; x 25 = 64.9990 -> 65.00: C
        (2, 26, 609, "2.60", "65.00", Grade::C),
        // 0.111 x 1049 / 38 = 3.0642 -> 3.06; x 25 = 76.604 -> 76.60: C
        (3, 38, 1049, "3.06", "76.60", Grade::C),
        // 0.111 x 635 / 23 = 3.0646 -> 3.06; x 25 = 76.614 -> 76.61: B
        (4, 23, 635, "3.06", "76.61", Grade::B),
        // 0.111 x 350 / 11 = 3.5318 -> 3.53; x 25 = 88.295 -> 88.30: B
        (5, 11, 350, "3.53", "88.30", Grade::B),
        // 0.111 x 541 / 17 = 3.5324 -> 3.53; x 25 = 88.310 -> 88.31: A
        (6, 17, 541, "3.53", "88.31", Grade::A),
    ];
    for (month, responses, all, _, _, _) in table {
        let at = wib(2025, month, 10, 9, 0);
        let answers: Vec<_> = spread(responses, all)
            .into_iter()
            .map(|row| (at, answer(row, "")))
            .collect();
        h.store
            .insert_skm_responses(&answers, &source, at)
            .await
            .unwrap();
    }
    for (month, responses, all, ikm, converted, grade) in table {
        let from = wib(2025, month, 1, 0, 0);
        let to = wib(2025, month + 1, 1, 0, 0);
        let totals = h.store.skm_totals(from, to).await.unwrap();
        assert_eq!(totals.responses, responses, "month {month}");
        assert_eq!(totals.sums.iter().sum::<u64>(), all, "month {month}");
        let summary = pelihara_domain::skm::result(&totals);
        assert_eq!(summary.ikm.two_decimals(), ikm, "month {month}");
        assert_eq!(summary.converted.two_decimals(), converted, "month {month}");
        assert_eq!(summary.grade, Some(grade), "month {month}");
    }

    // A half-year over the first three months: 83 responses, 2103 points.
    // Per unsur, the spread fills the first unsur first; the NRR of U1 is its sum / 83.
    let totals = h
        .store
        .skm_totals(wib(2025, 1, 1, 0, 0), wib(2025, 4, 1, 0, 0))
        .await
        .unwrap();
    assert_eq!(totals.responses, 19 + 26 + 38);
    assert_eq!(totals.sums.iter().sum::<u64>(), 445 + 609 + 1049);
    // 0.111 x 2103 / 83 x 25 = 5835.825 / 83 = 70.311 -> 70.31: C
    let summary = pelihara_domain::skm::result(&totals);
    assert_eq!(summary.converted.two_decimals(), "70.31");
    assert_eq!(summary.grade, Some(Grade::C));

    // Hand-checked NRR per unsur for a tiny period: two answers in July.
    let at = wib(2025, 7, 3, 10, 0);
    h.store
        .insert_skm_responses(
            &[
                (at, answer([4, 3, 2, 4, 3, 3, 4, 3, 3], "")),
                (
                    at,
                    answer([3, 3, 3, 4, 2, 3, 4, 3, 4], "Ruang tunggu panas"),
                ),
            ],
            &source,
            at,
        )
        .await
        .unwrap();
    let totals = h
        .store
        .skm_totals(wib(2025, 7, 1, 0, 0), wib(2025, 8, 1, 0, 0))
        .await
        .unwrap();
    let mut expected = Totals::default();
    expected.add(&[4, 3, 2, 4, 3, 3, 4, 3, 3].map(|v| Score::new(v).unwrap()));
    expected.add(&[3, 3, 3, 4, 2, 3, 4, 3, 4].map(|v| Score::new(v).unwrap()));
    assert_eq!(totals, expected);
    let summary = pelihara_domain::skm::result(&totals);
    let nrr: Vec<String> = summary
        .unsur
        .iter()
        .map(|line| line.nrr.two_decimals())
        .collect();
    // 7/2, 6/2, 5/2, 8/2, 5/2, 6/2, 8/2, 6/2, 7/2
    assert_eq!(
        nrr,
        [
            "3.50", "3.00", "2.50", "4.00", "2.50", "3.00", "4.00", "3.00", "3.50"
        ]
    );
    // Sum of NRR 29; IKM 29 x 0.111 = 3.219 -> 3.22; converted 80.475 -> 80.48: B.
    assert_eq!(summary.ikm.two_decimals(), "3.22");
    assert_eq!(summary.converted.two_decimals(), "80.48");
    assert_eq!(summary.grade, Some(Grade::B));
    assert_eq!(summary.weakest, vec![Unsur::Waktu, Unsur::Produk]);
}

contract!(
    acceptance_invites_once_and_an_answer_counts_once,
    an_invitation_expires_after_thirty_days,
    band_edges_from_seeded_responses,
);
