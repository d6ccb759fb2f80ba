//! The satisfaction survey (SKM) in the browser, after the OPD accepted a case: the OPD
//! answers from the berita acara's link without signing in, a second attempt is refused, and
//! the Kepala Dinas opens the SKM report and downloads its XLSX and PDF, which hold the figures
//! the page shows. Called from the whole-request journey, on its finished case.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use pelihara_i18n::{Lang, t};

use crate::support::Browser;

fn id(key: &str) -> String {
    t(Lang::Id, key)
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where the link with `id` leads.
async fn href(browser: &Browser, id: &str) -> String {
    browser
        .client
        .find(fantoccini::Locator::Id(id))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap()
}

/// The answers the OPD gives, unsur by unsur (hand-worked below).
const ANSWERS: [(&str, &str); 9] = [
    ("persyaratan", "4"),
    ("prosedur", "3"),
    ("waktu", "3"),
    ("biaya", "4"),
    ("produk", "4"),
    ("kompetensi", "4"),
    ("perilaku", "4"),
    ("pengaduan", "3"),
    ("sarana", "3"),
];

/// `case_page` is the accepted case; `operator` and `head` sign in with `password`.
pub(crate) async fn survey_and_report(
    browser: &mut Browser,
    case_page: &str,
    operator: &str,
    head: &str,
    password: &str,
) {
    // The OPD's operator reads the berita acara; its survey link is printed on it.
    browser.sign_in(operator, password).await;
    let (status, pdf) = browser
        .download(&format!("{case_page}/dokumen/berita-acara"))
        .await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf);
    let start = text
        .find("/survei/")
        .unwrap_or_else(|| panic!("no survey link on the berita acara:\n{text}"));
    let token: String = text[start + "/survei/".len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 32);
    let link = format!("/survei/{token}");

    // Without signing in, as whoever holds the printed page.
    browser.forget_cookies().await;
    browser.goto(&link).await;
    browser.wait_for_text(&id("skm-question-waktu")).await;
    assert!(browser.text().await.contains(&id("skm-answer-waktu-4")));
    for (unsur, score) in ANSWERS {
        browser.check(unsur, score).await;
    }
    browser.fill("umur", "38").await;
    browser.fill("pendidikan", "s1").await;
    browser
        .fill("saran", "Kabar perkembangan permohonan lewat WhatsApp.")
        .await;
    browser.screenshot("skm-01-survey-form").await;
    // The form is long: the button is scrolled to, as a person would, before the click (at
    // once: Bootstrap's smooth scrolling would still be moving when the click lands).
    browser
        .client
        .execute(
            "document.getElementById('skm-submit').scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![],
        )
        .await
        .unwrap();
    browser.click_button_with_text(&id("skm-submit")).await;
    browser.wait_for_text(&id("skm-thanks")).await;
    browser.screenshot("skm-02-thanks").await;
    // A second attempt: the link is used up.
    browser.goto(&link).await;
    browser.wait_for_text(&id("skm-refused-answered")).await;
    assert!(!browser.text().await.contains(&id("skm-submit")));
    assert_eq!(browser.status_of(&link).await, 409);

    // The Kepala Dinas opens the report from the navigation. One answer:
    // NRR 4 3 3 4 4 4 4 3 3 (sum 32); IKM 32 x 0,111 = 3,552 -> 3,55;
    // converted 88,80: A, sangat baik; the weakest (3,00): prosedur, waktu, pengaduan, sarana.
    browser.sign_in(head, password).await;
    browser.click_link_with_text(&id("skm-nav")).await;
    browser.wait_for_text(&id("skm-report-title")).await;
    browser.wait_for_text("88,80").await;
    let page = browser.text().await;
    assert!(page.contains(&id("skm-kinerja-a")), "{page}");
    assert!(page.contains("Kabar perkembangan permohonan lewat WhatsApp."));
    browser.screenshot("skm-03-report").await;
    browser.resize(390, 844).await;
    browser.screenshot("phone-skm-report").await;
    browser.resize(1366, 900).await;

    // The downloads behind the page's XLSX and PDF buttons hold the same figures.
    let xlsx_href = href(browser, "skm-export-xlsx").await;
    let pdf_href = href(browser, "skm-export-pdf").await;
    let (status, xlsx) = browser.download(&xlsx_href).await;
    assert_eq!(status, 200);
    let mut book = Xlsx::new(Cursor::new(xlsx)).unwrap();
    let rows: Vec<Vec<Data>> = book
        .worksheet_range("SKM")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    let row = |label: &str| {
        rows.iter()
            .find(|row| row.iter().any(|cell| cell == &Data::String(label.into())))
            .cloned()
            .unwrap_or_else(|| panic!("{label} not in the workbook"))
    };
    assert_eq!(row(&id("skm-converted"))[2], Data::Float(88.8));
    assert_eq!(row(&id("skm-ikm"))[2], Data::Float(3.55));
    assert_eq!(row(&id("skm-mutu"))[2], Data::String("A".into()));
    let (status, pdf) = browser.download(&pdf_href).await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf);
    for expected in [
        "IKM konversi 88,80",
        "Mutu pelayanan A",
        "Kinerja unit pelayanan Sangat baik",
        "Kabar perkembangan permohonan lewat WhatsApp.",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
}
