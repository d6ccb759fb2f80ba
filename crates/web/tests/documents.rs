//! HTTP tests of the official documents and their public verification page, through the real
//! router: who may download (another OPD's case is a 404), eager issue when the case moves
//! (receipt at submission, card and sheet at registration and disposition, berita acara at
//! acceptance) with the lazy download as fallback after a failed render, the admin letterhead
//! form (admin only, bad input changes nothing, the logo prints), the verification page
//! without login (valid, superseded, unknown), and the upload check (the issued PDF matches,
//! a modified one does not). Reads PDFs back with poppler's `pdftotext`, `pdfinfo` and
//! `pdfimages` (installed by scripts/test-env.sh).

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use pelihara_domain::{CaseId, CaseStatus, TaskState};
use pelihara_web::state::{AppState, WebConfig};
use pelihara_web::testing::{self, SeededPeople, TEST_HOST, TEST_PASSWORD, TestServices};
use tower::ServiceExt;

struct Site {
    test: TestServices,
    /// The router's state: tests wait on its document queue.
    app: AppState,
    router: Router,
    people: SeededPeople,
}

struct Reply {
    status: StatusCode,
    content_type: String,
    bytes: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

fn letter_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn multipart(parts: &[(&str, Option<&str>, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "----pelihara-documents-boundary";
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(file_name) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                     Content-Type: application/pdf\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn text(name: &str, value: &str) -> (String, Option<String>, Vec<u8>) {
    (name.to_owned(), None, value.as_bytes().to_vec())
}

async fn site() -> Site {
    let test = testing::services().await;
    let people = testing::seed_people(&test.services).await;
    let system = pelihara_store::AuditSource::cli("test");
    test.services
        .store
        .create_app(
            people.opd,
            pelihara_store::register::NewApp {
                name: "SIMPUS".into(),
                ..Default::default()
            },
            &system,
            test.services.clock.now(),
        )
        .await
        .unwrap();
    // `testing::router` with its state kept, to wait for the documents issued in the background.
    let app = AppState::new(
        WebConfig {
            office_name: "Dinas Komunikasi dan Informatika Kabupaten Demak".to_owned(),
            public_base_url: format!("https://{TEST_HOST}"),
            upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
            trusted_proxies: Default::default(),
        },
        test.services.clone(),
    )
    .unwrap();
    let router = pelihara_web::router(app.clone());
    Site {
        test,
        app,
        router,
        people,
    }
}

impl Site {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = to_bytes(response.into_body(), 20 * 1024 * 1024)
            .await
            .unwrap()
            .to_vec();
        Reply {
            status,
            content_type,
            bytes,
        }
    }

    async fn get(&self, cookie: Option<&str>, uri: &str) -> Reply {
        let mut request = Request::builder().uri(uri).header(header::HOST, TEST_HOST);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn post(
        &self,
        cookie: Option<&str>,
        uri: &str,
        parts: &[(String, Option<String>, Vec<u8>)],
    ) -> Reply {
        let parts: Vec<(&str, Option<&str>, Vec<u8>)> = parts
            .iter()
            .map(|(name, file, bytes)| (name.as_str(), file.as_deref(), bytes.clone()))
            .collect();
        let (content_type, body) = multipart(&parts);
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::HOST, TEST_HOST)
            .header(header::ORIGIN, format!("https://{TEST_HOST}"))
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, content_type);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    async fn cookie(&self, username: &str) -> String {
        testing::sign_in(&self.router, username, TEST_PASSWORD).await
    }

    /// Submits a request and waits for its receipt to be issued.
    async fn submit(&self) -> CaseId {
        let case = self.submit_unsettled().await;
        // The receipt is issued in the background after the answer.
        self.app.documents_settled().await;
        case
    }

    /// Submits a request (303) without waiting for the documents queued after it.
    async fn submit_unsettled(&self) -> CaseId {
        let cookie = self.cookie("op.dinkes").await;
        let app = self
            .test
            .services
            .store
            .list_apps(Some(self.people.opd))
            .await
            .unwrap()[0]
            .id
            .to_string();
        let reply = self
            .post(
                Some(&cookie),
                "/permohonan/baru",
                &[
                    text("app_id", &app),
                    text("subject", "Perbaikan modul rujukan SIMPUS"),
                    text("description", "Formulir rujukan gagal disimpan."),
                    ("letter".into(), Some("surat.pdf".into()), letter_pdf()),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        let cases = self
            .test
            .services
            .store
            .list_cases(Some(self.people.opd), 10)
            .await
            .unwrap();
        cases[0].id
    }

    /// Acts on the case's open task (303) and waits for the documents queued after it.
    async fn act(&self, username: &str, case: CaseId, parts: &[(&str, &str)]) {
        self.act_unsettled(username, case, parts).await;
        self.app.documents_settled().await;
    }

    /// Acts on the case's open task (303) without waiting for its documents.
    async fn act_unsettled(&self, username: &str, case: CaseId, parts: &[(&str, &str)]) {
        let cookie = self.cookie(username).await;
        let state = self
            .test
            .services
            .store
            .case_state(case)
            .await
            .unwrap()
            .unwrap();
        let task = state
            .tasks
            .iter()
            .find(|task| task.state == TaskState::Open)
            .map(|task| task.id.to_string())
            .unwrap_or_default();
        let mut all = vec![text("task_id", &task)];
        all.extend(parts.iter().map(|(name, value)| text(name, value)));
        let reply = self
            .post(Some(&cookie), &format!("/permohonan/{case}/aksi"), &all)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{username}: {}",
            reply.text()
        );
    }
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

/// The verification id the document's footer (and QR code) points to.
fn verification_id(pdf: &[u8]) -> String {
    let text = pdf_text(pdf);
    let marker = format!("https://{TEST_HOST}/verifikasi/");
    let start = text.find(&marker).expect("a verification address") + marker.len();
    text[start..start + 32].to_owned()
}

fn sha256(bytes: &[u8]) -> String {
    pelihara_documents::sha256_hex(bytes)
}

/// The letterhead the shipped SOP's header implies (what prints before an admin sets one).
fn office_kop() -> pelihara_web::LetterheadSetting {
    let sop = pelihara_sop::parse_definition("shipped", pelihara_sop::SHIPPED_SOP).unwrap();
    pelihara_web::LetterheadSetting::from_sop_header(&sop.header)
}

#[tokio::test]
async fn documents_are_issued_verified_and_superseded() {
    let site = site().await;
    let case = site.submit().await;
    let operator = site.cookie("op.dinkes").await;

    // The receipt, for the OPD that submitted: a PDF with the tracking number.
    let receipt = site
        .get(
            Some(&operator),
            &format!("/permohonan/{case}/dokumen/tanda-terima"),
        )
        .await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert_eq!(receipt.content_type, "application/pdf");
    let state = site
        .test
        .services
        .store
        .case_state(case)
        .await
        .unwrap()
        .unwrap();
    let receipt_text = pdf_text(&receipt.bytes);
    assert!(
        receipt_text.contains(&state.case.tracking_code),
        "{receipt_text}"
    );
    assert!(receipt_text.contains("Operator Dinkes"), "{receipt_text}");
    // Nothing changed: the same issue, byte for byte.
    let again = site
        .get(
            Some(&operator),
            &format!("/permohonan/{case}/dokumen/tanda-terima"),
        )
        .await;
    assert_eq!(again.bytes, receipt.bytes);

    // Another OPD's operator, a strange kind and an unregistered letter's card are all 404.
    let other = site.cookie("op.disdik").await;
    for (cookie, uri) in [
        (&other, format!("/permohonan/{case}/dokumen/tanda-terima")),
        (&operator, format!("/permohonan/{case}/dokumen/surat-sakti")),
        (
            &operator,
            format!("/permohonan/{case}/dokumen/kartu-kendali"),
        ),
        (
            &operator,
            format!("/permohonan/{case}/dokumen/tanda-terima?kertas=a3"),
        ),
    ] {
        assert_eq!(
            site.get(Some(cookie), &uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }

    site.act(
        "pelaksana",
        case,
        &[
            ("aksi", "register"),
            ("classification", "000.5.2.3"),
            ("letter_number", "440/1/2026"),
            ("letter_date", "2026-01-05"),
            ("urgency", "segera"),
        ],
    )
    .await;
    site.act(
        "kepala_dinas",
        case,
        &[
            ("aksi", "dispose"),
            ("instructions", "Tindak lanjuti"),
            ("note", "Segera"),
        ],
    )
    .await;
    let head = site.cookie("kepala_dinas").await;
    let sheet_uri = format!("/permohonan/{case}/dokumen/lembar-disposisi");
    let first = site.get(Some(&head), &sheet_uri).await;
    assert_eq!(first.status, StatusCode::OK);
    let first_text = pdf_text(&first.bytes);
    assert!(
        first_text.contains("Disposisi 1 dari Kepala Dinas"),
        "{first_text}"
    );
    assert!(first_text.contains("440/1/2026"), "{first_text}");
    let first_id = verification_id(&first.bytes);

    // The public page, without login: valid, with the number and the PDF's hash.
    let page = site.get(None, &format!("/verifikasi/{first_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("data-status=\"valid\""), "{html}");
    assert!(html.contains("Lembar Disposisi"));
    assert!(html.contains(&sha256(&first.bytes)));
    assert!(html.contains(&state_agenda(&site, case).await));
    // Only what is safe: no subject, no names.
    assert!(!html.contains("Perbaikan modul rujukan SIMPUS"));
    assert!(!html.contains("Staf kepala_dinas"));

    // The issued PDF matches; one changed byte does not.
    let upload = |bytes: Vec<u8>| vec![("pdf".to_owned(), Some("x.pdf".to_owned()), bytes)];
    let same = site
        .post(
            None,
            &format!("/verifikasi/{first_id}"),
            &upload(first.bytes.clone()),
        )
        .await;
    assert!(
        same.text().contains("data-check=\"identical\""),
        "{}",
        same.text()
    );
    let mut forged = first.bytes.clone();
    let at = forged.len() / 2;
    forged[at] ^= 0x20;
    let changed = site
        .post(None, &format!("/verifikasi/{first_id}"), &upload(forged))
        .await;
    assert!(
        changed.text().contains("data-check=\"different\""),
        "{}",
        changed.text()
    );

    // A second disposition: the next download is a new issue that supersedes the first.
    site.act(
        "sekretaris",
        case,
        &[("aksi", "dispose"), ("instructions", "Koordinasikan")],
    )
    .await;
    let second = site.get(Some(&head), &sheet_uri).await;
    assert_ne!(second.bytes, first.bytes);
    assert!(pdf_text(&second.bytes).contains("Disposisi 2 dari Sekretaris"));
    let second_id = verification_id(&second.bytes);
    assert_ne!(second_id, first_id);
    let old = site
        .get(None, &format!("/verifikasi/{first_id}"))
        .await
        .text();
    assert!(old.contains("data-status=\"superseded\""), "{old}");
    let new = site
        .get(None, &format!("/verifikasi/{second_id}"))
        .await
        .text();
    assert!(new.contains("data-status=\"valid\""));

    // A third disposition supersedes the second: every older issue's page leads to the
    // latest version, not to the one that happened to replace it.
    site.act(
        "kabid_aptika",
        case,
        &[("aksi", "dispose"), ("instructions", "Tindak lanjuti")],
    )
    .await;
    let third = site.get(Some(&head), &sheet_uri).await;
    let third_id = verification_id(&third.bytes);
    assert_ne!(third_id, second_id);
    for older in [&first_id, &second_id] {
        let page = site.get(None, &format!("/verifikasi/{older}")).await.text();
        assert!(page.contains("data-status=\"superseded\""), "{page}");
        assert!(
            page.contains(&format!(
                "href=\"/verifikasi/{third_id}\" id=\"verify-latest\""
            )),
            "{older}: {page}"
        );
    }

    // Unknown and malformed ids: the unknown status, as a 404.
    for id in ["0123456789abcdef0123456789abcdef", "../../etc/passwd", "x"] {
        let reply = site.get(None, &format!("/verifikasi/{id}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{id}");
        assert!(reply.text().contains("data-status=\"unknown\"") || id.contains('/'));
    }

    // Issuing is in the audit trail with the PDF's hash.
    let events = site.test.services.store.recent_events(50).await.unwrap();
    let hashes: Vec<&str> = events
        .iter()
        .filter(|event| event.action == "document.issue")
        .filter_map(|event| event.detail["sha256"].as_str())
        .collect();
    assert!(hashes.contains(&sha256(&first.bytes).as_str()));
    assert!(hashes.contains(&sha256(&second.bytes).as_str()));

    // F4 paper is its own issue; the SOP document renders for the case's SOP version.
    let f4 = site
        .get(Some(&head), &format!("{sheet_uri}?kertas=f4"))
        .await;
    assert_eq!(f4.status, StatusCode::OK);
    let sop = site
        .get(Some(&operator), &format!("/permohonan/{case}/dokumen/sop"))
        .await;
    assert_eq!(sop.status, StatusCode::OK);
    assert!(pdf_text(&sop.bytes).contains("Pemeliharaan Aplikasi/Website"));

    // The case page links the documents the case has reached.
    let page = site
        .get(Some(&head), &format!("/permohonan/{case}"))
        .await
        .text();
    assert!(page.contains(&format!("/permohonan/{case}/dokumen/lembar-disposisi")));
    assert!(!page.contains(&format!("/permohonan/{case}/dokumen/berita-acara")));
    // A disposition's paraf is named for what it is, with its seal code.
    assert!(page.contains("Paraf elektronik (kode pengaman)"), "{page}");
    assert!(!page.contains("sidik"), "{page}");
    // And so on the disposition sheet.
    let sheet = pdf_text(&third.bytes);
    assert!(sheet.contains("Kode pengaman: "), "{sheet}");
    assert!(
        sheet.contains("Kode pengaman dihitung dari berkas surat"),
        "{sheet}"
    );
}

async fn state_agenda(site: &Site, case: CaseId) -> String {
    let state = site
        .test
        .services
        .store
        .case_state(case)
        .await
        .unwrap()
        .unwrap();
    state.case.agenda.unwrap().number
}

#[tokio::test]
async fn the_maintenance_report_after_acceptance() {
    let site = site().await;
    let case = site.submit().await;
    let steps: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "pelaksana",
            vec![
                ("aksi", "register"),
                ("classification", "000.5.2.3"),
                ("letter_number", "440/1/2026"),
                ("letter_date", "2026-01-05"),
                ("urgency", "segera"),
            ],
        ),
        (
            "kepala_dinas",
            vec![
                ("aksi", "dispose"),
                ("instructions", "Tindak lanjuti"),
                ("note", "Segera ditangani"),
            ],
        ),
        (
            "sekretaris",
            vec![
                ("aksi", "dispose"),
                ("instructions", "Koordinasikan"),
                ("note", "Libatkan tim jaringan"),
            ],
        ),
        (
            "kabid_aptika",
            vec![("aksi", "dispose"), ("note", "Mohon dianalisis")],
        ),
        (
            "subkoor_spa",
            vec![
                ("aksi", "analysis"),
                ("findings", "Validasi formulir salah"),
                ("verdict", "maintainable"),
            ],
        ),
        (
            "pelaksana",
            vec![
                ("aksi", "maintenance"),
                ("work_log", "Validasi diperbaiki"),
                ("result", "Formulir tersimpan"),
            ],
        ),
        (
            "pelaksana",
            vec![
                ("aksi", "hosting"),
                ("server", "web-01"),
                ("domain", "simpus.demakkab.go.id"),
                ("network_officer", "Staf tim_jaringan"),
                ("deployed", "1"),
            ],
        ),
        (
            "subkoor_spa",
            vec![
                ("aksi", "handover"),
                ("held_at", "2020-01-06T09:00"),
                ("place", "Ruang rapat"),
                ("attendees", "Dinkes, Dinkominfo"),
                ("summary", "Dipaparkan"),
            ],
        ),
        (
            "op.dinkes",
            vec![("aksi", "accept"), ("note", "Diterima baik")],
        ),
    ];
    for (who, parts) in &steps {
        site.act(who, case, parts).await;
    }
    let state = site
        .test
        .services
        .store
        .case_state(case)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.case.status, CaseStatus::Done);
    // Issued when the OPD accepted, by the OPD's operator, before anyone downloads it.
    let issued = current_issue(&site, "berita-acara", case, "a4")
        .await
        .expect("the berita acara is issued at acceptance");
    assert_eq!(issued.issued_by, Some(site.people.operator));
    let auditor = site.cookie("auditor").await;
    let report = site
        .get(
            Some(&auditor),
            &format!("/permohonan/{case}/dokumen/berita-acara"),
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    assert_eq!(sha256(&report.bytes), issued.sha256);
    let text = pdf_text(&report.bytes);
    for expected in [
        "BERITA ACARA PEMELIHARAAN APLIKASI/WEBSITE",
        "Temuan : Validasi formulir salah",
        "Pekerjaan : Validasi diperbaiki",
        "Server : web-01",
        "Tempat : Ruang rapat",
        "Catatan OPD : Diterima baik",
        "Staf subkoor_spa",
        "Operator Dinkes",
        "PIHAK PERTAMA",
        "PIHAK KEDUA",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    // One sheet, signatures included, on the office's A4 and on F4.
    assert!(text.contains("Halaman 1 dari 1"), "{text}");
    let f4 = site
        .get(
            Some(&auditor),
            &format!("/permohonan/{case}/dokumen/berita-acara?kertas=f4"),
        )
        .await;
    assert!(pdf_text(&f4.bytes).contains("Halaman 1 dari 1"));
    // Signed by electronic paraf, and the berita acara says so; positions are titles.
    assert!(
        text.contains("kami yang membubuhkan paraf elektronik di bawah ini"),
        "{text}"
    );
    assert!(text.contains("Jabatan : Operator OPD"), "{text}");
    assert!(!text.contains("operator OPD"), "{text}");
    let page = site
        .get(Some(&auditor), &format!("/permohonan/{case}"))
        .await
        .text();
    assert!(page.contains(&format!("/permohonan/{case}/dokumen/berita-acara")));

    // The control card of the finished case: who processed it (the disposition's final
    // recipient and who did the work) and every disposition's note, not only the last.
    let card = site
        .get(
            Some(&auditor),
            &format!("/permohonan/{case}/dokumen/kartu-kendali"),
        )
        .await;
    let card = pdf_text(&card.bytes);
    for expected in [
        "Pengolah Sub Koordinator Sistem dan Program Aplikasi dikerjakan oleh Staf subkoor_spa, \
         Staf pelaksana Paraf",
        "Disposisi 1 (Kepala Dinas): Segera ditangani",
        "Disposisi 2 (Sekretaris Dinas): Libatkan tim jaringan",
        "Disposisi 3 (Kepala Bidang Aplikasi Informatika): Mohon dianalisis",
    ] {
        assert!(card.contains(expected), "missing {expected:?} in {card}");
    }
}

async fn current_issue(
    site: &Site,
    kind: &str,
    case: CaseId,
    paper: &str,
) -> Option<pelihara_store::IssuedDocument> {
    site.test
        .services
        .store
        .current_issued_document(kind, &format!("{case}:id"), paper)
        .await
        .unwrap()
}

async fn history(site: &Site, kind: &str, case: CaseId) -> Vec<pelihara_store::IssuedDocument> {
    site.test
        .services
        .store
        .issued_document_history(kind, &format!("{case}:id"), "a4")
        .await
        .unwrap()
}

#[tokio::test]
async fn documents_are_issued_when_the_case_moves_not_when_downloaded() {
    let site = site().await;
    let case = site.submit().await;
    let operator = site.cookie("op.dinkes").await;

    // Submitting issued the receipt; the page the OPD lands on offers it.
    let receipt = current_issue(&site, "tanda-terima", case, "a4")
        .await
        .expect("the receipt is issued at submission");
    assert_eq!(receipt.issued_by, Some(site.people.operator));
    let landing = site
        .get(Some(&operator), &format!("/permohonan/{case}?baru=1"))
        .await
        .text();
    assert!(
        landing.contains(&format!(
            "id=\"receipt-download\" href=\"/permohonan/{case}/dokumen/tanda-terima\""
        )),
        "{landing}"
    );
    assert!(landing.contains(&receipt.number), "the tracking number");
    let downloaded = site
        .get(
            Some(&operator),
            &format!("/permohonan/{case}/dokumen/tanda-terima"),
        )
        .await;
    assert_eq!(
        sha256(&downloaded.bytes),
        receipt.sha256,
        "the very same PDF"
    );
    assert!(pdf_text(&downloaded.bytes).contains(&receipt.number));
    assert!(
        current_issue(&site, "kartu-kendali", case, "a4")
            .await
            .is_none()
    );

    // Registering issues the control card and the disposition sheet.
    site.act(
        "pelaksana",
        case,
        &[
            ("aksi", "register"),
            ("classification", "000.5.2.3"),
            ("letter_number", "440/7/2026"),
            ("letter_date", "2026-01-05"),
            ("urgency", "segera"),
        ],
    )
    .await;
    for kind in ["kartu-kendali", "lembar-disposisi"] {
        let issues = history(&site, kind, case).await;
        assert_eq!(issues.len(), 1, "{kind}");
        assert_eq!(issues[0].issued_by, Some(site.people.staff_in("pelaksana")));
    }
    // A disposition re-issues both; the first issues are superseded, the receipt is not.
    site.act(
        "kepala_dinas",
        case,
        &[
            ("aksi", "dispose"),
            ("instructions", "Tindak lanjuti"),
            ("note", "Segera"),
        ],
    )
    .await;
    for kind in ["kartu-kendali", "lembar-disposisi"] {
        let issues = history(&site, kind, case).await;
        assert_eq!(issues.len(), 2, "{kind}");
        assert_eq!(
            issues[0].superseded_by.as_deref(),
            Some(issues[1].id.as_str())
        );
        assert_eq!(issues[1].superseded_by, None);
    }
    let sheet = history(&site, "lembar-disposisi", case).await.remove(1);
    let blob = site
        .test
        .services
        .blobs
        .get(&sheet.sha256)
        .await
        .unwrap()
        .unwrap();
    let text = pdf_text(&blob);
    assert!(text.contains("Disposisi 1 dari Kepala Dinas"), "{text}");
    assert!(text.contains("440/7/2026"), "{text}");
    assert_eq!(history(&site, "tanda-terima", case).await.len(), 1);
    // Downloading hands out the eagerly issued sheet, issuing nothing more.
    let head = site.cookie("kepala_dinas").await;
    let download = site
        .get(
            Some(&head),
            &format!("/permohonan/{case}/dokumen/lembar-disposisi"),
        )
        .await;
    assert_eq!(sha256(&download.bytes), sheet.sha256);
    assert_eq!(history(&site, "lembar-disposisi", case).await.len(), 2);
}

const REGISTER: [(&str, &str); 5] = [
    ("aksi", "register"),
    ("classification", "000.5.2.3"),
    ("letter_number", "440/7/2026"),
    ("letter_date", "2026-01-05"),
    ("urgency", "segera"),
];

const DISPOSE: [(&str, &str); 3] = [
    ("aksi", "dispose"),
    ("instructions", "Tindak lanjuti"),
    ("note", "Segera"),
];

#[tokio::test]
async fn actions_answer_before_their_documents_and_queued_actions_issue_once() {
    let site = site().await;
    site.app.pause_documents();
    // With the worker held, every action still answers 303 (asserted by the helpers) and
    // nothing is issued yet: the answers did not wait for a render.
    let case = site.submit_unsettled().await;
    site.act_unsettled("pelaksana", case, &REGISTER).await;
    site.act_unsettled("kepala_dinas", case, &DISPOSE).await;
    for kind in ["tanda-terima", "kartu-kendali", "lembar-disposisi"] {
        assert!(history(&site, kind, case).await.is_empty(), "{kind}");
    }
    site.app.resume_documents();
    site.app.documents_settled().await;
    // The three queued actions collapsed into one job: each document issued once, from the
    // latest state, in the name of the last actor.
    let head = site.people.staff_in("kepala_dinas");
    for kind in ["tanda-terima", "kartu-kendali", "lembar-disposisi"] {
        let issues = history(&site, kind, case).await;
        assert_eq!(issues.len(), 1, "{kind}");
        assert_eq!(issues[0].issued_by, Some(head), "{kind}");
    }
    let sheet = history(&site, "lembar-disposisi", case).await.remove(0);
    let blob = site
        .test
        .services
        .blobs
        .get(&sheet.sha256)
        .await
        .unwrap()
        .unwrap();
    assert!(pdf_text(&blob).contains("Disposisi 1 dari Kepala Dinas"));
}

#[tokio::test]
async fn the_worker_and_a_download_issue_a_document_once() {
    let site = site().await;
    let operator = site.cookie("op.dinkes").await;
    site.app.pause_documents();
    let case = site.submit_unsettled().await;
    // The receipt link on the landing page works at once: the download issues it...
    let receipt = site
        .get(
            Some(&operator),
            &format!("/permohonan/{case}/dokumen/tanda-terima"),
        )
        .await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert_eq!(receipt.content_type, "application/pdf");
    let issued = history(&site, "tanda-terima", case).await;
    assert_eq!(issued.len(), 1);
    assert_eq!(sha256(&receipt.bytes), issued[0].sha256);
    // ... and the worker, once it runs, finds that issue current.
    site.app.resume_documents();
    site.app.documents_settled().await;
    assert_eq!(history(&site, "tanda-terima", case).await, issued);

    // The worker and downloads of the same documents at the same moment: one issue each.
    site.app.pause_documents();
    site.act_unsettled("pelaksana", case, &REGISTER).await;
    let card = format!("/permohonan/{case}/dokumen/kartu-kendali");
    let sheet = format!("/permohonan/{case}/dokumen/lembar-disposisi");
    let (card, sheet, ()) = tokio::join!(
        site.get(Some(&operator), &card),
        site.get(Some(&operator), &sheet),
        async {
            site.app.resume_documents();
            site.app.documents_settled().await;
        }
    );
    for (kind, download) in [("kartu-kendali", card), ("lembar-disposisi", sheet)] {
        assert_eq!(download.status, StatusCode::OK, "{kind}");
        let issues = history(&site, kind, case).await;
        assert_eq!(issues.len(), 1, "{kind}: {issues:?}");
        assert_eq!(sha256(&download.bytes), issues[0].sha256, "{kind}");
    }
}

#[tokio::test]
async fn a_failed_render_never_fails_the_action_and_the_download_issues_later() {
    let site = site().await;
    let services = &site.test.services;
    let admin = pelihara_store::AuditSource::cli("test");
    // A letterhead whose logo typst cannot draw (bytes put there behind the form's back).
    let broken = services.blobs.put(b"this is no image").await.unwrap();
    let letterhead_setting = pelihara_web::LetterheadSetting {
        logo_sha256: Some(broken),
        ..office_kop()
    };
    services
        .store
        .set_setting(
            pelihara_web::LETTERHEAD_SETTING,
            &letterhead_setting.to_json(),
            &admin,
            services.clock.now(),
        )
        .await
        .unwrap();
    // The submission stands (303 to the case page) although the receipt could not be made.
    let case = site.submit().await;
    assert!(
        current_issue(&site, "tanda-terima", case, "a4")
            .await
            .is_none()
    );
    let operator = site.cookie("op.dinkes").await;
    let page = site
        .get(Some(&operator), &format!("/permohonan/{case}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // Once the letterhead is fixed, the download issues the receipt.
    services
        .store
        .set_setting(
            pelihara_web::LETTERHEAD_SETTING,
            &office_kop().to_json(),
            &admin,
            services.clock.now(),
        )
        .await
        .unwrap();
    let receipt = site
        .get(
            Some(&operator),
            &format!("/permohonan/{case}/dokumen/tanda-terima"),
        )
        .await;
    assert_eq!(receipt.status, StatusCode::OK);
    let issued = current_issue(&site, "tanda-terima", case, "a4")
        .await
        .unwrap();
    assert_eq!(sha256(&receipt.bytes), issued.sha256);
}

// ---------------------------------------------------------------------------------------------
// /admin/kop

/// A real PNG (solid colour, 8-bit RGB), made here so the test needs no image file.
fn png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffff_u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    // Each row: filter byte 0 (none), then RGB pixels.
    let mut row = vec![0_u8];
    for _ in 0..width {
        row.extend_from_slice(&[0x1f, 0x6f, 0x3f]);
    }
    let raw = row.repeat(usize::try_from(height).unwrap());
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, &raw).unwrap();
    let compressed = encoder.finish().unwrap();
    let mut out = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &compressed);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Multipart parts: name, file name (for a file), bytes.
type Parts = Vec<(String, Option<String>, Vec<u8>)>;

fn kop_form(office: &str, paper: &str) -> Parts {
    let mut form = vec![
        text("government", "Pemerintah Kabupaten Demak"),
        text("office", office),
        text("address", "Jalan Kyai Singkil Nomor 7, Demak 59511"),
        text("phone", "(0291) 685877"),
        text("email", "dinkominfo@demakkab.go.id"),
        text("website", "dinkominfo.demakkab.go.id"),
        text("place", "Demak"),
        text("paper", paper),
        text("time_zone", "Asia/Jakarta"),
        text("agenda_format", "{seq:4}/{kode}/{tahun}"),
    ];
    // The civil-service week: Monday to Friday 07:30-16:00, the weekend closed.
    for day in 0..7 {
        let (open, close) = if day < 5 {
            ("07:30", "16:00")
        } else {
            ("", "")
        };
        form.push(text(&format!("open_{day}"), open));
        form.push(text(&format!("close_{day}"), close));
    }
    form
}

/// `form` with the field `name` set to `value` (added when it is not there).
fn with_field(mut form: Parts, name: &str, value: &str) -> Parts {
    form.retain(|(field, _, _)| field != name);
    form.push(text(name, value));
    form
}

fn with_logo(mut form: Parts, name: &str, bytes: Vec<u8>) -> Parts {
    form.push(("logo".to_owned(), Some(name.to_owned()), bytes));
    form
}

async fn stored_kop(site: &Site) -> Option<String> {
    site.test
        .services
        .store
        .setting(pelihara_web::LETTERHEAD_SETTING)
        .await
        .unwrap()
}

fn page_height_pt(pdf: &[u8]) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) must be installed");
    let info = String::from_utf8(output.stdout).unwrap();
    let line = info
        .lines()
        .find(|line| line.starts_with("Page size:"))
        .unwrap();
    // "Page size:      609.45 x 935.43 pts"
    line.split_whitespace().nth(4).unwrap().parse().unwrap()
}

#[tokio::test]
async fn only_an_admin_reaches_the_letterhead_form() {
    let site = site().await;
    let anonymous = site.get(None, "/admin/kop").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    for username in ["op.dinkes", "pelaksana", "kepala_dinas", "auditor"] {
        let cookie = site.cookie(username).await;
        assert_eq!(
            site.get(Some(&cookie), "/admin/kop").await.status,
            StatusCode::FORBIDDEN,
            "{username}"
        );
        let reply = site
            .post(Some(&cookie), "/admin/kop", &kop_form("Dinas Lain", "a4"))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{username}");
    }
    assert_eq!(stored_kop(&site).await, None);
    let admin = site.cookie("admin").await;
    let page = site.get(Some(&admin), "/admin/kop").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Kop surat dokumen resmi"));
    assert!(html.contains("value=\"Dinas Komunikasi dan Informatika\""));
    assert!(html.contains("href=\"/admin/kop\""), "the admin tab");
}

#[tokio::test]
async fn bad_letterhead_input_changes_nothing() {
    let site = site().await;
    let admin = site.cookie("admin").await;
    // A first good save, so "unchanged" means something.
    let saved = site
        .post(
            Some(&admin),
            "/admin/kop",
            &kop_form("Dinas Komunikasi dan Informatika", "a4"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let before = stored_kop(&site).await.unwrap();
    let events_before = site
        .test
        .services
        .store
        .verify_audit()
        .await
        .unwrap()
        .events;

    let mut oversized = png(4, 4);
    oversized.resize(pelihara_documents::LOGO_MAX_BYTES + 10, 0);
    // A PNG signature and header with no image data: passes the header check, fails to draw.
    let mut truncated = png(4, 4);
    truncated.truncate(33);
    let cases: Vec<(&str, Parts, &str)> = vec![
        (
            "a PDF as logo",
            with_logo(kop_form("Dinas X", "a4"), "logo.png", letter_pdf()),
            "Logo harus berupa gambar PNG atau SVG",
        ),
        (
            "a JPEG as logo",
            with_logo(
                kop_form("Dinas X", "a4"),
                "logo.jpg",
                b"\xff\xd8\xff\xe0\0\x10JFIF".to_vec(),
            ),
            "Logo harus berupa gambar PNG atau SVG",
        ),
        (
            "a logo over the limit",
            with_logo(kop_form("Dinas X", "a4"), "logo.png", oversized),
            "Berkas logo terlalu besar",
        ),
        (
            "a PNG typst cannot draw",
            with_logo(kop_form("Dinas X", "a4"), "logo.png", truncated),
            "Logo tidak dapat dicetak",
        ),
        ("an empty office name", kop_form("  ", "a4"), "Wajib diisi."),
        (
            "a3 paper",
            kop_form("Dinas X", "a3"),
            "Pilih salah satu pilihan",
        ),
        (
            "a bad email",
            {
                let mut form = kop_form("Dinas X", "a4");
                form[4] = text("email", "dinkominfo at demakkab");
                form
            },
            "Alamat email tidak valid.",
        ),
        (
            "a time zone outside Indonesia",
            with_field(kop_form("Dinas X", "a4"), "time_zone", "Europe/Berlin"),
            "Pilih salah satu pilihan",
        ),
        (
            "an opening time without a closing time",
            with_field(kop_form("Dinas X", "a4"), "close_2", ""),
            "Isi jam buka dan jam tutup, atau kosongkan keduanya",
        ),
        (
            "a closing time before the opening",
            with_field(kop_form("Dinas X", "a4"), "close_0", "07:00"),
            "Jam tutup harus setelah jam buka.",
        ),
        (
            "a time that is not one",
            with_field(kop_form("Dinas X", "a4"), "open_1", "pagi"),
            "Tulis jam dalam bentuk JJ:MM",
        ),
        (
            "a week without an open day",
            (0..5).fold(kop_form("Dinas X", "a4"), |form, day| {
                let form = with_field(form, &format!("open_{day}"), "");
                with_field(form, &format!("close_{day}"), "")
            }),
            "Kantor harus buka setidaknya satu hari",
        ),
        (
            "an agenda format without a sequence",
            with_field(kop_form("Dinas X", "a4"), "agenda_format", "{kode}/{tahun}"),
            "Format harus memuat {seq}",
        ),
        (
            "an agenda format with an unknown part",
            with_field(kop_form("Dinas X", "a4"), "agenda_format", "{seq}/{nomor}"),
            "Bagian {nomor} tidak dikenal",
        ),
        (
            "an empty agenda format",
            with_field(kop_form("Dinas X", "a4"), "agenda_format", " "),
            "Wajib diisi.",
        ),
    ];
    for (what, form, message) in cases {
        let reply = site.post(Some(&admin), "/admin/kop", &form).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let html = reply.text();
        assert!(html.contains(message), "{what}: {html}");
        assert!(html.contains("is-invalid"), "{what}: the field is marked");
        assert_eq!(stored_kop(&site).await.unwrap(), before, "{what}");
    }
    let report = site.test.services.store.verify_audit().await.unwrap();
    assert_eq!(report.events, events_before, "no write at all");
}

#[tokio::test]
async fn the_letterhead_and_its_logo_print_on_the_next_documents() {
    let site = site().await;
    let admin = site.cookie("admin").await;
    let logo = png(120, 144);
    let reply = site
        .post(
            Some(&admin),
            "/admin/kop",
            &with_logo(
                kop_form("Dinas Komunikasi, Informatika dan Statistik", "f4"),
                "lambang.png",
                logo.clone(),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let page = site
        .get(Some(&admin), "/admin/kop?ok=kop-saved")
        .await
        .text();
    assert!(page.contains("Kop surat tersimpan"));
    assert!(page.contains("Logo saat ini: PNG"), "{page}");
    let stored: serde_json::Value =
        serde_json::from_str(&stored_kop(&site).await.unwrap()).unwrap();
    assert_eq!(stored["logo_sha256"], sha256(&logo));
    assert_eq!(stored["paper"], "f4");
    let events = site.test.services.store.recent_events(1).await.unwrap();
    assert_eq!(events[0].action, "office.identity_changed");

    // The next receipt is on F4 (215 × 330 mm = 935 pt high) with the new kop and the logo.
    let case = site.submit().await;
    let issued = current_issue(&site, "tanda-terima", case, "f4")
        .await
        .unwrap();
    let pdf = site
        .test
        .services
        .blobs
        .get(&issued.sha256)
        .await
        .unwrap()
        .unwrap();
    assert!((page_height_pt(&pdf) - 935.4).abs() < 1.0);
    let printed = pdf_text(&pdf);
    for expected in [
        "PEMERINTAH KABUPATEN DEMAK",
        "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK",
        "Telepon (0291) 685877, Pos-el dinkominfo@demakkab.go.id, Laman dinkominfo.demakkab.go.id",
    ] {
        assert!(
            printed.contains(expected),
            "missing {expected:?} in {printed}"
        );
    }
    // An image is embedded (the QR code is one; the logo makes two).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let list = std::process::Command::new("pdfimages")
        .args(["-list", path.to_str().unwrap()])
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    // Columns: page num type width height ...
    let sizes: Vec<(String, String)> = list
        .lines()
        .skip(2)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            Some(((*columns.get(3)?).to_owned(), (*columns.get(4)?).to_owned()))
        })
        .collect();
    assert!(
        sizes.contains(&("120".to_owned(), "144".to_owned())),
        "{list}"
    );

    // Removing the logo keeps the rest.
    let mut form = kop_form("Dinas Komunikasi, Informatika dan Statistik", "a4");
    form.push(text("remove_logo", "1"));
    let reply = site.post(Some(&admin), "/admin/kop", &form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let stored: serde_json::Value =
        serde_json::from_str(&stored_kop(&site).await.unwrap()).unwrap();
    assert_eq!(stored["logo_sha256"], serde_json::Value::Null);
    assert_eq!(stored["paper"], "a4");
}

/// The open task of `case` and its due moment.
async fn open_task(site: &Site, case: CaseId) -> pelihara_domain::Task {
    let state = site
        .test
        .services
        .store
        .case_state(case)
        .await
        .unwrap()
        .unwrap();
    state
        .tasks
        .into_iter()
        .find(|task| task.state == TaskState::Open)
        .expect("an open task")
}

/// The office's rules are data of its identity: a new time zone and working hours move the
/// open tasks' due moments (audited, as a holiday edit does), the next agenda number follows
/// the new format, and another node shows the new office after its next look, without a
/// restart.
#[tokio::test]
async fn the_office_rules_move_deadlines_and_number_agendas() {
    let site = site().await;
    let admin = site.cookie("admin").await;
    // Another node's copy, read before the change.
    let other_node = site.test.services.store.shared_identity().await.unwrap();
    let case = site.submit().await;
    let before = open_task(&site, case).await.due_at.expect("a due moment");

    // Eastern Indonesian time, open on Sunday mornings only (whatever the test's clock, the
    // old due moment, on a weekday, cannot stay), another agenda format.
    let mut form = kop_form("Dinas Arsip dan Perpustakaan", "a4");
    form = with_field(form, "time_zone", "Asia/Jayapura");
    for day in 0..5 {
        form = with_field(form, &format!("open_{day}"), "");
        form = with_field(form, &format!("close_{day}"), "");
    }
    form = with_field(form, "open_6", "07:30");
    form = with_field(form, "close_6", "12:00");
    form = with_field(form, "agenda_format", "B-{seq:3}/ARSIP/{bulan}/{tahun}");
    let reply = site.post(Some(&admin), "/admin/kop", &form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());

    let calendar = site.test.services.calendar.snapshot();
    assert_eq!(calendar.time_zone.name(), "Asia/Jayapura");
    let half_day = |h: u32, m: u32| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
    assert_eq!(
        calendar.week.hours(chrono::Weekday::Sun),
        Some((half_day(7, 30), half_day(12, 0)))
    );
    assert_eq!(calendar.week.hours(chrono::Weekday::Mon), None);
    let task = open_task(&site, case).await;
    let after = task.due_at.expect("still a due moment");
    assert_ne!(after, before, "the due moment moved");
    assert_eq!(
        pelihara_domain::sla::due(&calendar, &task),
        Some(after),
        "computed on the new calendar"
    );
    let actions: Vec<String> = site
        .test
        .services
        .store
        .recent_events(5)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .collect();
    assert!(
        actions.contains(&"office.identity_changed".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"calendar.due_moments_moved".to_owned()),
        "{actions:?}"
    );

    // The form shows the rules in force, and this node's header the new office.
    let page = site.get(Some(&admin), "/admin/kop").await.text();
    assert!(page.contains("Dinas Arsip dan Perpustakaan Kabupaten Demak"));
    assert!(page.contains("value=\"Asia/Jayapura\" selected"), "{page}");
    assert!(
        page.contains("id=\"close_6\" name=\"close_6\" type=\"time\" step=\"60\" value=\"12:00\"")
    );
    assert!(page.contains("id=\"close_0\" name=\"close_0\" type=\"time\" step=\"60\" value=\"\""));
    assert!(page.contains("value=\"B-{seq:3}/ARSIP/{bulan}/{tahun}\""));

    // Another node: the old name until its look at the store, the new one after it.
    let new_name = "Dinas Arsip dan Perpustakaan Kabupaten Demak".to_owned();
    assert_ne!(other_node.snapshot().office_name(), Some(new_name.clone()));
    assert!(other_node.refresh(&site.test.services.store).await.unwrap());
    assert_eq!(other_node.snapshot().office_name(), Some(new_name));
    assert_eq!(
        other_node.snapshot().rules.agenda.as_str(),
        "B-{seq:3}/ARSIP/{bulan}/{tahun}"
    );

    // The next registered letter is numbered by the new format.
    site.act(
        "pelaksana",
        case,
        &[
            ("aksi", "register"),
            ("classification", "000.5.2.3"),
            ("letter_number", "440/1/2026"),
            ("letter_date", "2026-01-05"),
            ("urgency", "segera"),
        ],
    )
    .await;
    let number = state_agenda(&site, case).await;
    assert!(number.starts_with("B-001/ARSIP/"), "{number}");
}

// ---------------------------------------------------------------------------------------------
// H6b: the office on the verification page, the second paper link, the card's handler

async fn set_letterhead_setting(site: &Site, letterhead_setting: &pelihara_web::LetterheadSetting) {
    let services = &site.test.services;
    services
        .store
        .set_setting(
            pelihara_web::LETTERHEAD_SETTING,
            &letterhead_setting.to_json(),
            &pelihara_store::AuditSource::cli("test"),
            services.clock.now(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_verification_page_names_the_office_of_the_letterhead() {
    let site = site().await;
    set_letterhead_setting(
        &site,
        &pelihara_web::LetterheadSetting {
            government: "Pemerintah Kabupaten Contoh".into(),
            office: "Dinas Kominfo Contoh".into(),
            ..office_kop()
        },
    )
    .await;
    let case = site.submit().await;
    let receipt = current_issue(&site, "tanda-terima", case, "a4")
        .await
        .unwrap();
    let page = site.get(None, &format!("/verifikasi/{}", receipt.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.text();
    // The letterhead's office, not the configured name the page showed whatever it said.
    assert!(
        page.contains(
            "<dd class=\"col-sm-8\">Dinas Kominfo Contoh, Pemerintah Kabupaten Contoh</dd>"
        ),
        "{page}"
    );

    // A letterhead without an office falls back to the configured name.
    set_letterhead_setting(
        &site,
        &pelihara_web::LetterheadSetting {
            office: " ".into(),
            ..office_kop()
        },
    )
    .await;
    let page = site
        .get(None, &format!("/verifikasi/{}", receipt.id))
        .await
        .text();
    assert!(
        page.contains(
            "<dd class=\"col-sm-8\">Dinas Komunikasi dan Informatika Kabupaten Demak</dd>"
        ),
        "{page}"
    );
}

#[tokio::test]
async fn the_second_download_link_offers_the_paper_the_office_does_not_use() {
    let site = site().await;
    let case = site.submit().await;
    let operator = site.cookie("op.dinkes").await;
    let link = |paper: &str| format!("/permohonan/{case}/dokumen/tanda-terima?kertas={paper}");

    // A4 by default: the plain link is A4, the second one F4.
    let page = site
        .get(Some(&operator), &format!("/permohonan/{case}"))
        .await
        .text();
    assert!(page.contains(&link("f4")), "{page}");
    assert!(!page.contains(&link("a4")), "{page}");

    // F4 as the office's paper: the second link offers A4, never a duplicate F4.
    set_letterhead_setting(
        &site,
        &pelihara_web::LetterheadSetting {
            paper: "f4".into(),
            ..office_kop()
        },
    )
    .await;
    let page = site
        .get(Some(&operator), &format!("/permohonan/{case}"))
        .await
        .text();
    assert!(!page.contains(&link("f4")), "{page}");
    let a4 = format!("href=\"{}\">A4</a>", link("a4"));
    assert!(page.contains(&a4), "{page}");
    // And it is A4 indeed: 297 mm = 841.89 pt high.
    let pdf = site.get(Some(&operator), &link("a4")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!((page_height_pt(&pdf.bytes) - 841.89).abs() < 1.0);
}

#[tokio::test]
async fn the_control_card_is_reissued_when_its_handler_changes() {
    let site = site().await;
    let case = site.submit().await;
    site.act(
        "pelaksana",
        case,
        &[
            ("aksi", "register"),
            ("classification", "000.5.2.3"),
            ("letter_number", "440/9/2026"),
            ("letter_date", "2026-01-05"),
            ("urgency", "segera"),
        ],
    )
    .await;
    let card_text = async |issue: &pelihara_store::IssuedDocument| {
        pdf_text(
            &site
                .test
                .services
                .blobs
                .get(&issue.sha256)
                .await
                .unwrap()
                .unwrap(),
        )
    };
    let first = history(&site, "kartu-kendali", case).await;
    assert_eq!(first.len(), 1);
    // Nobody processes the request before a disposition says who.
    let text = card_text(&first[0]).await;
    assert!(text.contains("Pengolah — Paraf"), "{text}");

    // The head of office claims the task to dispose it: disposing is not processing, so the
    // card does not change.
    site.act("kepala_dinas", case, &[("aksi", "claim")]).await;
    assert_eq!(history(&site, "kartu-kendali", case).await.len(), 1);

    // Disposing names the unit that processes it: a second issue.
    site.act(
        "kepala_dinas",
        case,
        &[("aksi", "dispose"), ("instructions", "Tindak lanjuti")],
    )
    .await;
    let cards = history(&site, "kartu-kendali", case).await;
    assert_eq!(cards.len(), 2);
    let text = card_text(&cards[1]).await;
    assert!(text.contains("Pengolah Sekretaris Dinas Paraf"), "{text}");

    // Its holder takes it up: no record the sheet prints, but the card names them now.
    site.act("sekretaris", case, &[("aksi", "claim")]).await;
    let cards = history(&site, "kartu-kendali", case).await;
    assert_eq!(cards.len(), 3, "the claim re-issues the card");
    assert_eq!(
        cards[1].superseded_by.as_deref(),
        Some(cards[2].id.as_str())
    );
    let text = card_text(&cards[2]).await;
    assert!(
        text.contains("Pengolah Sekretaris Dinas dikerjakan oleh Staf sekretaris Paraf"),
        "{text}"
    );
    assert_eq!(
        history(&site, "lembar-disposisi", case).await.len(),
        2,
        "the disposition sheet prints no handler"
    );

    // The download hands out that card: the same rule, nothing more issued.
    let head = site.cookie("kepala_dinas").await;
    let download = site
        .get(
            Some(&head),
            &format!("/permohonan/{case}/dokumen/kartu-kendali"),
        )
        .await;
    assert_eq!(sha256(&download.bytes), cards[2].sha256);
    assert_eq!(history(&site, "kartu-kendali", case).await.len(), 3);
}
