//! The Kepala Dinas reads the dashboard and the Mutu Baku report in Chromium and downloads it
//! as XLSX and PDF (issue 15): the OPD's operator submits a request through the page (step 1
//! finished within its standard), the dashboard counts it as submitted and in progress, the
//! report's links give a workbook and a PDF that hold the page's figures. The assessor fills
//! and signs the SOP monitoring form, and its PDF verifies at `/verifikasi`. Screenshots at
//! 1366 and 390 px wide.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::support::{Browser, Server, xpath_literal};
use super::{cast, dashboard_figure, id, letter_file, submit_request, working_morning};

/// The address of the link whose text is `text`.
async fn link_href(browser: &Browser, text: &str) -> String {
    let links = browser
        .visible_xpath(&format!("//a[normalize-space()={}]", xpath_literal(text)))
        .await;
    let link = links.first().unwrap_or_else(|| panic!("no link {text:?}"));
    link.attr("href").await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_reads_the_dashboard_and_downloads_the_report() {
    let clock = working_morning();
    let server = Server::start_with_clock(clock.clock()).await;
    let cast = cast(&server).await;
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let letter = letter_file(folder.path(), "surat.pdf", "Surat permohonan pemeliharaan");
    let subject = "Pemeliharaan website Dinas Kesehatan";
    submit_request(&browser, &cast, subject, &letter).await;

    // The dashboard: one request submitted this month, in progress at step 2.
    browser.sign_in(&cast.kepala_dinas, &cast.password).await;
    assert_eq!(
        dashboard_figure(&browser, "dashboard-tile-submitted").await,
        "1"
    );
    assert_eq!(dashboard_figure(&browser, "web-stat-open").await, "1");
    // Step 1 (the submission) was finished within its standard.
    assert_eq!(
        dashboard_figure(&browser, "report-tile-share").await,
        "100,0 %"
    );
    browser.screenshot("reports-01-dashboard").await;
    browser.resize(390, 844).await;
    browser.screenshot("reports-02-dashboard-390").await;
    browser.resize(1366, 900).await;

    // The whole report, by the dashboard's link.
    browser.click_link_with_text(&id("dashboard-more")).await;
    browser
        .wait_for_path("the Mutu Baku report", |path| {
            path.starts_with("/laporan/mutu-baku")
        })
        .await;
    browser.wait_for_text(&id("report-table-cases")).await;
    let page = browser.text().await;
    assert!(page.contains("Desember 2026"), "{page}");
    browser.screenshot("reports-03-compliance").await;
    browser.resize(390, 844).await;
    browser.screenshot("reports-04-compliance-390").await;
    browser.resize(1366, 900).await;

    // The XLSX the page links to holds its figures: step 1, one finished, 100,0 % within.
    let (status, bytes) = browser
        .download(&link_href(&browser, &id("report-download-xlsx")).await)
        .await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"PK"));
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names();
    let steps = workbook.worksheet_range(&names[0]).unwrap();
    let first_step = steps
        .rows()
        .find(|row| matches!(&row[0], Data::String(label) if label.starts_with("1. ")))
        .expect("step 1's row")
        .to_vec();
    assert_eq!(first_step[3], Data::Float(1.0));
    assert_eq!(first_step[5], Data::String("100,0 %".into()));

    // The PDF too, read back with pdftotext.
    let (status, bytes) = browser
        .download(&link_href(&browser, &id("report-download-pdf")).await)
        .await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"%PDF-"));
    let path = folder.path().join("mutu-baku.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in ["KEPATUHAN MUTU BAKU", "Desember 2026", "100,0 %"] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
    browser.close().await;
}

/// Scrolls the element with HTML id `element` to the middle of the window, at once.
async fn scroll_to(browser: &Browser, element: &str) {
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![serde_json::json!(element)],
        )
        .await
        .unwrap();
}

/// Scrolls the displayed button with `text` to the middle of the window, at once.
async fn scroll_to_button(browser: &Browser, text: &str) {
    let button = browser.button_with_text(text).await.expect("the button");
    browser
        .client
        .execute(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![serde_json::to_value(&button).unwrap()],
        )
        .await
        .unwrap();
}

/// The SOP monitoring form (PermenPAN-RB 35/2012): the admin appoints the Kabid assessor on
/// the users page; the Kabid opens the form of this half-year (proposed from the Mutu Baku
/// figures: step 1 finished within its standard), assesses every step, saves the draft and
/// paraf-signs it; the PDF the page links to holds the rows, and the verification page, opened
/// signed out from the address the PDF prints, says it is valid and byte-identical.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assessor_fills_and_signs_the_monitoring_form_and_it_verifies() {
    let clock = working_morning();
    let server = Server::start_with_clock(clock.clock()).await;
    let cast = cast(&server).await;
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let letter = letter_file(folder.path(), "surat.pdf", "Surat permohonan pemeliharaan");
    submit_request(&browser, &cast, "Pemeliharaan website Dinkes", &letter).await;

    // The admin appoints the Kabid on the users page.
    browser.sign_in("admin", &cast.password).await;
    browser.goto("/admin/pengguna").await;
    let kabid_row = format!(
        "//tr[.//span[contains(normalize-space(.), {})]]//button[normalize-space(.)={}]",
        xpath_literal(&cast.kabid),
        xpath_literal(&id("admin-assessor-grant"))
    );
    let buttons = browser.visible_xpath(&kabid_row).await;
    buttons
        .first()
        .expect("the Kabid's appoint button")
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text(&id("admin-notice-assessor-granted"))
        .await;

    // The Kabid fills the form of this half-year.
    browser.sign_in(&cast.kabid, &cast.password).await;
    browser.goto("/laporan/mutu-baku").await;
    browser.click_link_with_text(&id("monitoring-nav")).await;
    browser
        .wait_for_path("the monitoring page", |path| {
            path.starts_with("/laporan/monitoring-sop")
        })
        .await;
    browser
        .goto("/laporan/monitoring-sop?semester=2026-2")
        .await;
    browser.wait_for_text(&id("monitoring-form-title")).await;
    let page = browser.text().await;
    assert!(page.contains("Semester II 2026"), "{page}");
    assert!(
        page.contains(&pelihara_i18n::t_args(
            pelihara_i18n::Lang::Id,
            "monitoring-proposal-help",
            &[("percent", pelihara_i18n::arg(80))]
        )),
        "{page}"
    );
    for step in 1..=9 {
        browser
            .check(
                &format!("penilaian-{step}"),
                if step == 3 { "not_good" } else { "good" },
            )
            .await;
    }
    browser
        .fill(
            "catatan-3",
            "Disposisi Kepala Dinas belum tercatat semester ini",
        )
        .await;
    browser
        .fill("tindakan-3", "Ingatkan disposisi lewat notifikasi harian")
        .await;
    // The form is long: its buttons are scrolled to at once before a click, as the SKM
    // journey does (Bootstrap's smooth scrolling would still be moving when the click lands).
    scroll_to(&browser, "monitoring-save").await;
    browser.click_button_with_text(&id("monitoring-save")).await;
    browser.wait_for_text(&id("monitoring-notice-saved")).await;
    browser.screenshot("monitoring-01-draft").await;
    browser.resize(390, 844).await;
    browser.screenshot("monitoring-02-draft-390").await;
    browser.resize(1366, 900).await;
    scroll_to(&browser, "monitoring-sign").await;
    browser.click_button_with_text(&id("monitoring-sign")).await;
    browser.wait_for_text(&id("monitoring-notice-signed")).await;
    let page = browser.text().await;
    assert!(page.contains(&id("monitoring-status-signed")), "{page}");
    assert!(page.contains("Ingatkan disposisi lewat notifikasi harian"));
    assert!(
        !browser.has_field("catatan-3").await,
        "a signed form is not editable"
    );
    browser.screenshot("monitoring-03-signed").await;
    browser.resize(390, 844).await;
    browser.screenshot("monitoring-04-signed-390").await;
    browser.resize(1366, 900).await;

    // The PDF the page links to.
    let (status, pdf) = browser
        .download(&link_href(&browser, &id("report-download-pdf")).await)
        .await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    let path = folder.path().join("monitoring-sop.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "FORMULIR MONITORING SOP",
        "Semester II 2026",
        "Disposisi Kepala Dinas belum tercatat semester ini",
        "Ingatkan disposisi lewat notifikasi harian",
    ] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
    let verification = text
        .split("/verifikasi/")
        .nth(1)
        .and_then(|rest| rest.get(..32))
        .expect("the verification address in the PDF")
        .to_owned();

    // Signed out, the verification page says the document is valid and the same file.
    browser.forget_cookies().await;
    browser.goto(&format!("/verifikasi/{verification}")).await;
    browser.wait_for_text(&id("docs-verify-status-valid")).await;
    let page = browser.text().await;
    assert!(page.contains(&id("docs-kind-monitoring-sop")), "{page}");
    browser.upload("pdf", &path).await;
    scroll_to_button(&browser, &id("docs-verify-upload-submit")).await;
    browser
        .click_button_with_text(&id("docs-verify-upload-submit"))
        .await;
    browser.wait_for_text(&id("docs-verify-identical")).await;
    browser.screenshot("monitoring-05-verified").await;
    browser.close().await;
}
