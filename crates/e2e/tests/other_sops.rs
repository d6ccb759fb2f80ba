//! The other shipped SOPs run in the browser as the Demak one does: the admin loads and
//! publishes the file on the page "SOP", the person the SOP lets start a case starts one on
//! its own form, and every position the engine hands a task to signs in, finds it in their
//! inbox and does the step on the case page, until the case is done. The leave request
//! (`pemberian-izin-cuti`) is started by an employee and goes through notes and paraf; the
//! weighing (`penimbangan-kendaraan-timbang-portable`) is started by a position holder, and its
//! decision is answered "no" once, which loops back to the start step.

use std::collections::BTreeSet;

use fantoccini::Locator;
use pelihara_domain::{CaseId, CaseStatus};
use pelihara_sop::SopDefinition;

use super::support::{Browser, Server};
use super::{id, inbox_row, visible_actions};

const LEAVE: &str = "pemberian-izin-cuti";
const WEIGHING: &str = "penimbangan-kendaraan-timbang-portable";

fn sop_path(code: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../sop/{code}.toml"))
}

fn definition(code: &str) -> SopDefinition {
    let path = sop_path(code);
    let text = std::fs::read_to_string(&path).unwrap();
    pelihara_sop::parse_definition(&path.display().to_string(), &text).unwrap()
}

/// The admin uploads the SOP file on `/admin/sop`, looks at its preview and publishes it.
async fn publish_through_the_admin_page(browser: &Browser, password: &str, code: &str) {
    browser.sign_in("admin", password).await;
    browser.goto("/admin/sop").await;
    browser.wait_for_text(&id("admin-title-sops")).await;
    browser.upload("file", &sop_path(code)).await;
    browser.click_button_with_text(&id("admin-sop-load")).await;
    let preview = format!("/admin/sop/{code}/{}", definition(code).header.version);
    browser
        .wait_for_path("the preview of the loaded SOP", |path| {
            path.starts_with(&preview)
        })
        .await;
    browser.wait_for_text(&id("admin-notice-sop-loaded")).await;
    // The preview draws the flowchart table as images of its pages.
    assert!(!browser.visible("figure.pl-sop-page img").await.is_empty());
    browser
        .click_button_with_text(&id("admin-sop-publish"))
        .await;
    browser
        .wait_for_text(&id("admin-notice-sop-published"))
        .await;
}

/// Submits the visible action form whose `aksi` is `action`, after filling what it requires.
async fn submit_action(browser: &Browser, action: &str) {
    let mut target = None;
    for form in browser.visible("form.pl-form").await {
        if let Ok(input) = form.find(Locator::Css("input[name=\"aksi\"]")).await
            && input.attr("value").await.unwrap().as_deref() == Some(action)
        {
            target = Some(form);
            break;
        }
    }
    let form = target.unwrap_or_else(|| panic!("no {action} form on the page"));
    let required = [
        ("record", "note", "Dicatat dan diteruskan."),
        ("send_back", "send-back-reason", "Konsep perlu diperbaiki."),
        ("resubmit", "resubmit-note", "Konsep sudah dibuat ulang."),
    ];
    for (aksi, field, text) in required {
        if aksi == action {
            browser.fill_by_id(field, text).await;
        }
    }
    form.find(Locator::Css("button[type=\"submit\"]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Walks a started case to its end through the pages; returns the positions that acted.
/// `starter` answers the requester's tasks; the decision is answered "no" `no_answers` times.
async fn walk_to_the_end(
    server: &Server,
    browser: &Browser,
    case: CaseId,
    subject: &str,
    starter: &str,
    password: &str,
    mut no_answers: u32,
) -> BTreeSet<String> {
    let store = &server.test.services.store;
    let mut acted = BTreeSet::new();
    for _ in 0..30 {
        let state = store.case_state(case).await.unwrap().unwrap();
        if state.case.status == CaseStatus::Done {
            return acted;
        }
        let task = state
            .tasks
            .iter()
            .find(|task| task.state.is_active())
            .unwrap_or_else(|| panic!("an open task on {:?}", state.case.status))
            .clone();
        let username = if task.position == pelihara_domain::OPD_POSITION {
            starter.to_owned()
        } else {
            task.position.clone()
        };
        browser.sign_in(&username, password).await;
        assert!(
            inbox_row(browser, subject).await.is_some(),
            "step {} is not in the inbox of {username}",
            task.step_no
        );
        browser.goto(&format!("/permohonan/{case}")).await;
        browser.wait_for_text(subject).await;
        let actions = visible_actions(browser).await;
        let action = if actions.iter().any(|action| action == "send_back") && no_answers > 0 {
            no_answers -= 1;
            "send_back"
        } else if let Some(action) = ["record", "paraf", "accept", "resubmit"]
            .into_iter()
            .find(|wanted| actions.iter().any(|action| action == wanted))
        {
            action
        } else {
            panic!(
                "{username} has no form for step {}: {actions:?}",
                task.step_no
            );
        };
        submit_action(browser, action).await;
        acted.insert(username);
        // The page answers after the action is stored: wait for the case to move on.
        let before = state.case.version;
        for _ in 0..100 {
            let now = store.case_state(case).await.unwrap().unwrap();
            if now.case.version > before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    panic!("the case did not end within 30 actions");
}

/// The staff the SOP's positions need (a user named after each position).
async fn staff_for(server: &Server, sop: &SopDefinition, extra: &[&str]) {
    let positions: BTreeSet<&str> = sop.positions().collect();
    let mut staff: Vec<(String, Vec<String>)> = positions
        .into_iter()
        .map(|position| (position.to_owned(), vec![position.to_owned()]))
        .collect();
    staff.extend(extra.iter().map(|name| ((*name).to_owned(), Vec::new())));
    pelihara_web::testing::seed_staff(&server.test.services, &staff).await;
}

/// The case id in the browser's address after a submission.
async fn submitted_case(browser: &Browser) -> CaseId {
    let path = browser
        .wait_for_path("the new case's page", |path| {
            path.starts_with("/permohonan/") && !path.starts_with("/permohonan/baru")
        })
        .await;
    let id = path
        .trim_start_matches("/permohonan/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .to_owned();
    CaseId::parse(&id).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employee_leave_request_goes_from_the_employee_to_done() {
    let server = Server::start().await;
    pelihara_web::testing::seed_people(&server.test.services).await;
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    let password = pelihara_web::testing::TEST_PASSWORD;
    publish_through_the_admin_page(&browser, password, LEAVE).await;
    let sop = definition(LEAVE);
    staff_for(&server, &sop, &["pegawai"]).await;

    // An employee holding no position starts it: the form is the SOP's own, no letter, no app.
    browser.sign_in("pegawai", password).await;
    browser.goto(&format!("/permohonan/baru?sop={LEAVE}")).await;
    browser.wait_for_text(&sop.header.title).await;
    assert!(!browser.has_field("letter").await && !browser.has_field("app_id").await);
    let subject = "Cuti tahunan pegawai";
    browser.fill("subject", subject).await;
    browser
        .fill("description", "Keperluan keluarga di luar kota.")
        .await;
    browser.fill("intake_lama_cuti", "3").await;
    browser.screenshot("leave-01-form").await;
    browser
        .click_button_with_text(&id("web-submit-request"))
        .await;
    let case = submitted_case(&browser).await;
    browser.wait_for_text(subject).await;

    let acted = walk_to_the_end(&server, &browser, case, subject, "pegawai", password, 0).await;
    // Every position of the SOP did its step, each signed in as themself.
    let positions: BTreeSet<String> = sop.positions().map(str::to_owned).collect();
    assert_eq!(acted, positions);

    // The employee sees their request done; at a phone's width too.
    browser.sign_in("pegawai", password).await;
    browser.goto(&format!("/permohonan/{case}")).await;
    browser.wait_for_text(&id("status-done")).await;
    // Its documents are the receipt and the SOP; no maintenance report for a leave.
    let page = browser.text().await;
    assert!(page.contains(&id("docs-kind-tanda-terima")) && page.contains(&id("docs-kind-sop")));
    assert!(!page.contains(&id("docs-kind-berita-acara")), "{page}");
    browser.screenshot("leave-02-done").await;
    browser.resize(390, 844).await;
    browser.goto(&format!("/permohonan/{case}")).await;
    browser.wait_for_text(&id("status-done")).await;
    browser.screenshot("leave-03-done-390").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weighing_is_refused_once_redone_and_goes_to_done() {
    let server = Server::start().await;
    pelihara_web::testing::seed_people(&server.test.services).await;
    let Some(browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    let password = pelihara_web::testing::TEST_PASSWORD;
    publish_through_the_admin_page(&browser, password, WEIGHING).await;
    let sop = definition(WEIGHING);
    staff_for(&server, &sop, &[]).await;

    // Only a holder of the administration position may start one.
    browser.sign_in("pelaksana", password).await;
    assert_eq!(
        browser
            .status_of(&format!("/permohonan/baru?sop={WEIGHING}"))
            .await,
        404
    );
    browser.sign_in("petugas_administrasi", password).await;
    browser
        .goto(&format!("/permohonan/baru?sop={WEIGHING}"))
        .await;
    browser.wait_for_text(&sop.header.title).await;
    let subject = "Penimbangan truk di jalan lingkar";
    browser.fill("subject", subject).await;
    browser
        .fill("description", "Konsep surat tugas penimbangan portabel.")
        .await;
    browser
        .click_button_with_text(&id("web-submit-request"))
        .await;
    let case = submitted_case(&browser).await;
    browser.wait_for_text(subject).await;

    // Step 2's other actors (the section and division heads) paraf the draft before the head
    // of office decides (`joint = "all"` on the decision): until both have, the head of office
    // has no form, and the heads have a paraf form and no answer of their own.
    browser.sign_in("kepala_dinas", password).await;
    browser.goto(&format!("/permohonan/{case}")).await;
    browser.wait_for_text(subject).await;
    assert!(
        visible_actions(&browser).await.is_empty(),
        "the head of office may answer before the paraf"
    );
    for co_actor in ["kepala_seksi", "kepala_bidang"] {
        browser.sign_in(co_actor, password).await;
        browser.goto(&format!("/permohonan/{case}")).await;
        browser.wait_for_text(subject).await;
        let actions = visible_actions(&browser).await;
        assert!(
            actions.iter().any(|action| action == "paraf")
                && !actions
                    .iter()
                    .any(|action| action == "accept" || action == "send_back"),
            "{co_actor} is offered {actions:?}"
        );
    }

    // The head of office answers "no" once: the draft goes back to step 1, is made again,
    // initialled again and comes to the head of office again.
    let acted = walk_to_the_end(
        &server,
        &browser,
        case,
        subject,
        "petugas_administrasi",
        password,
        1,
    )
    .await;
    let state = server
        .test
        .services
        .store
        .case_state(case)
        .await
        .unwrap()
        .unwrap();
    let decided_twice = state
        .tasks
        .iter()
        .filter(|task| task.step_no == 2 && task.position == "kepala_dinas")
        .count();
    assert_eq!(
        decided_twice, 2,
        "the decision was asked again after the loop"
    );
    for position in [
        "petugas_administrasi",
        "kepala_seksi",
        "kepala_bidang",
        "kepala_dinas",
        "petugas_operasional_lapangan",
    ] {
        assert!(
            acted.contains(position),
            "{position} did not act: {acted:?}"
        );
    }
    browser.screenshot("weighing-01-done").await;
    browser.close().await;
}
