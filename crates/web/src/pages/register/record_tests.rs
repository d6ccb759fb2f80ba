//! The yearly maintenance record of an app through the real router: each case of the year
//! with its step times against the SOP's standard (split from `maintenance_tests`, whose
//! world it walks in).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Utc};
use pelihara_domain::AppId;
use pelihara_store::AuditSource;

use super::maintenance_tests::{LETTER, World, wib, world};
use crate::testing::TEST_HOST;

/// Walks one request for `app` through the whole SOP at the given moments (each step one
/// moment later), through the store as the pages would.
async fn maintained(w: &World, app: AppId, moments: &[DateTime<Utc>]) {
    use pelihara_domain::*;
    let services = w.services();
    let store = &services.store;
    let people = store.list_users().await.unwrap();
    let actor = async |username: &str| {
        let id = people
            .iter()
            .find(|stored| stored.user.username == username)
            .unwrap()
            .user
            .id;
        store.actor(id).await.unwrap().unwrap()
    };
    let operator = actor("op.dinkes").await;
    let sop = services
        .catalog
        .snapshot()
        .current("pemeliharaan-aplikasi-website")
        .unwrap();
    let sha256 = services.blobs.put(LETTER).await.unwrap();
    let case = store
        .submit_case(
            &sop,
            &services.calendar.snapshot(),
            &operator,
            SubmitInput {
                opd_id: Some(w.opd),
                app_id: Some(app),
                subject: "Pemeliharaan SIMPUS".into(),
                description: "Laporan gagal diunduh".into(),
                letter: Some(DocumentRef {
                    sha256,
                    file_name: "surat.pdf".into(),
                    size: LETTER.len() as u64,
                    media_type: "application/pdf".into(),
                }),
                intake: Default::default(),
                tracking_code: new_tracking_code(),
            },
            moments[0],
            &AuditSource::cli("test"),
        )
        .await
        .unwrap()
        .case
        .id;
    let steps: Vec<(&str, Command)> = vec![
        (
            "pelaksana",
            Command::RegisterLetter(RegistrationInput {
                classification: "000.5.2.3".into(),
                urgency: Urgency::Biasa,
                confidentiality: Confidentiality::Biasa,
                letter_number: "440/12/2027".into(),
                letter_date: chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            }),
        ),
        ("kepala_dinas", dispose()),
        ("sekretaris", dispose()),
        ("kabid_aptika", dispose()),
        (
            "subkoor_spa",
            Command::Analyse {
                findings: "Versi PHP usang".into(),
                verdict: Verdict::Maintainable,
                recommendation: String::new(),
            },
        ),
        (
            "pelaksana",
            Command::Maintain {
                work_log: "Pembaruan".into(),
                result: "PHP 8.3 dan perbaikan unduhan".into(),
                version: "2.1".into(),
            },
        ),
        (
            "pelaksana",
            Command::Host(HostingRecord {
                server: "srv-02".into(),
                domain: "simpus.demakkab.go.id".into(),
                network_officer: "Joko".into(),
                deployed: true,
                ..HostingRecord::default()
            }),
        ),
        (
            "subkoor_spa",
            Command::Present {
                held_at: moments[8],
                place: "Ruang rapat".into(),
                attendees: "Dinkes".into(),
                summary: "Dipaparkan".into(),
            },
        ),
        (
            "op.dinkes",
            Command::Accept {
                note: "Diterima".into(),
            },
        ),
    ];
    for (index, (who, command)) in steps.into_iter().enumerate() {
        let person = actor(who).await;
        store
            .act(
                &services.catalog.snapshot(),
                &services.calendar.snapshot(),
                &services.identity.snapshot().rules.agenda,
                case,
                &person,
                None,
                command,
                moments[index + 1],
                &AuditSource::cli("test"),
            )
            .await
            .unwrap();
    }
}

fn dispose() -> pelihara_domain::Command {
    pelihara_domain::Command::Dispose {
        instructions: vec!["Tindak lanjuti".into()],
        note: "Mohon segera".into(),
    }
}

#[tokio::test]
async fn the_yearly_record_lists_each_case_with_step_times_against_the_standard() {
    let w = world().await;
    let app = w.add(w.opd, "SIMPUS").await;
    // Monday 1 March 2027 from 08.00 WIB: registration after 2 working hours (standard:
    // minutes, so beyond it), maintenance on the 5th.
    let moments = [
        wib(2027, 3, 1, 8),
        wib(2027, 3, 1, 10),
        wib(2027, 3, 1, 11),
        wib(2027, 3, 1, 12),
        wib(2027, 3, 1, 13),
        wib(2027, 3, 2, 9),
        wib(2027, 3, 5, 9),
        wib(2027, 3, 5, 10),
        wib(2027, 3, 8, 9),
        wib(2027, 3, 8, 11),
    ];
    maintained(&w, app, &moments).await;
    w.set_now(wib(2027, 3, 9, 9));
    let operator = w.sign_in("op.dinkes").await;
    let other = w.sign_in("op.disdik").await;
    let page = w
        .get(&operator, &format!("/aplikasi/{app}/pemeliharaan/2027"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Data Pemeliharaan 2027",
        "Pemeliharaan SIMPUS",
        "Dapat dipelihara",
        "PHP 8.3 dan perbaikan unduhan",
        "srv-02 · simpus.demakkab.go.id",
        "Staf pelaksana",
        "2 jam 0 menit",
        "melebihi",
        "sesuai",
    ] {
        assert!(page.body.contains(text), "{text} missing: {}", page.body);
    }
    let app_page = w.get(&operator, &format!("/aplikasi/{app}")).await;
    assert!(
        app_page
            .body
            .contains(&format!("/aplikasi/{app}/pemeliharaan/2027"))
    );
    let empty = w
        .get(&operator, &format!("/aplikasi/{app}/pemeliharaan/2026"))
        .await;
    assert!(
        empty
            .body
            .contains("Tidak ada permohonan pemeliharaan pada tahun 2026.")
    );
    let hidden = w
        .get(&other, &format!("/aplikasi/{app}/pemeliharaan/2027"))
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    let csv = w
        .get(
            &operator,
            &format!("/aplikasi/{app}/pemeliharaan/2027?format=csv"),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Kode pelacakan"));
    // Step 2 (registration, 5 working minutes) took two working hours; step 7 (30 working
    // days) three days.
    assert!(
        csv.body
            .contains("2 jam 0 menit / 5 menit kerja (melebihi)"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("3,0 hari / 30 hari kerja (sesuai)"));
    assert_eq!(
        csv.body.lines().count(),
        1 + 10,
        "a header and one line per step (step 1 to 9, step 9 twice: present and decide)"
    );
    let xlsx = w
        .send(
            Request::builder()
                .uri(format!("/aplikasi/{app}/pemeliharaan/2027?format=xlsx"))
                .header(header::HOST, TEST_HOST)
                .header(header::COOKIE, &operator)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"), "a zip container");

    // The printable record: its text read back with pdftotext.
    let pdf = w
        .get(
            &operator,
            &format!("/aplikasi/{app}/pemeliharaan/2027?format=pdf"),
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("record.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext");
    let text = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "DATA PEMELIHARAAN APLIKASI/WEBSITE 2027",
        "SIMPUS",
        "Dinas Kesehatan",
        "Pemeliharaan SIMPUS",
        "PHP 8.3 dan perbaikan unduhan",
        "srv-02 · simpus.demakkab.go.id",
        "2 jam 0 menit",
        "5 menit kerja",
        "melebihi",
        "Operator Dinkes",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
}
