//! HTTP tests of the official documents and their public verification page, through the real
//! router: who may download (another OPD's case is a 404), lazy issue and re-issue after a
//! disposition, the verification page without login (valid, superseded, unknown), and the
//! upload check (the issued PDF matches, a modified one does not). Reads PDFs back with
//! poppler's `pdftotext` (installed by scripts/test-env.sh).

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use pelihara_domain::{CaseId, CaseStatus, TaskState};
use pelihara_web::testing::{self, SeededPeople, TEST_HOST, TEST_PASSWORD, TestServices};
use tower::ServiceExt;

struct Site {
    test: TestServices,
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
    let boundary = "----pelihara-docs-boundary";
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
    let router = testing::router(&test.services);
    Site {
        test,
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

    async fn submit(&self) -> CaseId {
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

    async fn act(&self, username: &str, case: CaseId, parts: &[(&str, &str)]) {
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
    pelihara_docs::sha256_hex(bytes)
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
    assert!(old.contains(&format!("/verifikasi/{second_id}")));
    let new = site
        .get(None, &format!("/verifikasi/{second_id}"))
        .await
        .text();
    assert!(new.contains("data-status=\"valid\""));

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
            vec![("aksi", "dispose"), ("instructions", "Tindak lanjuti")],
        ),
        (
            "sekretaris",
            vec![("aksi", "dispose"), ("instructions", "Koordinasikan")],
        ),
        (
            "kabid_aptika",
            vec![("aksi", "dispose"), ("note", "Mohon dianalisa")],
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
    let auditor = site.cookie("auditor").await;
    let report = site
        .get(
            Some(&auditor),
            &format!("/permohonan/{case}/dokumen/berita-acara"),
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
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
    let page = site
        .get(Some(&auditor), &format!("/permohonan/{case}"))
        .await
        .text();
    assert!(page.contains(&format!("/permohonan/{case}/dokumen/berita-acara")));
}
