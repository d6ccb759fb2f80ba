//! The register journey in Chromium: an admin adds an app, filters and searches the list,
//! opens an app, imports a file with a bad row (row errors shown, nothing changed), and
//! Pelaksana prepares a draft request for an overdue app; the OPD operator sees only its own
//! apps and confirms the draft with its letter, which turns it into a case. Screenshots at
//! 1366 and 390 px wide.

use chrono::{Duration, TimeZone, Utc};
use pelihara_i18n::{Lang, t};
use pelihara_store::AuditSource;
use pelihara_store::register::{NewApp, RegisterFilter};
use pelihara_web::testing::{TEST_PASSWORD, seed_people};

use crate::support::clock::TestClock;
use crate::support::{Browser, Server};

fn id(key: &str) -> String {
    t(Lang::Id, key)
}

/// Clicks the button `text` (see [`Browser::press`]).
async fn press(browser: &Browser, text: &str) {
    browser.press(text).await;
}

async fn app_count(server: &Server) -> usize {
    server
        .test
        .services
        .store
        .register(&RegisterFilter::default())
        .await
        .unwrap()
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_from_adding_an_app_to_a_confirmed_draft() {
    // Monday 2 November 2026, 09.00 WIB.
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap());
    let server = Server::start_with_clock(clock.clock()).await;
    let people = seed_people(&server.test.services).await;
    let store = &server.test.services.store;
    let system = AuditSource::cli("e2e");
    // Registered fourteen months ago and never maintained: overdue.
    let old = |name: &str| NewApp {
        name: name.into(),
        url: format!(
            "https://{}.demakkab.go.id",
            name.to_lowercase().replace(' ', "")
        ),
        ..NewApp::default()
    };
    store
        .create_app(
            people.opd,
            old("Antrean Puskesmas"),
            &system,
            clock.now() - Duration::days(425),
        )
        .await
        .unwrap();
    store
        .create_app(people.other_opd, old("Rapor Digital"), &system, clock.now())
        .await
        .unwrap();
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };

    // The admin adds an app through the form.
    browser.sign_in("admin", TEST_PASSWORD).await;
    browser.goto("/aplikasi").await;
    browser.click_link_with_text(&id("register-add")).await;
    browser
        .wait_for_path("the add form", |path| path == "/aplikasi/baru")
        .await;
    browser.fill("opd_id", "Dinas Kesehatan (DINKES)").await;
    browser.fill("name", "SIMPUS").await;
    browser.fill("url", "https://simpus.demakkab.go.id").await;
    browser.fill("domain", "simpus.demakkab.go.id").await;
    press(&browser, &id("register-save")).await;
    browser
        .wait_for_path("the new app's page", |path| {
            path.starts_with("/aplikasi/") && path.contains("saved=1")
        })
        .await;
    browser.wait_for_text(&id("register-saved")).await;
    assert_eq!(app_count(&server).await, 3);

    // Search and filter.
    browser.goto("/aplikasi").await;
    browser.fill("q", "antrean").await;
    browser.click_button_with_text(&id("register-filter")).await;
    browser
        .wait_for_path("the searched list", |path| path.contains("q=antrean"))
        .await;
    let page = browser.text().await;
    assert!(page.contains("Antrean Puskesmas"));
    assert!(!page.contains("SIMPUS"));
    browser.goto("/aplikasi").await;
    browser.fill("due", "overdue").await;
    browser.click_button_with_text(&id("register-filter")).await;
    browser
        .wait_for_path("the overdue list", |path| path.contains("due=overdue"))
        .await;
    let page = browser.text().await;
    assert!(page.contains("Antrean Puskesmas"));
    assert!(!page.contains("SIMPUS"));
    assert!(!page.contains("Rapor Digital"));
    browser.screenshot("register-01-overdue-1366").await;

    // A file with one bad row: the row's errors, and nothing imported.
    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("aplikasi.csv");
    std::fs::write(
        &bad,
        "Nama Aplikasi;Kode OPD;URL\nSIPD;DINKES;https://sipd.demakkab.go.id\nSIAK;DINSOS;https://siak.demakkab.go.id\n",
    )
    .unwrap();
    browser.goto("/aplikasi/impor").await;
    browser.upload("file", &bad).await;
    browser.click_button_with_text(&id("register-import")).await;
    browser.wait_for_text("OPD tidak dikenal.").await;
    assert_eq!(app_count(&server).await, 3, "nothing imported");
    browser.screenshot("register-02-import-errors-1366").await;

    // Pelaksana opens the overdue app and prepares a draft request.
    browser.forget_cookies().await;
    browser.sign_in("pelaksana", TEST_PASSWORD).await;
    browser.goto("/aplikasi?due=overdue").await;
    browser.click_link_with_text("Antrean Puskesmas").await;
    browser.wait_for_text(&id("register-prepare-draft")).await;
    browser
        .click_button_with_text(&id("register-prepare-draft"))
        .await;
    browser.wait_for_text(&id("register-draft-prepared")).await;
    browser.screenshot("register-03-draft-prepared-1366").await;
    assert_eq!(store.open_drafts(None).await.unwrap().len(), 1);

    // The OPD operator: only its own apps; the draft on its requests page.
    browser.forget_cookies().await;
    browser.sign_in("op.dinkes", TEST_PASSWORD).await;
    browser.goto("/aplikasi").await;
    let page = browser.text().await;
    assert!(page.contains("Antrean Puskesmas"));
    assert!(page.contains("SIMPUS"));
    assert!(!page.contains("Rapor Digital"), "another OPD's app");
    browser.goto("/permohonan").await;
    browser.wait_for_text(&id("register-drafts-title")).await;
    browser.resize(390, 844).await;
    browser.screenshot("register-04-drafts-390").await;
    browser.resize(1366, 900).await;
    browser
        .click_link_with_text(&id("register-draft-confirm"))
        .await;
    browser
        .wait_for_path("the confirming form", |path| {
            path.starts_with("/permohonan/baru?draf=")
        })
        .await;
    browser
        .wait_for_text("Pemeliharaan berkala Antrean Puskesmas")
        .await;
    let letter = files.path().join("surat.pdf");
    std::fs::write(&letter, crate::support::pdf::letter("Pemeliharaan berkala")).unwrap();
    browser.upload("letter", &letter).await;
    press(&browser, &id("web-submit-request")).await;
    browser
        .wait_for_path("the new case page", |path| {
            path.starts_with("/permohonan/") && path.ends_with("?baru=1")
        })
        .await;
    browser
        .wait_for_text("Pemeliharaan berkala Antrean Puskesmas")
        .await;
    assert!(store.open_drafts(None).await.unwrap().is_empty());
    let cases = store.list_cases(None, 10).await.unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].app_name, "Antrean Puskesmas");
    browser.goto("/permohonan").await;
    assert!(!browser.text().await.contains(&id("register-drafts-title")));
    browser.resize(390, 844).await;
    browser.goto("/aplikasi").await;
    browser.screenshot("register-05-operator-list-390").await;
    browser.close().await;
}
