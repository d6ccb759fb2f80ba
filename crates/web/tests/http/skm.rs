//! The satisfaction survey (SKM) through the real router: the OPD's acceptance puts a survey
//! link on the berita acara (read back with `pdftotext`); the link works without signing in,
//! once; a signed-in staff member is refused on the form and its post; bad input is answered
//! field by field with nothing stored; the link expires after 30 days; the OPD lists its own
//! invitations; the report shows the figures worked out by hand and its CSV, XLSX and PDF
//! exports hold the same figures; an OPD operator has no report.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Duration, TimeZone, Utc};
use pelihara_domain::CaseId;
use pelihara_web::Clock;
use pelihara_web::testing::{self, TEST_HOST};
use tower::ServiceExt;

use super::cases::{Part, Site};

/// A clock tests move forward.
#[derive(Clone)]
struct MovingClock(Arc<AtomicI64>);

impl MovingClock {
    fn at(start: DateTime<Utc>) -> MovingClock {
        MovingClock(Arc::new(AtomicI64::new(start.timestamp_millis())))
    }
    fn clock(&self) -> Clock {
        let millis = self.0.clone();
        Clock::from_fn(move || {
            Utc.timestamp_millis_opt(millis.load(Ordering::SeqCst))
                .single()
                .unwrap()
        })
    }
    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }
}

/// Walks a case through every step by posting the forms, up to the OPD's acceptance.
pub(super) async fn accepted_case(site: &Site) -> CaseId {
    let case = site.submit().await;
    let steps: Vec<(&str, Vec<Part<'_>>)> = vec![
        (
            "pelaksana",
            vec![
                Part::Text("aksi", "register"),
                Part::Text("classification", "000.5.2.3"),
                Part::Text("letter_number", "440/1/2026"),
                Part::Text("letter_date", "2026-01-05"),
                Part::Text("urgency", "segera"),
            ],
        ),
        (
            "kepala_dinas",
            vec![
                Part::Text("aksi", "dispose"),
                Part::Text("instructions", "Tindak lanjuti"),
            ],
        ),
        (
            "sekretaris",
            vec![
                Part::Text("aksi", "dispose"),
                Part::Text("instructions", "Tindak lanjuti"),
            ],
        ),
        (
            "kabid_aptika",
            vec![Part::Text("aksi", "dispose"), Part::Text("note", "Analisa")],
        ),
        (
            "subkoor_spa",
            vec![
                Part::Text("aksi", "analysis"),
                Part::Text("findings", "Validasi formulir salah"),
                Part::Text("verdict", "maintainable"),
            ],
        ),
        (
            "pelaksana",
            vec![
                Part::Text("aksi", "maintenance"),
                Part::Text("work_log", "Validasi diperbaiki"),
                Part::Text("result", "Formulir tersimpan"),
            ],
        ),
        (
            "pelaksana",
            vec![
                Part::Text("aksi", "hosting"),
                Part::Text("server", "web-01"),
                Part::Text("domain", "simpus.demakkab.go.id"),
                Part::Text("network_officer", "Staf tim_jaringan"),
                Part::Text("deployed", "1"),
            ],
        ),
        (
            "subkoor_spa",
            vec![
                Part::Text("aksi", "handover"),
                Part::Text("held_at", "2026-01-06T09:00"),
                Part::Text("place", "Ruang rapat"),
                Part::Text("attendees", "Dinkes, Dinkominfo"),
                Part::Text("summary", "Dipaparkan"),
            ],
        ),
        (
            "op.dinkes",
            vec![Part::Text("aksi", "accept"), Part::Text("note", "Diterima")],
        ),
    ];
    for (who, parts) in &steps {
        let reply = site.act(who, case, parts).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{who}: {}", reply.body);
    }
    case
}

fn tool_text(pdf: &[u8]) -> String {
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

async fn bytes_of(site: &Site, cookie: &str, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let response = site.raw_get(cookie, uri).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = to_bytes(response.into_body(), 20 * 1024 * 1024)
        .await
        .unwrap()
        .to_vec();
    (status, content_type, body)
}

/// The survey path printed on the case's berita acara.
async fn survey_path(site: &Site, case: CaseId) -> String {
    let operator = site.cookie("op.dinkes").await;
    let (status, content_type, pdf) = bytes_of(
        site,
        &operator,
        &format!("/permohonan/{case}/dokumen/berita-acara"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/pdf");
    let text = tool_text(&pdf);
    let prefix = format!("https://{TEST_HOST}/survei/");
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no survey link in:\n{text}"));
    let token: String = text[start + prefix.len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 32, "{text}");
    assert!(text.contains("Survei Kepuasan Masyarakat untuk OPD (kode QR kanan;"));
    format!("/survei/{token}")
}

struct Reply {
    status: StatusCode,
    body: String,
}

async fn send(site: &Site, method: Method, uri: &str, cookie: &str, body: &str) -> Reply {
    let mut request = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::HOST, TEST_HOST);
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    if method == Method::POST {
        request = request
            .header(header::ORIGIN, format!("https://{TEST_HOST}"))
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let response = site
        .router
        .clone()
        .oneshot(request.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1024 * 1024).await.unwrap();
    Reply {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

const UNSUR: [&str; 9] = [
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarana",
];

fn answers(scores: [u8; 9], extra: &str) -> String {
    let mut body: Vec<String> = UNSUR
        .iter()
        .zip(scores)
        .map(|(unsur, score)| format!("{unsur}={score}"))
        .collect();
    if !extra.is_empty() {
        body.push(extra.to_owned());
    }
    body.join("&")
}

async fn responses(site: &Site) -> u64 {
    let from = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
    site.test
        .services
        .store
        .skm_totals(from, to)
        .await
        .unwrap()
        .responses
}

#[tokio::test]
async fn the_berita_acara_link_works_without_signing_in_once() {
    let site = Site::around(testing::services().await).await;
    let case = accepted_case(&site).await;
    let path = survey_path(&site, case).await;

    // The form, for the link holder without a session: the nine unsur with their wording.
    let form = send(&site, Method::GET, &path, "", "").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for text in [
        "Persyaratan",
        "Sistem, mekanisme dan prosedur",
        "Tidak cepat",
        "Sangat cepat",
        "Sangat mahal",
        "Gratis",
        "Dikelola dengan baik",
        "Sangat sopan dan ramah",
        "Pendidikan",
        "Pekerjaan",
        "Saran dan masukan",
    ] {
        assert!(form.body.contains(text), "{text}");
    }

    // Staff signed in cannot answer for the OPD: refused on the form and on the post.
    let staff = site.cookie("pelaksana").await;
    let refused = send(&site, Method::GET, &path, &staff, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .body
            .contains("tidak dapat mengisinya atas nama OPD")
    );
    let body = answers([4; 9], "saran=dari+staf");
    let refused = send(&site, Method::POST, &path, &staff, &body).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let admin = site.cookie("admin").await;
    let refused = send(&site, Method::POST, &path, &admin, &body).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Another OPD's operator neither.
    let other = site.cookie("op.disdik").await;
    let refused = send(&site, Method::POST, &path, &other, &body).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(responses(&site).await, 0);

    // Bad input: a message at each field, what was typed kept, nothing stored.
    let bad = "persyaratan=4&prosedur=5&biaya=3&produk=3&kompetensi=3&perilaku=3&pengaduan=3\
               &sarana=3&umur=7&jenis_kelamin=x&saran=Ruang+tunggu+sempit";
    let reply = send(&site, Method::POST, &path, "", bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Survei belum dapat dikirim"));
    assert!(reply.body.contains("id=\"waktu-error\""));
    assert!(reply.body.contains("id=\"prosedur-error\""));
    assert!(reply.body.contains("Umur harus angka 15 sampai 100."));
    assert!(reply.body.contains("Pilihan tidak dikenal."));
    assert!(reply.body.contains("Ruang tunggu sempit"));
    assert!(reply.body.contains("id=\"persyaratan-4\" checked"));
    assert_eq!(responses(&site).await, 0);

    // The answer, once.
    let good = answers(
        [4, 3, 2, 4, 3, 3, 4, 3, 3],
        "umur=41&jenis_kelamin=p&pendidikan=s1&pekerjaan=pns&saran=Lebih+cepat+lagi",
    );
    let reply = send(&site, Method::POST, &path, "", &good).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("data-state=\"thanks\""));
    assert_eq!(responses(&site).await, 1);
    let again = send(&site, Method::POST, &path, "", &good).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("sudah diisi"));
    let again = send(&site, Method::GET, &path, "", "").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(responses(&site).await, 1);

    // Unknown and malformed tokens.
    for bad in [
        "/survei/00000000000000000000000000000000",
        "/survei/zz",
        "/survei/..%2F..%2Fetc",
    ] {
        let reply = send(&site, Method::GET, bad, "", "").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{bad}");
    }

    // The OPD's own list shows it answered; the invitation page is the operator's only.
    let operator = site.cookie("op.dinkes").await;
    let list = send(&site, Method::GET, "/survei", &operator, "").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("data-standing=\"answered\""));
    let invitation = site
        .test
        .services
        .store
        .skm_invitation_for_case(case)
        .await
        .unwrap()
        .unwrap();
    let own = format!("/survei/undangan/{}", invitation.id);
    assert_eq!(
        send(&site, Method::GET, &own, &other, "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&site, Method::GET, &own, &operator, "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        send(&site, Method::GET, "/survei", &staff, "").await.status,
        StatusCode::NOT_FOUND
    );

    // The report, for the Kepala Dinas, with the figures worked out by hand:
    // NRR 4,00 3,00 2,00 4,00 3,00 3,00 4,00 3,00 3,00; sum 29; IKM 29 x 0,111 = 3,219 -> 3,22;
    // converted 80,475 -> 80,48: B, baik; weakest U3 waktu (2,00).
    let head = site.cookie("kepala_dinas").await;
    let page = send(&site, Method::GET, "/laporan/skm", &head, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("id=\"skm-converted\">80,48<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"skm-ikm\">3,22<"));
    assert!(page.body.contains("id=\"skm-grade\">B<"));
    assert!(page.body.contains("id=\"skm-kinerja\">Baik<"));
    assert!(page.body.contains("id=\"skm-respondents\">1<"));
    assert!(page.body.contains("U3 Waktu penyelesaian (2,00)"));
    assert!(page.body.contains("Lebih cepat lagi"));
    // Anonymous: neither the OPD nor the case shows.
    assert!(!page.body.contains("Dinas Kesehatan"));
    assert!(!page.body.contains(&invitation.tracking_code));
    let reply = send(&site, Method::GET, "/laporan/skm", &operator, "").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = send(&site, Method::GET, "/laporan/skm/ekspor/csv", &operator, "").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    for who in ["auditor", "pelaksana", "admin"] {
        let cookie = site.cookie(who).await;
        let reply = send(&site, Method::GET, "/laporan/skm", &cookie, "").await;
        assert_eq!(reply.status, StatusCode::OK, "{who}");
    }
    let reply = send(
        &site,
        Method::GET,
        "/laporan/skm?periode=bulan&bulan=13",
        &head,
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("Periode tidak sah"));

    // The exports hold the figures the page shows.
    let (status, content_type, csv) = bytes_of(&site, &head, "/laporan/skm/ekspor/csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("\"3\";\"U3\";\"Waktu penyelesaian\";\"2\";\"2,00\";\"0,22\""),
        "{csv}"
    );
    assert!(csv.contains("\"IKM konversi\";\"80,48\""));
    assert!(csv.contains("\"Mutu pelayanan\";\"B\""));
    assert!(csv.contains("Lebih cepat lagi"));
    let (status, _, xlsx) = bytes_of(&site, &head, "/laporan/skm/ekspor/xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let range = book.worksheet_range("SKM").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let row = |label: &str| {
        rows.iter()
            .find(|row| row.iter().any(|cell| cell == &Data::String(label.into())))
            .cloned()
            .unwrap_or_else(|| panic!("{label} not in {rows:?}"))
    };
    assert_eq!(row("Waktu penyelesaian")[4], Data::Float(2.0));
    assert_eq!(row("IKM konversi")[2], Data::Float(80.48));
    assert_eq!(row("IKM")[2], Data::Float(3.22));
    assert_eq!(row("Mutu pelayanan")[2], Data::String("B".into()));
    let (status, content_type, pdf) = bytes_of(&site, &head, "/laporan/skm/ekspor/pdf").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/pdf");
    let text = tool_text(&pdf);
    for expected in [
        "LAPORAN SURVEI KEPUASAN MASYARAKAT",
        "Jumlah responden : 1",
        "IKM konversi 80,48",
        "Mutu pelayanan B",
        "Kinerja unit pelayanan Baik",
        "Waktu penyelesaian 2 2,00 0,22",
        "Lebih cepat lagi",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
}

#[tokio::test]
async fn a_survey_link_expires_after_thirty_days() {
    let clock = MovingClock::at(Utc::now());
    let site = Site::around(testing::services_with_clock(clock.clock()).await).await;
    let case = accepted_case(&site).await;
    let path = survey_path(&site, case).await;
    clock.advance(Duration::days(30) + Duration::minutes(1));
    let reply = send(&site, Method::GET, &path, "", "").await;
    assert_eq!(reply.status, StatusCode::GONE);
    assert!(reply.body.contains("kedaluwarsa"));
    let reply = send(&site, Method::POST, &path, "", &answers([4; 9], "")).await;
    assert_eq!(reply.status, StatusCode::GONE);
    assert_eq!(responses(&site).await, 0);
    // The OPD's list says so too.
    let operator = site.cookie("op.dinkes").await;
    let list = send(&site, Method::GET, "/survei", &operator, "").await;
    assert!(list.body.contains("data-standing=\"expired\""));
}

#[tokio::test]
async fn a_signed_in_operator_answers_from_the_invitation() {
    let site = Site::around(testing::services().await).await;
    let case = accepted_case(&site).await;
    let invitation = site
        .test
        .services
        .store
        .skm_invitation_for_case(case)
        .await
        .unwrap()
        .unwrap();
    let operator = site.cookie("op.dinkes").await;
    let list = send(&site, Method::GET, "/survei", &operator, "").await;
    assert!(
        list.body
            .contains(&format!("/survei/undangan/{}", invitation.id))
    );
    let path = format!("/survei/undangan/{}", invitation.id);
    let form = send(&site, Method::GET, &path, &operator, "").await;
    assert_eq!(form.status, StatusCode::OK);
    // Without a session the invitation page is a sign-in matter, never the form.
    let anonymous = send(&site, Method::POST, &path, "", &answers([3; 9], "")).await;
    assert_ne!(anonymous.status, StatusCode::OK);
    assert_eq!(responses(&site).await, 0);
    let reply = send(&site, Method::POST, &path, &operator, &answers([3; 9], "")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(responses(&site).await, 1);
    // The printed link is then used up as well: one survey per case.
    let printed = survey_path_after_answer(&site, case).await;
    assert!(printed.is_none());
}

/// After the answer, a berita acara issued anew prints no survey link.
async fn survey_path_after_answer(site: &Site, case: CaseId) -> Option<String> {
    let operator = site.cookie("op.dinkes").await;
    let (status, _, pdf) = bytes_of(
        site,
        &operator,
        &format!("/permohonan/{case}/dokumen/berita-acara?kertas=f4"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = tool_text(&pdf);
    text.contains("/survei/").then_some(text)
}
