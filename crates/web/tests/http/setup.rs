//! The first run and the bulk set-up through the real router: the setup link creates the first
//! administrator and the office's identity once (bad input changes nothing; used, expired or
//! after an administrator exists it is refused with 410; an unknown one is 404); the page
//! header names the new office at once. An import of OPDs and users is all or nothing with
//! every error by sheet, row and column; a crafted huge sheet is a clear 422; each new user's
//! invitation sets their password once (410 after, and once expired); the exports read back.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use pelihara_web::Clock;
use pelihara_web::testing::{self, TEST_HOST, TEST_PASSWORD};
use tower::ServiceExt;

use super::cases::{Part, site};

struct Got {
    status: StatusCode,
    location: String,
    body: String,
}

async fn send(router: &Router, request: Request<Body>) -> Got {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = to_bytes(response.into_body(), 8 * 1024 * 1024)
        .await
        .unwrap();
    Got {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
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

const OFFICE: &str = "Dinas Komunikasi dan Informatika Kota Semarang";
const ADMIN_PASSWORD: &str = "sandi-admin-semarang";

/// The setup form of a Semarang office, with `token`.
fn setup_form(token: &str) -> Vec<(&'static str, String)> {
    [
        ("token", token),
        ("government", "Pemerintah Kota Semarang"),
        ("office", "Dinas Komunikasi dan Informatika"),
        ("short_name", "Diskominfo"),
        ("address", "Jalan Pemuda Nomor 148, Semarang"),
        ("place", "Semarang"),
        ("phone", "(024) 3513366"),
        ("office_email", "diskominfo@semarangkota.go.id"),
        ("website", "diskominfo.semarangkota.go.id"),
        ("full_name", "Rina Admin"),
        ("username", "Rina.Admin"),
        ("nip", ""),
        ("email", "rina@semarangkota.go.id"),
        ("password", ADMIN_PASSWORD),
        ("password_again", ADMIN_PASSWORD),
    ]
    .into_iter()
    .map(|(name, value)| (name, value.to_owned()))
    .collect()
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

/// The path and query of an absolute link.
fn path_of(link: &str) -> String {
    let prefix = format!("https://{TEST_HOST}");
    link.strip_prefix(&prefix).unwrap().to_owned()
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn the_setup_link_creates_the_administrator_and_the_office_once() {
    let test = testing::services().await;
    let services = &test.services;
    let router = testing::router(services);
    let base = format!("https://{TEST_HOST}");
    let link = pelihara_web::pages::setup::issue_setup_link(services, &base)
        .await
        .unwrap()
        .expect("a link while there is no administrator");
    // A second node started at the same time printed its own link.
    let other = pelihara_web::pages::setup::issue_setup_link(services, &base)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(link, other);
    let token = token_of(&link);
    // Only the hash is kept.
    let events = services.store.recent_events(5).await.unwrap();
    assert!(
        events
            .iter()
            .all(|event| !event.detail.to_string().contains(&token))
    );

    let page = get(&router, &path_of(&link), "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"setup-form\""));
    assert!(page.body.contains("Penyiapan Pelihara"));

    // Bad input: every wrong field named, nothing stored, the link still good.
    let mut bad = setup_form(&token);
    for (name, value) in bad.iter_mut() {
        match *name {
            "office" | "address" => value.clear(),
            "username" => *value = "a b".to_owned(),
            "email" => *value = "bukan-pos-el".to_owned(),
            "password_again" => *value = "lain-sama-sekali".to_owned(),
            _ => {}
        }
    }
    let refused = post(&router, "/pasang", &pairs(&bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["office", "address", "username", "email", "password_again"] {
        assert!(
            refused.body.contains(&format!("id=\"{field}-error\"")),
            "{field} not flagged"
        );
    }
    assert!(refused.body.contains("Wajib diisi"));
    assert!(services.store.needs_setup().await.unwrap());
    assert!(
        services
            .store
            .setting("office.identity")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        get(&router, &path_of(&link), "").await.status,
        StatusCode::OK
    );

    // The form as it should be: on to the sign-in page; the new office in the header at once.
    let done = post(&router, "/pasang", &pairs(&setup_form(&token))).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, "/masuk?siap=1");
    let sign_in_page = get(&router, "/masuk?siap=1", "").await;
    assert!(sign_in_page.body.contains("Penyiapan selesai"));
    assert!(
        sign_in_page.body.contains(OFFICE),
        "the header names the new office"
    );
    // Administrators need a second step by default; enrolling it is the browser journey's part
    // (e2e first_run.rs). Here the new administrator's pages are what is checked.
    services
        .store
        .set_totp_required_roles(
            &[],
            &pelihara_store::AuditSource::cli("test"),
            services.clock.now(),
        )
        .await
        .unwrap();
    let cookie = testing::sign_in(&router, "rina.admin", ADMIN_PASSWORD).await;
    let users = get(&router, "/admin/pengguna", &cookie).await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains(OFFICE));
    let kop = get(&router, "/admin/kop", &cookie).await;
    assert!(kop.body.contains("Jalan Pemuda Nomor 148, Semarang"));
    assert!(kop.body.contains("value=\"Diskominfo\""));
    // Signing in is recorded too: the setup's event is the one before.
    let events = services.store.recent_events(5).await.unwrap();
    let event = events
        .iter()
        .find(|event| event.action == "setup.complete")
        .unwrap();
    assert_eq!(event.detail["username"], "rina.admin");

    // Used, and every other link with it: 410 on the page and on the form.
    for used in [&link, &other] {
        let again = get(&router, &path_of(used), "").await;
        assert_eq!(again.status, StatusCode::GONE);
        assert!(
            again.body.contains("administrator sudah ada"),
            "{}",
            again.body
        );
    }
    let mut second = setup_form(&token_of(&other));
    second[10] = ("username", "orang.lain".to_owned());
    let late = post(&router, "/pasang", &pairs(&second)).await;
    assert_eq!(late.status, StatusCode::GONE);
    assert!(
        services
            .store
            .user_by_username("orang.lain")
            .await
            .unwrap()
            .is_none()
    );
    // A server started now prints no link; a link that never existed is 404.
    assert!(
        pelihara_web::pages::setup::issue_setup_link(services, &base)
            .await
            .unwrap()
            .is_none()
    );
    let unknown = get(&router, &format!("/pasang?token={}", "a".repeat(64)), "").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        services
            .store
            .verify_audit()
            .await
            .unwrap()
            .first_bad
            .is_none()
    );
}

#[tokio::test]
async fn an_expired_setup_link_is_refused() {
    let now: DateTime<Utc> = Utc::now();
    let moment = Arc::new(Mutex::new(now));
    let reading = Arc::clone(&moment);
    let test = testing::services_with_clock(Clock::from_fn(move || *reading.lock().unwrap())).await;
    let router = testing::router(&test.services);
    let link = pelihara_web::pages::setup::issue_setup_link(
        &test.services,
        &format!("https://{TEST_HOST}"),
    )
    .await
    .unwrap()
    .unwrap();
    *moment.lock().unwrap() = now + Duration::hours(24) + Duration::seconds(1);
    let expired = get(&router, &path_of(&link), "").await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("kedaluwarsa"));
    let posted = post(&router, "/pasang", &pairs(&setup_form(&token_of(&link)))).await;
    assert_eq!(posted.status, StatusCode::GONE);
    assert!(test.services.store.needs_setup().await.unwrap());
}

/// The links on an import's result page.
fn invitation_links(body: &str) -> Vec<String> {
    body.split("value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|value| value.contains("/undangan?token="))
        .map(str::to_owned)
        .collect()
}

const OPD_SHEET: &str = "Kode OPD;Nama OPD\nDISKOMINFO;Dinas Komunikasi dan Informatika\n";

/// The sheets' Status column: a value the import does not know is a row error and nothing is
/// written; "Nonaktif" adds the OPD or the account deactivated (no invitation for such an
/// account); the export writes the status back.
#[tokio::test]
async fn the_import_honours_the_status_column() {
    let site = site().await;
    let admin = site.cookie("admin").await;
    let store = &site.test.services.store;
    let users_before = store.list_users().await.unwrap().len();
    let opds = "Kode OPD;Nama OPD;Status
DISARSIP;Dinas Arsip;Nonaktif
DISPERKIM;Dinas Perumahan;Aktif
";
    let bad = "Nama;Nama Pengguna;Peran;Status
Ani;ani.baru;Auditor;Aktif
Budi;budi.lama;Auditor;Pensiun
";
    let refused = site
        .post(
            &admin,
            "/admin/impor",
            &[
                Part::File("opd_file", "opd.csv", opds.as_bytes().to_vec()),
                Part::File("user_file", "pengguna.csv", bad.as_bytes().to_vec()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("<td>3</td><td>Status</td>"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Status tidak dikenal"));
    assert!(
        store
            .list_opds()
            .await
            .unwrap()
            .iter()
            .all(|opd| opd.code != "DISARSIP")
    );
    assert_eq!(store.list_users().await.unwrap().len(), users_before);

    let good = "Nama;Nama Pengguna;Peran;Status
Ani;ani.baru;Auditor;Aktif
Budi;budi.lama;Auditor;Nonaktif
";
    let imported = site
        .post(
            &admin,
            "/admin/impor",
            &[
                Part::File("opd_file", "opd.csv", opds.as_bytes().to_vec()),
                Part::File("user_file", "pengguna.csv", good.as_bytes().to_vec()),
            ],
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert_eq!(
        invitation_links(&imported.body).len(),
        1,
        "{}",
        imported.body
    );
    assert!(imported.body.contains("Ditambahkan nonaktif"));
    let listed = store.list_opds().await.unwrap();
    let archive = listed.iter().find(|opd| opd.code == "DISARSIP").unwrap();
    assert!(!archive.active);
    assert!(
        listed
            .iter()
            .find(|opd| opd.code == "DISPERKIM")
            .unwrap()
            .active
    );
    let old = store.user_by_username("budi.lama").await.unwrap().unwrap();
    assert!(!old.user.active);
    assert!(
        store
            .user_by_username("ani.baru")
            .await
            .unwrap()
            .unwrap()
            .user
            .active
    );

    let users = site.get(&admin, "/admin/ekspor/pengguna.csv").await;
    assert_eq!(users.status, StatusCode::OK);
    let line = users
        .body
        .lines()
        .find(|line| line.contains("budi.lama"))
        .unwrap()
        .to_owned();
    assert!(line.ends_with("\"Nonaktif\""), "{line}");
    let opd_sheet = site.get(&admin, "/admin/ekspor/opd.csv").await.body;
    let line = opd_sheet
        .lines()
        .find(|line| line.contains("DISARSIP"))
        .unwrap();
    assert!(line.ends_with("\"Nonaktif\""), "{line}");
}

#[tokio::test]
async fn an_import_is_all_or_nothing_and_each_invitation_works_once() {
    let site = site().await;
    let admin = site.cookie("admin").await;
    let store = &site.test.services.store;
    let opds_before = store.list_opds().await.unwrap().len();
    let users_before = store.list_users().await.unwrap().len();

    // One good OPD sheet and a user sheet with errors: every error listed, nothing saved.
    let bad_users = "Nama;Nama Pengguna;NIP;Peran;Kode Jabatan;Kode OPD;Email;Telepon\n\
                     Operator Kominfo;op.kominfo;;Operator OPD;;DISKOMINFO;;\n\
                     Salah Satu;admin;123;Staf;;;bukan-email;\n\
                     Tanpa OPD;op.tanpa;;Operator OPD;;TIDAKADA;;\n";
    let refused = site
        .post(
            &admin,
            "/admin/impor",
            &[
                Part::File("opd_file", "opd.csv", OPD_SHEET.as_bytes().to_vec()),
                Part::File("user_file", "pengguna.csv", bad_users.as_bytes().to_vec()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &refused.body;
    assert!(body.contains("data-outcome=\"errors\""), "{body}");
    for expected in [
        "<td>3</td><td>Nama Pengguna</td>",
        "<td>3</td><td>NIP</td>",
        "<td>3</td><td>Email</td>",
        "<td>3</td><td>Kode Jabatan</td>",
        "<td>4</td><td>Kode OPD</td>",
    ] {
        assert!(body.contains(expected), "{expected} missing:\n{body}");
    }
    assert!(!body.contains("<td>2</td>"), "the good row is not an error");
    assert_eq!(store.list_opds().await.unwrap().len(), opds_before);
    assert_eq!(store.list_users().await.unwrap().len(), users_before);

    // A crafted sheet: one cell at the last row of the grid. A clear 422, nothing read whole.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Kode OPD").unwrap();
    sheet.write_string(0, 1, "Nama OPD").unwrap();
    sheet.write_string(1_048_575, 0, "X").unwrap();
    let bomb = workbook.save_to_buffer().unwrap();
    let huge = site
        .post(
            &admin,
            "/admin/impor",
            &[Part::File("opd_file", "opd.xlsx", bomb)],
        )
        .await;
    assert_eq!(huge.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        huge.body.contains("lebih dari 2.000 baris") || huge.body.contains("2000"),
        "{}",
        huge.body
    );
    // Over the size limit: refused before it is read.
    let too_large = site
        .post(
            &admin,
            "/admin/impor",
            &[Part::File(
                "user_file",
                "besar.csv",
                vec![b'a'; 5 * 1024 * 1024 + 1],
            )],
        )
        .await;
    assert_eq!(too_large.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_large.body.contains("Berkas terlalu besar"));
    assert_eq!(store.list_opds().await.unwrap().len(), opds_before);

    // Not an administrator: the page and the exports are not theirs.
    let operator = site.cookie("op.dinkes").await;
    assert_ne!(
        site.get(&operator, "/admin/impor").await.status,
        StatusCode::OK
    );
    assert_ne!(
        site.get(&operator, "/admin/ekspor/pengguna.csv")
            .await
            .status,
        StatusCode::OK
    );

    // The sheets as they should be: everything written, a link per new user, shown once.
    let good_users = "Nama;Nama Pengguna;NIP;Peran;Kode Jabatan;Kode OPD;Email;Telepon\n\
                      Operator Kominfo;op.kominfo;;Operator OPD;;diskominfo;;0812\n\
                      Sri Pelaksana;sri.pelaksana;198001012005012001;Staf;pelaksana;;;\n";
    let imported = site
        .post(
            &admin,
            "/admin/impor",
            &[
                Part::File("opd_file", "opd.csv", OPD_SHEET.as_bytes().to_vec()),
                Part::File("user_file", "pengguna.csv", good_users.as_bytes().to_vec()),
            ],
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert!(imported.body.contains("1 OPD dan 2 pengguna ditambahkan"));
    let links = invitation_links(&imported.body);
    assert_eq!(links.len(), 2, "{}", imported.body);
    assert_eq!(store.list_opds().await.unwrap().len(), opds_before + 1);
    let kominfo = store.user_by_username("op.kominfo").await.unwrap().unwrap();
    assert!(kominfo.user.opd_id.is_some());
    // Nobody signs in before the invitation is used.
    let event = &store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "people.import");
    assert!(
        testing::try_sign_in(&site.router, "op.kominfo", TEST_PASSWORD)
            .await
            .is_err()
    );

    // The invitation: the form, a password, signed in; a second use is 410.
    let invitation = path_of(&links[0]);
    let form = get(&site.router, &invitation, "").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("op.kominfo"));
    let token = token_of(&links[0]);
    let new_password = "sandi-kominfo-baru";
    let set = post(
        &site.router,
        "/undangan",
        &[
            ("token", token.as_str()),
            ("new_password", new_password),
            ("new_password_again", new_password),
        ],
    )
    .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    testing::sign_in(&site.router, "op.kominfo", new_password).await;
    assert_eq!(
        get(&site.router, &invitation, "").await.status,
        StatusCode::GONE
    );
    let twice = post(
        &site.router,
        "/undangan",
        &[
            ("token", token.as_str()),
            ("new_password", "sandi-orang-lain-1"),
            ("new_password_again", "sandi-orang-lain-1"),
        ],
    )
    .await;
    assert_eq!(twice.status, StatusCode::GONE);
    assert!(twice.body.contains("sudah dipakai"));
    testing::sign_in(&site.router, "op.kominfo", new_password).await;
    // An invitation is no recovery link.
    let as_reset = get(
        &site.router,
        &format!("/lupa-sandi/atur?token={}", token_of(&links[1])),
        "",
    )
    .await;
    assert_eq!(as_reset.status, StatusCode::NOT_FOUND);

    // The exports read back by the import's reader.
    let csv = site.raw_get(&admin, "/admin/ekspor/pengguna.csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = to_bytes(csv.into_body(), 4 * 1024 * 1024).await.unwrap();
    let users = pelihara_register::people::read_users(&bytes, "pengguna.csv").unwrap();
    let sri = users
        .iter()
        .find(|row| row.username == "sri.pelaksana")
        .unwrap();
    assert_eq!(sri.nip, "198001012005012001");
    assert_eq!(sri.positions, vec!["pelaksana"]);
    let kominfo_row = users
        .iter()
        .find(|row| row.username == "op.kominfo")
        .unwrap();
    assert_eq!(kominfo_row.opd_code, "DISKOMINFO");
    assert_eq!(kominfo_row.phone, "0812");
    let xlsx = site.raw_get(&admin, "/admin/ekspor/opd.xlsx").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = to_bytes(xlsx.into_body(), 4 * 1024 * 1024).await.unwrap();
    let opds = pelihara_register::people::read_opds(&bytes, "opd.xlsx").unwrap();
    assert!(opds.iter().any(|row| row.code == "DISKOMINFO"));
    assert_eq!(
        site.get(&admin, "/admin/ekspor/lain.csv").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        store.recent_events(1).await.unwrap()[0].action,
        "people.export"
    );
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let now: DateTime<Utc> = Utc::now();
    let moment = Arc::new(Mutex::new(now));
    let reading = Arc::clone(&moment);
    let test = testing::services_with_clock(Clock::from_fn(move || *reading.lock().unwrap())).await;
    let site = super::cases::Site::around(test).await;
    let admin = site.cookie("admin").await;
    let sheet = "Nama;Nama Pengguna;Peran\nAuditor Baru;auditor.baru;Auditor\n";
    let imported = site
        .post(
            &admin,
            "/admin/impor",
            &[Part::File(
                "user_file",
                "pengguna.csv",
                sheet.as_bytes().to_vec(),
            )],
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let links = invitation_links(&imported.body);
    assert_eq!(links.len(), 1);
    *moment.lock().unwrap() = now + Duration::days(7) + Duration::seconds(1);
    let expired = get(&site.router, &path_of(&links[0]), "").await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("kedaluwarsa"));
}

/// A multipart form with one sheet under `field`, as a browser sends it.
fn sheet_upload(field: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----pelihara-sheet-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn an_invitation_is_mailed_when_the_server_sends_mail() {
    let Some((_host, port, maildir)) = super::recovery::smtp_sink() else {
        return;
    };
    let site = site().await;
    let router = super::recovery::with_mailer(&site, port);
    let admin = site.cookie("admin").await;
    let address = format!("wulan.{}@contoh.go.id", super::recovery::uuid_like());
    let sheet = format!(
        "Nama;Nama Pengguna;Peran;Email\n\
         Wulan Auditor;wulan.auditor;Auditor;{address}\n\
         Tanpa Surel;tanpa.surel;Auditor;\n"
    );
    let (content_type, body) = sheet_upload("user_file", "pengguna.csv", sheet.as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/admin/impor")
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("https://{TEST_HOST}"))
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &admin)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let imported = send(&router, request).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    // Mailed to the one with an address; the other's link is on the page to hand over.
    assert!(imported.body.contains(&format!("Dikirim ke {address}")));
    let links = invitation_links(&imported.body);
    assert_eq!(links.len(), 1, "{}", imported.body);
    let handed_over = imported
        .body
        .split("data-username=\"tanpa.surel\"")
        .nth(1)
        .unwrap();
    assert!(handed_over.trim_start().starts_with('>'));
    assert!(
        handed_over
            .split("</li>")
            .next()
            .unwrap()
            .contains(&links[0])
    );

    let mail = {
        let address = address.clone();
        tokio::task::spawn_blocking(move || super::recovery::mail_to(&maildir, &address))
            .await
            .unwrap()
    };
    assert!(mail.starts_with("Undangan ke Pelihara\n"), "{mail}");
    assert!(mail.contains("Yth. Wulan Auditor,"), "{mail}");
    assert!(mail.contains("wulan.auditor"), "{mail}");
    assert!(mail.contains("7 hari"), "{mail}");
    let prefix = format!("https://{TEST_HOST}/undangan?token=");
    let start = mail.find(&prefix).expect("the link") + prefix.len();
    let token: String = mail[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64, "{mail}");
    assert!(
        !links.iter().any(|link| link.contains(&token)),
        "not shown too"
    );
    let password = "sandi-wulan-auditor";
    let set = post(
        &router,
        "/undangan",
        &[
            ("token", token.as_str()),
            ("new_password", password),
            ("new_password_again", password),
        ],
    )
    .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    testing::sign_in(&router, "wulan.auditor", password).await;
}

#[tokio::test]
async fn a_lost_invitation_is_sent_again_and_the_old_link_refused() {
    use pelihara_store::AuditSource;
    use pelihara_store::people::NewUser;
    use pelihara_store::people_import::NO_PASSWORD_YET;
    use pelihara_web::auth::token_hash;

    let test = testing::services().await;
    let services = &test.services;
    testing::seed_people(services).await;
    let router = testing::router(services);
    let now = services.clock.now();
    let system = AuditSource::cli("test");
    // An imported user whose first invitation was lost (no mail server here).
    let invited = services
        .store
        .create_user(
            NewUser {
                username: "budi".into(),
                full_name: "Budi Diundang".into(),
                nip: None,
                email: None,
                role: pelihara_domain::Role::Staff,
                positions: vec!["pelaksana".into()],
                opd_id: None,
                password_hash: NO_PASSWORD_YET.into(),
            },
            &system,
            now,
        )
        .await
        .unwrap();
    // A token of the shape the server makes (64 hex digits), so only its state decides.
    let lost = "ab".repeat(32);
    let lost = lost.as_str();
    assert!(
        services
            .store
            .reissue_invitation(
                invited,
                &token_hash(lost),
                now + Duration::days(7),
                &system,
                now
            )
            .await
            .unwrap()
    );
    let admin = testing::sign_in(&router, "admin", TEST_PASSWORD).await;
    let page = get(&router, &format!("/admin/pengguna/{invited}"), &admin).await;
    assert!(
        page.body
            .contains(&format!("/admin/pengguna/{invited}/undangan"))
    );

    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/admin/pengguna/{invited}/undangan"))
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("https://{TEST_HOST}"))
        .header(header::COOKIE, admin.as_str())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    let resent = send(&router, request).await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    let marker = "/undangan?token=";
    let at = resent.body.find(marker).expect("the new link, shown once") + marker.len();
    let token: String = resent.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let link = format!("https://{TEST_HOST}{marker}{token}");
    let event = services.store.recent_events(1).await.unwrap().remove(0);
    assert_eq!(event.action, "user.invitation_reissued");
    assert_eq!(event.actor_name, "Admin Uji");

    // The old link is refused, the new one opens the form.
    assert_eq!(
        get(&router, &format!("/undangan?token={lost}"), "")
            .await
            .status,
        StatusCode::GONE
    );
    let form = get(&router, &path_of(&link), "").await;
    assert_eq!(form.status, StatusCode::OK, "{link}");
    assert!(form.body.contains("budi"));

    // Someone with a password has no invitation to send again.
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/admin/pengguna/{}/undangan",
            services
                .store
                .user_by_username("pelaksana")
                .await
                .unwrap()
                .unwrap()
                .user
                .id
        ))
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("https://{TEST_HOST}"))
        .header(header::COOKIE, admin.as_str())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, request).await.status, StatusCode::BAD_REQUEST);
}
