//! The SOP monitoring form through the real router: an OPD operator gets 404, an auditor reads
//! and may not write, the admin makes a staff member assessor (an operator cannot be one);
//! the proposal comes from the half-year's Mutu Baku figures (a step whose tasks missed their
//! standard is proposed "not running well" with its figures, a step without tasks says so);
//! bad input comes back field by field with nothing stored; the assessor saves and signs, and
//! after that nothing changes; the signed form's PDF holds the page's rows (`pdftotext`) and
//! verifies at `/verifikasi`, its XLSX holds them too (calamine); the admin's threshold is
//! checked and used by the next proposal.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::to_bytes;
use axum::http::{StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;
use pelihara_domain::monitoring::{Assessment, HalfYear};
use pelihara_web::Clock;
use pelihara_web::testing;

use super::cases::{Part, Site};

fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Jakarta
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// A clock the test sets.
#[derive(Clone)]
struct SetClock(Arc<AtomicI64>);

impl SetClock {
    fn at(start: DateTime<Utc>) -> SetClock {
        SetClock(Arc::new(AtomicI64::new(start.timestamp_millis())))
    }
    fn clock(&self) -> Clock {
        let millis = self.0.clone();
        Clock::from_fn(move || {
            Utc.timestamp_millis_opt(millis.load(Ordering::SeqCst))
                .single()
                .unwrap()
        })
    }
    fn set(&self, at: DateTime<Utc>) {
        self.0.store(at.timestamp_millis(), Ordering::SeqCst);
    }
}

const PAGE: &str = "/laporan/monitoring-sop";

/// A site where, in the first half of 2026, one request was submitted (step 1 within its
/// standard) and registered 30 working minutes later (step 2's standard is 5 minutes: missed);
/// the clock then stands in July 2026, so the page opens on semester I.
async fn site_with_history() -> (Site, SetClock) {
    let clock = SetClock::at(wib(2026, 3, 10, 9, 0));
    let site = Site::around(testing::services_with_clock(clock.clock()).await).await;
    let case = site.submit().await;
    clock.set(wib(2026, 3, 10, 9, 30));
    let reply = site
        .act(
            "pelaksana",
            case,
            &[
                Part::Text("aksi", "register"),
                Part::Text("classification", "000.5.2.3"),
                Part::Text("letter_number", "440/1/2026"),
                Part::Text("letter_date", "2026-03-09"),
                Part::Text("urgency", "segera"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    clock.set(wib(2026, 7, 15, 9, 0));
    (site, clock)
}

/// Every field of the editable form as the assessor sends it (steps 1-9 of the shipped SOP).
fn fields<'a>(revision: &'a str, note_3: &'a str) -> Vec<(String, String)> {
    let mut fields = vec![
        ("sop".to_owned(), "pemeliharaan-aplikasi-website".to_owned()),
        ("semester".into(), "2026-1".into()),
        ("revisi".into(), revision.into()),
        ("unit".into(), "Bidang Aplikasi Informatika".into()),
    ];
    for no in 1..=9 {
        let assessment = if no == 2 { "not_good" } else { "good" };
        fields.push((format!("penilaian-{no}"), assessment.into()));
        fields.push((format!("catatan-{no}"), format!("Catatan langkah {no}")));
        fields.push((format!("tindakan-{no}"), String::new()));
    }
    fields.retain(|(name, _)| name != "catatan-3");
    fields.push(("catatan-3".into(), note_3.into()));
    fields.retain(|(name, _)| name != "tindakan-2");
    fields.push((
        "tindakan-2".into(),
        "Percepat registrasi surat masuk".into(),
    ));
    fields
}

async fn post(
    site: &Site,
    cookie: &str,
    uri: &str,
    fields: &[(String, String)],
) -> super::cases::Reply {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    site.post_form(cookie, uri, &pairs).await
}

async fn download(site: &Site, cookie: &str, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let response = site.raw_get(cookie, uri).await;
    let status = response.status();
    let media = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = to_bytes(response.into_body(), 20 * 1024 * 1024)
        .await
        .unwrap()
        .to_vec();
    (status, media, bytes)
}

fn pdf_text(bytes: &[u8]) -> String {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("monitoring.pdf");
    std::fs::write(&path, bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn the_assessor_fills_signs_and_issues_the_monitoring_form() {
    let (site, clock) = site_with_history().await;
    let store = &site.test.services.store;
    let half = HalfYear::new(2026, 1).unwrap();
    let code = "pemeliharaan-aplikasi-website";
    let operator = site.cookie("op.dinkes").await;
    let auditor = site.cookie("auditor").await;
    let admin = site.cookie("admin").await;
    let kabid = site.cookie("kabid_aptika").await;
    let kabid_id = site.people().staff_in("kabid_aptika");

    // An OPD's operator has no such page, nor its downloads.
    assert_eq!(
        site.get(&operator, PAGE).await.status,
        StatusCode::NOT_FOUND
    );
    let reply = post(&site, &operator, PAGE, &fields("", "x")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // The auditor reads the proposal of semester I: step 2 below the threshold with its
    // figures, step 3 without tasks; no form to fill.
    let page = site.get(&auditor, PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Formulir Monitoring SOP"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Semester I 2026"));
    assert!(page.body.contains("80 % tugas selesai dalam Mutu Baku"));
    assert!(!page.body.contains("id=\"monitoring-form\""));
    assert!(
        page.body
            .contains("data-step=\"2\" data-assessment=\"not_good\"")
    );
    assert!(
        page.body
            .contains("data-step=\"1\" data-assessment=\"good\"")
    );
    assert!(page.body.contains(
        "Di bawah ambang: 1 tugas selesai; 0,0 % dalam Mutu Baku (ambang 80 %); median 30 menit, Mutu Baku 5 menit."
    ), "{}", page.body);
    assert!(
        page.body
            .contains("Tidak ada tugas yang selesai pada semester ini.")
    );
    // Nobody but an assessor writes.
    for cookie in [&auditor, &kabid, &admin] {
        let reply = post(&site, cookie, PAGE, &fields("", "x")).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(store.monitoring_form(code, half).await.unwrap(), None);

    // The admin appoints the Kabid; an operator cannot be appointed.
    let reply = site
        .post_form(
            &admin,
            &format!("/admin/pengguna/{kabid_id}/penilai"),
            &[("grant", "1")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let operator_id = site.people().operator;
    let reply = site
        .post_form(
            &admin,
            &format!("/admin/pengguna/{operator_id}/penilai"),
            &[("grant", "1")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(store.assessors().await.unwrap(), vec![kabid_id]);
    let users = site.get(&admin, "/admin/pengguna").await;
    assert!(users.body.contains("data-assessor=\"1\""));
    // Not every signed-in person may appoint.
    let reply = site
        .post_form(
            &kabid,
            &format!("/admin/pengguna/{kabid_id}/penilai"),
            &[("grant", "0")],
        )
        .await;
    assert!(reply.status.is_client_error());
    assert!(store.is_assessor(kabid_id).await.unwrap());

    // The assessor sees the form with the proposal chosen.
    let page = site.get(&kabid, PAGE).await;
    assert!(page.body.contains("id=\"monitoring-form\""));
    assert!(
        page.body
            .contains("id=\"penilaian-2-not_good\" value=\"not_good\" checked"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("id=\"monitoring-sign\""));
    // The work unit is a field of the form, not also a fact above it.
    assert_eq!(
        page.body.matches(">Unit kerja<").count(),
        1,
        "{}",
        page.body
    );

    // Bad input: every field says what is wrong, nothing is stored.
    let mut bad = fields("", &"x".repeat(1001));
    bad.retain(|(name, _)| name != "penilaian-4" && name != "unit");
    bad.push(("penilaian-4".into(), "mungkin".into()));
    bad.push(("unit".into(), String::new()));
    let reply = post(&site, &kabid, PAGE, &bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "id=\"catatan-3-error\">Paling banyak 1000 karakter.",
        "id=\"penilaian-4-error\">Pilih &#34;Berjalan dengan baik&#34; atau &#34;Tidak berjalan dengan baik&#34;.",
        "id=\"unit-error\">Isi nama unit kerja.",
    ] {
        assert!(
            reply.body.contains(message),
            "{message} not in {}",
            reply.body
        );
    }
    assert_eq!(store.monitoring_form(code, half).await.unwrap(), None);

    // Saved, then edited at its revision.
    let reply = post(&site, &kabid, PAGE, &fields("", "Catatan langkah 3")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let saved = store.monitoring_form(code, half).await.unwrap().unwrap();
    assert_eq!(saved.revision, 1);
    assert_eq!(saved.rows.len(), 9);
    assert_eq!(saved.rows[1].assessment, Some(Assessment::NotGood));
    assert_eq!(saved.rows[1].action, "Percepat registrasi surat masuk");
    let reply = post(&site, &kabid, PAGE, &fields("1", "Disposisi lancar")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // A save at the old revision is stale and changes nothing.
    let reply = post(&site, &kabid, PAGE, &fields("1", "Basi")).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    let draft = store.monitoring_form(code, half).await.unwrap().unwrap();
    assert_eq!(
        (draft.revision, draft.rows[2].note.as_str()),
        (2, "Disposisi lancar")
    );
    // A draft has no PDF yet, but an XLSX.
    let (status, _, _) =
        download(&site, &auditor, &format!("{PAGE}/{}/ekspor/pdf", draft.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The auditor may not sign; the assessor signs once.
    let id = draft.id.to_string();
    let reply = site
        .post_form(
            &auditor,
            &format!("{PAGE}/paraf"),
            &[("formulir", &id), ("revisi", "2")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    clock.set(wib(2026, 7, 15, 10, 0));
    let reply = site
        .post_form(
            &kabid,
            &format!("{PAGE}/paraf"),
            &[("formulir", &id), ("revisi", "2")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let signed = store.monitoring_form(code, half).await.unwrap().unwrap();
    assert_eq!(signed.signed_at, Some(wib(2026, 7, 15, 10, 0)));
    assert!(signed.seal_holds());
    // The signature issued the form's PDF in the same step: it verifies at /verifikasi before
    // anyone downloads it, and the signature's one event names it.
    let subject = format!("monitoring-sop:{id}:id");
    let at_signing = store
        .current_issued_document("monitoring-sop", &subject, "a4")
        .await
        .unwrap()
        .expect("the document is issued when the form is signed");
    assert_eq!(at_signing.issued_at, wib(2026, 7, 15, 10, 0));
    let verify = site
        .get("", &format!("/verifikasi/{}", at_signing.id))
        .await;
    assert_eq!(verify.status, StatusCode::OK);
    assert!(verify.body.contains(&at_signing.sha256), "{}", verify.body);
    let sign_event = store
        .recent_events(5)
        .await
        .unwrap()
        .into_iter()
        .find(|event| event.action == "monitoring.sign")
        .unwrap();
    assert_eq!(sign_event.detail["document"]["id"], at_signing.id.as_str());
    // After the signature nothing changes.
    let reply = post(&site, &kabid, PAGE, &fields("2", "Sesudah")).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("sudah diparaf"), "{}", reply.body);
    let reply = site
        .post_form(
            &kabid,
            &format!("{PAGE}/paraf"),
            &[("formulir", &id), ("revisi", "2")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        store.monitoring_form(code, half).await.unwrap().unwrap(),
        signed
    );
    let signs = store
        .recent_events(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|event| event.action == "monitoring.sign")
        .count();
    assert_eq!(signs, 1);

    // The signed page, as leadership reads it.
    let kadis = site.cookie("kepala_dinas").await;
    let page = site.get(&kadis, PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-status=\"signed\""));
    assert!(!page.body.contains("id=\"monitoring-form\""));
    assert!(page.body.contains("Percepat registrasi surat masuk"));
    // Signed, the work unit is one of the facts (there is no field any more).
    assert_eq!(page.body.matches(">Unit kerja<").count(), 1);
    let seal = &signed.content_sha256.clone().unwrap()[..16];
    assert!(page.body.contains(seal));

    // The PDF holds the page's rows and verifies at /verifikasi.
    let pdf_link = format!("{PAGE}/{id}/ekspor/pdf");
    assert!(page.body.contains(&pdf_link));
    let (status, media, pdf) = download(&site, &kadis, &pdf_link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(media, "application/pdf");
    let text = pdf_text(&pdf);
    for expected in [
        "FORMULIR MONITORING SOP",
        "Semester I 2026",
        "Bidang Aplikasi Informatika",
        "Berjalan dengan baik",
        "Tidak berjalan dengan baik",
        "Percepat registrasi surat masuk",
        "Disposisi lancar",
        "Catatan langkah 9",
        "Staf kabid_aptika",
        seal,
    ] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
    // The same issue is handed out again.
    let (_, _, again) = download(&site, &auditor, &pdf_link).await;
    assert_eq!(again, pdf);
    let issued = store
        .current_issued_document("monitoring-sop", &format!("monitoring-sop:{id}:id"), "a4")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(issued.sha256, pelihara_documents::sha256_hex(&pdf));
    // The download handed out the document issued at the signature, not a new one.
    assert_eq!(issued, at_signing);
    assert_eq!(
        store
            .issued_document_history("monitoring-sop", &subject, "a4")
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        text.contains(&issued.id),
        "the verification address is printed: {text}"
    );
    let verify = site.get("", &format!("/verifikasi/{}", issued.id)).await;
    assert_eq!(verify.status, StatusCode::OK);
    assert!(
        verify.body.contains("Formulir Monitoring SOP"),
        "{}",
        verify.body
    );
    assert!(verify.body.contains(&issued.sha256));

    // The XLSX holds the same rows, the chosen assessment ticked.
    let (status, _, bytes) = download(&site, &kadis, &format!("{PAGE}/{id}/ekspor/xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("Monitoring SOP").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let second = rows
        .iter()
        .find(|row| row.first() == Some(&Data::Float(2.0)))
        .expect("step 2's row");
    assert_eq!(second[3], Data::String("✓".into()));
    assert_eq!(second[2], Data::Empty);
    assert_eq!(
        second[5],
        Data::String("Percepat registrasi surat masuk".into())
    );
    assert_eq!(second[6], Data::String("SK".into()));
    assert!(
        rows.iter()
            .any(|row| row.get(4) == Some(&Data::String("Staf kabid_aptika".into())))
    );
    // An operator downloads nothing.
    let (status, _, _) = download(&site, &operator, &pdf_link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(store.verify_audit().await.unwrap().first_bad, None);
}

#[tokio::test]
async fn the_admin_sets_the_threshold_the_next_proposal_uses() {
    let (site, _clock) = site_with_history().await;
    let store = &site.test.services.store;
    let admin = site.cookie("admin").await;
    let auditor = site.cookie("auditor").await;
    let reply = site
        .post_form(&auditor, &format!("{PAGE}/ambang"), &[("ambang", "50")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    for bad in ["0", "101", "lima puluh", ""] {
        let reply = site
            .post_form(&admin, &format!("{PAGE}/ambang"), &[("ambang", bad)])
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            reply
                .body
                .contains("id=\"ambang-error\">Isi bilangan bulat 1 sampai 100.")
        );
    }
    assert_eq!(
        store.setting("monitoring.threshold_percent").await.unwrap(),
        None
    );
    let reply = site
        .post_form(
            &admin,
            &format!("{PAGE}/ambang"),
            &[
                ("ambang", "50"),
                ("sop", "pemeliharaan-aplikasi-website"),
                ("semester", "2026-1"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = site.get(&auditor, PAGE).await;
    assert!(page.body.contains("50 % tugas selesai dalam Mutu Baku"));
    assert!(page.body.contains("(ambang 50 %)"));
    // In English too.
    let page = site.get(&auditor, &format!("{PAGE}?lang=en")).await;
    assert!(page.body.contains("SOP Monitoring Form"), "{}", page.body);
    assert!(page.body.contains("Not running well"));
}

/// A half-year that ran two versions of the SOP: the proposal counts a step's tasks under
/// both (the earlier version's step doing the same activity), and shows the newest version's
/// median. Version 1: registered after 30 minutes (missed); version 2, published in April:
/// registered after 3 minutes (met). Step 2: 2 tasks, 1 within, 50 %.
#[tokio::test]
async fn the_proposal_counts_every_version_that_ran_in_the_half_year() {
    let (site, clock) = site_with_history().await;
    let admin = site.cookie("admin").await;
    let code = "pemeliharaan-aplikasi-website";
    clock.set(wib(2026, 4, 1, 9, 0));
    let shipped = include_str!("../../../../sop/pemeliharaan-aplikasi-website.toml");
    let second = shipped.replacen("\nversion = 1\n", "\nversion = 2\n", 1);
    let reply = site
        .post(
            &admin,
            "/admin/sop",
            &[Part::File("file", "v2.toml", second.into_bytes())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let reply = site
        .post(&admin, &format!("/admin/sop/{code}/2/terbitkan"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    clock.set(wib(2026, 4, 2, 9, 0));
    let case = site.submit().await;
    clock.set(wib(2026, 4, 2, 9, 3));
    let reply = site
        .act(
            "pelaksana",
            case,
            &[
                Part::Text("aksi", "register"),
                Part::Text("classification", "000.5.2.3"),
                Part::Text("letter_number", "440/2/2026"),
                Part::Text("letter_date", "2026-04-01"),
                Part::Text("urgency", "segera"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    clock.set(wib(2026, 7, 15, 9, 0));
    let auditor = site.cookie("auditor").await;
    let page = site.get(&auditor, PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    // 3 minutes of 5: 600 permille, its own bin, so the median reads 3 minutes.
    assert!(page.body.contains(
        "Di bawah ambang: 2 tugas selesai; 50,0 % dalam Mutu Baku (ambang 80 %); median 3 menit, Mutu Baku 5 menit."
    ), "{}", page.body);
}
