//! Starting cases of SOPs other than Demak's through the real router: the start form follows
//! the SOP's `[intake]` (no letter, no app, its extra fields), a missing field is refused in
//! Indonesian beside it with nothing created, and someone who may start several SOPs chooses.

use axum::http::StatusCode;
use pelihara_domain::CaseId;
use pelihara_web::testing;

use super::cases::{Part, Site};

const LEAVE: &str = include_str!("../../../../sop/pemberian-izin-cuti.toml");
const WEIGHING: &str = include_str!("../../../../sop/penimbangan-kendaraan-timbang-portable.toml");

/// The usual site with the leave and the weighing SOPs stored and in its catalog, and their
/// positions seeded (a staff user named after each position).
async fn site_with_other_sops() -> Site {
    let mut test = testing::services().await;
    let system = pelihara_store::AuditSource::cli("test");
    let now = test.services.clock.now();
    let store = &test.services.store;
    for (path, text) in [("cuti.toml", LEAVE), ("timbang.toml", WEIGHING)] {
        let sop = pelihara_sop::parse_definition(path, text).unwrap();
        store.load_sop(&sop, text, &system, now).await.unwrap();
        store
            .publish_sop(&sop.header.code, sop.header.version, &system, now)
            .await
            .unwrap();
    }
    test.services.catalog = store.shared_catalog().await.unwrap();
    Site::around(test).await
}

#[tokio::test]
async fn an_employee_starts_a_leave_request_and_a_missing_field_is_refused() {
    let site = site_with_other_sops().await;
    let store = &site.test.services.store;
    // Any staff member is an employee; this one holds a position of the maintenance SOP only.
    let employee = site.cookie("pelaksana").await;
    let form = site.get(&employee, "/permohonan/baru").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Pemberian Izin Cuti"), "{}", form.body);
    assert!(form.body.contains(r#"name="intake_lama_cuti""#));
    assert!(form.body.contains(r#"type="number""#));
    assert!(!form.body.contains(r#"name="letter""#), "no letter asked");
    assert!(!form.body.contains(r#"name="app_id""#), "no app asked");

    let reply = site
        .post(
            &employee,
            "/permohonan/baru",
            &[
                Part::Text("sop", "pemberian-izin-cuti"),
                Part::Text("subject", "Cuti tahunan"),
                Part::Text("description", "Keperluan keluarga"),
                Part::Text("intake_lama_cuti", " "),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains(r#"<div class="invalid-feedback" id="intake_lama_cuti-error">Lamanya cuti wajib diisi.</div>"#),
        "{}",
        reply.body
    );
    // What was typed is kept.
    assert!(reply.body.contains(r#"value="Cuti tahunan""#));
    assert!(store.list_cases(None, 10).await.unwrap().is_empty());

    let reply = site
        .post(
            &employee,
            "/permohonan/baru",
            &[
                Part::Text("sop", "pemberian-izin-cuti"),
                Part::Text("subject", "Cuti tahunan"),
                Part::Text("description", "Keperluan keluarga"),
                Part::Text("intake_lama_cuti", "3"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let id = reply
        .location
        .strip_prefix("/permohonan/")
        .and_then(|rest| rest.strip_suffix("?baru=1"))
        .and_then(CaseId::parse)
        .unwrap();
    let state = store.case_state(id).await.unwrap().unwrap();
    assert_eq!(state.case.sop_code, "pemberian-izin-cuti");
    assert_eq!(state.case.opd_id, None);
    assert_eq!(state.case.app_id, None);
    assert_eq!(state.case.letter, None);
    assert_eq!(
        state.case.intake.get("lama_cuti").map(String::as_str),
        Some("3")
    );

    // The case page shows the field and no letter; the list shows no OPD.
    let page = site.get(&employee, &reply.location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<dt>Lamanya cuti</dt>"), "{}", page.body);
    assert!(!page.body.contains(&format!("/permohonan/{id}/surat")));
    assert_eq!(
        site.get(&employee, &format!("/permohonan/{id}/surat"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = site.get(&employee, "/permohonan").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("<td>—</td>"), "{}", list.body);
    // The next step's holder finds it in their inbox.
    let next = state.active_task().unwrap().position.clone();
    let inbox = site.get(&site.cookie(&next).await, "/tugas").await;
    assert!(inbox.body.contains("Cuti tahunan"), "{}", inbox.body);

    // An OPD operator may not start it.
    let operator = site.cookie("op.dinkes").await;
    let form = site
        .get(&operator, "/permohonan/baru?sop=pemberian-izin-cuti")
        .await;
    assert_eq!(form.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn who_may_start_several_sops_chooses_first() {
    let site = site_with_other_sops().await;
    // A holder of the weighing SOP's starting position is an employee as well.
    let weighing = pelihara_sop::parse_definition("timbang.toml", WEIGHING).unwrap();
    let pelihara_sop::Requester::Position(position) = weighing.intake.requester.clone() else {
        panic!("the weighing SOP is started by a position");
    };
    let holder = site.cookie(&position).await;
    let chooser = site.get(&holder, "/permohonan/baru").await;
    assert_eq!(chooser.status, StatusCode::OK);
    assert!(
        chooser
            .body
            .contains("/permohonan/baru?sop=pemberian-izin-cuti")
    );
    assert!(
        chooser
            .body
            .contains(&format!("/permohonan/baru?sop={}", weighing.header.code))
    );
    assert!(
        !chooser.body.contains(r#"name="subject""#),
        "a choice, not a form"
    );
    let form = site
        .get(
            &holder,
            &format!("/permohonan/baru?sop={}", weighing.header.code),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&weighing.header.title));
    // The operator still goes straight to the maintenance request, with its letter and app.
    let operator = site.cookie("op.dinkes").await;
    let form = site.get(&operator, "/permohonan/baru").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="letter""#));
    assert!(form.body.contains(r#"name="app_id""#));
    // An SOP the person may not start is a 404, like one that does not exist.
    assert_eq!(
        site.get(&operator, "/permohonan/baru?sop=tidak-ada")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
