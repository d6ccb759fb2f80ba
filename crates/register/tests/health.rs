//! Health checks against real local servers this test starts: plain HTTP, HTTPS with
//! certificates generated here (a test CA trusted as an extra root), an expired certificate,
//! a redirect to a loopback address that is not allow-listed, and a server too slow to answer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use pelihara_register::health::{CheckPolicy, Checker, failure_code, parse_allowed_networks};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// What a test server answers, by request path.
type Handler = Arc<dyn Fn(&str) -> (Duration, String) + Send + Sync>;

fn response(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

async fn answer<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, handler: Handler) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let (delay, reply) = handler(&path);
    tokio::time::sleep(delay).await;
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Starts a server on `address`; returns its address and a count of connections accepted.
async fn serve(
    address: &str,
    tls: Option<tokio_rustls::TlsAcceptor>,
    handler: Handler,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind(address).await.unwrap();
    let local = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let handler = Arc::clone(&handler);
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            answer(stream, handler).await;
                        }
                    }
                    None => answer(stream, handler).await,
                }
            });
        }
    });
    (local, accepted)
}

struct Pki {
    ca: CertificateDer<'static>,
    ca_params: CertificateParams,
    ca_key: KeyPair,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Pelihara Test CA");
    ca_params
        .distinguished_name
        .push(DnType::OrganizationName, "Dinkominfo Demak (uji)");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    Pki {
        ca: ca.der().clone(),
        ca_params,
        ca_key,
    }
}

/// A TLS acceptor with a leaf for 127.0.0.1 signed by the test CA, valid over `years`.
fn acceptor(pki: &Pki, from: (i32, u8, u8), until: (i32, u8, u8)) -> tokio_rustls::TlsAcceptor {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    params.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    params.not_after = rcgen::date_time_ymd(until.0, until.1, until.2);
    let issuer = Issuer::from_params(&pki.ca_params, &pki.ca_key);
    let leaf = params.signed_by(&key, &issuer).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf.der().clone(), pki.ca.clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

fn policy(pki: Option<&Pki>, allowed: &str) -> CheckPolicy {
    CheckPolicy {
        allowed_networks: parse_allowed_networks(allowed).unwrap(),
        timeout: Duration::from_secs(5),
        extra_roots: pki.map(|pki| vec![pki.ca.clone()]).unwrap_or_default(),
        ..CheckPolicy::default()
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap()
}

fn ok_handler() -> Handler {
    Arc::new(|_path: &str| (Duration::ZERO, response("200 OK", "", "<h1>SIMPUS</h1>")))
}

#[tokio::test]
async fn a_healthy_https_app_behind_a_redirect() {
    let pki = pki();
    let (https, _) = serve(
        "127.0.0.1:0",
        Some(acceptor(&pki, (2025, 1, 1), (2035, 1, 1))),
        ok_handler(),
    )
    .await;
    let target = format!("https://127.0.0.1:{}/masuk", https.port());
    let location = target.clone();
    let redirect: Handler = Arc::new(move |_path: &str| {
        (
            Duration::ZERO,
            response(
                "301 Moved Permanently",
                &format!("Location: {location}\r\n"),
                "",
            ),
        )
    });
    let (http, _) = serve("127.0.0.1:0", None, redirect).await;
    let checker = Checker::new(policy(Some(&pki), "127.0.0.1/32")).unwrap();
    let check = checker
        .check(&format!("http://127.0.0.1:{}/", http.port()), now())
        .await;
    assert!(check.ok, "{check:?}");
    assert_eq!(check.http_status, Some(200));
    assert_eq!(check.redirects, vec![target]);
    assert_eq!(check.checked_at, now());
    assert!(check.response_ms.unwrap() < 5_000);
    let issuer = check.tls_issuer.unwrap();
    assert!(issuer.contains("Pelihara Test CA"), "{issuer}");
    assert_eq!(
        check.tls_expires_at,
        Some(Utc.with_ymd_and_hms(2035, 1, 1, 0, 0, 0).unwrap())
    );
    assert_eq!(check.error, None);
}

#[tokio::test]
async fn an_expired_certificate_fails_but_is_described() {
    let pki = pki();
    let (https, _) = serve(
        "127.0.0.1:0",
        Some(acceptor(&pki, (2020, 1, 1), (2021, 6, 30))),
        ok_handler(),
    )
    .await;
    let checker = Checker::new(policy(Some(&pki), "127.0.0.1")).unwrap();
    let check = checker
        .check(&format!("https://127.0.0.1:{}/", https.port()), now())
        .await;
    assert!(!check.ok);
    assert_eq!(check.http_status, None);
    let error = check.error.unwrap();
    assert_eq!(failure_code(&error), "tls", "{error}");
    assert!(error.to_lowercase().contains("expired"), "{error}");
    assert_eq!(
        check.tls_expires_at,
        Some(Utc.with_ymd_and_hms(2021, 6, 30, 0, 0, 0).unwrap())
    );
    assert!(check.tls_issuer.unwrap().contains("Pelihara Test CA"));
}

#[tokio::test]
async fn an_unknown_issuer_fails() {
    let pki = pki();
    let (https, _) = serve(
        "127.0.0.1:0",
        Some(acceptor(&pki, (2025, 1, 1), (2035, 1, 1))),
        ok_handler(),
    )
    .await;
    // The test CA is not trusted this time.
    let checker = Checker::new(policy(None, "127.0.0.1")).unwrap();
    let check = checker
        .check(&format!("https://127.0.0.1:{}/", https.port()), now())
        .await;
    assert!(!check.ok);
    assert_eq!(failure_code(check.error.as_deref().unwrap()), "tls");
}

#[tokio::test]
async fn a_redirect_to_a_loopback_address_not_allowed_is_refused() {
    // The target would answer: it must never be contacted.
    let (target, contacted) = serve("127.0.0.2:0", None, ok_handler()).await;
    for location in [
        format!("http://127.0.0.2:{}/", target.port()),
        format!("http://[::ffff:127.0.0.2]:{}/", target.port()),
        format!("http://[::1]:{}/", target.port()),
    ] {
        let hop = location.clone();
        let redirect: Handler = Arc::new(move |_path: &str| {
            (
                Duration::ZERO,
                response("302 Found", &format!("Location: {hop}\r\n"), ""),
            )
        });
        let (first, _) = serve("127.0.0.1:0", None, redirect).await;
        // Only the first server's single address is allowed.
        let checker = Checker::new(policy(None, "127.0.0.1/32")).unwrap();
        let check = checker
            .check(&format!("http://127.0.0.1:{}/", first.port()), now())
            .await;
        assert!(!check.ok);
        let error = check.error.unwrap();
        assert_eq!(
            failure_code(&error),
            "refused-address",
            "{location}: {error}"
        );
        assert!(error.contains("loopback"), "{error}");
        assert_eq!(
            check.redirects,
            vec![location.replace("[::ffff:127.0.0.2]", "[::ffff:7f00:2]")]
        );
    }
    assert_eq!(contacted.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn loopback_is_refused_without_the_allow_list() {
    let (server, contacted) = serve("127.0.0.1:0", None, ok_handler()).await;
    let checker = Checker::new(policy(None, "")).unwrap();
    for url in [
        format!("http://127.0.0.1:{}/", server.port()),
        format!("http://localhost:{}/", server.port()),
    ] {
        let check = checker.check(&url, now()).await;
        assert_eq!(
            failure_code(check.error.as_deref().unwrap()),
            "refused-address",
            "{url}"
        );
    }
    assert_eq!(contacted.load(Ordering::SeqCst), 0);
    // With the allow-list the same server is fine.
    let allowed = Checker::new(policy(None, "127.0.0.0/8, ::1")).unwrap();
    let check = allowed
        .check(&format!("http://127.0.0.1:{}/", server.port()), now())
        .await;
    assert!(check.ok, "{check:?}");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let slow: Handler =
        Arc::new(|_path: &str| (Duration::from_secs(10), response("200 OK", "", "late")));
    let (server, _) = serve("127.0.0.1:0", None, slow).await;
    let checker = Checker::new(CheckPolicy {
        timeout: Duration::from_millis(700),
        ..policy(None, "127.0.0.1")
    })
    .unwrap();
    let started = std::time::Instant::now();
    let check = checker
        .check(&format!("http://127.0.0.1:{}/", server.port()), now())
        .await;
    let took = started.elapsed();
    assert!(!check.ok);
    assert_eq!(failure_code(check.error.as_deref().unwrap()), "timeout");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[tokio::test]
async fn server_errors_and_redirect_loops_fail() {
    let broken: Handler = Arc::new(|_path: &str| {
        (
            Duration::ZERO,
            response("503 Service Unavailable", "", "maintenance"),
        )
    });
    let (server, _) = serve("127.0.0.1:0", None, broken).await;
    let checker = Checker::new(policy(None, "127.0.0.1")).unwrap();
    let check = checker
        .check(&format!("http://127.0.0.1:{}/", server.port()), now())
        .await;
    assert!(!check.ok);
    assert_eq!(check.http_status, Some(503));
    assert_eq!(failure_code(check.error.as_deref().unwrap()), "http-status");

    let looping: Handler = Arc::new(|path: &str| {
        let next = format!("{path}x");
        (
            Duration::ZERO,
            response("302 Found", &format!("Location: {next}\r\n"), ""),
        )
    });
    let (server, _) = serve("127.0.0.1:0", None, looping).await;
    let check = checker
        .check(&format!("http://127.0.0.1:{}/", server.port()), now())
        .await;
    assert_eq!(
        failure_code(check.error.as_deref().unwrap()),
        "too-many-redirects"
    );
    assert_eq!(check.redirects.len(), 5);
}
