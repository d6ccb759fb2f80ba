//! Control characters are refused before anything is read from or written to the database:
//! a NUL gave a 500 on PostgreSQL (before sign-in too) and was stored silently on SQLite. Now
//! a url-encoded form, a query string and a multipart form each answer 400 naming the field,
//! and nothing changes.

use axum::http::StatusCode;
use pelihara_web::testing::{self, TEST_PASSWORD};

use super::auth::{get, post, site};
use super::cases::{Part, site as case_site};

#[tokio::test]
async fn a_nul_in_a_form_or_a_query_is_a_400_naming_the_field_and_changes_nothing() {
    let site = site().await;
    let store = &site.test.services.store;
    let events = store.verify_audit().await.unwrap().events;

    // Before sign-in: the user name of the sign-in form.
    let answer = post(&site.router, "/masuk", None, "username=ad%00min&password=x").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer
            .text()
            .contains("Isian «username» berisi karakter kendali"),
        "{}",
        answer.text()
    );
    assert_eq!(
        store.verify_audit().await.unwrap().events,
        events,
        "no failed sign-in recorded"
    );

    // A search of the register, and an admin's form (a new OPD), signed in.
    let admin = testing::sign_in(&site.router, "admin", TEST_PASSWORD).await;
    let events = store.verify_audit().await.unwrap().events;
    let answer = get(&site.router, "/aplikasi?q=a%00b", Some(&admin)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text().contains("«q»"), "{}", answer.text());
    let opds = store.list_opds().await.unwrap().len();
    let answer = post(
        &site.router,
        "/admin/opd",
        Some(&admin),
        "code=DISKOMINFO&name=Dinas%01Kominfo",
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text().contains("«name»"), "{}", answer.text());
    assert_eq!(store.list_opds().await.unwrap().len(), opds);
    assert_eq!(store.verify_audit().await.unwrap().events, events);

    // In English when asked.
    let answer = post(
        &site.router,
        "/masuk?lang=en",
        None,
        "username=x%00&password=y",
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.text().contains("holds a control character"),
        "{}",
        answer.text()
    );
}

#[tokio::test]
async fn a_nul_in_a_multipart_form_is_refused_before_anything_is_stored() {
    let site = case_site().await;
    let operator = site.cookie("op.dinkes").await;
    let reply = site
        .post(
            &operator,
            "/permohonan/baru",
            &[
                Part::Text("subject", "Perbaikan\u{0}formulir"),
                Part::Text("description", "Formulir rujukan gagal disimpan."),
                Part::File("letter", "surat.pdf", b"%PDF-1.4\n%%EOF\n".to_vec()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("«subject»"), "{}", reply.body);
    let services = &site.test.services;
    assert!(
        services
            .store
            .list_cases(None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Every file in the document store (letters and issued documents).
fn stored_files(folder: &std::path::Path) -> usize {
    let Ok(folders) = std::fs::read_dir(folder.join("documents")) else {
        return 0;
    };
    folders
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| std::fs::read_dir(entry.path()).unwrap().count())
        .sum()
}

/// A PDF of its own (a new hash each time).
fn letter(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n%%EOF\n").into_bytes()
}

#[tokio::test]
async fn a_refused_request_or_action_writes_no_letter() {
    let site = case_site().await;
    let folder = site.test.folder.path().to_path_buf();
    let operator = site.cookie("op.dinkes").await;
    let before = stored_files(&folder);
    // A new request with a good letter but no subject: 422, and the letter is not kept.
    let reply = site
        .post(
            &operator,
            "/permohonan/baru",
            &[
                Part::Text("subject", ""),
                Part::Text("description", "Formulir rujukan gagal disimpan."),
                Part::File("letter", "surat.pdf", letter("tanpa perihal")),
            ],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert_eq!(stored_files(&folder), before);

    // An action with a letter by someone who may not act (the auditor): refused, nothing kept.
    let case = site.submit().await;
    let before = stored_files(&folder);
    let auditor = site.cookie("auditor").await;
    let reply = site
        .post(
            &auditor,
            &format!("/permohonan/{case}/aksi"),
            &[
                Part::Text("aksi", "resubmit"),
                Part::Text("note", "Surat diganti"),
                Part::File("letter", "surat-baru.pdf", letter("auditor")),
            ],
        )
        .await;
    assert!(
        matches!(
            reply.status,
            StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND
        ),
        "{}",
        reply.status
    );
    assert_eq!(
        stored_files(&folder),
        before,
        "a refused action left a file"
    );
}

#[tokio::test]
async fn a_letter_with_a_script_is_served_as_a_download_under_a_clean_name() {
    let site = case_site().await;
    let operator = site.cookie("op.dinkes").await;
    let app = site
        .test
        .services
        .store
        .list_apps(Some(site.people().opd))
        .await
        .unwrap()[0]
        .id
        .to_string();
    let scripted = b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF\n";
    let reply = site
        .post(
            &operator,
            "/permohonan/baru",
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", "Perbaikan formulir"),
                Part::Text("description", "Formulir rujukan gagal disimpan."),
                Part::File("letter", "surat\u{202E}fdp.exe", scripted.to_vec()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let case = reply
        .location
        .trim_start_matches("/permohonan/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let response = site
        .raw_get(&operator, &format!("/permohonan/{case}/surat"))
        .await;
    let disposition = response
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename=\"suratfdp.exe\""),
        "{disposition}"
    );
}
