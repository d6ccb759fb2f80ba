//! The notification pages through the real router, signed in as each role: the bell and its
//! polled fragment, the list (own notifications only, paged, mark one or all read, open one),
//! the channel settings (saved with an audit event; bad input changes nothing) and the delivery
//! log (admin and auditor only, filtered by status). Notifications are made through the store,
//! as the scheduler makes them.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::Duration;
use pelihara_domain::{Role, UserId};
use pelihara_store::AuditSource;
use pelihara_store::notifications::{
    Channel, ChannelPreferences, NewNotification, NotificationDetail, NotificationId,
    NotificationKind, RetryPolicy,
};
use pelihara_store::people::NewUser;
use pelihara_web::testing::{TEST_PASSWORD, sign_in};

use super::Answer;
use super::auth::{Site, get, post, request, site};

/// Records an overdue-task notification for `recipient` (as the scheduler would), one minute
/// after the previous one so the order is known. `key` keeps it apart from the others.
async fn notify(site: &Site, recipient: UserId, key: &str, channels: &[Channel]) -> NotificationId {
    site.advance(Duration::minutes(1));
    let now = site.test.services.clock.now();
    site.test
        .services
        .store
        .record_notification(
            &NewNotification {
                recipient,
                dedupe_key: format!("test:{key}"),
                kind: NotificationKind::TaskOverdue,
                case_id: None,
                task_id: None,
                app_id: None,
                link_path: "/tugas".to_owned(),
                detail: NotificationDetail {
                    tracking_code: Some(format!("PLH-{key}")),
                    subject: Some("Pembaruan SIMPUS".to_owned()),
                    step_no: Some(2),
                    step_name: Some("Disposisi".to_owned()),
                    due_at: Some(now - Duration::hours(1)),
                    ..NotificationDetail::default()
                },
            },
            channels,
            now,
        )
        .await
        .unwrap()
        .expect("a new notification")
}

async fn unread(site: &Site, user: UserId) -> i64 {
    site.test.services.store.unread_count(user).await.unwrap()
}

async fn read_at_of(site: &Site, id: NotificationId) -> Option<chrono::DateTime<chrono::Utc>> {
    site.test
        .services
        .store
        .notification(id)
        .await
        .unwrap()
        .expect("the notification")
        .read_at
}

async fn htmx_get(site: &Site, uri: &str, cookie: Option<&str>) -> Answer {
    super::send(
        site.router.clone(),
        request(Method::GET, uri, cookie)
            .header("hx-request", "true")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// The `<a id="pl-bell" ...>` element of a page, up to its end.
fn bell_of(html: &str) -> String {
    let start = html.find(r#"<a id="pl-bell""#).expect("a bell on the page");
    let end = html[start..].find("</a>").expect("the bell's end") + start;
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_bell_shows_the_unread_count_and_its_fragment_follows_it() {
    let site = site().await;
    let me = site.people.staff_in("pelaksana");
    for key in ["1", "2", "3"] {
        notify(&site, me, key, &[Channel::InApp]).await;
    }
    // Someone else's notification never counts.
    notify(&site, site.people.operator, "lain", &[Channel::InApp]).await;

    let cookie = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let html = get(&site.router, "/tugas", Some(&cookie)).await.text();
    let bell = bell_of(&html);
    assert!(bell.contains(r#"href="/notifikasi""#), "{bell}");
    assert!(
        bell.contains(r#"aria-label="Notifikasi: 3 belum dibaca""#),
        "{bell}"
    );
    assert!(
        bell.contains(r#"hx-get="/notifikasi/lonceng?n=3""#),
        "{bell}"
    );
    // Issue 18, item 21: the bell sits in a polite live region that stays in the page while
    // the bell is swapped, and its hidden text is what is then said.
    let region = r#"<span class="pl-bell-live" aria-live="polite" aria-atomic="true">"#;
    let inside = html.split(region).nth(1).expect("the live region");
    assert!(
        inside.trim_start().starts_with(r#"<a id="pl-bell""#),
        "{html}"
    );
    assert!(
        bell.contains(r#"<span class="visually-hidden">Notifikasi: 3 belum dibaca</span>"#),
        "{bell}"
    );
    assert!(bell.contains("every 30s"), "{bell}");
    assert!(bell.contains(r#"aria-hidden="true">3</span>"#), "{bell}");

    // While the count the page shows stays, the poll answers 204 and nothing is swapped (the
    // live region is not told the same thing every 30 seconds).
    let answer = htmx_get(&site, "/notifikasi/lonceng?n=3", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.text(), "");

    // The poll gets the bell alone, with the new count.
    notify(&site, me, "4", &[Channel::InApp]).await;
    let answer = htmx_get(&site, "/notifikasi/lonceng?n=3", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer
            .text()
            .contains(r#"hx-get="/notifikasi/lonceng?n=4""#)
    );
    let answer = htmx_get(&site, "/notifikasi/lonceng", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let fragment = answer.text();
    assert!(!fragment.contains("<html"), "the bell only: {fragment}");
    assert!(!fragment.contains("<main"), "the bell only: {fragment}");
    assert!(
        fragment.contains(r#"aria-label="Notifikasi: 4 belum dibaca""#),
        "{fragment}"
    );
    assert!(fragment.contains(r#"aria-hidden="true">4</span>"#));
    // English too.
    let fragment = htmx_get(&site, "/notifikasi/lonceng?lang=en", Some(&cookie))
        .await
        .text();
    assert!(
        fragment.contains(r#"aria-label="Notifications: 4 unread""#),
        "{fragment}"
    );

    // All read: no badge, and the label says so.
    site.test
        .services
        .store
        .mark_all_notifications_read(me, site.test.services.clock.now())
        .await
        .unwrap();
    let fragment = htmx_get(&site, "/notifikasi/lonceng", Some(&cookie))
        .await
        .text();
    assert!(
        fragment.contains("Notifikasi: tidak ada yang belum dibaca"),
        "{fragment}"
    );
    assert!(
        fragment.contains(r#"aria-hidden="true"></span>"#),
        "{fragment}"
    );
}

#[tokio::test]
async fn guests_have_no_bell_and_their_poll_ends_it() {
    let site = site().await;
    let html = get(&site.router, "/", None).await.text();
    assert!(!html.contains("pl-bell"), "no bell for guests");
    // A tab whose session ended gets an empty answer: the bell leaves the page and stops
    // polling, instead of the page being sent to the sign-in form while being read.
    let answer = htmx_get(&site, "/notifikasi/lonceng", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), "");
    assert_eq!(answer.header("hx-redirect"), "");
}

#[tokio::test]
async fn every_role_gets_the_bell() {
    let site = site().await;
    for username in ["admin", "auditor", "kepala_dinas", "op.dinkes"] {
        let cookie = sign_in(&site.router, username, TEST_PASSWORD).await;
        let html = get(&site.router, "/notifikasi", Some(&cookie)).await;
        assert_eq!(html.status, StatusCode::OK, "{username}");
        let bell = bell_of(&html.text());
        assert!(
            bell.contains("Notifikasi: tidak ada yang belum dibaca"),
            "{username}: {bell}"
        );
    }
}

#[tokio::test]
async fn the_list_shows_only_ones_own_newest_first_and_paged() {
    let site = site().await;
    let me = site.people.staff_in("pelaksana");
    for n in 1..=25 {
        notify(&site, me, &format!("{n:02}"), &[Channel::InApp]).await;
    }
    let other = notify(&site, site.people.operator, "milik-lain", &[Channel::InApp]).await;

    let cookie = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let answer = get(&site.router, "/notifikasi", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    assert!(html.contains("25 belum dibaca"), "{html}");
    // The text composed by pelihara-notify: the same words as the email.
    assert!(html.contains("Terlambat: PLH-25"), "{html}");
    assert!(html.contains("Pembaruan SIMPUS"));
    assert!(!html.contains("PLH-milik-lain"), "never someone else's");
    assert!(!html.contains(&other.to_string()));
    let newest = html.find("PLH-25").unwrap();
    let older = html.find("PLH-24").unwrap();
    assert!(newest < older, "newest first");
    assert!(!html.contains("PLH-05"), "20 per page");
    assert_eq!(html.matches(r#"class="badge pl-badge-unread""#).count(), 20);
    assert!(html.contains(r#"href="/notifikasi?halaman=2""#));
    assert!(html.contains("Tandai semua sudah dibaca"));
    assert!(html.contains(r#"href="/akun/notifikasi""#));

    let html = get(&site.router, "/notifikasi?halaman=2", Some(&cookie))
        .await
        .text();
    for n in 1..=5 {
        assert!(html.contains(&format!("PLH-{n:02}")), "{n} on page 2");
    }
    assert!(!html.contains("PLH-06"));
    assert!(html.contains(r#"href="/notifikasi?halaman=1""#));
    assert!(!html.contains("halaman=3"));

    // A page number that is no number opens the first page.
    let answer = get(&site.router, "/notifikasi?halaman=abc", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.text().contains("PLH-25"));

    // English.
    let html = get(&site.router, "/notifikasi?lang=en", Some(&cookie))
        .await
        .text();
    assert!(html.contains("25 unread"), "{html}");
    assert!(html.contains("Overdue: PLH-25"), "{html}");
    assert!(html.contains("Mark all as read"));

    // Guests are sent to sign in and back.
    let answer = get(&site.router, "/notifikasi", None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/masuk?next=/notifikasi");
}

#[tokio::test]
async fn marking_read_only_touches_ones_own() {
    let site = site().await;
    let me = site.people.staff_in("pelaksana");
    let first = notify(&site, me, "a", &[Channel::InApp]).await;
    let second = notify(&site, me, "b", &[Channel::InApp]).await;
    let theirs = notify(&site, site.people.operator, "c", &[Channel::InApp]).await;
    let cookie = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;

    let answer = post(
        &site.router,
        &format!("/notifikasi/{first}/baca"),
        Some(&cookie),
        "halaman=1",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(answer.header("location"), "/notifikasi?ok=read");
    assert!(read_at_of(&site, first).await.is_some());
    assert!(read_at_of(&site, second).await.is_none());
    let html = get(&site.router, "/notifikasi?ok=read", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Notifikasi ditandai sudah dibaca."));
    assert!(html.contains("1 belum dibaca"));
    assert!(html.contains("Dibaca "), "when it was read");
    // Marking it again changes nothing and is not an error.
    let again = post(
        &site.router,
        &format!("/notifikasi/{first}/baca"),
        Some(&cookie),
        "",
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);

    // Someone else's, an unknown id, or no id at all: 404, and nothing changes.
    let unknown = NotificationId::parse("00000000-0000-4000-8000-000000000000").unwrap();
    for uri in [
        format!("/notifikasi/{theirs}/baca"),
        format!("/notifikasi/{unknown}/baca"),
        "/notifikasi/bukan-id/baca".to_owned(),
    ] {
        let answer = post(&site.router, &uri, Some(&cookie), "").await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
    }
    assert!(read_at_of(&site, theirs).await.is_none());
    assert_eq!(unread(&site, site.people.operator).await, 1);

    // Opening someone else's is a 404 too, and does not mark it read.
    let answer = get(
        &site.router,
        &format!("/notifikasi/{theirs}/buka"),
        Some(&cookie),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(read_at_of(&site, theirs).await.is_none());

    // Opening one's own goes to what it is about and marks it read.
    let answer = get(
        &site.router,
        &format!("/notifikasi/{second}/buka"),
        Some(&cookie),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/tugas");
    assert!(read_at_of(&site, second).await.is_some());
    assert_eq!(unread(&site, me).await, 0);

    // Marking read is a form of our own pages: a cross-site post is refused.
    let answer = super::send(
        site.router.clone(),
        axum::http::Request::builder()
            .method(Method::POST)
            .uri("/notifikasi/baca-semua")
            .header(axum::http::header::HOST, pelihara_web::testing::TEST_HOST)
            .header(axum::http::header::ORIGIN, "https://evil.example")
            .header(axum::http::header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn mark_all_read_leaves_other_users_alone() {
    let site = site().await;
    let me = site.people.staff_in("kepala_dinas");
    for key in ["1", "2", "3"] {
        notify(&site, me, key, &[Channel::InApp]).await;
    }
    notify(
        &site,
        site.people.staff_in("pelaksana"),
        "x",
        &[Channel::InApp],
    )
    .await;
    let cookie = sign_in(&site.router, "kepala_dinas", TEST_PASSWORD).await;
    let answer = post(&site.router, "/notifikasi/baca-semua", Some(&cookie), "").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "/notifikasi?ok=all-read");
    assert_eq!(unread(&site, me).await, 0);
    assert_eq!(unread(&site, site.people.staff_in("pelaksana")).await, 1);
    let html = get(&site.router, "/notifikasi?ok=all-read", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Semua notifikasi ditandai sudah dibaca."));
    assert!(html.contains("Semua sudah dibaca"));
    assert!(
        !html.contains("Tandai semua sudah dibaca"),
        "nothing left to mark"
    );
    assert!(!html.contains("pl-badge-unread"));
}

/// A staff user with an email address (the seeded people have none).
async fn user_with_email(site: &Site) -> UserId {
    let hash = site
        .test
        .services
        .store
        .user_by_username("pelaksana")
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    site.test
        .services
        .store
        .create_user(
            NewUser {
                username: "siti".to_owned(),
                full_name: "Siti Aminah".to_owned(),
                nip: None,
                email: Some("siti@demakkab.go.id".to_owned()),
                role: Role::Staff,
                positions: vec!["pelaksana".to_owned()],
                opd_id: None,
                password_hash: hash,
            },
            &AuditSource::cli("test"),
            site.test.services.clock.now(),
        )
        .await
        .unwrap()
}

async fn preferences(site: &Site, user: UserId) -> ChannelPreferences {
    site.test
        .services
        .store
        .channel_preferences(user)
        .await
        .unwrap()
}

#[tokio::test]
async fn channel_settings_are_saved_with_an_audit_event() {
    let site = site().await;
    let siti = user_with_email(&site).await;
    let cookie = sign_in(&site.router, "siti", TEST_PASSWORD).await;
    let html = get(&site.router, "/akun/notifikasi", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Dikirim ke siti@demakkab.go.id."), "{html}");
    assert!(html.contains("Selalu aktif"), "in-app is always on");
    assert!(html.contains(r#"id="channel-in-app" checked disabled"#));
    assert!(
        html.contains(r#"name="email" value="on" id="channel-email" checked"#),
        "email is on by default: {html}"
    );
    assert!(!html.contains(r#"id="channel-webhook" checked"#));

    let answer = post(
        &site.router,
        "/akun/notifikasi",
        Some(&cookie),
        "webhook=on&webhook_handle=%2B62+812-3456-7890",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(answer.header("location"), "/akun/notifikasi?ok=saved");
    assert_eq!(
        preferences(&site, siti).await,
        ChannelPreferences {
            email: false,
            webhook: true,
            webhook_handle: "+6281234567890".to_owned(),
        }
    );
    let event = site
        .test
        .services
        .store
        .recent_events(1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(event.action, "notification.preferences");
    assert_eq!(event.actor_id, Some(siti));
    let html = get(&site.router, "/akun/notifikasi?ok=saved", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Pengaturan saluran tersimpan."));
    assert!(html.contains(r#"value="+6281234567890""#), "{html}");
    assert!(html.contains(r#"id="channel-webhook" checked"#));
    assert!(!html.contains(r#"id="channel-email" checked"#));

    // English.
    let html = get(&site.router, "/akun/notifikasi?lang=en", Some(&cookie))
        .await
        .text();
    assert!(html.contains("Sent to siti@demakkab.go.id."));
    assert!(html.contains("Notification channels"));
}

#[tokio::test]
async fn bad_channel_settings_say_why_and_change_nothing() {
    let site = site().await;
    let siti = user_with_email(&site).await;
    let cookie = sign_in(&site.router, "siti", TEST_PASSWORD).await;
    let before = preferences(&site, siti).await;
    let events_before = site.test.services.store.recent_events(1).await.unwrap();
    let cases = [
        (
            "email=on&webhook=on&webhook_handle=",
            "Isi nomor WhatsApp atau ID Telegram",
            "",
        ),
        (
            "email=on&webhook=on&webhook_handle=halo+dunia",
            "Tulis nomor telepon",
            r#"value="halo dunia""#,
        ),
        (
            "email=ya&webhook_handle=",
            "Pilihan tidak dikenal: pengaturan tidak diubah.",
            "",
        ),
        (
            "email=on&webhook=on&webhook=on&webhook_handle=081234567890",
            "Pilihan tidak dikenal",
            r#"value="081234567890""#,
        ),
    ];
    let long = format!("email=on&webhook_handle={}", "1".repeat(70));
    for (body, message, kept) in cases
        .iter()
        .map(|(body, message, kept)| (body.to_string(), *message, *kept))
        .chain([(long, "Paling banyak 64 karakter.", "")])
    {
        let answer = post(&site.router, "/akun/notifikasi", Some(&cookie), &body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let html = answer.text();
        assert!(html.contains(message), "{body}: {html}");
        assert!(html.contains(kept), "{body}: what was typed is kept");
        assert_eq!(preferences(&site, siti).await, before, "{body}");
    }
    let events_after = site.test.services.store.recent_events(1).await.unwrap();
    assert_eq!(
        events_before[0].seq, events_after[0].seq,
        "no audit event for a refused change"
    );

    // Without an address email cannot be turned on; the page says why.
    let cookie = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let html = get(&site.router, "/akun/notifikasi", Some(&cookie))
        .await
        .text();
    assert!(
        html.contains("Akun Anda belum memiliki alamat surel."),
        "{html}"
    );
    assert!(html.contains(r#"id="channel-email" disabled"#), "{html}");
    let answer = post(&site.router, "/akun/notifikasi", Some(&cookie), "email=on").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.text().contains("belum memiliki alamat surel"));
    assert_eq!(
        preferences(&site, site.people.staff_in("pelaksana")).await,
        ChannelPreferences::default()
    );
}

#[tokio::test]
async fn the_delivery_log_is_for_admins_and_auditors() {
    let site = site().await;
    let siti = user_with_email(&site).await;
    let sent = notify(&site, siti, "terkirim", &[Channel::InApp, Channel::Email]).await;
    notify(&site, siti, "gagal", &[Channel::InApp, Channel::Email]).await;
    let store = &site.test.services.store;
    // Both email deliveries are due; one fails for good, the other is sent.
    let claimed = store
        .claim_due_deliveries(
            Channel::Email,
            "uji",
            site.test.services.clock.now(),
            Duration::minutes(5),
            10,
        )
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    for delivery in claimed {
        if delivery.notification.id == sent {
            store
                .mark_delivery_sent(delivery.id, site.test.services.clock.now())
                .await
                .unwrap();
        } else {
            store
                .mark_delivery_failed(
                    delivery.id,
                    "550 kotak surat tidak ada",
                    site.test.services.clock.now(),
                    &RetryPolicy {
                        max_attempts: 1,
                        ..RetryPolicy::default()
                    },
                )
                .await
                .unwrap();
        }
    }

    let cookie = sign_in(&site.router, "admin", TEST_PASSWORD).await;
    let answer = get(&site.router, "/admin/notifikasi", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    assert!(html.contains("Log pengiriman notifikasi"));
    assert!(
        html.contains("4 pengiriman"),
        "two in-app, two email: {html}"
    );
    assert!(html.contains("Siti Aminah"));
    assert!(html.contains("550 kotak surat tidak ada"), "why it failed");
    assert!(html.contains("Gagal") && html.contains("Terkirim"));
    assert!(html.contains("Surel") && html.contains("Aplikasi"));
    assert!(html.contains(r#"href="/admin/pengguna""#), "the admin tabs");

    let html = get(
        &site.router,
        "/admin/notifikasi?status=failed",
        Some(&cookie),
    )
    .await
    .text();
    assert!(html.contains("1 pengiriman"), "{html}");
    assert!(html.contains("550 kotak surat tidak ada"));
    assert!(html.contains(r#"<option value="failed" selected>"#));
    let html = get(
        &site.router,
        "/admin/notifikasi?status=pending",
        Some(&cookie),
    )
    .await
    .text();
    assert!(html.contains("Tidak ada pengiriman dengan status ini."));
    let html = get(
        &site.router,
        "/admin/notifikasi?saluran=email",
        Some(&cookie),
    )
    .await
    .text();
    assert!(html.contains("2 pengiriman"), "the two emails: {html}");
    assert!(html.contains(r#"<option value="email" selected>"#));
    let html = get(
        &site.router,
        "/admin/notifikasi?status=sent&saluran=email",
        Some(&cookie),
    )
    .await
    .text();
    assert!(html.contains("1 pengiriman"), "{html}");
    assert!(!html.contains("550 kotak surat"));
    for bad in ["status=hilang", "saluran=merpati"] {
        let answer = get(
            &site.router,
            &format!("/admin/notifikasi?{bad}"),
            Some(&cookie),
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
    }

    // The auditor reads it, without the admin tabs.
    let cookie = sign_in(&site.router, "auditor", TEST_PASSWORD).await;
    let answer = get(&site.router, "/admin/notifikasi?lang=en", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    assert!(html.contains("Notification delivery log"));
    assert!(html.contains("read only"));
    assert!(!html.contains(r#"href="/admin/pengguna""#));
    assert!(
        html.contains(r#"href="/admin/notifikasi""#),
        "in the auditor's nav"
    );

    // Nobody else.
    for username in ["pelaksana", "kepala_dinas", "op.dinkes"] {
        let cookie = sign_in(&site.router, username, TEST_PASSWORD).await;
        let answer = get(&site.router, "/admin/notifikasi", Some(&cookie)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{username}");
        assert!(!answer.text().contains("550 kotak surat"));
    }
    let answer = get(&site.router, "/admin/notifikasi", None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

/// Moves the session's "last extended" mark back by 11 minutes (past the 10-minute step at
/// which a session in use is extended) and returns (the mark, the expiry) as stored.
async fn age_session(site: &Site, cookie: &str) -> (i64, chrono::DateTime<chrono::Utc>) {
    let id = cookie.split_once('=').unwrap().1;
    let store = &site.test.services.store;
    // Sessions run on the system clock (tower-sessions computes their expiry).
    let now = chrono::Utc::now();
    let stored = store.load_session(id, now).await.unwrap().unwrap();
    let mut data: serde_json::Value = serde_json::from_str(&stored.data).unwrap();
    let old = now.timestamp_millis() - 11 * 60 * 1000;
    data["refreshed_at"] = serde_json::json!(old);
    let user = data["user_id"].as_str().and_then(UserId::parse);
    store
        .save_session(id, user, &data.to_string(), stored.expires_at)
        .await
        .unwrap();
    (old, stored.expires_at)
}

async fn session_state(site: &Site, cookie: &str) -> (i64, chrono::DateTime<chrono::Utc>) {
    let id = cookie.split_once('=').unwrap().1;
    let stored = site
        .test
        .services
        .store
        .load_session(id, chrono::Utc::now())
        .await
        .unwrap()
        .expect("the session is alive");
    let data: serde_json::Value = serde_json::from_str(&stored.data).unwrap();
    (data["refreshed_at"].as_i64().unwrap(), stored.expires_at)
}

#[tokio::test]
async fn the_bells_poll_does_not_keep_a_session_alive_but_a_page_does() {
    let site = site().await;
    let cookie = sign_in(&site.router, "pelaksana", TEST_PASSWORD).await;
    let aged = age_session(&site, &cookie).await;

    // The poll: answered, but the session is neither extended nor its cookie sent again.
    let answer = htmx_get(&site, "/notifikasi/lonceng", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.text().contains("pl-bell"));
    assert_eq!(
        answer.header("set-cookie"),
        "",
        "no fresh cookie for a poll"
    );
    assert_eq!(session_state(&site, &cookie).await, aged, "nothing saved");

    // A page the user opens extends it.
    let answer = get(&site.router, "/notifikasi", Some(&cookie)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("set-cookie").contains("Max-Age=28800"));
    let (refreshed, expires) = session_state(&site, &cookie).await;
    assert!(refreshed > aged.0, "marked as extended");
    assert!(expires > aged.1, "expires later");
}
