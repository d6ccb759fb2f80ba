//! Two-factor sign-in through the real router, on a clock the test moves: after the password
//! the session is not signed in (protected pages send it back to sign in) until a code of the
//! user's authenticator is typed; codes outside one step either side, and a code used once,
//! are refused; recovery codes work once; wrong codes count toward the failed sign-in limit
//! and end the wait after a few tries; a role that needs TOTP enrols right after the password
//! (administrators by default); the account page turns it on, makes new recovery codes and
//! turns it off; API tokens do not ask for a code.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use chrono::Duration;
use pelihara_domain::{Role, UserId};
use pelihara_store::people::NewUser;
use pelihara_store::{AuditSource, NewToken, TokenScope};
use pelihara_web::testing::{self, TEST_PASSWORD, session_cookie};
use pelihara_web::totp;

use super::Answer;
use super::auth::{Site, get, post, request, site};

const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn now_seconds(site: &Site) -> i64 {
    site.now.lock().unwrap().timestamp()
}

/// The code of `secret` for the step `offset` steps from the site's now.
fn code(site: &Site, secret: &str, offset: i64) -> String {
    let step = totp::step_at(now_seconds(site)) + offset;
    format!("{:06}", totp::code_at(secret, step).unwrap())
}

/// Turns TOTP on for `user` through the store, as confirmed one step before now.
async fn enable(site: &Site, user: UserId) {
    let step = totp::step_at(now_seconds(site)) - 1;
    let now = *site.now.lock().unwrap();
    let hashes: Vec<String> = Vec::new();
    let store = &site.test.services.store;
    let system = AuditSource::cli("test");
    assert!(
        store
            .enable_totp(user, SECRET, step, &hashes, &system, now)
            .await
            .unwrap()
    );
}

/// The password step: the answer and the session cookie it sets.
async fn password(site: &Site, username: &str) -> (Answer, String) {
    let answer = post(
        &site.router,
        "/masuk",
        None,
        &form(&[("username", username), ("password", TEST_PASSWORD)]),
    )
    .await;
    let cookie = session_cookie(&answer.headers).unwrap_or_default();
    (answer, cookie)
}

async fn second_step(site: &Site, cookie: &str, typed: &str) -> Answer {
    post(
        &site.router,
        "/masuk/kode",
        Some(cookie),
        &form(&[("code", typed)]),
    )
    .await
}

async fn last_event(site: &Site) -> pelihara_store::StoredEvent {
    site.test
        .services
        .store
        .recent_events(1)
        .await
        .unwrap()
        .remove(0)
}

/// The secret an enrolment page shows (spaces between its groups removed).
fn shown_secret(html: &str) -> String {
    let start = html
        .find(r#"id="totp-secret">"#)
        .expect("the secret is shown")
        + 17;
    let end = start + html[start..].find("</code>").unwrap();
    html[start..end].replace(' ', "")
}

/// The recovery codes a page lists.
fn shown_codes(html: &str) -> Vec<String> {
    let start = html
        .find(r#"id="recovery-codes""#)
        .expect("the codes are shown");
    let end = start + html[start..].find("</ol>").unwrap();
    html[start..end]
        .split("<code>")
        .skip(1)
        .map(|piece| piece.split("</code>").next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_code_completes_the_sign_in_and_works_once() {
    let site = site().await;
    let user = site.people.staff_in("pelaksana");
    enable(&site, user).await;

    let (answer, pending) = password(&site, "pelaksana").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/masuk/kode");
    assert!(!pending.is_empty(), "the wait has its own session");
    // Not signed in yet: every private page sends the browser to sign in.
    for page in ["/tugas", "/akun/sandi", "/akun/dua-langkah", "/permohonan"] {
        let answer = get(&site.router, page, Some(&pending)).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{page}");
        assert!(answer.header("location").starts_with("/masuk"), "{page}");
    }
    let form_page = get(&site.router, "/masuk/kode", Some(&pending)).await;
    assert_eq!(form_page.status, StatusCode::OK);
    assert!(form_page.text().contains(r#"autocomplete="one-time-code""#));

    // Two steps away either side: refused, said next to the field, recorded.
    for offset in [-2, 2] {
        let answer = second_step(&site, &pending, &code(&site, SECRET, offset)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "offset {offset}");
        let html = answer.text();
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(html.contains(r#"role="alert""#));
        assert!(html.contains("Kode salah"));
        let event = last_event(&site).await;
        assert_eq!(event.action, "auth.sign_in_failed");
        assert_eq!(event.detail["reason"], "wrong_code");
    }
    // Not a code at all: refused the same way.
    let answer = second_step(&site, &pending, "halo").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

    // The current code is accepted; the session is renewed and signed in.
    let answer = second_step(&site, &pending, &code(&site, SECRET, 0)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(answer.header("location"), "/tugas");
    let signed_in = session_cookie(&answer.headers).expect("a new session id");
    assert_ne!(signed_in, pending);
    assert_eq!(
        get(&site.router, "/tugas", Some(&signed_in)).await.status,
        StatusCode::OK
    );
    let event = last_event(&site).await;
    assert_eq!(event.action, "auth.sign_in");
    assert_eq!(event.detail["second_factor"], "totp");
    // The waiting session is gone with the wait: its cookie signs nobody in.
    assert_eq!(
        get(&site.router, "/tugas", Some(&pending)).await.status,
        StatusCode::SEE_OTHER
    );

    // The same code again, within its window, on a new sign-in: refused as used.
    let (_, pending) = password(&site, "pelaksana").await;
    let answer = second_step(&site, &pending, &code(&site, SECRET, 0)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.text().contains("sudah dipakai"));
    assert_eq!(last_event(&site).await.detail["reason"], "code_reused");
    // So is the one before it (older than the last used); the next one works.
    let answer = second_step(&site, &pending, &code(&site, SECRET, -1)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    site.advance(Duration::seconds(30));
    let answer = second_step(&site, &pending, &code(&site, SECRET, 0)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_codes_are_limited_and_the_wait_expires() {
    let site = site().await;
    let user = site.people.staff_in("pelaksana");
    enable(&site, user).await;

    // The wait ends after a few minutes: back to the password, the code no longer counts.
    let (_, pending) = password(&site, "pelaksana").await;
    site.advance(Duration::minutes(6));
    let answer = second_step(&site, &pending, &code(&site, SECRET, 0)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/masuk?langkah=habis");
    let page = get(&site.router, "/masuk?langkah=habis", None).await.text();
    assert!(page.contains("Waktu untuk memasukkan kode verifikasi habis"));
    assert_eq!(
        get(&site.router, "/masuk/kode", Some(&pending))
            .await
            .header("location"),
        "/masuk"
    );

    // Wrong passwords and wrong codes share the per-account limit of this client.
    for _ in 0..3 {
        let answer = post(
            &site.router,
            "/masuk",
            None,
            &form(&[("username", "pelaksana"), ("password", "salah-sekali-ini")]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let (_, pending) = password(&site, "pelaksana").await;
    let answer = second_step(&site, &pending, "000000").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = second_step(&site, &pending, "000001").await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!answer.header("retry-after").is_empty());
    // Locked: even the right code is not looked at.
    let answer = second_step(&site, &pending, &code(&site, SECRET, 0)).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        get(&site.router, "/tugas", Some(&pending)).await.status,
        StatusCode::SEE_OTHER
    );

    // Once the window has passed: five wrong codes end the wait itself.
    site.advance(Duration::minutes(16));
    let (_, pending) = password(&site, "pelaksana").await;
    for attempt in 1..=4 {
        let answer = second_step(&site, &pending, "999999").await;
        assert_ne!(answer.status, StatusCode::SEE_OTHER, "attempt {attempt}");
    }
    let answer = second_step(&site, &pending, "999998").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/masuk?langkah=coba");
    let answer = second_step(&site, &pending, &code(&site, SECRET, 0)).await;
    assert_eq!(answer.header("location"), "/masuk");
}

#[tokio::test]
async fn the_account_page_turns_it_on_and_recovery_codes_work_once() {
    let site = site().await;
    let cookie = testing::sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let user = site.people.staff_in("pelaksana");

    let page = get(&site.router, "/akun/dua-langkah", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<svg"), "the QR code");
    let secret = shown_secret(&html);
    assert_eq!(secret.len(), 32);
    // The same secret while this session enrols (a reload shows the same QR code).
    assert_eq!(
        shown_secret(
            &get(&site.router, "/akun/dua-langkah", Some(&cookie))
                .await
                .text()
        ),
        secret
    );
    // Nothing is stored before a right code.
    let answer = post(
        &site.router,
        "/akun/dua-langkah/aktifkan",
        Some(&cookie),
        &form(&[("code", &code(&site, &secret, 3))]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.text().contains(r#"aria-invalid="true""#));
    assert_eq!(site.test.services.store.totp(user).await.unwrap(), None);

    let answer = post(
        &site.router,
        "/akun/dua-langkah/aktifkan",
        Some(&cookie),
        &form(&[("code", &code(&site, &secret, 0))]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    let codes = shown_codes(&html);
    assert_eq!(codes.len(), 10);
    assert!(
        !html.contains(&totp::grouped(&secret)),
        "the secret is not shown again"
    );
    assert_eq!(last_event(&site).await.action, "auth.totp_enabled");
    let stored = site.test.services.store.totp(user).await.unwrap().unwrap();
    assert_eq!(stored.secret, secret);
    // Shown once: the page now shows how many are left, never the codes.
    let html = get(&site.router, "/akun/dua-langkah", Some(&cookie))
        .await
        .text();
    assert!(!html.contains(&codes[0]));
    assert!(!html.contains("totp-secret"));
    assert!(html.contains(r#"id="unused-codes">10<"#));

    // A recovery code signs in once (typed in capitals with spaces, as people do).
    let typed = codes[0].to_uppercase().replace('-', " ");
    let (_, pending) = password(&site, "pelaksana").await;
    let answer = second_step(&site, &pending, &typed).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let events = site.test.services.store.recent_events(2).await.unwrap();
    assert_eq!(events[0].action, "auth.sign_in");
    assert_eq!(events[0].detail["second_factor"], "recovery_code");
    assert_eq!(events[1].action, "auth.totp_recovery_used");
    let (_, pending) = password(&site, "pelaksana").await;
    let answer = second_step(&site, &pending, &codes[0]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = second_step(&site, &pending, &codes[1]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let cookie = session_cookie(&answer.headers).unwrap();
    assert_eq!(
        site.test
            .services
            .store
            .unused_recovery_codes(user)
            .await
            .unwrap(),
        8
    );

    // New codes need the password or a code; the old ones stop working.
    let answer = post(
        &site.router,
        "/akun/dua-langkah/kode-pemulihan",
        Some(&cookie),
        &form(&[("confirm", "bukan-sandinya")]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.text().contains("Kata sandi atau kode salah"));
    assert_eq!(last_event(&site).await.detail["reason"], "totp_confirm");
    let answer = post(
        &site.router,
        "/akun/dua-langkah/kode-pemulihan",
        Some(&cookie),
        &form(&[("confirm", TEST_PASSWORD)]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let new_codes = shown_codes(&answer.text());
    assert_eq!(new_codes.len(), 10);
    assert_eq!(
        last_event(&site).await.action,
        "auth.totp_recovery_regenerated"
    );
    let (_, pending) = password(&site, "pelaksana").await;
    assert_eq!(
        second_step(&site, &pending, &codes[2]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        second_step(&site, &pending, &new_codes[9]).await.status,
        StatusCode::SEE_OTHER
    );

    // Turning it off with a current code.
    site.advance(Duration::seconds(30));
    let answer = post(
        &site.router,
        "/akun/dua-langkah/nonaktifkan",
        Some(&cookie),
        &form(&[("confirm", &code(&site, &secret, 0))]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(last_event(&site).await.action, "auth.totp_disabled");
    assert_eq!(site.test.services.store.totp(user).await.unwrap(), None);
    let (answer, _) = password(&site, "pelaksana").await;
    assert_eq!(answer.header("location"), "/tugas");
}

#[tokio::test]
async fn a_role_that_needs_totp_enrols_right_after_the_password() {
    let site = site().await;
    let admin = testing::sign_in(&site.router, "admin", TEST_PASSWORD).await;
    let page = get(&site.router, "/admin/keamanan", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    // The roles' boxes only: the page's single sign-on form has ticks of its own.
    assert!(
        !page
            .text()
            .split("<input")
            .filter(|input| input.contains(r#"name="totp_roles""#))
            .any(|input| input
                .split('>')
                .next()
                .unwrap_or_default()
                .contains("checked")),
        "the test seed requires nobody"
    );
    let answer = post(
        &site.router,
        "/admin/keamanan",
        Some(&admin),
        "totp_roles=staff&totp_roles=bogus",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let event = last_event(&site).await;
    assert_eq!(event.action, "auth.totp_requirement_changed");
    assert_eq!(event.detail["roles"], "staff");
    assert_eq!(event.actor_id, Some(site.people.admin));
    // Others may not see or change it.
    let staff = testing::sign_in(&site.router, "op.dinkes", TEST_PASSWORD).await;
    assert_eq!(
        get(&site.router, "/admin/keamanan", Some(&staff))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&site.router, "/admin/keamanan", Some(&staff), "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let (answer, pending) = password(&site, "pelaksana").await;
    assert_eq!(answer.header("location"), "/masuk/atur-kode");
    for page in ["/tugas", "/akun/dua-langkah", "/aplikasi"] {
        let answer = get(&site.router, page, Some(&pending)).await;
        assert!(answer.header("location").starts_with("/masuk"), "{page}");
    }
    assert_eq!(
        get(&site.router, "/masuk/kode", Some(&pending))
            .await
            .header("location"),
        "/masuk/atur-kode"
    );
    let html = get(&site.router, "/masuk/atur-kode", Some(&pending))
        .await
        .text();
    let secret = shown_secret(&html);
    let answer = post(
        &site.router,
        "/masuk/atur-kode",
        Some(&pending),
        &form(&[("code", "123")]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = post(
        &site.router,
        "/masuk/atur-kode",
        Some(&pending),
        &form(&[("code", &code(&site, &secret, 0))]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(shown_codes(&answer.text()).len(), 10);
    let cookie = session_cookie(&answer.headers).expect("signed in on a new session id");
    assert_eq!(
        get(&site.router, "/tugas", Some(&cookie)).await.status,
        StatusCode::OK
    );
    // Required: it cannot be turned off.
    let answer = post(
        &site.router,
        "/akun/dua-langkah/nonaktifkan",
        Some(&cookie),
        &form(&[("confirm", TEST_PASSWORD)]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        site.test
            .services
            .store
            .totp(site.people.staff_in("pelaksana"))
            .await
            .unwrap()
            .is_some()
    );
    // Roles not ticked sign in as before.
    let (answer, _) = password(&site, "op.dinkes").await;
    assert_eq!(answer.header("location"), "/tugas");
}

#[tokio::test]
async fn administrators_need_it_by_default_and_tokens_do_not() {
    let test = testing::services().await;
    let store = &test.services.store;
    let now = test.services.clock.now();
    let hash = pelihara_web::auth::hash_password(TEST_PASSWORD.to_owned())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (username, role) in [("admin.baru", Role::Admin), ("staf.baru", Role::Staff)] {
        ids.push(
            store
                .create_user(
                    NewUser {
                        username: username.into(),
                        full_name: username.into(),
                        nip: None,
                        email: None,
                        role,
                        positions: Vec::new(),
                        opd_id: None,
                        password_hash: hash.clone(),
                    },
                    &AuditSource::cli("test"),
                    now,
                )
                .await
                .unwrap(),
        );
    }
    let router = testing::router(&test.services);
    let sign = |username: &'static str| {
        let router = router.clone();
        async move {
            let body = form(&[("username", username), ("password", TEST_PASSWORD)]);
            let request = request(Method::POST, "/masuk", None)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap();
            super::send(router, request).await
        }
    };
    assert_eq!(
        sign("admin.baru").await.header("location"),
        "/masuk/atur-kode"
    );
    assert_eq!(sign("staf.baru").await.header("location"), "/tugas");

    // A token of the admin, who has no TOTP and must enrol to sign in, still works.
    let minted = pelihara_web::auth::mint_token();
    store
        .create_token(
            NewToken {
                user_id: ids[0],
                prefix: minted.prefix.clone(),
                secret_hash: minted.secret_hash.clone(),
                name: "integrasi".into(),
                scopes: vec![TokenScope::Read],
                expires_at: now + Duration::days(30),
            },
            &AuditSource::cli("test"),
            now,
        )
        .await
        .unwrap();
    let request = request(Method::GET, "/api/v1/cases", None)
        .header(header::AUTHORIZATION, format!("Bearer {}", minted.token))
        .body(Body::empty())
        .unwrap();
    let answer = super::send(router.clone(), request).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

#[tokio::test]
async fn the_administrator_turns_off_a_users_totp_but_not_their_own() {
    let site = site().await;
    let store = &site.test.services.store;
    let user = site.people.staff_in("pelaksana");
    enable(&site, user).await;
    let admin = testing::sign_in(&site.router, "admin", TEST_PASSWORD).await;
    let path = format!("/admin/pengguna/{user}/dua-langkah");

    let page = get(
        &site.router,
        &format!("/admin/pengguna/{user}"),
        Some(&admin),
    )
    .await;
    assert!(page.text().contains(&path), "the edit page offers it");
    // First a page that says what it does; nothing changed yet.
    let confirm = get(&site.router, &path, Some(&admin)).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.text().contains("Matikan verifikasi dua langkah"));
    assert!(store.totp(user).await.unwrap().is_some());
    // Someone not an administrator cannot.
    let staff = testing::sign_in(&site.router, "kepala_dinas", TEST_PASSWORD).await;
    let refused = post(&site.router, &path, Some(&staff), "confirm=1").await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER);
    assert!(store.totp(user).await.unwrap().is_some());

    let done = post(&site.router, &path, Some(&admin), "confirm=1").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(done.header("location").ends_with("?ok=totp-reset"));
    assert!(store.totp(user).await.unwrap().is_none());
    let event = last_event(&site).await;
    assert_eq!(event.action, "auth.totp_disabled");
    assert_eq!(event.actor_id, Some(site.people.admin));
    // The password alone signs them in now.
    let (answer, _) = password(&site, "pelaksana").await;
    assert_eq!(answer.header("location"), "/tugas");
    // Nothing left to turn off: said so, nothing written.
    let again = post(&site.router, &path, Some(&admin), "confirm=1").await;
    assert!(again.header("location").ends_with("?ok=totp-none"));
    assert_eq!(last_event(&site).await.action, "auth.sign_in");

    // Not their own: the account page asks for a password or a code first.
    enable(&site, site.people.admin).await;
    let own = format!("/admin/pengguna/{}/dua-langkah", site.people.admin);
    assert_eq!(
        get(&site.router, &own, Some(&admin)).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&site.router, &own, Some(&admin), "confirm=1")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert!(store.totp(site.people.admin).await.unwrap().is_some());
}
