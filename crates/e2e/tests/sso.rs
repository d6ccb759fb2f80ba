//! Single sign-on through a real OpenID Connect provider (the npm package `oidc-provider`
//! that scripts/test-env.sh starts; its accounts are in scripts/oidc-provider.mjs). In
//! Chromium: a staff member whose NIP the provider sends signs in through its login form and
//! lands on their own inbox with their name in the header. Over plain HTTP, where the test can
//! hold the provider's answer in its hand: an account the provider knows but Pelihara does not
//! is refused with the clear message; a replayed answer is refused, in the same browser and in
//! another; an answer with another state is refused; an ID token with another nonce is
//! refused; with passwords off for staff, a staff password is refused while an OPD operator
//! still signs in with one; the subject of an account's first sign-in is bound to it, another
//! subject naming the account is refused, and the administrator removes the binding. Screenshots of the sign-in page and the admin's policy at 1366
//! and 390 px.

use std::collections::HashMap;
use std::sync::Arc;

use pelihara_domain::Role;
use pelihara_i18n::{Lang, t};
use pelihara_store::AuditSource;
use pelihara_store::people::NewUser;
use pelihara_web::sso::SsoSettings;
use pelihara_web::testing::{TEST_PASSWORD, seed_people};

use crate::support::{Browser, Server, in_ci};

/// The NIP the provider sends for its account `sari` (scripts/oidc-provider.mjs).
const SARI_NIP: &str = "198703122010012001";
const SARI_NAME: &str = "Sari Pelaksana";

/// The test environment's provider, or `None` (skipped) outside CI without one.
fn provider() -> Option<SsoSettings> {
    let variable = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    match (
        variable("PELIHARA_TEST_OIDC_ISSUER"),
        variable("PELIHARA_TEST_OIDC_CLIENT_ID"),
    ) {
        (Some(issuer), Some(client_id)) => Some(SsoSettings {
            issuer,
            client_id,
            client_secret: variable("PELIHARA_TEST_OIDC_CLIENT_SECRET"),
            display_name: None,
        }),
        _ => {
            let why = "PELIHARA_TEST_OIDC_ISSUER is not set (scripts/test-env.sh start)";
            assert!(!in_ci(), "{why}");
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// A server with single sign-on, the seeded people, and Sari: a staff member (pelaksana)
/// whose NIP the provider sends, with a password too.
async fn server() -> Option<Server> {
    let sso = provider()?;
    let server = Server::start_with_sso(sso).await;
    let services = &server.test.services;
    seed_people(services).await;
    let hash = pelihara_web::auth::hash_password(TEST_PASSWORD.to_owned())
        .await
        .unwrap();
    services
        .store
        .create_user(
            NewUser {
                username: "sari".into(),
                full_name: SARI_NAME.into(),
                nip: Some(SARI_NIP.into()),
                email: Some("sari@pelihara.test".into()),
                role: Role::Staff,
                positions: vec!["pelaksana".into()],
                opd_id: None,
                password_hash: hash,
            },
            &AuditSource::cli("test"),
            services.clock.now(),
        )
        .await
        .unwrap();
    Some(server)
}

/// A browser by hand: plain HTTP, no redirect followed, cookies kept per host and port.
struct Agent {
    http: reqwest::Client,
    cookies: HashMap<String, HashMap<String, String>>,
}

struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Agent {
    fn new() -> Agent {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Agent {
            http,
            cookies: HashMap::new(),
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder, url: &str) -> Answer {
        let url = reqwest::Url::parse(url).unwrap();
        let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(80));
        let jar = self.cookies.entry(host).or_default();
        let cookie = jar
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = if cookie.is_empty() {
            request
        } else {
            request.header("cookie", cookie)
        };
        let response = request.send().await.unwrap();
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let expired = text.to_ascii_lowercase().contains("max-age=0")
                || text
                    .to_ascii_lowercase()
                    .contains("expires=thu, 01 jan 1970");
            if expired || value.is_empty() {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_owned(), value.to_owned());
            }
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|value| url.join(value.to_str().unwrap()).unwrap().to_string());
        let body = response.text().await.unwrap();
        Answer {
            status,
            location,
            body,
        }
    }

    async fn get(&mut self, url: &str) -> Answer {
        let request = self.http.get(url);
        self.send(request, url).await
    }

    async fn post(&mut self, url: &str, origin: &str, form: &[(&str, &str)]) -> Answer {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = self
            .http
            .post(url)
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request, url).await
    }

    /// Follows redirects from `url` until an answer that is no redirect.
    async fn follow(&mut self, url: &str) -> (String, Answer) {
        let mut url = url.to_owned();
        for _ in 0..10 {
            let answer = self.get(&url).await;
            match &answer.location {
                Some(next) if (300..400).contains(&answer.status) => url = next.clone(),
                _ => return (url, answer),
            }
        }
        panic!("too many redirects from {url}");
    }
}

/// Through the provider as `login`, up to its answer: the URL of Pelihara's callback (not
/// opened). `tamper` may change the provider's authorization URL first.
async fn answer_of_provider(
    agent: &mut Agent,
    server: &Server,
    login: &str,
    tamper: impl Fn(String) -> String,
) -> String {
    let start = agent.get(&format!("{}/masuk/sso", server.base)).await;
    assert_eq!(start.status, 303, "{}", start.body);
    let authorize = tamper(start.location.expect("to the provider"));
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );
    assert!(authorize.contains("nonce="), "{authorize}");
    let (form_url, form) = agent.follow(&authorize).await;
    assert_eq!(form.status, 200, "{form_url}: {}", form.body);
    let action = form
        .body
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the provider's login form")
        .replace("&amp;", "&");
    let origin = {
        let url = reqwest::Url::parse(&form_url).unwrap();
        format!("http://{}:{}", url.host_str().unwrap(), url.port().unwrap())
    };
    let submitted = agent
        .post(
            &action,
            &origin,
            &[("prompt", "login"), ("login", login), ("password", "any")],
        )
        .await;
    let mut next = submitted.location.expect("the provider resumes");
    let callback = format!("{}/masuk/sso/kembali", server.base);
    for _ in 0..10 {
        if next.starts_with(&callback) {
            return next;
        }
        let answer = agent.get(&next).await;
        next = answer
            .location
            .unwrap_or_else(|| panic!("{next}: {} {}", answer.status, answer.body));
    }
    panic!("the provider never answered Pelihara");
}

/// Whether this agent's Pelihara session is signed in (the inbox answers instead of sending
/// it to `/masuk`).
async fn signed_in(agent: &mut Agent, server: &Server) -> bool {
    agent.get(&format!("{}/tugas", server.base)).await.status == 200
}

async fn last_event(server: &Server) -> (String, serde_json::Value, String) {
    let event = server.test.services.store.recent_events(1).await.unwrap()[0].clone();
    (event.action, event.detail, event.source)
}

fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(key, old)| {
            let new = if key == name {
                value.to_owned()
            } else {
                old.into_owned()
            };
            (key.into_owned(), new)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_member_signs_in_through_the_provider() {
    let Some(server) = server().await else {
        return;
    };
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    browser.goto("/masuk").await;
    let button = pelihara_i18n::t_args(
        Lang::Id,
        "sso-sign-in-with",
        &[("provider", pelihara_i18n::arg("SSO"))],
    );
    assert_eq!(button, "Masuk dengan SSO");
    browser.wait_for_text(&button).await;
    browser.screenshot("sso-01-sign-in").await;
    browser.resize(390, 844).await;
    browser.screenshot("sso-01-sign-in-390").await;
    browser.resize(1366, 900).await;

    browser.click_link_with_text(&button).await;
    // The provider's own login form (its development interaction: any password).
    browser
        .wait_for_path("the provider's login form", |path| {
            path.starts_with("/interaction/")
        })
        .await;
    browser.fill("login", "sari").await;
    browser.fill("password", "any").await;
    browser.press("Sign-in").await;
    browser
        .wait_for_path("Sari's inbox", |path| path == "/tugas")
        .await;
    browser.wait_for_text(SARI_NAME).await;
    let header = browser
        .visible(".pl-user-name")
        .await
        .first()
        .expect("the signed-in header")
        .text()
        .await
        .unwrap();
    assert_eq!(header, SARI_NAME);
    browser.screenshot("sso-02-signed-in").await;
    let (action, detail, address) = last_event(&server).await;
    assert_eq!(action, "auth.sign_in");
    assert_eq!(detail["via"], "sso");
    assert_eq!(detail["subject"], "sari");
    assert_eq!(detail["claim"], "nip");
    assert!(address.starts_with("127.0.0.1:"), "{address}");

    // The administrator's policy, beside the TOTP requirement.
    browser.sign_in("admin", TEST_PASSWORD).await;
    browser.goto("/admin/keamanan").await;
    browser.wait_for_text(&t(Lang::Id, "sso-admin-title")).await;
    let redirect = browser.text().await;
    assert!(
        redirect.contains(&format!("{}/masuk/sso/kembali", server.base)),
        "the redirect URI to register is shown"
    );
    browser.screenshot("sso-03-admin").await;
    browser.resize(390, 844).await;
    browser.screenshot("sso-03-admin-390").await;
    // Sari's account is bound to the provider's subject of that first sign-in; her page says
    // so and offers to remove the binding.
    browser.resize(1366, 900).await;
    let sari = sari(&server).await;
    browser
        .goto(&format!("/admin/pengguna/{}", sari.user.id))
        .await;
    browser
        .wait_for_text(&t(Lang::Id, "admin-sso-subject-title"))
        .await;
    let section = browser.visible("#sso-subject").await;
    assert_eq!(section.len(), 1);
    assert!(section[0].text().await.unwrap().contains("sari"));
    browser.screenshot("sso-04-bound-subject").await;
    browser.resize(390, 844).await;
    browser.screenshot("sso-04-bound-subject-390").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_pelihara_does_not_know_is_refused() {
    let Some(server) = server().await else {
        return;
    };
    let users_before = server.test.services.store.list_users().await.unwrap().len();
    let mut agent = Agent::new();
    let callback = answer_of_provider(&mut agent, &server, "orang-luar", |url| url).await;
    let answer = agent.get(&callback).await;
    assert_eq!(answer.status, 403);
    assert!(
        answer.body.contains(&t(Lang::Id, "sso-unknown")),
        "{}",
        answer.body
    );
    assert!(!signed_in(&mut agent, &server).await);
    // Nobody was created.
    assert_eq!(
        server.test.services.store.list_users().await.unwrap().len(),
        users_before
    );
    let events = server.test.services.store.recent_events(5).await.unwrap();
    let refusal = events
        .iter()
        .find(|event| event.action == "auth.sso_refused")
        .expect("the refusal is audited");
    assert_eq!(refusal.detail["reason"], "unknown_account");
    assert_eq!(refusal.detail["subject"], "orang-luar");
    assert_eq!(refusal.detail["value"], "199912312020121999");
    assert!(
        refusal.source.starts_with("127.0.0.1:"),
        "{}",
        refusal.source
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_answer_is_refused() {
    let Some(server) = server().await else {
        return;
    };
    let mut agent = Agent::new();
    let callback = answer_of_provider(&mut agent, &server, "sari", |url| url).await;
    let first = agent.get(&callback).await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(
        first.location.as_deref(),
        Some(&*format!("{}/tugas", server.base))
    );
    assert!(signed_in(&mut agent, &server).await);

    // The same answer again, in the same browser (now signed in: signed out first) and in
    // another one.
    agent
        .post(&format!("{}/keluar", server.base), &server.base, &[])
        .await;
    assert!(!signed_in(&mut agent, &server).await);
    let again = agent.get(&callback).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains(&t(Lang::Id, "sso-replayed")));
    assert!(!signed_in(&mut agent, &server).await);
    let mut other = Agent::new();
    let elsewhere = other.get(&callback).await;
    assert_eq!(elsewhere.status, 400);
    assert!(!signed_in(&mut other, &server).await);
    let (action, detail, _) = last_event(&server).await;
    assert_eq!(action, "auth.sso_refused");
    assert_eq!(detail["reason"], "no_pending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_with_another_state_is_refused() {
    let Some(server) = server().await else {
        return;
    };
    let mut agent = Agent::new();
    let callback = answer_of_provider(&mut agent, &server, "sari", |url| url).await;
    // The code is good and the session waits for it: only the state is wrong.
    let forged = with_param(&callback, "state", "another-state");
    let answer = agent.get(&forged).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.body.contains(&t(Lang::Id, "sso-replayed")));
    assert!(!signed_in(&mut agent, &server).await);
    let (action, detail, _) = last_event(&server).await;
    assert_eq!(action, "auth.sso_refused");
    assert_eq!(detail["reason"], "state_mismatch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_token_with_another_nonce_is_refused() {
    let Some(server) = server().await else {
        return;
    };
    let mut agent = Agent::new();
    // The provider is asked for another nonce than the one the session keeps: state, code and
    // PKCE are all right, only the ID token's nonce is not this sign-in's.
    let callback = answer_of_provider(&mut agent, &server, "sari", |url| {
        with_param(&url, "nonce", "a-nonce-from-another-sign-in")
    })
    .await;
    let answer = agent.get(&callback).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.body.contains(&t(Lang::Id, "sso-failed")));
    assert!(!signed_in(&mut agent, &server).await);
    let (action, detail, _) = last_event(&server).await;
    assert_eq!(action, "auth.sso_refused");
    assert_eq!(detail["reason"], "id_token_invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_off_for_staff_leave_operators_theirs() {
    let Some(server) = server().await else {
        return;
    };
    let sign_in = async |agent: &mut Agent, username: &str| {
        agent
            .post(
                &format!("{}/masuk", server.base),
                &server.base,
                &[("username", username), ("password", TEST_PASSWORD)],
            )
            .await
    };
    // By default staff keep their passwords.
    let mut before = Agent::new();
    assert_eq!(sign_in(&mut before, "sari").await.status, 303);

    let mut admin = Agent::new();
    assert_eq!(sign_in(&mut admin, "admin").await.status, 303);
    let saved = admin
        .post(
            &format!("{}/admin/keamanan/sso", server.base),
            &server.base,
            &[("claim", "nip")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (action, detail, _) = last_event(&server).await;
    assert_eq!(action, "auth.sso_policy_changed");
    assert_eq!(detail["staff_password"], "off");
    // A claim the form does not offer changes nothing.
    let bad = admin
        .post(
            &format!("{}/admin/keamanan/sso", server.base),
            &server.base,
            &[("claim", "sub")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(last_event(&server).await.0, "auth.sso_policy_changed");

    let mut staff = Agent::new();
    let refused = sign_in(&mut staff, "sari").await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains(&t(Lang::Id, "sso-password-off")));
    assert!(!signed_in(&mut staff, &server).await);
    let (action, detail, _) = last_event(&server).await;
    assert_eq!(action, "auth.sign_in_failed");
    assert_eq!(detail["reason"], "password_off_for_staff");
    // A wrong password still says only that the pair is wrong.
    let wrong = staff
        .post(
            &format!("{}/masuk", server.base),
            &server.base,
            &[("username", "sari"), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(wrong.status, 401);

    let mut operator = Agent::new();
    let answer = sign_in(&mut operator, "op.dinkes").await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert!(signed_in(&mut operator, &server).await);

    // Staff still sign in through the provider.
    let callback = answer_of_provider(&mut staff, &server, "sari", |url| url).await;
    assert_eq!(staff.get(&callback).await.status, 303);
    assert!(signed_in(&mut staff, &server).await);
}

/// Sari's Pelihara account.
async fn sari(server: &Server) -> pelihara_store::people::StoredUser {
    server
        .test
        .services
        .store
        .user_by_username("sari")
        .await
        .unwrap()
        .unwrap()
}

/// The subject of an account's first sign-in through the provider is bound to it; a sign-in
/// whose claim names the account with another subject is refused with the clear message and
/// audited; the administrator removes the binding (audited) and the next sign-in binds again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_subject_is_bound_and_another_is_refused() {
    let Some(server) = server().await else {
        return;
    };
    let store = &server.test.services.store;
    let issuer = std::env::var("PELIHARA_TEST_OIDC_ISSUER").unwrap();
    let account = sari(&server).await;
    assert_eq!(store.sso_subject(account.user.id).await.unwrap(), None);

    // The first sign-in binds the provider's subject `sari`.
    let mut agent = Agent::new();
    let callback = answer_of_provider(&mut agent, &server, "sari", |url| url).await;
    let first = agent.get(&callback).await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert!(signed_in(&mut agent, &server).await);
    let bound = store.sso_subject(account.user.id).await.unwrap().unwrap();
    assert_eq!(
        (bound.issuer.as_str(), bound.subject.as_str()),
        (issuer.as_str(), "sari")
    );
    let events = store.recent_events(5).await.unwrap();
    let event = events
        .iter()
        .find(|event| event.action == "auth.sso_bound")
        .expect("the binding is audited");
    assert_eq!(event.detail["subject"], "sari");
    assert_eq!(event.actor_name, SARI_NAME);
    // The same subject again: signed in, nothing bound anew.
    let mut again = Agent::new();
    let callback = answer_of_provider(&mut again, &server, "sari", |url| url).await;
    assert_eq!(again.get(&callback).await.status, 303);
    assert!(signed_in(&mut again, &server).await);

    // The account bound to another provider account (its owner changed accounts there, or
    // someone else's account came to carry Sari's NIP): `sari` is refused, clearly, audited.
    store
        .unbind_sso_subject(
            account.user.id,
            &AuditSource::cli("test"),
            server.test.services.clock.now(),
        )
        .await
        .unwrap();
    store
        .bind_sso_subject(
            account.user.id,
            &issuer,
            "akun-lama",
            &AuditSource::cli("test"),
            server.test.services.clock.now(),
        )
        .await
        .unwrap();
    let mut refused = Agent::new();
    let callback = answer_of_provider(&mut refused, &server, "sari", |url| url).await;
    let answer = refused.get(&callback).await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer.body.contains(&t(Lang::Id, "sso-subject-mismatch")),
        "{}",
        answer.body
    );
    assert!(!signed_in(&mut refused, &server).await);
    let (action, detail, address) = last_event(&server).await;
    assert_eq!(action, "auth.sso_refused");
    assert_eq!(detail["reason"], "subject_mismatch");
    assert_eq!(detail["subject"], "sari");
    assert_eq!(detail["username"], "sari");
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    assert_eq!(
        store
            .sso_subject(account.user.id)
            .await
            .unwrap()
            .unwrap()
            .subject,
        "akun-lama"
    );

    // The administrator sees the binding on the user's page and removes it.
    let mut admin = Agent::new();
    let signed = admin
        .post(
            &format!("{}/masuk", server.base),
            &server.base,
            &[
                ("username", "admin"),
                ("password", TEST_PASSWORD),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let page = admin
        .get(&format!(
            "{}/admin/pengguna/{}",
            server.base, account.user.id
        ))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("akun-lama"), "{}", page.body);
    assert!(page.body.contains(&t(Lang::Id, "admin-sso-unbind")));
    let unbound = admin
        .post(
            &format!(
                "{}/admin/pengguna/{}/sso-lepas",
                server.base, account.user.id
            ),
            &server.base,
            &[],
        )
        .await;
    assert_eq!(unbound.status, 303, "{}", unbound.body);
    let (action, detail, _) = last_event(&server).await;
    assert_eq!(action, "auth.sso_unbound");
    assert_eq!(detail["subject"], "akun-lama");
    assert_eq!(store.sso_subject(account.user.id).await.unwrap(), None);
    // Not an administrator's: Sari cannot remove it herself.
    let own = again
        .post(
            &format!(
                "{}/admin/pengguna/{}/sso-lepas",
                server.base, account.user.id
            ),
            &server.base,
            &[],
        )
        .await;
    assert_ne!(own.status, 303);

    // The next sign-in binds `sari` again.
    let mut back = Agent::new();
    let callback = answer_of_provider(&mut back, &server, "sari", |url| url).await;
    assert_eq!(back.get(&callback).await.status, 303);
    assert!(signed_in(&mut back, &server).await);
    assert_eq!(
        store
            .sso_subject(account.user.id)
            .await
            .unwrap()
            .unwrap()
            .subject,
        "sari"
    );
}
