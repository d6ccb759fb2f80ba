//! The admin pages through the real router: each form saves good input (with an audit event
//! naming the admin), and bad input comes back with a message next to the field, what was
//! typed kept, and nothing changed.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use pelihara_web::testing::{TEST_PASSWORD, sign_in, try_sign_in};

use super::auth::{Site, get, post, site};

async fn admin(site: &Site) -> String {
    sign_in(&site.router, "admin", TEST_PASSWORD).await
}

async fn user_count(site: &Site) -> usize {
    site.test.services.store.list_users().await.unwrap().len()
}

async fn last_event(site: &Site) -> pelihara_store::StoredEvent {
    site.test
        .services
        .store
        .recent_events(1)
        .await
        .unwrap()
        .remove(0)
}

#[tokio::test]
async fn admins_create_users_who_can_then_sign_in() {
    let site = site().await;
    let cookie = admin(&site).await;
    let html = get(&site.router, "/admin/pengguna", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Staf kepala_dinas"), "the list");
    assert!(html.contains("Kepala Dinas"), "positions translated");
    assert!(html.contains("Dinas Kesehatan (DINKES)"), "OPD choices");
    assert!(
        html.contains(r#"value="tim_jaringan""#),
        "every SOP position offered"
    );
    assert!(!html.contains("$argon2"), "no hash ever shown");

    let opd = site.people.opd.to_string();
    let body = "username=budi.s&full_name=Budi+Santoso%2C+S.Kom&nip=1987+0512+2010+01+1003\
                &email=budi%40demakkab.go.id&role=staff&positions=pelaksana&positions=tim_jaringan\
                &opd=&password=kata-sandi-awal";
    let answer = post(&site.router, "/admin/pengguna", Some(&cookie), body).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(answer.header("location"), "/admin/pengguna?ok=user-created");
    let stored = site
        .test
        .services
        .store
        .user_by_username("budi.s")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.full_name, "Budi Santoso, S.Kom");
    assert_eq!(stored.user.nip.as_deref(), Some("198705122010011003"));
    assert_eq!(stored.user.positions, ["pelaksana", "tim_jaringan"]);
    assert!(stored.password_hash.starts_with("$argon2id$"));
    let event = last_event(&site).await;
    assert_eq!(event.action, "user.create");
    assert_eq!(event.actor_id, Some(site.people.admin));
    assert_eq!(event.actor_name, "Admin Uji");
    let html = get(
        &site.router,
        "/admin/pengguna?ok=user-created",
        Some(&cookie),
    )
    .await
    .text();
    assert!(html.contains("Pengguna baru tersimpan."));
    assert!(html.contains("Budi Santoso, S.Kom"));
    try_sign_in(&site.router, "budi.s", "kata-sandi-awal")
        .await
        .unwrap();

    // An operator with an OPD.
    let body = format!(
        "username=op.baru&full_name=Operator+Baru&role=opd_operator&opd={opd}&password=kata-sandi-awal"
    );
    let answer = post(&site.router, "/admin/pengguna", Some(&cookie), &body).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let stored = site
        .test
        .services
        .store
        .user_by_username("op.baru")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.opd_id, Some(site.people.opd));
}

#[tokio::test]
async fn bad_user_input_is_shown_next_to_the_field_and_changes_nothing() {
    let site = site().await;
    let cookie = admin(&site).await;
    let opd = site.people.opd.to_string();
    let before = user_count(&site).await;
    let good = "full_name=Siti+Aminah&role=staff&positions=pelaksana&password=kata-sandi-awal";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("username=Siti+Aminah&{good}"),
            "Gunakan 3–40 huruf kecil",
            "Siti Aminah",
        ),
        (
            format!("username=pelaksana&{good}"),
            "Nama pengguna ini sudah dipakai.",
            "Siti Aminah",
        ),
        (
            "username=siti&full_name=Siti+Aminah&role=staff&password=kata-sandi-awal".to_owned(),
            "Staf harus memegang paling sedikit satu jabatan.",
            r#"value="siti""#,
        ),
        (
            "username=siti&full_name=Siti&role=opd_operator&password=kata-sandi-awal".to_owned(),
            "Operator OPD harus terhubung ke satu OPD.",
            r#"value="siti""#,
        ),
        (
            format!("username=siti&full_name=Siti&role=auditor&opd={opd}&password=kata-sandi-awal"),
            "Hanya operator OPD yang terhubung ke OPD",
            r#"value="siti""#,
        ),
        (
            "username=siti&full_name=Siti&role=auditor&positions=pelaksana&password=kata-sandi-awal".to_owned(),
            "Hanya staf yang memegang jabatan",
            r#"value="siti""#,
        ),
        (
            "username=siti&full_name=Siti&role=staff&positions=bupati&password=kata-sandi-awal".to_owned(),
            "Pilih salah satu pilihan yang tersedia.",
            r#"value="siti""#,
        ),
        (
            "username=siti&full_name=Siti&role=staff&positions=pelaksana&password=pendek".to_owned(),
            "Kata sandi paling sedikit 10 karakter.",
            r#"value="siti""#,
        ),
        (
            format!("username=siti&nip=12345&email=siti&{good}"),
            "NIP terdiri atas 18 angka.",
            r#"value="12345""#,
        ),
        (
            format!("username=siti&email=siti%40demak&{good}"),
            "Alamat email tidak valid.",
            r#"value="siti@demak""#,
        ),
        (
            "username=siti&role=staff&positions=pelaksana&password=kata-sandi-awal".to_owned(),
            "Wajib diisi.",
            r#"value="siti""#,
        ),
        (
            "username=siti&full_name=Siti&role=bupati&password=kata-sandi-awal".to_owned(),
            "Pilih salah satu pilihan yang tersedia.",
            r#"value="siti""#,
        ),
    ];
    for (body, message, kept) in cases {
        let answer = post(&site.router, "/admin/pengguna", Some(&cookie), &body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let html = answer.text();
        assert!(html.contains(message), "{body}: {message} missing");
        assert!(html.contains(kept), "{body}: {kept} not kept");
        assert!(html.contains("is-invalid"), "{body}: field marked");
        assert!(html.contains("Data belum disimpan"), "{body}");
        assert!(
            !html.contains("kata-sandi-awal"),
            "{body}: password not echoed"
        );
    }
    assert_eq!(user_count(&site).await, before, "nothing created");

    let answer = post(
        &site.router,
        "/admin/pengguna?lang=en",
        Some(&cookie),
        "username=pelaksana&full_name=X&role=staff&positions=pelaksana&password=kata-sandi-awal",
    )
    .await;
    assert!(answer.text().contains("This username is already taken."));

    // An admin cannot lock themselves out.
    let me = site.people.admin;
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{me}/aktif"),
        Some(&cookie),
        "active=0",
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer
            .text()
            .contains("Anda tidak dapat menonaktifkan akun Anda sendiri.")
    );
    let answer = post(
        &site.router,
        &format!(
            "/admin/pengguna/{}/aktif",
            pelihara_domain::UserId::random()
        ),
        Some(&cookie),
        "active=0",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn accounts_are_disabled_and_enabled_again() {
    let site = site().await;
    let cookie = admin(&site).await;
    let operator = site.people.operator;
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{operator}/aktif"),
        Some(&cookie),
        "active=0",
    )
    .await;
    assert_eq!(
        answer.header("location"),
        "/admin/pengguna?ok=user-disabled"
    );
    assert!(
        try_sign_in(&site.router, "op.dinkes", TEST_PASSWORD)
            .await
            .is_err()
    );
    let html = get(&site.router, "/admin/pengguna", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Nonaktif") && html.contains("Aktifkan"));
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{operator}/aktif"),
        Some(&cookie),
        "active=1",
    )
    .await;
    assert_eq!(answer.header("location"), "/admin/pengguna?ok=user-enabled");
    assert!(
        try_sign_in(&site.router, "op.dinkes", TEST_PASSWORD)
            .await
            .is_ok()
    );
    let event = last_event(&site).await;
    assert_eq!(event.action, "auth.sign_in");
}

#[tokio::test]
async fn delegations_name_the_official_and_make_the_delegate_acting() {
    let site = site().await;
    let cookie = admin(&site).await;
    let html = get(&site.router, "/admin/delegasi", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Belum ada delegasi."));
    // The form starts on the first position with its holder's name, dated today (WIB).
    assert!(html.contains(r#"value="Staf pelaksana""#), "{html}");
    assert!(html.contains(r#"value="2026-11-02""#));
    assert!(html.contains(r#"hx-get="/admin/delegasi/pejabat""#));
    let field = get(
        &site.router,
        "/admin/delegasi/pejabat?position=kepala_dinas",
        Some(&cookie),
    )
    .await
    .text();
    assert!(field.contains(r#"value="Staf kepala_dinas""#), "{field}");
    assert!(!field.contains("<html"), "the field alone");

    let sekretaris = site.people.staff_in("sekretaris");
    let body = format!(
        "position=kepala_dinas&kind=plh&delegate={sekretaris}&official_name=Dra.+Endah&from=2026-11-02&until=2026-11-04"
    );
    let answer = post(&site.router, "/admin/delegasi", Some(&cookie), &body).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let delegations = site.test.services.store.list_delegations().await.unwrap();
    assert_eq!(delegations.len(), 1);
    let delegation = &delegations[0];
    // From 00.00 WIB on the first day to 00.00 WIB after the last.
    assert_eq!(delegation.from.to_rfc3339(), "2026-11-01T17:00:00+00:00");
    assert_eq!(delegation.until.to_rfc3339(), "2026-11-04T17:00:00+00:00");
    assert_eq!(delegation.official_name, "Dra. Endah");
    assert_eq!(last_event(&site).await.action, "delegation.create");

    let html = get(&site.router, "/admin/delegasi", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Plh. Kepala Dinas"));
    assert!(html.contains("menggantikan Dra. Endah"));
    assert!(html.contains("2 November 2026 – 4 November 2026"), "{html}");
    assert!(html.contains("Berlaku"));

    // The delegate's user menu says in what capacity they act.
    let delegate = sign_in(&site.router, "sekretaris", TEST_PASSWORD).await;
    let html = get(&site.router, "/", Some(&delegate)).await.text();
    assert!(
        html.contains("Plh. Kepala Dinas · Sekretaris Dinas"),
        "{html}"
    );

    let id = delegation.id;
    let answer = post(
        &site.router,
        &format!("/admin/delegasi/{id}/cabut"),
        Some(&cookie),
        "",
    )
    .await;
    assert_eq!(
        answer.header("location"),
        "/admin/delegasi?ok=delegation-revoked"
    );
    assert!(site.test.services.store.list_delegations().await.unwrap()[0].revoked);
    let html = get(&site.router, "/", Some(&delegate)).await.text();
    assert!(!html.contains("Plh. Kepala Dinas"), "revoked at once");
    let answer = post(
        &site.router,
        &format!("/admin/delegasi/{id}/cabut"),
        Some(&cookie),
        "",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "already revoked");

    // It ends by itself after the last day.
    let body = format!(
        "position=kabid_aptika&kind=plt&delegate={sekretaris}&official_name=Agus&from=2026-11-02&until=2026-11-02"
    );
    post(&site.router, "/admin/delegasi", Some(&cookie), &body).await;
    assert!(
        get(&site.router, "/", Some(&delegate))
            .await
            .text()
            .contains("Plt. Kepala Bidang")
    );
    site.advance(Duration::days(1));
    let html = get(&site.router, "/admin/delegasi", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Berakhir"));
}

#[tokio::test]
async fn bad_delegation_input_changes_nothing() {
    let site = site().await;
    let cookie = admin(&site).await;
    let sekretaris = site.people.staff_in("sekretaris");
    let kadis = site.people.staff_in("kepala_dinas");
    let operator = site.people.operator;
    let cases = [
        (
            format!(
                "position=kepala_dinas&kind=plh&delegate={sekretaris}&official_name=X&from=2026-11-05&until=2026-11-03"
            ),
            "Tanggal selesai tidak boleh sebelum tanggal mulai.",
        ),
        (
            format!(
                "position=kepala_dinas&kind=plh&delegate={sekretaris}&official_name=X&from=2026-10-01&until=2026-10-03"
            ),
            "Masa delegasi sudah lewat",
        ),
        (
            format!(
                "position=kepala_dinas&kind=plh&delegate={kadis}&official_name=X&from=2026-11-02&until=2026-11-03"
            ),
            "Pegawai ini sudah memegang jabatan tersebut.",
        ),
        (
            format!(
                "position=kepala_dinas&kind=plh&delegate={operator}&official_name=X&from=2026-11-02&until=2026-11-03"
            ),
            "Pilih salah satu pilihan yang tersedia.",
        ),
        (
            format!(
                "position=kepala_dinas&kind=plh&delegate={sekretaris}&official_name=&from=2026-11-02&until=2026-11-03"
            ),
            "Wajib diisi.",
        ),
        (
            format!(
                "position=kepala_dinas&kind=plh&delegate={sekretaris}&official_name=X&from=kemarin&until=2026-11-03"
            ),
            "Isi tanggal yang benar.",
        ),
        (
            format!(
                "position=bupati&kind=plh&delegate={sekretaris}&official_name=X&from=2026-11-02&until=2026-11-03"
            ),
            "Pilih salah satu pilihan yang tersedia.",
        ),
        (
            format!(
                "position=kepala_dinas&kind=pj&delegate={sekretaris}&official_name=X&from=2026-11-02&until=2026-11-03"
            ),
            "Pilih salah satu pilihan yang tersedia.",
        ),
    ];
    for (body, message) in cases {
        let answer = post(&site.router, "/admin/delegasi", Some(&cookie), &body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let html = answer.text();
        assert!(html.contains(message), "{body}: {message} missing");
        assert!(html.contains("is-invalid"), "{body}");
    }
    assert!(
        site.test
            .services
            .store
            .list_delegations()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn opds_are_added_and_codes_are_unique() {
    let site = site().await;
    let cookie = admin(&site).await;
    let html = get(&site.router, "/admin/opd", Some(&cookie)).await.text();
    assert!(html.contains("DINKES") && html.contains("Dinas Pendidikan"));
    let answer = post(
        &site.router,
        "/admin/opd",
        Some(&cookie),
        "code=bappeda&name=Badan+Perencanaan+Pembangunan+Daerah",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let opds = site.test.services.store.list_opds().await.unwrap();
    assert!(
        opds.iter().any(|opd| opd.code == "BAPPEDA"),
        "stored in capitals"
    );
    assert_eq!(last_event(&site).await.action, "opd.create");
    let count = opds.len();

    for (body, message, kept) in [
        (
            "code=DINKES&name=Dinas+Kesehatan+Lagi",
            "Kode OPD ini sudah dipakai.",
            "Dinas Kesehatan Lagi",
        ),
        (
            "code=DIN+KES&name=Dinas",
            "Kode 2–20 karakter",
            r#"value="DIN KES""#,
        ),
        ("code=&name=Dinas", "Wajib diisi.", r#"value="Dinas""#),
        (
            "code=DISPERKIM&name=",
            "Wajib diisi.",
            r#"value="DISPERKIM""#,
        ),
    ] {
        let answer = post(&site.router, "/admin/opd", Some(&cookie), body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let html = answer.text();
        assert!(html.contains(message), "{body}: {message}");
        assert!(html.contains(kept), "{body}: {kept}");
    }
    assert_eq!(
        site.test.services.store.list_opds().await.unwrap().len(),
        count
    );
}

#[tokio::test]
async fn holidays_are_listed_by_year_added_and_removed() {
    let site = site().await;
    let cookie = admin(&site).await;
    let html = get(&site.router, "/admin/libur", Some(&cookie))
        .await
        .text();
    assert!(
        html.contains("Hari libur tahun 2026"),
        "this year by default"
    );
    assert!(html.contains("Tahun Baru Imlek"));
    assert!(
        html.contains("16 Februari 2026") && html.contains("Senin"),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/admin/libur?tahun=2027""#),
        "year links"
    );
    let count = site.test.services.store.holidays().await.unwrap().len();

    let answer = post(
        &site.router,
        "/admin/libur",
        Some(&cookie),
        "date=2026-11-03&kind=cuti_bersama&name=Hari+Jadi+Kabupaten+Demak",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(
        answer.header("location"),
        "/admin/libur?tahun=2026&ok=holiday-added"
    );
    let html = get(&site.router, "/admin/libur?tahun=2026", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Hari Jadi Kabupaten Demak") && html.contains("3 November 2026"));
    assert_eq!(last_event(&site).await.action, "holidays.add");
    assert_eq!(
        site.test.services.store.holidays().await.unwrap().len(),
        count + 1
    );

    for (body, message, kept) in [
        (
            "date=2026-11-03&kind=libur_nasional&name=Lagi",
            "Tanggal ini sudah ada di tabel hari libur.",
            r#"value="Lagi""#,
        ),
        (
            "date=3-11-2026&kind=libur_nasional&name=Salah",
            "Isi tanggal yang benar.",
            r#"value="Salah""#,
        ),
        (
            "date=2026-12-30&kind=libur&name=Salah",
            "Pilih salah satu pilihan yang tersedia.",
            r#"value="2026-12-30""#,
        ),
        (
            "date=2026-12-30&kind=libur_nasional&name=",
            "Wajib diisi.",
            r#"value="2026-12-30""#,
        ),
    ] {
        let answer = post(&site.router, "/admin/libur", Some(&cookie), body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let html = answer.text();
        assert!(html.contains(message), "{body}: {message}");
        assert!(html.contains(kept), "{body}: {kept}");
    }
    assert_eq!(
        site.test.services.store.holidays().await.unwrap().len(),
        count + 1
    );

    let answer = post(
        &site.router,
        "/admin/libur/hapus",
        Some(&cookie),
        "date=2026-11-03",
    )
    .await;
    assert_eq!(
        answer.header("location"),
        "/admin/libur?tahun=2026&ok=holiday-removed"
    );
    let holidays = site.test.services.store.holidays().await.unwrap();
    assert_eq!(holidays.len(), count);
    assert!(
        !holidays
            .iter()
            .any(|holiday| holiday.date == NaiveDate::from_ymd_opt(2026, 11, 3).unwrap())
    );
    assert_eq!(last_event(&site).await.action, "holidays.remove");
    let answer = post(
        &site.router,
        "/admin/libur/hapus",
        Some(&cookie),
        "date=2026-11-03",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    let html = get(
        &site.router,
        "/admin/libur?tahun=2027&lang=en",
        Some(&cookie),
    )
    .await
    .text();
    assert!(html.contains("Holidays in 2027"));
}
