//! Periodic maintenance through the real router, signed in as real users: Pelaksana prepares
//! a draft for an overdue app (twice: still one), the OPD sees it on /permohonan and confirms
//! it with its letter (the draft becomes the case), another OPD sees none of it; an OPD
//! proposes an unregistered app with a request, bad input creates nothing, and Pelaksana
//! confirms the proposal; the dashboard flags the overdue app.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use pelihara_domain::register::AppFields;
use pelihara_domain::{AppId, DraftId, OpdId};
use pelihara_store::AuditSource;
use pelihara_store::maintenance::DraftState;
use pelihara_store::register::RegisterFilter;
use tower::ServiceExt;

use crate::state::{Clock, Services};
use crate::testing::{
    TEST_HOST, TEST_PASSWORD, TestServices, router, seed_people, services_with_clock, sign_in,
};

pub(super) struct Reply {
    pub(super) status: StatusCode,
    pub(super) location: String,
    pub(super) body: String,
    pub(super) bytes: Vec<u8>,
}

pub(super) struct World {
    pub(super) test: TestServices,
    pub(super) router: Router,
    pub(super) now: Arc<Mutex<DateTime<Utc>>>,
    pub(super) opd: OpdId,
}

pub(super) fn wib(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

pub(super) const LETTER: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

pub(super) async fn world() -> World {
    let now = Arc::new(Mutex::new(wib(2026, 11, 2, 9)));
    let clock_now = Arc::clone(&now);
    let test = services_with_clock(Clock::from_fn(move || *clock_now.lock().unwrap())).await;
    let people = seed_people(&test.services).await;
    let router = router(&test.services);
    World {
        router,
        now,
        opd: people.opd,
        test,
    }
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

impl World {
    pub(super) fn services(&self) -> &Services {
        &self.test.services
    }

    pub(super) fn set_now(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap() = at;
    }

    pub(super) async fn add(&self, opd: OpdId, name: &str) -> AppId {
        let fields = AppFields {
            name: name.into(),
            url: format!("https://{}.demakkab.go.id", name.to_lowercase()),
            status: "active".into(),
            ..AppFields::default()
        };
        let now = *self.now.lock().unwrap();
        self.services()
            .store
            .create_register_app(opd, &fields, &AuditSource::cli("test"), now)
            .await
            .unwrap()
    }

    pub(super) async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub(super) async fn get(&self, cookie: &str, uri: &str) -> Reply {
        self.send(
            Request::builder()
                .uri(uri)
                .header(header::HOST, TEST_HOST)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub(super) async fn post(
        &self,
        cookie: &str,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        self.send(
            Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::HOST, TEST_HOST)
                .header(header::ORIGIN, format!("https://{TEST_HOST}"))
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub(super) async fn post_form(&self, cookie: &str, uri: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self.post(
            cookie,
            uri,
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        )
        .await
    }

    /// The new-request form, with the letter when `letter` is set.
    pub(super) async fn submit_request(
        &self,
        cookie: &str,
        pairs: &[(&str, &str)],
        letter: Option<&[u8]>,
    ) -> Reply {
        let boundary = "pelihara-uji-batas";
        let mut body = Vec::new();
        for (name, value) in pairs {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some(bytes) = letter {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"letter\"; filename=\"surat.pdf\"\r\n\
                     Content-Type: application/pdf\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.post(
            cookie,
            "/permohonan/baru",
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await
    }

    pub(super) async fn sign_in(&self, username: &str) -> String {
        sign_in(&self.router, username, TEST_PASSWORD).await
    }
}

#[tokio::test]
async fn pelaksana_prepares_one_draft_and_the_opd_confirms_it_with_its_letter() {
    let w = world().await;
    let app = w.add(w.opd, "SIMPUS").await;
    // Registered 2 November 2026: due 2 November 2027; on 1 December 2027 it is overdue.
    w.set_now(wib(2027, 12, 1, 9));
    let operator = w.sign_in("op.dinkes").await;
    let other = w.sign_in("op.disdik").await;
    let pelaksana = w.sign_in("pelaksana").await;
    let kadis = w.sign_in("kepala_dinas").await;

    // Only admin, Pelaksana and the Sub-coordinator prepare drafts.
    let refused = w
        .post_form(&operator, &format!("/aplikasi/{app}/draf"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = w
        .post_form(&kadis, &format!("/aplikasi/{app}/draf"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let page = w.get(&pelaksana, &format!("/aplikasi/{app}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("action=\"/aplikasi/{app}/draf\""))
    );
    assert!(page.body.contains("Terlambat"), "the overdue badge");
    let register = w.get(&pelaksana, "/aplikasi").await;
    assert!(
        register.body.contains("pl-sla-overdue\">Terlambat</span>"),
        "{}",
        register.body
    );

    let first = w
        .post_form(&pelaksana, &format!("/aplikasi/{app}/draf"), &[])
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location, format!("/aplikasi/{app}?saved=draf"));
    let second = w
        .post_form(&pelaksana, &format!("/aplikasi/{app}/draf"), &[])
        .await;
    assert_eq!(second.location, format!("/aplikasi/{app}?saved=draf-ada"));
    let drafts = w.services().store.open_drafts(None).await.unwrap();
    assert_eq!(drafts.len(), 1);
    let draft = drafts[0].id;
    let page = w
        .get(&pelaksana, &format!("/aplikasi/{app}?saved=draf-ada"))
        .await;
    assert!(page.body.contains("sudah ada"));
    assert!(
        !page
            .body
            .contains(&format!("action=\"/aplikasi/{app}/draf\"")),
        "no second button while a draft is open"
    );

    // The dashboard flags the overdue app and its draft.
    let dashboard = w.get(&kadis, "/dasbor").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("Terlambat pemeliharaan: 1"));
    assert!(dashboard.body.contains("SIMPUS"));
    assert!(dashboard.body.contains("draf disiapkan"));

    // The OPD sees it; another OPD neither sees nor opens it.
    let list = w.get(&operator, "/permohonan").await;
    assert!(list.body.contains("SIMPUS"));
    assert!(
        list.body
            .contains(&format!("/permohonan/baru?draf={draft}"))
    );
    let list = w.get(&other, "/permohonan").await;
    assert!(!list.body.contains("SIMPUS"));
    let stolen = w
        .get(&other, &format!("/permohonan/baru?draf={draft}"))
        .await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND);
    let stolen = w
        .post_form(&other, &format!("/permohonan/draf/{draft}/buang"), &[])
        .await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND);

    // Confirming: the form comes filled in; without the letter nothing happens.
    let form = w
        .get(&operator, &format!("/permohonan/baru?draf={draft}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Pemeliharaan berkala SIMPUS"));
    assert!(form.body.contains(&format!("value=\"{draft}\"")));
    let fields = [
        ("draft_id", draft.to_string()),
        ("app_id", app.to_string()),
        ("subject", "Pemeliharaan berkala SIMPUS".to_owned()),
        ("description", "Pembaruan tahunan".to_owned()),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let missing = w.submit_request(&operator, &pairs, None).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.services().store.open_drafts(None).await.unwrap().len(), 1);
    let done = w.submit_request(&operator, &pairs, Some(LETTER)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(done.location.starts_with("/permohonan/"));
    assert!(
        w.services()
            .store
            .open_drafts(None)
            .await
            .unwrap()
            .is_empty()
    );
    let closed = w
        .services()
        .store
        .maintenance_draft(draft)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(closed.state, DraftState::Confirmed);
    let case = closed.case_id.unwrap();
    assert!(done.location.contains(&case.to_string()));
    // With its maintenance case in progress the register says so, not "Terlambat" (list and
    // app page), and the overdue count leaves it out.
    for uri in ["/aplikasi".to_owned(), format!("/aplikasi/{app}")] {
        let page = w.get(&pelaksana, &uri).await;
        assert!(
            page.body
                .contains("pl-sla-paused\">Dalam permohonan</span>"),
            "{uri}: {}",
            page.body
        );
        assert!(
            !page.body.contains("pl-sla-overdue\">Terlambat</span>"),
            "{uri}: {}",
            page.body
        );
    }
    // With a case in progress there is no button and no new draft.
    let again = w
        .post_form(&pelaksana, &format!("/aplikasi/{app}/draf"), &[])
        .await;
    assert_eq!(again.location, format!("/aplikasi/{app}?saved=draf-kasus"));
}

#[tokio::test]
async fn the_opd_discards_a_draft() {
    let w = world().await;
    let app = w.add(w.opd, "EKINERJA").await;
    w.set_now(wib(2027, 10, 20, 9)); // due soon
    let subkoor = w.sign_in("subkoor_spa").await;
    let prepared = w
        .post_form(&subkoor, &format!("/aplikasi/{app}/draf"), &[])
        .await;
    assert_eq!(prepared.location, format!("/aplikasi/{app}?saved=draf"));
    let draft: DraftId = w.services().store.open_drafts(None).await.unwrap()[0].id;
    let operator = w.sign_in("op.dinkes").await;
    let gone = w
        .post_form(&operator, &format!("/permohonan/draf/{draft}/buang"), &[])
        .await;
    assert_eq!(gone.location, "/permohonan?draf=buang");
    let list = w.get(&operator, "/permohonan?draf=buang").await;
    assert!(list.body.contains("Draf dibuang."));
    assert!(!list.body.contains("EKINERJA"));
    // Not due: no draft (the page does not offer one either).
    w.set_now(wib(2027, 1, 5, 9));
    let early = w
        .post_form(&subkoor, &format!("/aplikasi/{app}/draf"), &[])
        .await;
    assert_eq!(early.location, format!("/aplikasi/{app}?saved=draf-belum"));
}

#[tokio::test]
async fn an_opd_proposes_an_app_with_its_request_and_bad_input_creates_nothing() {
    let w = world().await;
    let operator = w.sign_in("op.dinkes").await;
    let form = w.get(&operator, "/permohonan/baru").await;
    assert!(form.body.contains("Aplikasi belum terdaftar"));

    let bad = [
        ("app_id", "usulan"),
        ("new_app_name", ""),
        ("new_app_url", "sipd demak"),
        ("new_app_description", "Aplikasi perencanaan"),
        ("subject", "Pemeliharaan SIPD"),
        ("description", "Login gagal"),
    ];
    let reply = w.submit_request(&operator, &bad, Some(LETTER)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("sipd demak"), "what was typed is kept");
    assert!(reply.body.contains("Aplikasi perencanaan"));
    assert!(reply.body.contains("Pemeliharaan SIPD"));
    let store = &w.services().store;
    assert!(
        store
            .register(&RegisterFilter::default())
            .await
            .unwrap()
            .is_empty(),
        "no app"
    );
    assert!(
        store.list_cases(None, 10).await.unwrap().is_empty(),
        "no case"
    );
    // A good proposal but an empty subject: the engine refuses, still nothing is created.
    let no_subject = [
        ("app_id", "usulan"),
        ("new_app_name", "SIPD Demak"),
        ("new_app_url", "https://sipd.demakkab.go.id"),
        ("subject", ""),
        ("description", "Login gagal"),
    ];
    let reply = w.submit_request(&operator, &no_subject, Some(LETTER)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        store
            .register(&RegisterFilter::default())
            .await
            .unwrap()
            .is_empty()
    );

    let good = [
        ("app_id", "usulan"),
        ("new_app_name", "SIPD Demak"),
        ("new_app_url", "https://sipd.demakkab.go.id"),
        ("new_app_description", "Aplikasi perencanaan"),
        ("subject", "Pemeliharaan SIPD"),
        ("description", "Login gagal"),
    ];
    let reply = w.submit_request(&operator, &good, Some(LETTER)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let rows = store.register(&RegisterFilter::default()).await.unwrap();
    assert_eq!(rows.len(), 1);
    let app = &rows[0].app;
    assert_eq!(app.name, "SIPD Demak");
    assert_eq!(app.status, "proposed");
    assert_eq!(app.opd_id, w.opd);
    assert_eq!(app.notes, "Aplikasi perencanaan");
    let cases = store.list_cases(None, 10).await.unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].app_name, "SIPD Demak");

    // The OPD sees its proposal in the register; Pelaksana confirms it.
    let list = w.get(&operator, "/aplikasi").await;
    assert!(list.body.contains("SIPD Demak"));
    assert!(list.body.contains("Usulan OPD"));
    let pelaksana = w.sign_in("pelaksana").await;
    let page = w.get(&pelaksana, &format!("/aplikasi/{}", app.id)).await;
    assert!(page.body.contains("Konfirmasi usulan"));
    let refused = w
        .post_form(&operator, &format!("/aplikasi/{}/konfirmasi", app.id), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let confirmed = w
        .post_form(&pelaksana, &format!("/aplikasi/{}/konfirmasi", app.id), &[])
        .await;
    assert_eq!(
        confirmed.location,
        format!("/aplikasi/{}?saved=usulan", app.id)
    );
    assert_eq!(store.app(app.id).await.unwrap().unwrap().status, "active");
}

#[tokio::test]
async fn the_admin_sets_the_policy_and_the_allow_list_and_bad_input_changes_nothing() {
    let w = world().await;
    let store = &w.services().store;
    let admin = w.sign_in("admin").await;
    let pelaksana = w.sign_in("pelaksana").await;
    let page = w.get(&admin, "/admin/pemeliharaan").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"12\""));
    assert!(page.body.contains("value=\"30\""));
    let refused = w.get(&pelaksana, "/admin/pemeliharaan").await;
    assert_ne!(refused.status, StatusCode::OK);
    let refused = w
        .post_form(
            &pelaksana,
            "/admin/pemeliharaan",
            &[("interval_months", "6"), ("reminder_days", "10")],
        )
        .await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER);

    let before = store.maintenance_policy(12).await.unwrap();
    let bad = w
        .post_form(
            &admin,
            "/admin/pemeliharaan",
            &[
                ("interval_months", "0"),
                ("reminder_days", "sebulan"),
                ("auto_drafts", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("value=\"sebulan\""),
        "what was typed is kept"
    );
    assert!(
        bad.body
            .contains("Interval pemeliharaan harus 1 sampai 120 bulan.")
    );
    assert_eq!(store.maintenance_policy(12).await.unwrap(), before);

    let good = w
        .post_form(
            &admin,
            "/admin/pemeliharaan",
            &[
                ("interval_months", "6"),
                ("reminder_days", "14"),
                ("auto_drafts", "1"),
            ],
        )
        .await;
    assert_eq!(
        good.location,
        "/admin/pemeliharaan?ok=register-policy-saved"
    );
    let policy = store.maintenance_policy(12).await.unwrap();
    assert_eq!(
        (
            policy.interval_months,
            policy.reminder_days,
            policy.auto_drafts
        ),
        (6, 14, true)
    );
    // The register follows: an app registered today is due in six months.
    let app = w.add(w.opd, "SIMPUS").await;
    let page = w.get(&admin, &format!("/aplikasi/{app}")).await;
    assert!(page.body.contains("2 Mei 2027"), "due six months on");

    let bad = w
        .post_form(
            &admin,
            "/admin/pemeliharaan/jaringan",
            &[("networks", "10.20.0.0/16\n127.0.0.1\n0.0.0.0/0\nintranet")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("127.0.0.1: memuat alamat server sendiri"));
    assert!(bad.body.contains("0.0.0.0/0: terlalu luas"));
    assert!(bad.body.contains("intranet: bukan alamat IP atau CIDR"));
    assert!(
        bad.body.contains("10.20.0.0/16\n127.0.0.1"),
        "the typed list is kept"
    );
    assert_eq!(
        store
            .setting(pelihara_register::health::ALLOWED_NETWORKS_SETTING)
            .await
            .unwrap(),
        None
    );
    let good = w
        .post_form(
            &admin,
            "/admin/pemeliharaan/jaringan",
            &[("networks", "10.20.3.4/16, 192.168.5.10")],
        )
        .await;
    assert_eq!(
        good.location,
        "/admin/pemeliharaan?ok=register-networks-saved"
    );
    assert_eq!(
        store
            .setting(pelihara_register::health::ALLOWED_NETWORKS_SETTING)
            .await
            .unwrap()
            .as_deref(),
        Some("10.20.0.0/16\n192.168.5.10")
    );
    let page = w
        .get(&admin, "/admin/pemeliharaan?ok=register-networks-saved")
        .await;
    assert!(page.body.contains("Daftar jaringan intranet disimpan."));
    assert!(page.body.contains("10.20.0.0/16\n192.168.5.10</textarea>"));
}
