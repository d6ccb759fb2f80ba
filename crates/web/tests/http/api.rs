//! HTTP tests of the JSON API (`/api/v1`) through the real router: tokens made on the account
//! page and kept only as hashes (the database file and the log never hold one), a request
//! submitted with its letter and walked to done through the API alone (the case page shows the
//! same history), idempotent retries, stale actions (412, 409 with who acted), scopes (403),
//! another OPD's case (404), expired, revoked and disabled tokens (401), problems naming the
//! field in the language asked for, and the OpenAPI description covering every route.

use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use pelihara_store::{AuditSource, NewToken, TokenScope};
use pelihara_web::Clock;
use pelihara_web::testing::{self, SeededPeople, TEST_HOST, TEST_PASSWORD, TestServices};
use serde_json::Value;
use tower::ServiceExt;

/// Everything logged while the tests of this binary run (installed once, process-wide: see
/// `internal_errors_are_logged_with_the_request_id_and_never_shown` for why not per thread).
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn log() -> LogBuffer {
    static LOG: OnceLock<LogBuffer> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = LogBuffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer({
                let log = log.clone();
                move || log.clone()
            })
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        // Another test of this binary may have installed one first; then it is that one.
        let _ = tracing::subscriber::set_global_default(subscriber);
        log
    })
    .clone()
}

/// A minimal valid PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A clock the test moves.
#[derive(Clone)]
struct MovingClock(Arc<Mutex<DateTime<Utc>>>);

impl MovingClock {
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

struct Api {
    test: TestServices,
    router: Router,
    people: SeededPeople,
    clock: MovingClock,
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("JSON body: {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// A problem: `application/problem+json` with this status.
    fn problem(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.header("content-type"), "application/problem+json");
        let json = self.json();
        assert_eq!(json["status"], status.as_u16());
        assert!(
            json["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:pelihara:problem:")
        );
        json
    }
}

/// The fields of a multipart body.
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, Vec<u8>),
}

fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----pelihara-api-boundary";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            ),
            Part::File(name, file, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                         Content-Type: application/pdf\r\n\r\n"
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

async fn api() -> Api {
    let start = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+07:00")
        .unwrap()
        .with_timezone(&Utc);
    let clock = MovingClock(Arc::new(Mutex::new(start)));
    let source = clock.clone();
    let test =
        testing::services_with_clock(Clock::from_fn(move || *source.0.lock().unwrap())).await;
    let people = testing::seed_people(&test.services).await;
    let system = AuditSource::cli("test");
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
                start,
            )
            .await
            .unwrap();
    }
    let router = testing::router(&test.services);
    Api {
        test,
        router,
        people,
        clock,
    }
}

impl Api {
    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body(), 20 * 1024 * 1024)
            .await
            .unwrap()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    fn request(method: Method, uri: &str, token: Option<&str>) -> axum::http::request::Builder {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, TEST_HOST);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        builder
    }

    async fn get(&self, token: &str, uri: &str) -> Answer {
        self.send(
            Api::request(Method::GET, uri, Some(token))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    async fn submit(&self, token: &str, key: Option<&str>, parts: &[Part<'_>]) -> Answer {
        let (content_type, body) = multipart(parts);
        let mut builder = Api::request(Method::POST, "/api/v1/cases", Some(token))
            .header(header::CONTENT_TYPE, content_type);
        if let Some(key) = key {
            builder = builder.header("idempotency-key", key);
        }
        self.send(builder.body(Body::from(body)).unwrap()).await
    }

    async fn act(&self, token: &str, case: &str, if_match: Option<&str>, body: Value) -> Answer {
        let mut builder = Api::request(
            Method::POST,
            &format!("/api/v1/cases/{case}/actions"),
            Some(token),
        )
        .header(header::CONTENT_TYPE, "application/json");
        if let Some(version) = if_match {
            builder = builder.header(header::IF_MATCH, version);
        }
        self.send(builder.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// A token of `username`, made through the store as the account page would.
    async fn token(&self, username: &str, scopes: &[TokenScope], days: i64) -> String {
        let user = self
            .test
            .services
            .store
            .user_by_username(username)
            .await
            .unwrap()
            .unwrap();
        let minted = pelihara_web::auth::mint_token();
        let now = self.test.services.clock.now();
        self.test
            .services
            .store
            .create_token(
                NewToken {
                    user_id: user.user.id,
                    prefix: minted.prefix,
                    secret_hash: minted.secret_hash,
                    name: "test".into(),
                    scopes: scopes.to_vec(),
                    expires_at: now + Duration::days(days),
                },
                &AuditSource::cli("test"),
                now,
            )
            .await
            .unwrap();
        minted.token
    }

    async fn app_id(&self) -> String {
        self.test
            .services
            .store
            .list_apps(Some(self.people.opd))
            .await
            .unwrap()[0]
            .id
            .to_string()
    }

    async fn submit_ok(&self, token: &str, subject: &str) -> Value {
        let app = self.app_id().await;
        let answer = self
            .submit(
                token,
                Some(&format!("key-{}", subject.replace(' ', "-"))),
                &[
                    Part::Text("app_id", &app),
                    Part::Text("subject", subject),
                    Part::Text("description", "Formulir rujukan gagal disimpan."),
                    Part::File("letter", "surat.pdf", pdf()),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
        answer.json()
    }
}

/// The token the account page shows once, read from its answer.
fn shown_token(html: &str) -> String {
    let start = html.find("value=\"plh_").expect("a token in the page") + "value=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// Every byte of the SQLite database (the file and its write-ahead log).
fn database_bytes(test: &TestServices) -> Vec<u8> {
    let mut bytes = Vec::new();
    for name in ["pelihara.db", "pelihara.db-wal"] {
        if let Ok(file) = std::fs::read(test.folder.path().join(name)) {
            bytes.extend(file);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn a_token_made_on_the_account_page_is_shown_once_and_kept_only_as_a_hash() {
    let log = log();
    let api = api().await;
    let cookie = testing::sign_in(&api.router, "op.dinkes", TEST_PASSWORD).await;
    let form = |body: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/akun/token")
            .header(header::HOST, TEST_HOST)
            .header(header::ORIGIN, format!("https://{TEST_HOST}"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    // Bad input: the form comes back with the fields named, nothing made.
    let refused = api.send(form("name=&validity=7")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(html.contains("Beri nama token"), "{html}");
    assert!(html.contains("Pilih paling sedikit satu cakupan"));
    assert!(html.contains("Pilih masa berlaku"));
    // An operator is not offered, and cannot ask for, the admin scope.
    let admin_scope = api.send(form("name=x&scopes=admin&validity=30")).await;
    assert_eq!(admin_scope.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!admin_scope.text().contains("value=\"admin\""));

    let made = api
        .send(form(
            "name=Sistem+persuratan&scopes=read&scopes=submit&scopes=act&validity=90",
        ))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let token = shown_token(&made.text());
    assert_eq!(token.len(), "plh_".len() + 8 + 1 + 64, "{token}");
    let prefix = &token[..12];

    // The list names it by its prefix, and never shows the secret again.
    let list = api
        .send(
            Request::builder()
                .uri("/akun/token")
                .header(header::HOST, TEST_HOST)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = list.text();
    assert!(html.contains(prefix), "{html}");
    assert!(html.contains("Sistem persuratan"));
    assert!(
        html.contains("read submit act"),
        "scopes in their fixed order"
    );
    assert!(
        !html.contains(&token[13..]),
        "the secret is shown only once"
    );

    // It works, and its use is noted (once a minute at most).
    let answer = api.get(&token, "/api/v1/notifications/unread-count").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json(), serde_json::json!({ "unread": 0 }));
    let stored = api
        .test
        .services
        .store
        .tokens_of(api.people.operator)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].prefix, prefix);
    assert_eq!(stored[0].last_used_at, Some(api.test.services.clock.now()));
    assert_eq!(
        stored[0].expires_at,
        api.test.services.clock.now() + Duration::days(90)
    );
    // Submitting with it puts "token X of Y" in the audit trail.
    let case = api.submit_ok(&token, "Perbaikan formulir SIMPUS").await;
    let events = api.test.services.store.recent_events(20).await.unwrap();
    let submitted = events
        .iter()
        .find(|event| event.action.starts_with("case."))
        .unwrap_or_else(|| panic!("a case event: {events:?}"));
    assert_eq!(
        submitted.actor_name,
        format!("token {prefix} of Operator Dinkes")
    );
    assert!(case["id"].is_string());

    // The database and the log never hold the token itself; the database holds its hash.
    let bytes = database_bytes(&api.test);
    assert!(!contains(&bytes, &token[13..]), "secret in the database");
    assert!(contains(&bytes, &pelihara_web::auth::token_hash(&token)));
    let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    // The log is really this test's: it holds the requests it made, by path.
    assert!(
        logged.contains("/api/v1/notifications/unread-count"),
        "{logged}"
    );
    assert!(!logged.contains(&token[13..]), "secret in the log");

    // Revoked on the account page: the next request is refused.
    let revoke = api
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(format!("/akun/token/{}/cabut", stored[0].id))
                .header(header::HOST, TEST_HOST)
                .header(header::ORIGIN, format!("https://{TEST_HOST}"))
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    let refused = api.get(&token, "/api/v1/cases").await;
    refused.problem(StatusCode::UNAUTHORIZED);
    assert_eq!(refused.header("www-authenticate"), "Bearer");
    // Someone else's token cannot be revoked from my page: a 404, nothing changed.
    let other = api.token("op.disdik", &[TokenScope::Read], 30).await;
    let theirs = api
        .test
        .services
        .store
        .tokens_of(api.people.other_operator)
        .await
        .unwrap()[0]
        .id;
    let foreign = api
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(format!("/akun/token/{theirs}/cabut"))
                .header(header::HOST, TEST_HOST)
                .header(header::ORIGIN, format!("https://{TEST_HOST}"))
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.get(&other, "/api/v1/cases").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn tokens_that_do_not_work_are_401_and_scopes_are_403() {
    let api = api().await;
    let read_only = api.token("op.dinkes", &[TokenScope::Read], 30).await;
    // No token, a malformed one, an unknown one.
    let none = api
        .send(
            Api::request(Method::GET, "/api/v1/cases", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let problem = none.problem(StatusCode::UNAUTHORIZED);
    assert_eq!(problem["title"], "Token tidak berlaku");
    for bad in ["Bearer", "Basic YTpi", "Bearer plh_00000000_00", "bearer x"] {
        let answer = api
            .send(
                Api::request(Method::GET, "/api/v1/cases", None)
                    .header(header::AUTHORIZATION, bad)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        answer.problem(StatusCode::UNAUTHORIZED);
    }
    // The wrong scope: 403 naming it, in English when asked.
    let app = api.app_id().await;
    let (content_type, body) = multipart(&[
        Part::Text("app_id", &app),
        Part::Text("subject", "x"),
        Part::File("letter", "surat.pdf", pdf()),
    ]);
    let answer = api
        .send(
            Api::request(Method::POST, "/api/v1/cases", Some(&read_only))
                .header(header::CONTENT_TYPE, content_type)
                .header(header::ACCEPT_LANGUAGE, "en-GB, id;q=0.5")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    let problem = answer.problem(StatusCode::FORBIDDEN);
    assert_eq!(problem["title"], "Not allowed");
    assert_eq!(problem["detail"], "This token lacks the scope \"submit\".");
    assert_eq!(answer.header("content-language"), "en");
    assert!(
        answer
            .header("www-authenticate")
            .contains("insufficient_scope")
    );
    assert!(
        api.test
            .services
            .store
            .list_cases(None, 10)
            .await
            .unwrap()
            .is_empty(),
        "nothing submitted"
    );
    let act_only = api.token("pelaksana", &[TokenScope::Act], 30).await;
    api.get(&act_only, "/api/v1/cases")
        .await
        .problem(StatusCode::FORBIDDEN);

    // Expired: a day after its last day.
    let short = api.token("op.dinkes", &[TokenScope::Read], 30).await;
    assert_eq!(
        api.get(&short, "/api/v1/cases").await.status,
        StatusCode::OK
    );
    api.clock.advance(Duration::days(31));
    api.get(&short, "/api/v1/cases")
        .await
        .problem(StatusCode::UNAUTHORIZED);

    // A disabled user's token, and an inactive OPD's operator's, stop at once.
    let staff = api.token("pelaksana", &[TokenScope::Read], 365).await;
    let operator = api.token("op.disdik", &[TokenScope::Read], 365).await;
    assert_eq!(
        api.get(&staff, "/api/v1/cases").await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get(&operator, "/api/v1/cases").await.status,
        StatusCode::OK
    );
    let now = api.test.services.clock.now();
    let system = AuditSource::cli("test");
    let store = &api.test.services.store;
    store
        .set_user_active(api.people.staff_in("pelaksana"), false, &system, now)
        .await
        .unwrap();
    store
        .set_opd_active(api.people.other_opd, false, &system, now)
        .await
        .unwrap();
    api.get(&staff, "/api/v1/cases")
        .await
        .problem(StatusCode::UNAUTHORIZED);
    api.get(&operator, "/api/v1/cases")
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

/// The steps of the shipped SOP as API actions, each by the user who takes it.
fn walk() -> Vec<(&'static str, Value)> {
    use serde_json::json;
    vec![
        (
            "pelaksana",
            json!({ "action": "register", "classification": "000.5.2.3",
                    "letter_number": "440/1/2026", "letter_date": "2026-03-01",
                    "urgency": "segera" }),
        ),
        (
            "kepala_dinas",
            json!({ "action": "dispose", "instructions": ["Tindak lanjuti"], "note": "Segera" }),
        ),
        (
            "sekretaris",
            json!({ "action": "dispose", "instructions": ["Tindak lanjuti", "Koordinasikan"] }),
        ),
        (
            "kabid_aptika",
            json!({ "action": "dispose", "note": "Mohon dianalisa" }),
        ),
        (
            "subkoor_spa",
            json!({ "action": "analysis", "findings": "Validasi formulir salah",
                    "verdict": "maintainable" }),
        ),
        (
            "pelaksana",
            json!({ "action": "maintenance", "work_log": "Validasi diperbaiki",
                    "result": "Formulir tersimpan" }),
        ),
        (
            "pelaksana",
            json!({ "action": "hosting", "server": "web-01", "domain": "simpus.demakkab.go.id",
                    "network_officer": "Staf tim_jaringan", "deployed": true }),
        ),
        (
            "subkoor_spa",
            json!({ "action": "handover", "held_at": "2026-03-02T08:30:00+07:00",
                    "place": "Ruang rapat", "attendees": "Dinkes, Dinkominfo",
                    "summary": "Dipaparkan" }),
        ),
        (
            "op.dinkes",
            json!({ "action": "accept", "note": "Diterima" }),
        ),
    ]
}

#[tokio::test]
async fn a_request_is_submitted_and_walked_to_done_through_the_api_alone() {
    let api = api().await;
    let operator = api
        .token(
            "op.dinkes",
            &[TokenScope::Read, TokenScope::Submit, TokenScope::Act],
            90,
        )
        .await;
    let app = api.app_id().await;
    let parts = |subject: &'static str| {
        vec![
            Part::Text("app_id", app.as_str()),
            Part::Text("subject", subject),
            Part::Text("description", "Formulir rujukan gagal disimpan."),
            Part::File("letter", "surat.pdf", pdf()),
        ]
    };
    let first = api
        .submit(&operator, Some("intake-42"), &parts("Perbaikan formulir"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let case = first.json();
    let id = case["id"].as_str().unwrap().to_owned();
    assert_eq!(first.header("location"), format!("/api/v1/cases/{id}"));
    assert_eq!(first.header("etag"), format!("\"{}\"", case["version"]));
    assert_eq!(case["status"], "open");
    assert_eq!(case["letter"]["file_name"], "surat.pdf");
    assert_eq!(case["submitted_at"], "2026-03-02T02:00:00Z");
    // A retry with the same key and request: the first case, not a second one.
    let retry = api
        .submit(&operator, Some("intake-42"), &parts("Perbaikan formulir"))
        .await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.header("idempotent-replayed"), "true");
    assert_eq!(retry.json()["id"], id.as_str());
    // The same key for another request: refused, naming the header.
    let reused = api
        .submit(&operator, Some("intake-42"), &parts("Permohonan lain"))
        .await;
    let problem = reused.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
    let store = &api.test.services.store;
    assert_eq!(store.list_cases(None, 10).await.unwrap().len(), 1);

    // The letter comes back as sent.
    let letter = api
        .get(&operator, &format!("/api/v1/cases/{id}/letter"))
        .await;
    assert_eq!(letter.status, StatusCode::OK);
    assert_eq!(letter.body, pdf());

    let mut version = case["version"].as_i64().unwrap();
    for (who, body) in walk() {
        let token = if who == "op.dinkes" {
            operator.clone()
        } else {
            api.token(who, &[TokenScope::Read, TokenScope::Act], 30)
                .await
        };
        // The task the client acts on, as it read it.
        let read = api.get(&token, &format!("/api/v1/cases/{id}")).await;
        assert_eq!(read.status, StatusCode::OK);
        let read = read.json();
        let task = read["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|task| task["state"] == "open")
            .map(|task| task["id"].as_str().unwrap().to_owned())
            .unwrap();
        let mut body = body;
        body["task_id"] = Value::String(task);
        let answer = api
            .act(&token, &id, Some(&format!("\"{version}\"")), body)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{who}: {}", answer.text());
        let after = answer.json();
        assert!(after["version"].as_i64().unwrap() > version);
        version = after["version"].as_i64().unwrap();
        assert_eq!(answer.header("etag"), format!("\"{version}\""));
    }
    let done = api
        .get(&operator, &format!("/api/v1/cases/{id}"))
        .await
        .json();
    assert_eq!(done["status"], "done");
    let kinds: Vec<&str> = done["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|document| document["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"berita-acara"), "{kinds:?}");
    let records = done["records"].as_array().unwrap();
    assert!(
        records
            .iter()
            .any(|record| record["by_name"] == "Staf sekretaris"),
        "{records:?}"
    );
    // The case page shows the same history.
    let cookie = testing::sign_in(&api.router, "pelaksana", TEST_PASSWORD).await;
    let page = api
        .send(
            Request::builder()
                .uri(format!("/permohonan/{id}"))
                .header(header::HOST, TEST_HOST)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = page.text();
    assert!(html.contains("Hasil diterima OPD"), "{html}");
    assert!(html.contains("Koordinasikan"));
    assert!(html.contains("Staf subkoor_spa"));
    // The document downloads with the same token.
    let report = api
        .get(
            &operator,
            &format!("/api/v1/cases/{id}/documents/berita-acara"),
        )
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn bad_input_is_a_problem_naming_the_field_and_changes_nothing() {
    let api = api().await;
    let operator = api
        .token(
            "op.dinkes",
            &[TokenScope::Read, TokenScope::Submit, TokenScope::Act],
            90,
        )
        .await;
    let app = api.app_id().await;
    // A letter that is not a PDF, and no subject.
    let answer = api
        .submit(
            &operator,
            Some("k1"),
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", ""),
                Part::Text("description", "x"),
                Part::File("letter", "surat.pdf", b"MZ not a pdf".to_vec()),
            ],
        )
        .await;
    let problem = answer.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["type"], "urn:pelihara:problem:validation");
    assert_eq!(problem["errors"][0]["field"], "letter");
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("PDF"),
        "{problem}"
    );
    // The letter right, the subject still missing: the engine's refusal, by field.
    let answer = api
        .submit(
            &operator,
            Some("k2"),
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", ""),
                Part::Text("description", "x"),
                Part::File("letter", "surat.pdf", pdf()),
            ],
        )
        .await;
    let problem = answer.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "subject", "{problem}");
    // Another OPD's app is not one this operator may name.
    let other_app = api
        .test
        .services
        .store
        .list_apps(Some(api.people.other_opd))
        .await
        .unwrap()[0]
        .id
        .to_string();
    let answer = api
        .submit(
            &operator,
            Some("k3"),
            &[
                Part::Text("app_id", &other_app),
                Part::Text("subject", "x"),
                Part::File("letter", "surat.pdf", pdf()),
            ],
        )
        .await;
    assert_eq!(
        answer.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"],
        "app_id"
    );
    assert!(
        api.test
            .services
            .store
            .list_cases(None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A malformed Idempotency-Key, a filter that is not understood.
    let answer = api
        .submit(&operator, Some("has space"), &[Part::Text("subject", "x")])
        .await;
    assert_eq!(
        answer.problem(StatusCode::BAD_REQUEST)["errors"][0]["field"],
        "Idempotency-Key"
    );
    let answer = api
        .get(
            &operator,
            "/api/v1/cases?status=maybe&submitted_from=yesterday&limit=0",
        )
        .await;
    let problem = answer.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "limit", "submitted_from"]);

    // An action with a field missing or unknown, or not JSON.
    let case = api.submit_ok(&operator, "Perbaikan").await;
    let id = case["id"].as_str().unwrap();
    let pelaksana = api
        .token("pelaksana", &[TokenScope::Read, TokenScope::Act], 30)
        .await;
    let answer = api
        .act(
            &pelaksana,
            id,
            None,
            serde_json::json!({ "action": "register", "classification": "000.5.2.3",
                                "letter_number": "1", "letter_date": "kemarin" }),
        )
        .await;
    assert_eq!(
        answer.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"],
        "letter_date"
    );
    let answer = api
        .act(
            &pelaksana,
            id,
            None,
            serde_json::json!({ "action": "register", "colour": "red" }),
        )
        .await;
    assert_eq!(
        answer.problem(StatusCode::BAD_REQUEST)["errors"][0]["field"],
        "colour"
    );
    let answer = api
        .act(&pelaksana, id, None, serde_json::json!({ "action": "fly" }))
        .await;
    assert_eq!(
        answer.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"],
        "action"
    );
    let answer = api
        .send(
            Api::request(
                Method::POST,
                &format!("/api/v1/cases/{id}/actions"),
                Some(&pelaksana),
            )
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("register"))
            .unwrap(),
        )
        .await;
    answer.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The operator may not register: the engine refuses, 403, nothing changed.
    let answer = api
        .act(
            &operator,
            id,
            None,
            serde_json::json!({ "action": "register", "classification": "000.5.2.3",
                                "letter_number": "1", "letter_date": "2026-03-01" }),
        )
        .await;
    answer.problem(StatusCode::FORBIDDEN);
    let now = api
        .get(&pelaksana, &format!("/api/v1/cases/{id}"))
        .await
        .json();
    assert_eq!(now["version"], case["version"]);
    // Paths and methods the API does not have are problems too, never HTML.
    api.get(&pelaksana, "/api/v1/nothing-here")
        .await
        .problem(StatusCode::NOT_FOUND);
    let answer = api
        .send(
            Api::request(Method::DELETE, "/api/v1/cases", Some(&pelaksana))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    answer.problem(StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn another_opds_case_is_a_404_and_lists_are_the_callers_own() {
    let api = api().await;
    let dinkes = api
        .token(
            "op.dinkes",
            &[TokenScope::Read, TokenScope::Submit, TokenScope::Act],
            90,
        )
        .await;
    let disdik = api
        .token("op.disdik", &[TokenScope::Read, TokenScope::Act], 90)
        .await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            api.submit_ok(&dinkes, &format!("Permohonan {n}")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        api.clock.advance(Duration::minutes(1));
    }
    let id = &ids[0];
    for uri in [
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{id}/letter"),
        format!("/api/v1/cases/{id}/documents/tanda-terima"),
        "/api/v1/cases/not-an-id".to_owned(),
        format!("/api/v1/cases/{}", uuid_like()),
    ] {
        let problem = api.get(&disdik, &uri).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(problem["type"], "urn:pelihara:problem:not-found", "{uri}");
    }
    api.act(
        &disdik,
        id,
        None,
        serde_json::json!({ "action": "withdraw", "reason": "x" }),
    )
    .await
    .problem(StatusCode::NOT_FOUND);
    // Disdik's list is empty whatever OPD it asks for; Dinkes pages through its three.
    let theirs = api
        .get(&disdik, &format!("/api/v1/cases?opd={}", api.people.opd))
        .await
        .json();
    assert_eq!(theirs["items"], serde_json::json!([]));
    let first = api.get(&dinkes, "/api/v1/cases?limit=2").await.json();
    let page: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(page, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = api
        .get(&dinkes, &format!("/api/v1/cases?limit=2&cursor={cursor}"))
        .await
        .json();
    assert_eq!(second["items"][0]["id"], ids[0].as_str());
    assert!(second["next_cursor"].is_null());
    // Filters: the step, the SOP, the moment, overdue.
    let step1 = api
        .get(&dinkes, "/api/v1/cases?step=2&status=open")
        .await
        .json();
    assert_eq!(step1["items"].as_array().unwrap().len(), 3, "{step1}");
    let none = api.get(&dinkes, "/api/v1/cases?step=5").await.json();
    assert_eq!(none["items"], serde_json::json!([]));
    let later = api
        .get(
            &dinkes,
            "/api/v1/cases?submitted_from=2026-03-02T09:01:00%2B07:00",
        )
        .await
        .json();
    assert_eq!(later["items"].as_array().unwrap().len(), 2, "{later}");
    let overdue = api.get(&dinkes, "/api/v1/cases?overdue=true").await.json();
    assert_eq!(overdue["items"], serde_json::json!([]));
    api.clock.advance(Duration::days(30));
    let overdue = api.get(&dinkes, "/api/v1/cases?overdue=true").await.json();
    assert_eq!(overdue["items"].as_array().unwrap().len(), 3, "{overdue}");
    assert_eq!(overdue["items"][0]["overdue"], true);
}

fn uuid_like() -> &'static str {
    "0195a3b2-7c1d-7e00-8000-000000000000"
}

#[tokio::test]
async fn a_stale_client_gets_412_or_409_with_who_acted() {
    let api = api().await;
    let operator = api
        .token("op.dinkes", &[TokenScope::Read, TokenScope::Submit], 90)
        .await;
    let case = api.submit_ok(&operator, "Perbaikan").await;
    let id = case["id"].as_str().unwrap();
    let read_version = case["version"].as_i64().unwrap();
    let task = case["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|task| task["state"] == "open")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pelaksana = api
        .token("pelaksana", &[TokenScope::Read, TokenScope::Act], 30)
        .await;
    let register_letter = |task: &str| {
        serde_json::json!({ "action": "register", "task_id": task,
            "classification": "000.5.2.3", "letter_number": "1", "letter_date": "2026-03-01" })
    };
    api.clock.advance(Duration::minutes(5));
    let first = api
        .act(
            &pelaksana,
            id,
            Some(&format!("\"{read_version}\"")),
            register_letter(&task),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    // The same version again: 412, naming who acted meanwhile and when.
    let stale = api
        .act(
            &pelaksana,
            id,
            Some(&format!("\"{read_version}\"")),
            register_letter(&task),
        )
        .await;
    let problem = stale.problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(problem["acted_by"]["name"], "Staf pelaksana");
    assert_eq!(problem["acted_by"]["at"], "2026-03-02T02:05:00Z");
    // Without If-Match, the task as read: 409, done by whom.
    let late = api.act(&pelaksana, id, None, register_letter(&task)).await;
    let problem = late.problem(StatusCode::CONFLICT);
    assert_eq!(problem["acted_by"]["name"], "Staf pelaksana", "{problem}");
    // A malformed If-Match is named.
    let bad = api
        .act(&pelaksana, id, Some("yesterday"), register_letter(&task))
        .await;
    assert_eq!(
        bad.problem(StatusCode::BAD_REQUEST)["errors"][0]["field"],
        "If-Match"
    );
}

#[tokio::test]
async fn the_openapi_description_holds_every_api_route() {
    let api = api().await;
    let answer = api
        .send(
            Api::request(Method::GET, "/api/openapi.json", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = answer.json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    // Every `/api/v1` path written anywhere in the web crate's code is described.
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut written = Vec::new();
    collect_api_paths(std::path::Path::new(source), &mut written);
    assert!(written.len() >= 6, "{written:?}");
    for path in &written {
        assert!(paths.contains_key(path), "{path} is not in the description");
    }
    // And every described operation answers through the router: 401 without a token (the
    // route exists and is guarded), or, for a public one (no security), 404 for a number
    // that does not exist.
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let public = operation.get("security").is_none();
            let uri = path
                .replace("{id}", uuid_like())
                .replace("{kind}", "tanda-terima")
                .replace("{code}", "x")
                .replace("{version}", "1");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let answer = api
                .send(
                    Api::request(method.clone(), &uri, None)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            let expected = if public {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::UNAUTHORIZED
            };
            assert_eq!(answer.status, expected, "{method} {uri}");
        }
    }
    // The problem type, the bearer scheme and the scopes are described.
    assert!(document["components"]["schemas"]["Problem"].is_object());
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

/// The `/api/v1/...` paths in string literals of the Rust files under `dir`, with axum's
/// `{param}` as OpenAPI writes it.
fn collect_api_paths(dir: &std::path::Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_api_paths(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split("\"/api/v1").skip(1) {
                let rest = piece.split('"').next().unwrap();
                // Links built with format! hold `{id}` too; a query or a `{}` hole is not a path.
                if rest.contains("{}") || rest.contains('?') {
                    continue;
                }
                let candidate = format!("/api/v1{rest}");
                if !found.contains(&candidate) {
                    found.push(candidate);
                }
            }
        }
    }
}

#[tokio::test]
async fn sops_are_read_as_json_and_as_a_flowchart() {
    let api = api().await;
    let token = api.token("op.dinkes", &[TokenScope::Read], 30).await;
    let list = api.get(&token, "/api/v1/sops").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let list = list.json();
    let current = list
        .as_array()
        .unwrap()
        .iter()
        .find(|version| version["state"] == "current")
        .unwrap_or_else(|| panic!("a current version: {list}"));
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|version| version["state"] != "draft")
    );
    let href = current["href"].as_str().unwrap();
    let definition = api.get(&token, href).await;
    assert_eq!(definition.status, StatusCode::OK);
    let definition = definition.json();
    assert_eq!(definition["header"]["code"], current["code"]);
    assert!(definition["steps"].as_array().unwrap().len() > 3);
    let svg = api
        .get(&token, current["flowchart"].as_str().unwrap())
        .await;
    assert_eq!(svg.status, StatusCode::OK);
    assert!(svg.header("content-type").starts_with("image/svg+xml"));
    assert!(svg.text().contains("<svg"));
    api.get(&token, &format!("{href}9"))
        .await
        .problem(StatusCode::NOT_FOUND);
    api.get(&token, "/api/v1/sops/nothing/1")
        .await
        .problem(StatusCode::NOT_FOUND);
}

impl Api {
    async fn send_json(
        &self,
        method: Method,
        token: &str,
        uri: &str,
        key: Option<&str>,
        body: &Value,
    ) -> Answer {
        let mut builder =
            Api::request(method, uri, Some(token)).header(header::CONTENT_TYPE, "application/json");
        if let Some(key) = key {
            builder = builder.header("idempotency-key", key);
        }
        self.send(builder.body(Body::from(body.to_string())).unwrap())
            .await
    }

    async fn app_count(&self) -> usize {
        self.test
            .services
            .store
            .list_apps(None)
            .await
            .unwrap()
            .len()
    }

    /// The id of the other OPD's app.
    async fn other_app_id(&self) -> String {
        self.test
            .services
            .store
            .list_apps(Some(self.people.other_opd))
            .await
            .unwrap()[0]
            .id
            .to_string()
    }

    /// Every item of a list, following `next_cursor` a page of `limit` at a time.
    async fn all_pages(&self, token: &str, path: &str, limit: usize) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _page in 0..50 {
            let mut uri = format!("{path}?limit={limit}");
            if let Some(cursor) = &cursor {
                uri.push_str(&format!("&cursor={cursor}"));
            }
            let page = self.get(token, &uri).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.text());
            let json = page.json();
            let got = json["items"].as_array().unwrap();
            assert!(got.len() <= limit);
            items.extend(got.iter().cloned());
            match json["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
        panic!("no last page");
    }
}

fn field_of(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| error["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_register_is_listed_read_added_and_changed_on_the_pages_rules() {
    let api = api().await;
    let keeper = api
        .token("pelaksana", &[TokenScope::Read, TokenScope::Register], 30)
        .await;
    let operator = api
        .token("op.dinkes", &[TokenScope::Read, TokenScope::Register], 30)
        .await;
    let opd = api.people.opd.to_string();
    let new_app = serde_json::json!({
        "opd_id": opd, "name": "E-Kinerja Dinkes", "url": "https://ekinerja.demakkab.go.id",
        "stack": "Laravel", "maintenance_interval_months": 6,
    });

    // Added with a key: 201; the retry returns the same app and adds none.
    let before = api.app_count().await;
    let made = api
        .send_json(
            Method::POST,
            &keeper,
            "/api/v1/apps",
            Some("app-1"),
            &new_app,
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let app = made.json();
    let id = app["id"].as_str().unwrap().to_owned();
    assert_eq!(made.header("location"), format!("/api/v1/apps/{id}"));
    assert_eq!(app["name"], "E-Kinerja Dinkes");
    assert_eq!(app["status"], "active");
    assert_eq!(app["maintenance_interval_months"], 6);
    assert_eq!(app["opd_code"], "DINKES");
    let retry = api
        .send_json(
            Method::POST,
            &keeper,
            "/api/v1/apps",
            Some("app-1"),
            &new_app,
        )
        .await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.header("idempotent-replayed"), "true");
    assert_eq!(retry.json()["id"], id.as_str());
    assert_eq!(api.app_count().await, before + 1);
    // The same key for another app: 422 naming the key, nothing added.
    let other = serde_json::json!({ "opd_id": opd, "name": "Lain" });
    let reused = api
        .send_json(Method::POST, &keeper, "/api/v1/apps", Some("app-1"), &other)
        .await;
    assert_eq!(
        field_of(&reused.problem(StatusCode::UNPROCESSABLE_ENTITY)),
        ["Idempotency-Key"]
    );
    // Audited as the token of its user.
    let events = api.test.services.store.recent_events(5).await.unwrap();
    let created = events
        .iter()
        .find(|event| event.action == "app.create")
        .unwrap();
    assert!(
        created.actor_name.starts_with("token plh_")
            && created.actor_name.ends_with(" of Staf pelaksana"),
        "{}",
        created.actor_name
    );

    // Bad fields: every one named, in the language asked for; nothing added.
    let bad = serde_json::json!({ "opd_id": "nope", "name": "", "url": "ftp://x",
        "opd_contact_email": "bukan-email", "maintenance_interval_months": 500 });
    let answer = api
        .send(
            Api::request(Method::POST, "/api/v1/apps", Some(&keeper))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(Body::from(bad.to_string()))
                .unwrap(),
        )
        .await;
    let problem = answer.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let fields = field_of(&problem);
    for field in [
        "opd_id",
        "name",
        "url",
        "opd_contact_email",
        "maintenance_interval_months",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field} in {problem}");
    }
    assert_eq!(problem["title"], "The request has invalid fields");
    // An unknown field, or a body that is not JSON, is named too.
    let unknown = api
        .send_json(
            Method::POST,
            &keeper,
            "/api/v1/apps",
            None,
            &serde_json::json!({ "opd_id": opd, "name": "X", "colour": "red" }),
        )
        .await;
    assert_eq!(
        field_of(&unknown.problem(StatusCode::BAD_REQUEST)),
        ["colour"]
    );
    assert_eq!(api.app_count().await, before + 1);

    // Changed: only the fields sent; a bad one changes nothing.
    let patched = api
        .send_json(
            Method::PATCH,
            &keeper,
            &format!("/api/v1/apps/{id}"),
            None,
            &serde_json::json!({ "name": "E-Kinerja", "maintenance_interval_months": null }),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    let json = patched.json();
    assert_eq!(json["name"], "E-Kinerja");
    assert_eq!(json["stack"], "Laravel", "left as it was");
    assert!(json["maintenance_interval_months"].is_null());
    let refused = api
        .send_json(
            Method::PATCH,
            &keeper,
            &format!("/api/v1/apps/{id}"),
            None,
            &serde_json::json!({ "name": "Z", "status": "gone" }),
        )
        .await;
    assert_eq!(
        field_of(&refused.problem(StatusCode::UNPROCESSABLE_ENTITY)),
        ["status"]
    );
    assert_eq!(
        api.get(&keeper, &format!("/api/v1/apps/{id}")).await.json()["name"],
        "E-Kinerja"
    );

    // The list, a page at a time: the pages together are the register, by name.
    let all = api.all_pages(&keeper, "/api/v1/apps", 1).await;
    assert_eq!(all.len(), api.app_count().await);
    let names: Vec<String> = all
        .iter()
        .map(|app| app["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let filtered = api
        .get(&keeper, "/api/v1/apps?q=kinerja&status=active")
        .await
        .json();
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    let wrong = api
        .get(
            &keeper,
            "/api/v1/apps?status=gone&due=never&limit=0&cursor=zz",
        )
        .await;
    let fields = field_of(&wrong.problem(StatusCode::UNPROCESSABLE_ENTITY));
    for field in ["status", "due", "limit", "cursor"] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }

    // An OPD's token sees its OPD's apps only; another OPD's app is a 404 everywhere.
    let own = api.all_pages(&operator, "/api/v1/apps", 50).await;
    assert!(!own.is_empty());
    assert!(own.iter().all(|app| app["opd_id"] == opd.as_str()));
    let elsewhere = api.other_app_id().await;
    let asked = api
        .get(
            &operator,
            &format!("/api/v1/apps?opd={}", api.people.other_opd),
        )
        .await
        .json();
    assert!(
        asked["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|app| app["opd_id"] == opd.as_str())
    );
    for uri in [
        format!("/api/v1/apps/{elsewhere}"),
        format!("/api/v1/apps/{elsewhere}/history"),
        format!("/api/v1/apps/{}", uuid_like()),
    ] {
        api.get(&operator, &uri)
            .await
            .problem(StatusCode::NOT_FOUND);
    }
    api.send_json(
        Method::PATCH,
        &operator,
        &format!("/api/v1/apps/{elsewhere}"),
        None,
        &serde_json::json!({ "name": "Diambil" }),
    )
    .await
    .problem(StatusCode::NOT_FOUND);
    // An operator keeps no register: 403 on their own OPD's app and on a new one.
    let forbidden = api
        .send_json(
            Method::PATCH,
            &operator,
            &format!("/api/v1/apps/{id}"),
            None,
            &serde_json::json!({ "name": "Diambil" }),
        )
        .await;
    forbidden.problem(StatusCode::FORBIDDEN);
    api.send_json(Method::POST, &operator, "/api/v1/apps", None, &new_app)
        .await
        .problem(StatusCode::FORBIDDEN);
    // The wrong scope: a read-only token writes nothing.
    let reader = api.token("pelaksana", &[TokenScope::Read], 30).await;
    let scoped = api
        .send_json(Method::POST, &reader, "/api/v1/apps", None, &new_app)
        .await;
    scoped.problem(StatusCode::FORBIDDEN);
    assert!(
        scoped
            .header("www-authenticate")
            .contains("scope=\"register\"")
    );
    assert_eq!(api.app_count().await, before + 1);

    // The maintenance history: the requests about the app, newest first.
    let submitter = api
        .token("op.dinkes", &[TokenScope::Read, TokenScope::Submit], 30)
        .await;
    let case = api.submit_ok(&submitter, "Perbaikan SIMPUS").await;
    let simpus = api.app_id().await;
    let history = api
        .get(&operator, &format!("/api/v1/apps/{simpus}/history"))
        .await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text());
    let items = history.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["case_id"], case["id"]);
    assert_eq!(items[0]["status"], "open");
    assert_eq!(
        items[0]["href"],
        format!("/api/v1/cases/{}", case["id"].as_str().unwrap())
    );

    // A revoked token, and an expired one, are 401.
    let tokens = api
        .test
        .services
        .store
        .tokens_of(api.people.staff_in("pelaksana"))
        .await
        .unwrap();
    let now = api.test.services.clock.now();
    for token in &tokens {
        api.test
            .services
            .store
            .revoke_token(token.user_id, token.id, &AuditSource::cli("test"), now)
            .await
            .unwrap();
    }
    api.get(&keeper, "/api/v1/apps")
        .await
        .problem(StatusCode::UNAUTHORIZED);
    api.clock.advance(Duration::days(31));
    api.get(&operator, &format!("/api/v1/apps/{simpus}"))
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn reports_are_the_dashboards_figures_for_the_callers_scope() {
    let api = api().await;
    let dinkes = api
        .token("op.dinkes", &[TokenScope::Read, TokenScope::Submit], 30)
        .await;
    let disdik = api
        .token("op.disdik", &[TokenScope::Read, TokenScope::Submit], 30)
        .await;
    let pelaksana = api
        .token("pelaksana", &[TokenScope::Read, TokenScope::Act], 30)
        .await;
    let kadis = api.token("kepala_dinas", &[TokenScope::Read], 30).await;
    let case = api.submit_ok(&dinkes, "Perbaikan formulir").await;
    // The other OPD's request, on its own app.
    let other_app = api.other_app_id().await;
    let other = api
        .submit(
            &disdik,
            Some("disdik-1"),
            &[
                Part::Text("app_id", &other_app),
                Part::Text("subject", "PPDB"),
                Part::Text("description", "Pendaftaran macet"),
                Part::File("letter", "surat.pdf", pdf()),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text());
    api.clock.advance(Duration::minutes(10));
    let registered = api
        .act(
            &pelaksana,
            case["id"].as_str().unwrap(),
            None,
            walk()[0].1.clone(),
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.text());

    // The office sees both requests; March 2026 is the period asked.
    let office = api
        .get(&kadis, "/api/v1/reports/dashboard?period=bulan-2026-3")
        .await;
    assert_eq!(office.status, StatusCode::OK, "{}", office.text());
    let office = office.json();
    assert_eq!(office["period"]["code"], "bulan-2026-3");
    assert_eq!(office["period"]["first_day"], "2026-03-01");
    assert_eq!(office["period"]["last_day"], "2026-03-31");
    assert!(office["period"]["opd_id"].is_null());
    assert_eq!(office["submitted"], 2);
    assert_eq!(office["in_progress"], 2);
    let by_step: u64 = office["in_progress_by_step"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["cases"].as_u64().unwrap())
        .sum();
    assert_eq!(by_step, 2);
    let march = office["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|month| month["month"] == "2026-03")
        .unwrap();
    assert_eq!(march["submitted"], 2);
    // An OPD's token gets its OPD's figures, whatever OPD it asks for.
    let own = api
        .get(
            &dinkes,
            &format!(
                "/api/v1/reports/dashboard?period=bulan-2026-3&opd={}",
                api.people.other_opd
            ),
        )
        .await
        .json();
    assert_eq!(own["period"]["opd_id"], api.people.opd.to_string().as_str());
    assert_eq!(own["submitted"], 1);
    let theirs = api
        .get(&disdik, "/api/v1/reports/dashboard?period=bulan-2026-3")
        .await
        .json();
    assert_eq!(theirs["submitted"], 1);

    // Compliance per step: the registration (step 2, 5 working minutes) took 10 minutes, so it
    // finished outside its standard; the dashboard's share counts the same tasks.
    let compliance = api
        .get(&kadis, "/api/v1/reports/compliance?period=bulan-2026-3")
        .await;
    assert_eq!(compliance.status, StatusCode::OK, "{}", compliance.text());
    let steps = compliance.json()["steps"].as_array().unwrap().clone();
    let registration = steps.iter().find(|step| step["step_no"] == 2).unwrap();
    assert_eq!(registration["finished"], 1, "{steps:?}");
    assert_eq!(registration["within_standard"], 0);
    assert_eq!(registration["standard"], 5.0);
    assert_eq!(registration["median"], 10.0);
    assert_eq!(registration["median_permille"], 2000);
    assert!(!registration["activity"].as_str().unwrap().is_empty());
    assert!(registration["standard_unit"].is_string());
    let finished: u64 = steps
        .iter()
        .map(|step| step["finished"].as_u64().unwrap())
        .sum();
    assert_eq!(office["finished_tasks"], finished);
    // The other OPD's token: its request was not registered.
    let theirs = api
        .get(&disdik, "/api/v1/reports/compliance?period=bulan-2026-3")
        .await
        .json();
    assert!(
        theirs["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|step| step["step_no"] != 2 || step["finished"] == 0),
        "{theirs}"
    );

    // Parameters that are wrong are named.
    for (uri, field) in [
        ("/api/v1/reports/dashboard?period=bulan-2026-13", "period"),
        (
            "/api/v1/reports/compliance?period=tanggal&from=kemarin&to=2026-03-02",
            "from",
        ),
        (
            "/api/v1/reports/compliance?period=tanggal&from=2026-03-05&to=2026-03-01",
            "to",
        ),
        ("/api/v1/reports/dashboard?sop=tidak-ada", "sop"),
        ("/api/v1/reports/dashboard?opd=bukan-id", "opd"),
    ] {
        let answer = api.get(&kadis, uri).await;
        assert_eq!(
            field_of(&answer.problem(StatusCode::UNPROCESSABLE_ENTITY)),
            [field],
            "{uri}"
        );
    }
    // The wrong scope.
    let act_only = api.token("kepala_dinas", &[TokenScope::Act], 30).await;
    api.get(&act_only, "/api/v1/reports/dashboard")
        .await
        .problem(StatusCode::FORBIDDEN);
    // A revoked token, then an expired one: 401.
    let store = &api.test.services.store;
    let now = api.test.services.clock.now();
    for token in store
        .tokens_of(api.people.staff_in("kepala_dinas"))
        .await
        .unwrap()
    {
        store
            .revoke_token(token.user_id, token.id, &AuditSource::cli("test"), now)
            .await
            .unwrap();
    }
    api.get(&kadis, "/api/v1/reports/compliance")
        .await
        .problem(StatusCode::UNAUTHORIZED);
    api.clock.advance(Duration::days(31));
    api.get(&dinkes, "/api/v1/reports/dashboard")
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_action_retried_under_its_key_is_taken_once() {
    let api = api().await;
    let operator = api
        .token("op.dinkes", &[TokenScope::Read, TokenScope::Submit], 30)
        .await;
    let pelaksana = api
        .token("pelaksana", &[TokenScope::Read, TokenScope::Act], 30)
        .await;
    let case = api.submit_ok(&operator, "Perbaikan").await;
    let id = case["id"].as_str().unwrap();
    let version = case["version"].as_i64().unwrap();
    let body = walk()[0].1.clone();
    let act = |key: &'static str, body: Value, if_match: Option<String>| {
        let mut builder = Api::request(
            Method::POST,
            &format!("/api/v1/cases/{id}/actions"),
            Some(&pelaksana),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", key);
        if let Some(version) = if_match {
            builder = builder.header(header::IF_MATCH, version);
        }
        builder.body(Body::from(body.to_string())).unwrap()
    };
    let first = api
        .send(act("reg-1", body.clone(), Some(format!("\"{version}\""))))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let after = first.json();
    // The retry (with the If-Match it was sent with, stale now) answers as the first did and
    // takes nothing again.
    let retry = api
        .send(act("reg-1", body.clone(), Some(format!("\"{version}\""))))
        .await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text());
    assert_eq!(retry.header("idempotent-replayed"), "true");
    let replayed = retry.json();
    assert_eq!(replayed["version"], after["version"]);
    assert_eq!(replayed["records"], after["records"]);
    assert_eq!(retry.header("etag"), first.header("etag"));
    // The key with another action: 422 naming the key, nothing taken.
    let other = api
        .send(act("reg-1", serde_json::json!({ "action": "claim" }), None))
        .await;
    assert_eq!(
        field_of(&other.problem(StatusCode::UNPROCESSABLE_ENTITY)),
        ["Idempotency-Key"]
    );
    let now = api
        .get(&pelaksana, &format!("/api/v1/cases/{id}"))
        .await
        .json();
    assert_eq!(now["version"], after["version"]);
    // A stale If-Match under a new key is still refused with who acted.
    let stale = api
        .send(act("reg-2", body, Some(format!("\"{version}\""))))
        .await;
    let problem = stale.problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(problem["acted_by"]["name"], "Staf pelaksana");
}

#[tokio::test]
async fn service_accounts_are_made_by_the_admin_and_work_only_with_tokens() {
    let api = api().await;
    let admin = testing::sign_in(&api.router, "admin", TEST_PASSWORD).await;
    let post = |uri: &str, body: &str| {
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::HOST, TEST_HOST)
            .header(header::ORIGIN, format!("https://{TEST_HOST}"))
            .header(header::COOKIE, &admin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let page = |uri: &str, cookie: &str| {
        Request::builder()
            .uri(uri)
            .header(header::HOST, TEST_HOST)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    // Bad input: each field named, nothing made.
    let refused = api
        .send(post(
            "/admin/akun-layanan",
            "username=A+B&full_name=&binding=opd:x",
        ))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(html.contains("Gunakan 3–40 huruf kecil"), "{html}");
    assert!(html.contains("Wajib diisi."));
    assert!(html.contains("Pilih OPD aktif atau jabatan"));
    assert!(
        api.test
            .services
            .store
            .service_accounts()
            .await
            .unwrap()
            .is_empty()
    );

    // Made for the OPD: no password works for it.
    let made = api
        .send(post(
            "/admin/akun-layanan",
            &format!(
                "username=sistem.dinkes&full_name=Sistem+persuratan+Dinkes&binding=opd:{}",
                api.people.opd
            ),
        ))
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    let account = &api.test.services.store.service_accounts().await.unwrap()[0];
    assert_eq!(account.user.opd_id, Some(api.people.opd));
    let location = made.header("location");
    assert!(location.starts_with(&format!("/admin/akun-layanan/{}", account.user.id)));
    assert!(
        testing::try_sign_in(&api.router, "sistem.dinkes", "")
            .await
            .is_err(),
        "no empty password"
    );
    assert!(
        testing::try_sign_in(&api.router, "sistem.dinkes", "!service-account")
            .await
            .is_err(),
        "nor the marker"
    );

    // A token issued: shown once, audited as the admin's act, working with its scopes.
    let issued = api
        .send(post(
            &format!("/admin/akun-layanan/{}/token", account.user.id),
            "name=Persuratan&scopes=read&scopes=submit&validity=365",
        ))
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text());
    let token = shown_token(&issued.text());
    let events = api.test.services.store.recent_events(3).await.unwrap();
    let created = events
        .iter()
        .find(|event| event.action == "token.create")
        .unwrap();
    assert_eq!(created.actor_name, "Admin Uji");
    let case = api.submit_ok(&token, "Dari sistem persuratan").await;
    assert_eq!(case["opd_id"], api.people.opd.to_string().as_str());
    let listed = api
        .send(page(
            &format!("/admin/akun-layanan/{}", account.user.id),
            &admin,
        ))
        .await;
    assert!(listed.text().contains(&token[..12]));
    assert!(!listed.text().contains(&token[13..]), "shown once");
    // The admin scope is not offered to a service account.
    let scoped = api
        .send(post(
            &format!("/admin/akun-layanan/{}/token", account.user.id),
            "name=x&scopes=admin&validity=30",
        ))
        .await;
    assert_eq!(scoped.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Revoked: the next request is refused.
    let stored = api
        .test
        .services
        .store
        .tokens_of(account.user.id)
        .await
        .unwrap();
    let revoked = api
        .send(post(
            &format!(
                "/admin/akun-layanan/{}/token/{}/cabut",
                account.user.id, stored[0].id
            ),
            "",
        ))
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    api.get(&token, "/api/v1/cases")
        .await
        .problem(StatusCode::UNAUTHORIZED);
    // Another user is no service account here: 404; and only an admin sees the pages.
    let other = api
        .send(page(
            &format!("/admin/akun-layanan/{}", api.people.operator),
            &admin,
        ))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let operator = testing::sign_in(&api.router, "op.dinkes", TEST_PASSWORD).await;
    let barred = api.send(page("/admin/akun-layanan", &operator)).await;
    assert!(
        barred.status == StatusCode::FORBIDDEN || barred.status == StatusCode::NOT_FOUND,
        "{}",
        barred.status
    );
}

#[tokio::test]
async fn the_documentation_page_is_read_from_the_description() {
    let api = api().await;
    let answer = api
        .send(
            Api::request(Method::GET, "/api/dokumentasi", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let html = answer.text();
    for expected in [
        "/api/v1/apps/{id}/history",
        "/api/v1/reports/compliance",
        "/api/v1/lacak/{code}",
        "curl -X POST",
        "Idempotency-Key",
        "tasks[].step_no",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    // Nothing from elsewhere: no script and no address but our own.
    assert!(!html.contains("cdn"), "a CDN");
    assert!(!html.contains("<script src=\"http"), "a third-party script");
    let lead = api
        .send(
            Api::request(Method::GET, "/api", None)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(lead.header("location"), "/api/dokumentasi");
}
