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
        format!("/admin/pengguna/{operator}/nonaktifkan"),
        "not without the confirmation step"
    );
    assert!(
        try_sign_in(&site.router, "op.dinkes", TEST_PASSWORD)
            .await
            .is_ok(),
        "nothing changed yet"
    );
    let html = get(&site.router, "/admin/pengguna", Some(&cookie))
        .await
        .text();
    assert!(
        html.contains(&format!(r#"href="/admin/pengguna/{operator}/nonaktifkan""#)),
        "the list links to the confirmation step, no one-click form"
    );
    let html = get(
        &site.router,
        &format!("/admin/pengguna/{operator}/nonaktifkan"),
        Some(&cookie),
    )
    .await
    .text();
    assert!(html.contains("Nonaktifkan akun Operator Dinkes (op.dinkes)?"));
    assert!(html.contains("Semua sesinya yang sedang berjalan langsung berakhir."));
    assert!(html.contains(r#"name="confirm" value="1""#));
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{operator}/aktif"),
        Some(&cookie),
        "confirm=1&active=0",
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
        format!("/admin/delegasi/{id}/cabut"),
        "not without the confirmation step"
    );
    assert!(!site.test.services.store.list_delegations().await.unwrap()[0].revoked);
    let html = get(
        &site.router,
        &format!("/admin/delegasi/{id}/cabut"),
        Some(&cookie),
    )
    .await
    .text();
    assert!(
        html.contains("Staf sekretaris tidak lagi bertindak sebagai Plh. Kepala Dinas"),
        "{html}"
    );
    let answer = post(
        &site.router,
        &format!("/admin/delegasi/{id}/cabut"),
        Some(&cookie),
        "confirm=1",
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
        "confirm=1",
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

/// How many sessions `user` has in the database.
async fn sessions_of(site: &Site, user: pelihara_domain::UserId) -> i64 {
    site.test.services.store.session_count(user).await.unwrap()
}

/// Whether `cookie` still signs its holder in (a private page answers instead of sending
/// the browser to the sign-in page).
async fn still_signed_in(site: &Site, cookie: &str) -> bool {
    get(&site.router, "/tugas", Some(cookie)).await.status == StatusCode::OK
}

#[tokio::test]
async fn admins_edit_users_and_a_change_of_permissions_ends_their_sessions() {
    let site = site().await;
    let cookie = admin(&site).await;
    let pelaksana = site.people.staff_in("pelaksana");
    let staff_cookie = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let html = get(
        &site.router,
        &format!("/admin/pengguna/{pelaksana}"),
        Some(&cookie),
    )
    .await
    .text();
    assert!(html.contains("Ubah pengguna: Staf pelaksana"), "{html}");
    assert!(
        html.contains(r#"value="Staf pelaksana""#),
        "stored values shown"
    );
    assert!(
        html.contains(r#"id="position-pelaksana" checked"#),
        "positions checked"
    );
    assert!(!html.contains("$argon2"));

    // A new name and email: permissions unchanged, the session stays.
    let body =
        "full_name=Budi+Pelaksana&email=budi%40demakkab.go.id&role=staff&positions=pelaksana&opd=";
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{pelaksana}"),
        Some(&cookie),
        body,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(
        answer.header("location"),
        format!("/admin/pengguna/{pelaksana}?ok=user-saved")
    );
    let stored = site
        .test
        .services
        .store
        .user(pelaksana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.full_name, "Budi Pelaksana");
    assert_eq!(stored.email.as_deref(), Some("budi@demakkab.go.id"));
    let event = last_event(&site).await;
    assert_eq!(event.action, "user.update");
    assert_eq!(event.actor_id, Some(site.people.admin));
    assert!(
        still_signed_in(&site, &staff_cookie).await,
        "same permissions"
    );

    // Another position: the permissions changed, every session of theirs ends.
    let body = "full_name=Budi+Pelaksana&email=budi%40demakkab.go.id&role=staff&positions=pelaksana&positions=tim_jaringan";
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{pelaksana}"),
        Some(&cookie),
        body,
    )
    .await;
    assert_eq!(
        answer.header("location"),
        format!("/admin/pengguna/{pelaksana}?ok=user-saved-signed-out")
    );
    let stored = site
        .test
        .services
        .store
        .user(pelaksana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.positions, ["pelaksana", "tim_jaringan"]);
    assert_eq!(sessions_of(&site, pelaksana).await, 0);
    assert!(!still_signed_in(&site, &staff_cookie).await, "signed out");
    let event = last_event(&site).await;
    assert_eq!(event.action, "user.update");
    assert_eq!(event.detail["sessions_ended"], true);
    assert_eq!(event.detail["before"]["positions"][0], "pelaksana");
    assert!(still_signed_in(&site, &cookie).await, "the admin stays");

    // Staff becomes an operator of an OPD.
    let opd = site.people.opd;
    let body = format!("full_name=Budi+Pelaksana&role=opd_operator&opd={opd}");
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{pelaksana}"),
        Some(&cookie),
        &body,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let stored = site
        .test
        .services
        .store
        .user(pelaksana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.role, pelihara_domain::Role::OpdOperator);
    assert_eq!(stored.user.opd_id, Some(opd));
    assert!(stored.user.positions.is_empty());
    assert_eq!(stored.email, None, "an emptied email is removed");
}

#[tokio::test]
async fn bad_edits_are_shown_next_to_the_field_and_change_nothing() {
    let site = site().await;
    let cookie = admin(&site).await;
    let pelaksana = site.people.staff_in("pelaksana");
    let staff_cookie = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let before = site
        .test
        .services
        .store
        .user(pelaksana)
        .await
        .unwrap()
        .unwrap();
    let events = site
        .test
        .services
        .store
        .recent_events(1000)
        .await
        .unwrap()
        .len();
    let opd = site.people.opd;
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "full_name=&role=staff&positions=pelaksana".to_owned(),
            "Wajib diisi.",
            r#"id="position-pelaksana" checked"#,
        ),
        (
            "full_name=Siti+Baru&role=staff&positions=tim_jaringan&email=siti%40demak".to_owned(),
            "Alamat email tidak valid.",
            r#"value="siti@demak""#,
        ),
        (
            "full_name=Siti+Baru&role=staff".to_owned(),
            "Staf harus memegang paling sedikit satu jabatan.",
            r#"value="Siti Baru""#,
        ),
        (
            format!("full_name=Siti+Baru&role=staff&positions=pelaksana&opd={opd}"),
            "Hanya operator OPD yang terhubung ke OPD",
            r#"value="Siti Baru""#,
        ),
        (
            "full_name=Siti+Baru&role=opd_operator".to_owned(),
            "Operator OPD harus terhubung ke satu OPD.",
            r#"value="Siti Baru""#,
        ),
        (
            "full_name=Siti+Baru&role=raja&positions=pelaksana".to_owned(),
            "Pilih salah satu pilihan yang tersedia.",
            r#"value="Siti Baru""#,
        ),
        (
            "full_name=Siti+Baru&role=staff&positions=bupati".to_owned(),
            "Pilih salah satu pilihan yang tersedia.",
            r#"value="Siti Baru""#,
        ),
    ];
    for (body, message, kept) in cases {
        let answer = post(
            &site.router,
            &format!("/admin/pengguna/{pelaksana}"),
            Some(&cookie),
            &body,
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let html = answer.text();
        assert!(html.contains(message), "{body}: {message} missing");
        assert!(html.contains(kept), "{body}: {kept} not kept");
        assert!(html.contains("is-invalid"), "{body}: field marked");
        assert!(html.contains("Data belum disimpan"), "{body}");
    }
    // In English too.
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{pelaksana}?lang=en"),
        Some(&cookie),
        "full_name=Siti&role=staff",
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer
            .text()
            .contains("Staff must hold at least one position.")
    );

    // An admin cannot take their own admin role away.
    let me = site.people.admin;
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{me}"),
        Some(&cookie),
        "full_name=Admin+Uji&role=auditor",
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer
            .text()
            .contains("Anda tidak dapat mengubah peran akun Anda sendiri")
    );

    let after = site
        .test
        .services
        .store
        .user(pelaksana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.user.full_name, before.user.full_name);
    assert_eq!(after.user.positions, before.user.positions);
    assert_eq!(after.email, before.email);
    assert_eq!(
        site.test
            .services
            .store
            .recent_events(1000)
            .await
            .unwrap()
            .len(),
        events,
        "no event"
    );
    assert!(still_signed_in(&site, &staff_cookie).await);
    let unknown = pelihara_domain::UserId::random();
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{unknown}"),
        Some(&cookie),
        "full_name=X&role=auditor",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admins_reset_passwords_and_the_users_sessions_end() {
    let site = site().await;
    let cookie = admin(&site).await;
    let operator = site.people.operator;
    let operator_cookie = sign_in(&site.router, "op.dinkes", TEST_PASSWORD).await;

    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{operator}/sandi"),
        Some(&cookie),
        "new_password=pendek",
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = answer.text();
    assert!(html.contains("Kata sandi paling sedikit 10 karakter."));
    assert!(!html.contains("pendek"), "the password is not sent back");
    assert!(
        still_signed_in(&site, &operator_cookie).await,
        "nothing changed"
    );
    try_sign_in(&site.router, "op.dinkes", TEST_PASSWORD)
        .await
        .unwrap();

    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{operator}/sandi"),
        Some(&cookie),
        "new_password=sandi-baru-dari-admin",
    )
    .await;
    assert_eq!(
        answer.header("location"),
        format!("/admin/pengguna/{operator}?ok=password-reset")
    );
    assert_eq!(sessions_of(&site, operator).await, 0);
    assert!(!still_signed_in(&site, &operator_cookie).await);
    assert!(
        try_sign_in(&site.router, "op.dinkes", TEST_PASSWORD)
            .await
            .is_err(),
        "the old password no longer works"
    );
    try_sign_in(&site.router, "op.dinkes", "sandi-baru-dari-admin")
        .await
        .unwrap();
    let events = site.test.services.store.recent_events(5).await.unwrap();
    let reset = events
        .iter()
        .find(|event| event.action == "user.password_reset")
        .expect("audited");
    assert_eq!(reset.actor_id, Some(site.people.admin));
    assert!(
        !reset.detail.to_string().contains("argon2"),
        "never the hash"
    );

    // Not their own: that is the account page, with the current password.
    let me = site.people.admin;
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{me}/sandi"),
        Some(&cookie),
        "new_password=sandi-baru-dari-admin",
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn only_admins_edit_reset_or_deactivate() {
    let site = site().await;
    let operator = site.people.operator;
    let opd = site.people.opd;
    let delegation = pelihara_domain::DelegationId::random();
    let routes = [
        (
            true,
            format!("/admin/pengguna/{operator}"),
            "full_name=X&role=admin",
        ),
        (false, format!("/admin/pengguna/{operator}"), ""),
        (
            true,
            format!("/admin/pengguna/{operator}/sandi"),
            "new_password=sandi-orang-lain",
        ),
        (false, format!("/admin/pengguna/{operator}/nonaktifkan"), ""),
        (false, format!("/admin/opd/{opd}/nonaktifkan"), ""),
        (
            true,
            format!("/admin/opd/{opd}/aktif"),
            "active=0&confirm=1",
        ),
        (false, format!("/admin/delegasi/{delegation}/cabut"), ""),
    ];
    for username in ["pelaksana", "kepala_dinas", "auditor", "op.dinkes"] {
        let cookie = sign_in(&site.router, username, TEST_PASSWORD).await;
        for (is_post, uri, body) in &routes {
            let answer = if *is_post {
                post(&site.router, uri, Some(&cookie), body).await
            } else {
                get(&site.router, uri, Some(&cookie)).await
            };
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{username} {uri}");
        }
    }
    let stored = site
        .test
        .services
        .store
        .user(operator)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.role, pelihara_domain::Role::OpdOperator);
    try_sign_in(&site.router, "op.dinkes", TEST_PASSWORD)
        .await
        .unwrap();
    assert!(
        site.test
            .services
            .store
            .opd(opd)
            .await
            .unwrap()
            .unwrap()
            .active
    );
}

#[tokio::test]
async fn users_change_their_own_password_on_the_account_page() {
    let site = site().await;
    let user = site.people.staff_in("pelaksana");
    let here = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let elsewhere = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let html = get(&site.router, "/akun/sandi", Some(&here)).await.text();
    assert!(html.contains("Akun saya") && html.contains("Ubah kata sandi"));
    assert!(
        html.contains(r#"href="/akun/notifikasi""#),
        "linked to notifications"
    );
    let html = get(&site.router, "/akun/notifikasi", Some(&here))
        .await
        .text();
    assert!(html.contains(r#"href="/akun/sandi""#), "and back");

    let new = "sandi-baru-pelaksana";
    let cases = [
        (
            format!("current_password=salah-sekali&new_password={new}&new_password_again={new}"),
            "Kata sandi saat ini salah.",
        ),
        (
            format!(
                "current_password={TEST_PASSWORD}&new_password={new}&new_password_again=lain-lagi-ya"
            ),
            "Kedua isian kata sandi baru tidak sama.",
        ),
        (
            format!(
                "current_password={TEST_PASSWORD}&new_password=pendek&new_password_again=pendek"
            ),
            "Kata sandi paling sedikit 10 karakter.",
        ),
        (
            format!(
                "current_password={TEST_PASSWORD}&new_password={TEST_PASSWORD}&new_password_again={TEST_PASSWORD}"
            ),
            "harus berbeda",
        ),
        (
            format!("current_password=&new_password={new}&new_password_again={new}"),
            "Wajib diisi.",
        ),
    ];
    for (body, message) in &cases {
        let answer = post(&site.router, "/akun/sandi", Some(&here), body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let html = answer.text();
        assert!(html.contains(message), "{body}: {message}");
        assert!(
            !html.contains(new) && !html.contains(TEST_PASSWORD),
            "never echoed"
        );
        // The field in error is marked for assistive technology (issue 18, item 21).
        assert!(html.contains(r#"aria-invalid="true""#), "{body}");
    }
    assert_eq!(sessions_of(&site, user).await, 2, "nothing changed");
    let answer = post(
        &site.router,
        "/akun/sandi?lang=en",
        Some(&here),
        "current_password=salah-sekali&new_password=x&new_password_again=x",
    )
    .await;
    assert!(answer.text().contains("The current password is wrong."));

    let body =
        format!("current_password={TEST_PASSWORD}&new_password={new}&new_password_again={new}");
    let answer = post(&site.router, "/akun/sandi", Some(&here), &body).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(answer.header("location"), "/akun/sandi?ok=password-changed");
    // This browser goes on under a new session id; the other one is signed out.
    let renewed = answer.header("set-cookie");
    let renewed = renewed.split(';').next().unwrap().to_owned();
    assert_ne!(renewed, here, "a new session id");
    assert!(still_signed_in(&site, &renewed).await);
    assert!(!still_signed_in(&site, &elsewhere).await);
    assert!(
        !still_signed_in(&site, &here).await,
        "the old id is worthless"
    );
    assert_eq!(sessions_of(&site, user).await, 1);
    assert!(
        try_sign_in(&site.router, "pelaksana", TEST_PASSWORD)
            .await
            .is_err()
    );
    try_sign_in(&site.router, "pelaksana", new).await.unwrap();
    let events = site.test.services.store.recent_events(5).await.unwrap();
    let change = events
        .iter()
        .find(|event| event.action == "user.password_change")
        .expect("audited");
    assert_eq!(change.actor_id, Some(user));
}

#[tokio::test]
async fn wrong_current_passwords_count_toward_the_sign_in_limit() {
    let site = site().await;
    let cookie = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let wrong = "current_password=tebakan-salah&new_password=sandi-baru-sekali&new_password_again=sandi-baru-sekali";
    for _ in 0..pelihara_web::auth::MAX_FAILURES {
        let answer = post(&site.router, "/akun/sandi", Some(&cookie), wrong).await;
        assert!(answer.text().contains("Kata sandi saat ini salah."));
    }
    // Even the right password is refused now, here and on the sign-in page.
    let right = format!(
        "current_password={TEST_PASSWORD}&new_password=sandi-baru-sekali&new_password_again=sandi-baru-sekali"
    );
    let answer = post(&site.router, "/akun/sandi", Some(&cookie), &right).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer
            .text()
            .contains("Terlalu banyak percobaan masuk yang gagal")
    );
    assert!(
        try_sign_in(&site.router, "pelaksana", TEST_PASSWORD)
            .await
            .is_err()
    );
    site.advance(pelihara_web::auth::FAILURE_WINDOW + Duration::minutes(1));
    let answer = post(&site.router, "/akun/sandi", Some(&cookie), &right).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
}

#[tokio::test]
async fn a_deactivated_opd_keeps_its_records_and_its_operators_cannot_sign_in() {
    let site = site().await;
    let cookie = admin(&site).await;
    let opd = site.people.opd;
    let operator = site.people.operator;
    let operator_cookie = sign_in(&site.router, "op.dinkes", TEST_PASSWORD).await;
    let other_cookie = sign_in(&site.router, "op.disdik", TEST_PASSWORD).await;

    let html = get(&site.router, "/admin/opd", Some(&cookie)).await.text();
    assert!(html.contains(&format!(r#"href="/admin/opd/{opd}/nonaktifkan""#)));
    let answer = post(
        &site.router,
        &format!("/admin/opd/{opd}/aktif"),
        Some(&cookie),
        "active=0",
    )
    .await;
    assert_eq!(
        answer.header("location"),
        format!("/admin/opd/{opd}/nonaktifkan"),
        "not without the confirmation step"
    );
    assert!(
        site.test
            .services
            .store
            .opd(opd)
            .await
            .unwrap()
            .unwrap()
            .active
    );
    let html = get(
        &site.router,
        &format!("/admin/opd/{opd}/nonaktifkan"),
        Some(&cookie),
    )
    .await
    .text();
    assert!(
        html.contains("Nonaktifkan OPD Dinas Kesehatan (DINKES)?"),
        "{html}"
    );
    assert!(html.contains("1 operator OPD ini tidak dapat masuk lagi"));

    let answer = post(
        &site.router,
        &format!("/admin/opd/{opd}/aktif"),
        Some(&cookie),
        "active=0&confirm=1",
    )
    .await;
    assert_eq!(answer.header("location"), "/admin/opd?ok=opd-disabled");
    let event = last_event(&site).await;
    assert_eq!(event.action, "opd.set_active");
    assert_eq!(event.actor_id, Some(site.people.admin));
    assert!(
        !site
            .test
            .services
            .store
            .opd(opd)
            .await
            .unwrap()
            .unwrap()
            .active
    );
    assert_eq!(sessions_of(&site, operator).await, 0);
    assert!(!still_signed_in(&site, &operator_cookie).await);
    assert!(
        try_sign_in(&site.router, "op.dinkes", TEST_PASSWORD)
            .await
            .is_err(),
        "its operator cannot sign in"
    );
    assert!(
        still_signed_in(&site, &other_cookie).await,
        "other OPDs unaffected"
    );
    // The account itself is untouched: it comes back with its OPD.
    let stored = site
        .test
        .services
        .store
        .user(operator)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.user.active && !stored.may_sign_in());
    // Not offered in the user form any more.
    let html = get(&site.router, "/admin/pengguna", Some(&cookie))
        .await
        .text();
    assert!(!html.contains("Dinas Kesehatan (DINKES)"), "not offered");
    assert!(
        html.contains("OPD nonaktif"),
        "the list says why the operator cannot sign in"
    );
    let answer = post(
        &site.router,
        "/admin/pengguna",
        Some(&cookie),
        &format!("username=op.baru&full_name=Op+Baru&role=opd_operator&opd={opd}&password=kata-sandi-awal"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "refused");
    // Its operator can still be edited without being moved.
    let html = get(
        &site.router,
        &format!("/admin/pengguna/{operator}"),
        Some(&cookie),
    )
    .await
    .text();
    assert!(
        html.contains("Dinas Kesehatan (DINKES)"),
        "its own OPD still shown"
    );
    let answer = post(
        &site.router,
        &format!("/admin/pengguna/{operator}"),
        Some(&cookie),
        &format!("full_name=Operator+Dinkes+Baru&role=opd_operator&opd={opd}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    // Nor in the register's app form, and a forged choice of it is refused.
    let html = get(&site.router, "/aplikasi/baru", Some(&cookie))
        .await
        .text();
    assert!(!html.contains("Dinas Kesehatan (DINKES)"), "not offered");
    assert!(html.contains("Dinas Pendidikan (DISDIK)"), "others are");
    let apps = site
        .test
        .services
        .store
        .list_apps(None)
        .await
        .unwrap()
        .len();
    let answer = post(
        &site.router,
        "/aplikasi/baru",
        Some(&cookie),
        &format!(
            "opd_id={opd}&name=SIMPUS&url=https%3A%2F%2Fsimpus.demakkab.go.id&status=active\
             &maintenance_interval_months=12"
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        site.test
            .services
            .store
            .list_apps(None)
            .await
            .unwrap()
            .len(),
        apps
    );

    let answer = post(
        &site.router,
        &format!("/admin/opd/{opd}/aktif"),
        Some(&cookie),
        "active=1",
    )
    .await;
    assert_eq!(answer.header("location"), "/admin/opd?ok=opd-enabled");
    try_sign_in(&site.router, "op.dinkes", TEST_PASSWORD)
        .await
        .unwrap();
    let answer = post(
        &site.router,
        "/aplikasi/baru",
        Some(&cookie),
        &format!(
            "opd_id={opd}&name=SIMPUS&url=https%3A%2F%2Fsimpus.demakkab.go.id&status=active\
             &maintenance_interval_months=12"
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "active again: accepted"
    );
    let unknown = pelihara_domain::OpdId::random();
    let answer = get(
        &site.router,
        &format!("/admin/opd/{unknown}/nonaktifkan"),
        Some(&cookie),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

/// The "Operator aktif" cell of one OPD's row on the OPD list.
fn operators_cell(html: &str, code: &str) -> String {
    let row = html
        .split("<tr")
        .find(|row| row.contains(&format!(r#"<code class="pl-code">{code}</code>"#)))
        .unwrap_or_else(|| panic!("no row for {code}: {html}"));
    let cell = row.split(r#"<td class="text-end">"#).nth(1).unwrap();
    cell.split("</td>").next().unwrap().trim().to_owned()
}

#[tokio::test]
async fn the_opd_list_counts_only_operators_who_may_sign_in() {
    let site = site().await;
    let cookie = admin(&site).await;
    let html = get(&site.router, "/admin/opd", Some(&cookie)).await.text();
    assert_eq!(operators_cell(&html, "DINKES"), "1");
    assert_eq!(operators_cell(&html, "DISDIK"), "1");
    let answer = post(
        &site.router,
        &format!("/admin/opd/{}/aktif", site.people.opd),
        Some(&cookie),
        "active=0&confirm=1",
    )
    .await;
    assert_eq!(answer.header("location"), "/admin/opd?ok=opd-disabled");
    // Its operator is still enabled, but cannot sign in: not counted.
    let html = get(&site.router, "/admin/opd", Some(&cookie)).await.text();
    assert_eq!(operators_cell(&html, "DINKES"), "0");
    assert_eq!(operators_cell(&html, "DISDIK"), "1", "other OPDs unchanged");
    let answer = post(
        &site.router,
        &format!("/admin/opd/{}/aktif", site.people.opd),
        Some(&cookie),
        "active=1",
    )
    .await;
    assert_eq!(answer.header("location"), "/admin/opd?ok=opd-enabled");
    let html = get(&site.router, "/admin/opd", Some(&cookie)).await.text();
    assert_eq!(operators_cell(&html, "DINKES"), "1");
}
