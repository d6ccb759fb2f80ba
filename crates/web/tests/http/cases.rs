//! HTTP tests of the request pages through the real router, signed in as each role: the new
//! request form and its bad input, every action form's bad input (clear message, nothing
//! changed), who sees which form, a late second submission, the whole SOP walked by posting
//! the forms, and OPD isolation (another OPD's case is a 404 everywhere).

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use pelihara_domain::{CaseId, CaseStatus};
use pelihara_web::testing::{self, SeededPeople, TEST_HOST, TEST_PASSWORD, TestServices};
use tower::ServiceExt;

pub(crate) struct Site {
    pub(crate) test: TestServices,
    pub(crate) router: Router,
    people: SeededPeople,
}

/// A minimal valid PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

pub(crate) async fn site() -> Site {
    Site::around(testing::services().await).await
}

impl Site {
    /// The site on these services: the seeded people, an app for each of the two OPDs.
    pub(crate) async fn around(test: TestServices) -> Site {
        let people = testing::seed_people(&test.services).await;
        let system = pelihara_store::AuditSource::cli("test");
        let now = test.services.clock.now();
        for (opd, name) in [(people.opd, "SIMPUS"), (people.other_opd, "PPDB Online")] {
            test.services
                .store
                .create_app(
                    opd,
                    pelihara_store::register::NewApp {
                        name: name.into(),
                        ..Default::default()
                    },
                    &system,
                    now,
                )
                .await
                .unwrap();
        }
        let router = testing::router(&test.services);
        Site {
            test,
            router,
            people,
        }
    }
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) location: String,
    pub(crate) body: String,
}

pub(crate) enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, Vec<u8>),
}

fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----pelihara-test-boundary";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, file_name, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Site {
    pub(crate) async fn cookie(&self, username: &str) -> String {
        testing::sign_in(&self.router, username, TEST_PASSWORD).await
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = to_bytes(response.into_body(), 20 * 1024 * 1024)
            .await
            .unwrap();
        Reply {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// The response itself, headers included.
    pub(crate) async fn raw_get(&self, cookie: &str, uri: &str) -> axum::response::Response {
        let request = Request::builder()
            .uri(uri)
            .header(header::HOST, TEST_HOST)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        self.router.clone().oneshot(request).await.unwrap()
    }

    pub(crate) async fn get(&self, cookie: &str, uri: &str) -> Reply {
        let request = Request::builder()
            .uri(uri)
            .header(header::HOST, TEST_HOST)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    pub(crate) async fn post(&self, cookie: &str, uri: &str, parts: &[Part<'_>]) -> Reply {
        let (content_type, body) = multipart(parts);
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::HOST, TEST_HOST)
            .header(header::ORIGIN, format!("https://{TEST_HOST}"))
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// A url-encoded form post, as the confirmation steps send.
    pub(crate) async fn post_form(
        &self,
        cookie: &str,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::HOST, TEST_HOST)
            .header(header::ORIGIN, format!("https://{TEST_HOST}"))
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub(crate) fn people(&self) -> &SeededPeople {
        &self.people
    }

    pub(crate) async fn app_id(&self) -> String {
        self.test
            .services
            .store
            .list_apps(Some(self.people.opd))
            .await
            .unwrap()[0]
            .id
            .to_string()
    }

    /// Submits a request as the DINKES operator; returns the case id.
    pub(crate) async fn submit(&self) -> CaseId {
        let cookie = self.cookie("op.dinkes").await;
        let app = self.app_id().await;
        let reply = self
            .post(
                &cookie,
                "/permohonan/baru",
                &[
                    Part::Text("app_id", &app),
                    Part::Text("subject", "Perbaikan formulir SIMPUS"),
                    Part::Text("description", "Formulir rujukan gagal disimpan."),
                    Part::File("letter", "surat.pdf", pdf()),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let id = reply
            .location
            .trim_start_matches("/permohonan/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        CaseId::parse(&id).unwrap()
    }

    pub(crate) async fn state(&self, case: CaseId) -> pelihara_domain::CaseState {
        self.test
            .services
            .store
            .case_state(case)
            .await
            .unwrap()
            .unwrap()
    }

    pub(crate) async fn act(&self, username: &str, case: CaseId, parts: &[Part<'_>]) -> Reply {
        let cookie = self.cookie(username).await;
        let task = self
            .state(case)
            .await
            .tasks
            .iter()
            .find(|task| task.state == pelihara_domain::TaskState::Open)
            .map(|task| task.id.to_string())
            .unwrap_or_default();
        let mut all = vec![Part::Text("task_id", &task)];
        all.extend(parts.iter().map(|part| match part {
            Part::Text(name, value) => Part::Text(name, value),
            Part::File(name, file, bytes) => Part::File(name, file, bytes.clone()),
        }));
        self.post(&cookie, &format!("/permohonan/{case}/aksi"), &all)
            .await
    }
}

#[tokio::test]
async fn an_operator_submits_and_the_pelaksana_finds_it_in_the_inbox() {
    let site = site().await;
    let case = site.submit().await;
    let operator = site.cookie("op.dinkes").await;
    let page = site
        .get(&operator, &format!("/permohonan/{case}?baru=1"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let tracking = site.state(case).await.case.tracking_code;
    assert!(
        page.body.contains(&tracking),
        "the receipt names the tracking number"
    );
    assert!(page.body.contains("Perbaikan formulir SIMPUS"));

    let pelaksana = site.cookie("pelaksana").await;
    let inbox = site.get(&pelaksana, "/tugas").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains("Perbaikan formulir SIMPUS"));
    assert!(inbox.body.contains("pl-sla-on_time"), "an SLA badge");
    // The Head has nothing yet.
    let head = site.cookie("kepala_dinas").await;
    let inbox = site.get(&head, "/tugas").await;
    assert!(!inbox.body.contains("Perbaikan formulir SIMPUS"));
    // The letter downloads for whoever may see the case.
    let letter = site
        .get(&pelaksana, &format!("/permohonan/{case}/surat"))
        .await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.starts_with("%PDF-"));
}

#[tokio::test]
async fn a_bad_new_request_keeps_what_was_typed_and_creates_nothing() {
    let site = site().await;
    let cookie = site.cookie("op.dinkes").await;
    let app = site.app_id().await;
    // No letter.
    let reply = site
        .post(
            &cookie,
            "/permohonan/baru",
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", "Subjek yang diketik"),
                Part::Text("description", "Uraian yang diketik"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Unggah surat permohonan (PDF)."));
    assert!(reply.body.contains("Subjek yang diketik"));
    assert!(reply.body.contains("Uraian yang diketik"));
    // A letter that is not a PDF, whatever its name.
    let reply = site
        .post(
            &cookie,
            "/permohonan/baru",
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", "x"),
                Part::Text("description", "y"),
                Part::File("letter", "surat.pdf", b"MZ\x90\x00 not a pdf".to_vec()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("harus berkas PDF"));
    // Another OPD's app cannot be chosen.
    let other_app = site
        .test
        .services
        .store
        .list_apps(Some(site.people.other_opd))
        .await
        .unwrap()[0]
        .id
        .to_string();
    let reply = site
        .post(
            &cookie,
            "/permohonan/baru",
            &[
                Part::Text("app_id", &other_app),
                Part::Text("subject", "x"),
                Part::Text("description", "y"),
                Part::File("letter", "surat.pdf", pdf()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Pilih aplikasi atau website"));
    // An empty subject is refused by the engine, with the field named.
    let reply = site
        .post(
            &cookie,
            "/permohonan/baru",
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", "  "),
                Part::Text("description", "y"),
                Part::File("letter", "surat.pdf", pdf()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Perihal wajib diisi."));
    assert!(
        site.test
            .services
            .store
            .list_cases(None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Staff do not submit requests.
    let staff = site.cookie("pelaksana").await;
    assert_eq!(
        site.get(&staff, "/permohonan/baru").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Step 2's registration form as the Pelaksana fills it in.
const REGISTRATION: [Part<'static>; 4] = [
    Part::Text("aksi", "register"),
    Part::Text("classification", "000.5.2.3"),
    Part::Text("letter_number", "440/1/2026"),
    Part::Text("letter_date", "2026-01-05"),
];

#[tokio::test]
async fn action_forms_refuse_bad_input_and_show_only_to_who_may_act() {
    let site = site().await;
    let case = site.submit().await;
    // The Head sees the case but no registration form.
    let head = site.cookie("kepala_dinas").await;
    let page = site.get(&head, &format!("/permohonan/{case}")).await;
    assert!(!page.body.contains("name=\"aksi\" value=\"register\""));
    let pelaksana = site.cookie("pelaksana").await;
    let page = site.get(&pelaksana, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains("name=\"aksi\" value=\"register\""));

    // An empty classification is refused with the field named, and nothing changes.
    let reply = site
        .act(
            "pelaksana",
            case,
            &[
                Part::Text("aksi", "register"),
                Part::Text("classification", ""),
                Part::Text("letter_number", "440/1/2026"),
                Part::Text("letter_date", "2026-01-05"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("Kode klasifikasi wajib diisi."),
        "{}",
        reply.body
    );
    // The field it names takes the focus, marked and described by the message, so nobody is
    // left at the top of the page (item 21).
    assert!(
        reply.body.contains(
            r#"value="000.5.2.3" aria-invalid="true" aria-describedby="action-message" autofocus>"#
        ),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains(r#"role="alert" id="action-message" tabindex="-1">"#)
    );
    assert_eq!(site.state(case).await.case.current_step, 2);
    // An unreadable date names the field.
    let reply = site
        .act(
            "pelaksana",
            case,
            &[
                Part::Text("aksi", "register"),
                Part::Text("classification", "000.5.2.3"),
                Part::Text("letter_number", "440/1/2026"),
                Part::Text("letter_date", "kemarin"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Tanggal surat tidak dapat dibaca"));
    // The Head may not register: refused, nothing changes.
    let reply = site.act("kepala_dinas", case, &REGISTRATION).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(site.state(case).await.case.current_step, 2);

    // The Pelaksana registers; the same form sent again is told who did it.
    let form = REGISTRATION;
    let step_2 = site.state(case).await.active_task().unwrap().id.to_string();
    let reply = site.act("pelaksana", case, &form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let mut again = vec![Part::Text("task_id", &step_2)];
    again.extend(form.iter().map(|part| match part {
        Part::Text(name, value) => Part::Text(name, value),
        Part::File(..) => unreachable!(),
    }));
    let reply = site
        .post(&pelaksana, &format!("/permohonan/{case}/aksi"), &again)
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply
            .body
            .contains("sudah diselesaikan oleh Staf pelaksana")
    );

    // A disposition with an instruction that is not on the sheet is refused.
    let reply = site
        .act(
            "kepala_dinas",
            case,
            &[
                Part::Text("aksi", "dispose"),
                Part::Text("instructions", "Abaikan"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("Instruksi disposisi berisi pilihan yang tidak tersedia.")
    );
    // Issue 18, item 21: the refused field is marked, described by the message and focused
    // (the first of the instructions); the message itself then takes no focus.
    let marked = r#"aria-invalid="true" aria-describedby="action-message""#;
    assert!(
        reply
            .body
            .contains(&format!(r#"id="instr-1" {marked} autofocus>"#)),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(&format!(r#"id="instr-2" {marked}>"#)));
    assert!(reply.body.contains(r#"id="action-message" tabindex="-1">"#));
    assert!(
        !reply.body.contains(r#"pl-other-actions" open"#),
        "not its form"
    );
    // A return without a reason is refused.
    let reply = site
        .act(
            "kepala_dinas",
            case,
            &[Part::Text("aksi", "return"), Part::Text("reason", " ")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Alasan wajib diisi."));
    // "Tindakan lain", which holds the return, stays open with the reason marked and focused.
    assert!(
        reply.body.contains(r#"pl-other-actions" open>"#),
        "{}",
        reply.body
    );
    let reason = reply
        .body
        .split(r#"id="reason-return""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap()
        .to_owned();
    assert!(reason.contains(marked), "{reason}");
    assert!(reason.contains("autofocus"), "{reason}");
    // And it shows, for those who see the page: Bootstrap's red border.
    assert!(
        reply
            .body
            .contains(r#"class="form-control is-invalid" id="reason-return""#)
    );
    assert!(reply.body.contains(r#"id="action-message" tabindex="-1">"#));
    assert_eq!(site.state(case).await.case.current_step, 3);
    // A plain load of the page marks nothing and folds the other actions away.
    let head = site.cookie("kepala_dinas").await;
    let page = site.get(&head, &format!("/permohonan/{case}")).await;
    assert!(!page.body.contains("aria-invalid"));
    assert!(!page.body.contains(r#"pl-other-actions" open"#));
}

#[tokio::test]
async fn the_whole_sop_is_walked_by_posting_the_forms() {
    let site = site().await;
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
                Part::Text("note", "Segera"),
            ],
        ),
        (
            "sekretaris",
            vec![
                Part::Text("aksi", "dispose"),
                Part::Text("instructions", "Tindak lanjuti"),
                Part::Text("instructions", "Koordinasikan"),
            ],
        ),
        (
            "kabid_aptika",
            vec![
                Part::Text("aksi", "dispose"),
                Part::Text("note", "Mohon dianalisa"),
            ],
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
                Part::Text("held_at", "2020-01-06T09:00"),
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
        // Every step's page confirms the action, not only the submission's (issue 18, 15).
        assert_eq!(reply.location, format!("/permohonan/{case}?tersimpan=1"));
        let cookie = site.cookie(who).await;
        let page = site.get(&cookie, &reply.location).await;
        assert!(
            page.body.contains(
                "role=\"status\" id=\"action-recorded\">Tindakan Anda tersimpan dan tercatat"
            ),
            "{who}: {}",
            page.body
        );
    }
    // In English the SOP's Indonesian step titles say which language they are in (item 21).
    let english = site
        .get(
            &site.cookie("pelaksana").await,
            &format!("/permohonan/{case}?lang=en"),
        )
        .await;
    assert!(english.body.contains("<html lang=\"en\""));
    assert!(
        english
            .body
            .contains("class=\"pl-stepper-title\" lang=\"id\">")
    );
    // Opened without the redirect's mark, the page confirms nothing.
    let plain = site
        .get(
            &site.cookie("pelaksana").await,
            &format!("/permohonan/{case}"),
        )
        .await;
    assert!(!plain.body.contains("action-recorded"));
    let state = site.state(case).await;
    assert_eq!(state.case.status, CaseStatus::Done);
    let pelaksana = site.cookie("pelaksana").await;
    let page = site.get(&pelaksana, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains("Hasil diterima OPD"));
    assert!(page.body.contains("Koordinasikan"));
    assert!(page.body.contains("pl-step-done"));
    // The dashboard counts it as done this month.
    let head = site.cookie("kepala_dinas").await;
    let dashboard = site.get(&head, "/dasbor").await;
    assert_eq!(dashboard.status, StatusCode::OK);
}

#[tokio::test]
async fn another_opds_case_is_not_found_anywhere() {
    let site = site().await;
    let case = site.submit().await;
    let other = site.cookie("op.disdik").await;
    for uri in [
        format!("/permohonan/{case}"),
        format!("/permohonan/{case}/surat"),
    ] {
        assert_eq!(
            site.get(&other, &uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    let reply = site
        .post(
            &other,
            &format!("/permohonan/{case}/aksi"),
            &[
                Part::Text("aksi", "withdraw"),
                Part::Text("reason", "iseng"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(site.state(case).await.case.status, CaseStatus::Open);
    let list = site.get(&other, "/permohonan").await;
    assert!(!list.body.contains("Perbaikan formulir SIMPUS"));
    let own = site.cookie("op.dinkes").await;
    let list = site.get(&own, "/permohonan").await;
    assert!(list.body.contains("Perbaikan formulir SIMPUS"));
    // An OPD's dashboard counts its own requests only (issue 15).
    let mine = site.get(&own, "/dasbor").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("data-stat=\"web-stat-open\">1<"));
    let theirs = site.get(&other, "/dasbor").await;
    assert!(theirs.body.contains("data-stat=\"web-stat-open\">0<"));
    // Signed out, every request page sends the browser to sign in.
    let reply = site.get("", &format!("/permohonan/{case}")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.location.starts_with("/masuk"));
}

#[tokio::test]
async fn a_return_and_a_resubmission_with_a_new_letter() {
    let site = site().await;
    let case = site.submit().await;
    let reply = site
        .act(
            "pelaksana",
            case,
            &[
                Part::Text("aksi", "return"),
                Part::Text("reason", "Surat belum ditandatangani"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let operator = site.cookie("op.dinkes").await;
    let page = site.get(&operator, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains("name=\"aksi\" value=\"resubmit\""));
    assert!(page.body.contains("Surat belum ditandatangani"));
    // A resubmission with a file that is not a PDF changes nothing.
    let reply = site
        .act(
            "op.dinkes",
            case,
            &[
                Part::Text("aksi", "resubmit"),
                Part::Text("note", "Sudah"),
                Part::File("letter", "x.pdf", b"hello".to_vec()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(site.state(case).await.case.status, CaseStatus::Returned);
    let mut signed = pdf();
    signed.extend_from_slice(b"% ditandatangani\n%%EOF\n");
    let reply = site
        .act(
            "op.dinkes",
            case,
            &[
                Part::Text("aksi", "resubmit"),
                Part::Text("note", "Sudah ditandatangani"),
                Part::File("letter", "surat-ttd.pdf", signed),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let state = site.state(case).await;
    assert_eq!(state.case.status, CaseStatus::Open);
    assert_eq!(state.case.letter.unwrap().file_name, "surat-ttd.pdf");
}

/// Submits a request through the store (no HTTP, no receipt): for tests that need many.
async fn submit_through_the_store(site: &Site, n: u32) -> CaseId {
    let services = &site.test.services;
    let operator = services
        .store
        .actor(site.people.operator)
        .await
        .unwrap()
        .unwrap();
    let sop = services.catalog.snapshot().current_all().remove(0);
    let bytes = pdf();
    let sha256 = services.blobs.put(&bytes).await.unwrap();
    let app = pelihara_domain::AppId::parse(&site.app_id().await);
    let input = pelihara_domain::SubmitInput {
        opd_id: Some(site.people.opd),
        app_id: Some(app.unwrap()),
        subject: format!("Permohonan nomor {n:02}"),
        description: "Dibuat oleh tes.".into(),
        letter: Some(pelihara_domain::DocumentRef {
            sha256,
            file_name: "surat.pdf".into(),
            size: bytes.len() as u64,
            media_type: "application/pdf".into(),
        }),
        intake: Default::default(),
        tracking_code: format!("PLH-T{n:07}"),
    };
    services
        .store
        .submit_case(
            &sop,
            &services.calendar.snapshot(),
            &operator,
            input,
            services.clock.now(),
            &pelihara_store::AuditSource::cli("test"),
        )
        .await
        .unwrap()
        .case
        .id
}

/// The request list shows fifty requests a page, newest first, with a link to the next page
/// that carries the filter; the status filter is applied before paging.
#[tokio::test]
async fn the_request_list_pages_and_filters() {
    let site = site().await;
    let mut cases = Vec::new();
    for n in 0..55 {
        cases.push(submit_through_the_store(&site, n).await);
    }
    let withdrawn = cases[3];
    let services = &site.test.services;
    let operator = services
        .store
        .actor(site.people.operator)
        .await
        .unwrap()
        .unwrap();
    services
        .store
        .act(
            &services.catalog.snapshot(),
            &services.calendar.snapshot(),
            &services.identity.snapshot().rules.agenda,
            withdrawn,
            &operator,
            None,
            pelihara_domain::Command::Withdraw {
                reason: "Salah kirim".into(),
            },
            services.clock.now(),
            &pelihara_store::AuditSource::cli("test"),
        )
        .await
        .unwrap();
    assert_eq!(
        site.state(withdrawn).await.case.status,
        CaseStatus::Withdrawn
    );

    for user in ["pelaksana", "op.dinkes"] {
        let cookie = site.cookie(user).await;
        let first = site.get(&cookie, "/permohonan").await;
        assert_eq!(first.status, StatusCode::OK);
        let shown = |body: &str| {
            (0..55)
                .filter(|n| body.contains(&format!("Permohonan nomor {n:02}<")))
                .count()
        };
        assert_eq!(shown(&first.body), 50, "{user}: a page of fifty");
        let next = first
            .body
            .split("rel=\"next\"")
            .next()
            .and_then(|head| head.rsplit("href=\"").next())
            .and_then(|link| link.split('"').next())
            .unwrap()
            .replace("&amp;", "&");
        assert!(next.starts_with("/permohonan?setelah="), "{user}: {next}");
        let second = site.get(&cookie, &next).await;
        assert_eq!(second.status, StatusCode::OK);
        assert_eq!(shown(&second.body), 5, "{user}: the rest");
        assert!(
            !second.body.contains("rel=\"next\""),
            "{user}: the last page"
        );
        assert!(
            second.body.contains("href=\"/permohonan\""),
            "{user}: back to the first"
        );

        let only = site.get(&cookie, "/permohonan?status=withdrawn").await;
        assert_eq!(shown(&only.body), 1, "{user}");
        assert!(only.body.contains("Permohonan nomor 03<"));
        assert!(!only.body.contains("rel=\"next\""));
    }
    // Another OPD's operator sees none of them, whatever the link asks for.
    let other = site.cookie("op.disdik").await;
    let page = site
        .get(&other, &format!("/permohonan?opd={}", site.people.opd))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Permohonan nomor"));
}

/// Issue 18, item 17: a second Pelaksana who opens a step the first has taken is told who has
/// it and since when, instead of a page that silently offers nothing; the one who took it
/// sees the form and no such note, and once the task is released the form is back for both.
/// A step nobody claimed but a colleague already opened: a second holder of the position still
/// has the form, and is told who opened it and when (issue 18, item 17).
#[tokio::test]
async fn a_step_a_colleague_opened_says_so_to_the_second_holder() {
    let site = site().await;
    let case = site.submit().await;
    testing::seed_staff(
        &site.test.services,
        &[("pelaksana.dua".to_owned(), vec!["pelaksana".to_owned()])],
    )
    .await;
    let register_form = "name=\"aksi\" value=\"register\"";
    let second = site.cookie("pelaksana.dua").await;
    // Nobody opened it yet: no warning.
    let first = site.cookie("pelaksana").await;
    let page = site.get(&first, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains(register_form));
    assert!(
        !page.body.contains("id=\"step-opened\""),
        "not to the one who opens it"
    );
    let task = site
        .state(case)
        .await
        .tasks
        .into_iter()
        .find(|task| task.state.is_active())
        .unwrap();
    let (by, name, at) = site
        .test
        .services
        .store
        .task_opened_by(task.id)
        .await
        .unwrap()
        .expect("the first opening is recorded with its person");
    assert_eq!(by, site.people().staff_in("pelaksana"));
    let since = pelihara_i18n::format_datetime(
        pelihara_i18n::Lang::Id,
        site.test.services.calendar.snapshot().time_zone,
        at,
    );
    let page = site.get(&second, &format!("/permohonan/{case}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(register_form),
        "the step is not taken: the form stays"
    );
    let note = format!("Langkah ini sudah dibuka oleh {name} pada {since}");
    assert!(page.body.contains("id=\"step-opened\""), "{}", page.body);
    assert!(page.body.contains(&note), "{note} in {}", page.body);
    // The first still sees no warning about themselves.
    let page = site.get(&first, &format!("/permohonan/{case}")).await;
    assert!(!page.body.contains("id=\"step-opened\""));
    // Once claimed, the second is told it is taken instead.
    let reply = site
        .act("pelaksana", case, &[Part::Text("aksi", "claim")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = site.get(&second, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains("id=\"step-taken\""));
    assert!(!page.body.contains("id=\"step-opened\""));
}

#[tokio::test]
async fn a_step_a_colleague_took_says_who_has_it_and_since_when() {
    let site = site().await;
    let case = site.submit().await;
    testing::seed_staff(
        &site.test.services,
        &[("pelaksana.dua".to_owned(), vec!["pelaksana".to_owned()])],
    )
    .await;
    let register_form = "name=\"aksi\" value=\"register\"";
    let reply = site
        .act("pelaksana", case, &[Part::Text("aksi", "claim")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let claim = site
        .state(case)
        .await
        .entries
        .iter()
        .rev()
        .find(|entry| matches!(entry.record, pelihara_domain::Record::Claimed))
        .cloned()
        .unwrap();
    let since = pelihara_i18n::format_datetime(
        pelihara_i18n::Lang::Id,
        site.test.services.calendar.snapshot().time_zone,
        claim.at,
    );

    let second = site.cookie("pelaksana.dua").await;
    let page = site.get(&second, &format!("/permohonan/{case}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains(register_form),
        "no form for a taken step"
    );
    let note = format!(
        "Langkah ini sedang dikerjakan oleh {} sejak {since}.",
        claim.by_name
    );
    assert!(page.body.contains("id=\"step-taken\""), "{}", page.body);
    assert!(page.body.contains(&note), "{note} in {}", page.body);

    let first = site.cookie("pelaksana").await;
    let page = site.get(&first, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains(register_form));
    assert!(
        !page.body.contains("id=\"step-taken\""),
        "not to the one who has it"
    );

    let reply = site
        .act("pelaksana", case, &[Part::Text("aksi", "release")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = site.get(&second, &format!("/permohonan/{case}")).await;
    assert!(
        page.body.contains(register_form),
        "released: the form is back"
    );
    assert!(!page.body.contains("id=\"step-taken\""));
}

/// Issue 18, item 17: "Ambil tugas ini" tells colleagues a task is taken, so it is offered
/// only where a colleague holds the same position: never to the Head alone in his office,
/// and to the Pelaksana once a second Pelaksana exists.
#[tokio::test]
async fn taking_a_task_is_offered_only_where_the_position_is_shared() {
    let site = site().await;
    let case = site.submit().await;
    let claim = "name=\"aksi\" value=\"claim\"";
    let pelaksana = site.cookie("pelaksana").await;
    let page = site.get(&pelaksana, &format!("/permohonan/{case}")).await;
    assert!(!page.body.contains(claim), "the only Pelaksana");

    testing::seed_staff(
        &site.test.services,
        &[("pelaksana.dua".to_owned(), vec!["pelaksana".to_owned()])],
    )
    .await;
    let page = site.get(&pelaksana, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains(claim), "two hold the position now");
    let second = site.cookie("pelaksana.dua").await;
    let page = site.get(&second, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains(claim));

    // Registered: the Head, the only one in his position, disposes without a claim button.
    let reply = site.act("pelaksana", case, &REGISTRATION).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let head = site.cookie("kepala_dinas").await;
    let page = site.get(&head, &format!("/permohonan/{case}")).await;
    assert!(page.body.contains("name=\"aksi\" value=\"dispose\""));
    assert!(!page.body.contains(claim), "the only Kepala Dinas");
}
