//! The register pages through the real router, signed in as real users: who sees and edits
//! what, forms that keep what was typed, export, an import that changes nothing when one row
//! is bad, and "check now" against a local server (refused until the allow-list names it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use pelihara_domain::OpdId;
use pelihara_domain::register::AppFields;
use pelihara_store::AuditSource;
use pelihara_store::register::RegisterFilter;
use tower::ServiceExt;

use crate::state::{Clock, Services};
use crate::testing::{
    TEST_HOST, TEST_PASSWORD, TestServices, router, seed_people, services_with_clock, sign_in,
};

struct Reply {
    status: StatusCode,
    location: String,
    content_type: String,
    body: String,
}

struct World {
    test: TestServices,
    router: Router,
    now: Arc<Mutex<DateTime<Utc>>>,
    opd: OpdId,
    other_opd: OpdId,
}

fn wib(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    // WIB is UTC+7 all year (no daylight saving).
    FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

async fn world() -> World {
    let now = Arc::new(Mutex::new(wib(2026, 11, 2, 9)));
    let clock_now = Arc::clone(&now);
    let test = services_with_clock(Clock::from_fn(move || *clock_now.lock().unwrap())).await;
    let people = seed_people(&test.services).await;
    let router = router(&test.services);
    World {
        router,
        now,
        opd: people.opd,
        other_opd: people.other_opd,
        test,
    }
}

impl World {
    fn services(&self) -> &Services {
        &self.test.services
    }

    async fn add(&self, opd: OpdId, name: &str, url: &str) -> String {
        let fields = AppFields {
            name: name.into(),
            url: url.into(),
            status: "active".into(),
            ..AppFields::default()
        };
        let now = *self.now.lock().unwrap();
        self.services()
            .store
            .create_register_app(opd, &fields, &AuditSource::cli("test"), now)
            .await
            .unwrap()
            .to_string()
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let header_text = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let location = header_text(header::LOCATION);
        let content_type = header_text(header::CONTENT_TYPE);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply {
            status,
            location,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, cookie: &str, uri: &str) -> Reply {
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

    async fn post(&self, cookie: &str, uri: &str, content_type: &str, body: Vec<u8>) -> Reply {
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

    async fn post_form(&self, cookie: &str, uri: &str, pairs: &[(&str, &str)]) -> Reply {
        self.post(
            cookie,
            uri,
            "application/x-www-form-urlencoded",
            form(pairs).into_bytes(),
        )
        .await
    }

    async fn upload(&self, cookie: &str, file_name: &str, bytes: &[u8]) -> Reply {
        let boundary = "pelihara-uji-batas";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.post(
            cookie,
            "/aplikasi/impor",
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await
    }

    async fn sign_in(&self, username: &str) -> String {
        sign_in(&self.router, username, TEST_PASSWORD).await
    }

    async fn app_names(&self) -> Vec<String> {
        self.services()
            .store
            .register(&RegisterFilter::default())
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.app.name)
            .collect()
    }
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

#[tokio::test]
async fn an_opd_operator_sees_only_its_own_apps_and_cannot_edit() {
    let w = world().await;
    let own = w
        .add(w.opd, "SIMPUS", "https://simpus.demakkab.go.id")
        .await;
    let other = w
        .add(w.other_opd, "Rapor Digital", "https://rapor.demakkab.go.id")
        .await;
    let operator = w.sign_in("op.dinkes").await;
    let list = w.get(&operator, "/aplikasi").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("SIMPUS"));
    assert!(!list.body.contains("Rapor Digital"));
    assert!(!list.body.contains("/aplikasi/baru"), "no add button");
    // Even when asking for the other OPD by its filter.
    let forced = w
        .get(&operator, &format!("/aplikasi?opd={}", w.other_opd))
        .await;
    assert!(!forced.body.contains("Rapor Digital"));
    assert_eq!(
        w.get(&operator, &format!("/aplikasi/{own}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        w.get(&operator, &format!("/aplikasi/{other}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&operator, "/aplikasi/baru").await.status,
        StatusCode::FORBIDDEN
    );
    let edit = w
        .post_form(
            &operator,
            &format!("/aplikasi/{own}/ubah"),
            &[("name", "X")],
        )
        .await;
    assert_eq!(edit.status, StatusCode::FORBIDDEN);
    // The auditor reads everything, edits nothing.
    let auditor = w.sign_in("auditor").await;
    let list = w.get(&auditor, "/aplikasi").await;
    assert!(list.body.contains("SIMPUS") && list.body.contains("Rapor Digital"));
    assert_eq!(
        w.get(&auditor, "/aplikasi/baru").await.status,
        StatusCode::FORBIDDEN
    );
    // Nobody signed in: off to the sign-in page.
    let guest = w.get("", "/aplikasi").await;
    assert_eq!(guest.status, StatusCode::SEE_OTHER);
    assert!(guest.location.starts_with("/masuk"));
}

#[tokio::test]
async fn pelaksana_adds_and_edits_an_app_and_bad_input_keeps_what_was_typed() {
    let w = world().await;
    let pelaksana = w.sign_in("pelaksana").await;
    assert_eq!(
        w.get(&pelaksana, "/aplikasi/baru").await.status,
        StatusCode::OK
    );
    let opd = w.opd.to_string();
    let bad = w
        .post_form(
            &pelaksana,
            "/aplikasi/baru",
            &[
                ("opd_id", &opd),
                ("name", ""),
                ("url", "simpus dinkes"),
                ("opd_contact_email", "rina-at-dinkes"),
                ("opd_contact_name", "Rina <b>Wati</b>"),
                ("maintenance_interval_months", "dua belas"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Nama aplikasi wajib diisi."),
        "{}",
        bad.body
    );
    assert!(
        bad.body
            .contains("Alamat harus diawali http:// atau https://")
    );
    assert!(bad.body.contains("Alamat surel tidak sah."));
    assert!(
        bad.body
            .contains("Interval pemeliharaan harus 1 sampai 120 bulan.")
    );
    assert!(
        bad.body.contains("value=\"simpus dinkes\""),
        "typed value kept"
    );
    assert!(bad.body.contains("value=\"dua belas\""));
    assert!(
        bad.body.contains("Rina &#60;b&#62;Wati&#60;/b&#62;")
            || bad.body.contains("Rina &lt;b&gt;Wati&lt;/b&gt;")
    );
    assert!(w.app_names().await.is_empty(), "nothing saved");

    let good = w
        .post_form(
            &pelaksana,
            "/aplikasi/baru",
            &[
                ("opd_id", &opd),
                ("name", "SIMPUS"),
                ("url", "https://simpus.demakkab.go.id"),
                ("hosting_location", "DC Dinkominfo"),
                ("opd_contact_email", "rina@dinkes.demakkab.go.id"),
                ("maintenance_interval_months", "6"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let page = w.get(&pelaksana, &good.location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Data aplikasi tersimpan."));
    assert!(page.body.contains("DC Dinkominfo"));
    // Registered 2 Nov 2026, never maintained, every 6 months: due 2 May 2027.
    assert!(page.body.contains("2 Mei 2027"), "{}", page.body);
    assert!(page.body.contains("interval 6 bulan"));

    let id = good
        .location
        .trim_start_matches("/aplikasi/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let edit = w.get(&pelaksana, &format!("/aplikasi/{id}/ubah")).await;
    assert!(edit.body.contains("value=\"DC Dinkominfo\""));
    let saved = w
        .post_form(
            &pelaksana,
            &format!("/aplikasi/{id}/ubah"),
            &[
                ("opd_id", &w.other_opd.to_string()),
                ("name", "SIMPUS 2"),
                ("status", "retired"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = w.get(&pelaksana, &format!("/aplikasi/{id}")).await;
    assert!(page.body.contains("SIMPUS 2"));
    assert!(page.body.contains("Dinas Pendidikan"));
    assert!(page.body.contains("Aplikasi tidak aktif"));
    // An unknown OPD is a field error, not a crash.
    let unknown = w
        .post_form(
            &pelaksana,
            &format!("/aplikasi/{id}/ubah"),
            &[
                ("opd_id", &OpdId::random().to_string()),
                ("name", "SIMPUS 3"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("OPD tidak dikenal."));
    assert_eq!(w.app_names().await, ["SIMPUS 2"]);
}

#[tokio::test]
async fn the_list_filters_by_search_and_due_and_exports_what_it_shows() {
    let w = world().await;
    w.add(w.opd, "SIMPUS", "https://simpus.demakkab.go.id")
        .await;
    // Registered a year and a half later: not due when the first one is overdue.
    *w.now.lock().unwrap() = wib(2027, 6, 1, 9);
    w.add(w.other_opd, "=Rapor", "https://rapor.demakkab.go.id")
        .await;
    *w.now.lock().unwrap() = wib(2027, 11, 3, 9);
    let admin = w.sign_in("admin").await;
    let overdue = w.get(&admin, "/aplikasi?due=overdue").await;
    assert!(overdue.body.contains("SIMPUS"));
    assert!(!overdue.body.contains("=Rapor"));
    assert!(overdue.body.contains("1 terlambat"));
    let current = w.get(&admin, "/aplikasi?due=current").await;
    assert!(current.body.contains("=Rapor") && !current.body.contains(">SIMPUS<"));
    let search = w.get(&admin, "/aplikasi?q=rapor").await;
    assert!(search.body.contains("=Rapor") && !search.body.contains(">SIMPUS<"));
    let unchecked = w.get(&admin, "/aplikasi?health=failing").await;
    assert!(unchecked.body.contains("Tidak ada aplikasi yang sesuai."));

    let csv = w.get(&admin, "/aplikasi/ekspor?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(
        csv.body
            .contains("\"Nama Aplikasi\";\"Kode OPD\";\"Nama OPD\"")
    );
    assert!(
        csv.body.contains(";\"'=Rapor\";\"DISDIK\";"),
        "{}",
        csv.body
    );
    assert!(
        csv.body.contains(";\"2027-11-02\";\"Terlambat\";"),
        "{}",
        csv.body
    );
    let filtered = w
        .get(&admin, "/aplikasi/ekspor?format=csv&due=overdue")
        .await;
    assert!(!filtered.body.contains("Rapor"));
    let xlsx = w.get(&admin, "/aplikasi/ekspor?format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type.contains("spreadsheetml"));
    assert_eq!(
        w.get(&admin, "/aplikasi/ekspor?format=pdf").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_import_with_one_bad_row_changes_nothing() {
    let w = world().await;
    let admin = w.sign_in("admin").await;
    let bad = "Nama Aplikasi;Kode OPD;URL\nSIMPUS;DINKES;https://simpus.demakkab.go.id\nSIAK;DINSOS;https://siak.demakkab.go.id\n";
    let reply = w.upload(&admin, "aplikasi.csv", bad.as_bytes()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("Berkas tidak diimpor: 1 kesalahan."),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains("<td>3</td><td>Kode OPD</td><td>OPD tidak dikenal.</td>"),
        "{}",
        reply.body
    );
    assert!(w.app_names().await.is_empty());

    let good = "\u{feff}Nama Aplikasi,Kode OPD,URL\nSIMPUS,dinkes,https://simpus.demakkab.go.id\nRapor,DISDIK,\n";
    let reply = w.upload(&admin, "aplikasi.csv", good.as_bytes()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(w.app_names().await, ["Rapor", "SIMPUS"]);
    // An operator may not import.
    let operator = w.sign_in("op.dinkes").await;
    let refused = w.upload(&operator, "aplikasi.csv", good.as_bytes()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app_names().await.len(), 2);
}

#[tokio::test]
async fn an_import_naming_a_deactivated_opd_changes_nothing() {
    let w = world().await;
    let admin = w.sign_in("admin").await;
    let now = *w.now.lock().unwrap();
    let deactivated = w
        .services()
        .store
        .set_opd_active(w.opd, false, &AuditSource::cli("test"), now)
        .await
        .unwrap();
    assert!(deactivated);
    let sheet = "Nama Aplikasi;Kode OPD\nRapor;DISDIK\nSIMPUS;dinkes\n";
    let reply = w.upload(&admin, "aplikasi.csv", sheet.as_bytes()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains(
            "<td>3</td><td>Kode OPD</td><td>OPD ini sudah dinonaktifkan; aplikasi tidak dapat \
             ditambahkan ke OPD nonaktif.</td>"
        ),
        "{}",
        reply.body
    );
    assert!(w.app_names().await.is_empty(), "all or nothing");
    // Active again, the same sheet is imported.
    w.services()
        .store
        .set_opd_active(w.opd, true, &AuditSource::cli("test"), now)
        .await
        .unwrap();
    let reply = w.upload(&admin, "aplikasi.csv", sheet.as_bytes()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(w.app_names().await, ["Rapor", "SIMPUS"]);
}

#[tokio::test]
async fn check_now_refuses_loopback_until_the_allow_list_names_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 2048];
            let _ = stream.read(&mut buffer).await;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                .await;
        }
    });
    let w = world().await;
    let id = w
        .add(w.opd, "Intranet", &format!("http://127.0.0.1:{port}/"))
        .await;
    let operator = w.sign_in("op.dinkes").await;
    assert_eq!(
        w.post(
            &operator,
            &format!("/aplikasi/{id}/cek"),
            "application/x-www-form-urlencoded",
            Vec::new()
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let pelaksana = w.sign_in("pelaksana").await;
    let first = w
        .post(
            &pelaksana,
            &format!("/aplikasi/{id}/cek"),
            "application/x-www-form-urlencoded",
            Vec::new(),
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let page = w.get(&pelaksana, &first.location).await;
    assert!(page.body.contains("Alamat ditolak"), "{}", page.body);
    assert!(page.body.contains("loopback"));

    let now = *w.now.lock().unwrap();
    w.services()
        .store
        .set_setting(
            pelihara_register::health::ALLOWED_NETWORKS_SETTING,
            "127.0.0.1/32",
            &AuditSource::cli("test"),
            now,
        )
        .await
        .unwrap();
    *w.now.lock().unwrap() += Duration::minutes(5);
    w.post(
        &pelaksana,
        &format!("/aplikasi/{id}/cek"),
        "application/x-www-form-urlencoded",
        Vec::new(),
    )
    .await;
    let page = w.get(&pelaksana, &format!("/aplikasi/{id}")).await;
    assert!(page.body.contains("HTTP 200"), "{}", page.body);
    let healthy = w.get(&pelaksana, "/aplikasi?health=ok").await;
    assert!(healthy.body.contains("Intranet"));
}

#[tokio::test]
async fn a_long_register_is_shown_a_page_at_a_time_with_its_figures_over_all() {
    let w = world().await;
    let admin = w.sign_in("admin").await;
    let mut sheet = String::from("Nama Aplikasi;Kode OPD\n");
    for number in 1..=230 {
        sheet.push_str(&format!("Aplikasi {number:03};DINKES\n"));
    }
    let reply = w.upload(&admin, "aplikasi.csv", sheet.as_bytes()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    let rows = |body: &str| body.matches("<a href=\"/aplikasi/").count();
    let first = w.get(&admin, "/aplikasi").await;
    assert_eq!(rows(&first.body), 100);
    assert!(
        first.body.contains("230 aplikasi"),
        "the count is of every app"
    );
    assert!(first.body.contains("Halaman 1 dari 3"));
    assert!(first.body.contains("halaman=2"));
    let last = w.get(&admin, "/aplikasi?halaman=3").await;
    assert_eq!(rows(&last.body), 30);
    assert!(last.body.contains("Aplikasi 230"));
    // Past the end reads as the last page; the filters travel with the page links.
    assert_eq!(rows(&w.get(&admin, "/aplikasi?halaman=99").await.body), 30);
    let searched = w.get(&admin, "/aplikasi?q=aplikasi+1").await;
    assert!(
        searched.body.contains("q=aplikasi%201&amp;halaman=2"),
        "{}",
        searched.body
    );
}
