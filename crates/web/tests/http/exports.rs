//! Every export is audited: each report's CSV, XLSX and PDF (Mutu Baku, maintenance coverage,
//! the yearly Data Pemeliharaan record, the SKM report), the SOP monitoring form's XLSX and
//! PDF and the register's sheets are downloaded through the real router from a known client
//! address, and each download's own `report.export` event is found: who, from where, which
//! report, its period and filters, the format, the file's name and the SHA-256 of the very
//! bytes received. The audit page then shows such an event worded in Indonesian and in
//! English, to the administrator and the auditor.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use pelihara_domain::monitoring::{Assessment, HalfYear};
use pelihara_i18n::Lang;
use pelihara_store::AuditSource;
use pelihara_store::monitoring::{Assessor, SaveOutcome, SignOutcome};
use pelihara_web::testing::{self, TEST_HOST};
use pelihara_web::{Clock, Tr};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use super::cases::Site;

const CLIENT: &str = "10.20.30.40:51234";
const SOP: &str = "pemeliharaan-aplikasi-website";

fn wib(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Jakarta
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// A download from [`CLIENT`]: status, the file name it was given, its bytes.
async fn download(site: &Site, cookie: &str, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let mut request = Request::builder()
        .uri(uri)
        .header(header::HOST, TEST_HOST)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(CLIENT.parse::<SocketAddr>().unwrap()));
    let response = site.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let name = response
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split("filename=\"").nth(1))
        .map(|rest| rest.trim_end_matches('"').to_owned())
        .unwrap_or_default();
    let bytes = to_bytes(response.into_body(), 20 << 20)
        .await
        .unwrap()
        .to_vec();
    (status, name, bytes)
}

/// A signed monitoring form of semester II 2026 (every step judged "good"), signed as the
/// page signs it; returns its id.
async fn signed_form(site: &Site) -> String {
    let services = &site.test.services;
    let store = &services.store;
    let kabid = store
        .user_by_username("kabid_aptika")
        .await
        .unwrap()
        .unwrap()
        .user;
    let assessor = Assessor {
        id: kabid.id,
        name: kabid.full_name.clone(),
        nip: kabid.nip.clone().unwrap_or_default(),
    };
    let source = AuditSource {
        actor_id: Some(kabid.id),
        actor_name: kabid.full_name.clone(),
        address: "test".into(),
    };
    let half = HalfYear::new(2026, 2).unwrap();
    let mut draft = pelihara_web::monitoring_proposal(services, Lang::Id, SOP, half)
        .await
        .unwrap()
        .unwrap();
    for row in &mut draft.rows {
        row.assessment = Some(Assessment::Good);
    }
    let now = services.clock.now();
    let SaveOutcome::Saved(form) = store
        .save_monitoring_draft(&draft, None, &assessor, &source, now)
        .await
        .unwrap()
    else {
        panic!("not saved");
    };
    let outcome = pelihara_web::sign_and_issue(
        services,
        &format!("https://{TEST_HOST}"),
        Tr::new(Lang::Id),
        &form,
        form.revision,
        &assessor,
        &source,
        now,
    )
    .await
    .unwrap();
    assert!(matches!(outcome, SignOutcome::Signed(_)), "{outcome:?}");
    form.id.to_string()
}

#[tokio::test]
async fn every_export_is_recorded_with_who_what_period_format_and_where() {
    let now = wib(2026, 12, 1, 9);
    let site = Site::around(testing::services_with_clock(Clock::from_fn(move || now)).await).await;
    let store = site.test.services.store.clone();
    let head = site.cookie("kepala_dinas").await;
    let head_name = store
        .user_by_username("kepala_dinas")
        .await
        .unwrap()
        .unwrap()
        .user
        .full_name;
    let opd = site.people().opd.to_string();
    let app = site.app_id().await;
    let form = signed_form(&site).await;
    let november = json!({ "code": "bulan-2026-11", "first": "2026-11-01", "last": "2026-11-30" });
    let year = json!({ "code": "tahun-2026", "first": "2026-01-01", "last": "2026-12-31" });
    let semester =
        json!({ "code": "semester-2026-2", "first": "2026-07-01", "last": "2026-12-31" });
    // (address, report, period, filters)
    let mut exports: Vec<(String, &str, Value, Value)> = Vec::new();
    for format in ["csv", "xlsx", "pdf"] {
        exports.push((
            format!(
                "/laporan/mutu-baku?periode=bulan-2026-11&sop={SOP}&opd={opd}&kelompok=opd&format={format}"
            ),
            "mutu-baku",
            november.clone(),
            json!({ "sop": SOP, "opd": opd, "kelompok": "opd" }),
        ));
        exports.push((
            format!("/laporan/pemeliharaan?periode=bulan-2026-11&format={format}"),
            "cakupan-pemeliharaan",
            november.clone(),
            json!({}),
        ));
        exports.push((
            format!("/aplikasi/{app}/pemeliharaan/2026?format={format}"),
            "data-pemeliharaan",
            year.clone(),
            json!({ "aplikasi": app, "tahun": "2026" }),
        ));
        exports.push((
            format!("/laporan/skm/ekspor/{format}?periode=tahun&tahun=2026"),
            "skm",
            year.clone(),
            json!({}),
        ));
    }
    for format in ["xlsx", "pdf"] {
        exports.push((
            format!("/laporan/monitoring-sop/{form}/ekspor/{format}"),
            "monitoring-sop",
            semester.clone(),
            json!({ "sop": SOP, "semester": "2026-2", "formulir": form }),
        ));
    }
    for format in ["csv", "xlsx"] {
        exports.push((
            format!("/aplikasi/ekspor?format={format}&opd={opd}"),
            "register",
            Value::Null,
            json!({ "opd": opd }),
        ));
    }
    assert_eq!(exports.len(), 16);
    for (uri, report, period, filters) in &exports {
        let before = store.recent_events(1).await.unwrap()[0].seq;
        let (status, name, bytes) = download(&site, &head, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let format = uri
            .split("format=")
            .nth(1)
            .or_else(|| uri.rsplit("ekspor/").next())
            .map(|rest| rest.split(['&', '?']).next().unwrap_or_default())
            .unwrap();
        assert!(name.ends_with(&format!(".{format}")), "{uri}: {name}");
        let events = store.recent_events(5).await.unwrap();
        let new: Vec<_> = events
            .iter()
            .filter(|event| event.seq > before && event.action == "report.export")
            .collect();
        assert_eq!(new.len(), 1, "{uri}: one export event, not {new:?}");
        let event = new[0];
        assert_eq!(event.actor_name, head_name, "{uri}");
        assert_eq!(event.source, CLIENT, "{uri}");
        let detail = &event.detail;
        assert_eq!(detail["report"], *report, "{uri}");
        assert_eq!(detail["format"], format, "{uri}");
        assert_eq!(detail["period"], *period, "{uri}");
        let mut expected = filters.clone();
        if *report == "monitoring-sop" && format == "pdf" {
            let document = detail["filters"]["dokumen"].as_str().unwrap().to_owned();
            assert!(store.issued_document(&document).await.unwrap().is_some());
            expected["dokumen"] = Value::String(document);
        }
        assert_eq!(detail["filters"], expected, "{uri}");
        assert_eq!(detail["file"], name.as_str(), "{uri}");
        assert_eq!(detail["bytes"], bytes.len(), "{uri}");
        assert_eq!(
            detail["sha256"],
            hex::encode(Sha256::digest(&bytes)),
            "{uri}: the event names the very bytes handed out"
        );
    }
    // A refused export hands out nothing and records nothing: another OPD's app record.
    let other = site.cookie("op.disdik").await;
    let before = store.recent_events(1).await.unwrap()[0].seq;
    let (status, _, _) = download(
        &site,
        &other,
        &format!("/aplikasi/{app}/pemeliharaan/2026?format=csv"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(store.recent_events(1).await.unwrap()[0].seq, before);
    assert_eq!(store.verify_audit().await.unwrap().first_bad, None);

    // The audit page words the last export (the register's XLSX) for the admin and the
    // auditor, in Indonesian and in English; staff are refused.
    let admin = site.cookie("admin").await;
    let page = site.get(&admin, "/admin/jejak-audit").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "Jejak audit",
        "Mengekspor laporan",
        "Daftar Aplikasi/Website · XLSX · OPD: Dinas Kesehatan",
        "Laporan Kepatuhan Mutu Baku · PDF · periode 1 November 2026 – 30 November 2026 · \
         SOP: Pemeliharaan Aplikasi/Website · OPD: Dinas Kesehatan · Dikelompokkan per: OPD · \
         berkas mutu-baku-bulan-2026-11.pdf",
        "Formulir Monitoring SOP · PDF · periode 1 Juli 2026 – 31 Desember 2026",
        CLIENT,
        &head_name,
    ] {
        assert!(
            page.body.contains(expected),
            "{expected} not in {}",
            page.body
        );
    }
    let auditor = site.cookie("auditor").await;
    let english = site.get(&auditor, "/admin/jejak-audit?lang=en").await;
    assert_eq!(english.status, StatusCode::OK);
    for expected in [
        "Audit trail",
        "Exported a report",
        "Mutu Baku compliance report · PDF · period 1 November 2026 – 30 November 2026",
        "read-only",
    ] {
        assert!(
            english.body.contains(expected),
            "{expected} not in {}",
            english.body
        );
    }
    // Older events are a page further: a page holds 50.
    let total = store.verify_audit().await.unwrap().events;
    assert_eq!(
        page.body.contains("/admin/jejak-audit?sebelum="),
        total > 50,
        "{total} events"
    );
    if total > 50 {
        let older = site
            .get(
                &admin,
                &format!("/admin/jejak-audit?sebelum={}", total - 49),
            )
            .await;
        assert_eq!(older.status, StatusCode::OK);
        assert!(older.body.contains(&format!(">{}<", total - 50)));
        assert!(!older.body.contains(&format!(">{}<", total - 49)));
    }
    assert_eq!(
        site.get(&admin, "/admin/jejak-audit?sebelum=x")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let staff = site.cookie("pelaksana").await;
    assert_eq!(
        site.get(&staff, "/admin/jejak-audit").await.status,
        StatusCode::FORBIDDEN
    );
}
