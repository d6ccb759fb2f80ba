//! Test support for this crate and for tests of the binary: a fresh SQLite store in a
//! temporary folder with the shipped SOP and holidays, wrapped as the services pages use;
//! people with known passwords (`seed_people`, `seed_staff`), the router (`router`) and a signed-in
//! session cookie (`sign_in`). Only for tests (behind the `testing` feature): the folder
//! disappears with the value.

// Test setup cannot go on without its database: failing loudly is the report a test wants.
#![allow(clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use pelihara_domain::{OpdId, Role, UserId};
use pelihara_store::people::NewUser;
use pelihara_store::{AuditSource, BlobStore, Store};
use tower::ServiceExt;

use crate::session_store::SESSION_COOKIE;
use crate::state::{AppState, Clock, Services, WebConfig};

/// Services on a throw-away database; keep the value alive as long as the services are used.
pub struct TestServices {
    pub services: Services,
    pub folder: tempfile::TempDir,
}

/// A fresh store with the shipped reference data, on `clock`.
pub async fn services_with_clock(clock: Clock) -> TestServices {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", folder.path().join("pelihara.db").display());
    let store = Store::open(&url).await.expect("a fresh SQLite store");
    store
        .install_reference_data(clock.now())
        .await
        .expect("the shipped SOP and holidays");
    let catalog = store.shared_catalog().await.expect("the SOP catalog");
    let calendar = store.shared_calendar().await.expect("the calendar");
    let identity = store.shared_identity().await.expect("the office identity");
    TestServices {
        services: Services {
            blobs: BlobStore::for_store(&store, folder.path().join("documents")),
            catalog,
            calendar,
            identity,
            clock,
            store,
        },
        folder,
    }
}

/// A fresh store on the system clock.
pub async fn services() -> TestServices {
    services_with_clock(Clock::system()).await
}

/// The password of every user [`seed_people`] creates.
pub const TEST_PASSWORD: &str = "sandi-uji-pelihara";

/// The public address the test router believes it runs at (`https`, so cookies are `Secure`).
pub const TEST_HOST: &str = "pelihara.demakkab.go.id";

/// Who [`seed_people`] created. Usernames: `admin`, `auditor`, one staff user per position of
/// the shipped SOP named after the position (`pelaksana`, `subkoor_spa`, `kabid_aptika`,
/// `sekretaris`, `kepala_dinas`, `tim_jaringan`), and the operators `op.dinkes` (of `opd`,
/// code `DINKES`) and `op.disdik` (of `other_opd`, code `DISDIK`). All active, all with
/// [`TEST_PASSWORD`]. No role needs two-factor sign-in (see `seed_people`).
#[derive(Debug, Clone)]
pub struct SeededPeople {
    pub admin: UserId,
    pub auditor: UserId,
    /// (position code, user id); the username is the position code.
    pub staff: Vec<(String, UserId)>,
    pub opd: OpdId,
    pub operator: UserId,
    pub other_opd: OpdId,
    pub other_operator: UserId,
}

impl SeededPeople {
    /// The staff user holding `position` in their own right.
    pub fn staff_in(&self, position: &str) -> UserId {
        self.staff
            .iter()
            .find(|(held, _)| held == position)
            .map(|(_, id)| *id)
            .unwrap_or_else(|| panic!("no seeded staff user for {position}"))
    }
}

/// Creates the people tests sign in as (see [`SeededPeople`] for the usernames), through
/// the store as an admin would, with one argon2 hash of [`TEST_PASSWORD`] shared by all (one
/// hash keeps the setup fast).
pub async fn seed_people(services: &Services) -> SeededPeople {
    let store = &services.store;
    let now = services.clock.now();
    let system = AuditSource::cli("test");
    let password_hash = crate::auth::hash_password(TEST_PASSWORD.to_owned())
        .await
        .expect("a password hash");
    let opd = store
        .create_opd("DINKES", "Dinas Kesehatan", &system, now)
        .await
        .expect("an OPD");
    let other_opd = store
        .create_opd("DISDIK", "Dinas Pendidikan", &system, now)
        .await
        .expect("another OPD");
    let create = async |username: &str, name: &str, role: Role, positions: Vec<String>, opd_id| {
        create_user(
            services,
            &password_hash,
            (username, name, role),
            positions,
            opd_id,
        )
        .await
    };
    // The seeded admin signs in with the password alone, as every test written before
    // two-factor sign-in expects: no role needs TOTP here (the product requires it of
    // administrators by default; the TOTP tests turn the requirement on themselves).
    store
        .set_totp_required_roles(&[], &system, now)
        .await
        .expect("no role needs TOTP");
    let admin = create("admin", "Admin Uji", Role::Admin, Vec::new(), None).await;
    let auditor = create("auditor", "Auditor Uji", Role::Auditor, Vec::new(), None).await;
    let mut staff = Vec::new();
    for position in crate::people::sop_positions(&services.catalog.snapshot()) {
        let name = format!("Staf {position}");
        let id = create(&position, &name, Role::Staff, vec![position.clone()], None).await;
        staff.push((position, id));
    }
    let operator = create(
        "op.dinkes",
        "Operator Dinkes",
        Role::OpdOperator,
        Vec::new(),
        Some(opd),
    )
    .await;
    let other_operator = create(
        "op.disdik",
        "Operator Disdik",
        Role::OpdOperator,
        Vec::new(),
        Some(other_opd),
    )
    .await;
    SeededPeople {
        admin,
        auditor,
        staff,
        opd,
        operator,
        other_opd,
        other_operator,
    }
}

/// Creates active staff users with [`TEST_PASSWORD`], each `(username, positions)`, skipping a
/// username that exists already (one hash for all, as [`seed_people`]); returns their ids.
pub async fn seed_staff(services: &Services, staff: &[(String, Vec<String>)]) -> Vec<UserId> {
    let password_hash = crate::auth::hash_password(TEST_PASSWORD.to_owned())
        .await
        .expect("a password hash");
    let mut ids = Vec::new();
    for (username, positions) in staff {
        let known = services
            .store
            .user_by_username(username)
            .await
            .expect("a user lookup");
        ids.push(match known {
            Some(known) => known.user.id,
            None => {
                let name = format!("Staf {username}");
                let person = (username.as_str(), name.as_str(), Role::Staff);
                create_user(services, &password_hash, person, positions.clone(), None).await
            }
        });
    }
    ids
}

/// A user with the shared test password hash, as the admin creates one.
async fn create_user(
    services: &Services,
    password_hash: &str,
    (username, name, role): (&str, &str, Role),
    positions: Vec<String>,
    opd_id: Option<OpdId>,
) -> UserId {
    services
        .store
        .create_user(
            NewUser {
                username: username.to_owned(),
                full_name: name.to_owned(),
                nip: None,
                email: None,
                role,
                positions,
                opd_id,
                password_hash: password_hash.to_owned(),
            },
            &AuditSource::cli("test"),
            services.clock.now(),
        )
        .await
        .expect("a user")
}

/// The whole router on `services`, as at `https://`[`TEST_HOST`].
pub fn router(services: &Services) -> Router {
    let state = AppState::new(
        WebConfig {
            office_name: "Dinas Komunikasi dan Informatika Kabupaten Demak".to_owned(),
            public_base_url: format!("https://{TEST_HOST}"),
            upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
            trusted_proxies: Default::default(),
        },
        services.clone(),
    )
    .expect("a valid test configuration");
    crate::router(state)
}

/// Signs in through `POST /masuk` like a browser on this site, and returns the session
/// cookie as a `Cookie` header value (`pelihara_sesi=...`) for the requests that follow.
/// Panics when the sign-in is refused.
pub async fn sign_in(router: &Router, username: &str, password: &str) -> String {
    try_sign_in(router, username, password)
        .await
        .unwrap_or_else(|status| panic!("sign-in of {username} refused with {status}"))
}

/// Like [`sign_in`], but a refusal is returned as its status instead of a panic.
pub async fn try_sign_in(
    router: &Router,
    username: &str,
    password: &str,
) -> Result<String, StatusCode> {
    let body = format!(
        "username={}&password={}",
        form_encode(username),
        form_encode(password)
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri("/masuk")
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("https://{TEST_HOST}"))
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("a request");
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    if response.status() != StatusCode::SEE_OTHER {
        return Err(response.status());
    }
    session_cookie(response.headers()).ok_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The `name=value` of the session cookie a response sets, if it sets one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find(|pair| pair.starts_with(&format!("{SESSION_COOKIE}=")))
        .map(str::to_owned)
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
