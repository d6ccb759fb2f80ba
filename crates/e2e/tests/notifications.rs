//! The notification journey in Chromium: an admin gives a member of staff an email address, a
//! notification arrives for them while a page is open and the bell counts it without a reload,
//! they open the list and mark it read, and change their channels (a bad handle is refused and
//! says why). The admin and the auditor read the delivery log. Screenshots at 1366 and 390 px.
//!
//! The notification itself is recorded through the store, as the scheduler records it: the
//! journey is about what the user sees of it, not about when the scheduler makes one.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use fantoccini::Locator;
use pelihara_i18n::{Lang, t, t_args};
use pelihara_store::notifications::{
    Channel, NewNotification, NotificationDetail, NotificationKind,
};

use crate::support::{Browser, Server};

fn id(key: &str) -> String {
    t(Lang::Id, key)
}

/// The bell's accessible label for `count` unread.
fn bell_label(count: u32) -> String {
    t_args(
        Lang::Id,
        "notif-bell-label",
        &[("count", pelihara_i18n::num(count))],
    )
}

/// The bell as the page shows it now: (badge text, aria-label). Read in one script: the bell
/// polls and is swapped whole, so an element found a moment earlier may be gone (stale).
async fn bell(browser: &Browser) -> (String, String) {
    let read = browser
        .client
        .execute(
            "const bell = document.getElementById('pl-bell');\
             if (!bell) { return null; }\
             const badge = bell.querySelector('#notif-count');\
             if (!badge) { return null; }\
             return [badge.textContent, bell.getAttribute('aria-label') || ''];",
            vec![],
        )
        .await
        .expect("reading the bell");
    let pair = read
        .as_array()
        .unwrap_or_else(|| panic!("a bell with its badge in the top bar, found {read}"));
    let text = |index: usize| pair[index].as_str().unwrap_or_default().trim().to_owned();
    (text(0), text(1))
}

/// Clicks the button `text` after scrolling it to the middle of the window (a long form
/// leaves it below the window otherwise; instant, since Bootstrap scrolls smoothly), as a
/// user scrolls before clicking.
async fn press(browser: &Browser, text: &str) {
    let button = browser
        .button_with_text(text)
        .await
        .unwrap_or_else(|| panic!("no button {text:?}"));
    browser
        .client
        .execute(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![serde_json::to_value(&button).unwrap()],
        )
        .await
        .unwrap();
    if let Err(error) = button.click().await {
        let info = browser
            .client
            .execute(
                "const r = arguments[0].getBoundingClientRect(); return [window.scrollY, window.innerHeight, r.top, document.documentElement.scrollHeight, document.elementFromPoint(r.left + 5, r.top + 5)?.outerHTML?.slice(0, 200)];",
                vec![serde_json::to_value(&button).unwrap()],
            )
            .await
            .unwrap();
        browser.screenshot("debug-press").await;
        panic!("cannot click {text:?}: {error} {info}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bell_counts_without_a_reload_and_the_user_reads_and_chooses_channels() {
    let server = Server::start().await;
    let people = pelihara_web::testing::seed_people(&server.test.services).await;
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    let password = pelihara_web::testing::TEST_PASSWORD;

    // The admin gives Siti an account with an email address, through the admin page.
    browser.sign_in("admin", password).await;
    browser.goto("/admin/pengguna").await;
    browser.fill("username", "siti").await;
    browser.fill("full_name", "Siti Aminah").await;
    browser.fill("email", "siti@demakkab.go.id").await;
    browser.fill("role", "staff").await;
    browser.check("positions", "pelaksana").await;
    browser.fill("password", "kata-sandi-siti").await;
    press(&browser, &t(Lang::Id, "admin-users-create")).await;
    browser
        .wait_for_text(&t(Lang::Id, "admin-notice-user-created"))
        .await;
    let siti = server
        .test
        .services
        .store
        .user_by_username("siti")
        .await
        .unwrap()
        .expect("Siti's account")
        .user
        .id;

    // Siti works on her inbox; nothing unread yet.
    browser.sign_in("siti", "kata-sandi-siti").await;
    browser.goto("/tugas").await;
    browser.wait_for_text(&id("web-title-inbox")).await;
    assert_eq!(bell(&browser).await, (String::new(), bell_label(0)));
    // A mark on the page: a reload would wipe it.
    browser
        .client
        .execute("window.plNoReload = 'still here';", vec![])
        .await
        .unwrap();

    // A task of hers is overdue: the scheduler records the notification.
    let now = server.test.services.clock.now();
    server
        .test
        .services
        .store
        .record_notification(
            &NewNotification {
                recipient: siti,
                dedupe_key: "e2e:overdue".to_owned(),
                kind: NotificationKind::TaskOverdue,
                case_id: None,
                task_id: None,
                app_id: None,
                link_path: "/tugas".to_owned(),
                detail: NotificationDetail {
                    tracking_code: Some("PLH-7K3M9Q2XWD".to_owned()),
                    subject: Some("Pembaruan SIMPUS".to_owned()),
                    step_no: Some(5),
                    step_name: Some("Analisis kebutuhan".to_owned()),
                    due_at: Some(now - Duration::hours(2)),
                    ..NotificationDetail::default()
                },
            },
            &[Channel::InApp, Channel::Email],
            now,
        )
        .await
        .unwrap()
        .expect("a new notification");
    // Someone else's never shows in her bell.
    server
        .test
        .services
        .store
        .record_notification(
            &NewNotification {
                recipient: people.staff_in("kepala_dinas"),
                dedupe_key: "e2e:other".to_owned(),
                kind: NotificationKind::TaskArrived,
                case_id: None,
                task_id: None,
                app_id: None,
                link_path: "/tugas".to_owned(),
                detail: NotificationDetail::default(),
            },
            &[Channel::InApp],
            now,
        )
        .await
        .unwrap();

    // The bell asks every 30 s: within 45 s it shows 1, on the same page, not reloaded.
    let started = Instant::now();
    loop {
        let (badge, label) = bell(&browser).await;
        if badge == "1" {
            assert_eq!(label, bell_label(1));
            break;
        }
        assert!(
            started.elapsed() < StdDuration::from_secs(45),
            "the bell still shows {badge:?} ({label}) after 45 s"
        );
        tokio::time::sleep(StdDuration::from_millis(250)).await;
    }
    let mark = browser
        .client
        .execute("return window.plNoReload || null;", vec![])
        .await
        .unwrap();
    assert_eq!(
        mark,
        serde_json::json!("still here"),
        "the page was not reloaded"
    );
    assert_eq!(browser.path().await, "/tugas");
    browser.screenshot("notifications-bell-1366").await;

    // She opens the list from the bell.
    browser
        .client
        .find(Locator::Id("pl-bell"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_path("the notification list", |path| path == "/notifikasi")
        .await;
    browser.wait_for_text("Terlambat: PLH-7K3M9Q2XWD").await;
    let page = browser.text().await;
    assert!(page.contains("Pembaruan SIMPUS"), "{page}");
    assert!(page.contains(&id("notif-unread")), "{page}");
    assert!(!page.contains("e2e:other"));
    browser.screenshot("notifications-list-1366").await;
    browser.resize(390, 844).await;
    browser.screenshot("notifications-list-390").await;
    browser.resize(1366, 900).await;

    // Marks it read: the notice, no unread badge, and the bell empties.
    press(&browser, &id("notif-mark-read")).await;
    browser.wait_for_text(&id("notif-notice-read")).await;
    assert!(browser.visible(".pl-badge-unread").await.is_empty());
    assert_eq!(bell(&browser).await, (String::new(), bell_label(0)));

    // Her channels: email goes to her address; the gateway needs a handle.
    browser
        .click_link_with_text(&id("notif-settings-link"))
        .await;
    browser
        .wait_for_path("the channel settings", |path| path == "/akun/notifikasi")
        .await;
    browser.wait_for_text("siti@demakkab.go.id").await;
    browser.check("webhook", "on").await;
    press(&browser, &id("notif-save")).await;
    browser
        .wait_for_text(&id("notif-error-handle-required"))
        .await;
    browser.fill("webhook_handle", "+62 812-3456-7890").await;
    // Email off: she reads the gateway on her phone.
    browser
        .client
        .find(Locator::Id("channel-email"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    press(&browser, &id("notif-save")).await;
    browser.wait_for_text(&id("notif-notice-saved")).await;
    let email_on = browser
        .client
        .find(Locator::Id("channel-email"))
        .await
        .unwrap()
        .is_selected()
        .await
        .unwrap();
    let webhook_on = browser
        .client
        .find(Locator::Id("channel-webhook"))
        .await
        .unwrap()
        .is_selected()
        .await
        .unwrap();
    assert!(!email_on && webhook_on, "the page shows what was saved");
    let handle = browser
        .client
        .find(Locator::Id("webhook_handle"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(handle, "+6281234567890");
    browser.screenshot("notifications-settings-1366").await;
    browser.resize(390, 844).await;
    browser.screenshot("notifications-settings-390").await;
    browser.resize(1366, 900).await;

    // The admin reads the delivery log; the auditor too.
    browser.sign_in("admin", password).await;
    browser.goto("/admin/notifikasi").await;
    browser.wait_for_text(&id("notif-admin-title")).await;
    let log = browser.text().await;
    assert!(log.contains("Siti Aminah"), "{log}");
    // Email was on when it was recorded; no sender runs here, so it waits.
    assert!(log.contains(&id("notif-status-pending")), "{log}");
    assert!(log.contains(&id("notif-channel-name-email")), "{log}");
    browser.screenshot("notifications-admin-log-1366").await;
    browser.resize(390, 844).await;
    browser.screenshot("notifications-admin-log-390").await;
    browser.resize(1366, 900).await;
    browser.sign_in("auditor", password).await;
    browser.click_link_with_text(&id("notif-admin-nav")).await;
    browser.wait_for_text(&id("notif-admin-read-only")).await;

    browser.close().await;
}
