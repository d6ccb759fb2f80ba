//! Sign-in, sessions and sign-out through the real router: the session cookie's flags, its
//! rotation at sign-in, the failed-login limit per account, sign-out and disabled users, the
//! cross-site check on the sign-in form, and who may open the admin pages.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use pelihara_web::testing::{
    self, SeededPeople, TEST_HOST, TEST_PASSWORD, TestServices, seed_people, sign_in, try_sign_in,
};
use pelihara_web::{AppState, Clock, WebConfig};

use super::{Answer, send};

/// A site with people, on a clock the test can move.
pub(super) struct Site {
    pub router: Router,
    pub test: TestServices,
    pub people: SeededPeople,
    pub now: Arc<Mutex<DateTime<Utc>>>,
}

impl Site {
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap();
        *now += by;
    }
}

/// Monday 2 November 2026, 09.00 WIB.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap()
}

pub(super) async fn site() -> Site {
    let now = Arc::new(Mutex::new(start()));
    let reading = Arc::clone(&now);
    let test = testing::services_with_clock(Clock::from_fn(move || *reading.lock().unwrap())).await;
    let people = seed_people(&test.services).await;
    Site {
        router: testing::router(&test.services),
        test,
        people,
        now,
    }
}

/// A request as our own pages send it, with the session cookie when there is one.
pub(super) fn request(
    method: Method,
    uri: &str,
    cookie: Option<&str>,
) -> axum::http::request::Builder {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("https://{TEST_HOST}"))
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder
}

pub(super) async fn get(router: &Router, uri: &str, cookie: Option<&str>) -> Answer {
    send(
        router.clone(),
        request(Method::GET, uri, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

pub(super) async fn post(router: &Router, uri: &str, cookie: Option<&str>, body: &str) -> Answer {
    send(
        router.clone(),
        request(Method::POST, uri, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| {
            let value: String = value
                .bytes()
                .map(|byte| match byte {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        char::from(byte).to_string()
                    }
                    other => format!("%{other:02X}"),
                })
                .collect();
            format!("{name}={value}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn sign_in_form(site: &Site, username: &str, password: &str, next: &str) -> Answer {
    post(
        &site.router,
        "/masuk",
        None,
        &form(&[
            ("username", username),
            ("password", password),
            ("next", next),
        ]),
    )
    .await
}

/// The actions of the newest `count` audit events, newest first.
async fn last_actions(site: &Site, count: i64) -> Vec<String> {
    site.test
        .services
        .store
        .recent_events(count)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .collect()
}

#[tokio::test]
async fn the_sign_in_page_asks_in_the_users_language() {
    let site = site().await;
    let answer = get(&site.router, "/masuk", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    assert!(html.contains("Masuk ke Pelihara"), "{html}");
    assert!(html.contains(r#"name="username""#));
    assert!(html.contains(r#"type="password""#));
    assert!(html.contains(r#"autocomplete="current-password""#));
    assert!(html.contains(r#"action="/masuk""#));
    assert!(html.contains("English"), "the language switch");
    assert!(!html.contains("<script>") && !html.contains(" style="));

    let html = get(&site.router, "/masuk?lang=en&next=/tugas", None)
        .await
        .text();
    assert!(html.contains("Sign in to Pelihara"));
    assert!(html.contains(r#"name="next" value="/tugas""#), "{html}");
}

#[tokio::test]
async fn signing_in_starts_a_session_and_goes_on() {
    let site = site().await;
    let answer = sign_in_form(&site, "Pelaksana", TEST_PASSWORD, "").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(answer.header("location"), "/tugas");
    let set_cookie = answer.header("set-cookie");
    assert!(set_cookie.starts_with("pelihara_sesi="), "{set_cookie}");
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
        "Max-Age=28800",
    ] {
        assert!(set_cookie.contains(flag), "{flag} missing in {set_cookie}");
    }
    let cookie = testing::session_cookie(&answer.headers).unwrap();
    // The value is the session id only: 22 characters of URL-safe base64, no user data.
    assert_eq!(cookie.len(), "pelihara_sesi=".len() + 22, "{cookie}");
    assert_eq!(last_actions(&site, 1).await, ["auth.sign_in"]);

    // Signed in: the page shows who, their position, and the sign-out button.
    let html = get(&site.router, "/", Some(&cookie)).await.text();
    assert!(html.contains("Staf pelaksana"), "{html}");
    assert!(html.contains("Pelaksana / Pranata Komputer"));
    assert!(html.contains(r#"action="/keluar""#));
    assert!(!html.contains("/admin/pengguna"), "no admin link for staff");
    // The sign-in page sends a signed-in user on.
    let answer = get(&site.router, "/masuk?next=/permohonan", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/permohonan");

    // `next` is followed to pages of this site only; admins start on the admin pages.
    let answer = sign_in_form(&site, "pelaksana", TEST_PASSWORD, "/permohonan?page=2").await;
    assert_eq!(answer.header("location"), "/permohonan?page=2");
    let answer = sign_in_form(&site, "pelaksana", TEST_PASSWORD, "//evil.example/").await;
    assert_eq!(answer.header("location"), "/tugas");
    let answer = sign_in_form(&site, "admin", TEST_PASSWORD, "").await;
    assert_eq!(answer.header("location"), "/admin/pengguna");
}

#[tokio::test]
async fn the_session_cookie_is_not_secure_without_tls() {
    let test = testing::services().await;
    seed_people(&test.services).await;
    let state = AppState::new(
        WebConfig {
            office_name: "Dinkominfo".to_owned(),
            public_base_url: "http://10.0.0.5:8080".to_owned(),
            upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
            trusted_proxies: Default::default(),
        },
        test.services.clone(),
    )
    .unwrap();
    let router = pelihara_web::router(state);
    let answer = send(
        router,
        Request::builder()
            .method(Method::POST)
            .uri("/masuk")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=admin&password={TEST_PASSWORD}"
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let set_cookie = answer.header("set-cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    assert_eq!(
        answer.header("strict-transport-security"),
        "",
        "no HSTS over plain http"
    );
}

#[tokio::test]
async fn wrong_credentials_do_not_say_which_part_was_wrong() {
    let site = site().await;
    let wrong_password = sign_in_form(&site, "pelaksana", "salah-sandi", "").await;
    let unknown_user = sign_in_form(&site, "tidak.ada", TEST_PASSWORD, "").await;
    for answer in [&wrong_password, &unknown_user] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.header("set-cookie"), "", "no session");
        let html = answer.text();
        assert!(
            html.contains("Nama pengguna atau kata sandi salah."),
            "{html}"
        );
        assert!(!html.contains("salah-sandi") && !html.contains(TEST_PASSWORD));
    }
    assert!(
        wrong_password.text().contains(r#"value="pelaksana""#),
        "kept"
    );
    let events = site.test.services.store.recent_events(2).await.unwrap();
    assert_eq!(events[0].action, "auth.sign_in_failed");
    assert_eq!(events[0].detail["reason"], "unknown_user");
    assert_eq!(events[1].detail["reason"], "wrong_password");
    assert_eq!(events[1].detail["username"], "pelaksana");

    let english = post(
        &site.router,
        "/masuk?lang=en",
        None,
        &form(&[("username", "pelaksana"), ("password", "x")]),
    )
    .await;
    assert!(english.text().contains("Wrong username or password."));

    // Empty fields are named next to the field, and nothing is recorded.
    let before = last_actions(&site, 1).await;
    let answer = sign_in_form(&site, "", "", "").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = answer.text();
    assert!(html.contains("Nama pengguna wajib diisi."));
    assert!(html.contains("Kata sandi wajib diisi."));
    assert!(html.contains("is-invalid"));
    // Assistive technology is told too (issue 18, item 21): each field is marked invalid and
    // described by its message, and a summary is announced.
    assert!(
        html.contains(r#"aria-invalid="true" aria-describedby="username-error""#),
        "{html}"
    );
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="password-error""#));
    assert!(
        html.contains(r#"role="alert" id="sign-in-errors">Periksa isian yang ditandai di bawah."#)
    );
    assert_eq!(last_actions(&site, 1).await, before);
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account() {
    let site = site().await;
    for attempt in 1..=4 {
        let answer = sign_in_form(&site, "kepala_dinas", "tebakan", "").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        site.advance(Duration::minutes(1));
    }
    // The fifth failure locks the account for 15 minutes from the first.
    let answer = sign_in_form(&site, "KEPALA_DINAS", "tebakan", "").await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        answer.text().contains(
            "Terlalu banyak percobaan masuk yang gagal untuk akun ini. Coba lagi dalam 11 menit."
        ),
        "{}",
        answer.text()
    );
    // Even the right password is refused now, without being checked.
    let answer = sign_in_form(&site, "kepala_dinas", TEST_PASSWORD, "").await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.header("retry-after"), "660");
    assert_eq!(answer.header("set-cookie"), "");
    let events = site.test.services.store.recent_events(1).await.unwrap();
    assert_eq!(events[0].action, "auth.sign_in_failed");
    assert_eq!(events[0].detail["reason"], "locked");

    // Other accounts are not affected.
    sign_in(&site.router, "sekretaris", TEST_PASSWORD).await;

    site.advance(Duration::minutes(10));
    let answer = post(
        &site.router,
        "/masuk?lang=en",
        None,
        &form(&[("username", "kepala_dinas"), ("password", TEST_PASSWORD)]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        answer.text().contains("Try again in 1 minute."),
        "{}",
        answer.text()
    );

    // Once the first failure leaves the window, four remain: the right password works and
    // clears them.
    site.advance(Duration::minutes(1));
    sign_in(&site.router, "kepala_dinas", TEST_PASSWORD).await;
    let failures = site
        .test
        .services
        .store
        .failed_logins_since("kepala_dinas", "-", start())
        .await
        .unwrap();
    assert!(failures.is_empty());

    // Unknown usernames are limited the same way (no hint that they do not exist).
    for _ in 0..5 {
        sign_in_form(&site, "siapa.saja", "x", "").await;
    }
    assert_eq!(
        sign_in_form(&site, "siapa.saja", "x", "").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A sign-in attempt from the client at `ip` (the peer address a server with connect info
/// records).
async fn sign_in_from(site: &Site, ip: &str, username: &str, password: &str) -> Answer {
    let mut request = request(Method::POST, "/masuk", None)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form(&[
            ("username", username),
            ("password", password),
        ])))
        .unwrap();
    let peer: std::net::SocketAddr = format!("{ip}:{}", 40_000 + site_port()).parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    send(site.router.clone(), request).await
}

/// Another source port for every connection, as real clients have.
fn site_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed) % 20_000
}

#[tokio::test]
async fn a_stranger_cannot_lock_a_user_out_and_guessing_over_many_accounts_is_slowed() {
    let site = site().await;
    // A stranger fails five times for the head of office: that client is refused for that
    // name (each attempt from another source port counts for the same client)...
    for attempt in 0..5 {
        let answer = sign_in_from(&site, "203.0.113.9", "kepala_dinas", "tebakan").await;
        let expected = if attempt < 4 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(answer.status, expected, "attempt {attempt}");
    }
    assert_eq!(
        sign_in_from(&site, "203.0.113.9", "kepala_dinas", TEST_PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...while the head of office, from their own computer, signs in.
    let answer = sign_in_from(&site, "198.51.100.20", "kepala_dinas", TEST_PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());

    // One client guessing over many names: after 30 failures it is refused for every name,
    // the right password of an account it never tried included.
    for attempt in 0..30 {
        let answer = sign_in_from(&site, "192.0.2.77", &format!("nama{attempt}"), "x").await;
        let expected = if attempt < 29 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(answer.status, expected, "attempt {attempt}");
    }
    assert_eq!(
        sign_in_from(&site, "192.0.2.77", "sekretaris", TEST_PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client is not affected.
    assert_eq!(
        sign_in_from(&site, "192.0.2.78", "sekretaris", TEST_PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

/// A sign-in attempt that reached the server through the reverse proxy at 127.0.0.1, which
/// appended the address it saw to whatever `X-Forwarded-For` the client sent.
async fn sign_in_through_proxy(router: &Router, forwarded_for: &str, username: &str) -> Answer {
    let mut request = request(Method::POST, "/masuk", None)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", forwarded_for)
        .body(Body::from(form(&[
            ("username", username),
            ("password", "x"),
        ])))
        .unwrap();
    let peer: std::net::SocketAddr = format!("127.0.0.1:{}", 40_000 + site_port())
        .parse()
        .unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    send(router.clone(), request).await
}

/// Behind the office's reverse proxy every connection comes from the proxy: with the proxy
/// named as trusted, each visitor is counted by their own address, so one stranger's 30 failures
/// do not lock out everyone else, and the stranger cannot dodge the limit by writing another
/// address into the header themselves. Without it, the header is ignored.
#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_counted_by_their_own_address() {
    let site = site().await;
    let trusted = AppState::new(
        WebConfig {
            office_name: "Dinkominfo".to_owned(),
            public_base_url: format!("https://{TEST_HOST}"),
            upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
            trusted_proxies: pelihara_web::client_address::TrustedProxies::parse(["127.0.0.1"])
                .unwrap(),
        },
        site.test.services.clone(),
    )
    .unwrap();
    let router = pelihara_web::router(trusted);
    // The stranger varies the address it claims; the proxy appends the real one.
    for attempt in 0..30 {
        let answer = sign_in_through_proxy(
            &router,
            &format!("10.9.9.{attempt}, 203.0.113.9"),
            &format!("nama{attempt}"),
        )
        .await;
        let expected = if attempt < 29 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(answer.status, expected, "attempt {attempt}");
    }
    // Another visitor through the same proxy is not affected...
    let answer = sign_in_through_proxy(&router, "198.51.100.20", "nama0").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.text());
    // ...and the failures were recorded against the stranger's address, not the proxy's.
    let store = &site.test.services.store;
    let recorded = store
        .failed_logins_since("nama3", "203.0.113.9", start() - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(recorded.len(), 1, "{recorded:?}");

    // The same requests to a server that trusts no proxy all count against the proxy itself.
    let answer = sign_in_through_proxy(&site.router, "192.0.2.1", "lain").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let recorded = store
        .failed_logins_since("lain", "127.0.0.1", start() - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let site = site().await;
    // An id planted before sign-in (session fixation) is not the one that gets signed in.
    let planted = "pelihara_sesi=AAAAAAAAAAAAAAAAAAAAAA";
    let answer = send(
        site.router.clone(),
        request(Method::POST, "/masuk", Some(planted))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=pelaksana&password={TEST_PASSWORD}"
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let first = testing::session_cookie(&answer.headers).unwrap();
    assert_ne!(first, planted);
    assert_eq!(
        get(&site.router, "/admin/pengguna", Some(planted))
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Signing in again on a live session gives a new id and ends the old one.
    let answer = send(
        site.router.clone(),
        request(Method::POST, "/masuk", Some(&first))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=admin&password={TEST_PASSWORD}"
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let second = testing::session_cookie(&answer.headers).unwrap();
    assert_ne!(second, first);
    assert_eq!(
        get(&site.router, "/admin/pengguna", Some(&second))
            .await
            .status,
        StatusCode::OK
    );
    let old = get(&site.router, "/admin/pengguna", Some(&first)).await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    assert_eq!(old.header("location"), "/masuk?next=/admin/pengguna");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let site = site().await;
    let cookie = sign_in(&site.router, "admin", TEST_PASSWORD).await;
    assert_eq!(
        get(&site.router, "/admin/pengguna", Some(&cookie))
            .await
            .status,
        StatusCode::OK
    );
    let answer = post(&site.router, "/keluar", Some(&cookie), "").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/masuk?keluar=1");
    let removal = answer.header("set-cookie");
    assert!(removal.starts_with("pelihara_sesi=;"), "{removal}");
    assert!(removal.contains("Max-Age=0"), "{removal}");
    assert_eq!(last_actions(&site, 1).await, ["auth.sign_out"]);
    assert_eq!(
        site.test
            .services
            .store
            .session_count(site.people.admin)
            .await
            .unwrap(),
        0,
        "deleted from the database, not only from the browser"
    );

    // The old cookie no longer works, whoever replays it.
    let answer = get(&site.router, "/admin/pengguna", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/masuk?next=/admin/pengguna");
    let html = get(&site.router, "/masuk?keluar=1", None).await.text();
    assert!(html.contains("Anda telah keluar."));
}

#[tokio::test]
async fn a_disabled_users_session_stops_working() {
    let site = site().await;
    let admin = sign_in(&site.router, "admin", TEST_PASSWORD).await;
    let staff = sign_in(&site.router, "subkoor_spa", TEST_PASSWORD).await;
    assert!(
        get(&site.router, "/", Some(&staff))
            .await
            .text()
            .contains("Staf subkoor_spa")
    );
    let user = site.people.staff_in("subkoor_spa");
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{user}/aktif"),
        Some(&admin),
        "active=0&confirm=1",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);

    let html = get(&site.router, "/", Some(&staff)).await.text();
    assert!(!html.contains("Staf subkoor_spa"), "shown as a guest");
    let answer = get(&site.router, "/admin/pengguna", Some(&staff)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.header("location").starts_with("/masuk"));
    // And the password no longer signs in (with the same message as a wrong one).
    let answer = sign_in_form(&site, "subkoor_spa", TEST_PASSWORD, "").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(
        answer
            .text()
            .contains("Nama pengguna atau kata sandi salah.")
    );
    let events = site.test.services.store.recent_events(1).await.unwrap();
    assert_eq!(events[0].detail["reason"], "disabled");
}

#[tokio::test]
async fn a_session_left_behind_by_a_disabled_user_is_ended_when_used() {
    let site = site().await;
    let cookie = sign_in(&site.router, "tim_jaringan", TEST_PASSWORD).await;
    let user = site.people.staff_in("tim_jaringan");
    let store = &site.test.services.store;
    store
        .set_user_active(
            user,
            false,
            &pelihara_store::AuditSource::cli("test"),
            start(),
        )
        .await
        .unwrap();
    // Disabling deletes the user's sessions; put one back, as a node that missed the
    // deletion (or an older database) might still hold it.
    let id = cookie.trim_start_matches("pelihara_sesi=");
    let data = serde_json::json!({ "user_id": user.to_string() }).to_string();
    store
        .save_session(id, Some(user), &data, Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(store.session_count(user).await.unwrap(), 1);

    let answer = get(&site.router, "/admin/opd", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.header("location").starts_with("/masuk"));
    assert!(
        answer.header("set-cookie").starts_with("pelihara_sesi=;"),
        "cookie removed"
    );
    assert_eq!(
        store.session_count(user).await.unwrap(),
        0,
        "session deleted"
    );
}

#[tokio::test]
async fn private_pages_send_guests_to_sign_in_and_back() {
    let site = site().await;
    let answer = get(&site.router, "/admin/libur?tahun=2027", None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.header("location"),
        "/masuk?next=/admin/libur%3Ftahun%3D2027"
    );
    // htmx requests are told to load the sign-in page as a whole page.
    let answer = send(
        site.router.clone(),
        request(Method::GET, "/admin/opd", None)
            .header("hx-request", "true")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.header("hx-redirect"), "/masuk?next=/admin/opd");
}

#[tokio::test]
async fn admin_pages_are_refused_to_everyone_else() {
    let site = site().await;
    let pages = [
        (Method::GET, "/admin/pengguna"),
        (Method::POST, "/admin/pengguna"),
        (Method::GET, "/admin/delegasi"),
        (Method::POST, "/admin/delegasi"),
        (Method::GET, "/admin/delegasi/pejabat?position=kepala_dinas"),
        (Method::GET, "/admin/opd"),
        (Method::POST, "/admin/opd"),
        (Method::GET, "/admin/libur"),
        (Method::POST, "/admin/libur"),
        (Method::POST, "/admin/libur/hapus"),
    ];
    let user = site.people.operator;
    for username in ["pelaksana", "kepala_dinas", "auditor", "op.dinkes"] {
        let cookie = sign_in(&site.router, username, TEST_PASSWORD).await;
        let mut all = pages.to_vec();
        let activate = format!("/admin/pengguna/{user}/aktif");
        all.push((Method::POST, activate.as_str()));
        for (method, uri) in all {
            let answer = send(
                site.router.clone(),
                request(method.clone(), uri, Some(&cookie))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("active=0&code=XX&name=Y&date=2026-12-31"))
                    .unwrap(),
            )
            .await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{username} {method} {uri}"
            );
            assert!(answer.text().contains("Akses ditolak"));
        }
        let html = get(&site.router, "/", Some(&cookie)).await.text();
        assert!(
            !html.contains(r#"href="/admin/pengguna""#),
            "{username}: no admin link"
        );
    }
    // Nothing changed: the operator is still active, no OPD named XX.
    let stored = site.test.services.store.user(user).await.unwrap().unwrap();
    assert!(stored.user.active);
    let opds = site.test.services.store.list_opds().await.unwrap();
    assert!(!opds.iter().any(|opd| opd.code == "XX"));

    let admin = sign_in(&site.router, "admin", TEST_PASSWORD).await;
    let html = get(&site.router, "/", Some(&admin)).await.text();
    assert!(html.contains(r#"href="/admin/pengguna""#), "the admin link");
    assert!(
        html.contains("Administrator"),
        "the admin's role in the user menu"
    );
}

#[tokio::test]
async fn the_sign_in_form_refuses_cross_site_posts() {
    let site = site().await;
    let body = format!("username=admin&password={TEST_PASSWORD}");
    let plain_http = format!("http://{TEST_HOST}");
    for (name, value) in [
        ("origin", "https://evil.example"),
        // The same host over another scheme is another origin.
        ("origin", plain_http.as_str()),
        ("sec-fetch-site", "cross-site"),
    ] {
        let answer = send(
            site.router.clone(),
            Request::builder()
                .method(Method::POST)
                .uri("/masuk")
                .header(header::HOST, TEST_HOST)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(name, value)
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{name}");
        assert_eq!(testing::session_cookie(&answer.headers), None);
    }
    assert_eq!(
        last_actions(&site, 1).await,
        ["user.create"],
        "no sign-in was even tried"
    );
    assert!(
        try_sign_in(&site.router, "admin", TEST_PASSWORD)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_post_with_a_session_but_neither_origin_nor_fetch_site_is_refused() {
    let site = site().await;
    let cookie = testing::sign_in(&site.router, "admin", TEST_PASSWORD).await;
    let opds = site.test.services.store.list_opds().await.unwrap().len();
    let answer = send(
        site.router.clone(),
        Request::builder()
            .method(Method::POST)
            .uri("/admin/opd")
            .header(header::HOST, TEST_HOST)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("code=DISKOMINFO&name=Dinas+Kominfo"))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        site.test.services.store.list_opds().await.unwrap().len(),
        opds
    );
    // The same post as a browser sends it goes through.
    let answer = post(
        &site.router,
        "/admin/opd",
        Some(&cookie),
        "code=DISKOMINFO&name=Dinas+Kominfo",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    // An https public address: browsers are told to keep to https.
    let page = get(&site.router, "/", None).await;
    assert_eq!(page.header("strict-transport-security"), "max-age=31536000");
}
