//! The authorization matrix: every page route of the router, for every kind of person (signed
//! out, the administrator, the auditor, the head of office, a Pelaksana, the operator of the OPD
//! that owns the case and the app, and the operator of another OPD). Whoever the table does not
//! allow is refused (sent to sign in, 403 or 404) and writes nothing; whoever it allows gets
//! the page or the form's own answer. A route added to the router without a row here fails the
//! test, so no route is ever left out. The JSON API has its own guard (`Bearer` tokens, see
//! `api.rs`: every described path answers 401 without one).

use axum::http::StatusCode;
use pelihara_domain::{Role, UserId};
use pelihara_store::AuditSource;
use pelihara_store::people::NewUser;

use super::cases::{Part, Site, site};

/// A kind of person the matrix signs in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Auditor,
    Head,
    Pelaksana,
    OwnOpd,
    OtherOpd,
}

const EVERYONE: [Who; 7] = [
    Who::Anonymous,
    Who::Admin,
    Who::Auditor,
    Who::Head,
    Who::Pelaksana,
    Who::OwnOpd,
    Who::OtherOpd,
];
const SIGNED_IN: &[Who] = &[
    Who::Admin,
    Who::Auditor,
    Who::Head,
    Who::Pelaksana,
    Who::OwnOpd,
    Who::OtherOpd,
];
const ADMIN: &[Who] = &[Who::Admin];
/// Everyone who may see the DINKES case and app: all but another OPD's operator.
const SEES_OWN_OPD: &[Who] = &[
    Who::Admin,
    Who::Auditor,
    Who::Head,
    Who::Pelaksana,
    Who::OwnOpd,
];
/// The office's side: staff, auditor, admin (not OPD operators).
const OFFICE_SIDE: &[Who] = &[Who::Admin, Who::Auditor, Who::Head, Who::Pelaksana];
const OPERATORS: &[Who] = &[Who::OwnOpd, Who::OtherOpd];

impl Who {
    fn username(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::Admin => Some("admin"),
            Who::Auditor => Some("auditor"),
            Who::Head => Some("kepala_dinas"),
            Who::Pelaksana => Some("pelaksana"),
            Who::OwnOpd => Some("op.dinkes"),
            Who::OtherOpd => Some("op.disdik"),
        }
    }
}

/// How a route's request carries its (empty) form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    PostForm,
    PostMultipart,
}

/// One row: a method and a route of the router, the address to try (its `{...}` filled with
/// the seeded DINKES case, app and so on), and who may use it.
struct Row {
    method: Method,
    route: &'static str,
    uri: String,
    may: &'static [Who],
}

/// The ids the addresses are filled with.
struct Seeded {
    case: String,
    app: String,
    victim_user: UserId,
    victim_opd: String,
    delegation: String,
    notification: String,
    token: String,
    document: String,
    draft: String,
    skm_invitation: String,
    tracking: String,
    service_account: String,
    service_token: String,
}

async fn seed(site: &Site) -> Seeded {
    let services = &site.test.services;
    let store = &services.store;
    let now = services.clock.now();
    let system = AuditSource::cli("test");
    let case = site.submit().await;
    let app = site.app_id().await;

    // Targets of the admin's forms that no other row depends on.
    let victim_user = store
        .create_user(
            NewUser {
                username: "korban".into(),
                full_name: "Pengguna Sasaran".into(),
                nip: None,
                email: None,
                role: Role::Staff,
                positions: Vec::new(),
                opd_id: None,
                password_hash: "x".into(),
            },
            &system,
            now,
        )
        .await
        .unwrap();
    let victim_opd = store
        .create_opd("SASARAN", "Dinas Sasaran", &system, now)
        .await
        .unwrap();
    let delegation = pelihara_domain::Delegation {
        id: pelihara_domain::DelegationId::random(),
        position: "kepala_dinas".into(),
        kind: pelihara_domain::DelegationKind::Plh,
        delegate: site.people().staff_in("sekretaris"),
        official_name: "Pejabat".into(),
        from: now,
        until: now + chrono::Duration::days(3),
        revoked: false,
    };
    store
        .add_delegation(&delegation, &system, now)
        .await
        .unwrap();

    // A notification of the new request for the Pelaksana (theirs alone), as the scheduler
    // records it.
    let pelaksana = site.people().staff_in("pelaksana");
    let notification = store
        .record_notification(
            &pelihara_domain::notification::NewNotification {
                recipient: pelaksana,
                dedupe_key: format!("case:{case}:arrived"),
                kind: pelihara_domain::notification::NotificationKind::TaskArrived,
                case_id: Some(case),
                task_id: None,
                app_id: None,
                link_path: format!("/permohonan/{case}"),
                detail: Default::default(),
            },
            &[pelihara_domain::notification::Channel::InApp],
            now,
        )
        .await
        .unwrap()
        .expect("a new notification")
        .to_string();

    // A service account and its token: the admin's service-account pages.
    let service_account = store
        .create_service_account(
            pelihara_store::people::NewServiceAccount {
                username: "sistem.layanan".into(),
                full_name: "Sistem layanan".into(),
                role: pelihara_domain::Role::OpdOperator,
                positions: Vec::new(),
                opd_id: Some(site.people().opd),
            },
            &system,
            now,
        )
        .await
        .unwrap();
    let service_token = store
        .create_token(
            pelihara_store::tokens::NewToken {
                user_id: service_account,
                prefix: "plh_0e0e0e0e".into(),
                secret_hash: "e".repeat(64),
                name: "Sistem layanan".into(),
                scopes: vec![pelihara_store::tokens::TokenScope::Read],
                expires_at: now + chrono::Duration::days(30),
            },
            &system,
            now,
        )
        .await
        .unwrap()
        .id
        .to_string();

    // The DINKES operator's API token (theirs alone).
    let token = store
        .create_token(
            pelihara_store::tokens::NewToken {
                user_id: site.people().operator,
                prefix: "plh_0a0b0c0d".into(),
                secret_hash: "0".repeat(64),
                name: "Sistem OPD".into(),
                scopes: vec![pelihara_store::tokens::TokenScope::Read],
                expires_at: now + chrono::Duration::days(30),
            },
            &system,
            now,
        )
        .await
        .unwrap()
        .id
        .to_string();

    // The receipt, issued when the operator first downloads it.
    let own = site.cookie("op.dinkes").await;
    let receipt = site
        .get(&own, &format!("/permohonan/{case}/dokumen/tanda-terima"))
        .await;
    assert_eq!(receipt.status, StatusCode::OK);
    let document = store
        .recent_events(50)
        .await
        .unwrap()
        .into_iter()
        .find(|event| event.detail["kind"] == "tanda-terima")
        .and_then(|event| event.detail["id"].as_str().map(str::to_owned))
        .expect("the receipt was issued");

    // A maintenance draft of a second DINKES app (the first has the open case), prepared as
    // the register would when it falls due a year and more after its registration.
    let archive = store
        .create_app(
            site.people().opd,
            pelihara_store::register::NewApp {
                name: "Arsip Dinkes".into(),
                ..Default::default()
            },
            &system,
            now,
        )
        .await
        .unwrap();
    let policy = store.maintenance_policy(12).await.unwrap();
    let draft = match store
        .prepare_maintenance_draft(
            archive,
            &services.calendar.snapshot(),
            &policy,
            now + chrono::Duration::days(400),
            pelihara_store::maintenance::DraftOrigin::Manual,
            &system,
        )
        .await
        .unwrap()
    {
        pelihara_store::maintenance::DraftOutcome::Prepared(draft) => draft.to_string(),
        other => panic!("no draft: {other:?}"),
    };

    let state = site.state(case).await;
    Seeded {
        case: case.to_string(),
        app,
        victim_user,
        victim_opd: victim_opd.to_string(),
        delegation: delegation.id.to_string(),
        notification,
        token,
        document,
        draft,
        skm_invitation: uuid::Uuid::new_v4().to_string(),
        tracking: state.case.tracking_code.clone(),
        service_account: service_account.to_string(),
        service_token,
    }
}

/// Every page route, who may use it and the address tried (`asset`: a stylesheet's hashed
/// address, as a page links it).
fn rows(seeded: &Seeded, asset: &str) -> Vec<Row> {
    let asset = asset.to_owned();
    use Method::{Get, PostForm, PostMultipart};
    let Seeded {
        case,
        app,
        victim_user,
        victim_opd,
        delegation,
        notification,
        token,
        document,
        draft,
        skm_invitation,
        tracking,
        service_account,
        service_token,
    } = seeded;
    let year = "2026";
    let row = |method, route: &'static str, uri: String, may| Row {
        method,
        route,
        uri,
        may,
    };
    vec![
        row(Get, "/", "/".into(), &EVERYONE),
        row(Get, "/bahasa", "/bahasa?lang=en".into(), &EVERYONE),
        row(PostForm, "/bahasa", "/bahasa".into(), &EVERYONE),
        row(Get, "/static/{*path}", asset.clone(), &EVERYONE),
        row(Get, "/healthz", "/healthz".into(), &EVERYONE),
        row(Get, "/masuk", "/masuk".into(), &EVERYONE),
        row(PostForm, "/masuk", "/masuk".into(), &EVERYONE),
        row(Get, "/lupa-sandi", "/lupa-sandi".into(), &EVERYONE),
        row(PostForm, "/lupa-sandi", "/lupa-sandi".into(), &EVERYONE),
        // Setting a new password needs the mailed link: an unknown one is refused to all.
        row(
            Get,
            "/lupa-sandi/atur",
            "/lupa-sandi/atur?token=tidak-dikenal".into(),
            &[],
        ),
        row(
            PostForm,
            "/lupa-sandi/atur",
            "/lupa-sandi/atur?token=tidak-dikenal".into(),
            &[],
        ),
        row(
            Get,
            "/verifikasi/{id}",
            format!("/verifikasi/{document}"),
            &EVERYONE,
        ),
        row(
            PostMultipart,
            "/verifikasi/{id}",
            format!("/verifikasi/{document}"),
            &EVERYONE,
        ),
        row(Get, "/lacak", "/lacak".into(), &EVERYONE),
        row(
            Get,
            "/lacak/{code}",
            format!("/lacak/{tracking}"),
            &EVERYONE,
        ),
        // The first run and invitations need their one-time links: an unknown one (or, once an
        // administrator exists, any) is refused to all.
        row(Get, "/pasang", "/pasang?token=tidak-dikenal".into(), &[]),
        row(
            PostForm,
            "/pasang",
            "/pasang?token=tidak-dikenal".into(),
            &[],
        ),
        row(
            Get,
            "/undangan",
            "/undangan?token=tidak-dikenal".into(),
            &[],
        ),
        row(
            PostForm,
            "/undangan",
            "/undangan?token=tidak-dikenal".into(),
            &[],
        ),
        // The second step of signing in exists only between a password and a code: signed out
        // without one, back to sign in; signed in already, sent on to the pages.
        row(Get, "/masuk/kode", "/masuk/kode".into(), SIGNED_IN),
        row(PostForm, "/masuk/kode", "/masuk/kode".into(), SIGNED_IN),
        row(
            Get,
            "/masuk/atur-kode",
            "/masuk/atur-kode".into(),
            SIGNED_IN,
        ),
        row(
            PostForm,
            "/masuk/atur-kode",
            "/masuk/atur-kode".into(),
            SIGNED_IN,
        ),
        // Single sign-on: without a provider configured (as here) there is none, for anybody.
        row(Get, "/masuk/sso", "/masuk/sso".into(), &[]),
        row(
            Get,
            "/masuk/sso/kembali",
            "/masuk/sso/kembali?code=x&state=y".into(),
            &[],
        ),
        // Administration.
        row(Get, "/admin/pengguna", "/admin/pengguna".into(), ADMIN),
        row(PostForm, "/admin/pengguna", "/admin/pengguna".into(), ADMIN),
        row(
            Get,
            "/admin/pengguna/{id}",
            format!("/admin/pengguna/{victim_user}"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pengguna/{id}",
            format!("/admin/pengguna/{victim_user}"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pengguna/{id}/aktif",
            format!("/admin/pengguna/{victim_user}/aktif"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pengguna/{id}/sandi",
            format!("/admin/pengguna/{victim_user}/sandi"),
            ADMIN,
        ),
        row(
            Get,
            "/admin/pengguna/{id}/dua-langkah",
            format!("/admin/pengguna/{victim_user}/dua-langkah"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pengguna/{id}/dua-langkah",
            format!("/admin/pengguna/{victim_user}/dua-langkah"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pengguna/{id}/sso-lepas",
            format!("/admin/pengguna/{victim_user}/sso-lepas"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pengguna/{id}/undangan",
            format!("/admin/pengguna/{victim_user}/undangan"),
            ADMIN,
        ),
        row(
            Get,
            "/admin/pengguna/{id}/nonaktifkan",
            format!("/admin/pengguna/{victim_user}/nonaktifkan"),
            ADMIN,
        ),
        row(Get, "/admin/delegasi", "/admin/delegasi".into(), ADMIN),
        row(PostForm, "/admin/delegasi", "/admin/delegasi".into(), ADMIN),
        row(
            Get,
            "/admin/delegasi/pejabat",
            "/admin/delegasi/pejabat?position=kepala_dinas".into(),
            ADMIN,
        ),
        row(
            Get,
            "/admin/delegasi/{id}/cabut",
            format!("/admin/delegasi/{delegation}/cabut"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/delegasi/{id}/cabut",
            format!("/admin/delegasi/{delegation}/cabut"),
            ADMIN,
        ),
        row(
            Get,
            "/admin/akun-layanan",
            "/admin/akun-layanan".into(),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/akun-layanan",
            "/admin/akun-layanan".into(),
            ADMIN,
        ),
        row(
            Get,
            "/admin/akun-layanan/{id}",
            format!("/admin/akun-layanan/{service_account}"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/akun-layanan/{id}/token",
            format!("/admin/akun-layanan/{service_account}/token"),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/akun-layanan/{id}/token/{token}/cabut",
            format!("/admin/akun-layanan/{service_account}/token/{service_token}/cabut"),
            ADMIN,
        ),
        row(Get, "/admin/opd", "/admin/opd".into(), ADMIN),
        row(PostForm, "/admin/opd", "/admin/opd".into(), ADMIN),
        row(
            PostForm,
            "/admin/opd/{id}/aktif",
            format!("/admin/opd/{victim_opd}/aktif"),
            ADMIN,
        ),
        row(
            Get,
            "/admin/opd/{id}/nonaktifkan",
            format!("/admin/opd/{victim_opd}/nonaktifkan"),
            ADMIN,
        ),
        row(Get, "/admin/libur", "/admin/libur".into(), ADMIN),
        row(PostForm, "/admin/libur", "/admin/libur".into(), ADMIN),
        row(
            PostForm,
            "/admin/libur/hapus",
            "/admin/libur/hapus".into(),
            ADMIN,
        ),
        row(Get, "/admin/kop", "/admin/kop".into(), ADMIN),
        row(PostMultipart, "/admin/kop", "/admin/kop".into(), ADMIN),
        row(Get, "/admin/sop", "/admin/sop".into(), ADMIN),
        row(PostMultipart, "/admin/sop", "/admin/sop".into(), ADMIN),
        row(
            Get,
            "/admin/sop/{code}/{version}",
            "/admin/sop/pemeliharaan-aplikasi-website/1".into(),
            ADMIN,
        ),
        row(
            Get,
            "/admin/sop/{code}/{version}/bagan/{page}",
            "/admin/sop/pemeliharaan-aplikasi-website/1/bagan/1".into(),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/sop/{code}/{version}/terbitkan",
            "/admin/sop/pemeliharaan-aplikasi-website/1/terbitkan".into(),
            ADMIN,
        ),
        row(
            Get,
            "/admin/sop/{code}/hentikan",
            "/admin/sop/pemeliharaan-aplikasi-website/hentikan".into(),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/sop/{code}/hentikan",
            "/admin/sop/pemeliharaan-aplikasi-website/hentikan".into(),
            ADMIN,
        ),
        // The delivery log: the auditor reads it too.
        row(
            Get,
            "/admin/notifikasi",
            "/admin/notifikasi".into(),
            &[Who::Admin, Who::Auditor],
        ),
        // The audit trail: the auditor reads it too.
        row(
            Get,
            "/admin/jejak-audit",
            "/admin/jejak-audit".into(),
            &[Who::Admin, Who::Auditor],
        ),
        row(
            Get,
            "/admin/pemeliharaan",
            "/admin/pemeliharaan".into(),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pemeliharaan",
            "/admin/pemeliharaan".into(),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pemeliharaan/jaringan",
            "/admin/pemeliharaan/jaringan".into(),
            ADMIN,
        ),
        row(Get, "/admin/impor", "/admin/impor".into(), ADMIN),
        row(PostMultipart, "/admin/impor", "/admin/impor".into(), ADMIN),
        row(
            Get,
            "/admin/ekspor/{file}",
            "/admin/ekspor/opd.csv".into(),
            ADMIN,
        ),
        row(Get, "/admin/keamanan", "/admin/keamanan".into(), ADMIN),
        row(PostForm, "/admin/keamanan", "/admin/keamanan".into(), ADMIN),
        row(
            PostForm,
            "/admin/keamanan/sso",
            "/admin/keamanan/sso".into(),
            ADMIN,
        ),
        row(
            PostForm,
            "/admin/pengguna/{id}/penilai",
            format!("/admin/pengguna/{victim_user}/penilai"),
            ADMIN,
        ),
        // One's own notifications and account.
        row(Get, "/notifikasi", "/notifikasi".into(), SIGNED_IN),
        // Signed out, the bell is an empty fragment: nothing to show, nothing to refuse.
        row(
            Get,
            "/notifikasi/lonceng",
            "/notifikasi/lonceng".into(),
            &EVERYONE,
        ),
        row(
            PostForm,
            "/notifikasi/baca-semua",
            "/notifikasi/baca-semua".into(),
            SIGNED_IN,
        ),
        row(
            PostForm,
            "/notifikasi/{id}/baca",
            format!("/notifikasi/{notification}/baca"),
            &[Who::Pelaksana],
        ),
        row(
            Get,
            "/notifikasi/{id}/buka",
            format!("/notifikasi/{notification}/buka"),
            &[Who::Pelaksana],
        ),
        row(
            Get,
            "/akun/notifikasi",
            "/akun/notifikasi".into(),
            SIGNED_IN,
        ),
        row(
            PostForm,
            "/akun/notifikasi",
            "/akun/notifikasi".into(),
            SIGNED_IN,
        ),
        row(Get, "/akun/sandi", "/akun/sandi".into(), SIGNED_IN),
        row(PostForm, "/akun/sandi", "/akun/sandi".into(), SIGNED_IN),
        row(Get, "/akun/token", "/akun/token".into(), SIGNED_IN),
        row(PostForm, "/akun/token", "/akun/token".into(), SIGNED_IN),
        row(
            PostForm,
            "/akun/token/{id}/cabut",
            format!("/akun/token/{token}/cabut"),
            &[Who::OwnOpd],
        ),
        row(
            Get,
            "/akun/dua-langkah",
            "/akun/dua-langkah".into(),
            SIGNED_IN,
        ),
        row(
            PostForm,
            "/akun/dua-langkah/aktifkan",
            "/akun/dua-langkah/aktifkan".into(),
            SIGNED_IN,
        ),
        row(
            PostForm,
            "/akun/dua-langkah/kode-pemulihan",
            "/akun/dua-langkah/kode-pemulihan".into(),
            SIGNED_IN,
        ),
        row(
            PostForm,
            "/akun/dua-langkah/nonaktifkan",
            "/akun/dua-langkah/nonaktifkan".into(),
            SIGNED_IN,
        ),
        // Work and requests.
        row(Get, "/tugas", "/tugas".into(), SIGNED_IN),
        row(Get, "/dasbor", "/dasbor".into(), SIGNED_IN),
        row(
            Get,
            "/laporan/mutu-baku",
            "/laporan/mutu-baku".into(),
            SIGNED_IN,
        ),
        row(
            Get,
            "/laporan/mutu-baku/tugas",
            "/laporan/mutu-baku/tugas?kelompok=opd&hasil=open".into(),
            SIGNED_IN,
        ),
        row(
            Get,
            "/laporan/mutu-baku/permohonan",
            "/laporan/mutu-baku/permohonan?k_sop=x&k_versi=1&hasil=finished".into(),
            SIGNED_IN,
        ),
        row(
            Get,
            "/laporan/pemeliharaan",
            "/laporan/pemeliharaan".into(),
            SIGNED_IN,
        ),
        // The SOP monitoring form: the office reads it; only an appointed assessor (nobody
        // here) saves and signs; the threshold is the administrator's.
        row(
            Get,
            "/laporan/monitoring-sop",
            "/laporan/monitoring-sop".into(),
            OFFICE_SIDE,
        ),
        row(
            PostForm,
            "/laporan/monitoring-sop",
            "/laporan/monitoring-sop".into(),
            &[],
        ),
        row(
            PostForm,
            "/laporan/monitoring-sop/paraf",
            "/laporan/monitoring-sop/paraf".into(),
            &[],
        ),
        row(
            PostForm,
            "/laporan/monitoring-sop/ambang",
            "/laporan/monitoring-sop/ambang".into(),
            ADMIN,
        ),
        row(
            Get,
            "/laporan/monitoring-sop/{id}/ekspor/{format}",
            format!(
                "/laporan/monitoring-sop/{}/ekspor/pdf",
                uuid::Uuid::new_v4()
            ),
            &[],
        ),
        row(Get, "/permohonan", "/permohonan".into(), SIGNED_IN),
        row(
            Get,
            "/permohonan/baru",
            "/permohonan/baru".into(),
            OPERATORS,
        ),
        row(
            PostMultipart,
            "/permohonan/baru",
            "/permohonan/baru".into(),
            OPERATORS,
        ),
        row(
            Get,
            "/permohonan/{id}",
            format!("/permohonan/{case}"),
            SEES_OWN_OPD,
        ),
        row(
            Get,
            "/permohonan/{id}/surat",
            format!("/permohonan/{case}/surat"),
            SEES_OWN_OPD,
        ),
        row(
            PostMultipart,
            "/permohonan/{id}/aksi",
            format!("/permohonan/{case}/aksi"),
            SEES_OWN_OPD,
        ),
        row(
            Get,
            "/permohonan/{id}/dokumen/{kind}",
            format!("/permohonan/{case}/dokumen/tanda-terima"),
            SEES_OWN_OPD,
        ),
        row(
            PostForm,
            "/permohonan/draf/{id}/buang",
            format!("/permohonan/draf/{draft}/buang"),
            &[Who::Admin, Who::Pelaksana, Who::OwnOpd],
        ),
        // The register of apps and websites.
        row(Get, "/aplikasi", "/aplikasi".into(), SIGNED_IN),
        row(
            Get,
            "/aplikasi/ekspor",
            "/aplikasi/ekspor?format=csv".into(),
            SIGNED_IN,
        ),
        row(
            Get,
            "/aplikasi/impor",
            "/aplikasi/impor".into(),
            &[Who::Admin, Who::Pelaksana],
        ),
        row(
            PostMultipart,
            "/aplikasi/impor",
            "/aplikasi/impor".into(),
            &[Who::Admin, Who::Pelaksana],
        ),
        // An OPD proposes an app on its new request form, not here.
        row(
            Get,
            "/aplikasi/baru",
            "/aplikasi/baru".into(),
            &[Who::Admin, Who::Pelaksana],
        ),
        row(
            PostForm,
            "/aplikasi/baru",
            "/aplikasi/baru".into(),
            &[Who::Admin, Who::Pelaksana],
        ),
        row(
            Get,
            "/aplikasi/{id}",
            format!("/aplikasi/{app}"),
            SEES_OWN_OPD,
        ),
        row(
            Get,
            "/aplikasi/{id}/ubah",
            format!("/aplikasi/{app}/ubah"),
            &[Who::Admin, Who::Pelaksana],
        ),
        row(
            PostForm,
            "/aplikasi/{id}/ubah",
            format!("/aplikasi/{app}/ubah"),
            &[Who::Admin, Who::Pelaksana],
        ),
        row(
            PostForm,
            "/aplikasi/{id}/cek",
            format!("/aplikasi/{app}/cek"),
            &[Who::Admin, Who::Pelaksana],
        ),
        row(
            Get,
            "/aplikasi/{id}/pemeliharaan/{tahun}",
            format!("/aplikasi/{app}/pemeliharaan/{year}"),
            SEES_OWN_OPD,
        ),
        row(
            PostForm,
            "/aplikasi/{id}/draf",
            format!("/aplikasi/{app}/draf"),
            &[Who::Admin, Who::Pelaksana],
        ),
        row(
            PostForm,
            "/aplikasi/{id}/konfirmasi",
            format!("/aplikasi/{app}/konfirmasi"),
            &[Who::Admin, Who::Pelaksana],
        ),
        // The satisfaction survey: the OPD answers, the office reads the report.
        row(Get, "/survei", "/survei".into(), OPERATORS),
        row(
            Get,
            "/survei/undangan/{id}",
            format!("/survei/undangan/{skm_invitation}"),
            &[],
        ),
        row(
            PostForm,
            "/survei/undangan/{id}",
            format!("/survei/undangan/{skm_invitation}"),
            &[],
        ),
        row(Get, "/survei/{token}", "/survei/tanpa-token".into(), &[]),
        row(
            PostForm,
            "/survei/{token}",
            "/survei/tanpa-token".into(),
            &[],
        ),
        row(Get, "/laporan/skm", "/laporan/skm".into(), OFFICE_SIDE),
        row(
            Get,
            "/laporan/skm/ekspor/{format}",
            "/laporan/skm/ekspor/csv".into(),
            OFFICE_SIDE,
        ),
        // Signing out last: it ends the session the other rows use.
        row(PostForm, "/keluar", "/keluar".into(), SIGNED_IN),
    ]
}

/// The routes the router has, read from its source (`.route("...", ...)` in the web crate),
/// so that a route added without a row here fails the test.
fn routes_in_source() -> std::collections::BTreeSet<String> {
    let mut routes = std::collections::BTreeSet::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut folders = vec![src];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // Test code adds routes of its own (a handler that panics, ...).
            if !name.ends_with(".rs") || name.ends_with("tests.rs") || name == "testing.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]\nmod tests {").next().unwrap();
            for piece in code.split(".route(").skip(1) {
                let piece = piece.trim_start();
                if let Some(rest) = piece.strip_prefix('"')
                    && let Some((route, _)) = rest.split_once('"')
                {
                    routes.insert(route.to_owned());
                }
            }
        }
    }
    routes
}

/// A refusal: signed out, sent to sign in (or 401/404/410); signed in, 403, 404 or 410 (a
/// one-time link used or expired).
fn refused(who: Who, status: StatusCode, location: &str) -> bool {
    match who {
        Who::Anonymous => {
            (status == StatusCode::SEE_OTHER && location.starts_with("/masuk"))
                || status == StatusCode::UNAUTHORIZED
                || status == StatusCode::NOT_FOUND
                || status == StatusCode::GONE
        }
        _ => {
            status == StatusCode::FORBIDDEN
                || status == StatusCode::NOT_FOUND
                || status == StatusCode::GONE
        }
    }
}

#[tokio::test]
async fn every_route_refuses_whoever_it_does_not_allow_and_answers_whoever_it_does() {
    let site = site().await;
    let seeded = seed(&site).await;
    let landing = site.get("", "/").await;
    let asset = landing
        .body
        .split('"')
        .find(|piece| piece.starts_with("/static/") && piece.ends_with(".css"))
        .expect("the landing page links its stylesheet")
        .to_owned();
    let rows = rows(&seeded, &asset);

    // Every route of the router has a row (the API's own list is checked in `api.rs`).
    let listed: std::collections::BTreeSet<String> =
        rows.iter().map(|row| row.route.to_owned()).collect();
    let missing: Vec<String> = routes_in_source()
        .into_iter()
        .filter(|route| !route.starts_with("/api") && !listed.contains(route))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the matrix: {missing:?}"
    );

    let mut cookies = Vec::new();
    for who in EVERYONE {
        let cookie = match who.username() {
            Some(username) => site.cookie(username).await,
            None => String::new(),
        };
        cookies.push((who, cookie));
    }
    let newest_event = async || {
        site.test
            .services
            .store
            .recent_events(1)
            .await
            .unwrap()
            .first()
            .map(|event| event.seq)
    };

    let mut wrong = Vec::new();
    let mut tried = 0;
    for row in &rows {
        for (who, cookie) in &cookies {
            let allowed = row.may.contains(who);
            let before = if allowed { None } else { newest_event().await };
            let reply = match row.method {
                Method::Get => site.get(cookie, &row.uri).await,
                Method::PostForm => site.post_form(cookie, &row.uri, &[]).await,
                Method::PostMultipart => {
                    site.post(cookie, &row.uri, &[Part::Text("aksi", "")]).await
                }
            };
            tried += 1;
            let was_refused = refused(*who, reply.status, &reply.location);
            let method = format!("{:?}", row.method);
            if allowed && was_refused {
                wrong.push(format!(
                    "{method} {} as {who:?}: refused ({}) but allowed",
                    row.uri, reply.status
                ));
            }
            if !allowed {
                if !was_refused {
                    wrong.push(format!(
                        "{method} {} as {who:?}: answered {} but not allowed",
                        row.uri, reply.status
                    ));
                }
                let after = newest_event().await;
                if after != before {
                    wrong.push(format!(
                        "{method} {} as {who:?}: a refused request wrote an audit event",
                        row.uri
                    ));
                }
            }
            if reply.status.is_server_error() {
                wrong.push(format!("{method} {} as {who:?}: {}", row.uri, reply.status));
            }
        }
    }
    assert!(tried >= 7 * 110, "{tried} requests tried");
    assert!(
        wrong.is_empty(),
        "{} of {tried} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
