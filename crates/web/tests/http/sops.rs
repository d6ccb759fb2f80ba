//! HTTP tests of the admin page "SOP" through the real router: a broken file is refused with
//! each error's line:column in the user's language and saves nothing; a valid one is stored as
//! a draft, previewed (its flowchart pages as SVG) and published, which the running server's
//! catalog follows at once; retiring stops new requests; only an admin reaches any of it.

use axum::http::StatusCode;
use pelihara_store::SopVersionState;

use super::cases::{Part, site};

const LEAVE_SOP: &str = include_str!("../../../../sop/pemberian-izin-cuti.toml");
const LEAVE: &str = "pemberian-izin-cuti";
const MAINTENANCE: &str = "pemeliharaan-aplikasi-website";

#[tokio::test]
async fn a_broken_file_is_refused_with_line_and_column_and_nothing_is_saved() {
    let site = site().await;
    let store = &site.test.services.store;
    let admin = site.cookie("admin").await;
    let events = store.verify_audit().await.unwrap().events;
    // A decision whose "no" leads nowhere known, and an unknown unit, on lines the file numbers.
    let broken = LEAVE_SOP
        .replacen("unit = \"days\"", "unit = \"fortnights\"", 1)
        .replacen("\nversion = 1\n", "\nversion = \"satu\"\n", 1);
    assert_ne!(broken, LEAVE_SOP);
    let reply = site
        .post(
            &admin,
            "/admin/sop",
            &[Part::File("file", "cuti-rusak.toml", broken.into_bytes())],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(reply.body.contains("Berkas tidak dimuat"), "{}", reply.body);
    // Each error names the file and where in it: `cuti-rusak.toml:LINE:COLUMN: ...`.
    let located = reply
        .body
        .split("cuti-rusak.toml:")
        .skip(1)
        .filter(|rest| {
            let mut parts = rest.splitn(3, ':');
            let line = parts.next().unwrap_or_default();
            let column = parts.next().unwrap_or_default();
            line.parse::<u32>().is_ok() && column.parse::<u32>().is_ok()
        })
        .count();
    assert!(located >= 1, "{}", reply.body);
    // Nothing stored, nothing audited.
    assert_eq!(store.sop_versions().await.unwrap().len(), 1);
    assert_eq!(store.verify_audit().await.unwrap().events, events);

    // Not a text file, no file, and an English reader.
    let reply = site
        .post(
            &admin,
            "/admin/sop",
            &[Part::File("file", "sop.toml", vec![0xff, 0xfe, 0x00, 0x41])],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("bukan teks UTF-8"), "{}", reply.body);
    let reply = site.post(&admin, "/admin/sop", &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Pilih berkas SOP"), "{}", reply.body);
    let reply = site
        .post(
            &format!("{admin}; lang=en"),
            "/admin/sop",
            &[Part::File(
                "file",
                "x.toml",
                b"format = 1\n[sop]\n".to_vec(),
            )],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Nothing was saved"), "{}", reply.body);
    assert!(reply.body.contains("x.toml:2:"), "{}", reply.body);
    assert_eq!(store.sop_versions().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_admin_loads_previews_publishes_and_retires_an_sop() {
    let site = site().await;
    let services = &site.test.services;
    let admin = site.cookie("admin").await;

    let reply = site
        .post(
            &admin,
            "/admin/sop",
            &[Part::File(
                "file",
                "cuti.toml",
                LEAVE_SOP.as_bytes().to_vec(),
            )],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location,
        format!("/admin/sop/{LEAVE}/1?ok=sop-loaded")
    );
    // A draft: stored, not in force.
    let stored = services.store.sop_versions().await.unwrap();
    let leave = stored.iter().find(|stored| stored.code == LEAVE).unwrap();
    assert_eq!(leave.state, SopVersionState::Draft);
    assert!(services.catalog.snapshot().current(LEAVE).is_none());

    let preview = site.get(&admin, &reply.location).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("Pemberian Izin Cuti"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("dimuat sebagai draf"));
    let svg = format!("/admin/sop/{LEAVE}/1/bagan/1");
    assert!(preview.body.contains(&svg), "{}", preview.body);
    let page = site.get(&admin, &svg).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.starts_with("<svg") || page.body.contains("<svg"));
    assert_eq!(
        site.get(&admin, &format!("/admin/sop/{LEAVE}/1/bagan/99"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get(&admin, "/admin/sop/tidak-ada/1").await.status,
        StatusCode::NOT_FOUND
    );

    // Publishing puts it in force on this server at once.
    let reply = site
        .post(&admin, &format!("/admin/sop/{LEAVE}/1/terbitkan"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let current = services.catalog.snapshot().current(LEAVE).unwrap();
    assert_eq!(current.header.version, 1);
    let list = site.get(&admin, "/admin/sop").await;
    assert!(list.body.contains("Pemberian Izin Cuti"));
    assert!(list.body.contains("berlaku"));

    // Retiring asks first: a post without the confirmation (a stale form, a forged link) is
    // sent to the confirmation step and changes nothing.
    let retire = format!("/admin/sop/{MAINTENANCE}/hentikan");
    let reply = site.post_form(&admin, &retire, &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location, retire);
    assert!(services.catalog.snapshot().current(MAINTENANCE).is_some());
    let confirm = site.get(&admin, &retire).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("Hentikan SOP ini?"),
        "{}",
        confirm.body
    );
    assert!(
        confirm
            .body
            .contains("tidak lagi menerima permohonan baru mulai saat ini"),
        "{}",
        confirm.body
    );
    // Retiring the maintenance SOP stops its new requests; its page offers it again.
    let reply = site.post_form(&admin, &retire, &[("confirm", "1")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location, "/admin/sop?ok=sop-retired");
    assert!(services.catalog.snapshot().current(MAINTENANCE).is_none());
    let operator = site.cookie("op.dinkes").await;
    let app = services
        .store
        .list_apps(Some(site.people().opd))
        .await
        .unwrap()[0]
        .id
        .to_string();
    let reply = site
        .post(
            &operator,
            "/permohonan/baru",
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", "Perbaikan formulir SIMPUS"),
                Part::Text("description", "Formulir rujukan gagal disimpan."),
                Part::File("letter", "surat.pdf", b"%PDF-1.4\n%%EOF\n".to_vec()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    assert!(
        services
            .store
            .list_cases(None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Retiring what is retired already: nothing to do, and nothing to confirm.
    let reply = site.post_form(&admin, &retire, &[("confirm", "1")]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        site.get(&admin, &retire).await.status,
        StatusCode::NOT_FOUND
    );
    let reply = site
        .post(
            &admin,
            &format!("/admin/sop/{MAINTENANCE}/1/terbitkan"),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(services.catalog.snapshot().current(MAINTENANCE).is_some());

    let actions: Vec<String> = services
        .store
        .recent_events(10)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .filter(|action| action.starts_with("sop."))
        .collect();
    assert_eq!(
        actions,
        ["sop.publish", "sop.retire", "sop.publish", "sop.load"]
    );
}

#[tokio::test]
async fn only_an_admin_reaches_the_sop_pages() {
    let site = site().await;
    let store = &site.test.services.store;
    for username in ["op.dinkes", "pelaksana", "kepala_dinas", "auditor"] {
        let cookie = site.cookie(username).await;
        for uri in [
            "/admin/sop".to_owned(),
            format!("/admin/sop/{MAINTENANCE}/1"),
            format!("/admin/sop/{MAINTENANCE}/1/bagan/1"),
        ] {
            let reply = site.get(&cookie, &uri).await;
            assert!(
                matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{username} {uri}: {}",
                reply.status
            );
        }
        let reply = site
            .post(
                &cookie,
                "/admin/sop",
                &[Part::File(
                    "file",
                    "cuti.toml",
                    LEAVE_SOP.as_bytes().to_vec(),
                )],
            )
            .await;
        assert!(matches!(
            reply.status,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ));
        let reply = site
            .post(&cookie, &format!("/admin/sop/{MAINTENANCE}/hentikan"), &[])
            .await;
        assert!(matches!(
            reply.status,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ));
    }
    assert_eq!(store.sop_versions().await.unwrap().len(), 1);
    assert!(
        site.test
            .services
            .catalog
            .snapshot()
            .current(MAINTENANCE)
            .is_some()
    );
}
