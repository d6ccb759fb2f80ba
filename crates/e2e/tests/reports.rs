//! The Kepala Dinas reads the dashboard and the Mutu Baku report in Chromium and downloads it
//! as XLSX and PDF (issue 15): the OPD's operator submits a request through the page (step 1
//! finished within its standard), the dashboard counts it as submitted and in progress, the
//! report's links give a workbook and a PDF that hold the page's figures. Screenshots at 1366
//! and 390 px wide.

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
