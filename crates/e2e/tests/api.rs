//! The API journey: each person makes a token on their account page in Chromium (its secret
//! shown once), then a client program (here `fetch` without cookies, carrying only the token)
//! submits a request with its letter and walks it to done through the API alone; the case page
//! shows the same history as the API's record.

use serde_json::{Value, json};

use crate::support::{Browser, Server, pdf};

/// Makes a token with `scopes` on the account page as `username`, and reads it off the page.
async fn token_from_account_page(browser: &Browser, username: &str, scopes: &[&str]) -> String {
    browser
        .sign_in(username, pelihara_web::testing::TEST_PASSWORD)
        .await;
    browser.goto("/akun/token").await;
    browser
        .wait_for_text(&pelihara_i18n::t(
            pelihara_i18n::Lang::Id,
            "account-token-new",
        ))
        .await;
    browser.fill("name", &format!("Sistem {username}")).await;
    for scope in scopes {
        browser.check("scopes", scope).await;
    }
    browser
        .click_button_with_text(&pelihara_i18n::t(
            pelihara_i18n::Lang::Id,
            "account-token-create",
        ))
        .await;
    browser
        .wait_for_text(&pelihara_i18n::t(
            pelihara_i18n::Lang::Id,
            "account-token-created-title",
        ))
        .await;
    let token = browser
        .client
        .find(fantoccini::Locator::Css("#created-token"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(token.starts_with("plh_"), "{token}");
    token
}

/// An API call as a client program makes it: `fetch` with the token and no cookies.
async fn call(
    browser: &Browser,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let answer = browser
        .client
        .execute_async(
            "const [method, path, token, body, done] = arguments;\
             const headers = {'Authorization': 'Bearer ' + token};\
             if (body !== null) headers['Content-Type'] = 'application/json';\
             fetch(path, {method, headers, credentials: 'omit',\
                          body: body === null ? undefined : JSON.stringify(body)})\
               .then(r => r.text().then(t => done([r.status, t])))\
               .catch(e => done([0, String(e)]));",
            vec![
                json!(method),
                json!(path),
                json!(token),
                body.unwrap_or(Value::Null),
            ],
        )
        .await
        .unwrap();
    let status = answer[0].as_u64().unwrap_or_default() as u16;
    let text = answer[1].as_str().unwrap_or_default();
    (
        status,
        serde_json::from_str(text).unwrap_or(Value::String(text.to_owned())),
    )
}

/// Submits the request with its letter as multipart, under an `Idempotency-Key`.
async fn submit(browser: &Browser, token: &str, app_id: &str, letter: &[u8]) -> (u16, Value) {
    let answer = browser
        .client
        .execute_async(
            "const [token, app, bytes, done] = arguments;\
             const form = new FormData();\
             form.append('app_id', app);\
             form.append('subject', 'Perbaikan formulir pengaduan lewat API');\
             form.append('description', 'Dikirim oleh sistem persuratan Dinkes.');\
             form.append('letter', new Blob([new Uint8Array(bytes)], {type: 'application/pdf'}), 'surat.pdf');\
             fetch('/api/v1/cases', {method: 'POST', credentials: 'omit', body: form,\
                   headers: {'Authorization': 'Bearer ' + token, 'Idempotency-Key': 'surat-027-114'}})\
               .then(r => r.text().then(t => done([r.status, t])))\
               .catch(e => done([0, String(e)]));",
            vec![json!(token), json!(app_id), json!(letter)],
        )
        .await
        .unwrap();
    let status = answer[0].as_u64().unwrap_or_default() as u16;
    let text = answer[1].as_str().unwrap_or_default();
    (
        status,
        serde_json::from_str(text).unwrap_or(Value::String(text.to_owned())),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_from_the_account_page_walks_a_request_to_done_through_the_api() {
    let server = Server::start().await;
    let people = pelihara_web::testing::seed_people(&server.test.services).await;
    let app = server
        .test
        .services
        .store
        .create_app(
            people.opd,
            pelihara_store::register::NewApp {
                name: "Website Dinas Kesehatan".into(),
                ..Default::default()
            },
            &pelihara_store::AuditSource::cli("e2e"),
            server.test.services.clock.now(),
        )
        .await
        .unwrap();
    let Some(browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    let operator = token_from_account_page(&browser, "op.dinkes", &["submit", "act"]).await;
    browser.screenshot("api-01-token-created").await;
    // On a phone the page reads as well (the token field, the list scrolls sideways).
    let mut browser = browser;
    browser.resize(390, 844).await;
    browser.screenshot("api-01-token-created-phone").await;
    browser.resize(1366, 900).await;
    // The list names it by its prefix; the secret is not shown again.
    browser.goto("/akun/token").await;
    browser.wait_for_text(&operator[..12]).await;
    assert!(!browser.text().await.contains(&operator[13..]));

    let letter = pdf::letter("Surat permohonan lewat API");
    let (status, case) = submit(&browser, &operator, &app.to_string(), &letter).await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    // A retry (the client did not see the answer): the same case.
    let (status, again) = submit(&browser, &operator, &app.to_string(), &letter).await;
    assert_eq!((status, again["id"].as_str()), (201, Some(id.as_str())));

    let steps = [
        (
            "pelaksana",
            json!({ "action": "register", "classification": "000.5.2.3",
            "letter_number": "027/114/DINKES/2026", "letter_date": "2026-11-30" }),
        ),
        (
            "kepala_dinas",
            json!({ "action": "dispose", "instructions": ["Tindak lanjuti"] }),
        ),
        (
            "sekretaris",
            json!({ "action": "dispose", "instructions": ["Koordinasikan"] }),
        ),
        (
            "kabid_aptika",
            json!({ "action": "dispose", "note": "Mohon dianalisa" }),
        ),
        (
            "subkoor_spa",
            json!({ "action": "analysis", "findings": "Validasi salah",
            "verdict": "maintainable" }),
        ),
        (
            "pelaksana",
            json!({ "action": "maintenance", "work_log": "Validasi diperbaiki",
            "result": "Formulir tersimpan" }),
        ),
        (
            "pelaksana",
            json!({ "action": "hosting", "server": "web-01",
            "domain": "dinkes.demakkab.go.id", "network_officer": "Staf tim_jaringan",
            "deployed": true }),
        ),
        (
            "subkoor_spa",
            json!({ "action": "handover", "held_at": "2020-01-06T09:00:00+07:00",
            "place": "Ruang rapat", "attendees": "Dinkes, Dinkominfo", "summary": "Dipaparkan" }),
        ),
        (
            "op.dinkes",
            json!({ "action": "accept", "note": "Diterima" }),
        ),
    ];
    let mut tokens: Vec<(String, String)> = vec![("op.dinkes".into(), operator.clone())];
    for (who, mut body) in steps {
        let token = match tokens.iter().find(|(name, _)| name == who) {
            Some((_, token)) => token.clone(),
            None => {
                let token = token_from_account_page(&browser, who, &["act"]).await;
                tokens.push((who.to_owned(), token.clone()));
                token
            }
        };
        let (status, read) = call(
            &browser,
            "GET",
            &format!("/api/v1/cases/{id}"),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{who}: {read}");
        let task = read["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|task| task["state"] == "open")
            .unwrap()["id"]
            .clone();
        body["task_id"] = task;
        let (status, after) = call(
            &browser,
            "POST",
            &format!("/api/v1/cases/{id}/actions"),
            &token,
            Some(body),
        )
        .await;
        assert_eq!(status, 200, "{who}: {after}");
    }
    let (_, done) = call(
        &browser,
        "GET",
        &format!("/api/v1/cases/{id}"),
        &operator,
        None,
    )
    .await;
    assert_eq!(done["status"], "done", "{done}");

    // The case page, in the browser, tells the same story.
    browser
        .sign_in("op.dinkes", pelihara_web::testing::TEST_PASSWORD)
        .await;
    browser.goto(&format!("/permohonan/{id}")).await;
    browser
        .wait_for_text(&pelihara_i18n::t(pelihara_i18n::Lang::Id, "status-done"))
        .await;
    let page = browser.text().await;
    for record in done["records"].as_array().unwrap() {
        let name = record["by_name"].as_str().unwrap();
        assert!(page.contains(name), "{name} missing from the case page");
    }
    assert!(page.contains("Koordinasikan"));
    browser.screenshot("api-02-case-done").await;
    browser.close().await;
}
