//! Public tracking through the real router: a tracking number shows the request's SOP, status
//! and each step's state and dates, signed out or in, as a page and as JSON; never a name, the
//! OPD, the app, the subject, a note or a document. Unknown and malformed numbers get the same
//! answer, and a client's misses are limited (429 with Retry-After) on every node.

use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use pelihara_web::testing::{self, TEST_HOST};
use tower::ServiceExt;

use super::cases::{Part, site};

struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

/// A GET from the client at `ip` (the server sees the connection's peer), with `cookie`.
async fn get_from(router: &Router, ip: &str, uri: &str, cookie: &str) -> Got {
    let mut request = Request::builder()
        .uri(uri)
        .header(header::HOST, TEST_HOST)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let peer: SocketAddr = format!("{ip}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), 4 * 1024 * 1024)
        .await
        .unwrap();
    Got {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// A GET from the client at `ip` asking for `language` in `Accept-Language`.
async fn get_with(router: &Router, ip: &str, uri: &str, language: &str) -> Got {
    let mut request = Request::builder()
        .uri(uri)
        .header(header::HOST, TEST_HOST)
        .header(header::ACCEPT_LANGUAGE, language)
        .body(Body::empty())
        .unwrap();
    let peer: SocketAddr = format!("{ip}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), 4 * 1024 * 1024)
        .await
        .unwrap();
    Got {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// What must never reach the public: the seeded OPD, its operator, the app, the request's
/// subject, description and letter, the registration's letter number and the people and
/// notes of the steps done.
const PRIVATE: &[&str] = &[
    "Dinas Kesehatan",
    "DINKES",
    "Operator Dinkes",
    "SIMPUS",
    "Perbaikan formulir",
    "Formulir rujukan",
    "surat.pdf",
    "440/7/2026",
    "000.5.2.3",
    "Staf pelaksana",
    "Staf kepala_dinas",
    "Catatan rahasia kadis",
    "/permohonan/",
    "/dokumen/",
    "/verifikasi/",
];

fn assert_private_absent(body: &str, what: &str) {
    for text in PRIVATE {
        assert!(!body.contains(text), "{what} shows {text:?}:\n{body}");
    }
}

#[tokio::test]
async fn a_tracking_number_shows_the_steps_and_nothing_else() {
    let site = site().await;
    let case = site.submit().await;
    let reply = site
        .act(
            "pelaksana",
            case,
            &[
                Part::Text("aksi", "register"),
                Part::Text("classification", "000.5.2.3"),
                Part::Text("letter_number", "440/7/2026"),
                Part::Text("letter_date", "2026-01-05"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let reply = site
        .act(
            "kepala_dinas",
            case,
            &[
                Part::Text("aksi", "dispose"),
                Part::Text("instructions", "Tindak lanjuti"),
                Part::Text("note", "Catatan rahasia kadis"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let state = site.state(case).await;
    let code = state.case.tracking_code.clone();
    let router = &site.router;

    // Signed out, by the QR code's address and by the form with the number typed loosely.
    let loosely = code.to_lowercase().replace('-', " ");
    // Signed in too (as someone the case never named: the top bar shows who is signed in).
    let signed_in = site.cookie("auditor").await;
    for (uri, cookie) in [
        (format!("/lacak/{code}"), ""),
        (format!("/lacak?nomor={}", loosely.replace(' ', "+")), ""),
        (format!("/lacak/{code}"), signed_in.as_str()),
    ] {
        let page = get_from(router, "203.0.113.7", &uri, cookie).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.body);
        assert!(page.body.contains(r#"data-outcome="found""#));
        assert!(page.body.contains(&code));
        assert!(page.body.contains("Pemeliharaan Aplikasi/Website"));
        assert!(page.body.contains("diproses"), "the status");
        // Steps 1 to 3 done, step 4 (the Secretary's disposition) in progress, the rest
        // waiting, each with the SOP's activity.
        for (no, state) in [
            (1, "done"),
            (2, "done"),
            (3, "done"),
            (4, "current"),
            (5, "waiting"),
            (10, "waiting"),
        ] {
            assert!(
                page.body
                    .contains(&format!(r#"data-step="{no}" data-state="{state}""#)),
                "{uri}: step {no} {state}"
            );
        }
        assert!(page.body.contains("Disposisi Kepala Dinas ke Sekretaris"));
        assert!(page.body.contains("Sedang dikerjakan"));
        assert_private_absent(&page.body, &uri);
        assert!(
            page.header("content-security-policy")
                .contains("default-src 'self'")
        );
        assert_eq!(page.header("cache-control"), "no-store");
    }
    // In English on request.
    let page = get_from(router, "203.0.113.7", &format!("/lacak/{code}?lang=en"), "").await;
    assert!(page.body.contains("Track a request"));
    assert!(
        page.body.contains("In progress") || page.body.contains("in progress"),
        "{}",
        page.body
    );

    // The JSON form: the same, on the API's conventions: RFC 3339 instants in UTC, labels in
    // the language of Accept-Language.
    let api = get_from(router, "203.0.113.7", &format!("/api/v1/lacak/{code}"), "").await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.header("content-type"), "application/json");
    assert_private_absent(&api.body, "the API");
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["tracking_code"], code.as_str());
    assert_eq!(json["status"], "open");
    assert_eq!(json["sop"]["title"], "Pemeliharaan Aplikasi/Website");
    let steps = json["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 10);
    let registered = state.tasks.iter().find(|task| task.step_no == 2).unwrap();
    let completed = steps[1]["completed_at"].as_str().unwrap();
    assert!(completed.ends_with('Z'), "{completed}");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(completed).unwrap(),
        registered.completed_at.unwrap()
    );
    assert_eq!(steps[1]["no"], 2);
    assert_eq!(steps[1]["state"], "done");
    assert_eq!(steps[3]["state"], "current");
    assert!(steps[3]["completed_at"].is_null());
    assert!(steps[3]["due_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(json["status_label"], "diproses");
    // Accept-Language decides the labels' language (not the site's cookie or `?lang=`).
    let english = get_with(
        router,
        "203.0.113.7",
        &format!("/api/v1/lacak/{code}?lang=id"),
        "en",
    )
    .await;
    let english: serde_json::Value = serde_json::from_str(&english.body).unwrap();
    assert_eq!(english["status_label"], "in progress", "{english}");
    assert_eq!(english["steps"][1]["completed_at"], completed);
    assert!(steps[4]["started_at"].is_null());
    // Only these keys: nothing else of the case can slip in later unnoticed.
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "closed_at",
            "sop",
            "status",
            "status_label",
            "steps",
            "submitted_at",
            "tracking_code"
        ]
    );
    let mut step_keys: Vec<&str> = steps[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    step_keys.sort_unstable();
    assert_eq!(
        step_keys,
        [
            "activity",
            "completed_at",
            "due_at",
            "no",
            "started_at",
            "state",
            "state_label"
        ]
    );
}

#[tokio::test]
async fn unknown_and_malformed_numbers_get_the_same_answer() {
    let site = site().await;
    site.submit().await;
    let router = &site.router;
    let long = "A".repeat(5000);
    let mut problems = Vec::new();
    for typed in ["PLH-22222-22222", "PLH-0000", "x' or '1'='1", long.as_str()] {
        let page = get_from(
            router,
            "198.51.100.9",
            &format!("/lacak/{}", encode(typed)),
            "",
        )
        .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{typed}");
        assert!(page.body.contains(r#"data-outcome="not_found""#));
        assert!(page.body.contains("Nomor pelacakan tidak ditemukan."));
        if typed == long {
            let shown = format!(r#"value="{}""#, "A".repeat(40));
            assert!(page.body.contains(&shown), "the input is shown bounded");
        }
        let api = get_from(
            router,
            "198.51.100.9",
            &format!("/api/v1/lacak/{}", encode(typed)),
            "",
        )
        .await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        assert_eq!(api.header("content-type"), "application/problem+json");
        problems.push(api.body);
    }
    // One answer for all (a request id, were one in the body, would differ).
    let problems: Vec<serde_json::Value> = problems
        .iter()
        .map(|body| {
            let mut problem: serde_json::Value = serde_json::from_str(body).unwrap();
            problem.as_object_mut().unwrap().remove("request_id");
            problem
        })
        .collect();
    assert!(
        problems.windows(2).all(|pair| pair[0] == pair[1]),
        "{problems:?}"
    );
    let problem = &problems[0];
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["type"], "urn:pelihara:problem:not-found");
    assert_eq!(problem["title"], "Tidak ditemukan");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("Nomor pelacakan tidak ditemukan.")
    );
    let english = get_with(
        router,
        "198.51.100.9",
        "/api/v1/lacak/PLH-22222-22223",
        "en",
    )
    .await;
    let english: serde_json::Value = serde_json::from_str(&english.body).unwrap();
    assert_eq!(english["title"], "Not found");
    // The empty form is no lookup.
    let form = get_from(router, "198.51.100.9", "/lacak", "").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="nomor""#));
    assert!(!form.body.contains("data-outcome"));
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' => char::from(byte).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn misses_are_limited_per_client_on_every_node() {
    let site = site().await;
    let case = site.submit().await;
    let code = site.state(case).await.case.tracking_code;
    let router = &site.router;
    // Malformed numbers never count: they reach no database.
    for _ in 0..25 {
        let page = get_from(router, "203.0.113.50", "/lacak/nonsense", "").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        get_from(router, "203.0.113.50", &format!("/lacak/{code}"), "")
            .await
            .status,
        StatusCode::OK
    );
    // Twenty unknown numbers from one client are answered; the next lookup is refused,
    // even of a number that exists (the refusal must tell nothing).
    for (n, last) in "23456789ABCDEFGHJKLM".chars().enumerate() {
        let uri = format!("/lacak/PLH-22222-2222{last}");
        let page = get_from(router, "203.0.113.60", &uri, "").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "miss {n}");
    }
    let limited = get_from(router, "203.0.113.60", &format!("/lacak/{code}"), "").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains(r#"data-outcome="limited""#));
    assert!(
        limited.body.contains("Coba lagi dalam 15 menit."),
        "{}",
        limited.body
    );
    let retry: i64 = limited.header("retry-after").parse().unwrap();
    assert!((840..=900).contains(&retry), "Retry-After {retry}");
    assert!(!limited.body.contains("Pemeliharaan Aplikasi/Website</h2>"));

    // Another node on the same database refuses the client too; the API says so as a problem.
    let other_node = testing::router(&site.test.services);
    let api = get_from(
        &other_node,
        "203.0.113.60",
        &format!("/api/v1/lacak/{code}"),
        "",
    )
    .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.header("content-type"), "application/problem+json");
    assert!(api.header("retry-after").parse::<i64>().unwrap() > 0);
    let problem: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(problem["status"], 429);
    assert_eq!(problem["type"], "urn:pelihara:problem:too-many-requests");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Coba lagi dalam 15 menit."),
        "{problem}"
    );
    // A neighbour on another address is not.
    let page = get_from(&other_node, "203.0.113.61", &format!("/lacak/{code}"), "").await;
    assert_eq!(page.status, StatusCode::OK);
    // IPv6 clients count by /64: another address of the same network shares the limit.
    for n in 0..20 {
        let ip = format!("[2001:db8:1:2::{n:x}]");
        let page = get_from(router, &ip, "/lacak/PLH-33333-33333", "").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
    let page = get_from(
        router,
        "[2001:db8:1:2:ffff::1]",
        &format!("/lacak/{code}"),
        "",
    )
    .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let page = get_from(router, "[2001:db8:1:3::1]", &format!("/lacak/{code}"), "").await;
    assert_eq!(page.status, StatusCode::OK);
}
