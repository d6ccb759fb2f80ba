//! Password recovery through the real router: every request gets the same answer whether the
//! account exists or not; a link sets the password once, ends every session of the account and
//! spends the account's other links; an expired link is refused with a clear message; requests
//! are limited per client; and, through the real SMTP sink, the mailed link is followed to a
//! new password while the database holds only the token's hash.

use std::path::{Path, PathBuf};
use std::time::{Duration as StdDuration, Instant};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::Duration;
use pelihara_domain::{Role, UserId};
use pelihara_notify::{EmailSettings, Mailer, SmtpSecurity};
use pelihara_store::AuditSource;
use pelihara_store::people::NewUser;
use pelihara_web::auth::token_hash;
use pelihara_web::testing::{self, TEST_HOST, TEST_PASSWORD};
use pelihara_web::{AppState, WebConfig};
use tower::ServiceExt;

use super::cases::{Site, site};

const NEW_PASSWORD: &str = "sandi-baru-yang-panjang";

struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn send(router: &Router, request: Request<Body>) -> Got {
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

async fn get(router: &Router, uri: &str, cookie: &str) -> Got {
    let request = Request::builder()
        .uri(uri)
        .header(header::HOST, TEST_HOST)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(router, request).await
}

async fn post(router: &Router, uri: &str, pairs: &[(&str, &str)]) -> Got {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("https://{TEST_HOST}"))
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    send(router, request).await
}

/// The router of `site` with an SMTP client for `port` (a port nobody listens on when the
/// mail itself does not matter: sending fails in the background, the answer does not change).
pub(super) fn with_mailer(site: &Site, port: u16) -> Router {
    let state = AppState::new(
        WebConfig {
            office_name: "Dinas Komunikasi dan Informatika Kabupaten Demak".to_owned(),
            public_base_url: format!("https://{TEST_HOST}"),
            upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
            trusted_proxies: Default::default(),
        },
        site.test.services.clone(),
    )
    .unwrap();
    state.set_mailer(
        Mailer::new(&EmailSettings {
            host: "127.0.0.1".to_owned(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "Pelihara Uji <pelihara@contoh.go.id>".to_owned(),
            timeout: StdDuration::from_secs(5),
        })
        .unwrap(),
    );
    pelihara_web::router(state)
}

/// A port with nothing behind it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// An active OPD operator with an email, signing in with the test password.
async fn user_with_email(site: &Site, username: &str, email: Option<&str>) -> UserId {
    let services = &site.test.services;
    services
        .store
        .create_user(
            NewUser {
                username: username.to_owned(),
                full_name: format!("Pengguna {username}"),
                nip: None,
                email: email.map(str::to_owned),
                role: Role::OpdOperator,
                positions: Vec::new(),
                opd_id: Some(site.people().opd),
                password_hash: pelihara_web::auth::hash_password(TEST_PASSWORD.to_owned())
                    .await
                    .unwrap(),
            },
            &AuditSource::cli("test"),
            services.clock.now(),
        )
        .await
        .unwrap()
}

/// The part of a recovery page that answers (its alert), without the rest of the shell.
fn outcome(body: &str) -> &str {
    let start = body.find(r#"id="recovery-outcome""#).unwrap_or(0);
    let end = body[start..]
        .find("</div>")
        .map_or(body.len(), |end| start + end);
    &body[start..end]
}

#[tokio::test]
async fn every_account_known_or_not_gets_the_same_answer() {
    let site = site().await;
    let router = with_mailer(&site, closed_port());
    let with_email = user_with_email(&site, "budi", Some("budi@contoh.go.id")).await;
    let without = user_with_email(&site, "tanpa.surel", None).await;
    let disabled = user_with_email(&site, "nonaktif", Some("nonaktif@contoh.go.id")).await;
    let services = &site.test.services;
    let now = services.clock.now();
    services
        .store
        .set_user_active(disabled, false, &AuditSource::cli("test"), now)
        .await
        .unwrap();

    // The sign-in page leads here.
    let sign_in = get(&router, "/masuk", "").await;
    assert!(sign_in.body.contains(r#"href="/lupa-sandi""#));
    let form = get(&router, "/lupa-sandi", "").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="identifier""#));

    let mut answers = Vec::new();
    for identifier in [
        "budi",
        "BUDI@contoh.go.id",
        "tidak-ada",
        "tidak-ada@contoh.go.id",
        "tanpa.surel",
        "nonaktif",
    ] {
        let answer = post(&router, "/lupa-sandi", &[("identifier", identifier)]).await;
        assert_eq!(answer.status, StatusCode::OK, "{identifier}");
        assert!(
            answer.body.contains(r#"data-outcome="sent""#),
            "{identifier}"
        );
        assert!(
            !answer.body.contains(identifier),
            "{identifier} is not echoed"
        );
        answers.push(outcome(&answer.body).to_owned());
    }
    assert!(
        answers.windows(2).all(|pair| pair[0] == pair[1]),
        "{answers:?}"
    );
    assert!(answers[0].contains("berlaku 30 menit"));
    // Only the active account with an email got links (one by name, one by email).
    let since = now - Duration::minutes(1);
    let links = |user| services.store.password_resets_since(user, since);
    assert_eq!(links(with_email).await.unwrap(), 2);
    assert_eq!(links(without).await.unwrap(), 0);
    assert_eq!(links(disabled).await.unwrap(), 0);

    // An empty request is a clear message and nothing else.
    let empty = post(&router, "/lupa-sandi", &[("identifier", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Isi nama pengguna atau alamat pos-el."));

    // Without a mail server, the page says whom to ask instead of pretending.
    let plain = get(&site.router, "/lupa-sandi", "").await;
    assert!(plain.body.contains(r#"data-outcome="unavailable""#));
    assert!(!plain.body.contains(r#"name="identifier""#));
}

#[tokio::test]
async fn requests_are_limited_per_client_and_links_per_account() {
    let site = site().await;
    let router = with_mailer(&site, closed_port());
    let user = user_with_email(&site, "budi", Some("budi@contoh.go.id")).await;
    for n in 0..10 {
        let answer = post(&router, "/lupa-sandi", &[("identifier", "budi")]).await;
        assert_eq!(answer.status, StatusCode::OK, "request {n}");
    }
    let since = site.test.services.clock.now() - Duration::minutes(5);
    assert_eq!(
        site.test
            .services
            .store
            .password_resets_since(user, since)
            .await
            .unwrap(),
        3,
        "three links an hour per account, however often asked"
    );
    let limited = post(&router, "/lupa-sandi", &[("identifier", "tidak-ada")]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited
            .body
            .contains("Terlalu banyak permintaan dari jaringan Anda. Coba lagi dalam 15 menit.")
    );
    let retry: i64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((840..=900).contains(&retry), "Retry-After {retry}");
}

/// A link made the way the page makes one, with a token the test knows.
async fn link_for(site: &Site, user: UserId, token: &str, valid: Duration) {
    let services = &site.test.services;
    let now = services.clock.now();
    services
        .store
        .create_password_reset(
            user,
            &token_hash(token),
            now + valid,
            &AuditSource::cli("test"),
            now,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_link_sets_the_password_once_and_ends_every_session() {
    let site = site().await;
    let router = &site.router;
    let user = site.people().operator;
    let token = "a".repeat(64);
    let other = "b".repeat(64);
    link_for(&site, user, &token, Duration::minutes(30)).await;
    link_for(&site, user, &other, Duration::minutes(30)).await;
    let first = testing::sign_in(router, "op.dinkes", TEST_PASSWORD).await;
    let _second = testing::sign_in(router, "op.dinkes", TEST_PASSWORD).await;
    let store = &site.test.services.store;
    assert_eq!(store.session_count(user).await.unwrap(), 2);

    let uri = format!("/lupa-sandi/atur?token={token}");
    let form = get(router, &uri, "").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("op.dinkes"), "the account is named");
    assert!(form.body.contains(r#"name="new_password""#));

    // Bad passwords: a clear message, nothing changed, the link still good.
    let short = post(
        router,
        "/lupa-sandi/atur",
        &[
            ("token", &token),
            ("new_password", "pendek"),
            ("new_password_again", "pendek"),
        ],
    )
    .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("10"), "{}", short.body);
    let mismatch = post(
        router,
        "/lupa-sandi/atur",
        &[
            ("token", &token),
            ("new_password", NEW_PASSWORD),
            ("new_password_again", "sandi-baru-yang-lain"),
        ],
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch
            .body
            .contains("Kedua isian kata sandi baru tidak sama.")
    );
    assert_eq!(store.session_count(user).await.unwrap(), 2);

    let done = post(
        router,
        "/lupa-sandi/atur",
        &[
            ("token", &token),
            ("new_password", NEW_PASSWORD),
            ("new_password_again", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.headers["location"], "/masuk?sandi=1");
    let notice = get(router, "/masuk?sandi=1", "").await;
    assert!(notice.body.contains("Kata sandi baru telah disimpan."));
    // Every session ended, in the same write; the old cookie is worthless.
    assert_eq!(store.session_count(user).await.unwrap(), 0);
    let old = get(router, "/tugas", &first).await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    assert!(
        old.headers["location"]
            .to_str()
            .unwrap()
            .starts_with("/masuk")
    );
    assert!(
        testing::try_sign_in(router, "op.dinkes", TEST_PASSWORD)
            .await
            .is_err()
    );
    testing::sign_in(router, "op.dinkes", NEW_PASSWORD).await;
    // One audit event for the change.
    let events = store.recent_events(20).await.unwrap();
    let recovered: Vec<_> = events
        .iter()
        .filter(|event| event.action == "user.password_recovered")
        .collect();
    assert_eq!(recovered.len(), 1);
    assert_eq!(recovered[0].detail["user_id"], user.to_string());
    assert!(!recovered[0].detail.to_string().contains("argon2"));

    // The link works once, and the account's other link was spent with it.
    for spent in [&token, &other] {
        let again = get(router, &format!("/lupa-sandi/atur?token={spent}"), "").await;
        assert_eq!(again.status, StatusCode::GONE);
        assert!(again.body.contains("Tautan ini sudah dipakai."));
        let again = post(
            router,
            "/lupa-sandi/atur",
            &[
                ("token", spent),
                ("new_password", "sandi-ketiga-panjang"),
                ("new_password_again", "sandi-ketiga-panjang"),
            ],
        )
        .await;
        assert_eq!(again.status, StatusCode::GONE);
    }
    testing::sign_in(router, "op.dinkes", NEW_PASSWORD).await;
}

#[tokio::test]
async fn an_expired_or_unknown_link_is_refused_with_a_clear_message() {
    let site = site().await;
    let router = &site.router;
    let token = "c".repeat(64);
    link_for(&site, site.people().operator, &token, Duration::minutes(-1)).await;
    let expired = get(router, &format!("/lupa-sandi/atur?token={token}"), "").await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("Tautan ini sudah kedaluwarsa."));
    assert!(
        expired.body.contains(r#"href="/lupa-sandi""#),
        "a way to a new link"
    );
    let post_expired = post(
        router,
        "/lupa-sandi/atur",
        &[
            ("token", &token),
            ("new_password", NEW_PASSWORD),
            ("new_password_again", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(post_expired.status, StatusCode::GONE);
    testing::sign_in(router, "op.dinkes", TEST_PASSWORD).await;
    for bad in [
        "",
        "abc",
        &"d".repeat(64),
        &"A".repeat(64),
        &"e".repeat(5000),
    ] {
        let unknown = get(router, &format!("/lupa-sandi/atur?token={bad}"), "").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", bad.len());
        assert!(unknown.body.contains("Tautan ini tidak berlaku."));
    }
}

/// The test environment's shared SMTP sink: host, port and the Maildir it files into.
pub(super) fn smtp_sink() -> Option<(String, u16, PathBuf)> {
    let (Ok(host), Ok(port), Ok(maildir)) = (
        std::env::var("PELIHARA_TEST_SMTP_HOST"),
        std::env::var("PELIHARA_TEST_SMTP_PORT"),
        std::env::var("PELIHARA_TEST_SMTP_MAILDIR"),
    ) else {
        let in_ci = std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false");
        assert!(!in_ci, "PELIHARA_TEST_SMTP_HOST/_PORT/_MAILDIR are not set");
        eprintln!("skipped: PELIHARA_TEST_SMTP_PORT is not set");
        return None;
    };
    assert_eq!(host, "127.0.0.1");
    Some((host, port.parse().unwrap(), PathBuf::from(maildir)))
}

/// The plain-text part of the mail to `address` in the Maildir, decoded by Python's own email
/// package (an independent reader); waits for it up to ten seconds.
pub(super) fn mail_to(maildir: &Path, address: &str) -> String {
    let python = std::env::var("PELIHARA_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = r#"
import email, email.policy, os, sys
new = os.path.join(sys.argv[1], "new")
for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
    with open(os.path.join(new, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    if sys.argv[2] in str(m["to"]):
        print(str(m["subject"]))
        print(m.get_body(preferencelist=("plain",)).get_content())
        break
"#;
    let deadline = Instant::now() + StdDuration::from_secs(10);
    loop {
        let output = std::process::Command::new(&python)
            .arg("-c")
            .arg(script)
            .arg(maildir)
            .arg(address)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout).unwrap();
        if !text.is_empty() {
            return text;
        }
        assert!(Instant::now() < deadline, "no mail to {address}");
        std::thread::sleep(StdDuration::from_millis(200));
    }
}

#[tokio::test]
async fn the_mailed_link_sets_a_new_password_and_only_its_hash_is_stored() {
    let Some((_host, port, maildir)) = smtp_sink() else {
        return;
    };
    let site = site().await;
    let router = with_mailer(&site, port);
    let address = format!("budi.{}@contoh.go.id", uuid_like());
    user_with_email(&site, "budi", Some(&address)).await;
    let answer = post(&router, "/lupa-sandi", &[("identifier", &address)]).await;
    assert_eq!(answer.status, StatusCode::OK);

    let mail = {
        let maildir = maildir.clone();
        let address = address.clone();
        tokio::task::spawn_blocking(move || mail_to(&maildir, &address))
            .await
            .unwrap()
    };
    assert!(
        mail.starts_with("Atur ulang kata sandi Pelihara\n"),
        "{mail}"
    );
    assert!(mail.contains("Yth. Pengguna budi,"));
    let prefix = format!("https://{TEST_HOST}/lupa-sandi/atur?token=");
    let start = mail.find(&prefix).expect("the link") + prefix.len();
    let token: String = mail[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64, "{mail}");

    // The database holds the token's hash, never the token.
    let folder = site.test.folder.path();
    let mut stored = Vec::new();
    for name in ["pelihara.db", "pelihara.db-wal"] {
        if let Ok(bytes) = std::fs::read(folder.join(name)) {
            stored.extend(bytes);
        }
    }
    let contains = |needle: &str| {
        stored
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    };
    assert!(
        contains(&token_hash(&token)),
        "the hash is there (the search works)"
    );
    assert!(!contains(&token), "the token is not");

    // Following the link: the form, then the new password.
    let form = get(&router, &format!("/lupa-sandi/atur?token={token}"), "").await;
    assert_eq!(form.status, StatusCode::OK);
    let done = post(
        &router,
        "/lupa-sandi/atur",
        &[
            ("token", &token),
            ("new_password", NEW_PASSWORD),
            ("new_password_again", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    testing::sign_in(&router, "budi", NEW_PASSWORD).await;
}

pub(super) fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}
