//! The reports and the dashboard through the real router (issue 15): the Mutu Baku
//! compliance page shows figures worked out by hand, its drill-down lists the cases behind a
//! figure, its XLSX, CSV and PDF hold the figures the page shows (read back with calamine
//! and pdftotext), the dashboard's tiles agree with its per-step table, an OPD's operator sees
//! only their OPD's figures, and a bad period is a clear message.
//!
//! The scene, on Monday 2 November 2026 (WIB, office hours 07:30-16:00): four DINKES
//! requests submitted at 08:00 and registered (step 2, Mutu Baku 5 minutes) at 08:03,
//! 08:05, 08:07 and 08:20: 3, 5, 7 and 20 working minutes, two within. Nearest-rank median of
//! four: the 2nd value, 5 minutes; P90: the 4th, 20 minutes. In permille of 5 minutes: 600,
//! 1000, 1400, 4000: median 100 %, P90 400 %. Step 3 (10 minutes) then waits at each; at
//! "now", 08:25, those opened at 08:03, 08:05 and 08:07 are past due (08:13, 08:15, 08:17),
//! the one opened at 08:20 is not (08:30).

use std::io::Cursor;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, TimeZone, Utc};
use pelihara_domain::CaseId;
use pelihara_web::Clock;
use pelihara_web::testing;

use super::cases::{Part, Site};

fn wib(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Jakarta
        .with_ymd_and_hms(2026, 11, 2, h, m, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

struct Scene {
    site: Site,
    now: Arc<Mutex<DateTime<Utc>>>,
    cases: Vec<CaseId>,
}

impl Scene {
    fn at(&self, h: u32, m: u32) {
        *self.now.lock().unwrap() = wib(h, m);
    }
}

async fn scene() -> Scene {
    let now = Arc::new(Mutex::new(wib(8, 0)));
    let reading = Arc::clone(&now);
    let test = testing::services_with_clock(Clock::from_fn(move || *reading.lock().unwrap())).await;
    let site = Site::around(test).await;
    let mut scene = Scene {
        site,
        now,
        cases: Vec::new(),
    };
    for _ in 0..4 {
        scene.at(8, 0);
        scene.cases.push(scene.site.submit().await);
    }
    for (case, minute) in scene.cases.clone().into_iter().zip([3, 5, 7, 20]) {
        scene.at(8, minute);
        let reply = scene
            .site
            .act(
                "pelaksana",
                case,
                &[
                    Part::Text("aksi", "register"),
                    Part::Text("classification", "000.5.2.3"),
                    Part::Text("letter_number", "440/1/2026"),
                    Part::Text("letter_date", "2026-10-30"),
                    Part::Text("urgency", "segera"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    scene.at(8, 25);
    scene
}

/// The text of a page with tags dropped and whitespace made single, to find figures in.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

const NOVEMBER: &str = "periode=bulan-2026-11";

#[tokio::test]
async fn the_compliance_report_shows_hand_worked_figures_and_exports_them() {
    let scene = scene().await;
    let site = &scene.site;
    let head = site.cookie("kepala_dinas").await;
    let page = site
        .get(&head, &format!("/laporan/mutu-baku?{NOVEMBER}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = text(&page.body);
    // Step 2's row: standard, finished, share, median, P90, against the standard, open,
    // overdue. The activity comes from the SOP version.
    let row = "2. Pelaksana memproses permohonan pemeliharaan Aplikasi/Website melalui aplikasi MIPP dan meneruskan ke Kadin 5 menit 4 50,0 % 2 melebihi 5 menit 20 menit \
               100 % 400 % 0 0";
    assert!(body.contains(row), "{row} not in {body}");
    // Step 3: nothing finished, four open, three overdue now (75,0 %).
    assert!(body.contains("4 3 75,0 %"), "{body}");
    // The tiles: 4 submissions (step 1, 0 minutes, within) + 4 registrations = 8 finished,
    // 6 within (75,0 %); 4 open, 3 overdue.
    for (figure, value) in [
        ("finished", "8"),
        ("share", "75,0 %"),
        ("open", "4"),
        ("overdue", "3"),
    ] {
        let marker = format!("data-figure=\"{figure}\">{value}<");
        assert!(page.body.contains(&marker), "{marker}");
    }
    // The chart is an inline SVG with the step's share, readable without script.
    assert!(page.body.contains("<svg class=\"pl-chart\""));
    assert!(page.body.contains("50,0 %</text>"));

    // Drill-down: the two registrations over the standard, newest first (08:20, then 08:07).
    let missed = site
        .get(
            &head,
            &format!(
                "/laporan/mutu-baku/tugas?{NOVEMBER}&kelompok=step&k_sop=pemeliharaan-aplikasi-website&k_versi=1&k_langkah=2&hasil=missed"
            ),
        )
        .await;
    assert_eq!(missed.status, StatusCode::OK, "{}", missed.body);
    let late = missed.body.find(&scene.cases[3].to_string()).unwrap();
    let later = missed.body.find(&scene.cases[2].to_string()).unwrap();
    assert!(late < later);
    assert!(!missed.body.contains(&scene.cases[0].to_string()));
    assert!(text(&missed.body).contains("20 menit"));

    // The XLSX holds the same figures: the step table's step 2 row.
    let xlsx = site
        .raw_get(&head, &format!("/laporan/mutu-baku?{NOVEMBER}&format=xlsx"))
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(xlsx.into_body(), 10 << 20)
        .await
        .unwrap();
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names();
    let steps = workbook.worksheet_range(&names[0]).unwrap();
    let line: Vec<Data> = steps
        .rows()
        .find(|row| row[0] == Data::String("2. Pelaksana memproses permohonan pemeliharaan Aplikasi/Website melalui aplikasi MIPP dan meneruskan ke Kadin".into()))
        .unwrap()
        .to_vec();
    let cells: Vec<String> = line.iter().map(ToString::to_string).collect();
    assert_eq!(
        &cells[2..],
        &[
            "5 menit", "4", "2", "50,0 %", "5 menit", "20 menit", "100 %", "400 %", "0", "0", "–"
        ]
    );

    // The CSV too.
    let csv = site
        .get(&head, &format!("/laporan/mutu-baku?{NOVEMBER}&format=csv"))
        .await;
    assert!(
        csv.body.contains(
            "\"2. Pelaksana memproses permohonan pemeliharaan Aplikasi/Website melalui aplikasi MIPP dan meneruskan ke Kadin\";\"\";\"5 menit\";\"4\";\"2\";\"50,0 %\";\"5 menit\";\"20 menit\";\"100 %\";\"400 %\";\"0\";\"0\";\"–\""
        ),
        "{}",
        csv.body
    );

    // The PDF, read back with pdftotext.
    let pdf = site
        .raw_get(&head, &format!("/laporan/mutu-baku?{NOVEMBER}&format=pdf"))
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(pdf.into_body(), 10 << 20)
        .await
        .unwrap();
    let path = std::env::temp_dir().join(format!("pelihara-mutu-baku-{}.pdf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    let pdf_text = String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "KEPATUHAN MUTU BAKU",
        "November 2026",
        "75,0 %",
        // The long activity wraps in its cell; its start and the row's figures are whole.
        "2. Pelaksana memproses permohonan",
        "meneruskan ke Kadin 5 menit 4 2 50,0 % 5 menit 20 menit 100 % 400 % 0 0",
        "3. Disposisi Kepala Dinas ke Sekretaris 10 menit 0 0 – – – – – 4 3 75,0 %",
    ] {
        assert!(pdf_text.contains(expected), "{expected} not in {pdf_text}");
    }
}

#[tokio::test]
async fn the_dashboard_tiles_agree_with_its_table_and_an_opd_sees_its_own() {
    let scene = scene().await;
    let site = &scene.site;
    let head = site.cookie("kepala_dinas").await;
    let page = site.get(&head, &format!("/dasbor?{NOVEMBER}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // Four requests in progress, all at step 3; none returned; three overdue now; four
    // submitted in November; 6 of 8 tasks within (75,0 %).
    for (stat, value) in [
        ("web-stat-open", "4"),
        ("web-stat-returned", "0"),
        ("web-stat-overdue", "3"),
        ("dashboard-tile-submitted", "4"),
        ("dashboard-tile-done", "0"),
        ("report-tile-share", "75,0 %"),
    ] {
        let marker = format!("data-stat=\"{stat}\">{value}<");
        assert!(page.body.contains(&marker), "{marker}");
    }
    assert!(
        page.body
            .contains("data-total=\"in-progress\"><strong>4</strong>")
    );
    assert!(text(&page.body).contains("3 Disposisi Kepala Dinas ke Sekretaris 4"));

    // DISDIK's operator sees DISDIK's figures: nothing.
    let other = site.cookie("op.disdik").await;
    let page = site.get(&other, &format!("/dasbor?{NOVEMBER}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-stat=\"web-stat-open\">0<"));
    let report = site
        .get(&other, &format!("/laporan/mutu-baku?{NOVEMBER}"))
        .await;
    assert!(report.body.contains("data-figure=\"finished\">0<"));
    // Naming DINKES in the link changes nothing for them.
    let dinkes = site.people().opd;
    let report = site
        .get(
            &other,
            &format!("/laporan/mutu-baku?{NOVEMBER}&opd={dinkes}"),
        )
        .await;
    assert!(report.body.contains("data-figure=\"finished\">0<"));
    let drill = site
        .get(
            &other,
            &format!(
                "/laporan/mutu-baku/tugas?{NOVEMBER}&kelompok=step&k_sop=pemeliharaan-aplikasi-website&k_versi=1&k_langkah=2&hasil=finished"
            ),
        )
        .await;
    assert_eq!(drill.status, StatusCode::OK);
    assert!(!drill.body.contains(&scene.cases[0].to_string()));
    // DINKES's operator sees theirs.
    let own = site.cookie("op.dinkes").await;
    let report = site
        .get(&own, &format!("/laporan/mutu-baku?{NOVEMBER}"))
        .await;
    assert!(report.body.contains("data-figure=\"finished\">8<"));
}

#[tokio::test]
async fn a_bad_period_is_a_clear_message_and_coverage_lists_the_unmaintained() {
    let scene = scene().await;
    let site = &scene.site;
    let head = site.cookie("kepala_dinas").await;
    let reply = site
        .get(&head, "/laporan/mutu-baku?periode=bulan-2026-13")
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("Periode tidak dikenal."),
        "{}",
        reply.body
    );
    let reply = site
        .get(
            &head,
            "/dasbor?periode=tanggal&dari=2026-05-01&sampai=2026-04-01",
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply
            .body
            .contains("Tanggal akhir tidak boleh sebelum tanggal awal.")
    );
    // Signed out: to the sign-in page.
    let reply = site.get("", "/laporan/mutu-baku").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);

    // Coverage: SIMPUS (DINKES) and PPDB Online (DISDIK) were registered this morning, so
    // they are not late; "Website Lama" (DINKES, registered 400 days ago, never maintained)
    // is: 0 of 1 due, listed, overdue since 12 months after its registration.
    let services = &site.test.services;
    services
        .store
        .create_app(
            site.people().opd,
            pelihara_store::register::NewApp {
                name: "Website Lama".into(),
                ..Default::default()
            },
            &pelihara_store::AuditSource::cli("test"),
            wib(8, 0) - chrono::Duration::days(400),
        )
        .await
        .unwrap();
    let page = site
        .get(&head, &format!("/laporan/pemeliharaan?{NOVEMBER}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("data-figure=\"apps\">1<"));
    assert!(page.body.contains("data-figure=\"coverage\">0,0 %<"));
    // 2 November 2026 - 400 days = 28 September 2025; 12 months on: 28 September 2026.
    assert!(text(&page.body).contains("Website Lama"));
    assert!(text(&page.body).contains("belum pernah 28 September 2026"));
    // DISDIK's operator sees DISDIK's: nothing due.
    let other = site.cookie("op.disdik").await;
    let page = site
        .get(&other, &format!("/laporan/pemeliharaan?{NOVEMBER}"))
        .await;
    assert!(page.body.contains("data-figure=\"apps\">0<"));
    assert!(!page.body.contains("Website Lama"));
    let xlsx = site
        .raw_get(
            &head,
            &format!("/laporan/pemeliharaan?{NOVEMBER}&format=xlsx"),
        )
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(xlsx.into_body(), 10 << 20)
        .await
        .unwrap();
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = workbook.sheet_names();
    let overdue = workbook.worksheet_range(&names[1]).unwrap();
    let apps: Vec<String> = overdue
        .rows()
        .skip(3)
        .map(|row| row[0].to_string())
        .collect();
    assert_eq!(apps, vec!["Website Lama"]);
}

/// The per-case table's figures lead to the cases behind them: a request walked to done this
/// month is listed under its SOP version's "done" figure, linked to its case page, and not
/// under the other outcome; an unknown outcome is a 404.
#[tokio::test]
async fn the_whole_case_figures_drill_down_to_their_cases() {
    let site = Site::around(testing::services().await).await;
    let case = super::skm::accepted_case(&site).await;
    let head = site.cookie("kepala_dinas").await;
    let report = site.get(&head, "/laporan/mutu-baku").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let start = report.body.find("id=\"cases-title\"").unwrap();
    let link = report.body[start..]
        .split("href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(
        link.starts_with("/laporan/mutu-baku/permohonan?") && link.ends_with("&hasil=finished"),
        "{link}"
    );
    let done = site.get(&head, &link).await;
    assert_eq!(done.status, StatusCode::OK, "{link}");
    assert!(done.body.contains(&format!("/permohonan/{case}")));
    assert!(text(&done.body).contains("Permohonan selesai"));
    // Walked in seconds, the case is within the sum of its standards: not among the missed.
    let missed = site
        .get(&head, &link.replace("hasil=finished", "hasil=missed"))
        .await;
    assert_eq!(missed.status, StatusCode::OK);
    assert!(!missed.body.contains(&format!("/permohonan/{case}")));
    let met = site
        .get(&head, &link.replace("hasil=finished", "hasil=met"))
        .await;
    assert!(met.body.contains(&format!("/permohonan/{case}")));
    // Open is not an outcome of whole cases.
    let open = site
        .get(&head, &link.replace("hasil=finished", "hasil=open"))
        .await;
    assert_eq!(open.status, StatusCode::NOT_FOUND);
    // Another OPD's operator sees their own scope: the case is not theirs.
    let other = site.cookie("op.disdik").await;
    let theirs = site.get(&other, &link).await;
    assert!(!theirs.body.contains(&format!("/permohonan/{case}")));
}
