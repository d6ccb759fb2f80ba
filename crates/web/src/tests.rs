//! Tests of the layers that need a route the real router does not have: a handler that fails
//! inside, or panics. They use the same `with_layers` as `router`.

use std::io;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower::ServiceExt;

use crate::{AppState, WebConfig, WebError, routes, with_layers};

async fn app_with(extra: Router<AppState>) -> (Router, crate::testing::TestServices) {
    let test = crate::testing::services().await;
    let state = AppState::new(
        WebConfig {
            office_name: "Dinkominfo".to_owned(),
            public_base_url: "http://localhost".to_owned(),
            upload_limit_bytes: 1024,
            trusted_proxies: Default::default(),
        },
        test.services.clone(),
    )
    .expect("valid config");
    (with_layers(routes().merge(extra), state), test)
}

/// Collects what the tracing subscriber writes, to check what reaches the log.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

async fn fetch(app: Router, uri: &str, htmx: bool) -> (StatusCode, String, String) {
    let mut request = Request::builder().uri(uri);
    if htmx {
        request = request.header("hx-request", "true");
    }
    let response = app
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("router never fails");
    let status = response.status();
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (
        status,
        String::from_utf8_lossy(&body).into_owned(),
        request_id,
    )
}

async fn failing() -> Result<&'static str, WebError> {
    let cause = io::Error::other("password authentication failed for user pelihara");
    Err(WebError::internal(cause))
}

async fn refusing() -> Result<&'static str, WebError> {
    Err(WebError::BadRequest(
        // Any key with an argument does; this one is ours and stays put.
        crate::UserMessage::new("web-landing-lead").arg("office", "Dinas Uji"),
    ))
}

#[allow(clippy::panic)] // The point of the route: a handler that panics.
async fn panicking() -> &'static str {
    panic!("index out of bounds in secret code")
}

#[tokio::test]
async fn internal_errors_are_logged_with_the_request_id_and_never_shown() {
    // A process-wide subscriber, installed once: with a thread-local one (`set_default`),
    // tracing's per-call-site interest cache, filled by whichever test thread reaches the call
    // site first, can hide the line from this thread under `cargo test`'s shared process.
    static LOG: std::sync::OnceLock<LogBuffer> = std::sync::OnceLock::new();
    let log = LOG
        .get_or_init(|| {
            let log = LogBuffer::default();
            let subscriber = tracing_subscriber::fmt()
                .with_writer({
                    let log = log.clone();
                    move || log.clone()
                })
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber");
            log
        })
        .clone();

    let (app, _test) = app_with(Router::new().route("/boom", get(failing))).await;
    for htmx in [false, true] {
        let (status, body, request_id) = fetch(app.clone(), "/boom", htmx).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.contains("password"), "no details in the body: {body}");
        assert!(body.contains("Terjadi gangguan"), "{body}");
        assert!(body.contains(&request_id), "request id {request_id} shown");
        assert_eq!(body.contains("<html"), !htmx);

        let logged = String::from_utf8(log.0.lock().expect("log lock").clone()).expect("utf-8");
        let line = logged
            .lines()
            .find(|line| line.contains(&request_id) && line.contains("internal error"))
            .unwrap_or_else(|| panic!("no log line with {request_id}: {logged}"));
        assert!(line.contains("password authentication failed"), "{line}");
    }
}

#[tokio::test]
async fn a_panicking_handler_gets_the_generic_page() {
    let (app, _test) = app_with(Router::new().route("/panic", get(panicking))).await;
    let (status, body, _) = fetch(app, "/panic?lang=en", false).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("Something went wrong"), "{body}");
    assert!(!body.contains("secret"), "{body}");
}

#[tokio::test]
async fn bad_requests_show_their_message_in_the_language() {
    let (app, _test) = app_with(Router::new().route("/refuse", get(refusing))).await;
    let (status, body, _) = fetch(app.clone(), "/refuse", true).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Aplikasi/Website Dinas Uji:"), "{body}");
    let (_, english, _) = fetch(app, "/refuse?lang=en", true).await;
    assert!(
        english.contains("applications and websites of Dinas Uji:"),
        "{english}"
    );
}
