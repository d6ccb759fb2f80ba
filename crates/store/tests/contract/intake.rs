//! Cases of SOPs other than Demak's (migration 0015): an employee's leave request has no OPD,
//! no app and no letter, and keeps its start form's fields; it is written, read back (point
//! read, lists, inbox) and moved on like any other case.

use std::collections::BTreeMap;

use pelihara_domain::*;
use pelihara_store::people::NewUser;
use pelihara_store::{AuditSource, CaseFilter};

use super::{Harness, harness, wib};

const LEAVE_TEXT: &str = include_str!("../../../../sop/pemberian-izin-cuti.toml");

async fn a_case_without_opd_app_or_letter_round_trips(mut h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let leave = pelihara_sop::parse_definition("pemberian-izin-cuti.toml", LEAVE_TEXT).unwrap();
    h.store
        .load_sop(&leave, LEAVE_TEXT, &system, t)
        .await
        .unwrap();
    h.store
        .publish_sop(&leave.header.code, leave.header.version, &system, t)
        .await
        .unwrap();
    // The catalog as the server builds it from the store.
    h.catalog = h.store.sop_catalog().await.unwrap();
    let leave = h.catalog.current(&leave.header.code).unwrap();
    let employee = h
        .store
        .create_user(
            NewUser {
                username: "siti".into(),
                full_name: "Siti Pegawai".into(),
                nip: None,
                email: None,
                role: Role::Staff,
                positions: Vec::new(),
                opd_id: None,
                password_hash: "not-a-real-hash".into(),
            },
            &system,
            t,
        )
        .await
        .unwrap();
    let employee = h.store.actor(employee).await.unwrap().unwrap();
    let input = SubmitInput {
        subject: "Cuti tahunan".into(),
        description: "Keperluan keluarga".into(),
        intake: BTreeMap::from([("lama_cuti".to_owned(), "3".to_owned())]),
        tracking_code: "PLH-CUTI0001".into(),
        ..SubmitInput::default()
    };
    let submitted = h
        .store
        .submit_case(
            &leave,
            &h.calendar,
            &employee,
            input,
            t,
            &h.source(&employee),
        )
        .await
        .unwrap();
    let id = submitted.case.id;
    let stored = h.store.case_state(id).await.unwrap().unwrap();
    assert_eq!(stored.case, submitted.case);
    assert_eq!(stored.case.opd_id, None);
    assert_eq!(stored.case.app_id, None);
    assert_eq!(stored.case.letter, None);
    assert!(!stored.case.counts_as_maintenance);
    assert_eq!(
        stored.case.intake.get("lama_cuti").map(String::as_str),
        Some("3")
    );
    assert_eq!(stored.tasks, submitted.tasks);
    assert!(matches!(
        stored.entries[0].record,
        Record::Submission { letter: None }
    ));

    // The lists and the inbox show it with no OPD and no app.
    let listed = h.store.list_cases(None, 50).await.unwrap();
    let row = listed.iter().find(|row| row.id == id).unwrap();
    assert_eq!(
        (row.opd_id, row.opd_name.as_str(), row.app_name.as_str()),
        (None, "", "")
    );
    let page = h
        .store
        .case_page(&CaseFilter::default(), None, 50)
        .await
        .unwrap();
    assert!(
        page.cases
            .iter()
            .any(|row| row.id == id && row.opd_id.is_none())
    );
    let next = stored.active_task().unwrap().clone();
    let inbox = h
        .store
        .inbox(std::slice::from_ref(&next.position), None, None, 50)
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].opd_name.as_str(), inbox[0].app_name.as_str()),
        ("", "")
    );

    // The next step's holder moves it on; the version guard and merge work as for any case.
    let holder = h
        .store
        .create_user(
            NewUser {
                username: "kasubbag".into(),
                full_name: "Kasubbag".into(),
                nip: None,
                email: None,
                role: Role::Staff,
                positions: vec![next.position.clone()],
                opd_id: None,
                password_hash: "not-a-real-hash".into(),
            },
            &system,
            t,
        )
        .await
        .unwrap();
    let holder = h.store.actor(holder).await.unwrap().unwrap();

    // Returned for completion: the task waiting on the employee who asked is in their own
    // inbox (no OPD's operators wait on it), and they resubmit.
    let returned = h
        .act(
            id,
            &holder,
            t,
            Command::ReturnToOpd {
                reason: "Lampirkan jadwal".into(),
            },
        )
        .await;
    assert_eq!(returned.case.status, CaseStatus::Returned);
    let own = h
        .store
        .inbox(&[], None, Some(employee.user.id), 50)
        .await
        .unwrap();
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0].task.case_id, id);
    assert_eq!(own[0].task.claimed_by, Some(employee.user.id));
    // Not in a colleague's.
    assert!(
        h.store
            .inbox(&[], None, Some(holder.user.id), 50)
            .await
            .unwrap()
            .is_empty()
    );
    h.act(
        id,
        &employee,
        t,
        Command::Resubmit {
            note: "Jadwal dilampirkan".into(),
            letter: None,
        },
    )
    .await;

    let moved = h
        .act(
            id,
            &holder,
            t,
            Command::Record {
                note: "Diteruskan".into(),
            },
        )
        .await;
    assert!(moved.case.current_step > next.step_no);
    let reread = h.store.case_state(id).await.unwrap().unwrap();
    assert_eq!(reread.case.version, moved.case.version);
    assert_eq!(reread.case.letter, None);
    assert_eq!(reread.case.intake, stored.case.intake);
    // Whoever asked sees their own request; staff see it as they see every case.
    assert!(may_view(&employee, &reread.case));
    assert!(!may_view(&h.operator, &reread.case));
}

contract!(a_case_without_opd_app_or_letter_round_trips);
