//! HTTP tests of the web front through the real router (every layer included), one request at
//! a time with `tower::ServiceExt::oneshot`. They must never reach past the router: no sockets.

// The helpers outside `#[test]` functions may fail loudly too: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use pelihara_web::{AppState, WebConfig, router};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

#[path = "http/admin.rs"]
mod admin;
// The JSON API: tokens, problems, cases, notifications, the OpenAPI description.
#[path = "http/api.rs"]
mod api;
#[path = "http/auth.rs"]
mod auth;
// The request pages: new request, case page, action forms, OPD isolation.
#[path = "http/cases.rs"]
mod cases;
// Starting cases of other SOPs: the intake form, its refusals, the SOP chooser.
// Every export recorded in the audit trail; the audit page words it.
#[path = "http/exports.rs"]
mod exports;
#[path = "http/intake.rs"]
mod intake;
// The bell, the notification list, channel settings and the delivery log.
#[path = "http/notifications.rs"]
mod notifications;
// Every page route for every kind of person: who is refused, who is answered.
#[path = "http/matrix.rs"]
mod matrix;
// The SOP monitoring form: who reads and writes, the proposal, one seal, PDF, XLSX, verification.
#[path = "http/monitoring.rs"]
mod monitoring;
// Control characters refused before anything is stored.
#[path = "http/input.rs"]
mod input;
// Password recovery: the one answer, the one-time link, the mail through the real sink.
#[path = "http/recovery.rs"]
mod recovery;
// The first run (the setup link) and the import of OPDs and users with their invitations.
#[path = "http/setup.rs"]
mod setup;
// Public tracking by tracking number: what it shows, what it never shows, its limit.
#[path = "http/tracking.rs"]
mod tracking;
// The admin page "SOP": loading, previewing, publishing and retiring SOP versions.
// The reports and the dashboard: figures worked out by hand, drill-down, exports, scopes.
#[path = "http/reports.rs"]
mod reports;
#[path = "http/sops.rs"]
mod sops;
// The satisfaction survey: the berita acara's link, once, expiry, staff refused, the report.
#[path = "http/skm.rs"]
mod skm;
// Two-factor sign-in: the second step, codes once, recovery codes once, limits, enrolment.
#[path = "http/totp.rs"]
mod totp;

const OFFICE: &str = "Dinas Komunikasi dan Informatika Kabupaten Demak";
const HOST: &str = "pelihara.demakkab.go.id";

/// The router on a throw-away database. The database folder is kept for the life of the
/// test process (each test makes its own, so they never share state).
async fn app_with_limit(upload_limit_bytes: usize) -> Router {
    let test = pelihara_web::testing::services().await;
    let state = AppState::new(
        WebConfig {
            office_name: OFFICE.to_owned(),
            public_base_url: format!("https://{HOST}"),
            upload_limit_bytes,
            trusted_proxies: Default::default(),
        },
        test.services.clone(),
    )
    .expect("valid config");
    // The router outlives this function; keep the folder until the process ends.
    std::mem::forget(test.folder);
    router(state)
}

async fn app() -> Router {
    app_with_limit(WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES).await
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("ascii header"))
            .unwrap_or_default()
    }
}

async fn send(app: Router, request: Request<Body>) -> Answer {
    let response = app.oneshot(request).await.expect("router never fails");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

fn get(uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::HOST, HOST)
}

async fn get_page(uri: &str) -> Answer {
    send(app().await, get(uri).body(Body::empty()).expect("request")).await
}

fn post_form(uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// Every `/static/...` URL a page links to.
fn static_urls(html: &str) -> Vec<String> {
    html.split('"')
        .filter(|piece| piece.starts_with("/static/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn landing_page_is_indonesian_by_default() {
    let answer = get_page("/").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("content-type").starts_with("text/html"));
    let html = answer.text();
    assert!(html.contains(r#"<html lang="id">"#), "{html}");
    assert!(html.contains("Layanan Pemeliharaan Aplikasi dan Website"));
    assert!(
        html.contains("Pelihara menjalankan SOP Pemeliharaan Aplikasi/Website Dinas Komunikasi")
    );
    assert!(html.contains(OFFICE));
    // Guests have no notifications: no bell (signed-in users get it, see http/notifications.rs).
    assert!(!html.contains(r#"id="notif-count""#));
    assert!(html.contains(r#"name="viewport""#));
    assert!(html.contains("Beranda"));
    assert!(!html.contains("Application and Website Maintenance Service"));
}

#[tokio::test]
async fn landing_page_in_english_by_query_or_cookie() {
    let by_query = get_page("/?lang=en").await;
    let by_cookie = send(
        app().await,
        get("/")
            .header(header::COOKIE, "other=1; lang=en")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    for answer in [by_query, by_cookie] {
        assert_eq!(answer.status, StatusCode::OK);
        let html = answer.text();
        assert!(html.contains(r#"<html lang="en">"#));
        assert!(html.contains("Application and Website Maintenance Service"));
        assert!(html.contains("Home"));
        assert!(!html.contains("Layanan Pemeliharaan Aplikasi dan Website"));
    }
}

#[tokio::test]
async fn language_switch_sets_the_cookie_and_goes_back() {
    let answer = get_page("/bahasa?lang=en&next=/%3Fpage%3D2").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/?page=2");
    assert_eq!(answer.headers.get_all("set-cookie").iter().count(), 1);
    let cookie = answer.header("set-cookie");
    for part in [
        "lang=en",
        "Path=/",
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Max-Age=31536000",
    ] {
        assert!(cookie.contains(part), "{part} missing in {cookie}");
    }

    let body = "lang=id&next=//evil.example/";
    let answer = send(
        app().await,
        post_form("/bahasa")
            .header(header::ORIGIN, format!("https://{HOST}"))
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.header("location"),
        "/",
        "no redirect to another site"
    );
    assert!(answer.header("set-cookie").starts_with("lang=id;"));
}

#[tokio::test]
async fn a_lang_query_is_remembered_in_the_cookie() {
    let answer = get_page("/?lang=en").await;
    assert!(answer.header("set-cookie").starts_with("lang=en;"));
    let answer = get_page("/tidak-ada?lang=en").await;
    assert!(answer.header("set-cookie").starts_with("lang=en;"));
    for url in ["/", "/?lang=fr"] {
        assert_eq!(get_page(url).await.header("set-cookie"), "", "{url}");
    }
}

#[tokio::test]
async fn the_language_links_lead_to_the_other_language_of_the_same_page() {
    let html = get_page("/?lang=en").await.text();
    assert!(
        html.contains(r#"href="/bahasa?lang=id&#38;next=/""#),
        "{html}"
    );
    assert!(html.contains(r#"href="/bahasa?lang=en&#38;next=/""#));
}

#[tokio::test]
async fn static_assets_are_served_under_their_hash_and_cached_forever() {
    let html = get_page("/").await.text();
    let urls = static_urls(&html);
    assert_eq!(
        urls.len(),
        6,
        "icon, two stylesheets, three scripts: {urls:?}"
    );
    for url in &urls {
        let answer = get_page(url).await;
        assert_eq!(answer.status, StatusCode::OK, "{url}");
        assert_eq!(
            answer.header("cache-control"),
            "public, max-age=31536000, immutable",
            "{url}"
        );
        let expected_type = match url.rsplit('.').next() {
            Some("css") => "text/css",
            Some("svg") => "image/svg+xml",
            _ => "javascript",
        };
        assert!(
            answer.header("content-type").contains(expected_type),
            "{url}"
        );
        // The name carries the first 8 hex digits of the SHA-256 of the served bytes.
        let digest = hex::encode(Sha256::digest(&answer.body));
        let name_hash = url.rsplit('.').nth(1).expect("hash in name");
        assert_eq!(name_hash, &digest[..8], "{url}");
    }
    let bootstrap_js = urls
        .iter()
        .find(|url| url.contains("bootstrap.bundle.min"))
        .expect("bootstrap linked");
    let body = get_page(bootstrap_js).await.text();
    assert!(body.contains("Licensed under MIT"), "license header kept");
}

#[tokio::test]
async fn static_assets_are_gzipped_when_asked() {
    let html = get_page("/").await.text();
    let css = static_urls(&html)
        .into_iter()
        .find(|url| url.contains("vendor/bootstrap.min."))
        .expect("bootstrap css linked");
    let plain = get_page(&css).await;
    assert_eq!(plain.header("content-encoding"), "");
    let zipped = send(
        app().await,
        get(&css)
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(zipped.status, StatusCode::OK);
    assert_eq!(zipped.header("content-encoding"), "gzip");
    assert!(zipped.body.len() * 4 < plain.body.len(), "compressed well");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(zipped.body.as_slice())
        .read_to_end(&mut unzipped)
        .expect("valid gzip");
    assert_eq!(unzipped, plain.body);
    assert_eq!(
        zipped.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn unhashed_or_unknown_static_names_are_not_found() {
    for url in [
        "/static/pelihara.css",
        "/static/vendor/README.md",
        "/static/../Cargo.toml",
    ] {
        let answer = get_page(url).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{url}");
        assert_eq!(answer.header("cache-control"), "no-store", "{url}");
    }
}

#[tokio::test]
async fn unknown_path_gives_the_not_found_page_in_the_language() {
    let answer = get_page("/tidak-ada").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.header("content-type").starts_with("text/html"));
    let html = answer.text();
    assert!(html.contains(r#"<html lang="id">"#));
    assert!(html.contains("Halaman tidak ditemukan"));
    // The id the user can quote is the one in the logs and the response header.
    let request_id = answer.header("x-request-id");
    assert!(!request_id.is_empty());
    assert!(html.contains(request_id), "request id {request_id} shown");

    let answer = get_page("/no-such-page?lang=en").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let html = answer.text();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Page not found"));
    assert!(!html.contains("Halaman tidak ditemukan"));
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let body = "lang=en";
    let from_other_site = post_form("/bahasa")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(body))
        .expect("request");
    let cross_site_fetch = post_form("/bahasa")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(body))
        .expect("request");
    for request in [from_other_site, cross_site_fetch] {
        let answer = send(app().await, request).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.header("set-cookie"), "", "the handler never ran");
        let html = answer.text();
        assert!(html.contains("Akses ditolak"), "{html}");
    }

    // The same form from our own pages passes.
    let same_site = post_form("/bahasa")
        .header(header::ORIGIN, format!("https://{HOST}"))
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .expect("request");
    let answer = send(app().await, same_site).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let html = get_page("/").await.text();
    let css = static_urls(&html).into_iter().next().expect("an asset");
    for url in [
        "/",
        "/tidak-ada",
        "/healthz",
        "/bahasa?lang=en",
        css.as_str(),
    ] {
        let answer = get_page(url).await;
        let csp = answer.header("content-security-policy");
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "img-src 'self' data:",
            "frame-ancestors 'none'",
        ] {
            assert!(
                csp.contains(directive),
                "{url}: {directive} missing in {csp}"
            );
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        assert_eq!(answer.header("x-content-type-options"), "nosniff", "{url}");
        assert_eq!(answer.header("x-frame-options"), "DENY", "{url}");
        assert_eq!(answer.header("referrer-policy"), "same-origin", "{url}");
        assert!(!answer.header("x-request-id").is_empty(), "{url}");
        let expected_cache = if url.starts_with("/static/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-store"
        };
        assert_eq!(answer.header("cache-control"), expected_cache, "{url}");
    }
}

#[tokio::test]
async fn pages_have_no_inline_script_or_style() {
    for url in ["/", "/tidak-ada"] {
        let html = get_page(url).await.text();
        assert!(!html.contains("<script>"), "{url}");
        assert!(!html.contains(" style="), "{url}");
        assert!(!html.contains("<style"), "{url}");
        assert!(!html.contains(" on"), "{url}: no event handler attributes");
        let scripts = html.matches("<script ").count();
        let sourced = html.matches("<script src=\"/static/").count();
        assert_eq!(scripts, sourced, "{url}: every script is a static file");
    }
}

#[tokio::test]
async fn htmx_requests_get_partials_and_error_toasts() {
    let htmx = |uri: &str| {
        get(uri)
            .header("hx-request", "true")
            .body(Body::empty())
            .expect("request")
    };
    let partial = send(app().await, htmx("/")).await;
    assert_eq!(partial.status, StatusCode::OK);
    let html = partial.text();
    assert!(html.contains("Layanan Pemeliharaan Aplikasi dan Website"));
    assert!(!html.contains("<html"), "partial only");

    let error = send(app().await, htmx("/tidak-ada?lang=en")).await;
    assert_eq!(error.status, StatusCode::NOT_FOUND);
    assert_eq!(error.header("hx-retarget"), "#toasts");
    assert_eq!(error.header("hx-reswap"), "beforeend");
    let html = error.text();
    assert!(html.contains(r#"class="toast show"#), "{html}");
    assert!(html.contains("Page not found"));
    assert!(html.contains(error.header("x-request-id")));
    assert!(
        !html.contains("<html") && !html.contains("<main"),
        "toast only"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_a_page() {
    let body = format!("lang=en&next=/{}", "a".repeat(2048));
    let answer = send(
        app_with_limit(1024).await,
        post_form("/bahasa")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body.clone()))
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.text().contains("terlalu besar"), "{}", answer.text());

    // The same body under a larger limit passes.
    let answer = send(
        app_with_limit(4096).await,
        post_form("/bahasa")
            .body(Body::from(body.clone()))
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_method_and_malformed_forms_get_pages_not_plain_text() {
    let answer = send(
        app().await,
        Request::builder()
            .method(Method::DELETE)
            .uri("/bahasa")
            .header(header::HOST, HOST)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(answer.header("allow").contains("GET"));
    assert!(answer.text().contains("Tindakan ini tidak tersedia"));

    let answer = get_page("/bahasa").await; // `lang` missing
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.header("content-type").starts_with("text/html"));
    let html = answer.text();
    assert!(html.contains("Permintaan tidak dapat diproses"));
    assert!(!html.contains("missing field"), "no parser details: {html}");
}

#[tokio::test]
async fn health_check_answers_ok() {
    let answer = get_page("/healthz").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), "ok");
}

#[tokio::test]
async fn health_check_says_unavailable_when_the_database_does_not_answer() {
    let test = pelihara_web::testing::services().await;
    let state = AppState::new(
        WebConfig {
            office_name: OFFICE.to_owned(),
            public_base_url: format!("https://{HOST}"),
            upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
            trusted_proxies: Default::default(),
        },
        test.services.clone(),
    )
    .expect("valid config");
    let app = pelihara_web::router(state);
    test.services.store.close().await;
    let answer = send(app, get("/healthz").body(Body::empty()).expect("request")).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = answer.text();
    assert!(
        !body.to_lowercase().contains("pool"),
        "no database details: {body}"
    );
}
