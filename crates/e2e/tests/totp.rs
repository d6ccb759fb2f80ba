//! Two-factor sign-in as a person does it: a staff member turns TOTP on on the account page
//! (the test plays the authenticator app: it computes codes from the secret the page shows),
//! keeps the recovery codes, signs out, signs in with a code, then with a recovery code, which
//! then no longer works; then the admin makes it required for staff, and the Kepala Dinas
//! enrols right after the password. Screenshots of every step at 1366 and 390 px.

use chrono::Utc;
use fantoccini::Locator;
use pelihara_i18n::{Lang, t};
use pelihara_web::testing::{TEST_PASSWORD, seed_people};
use pelihara_web::totp;

use crate::support::{Browser, Server};

/// The code of `secret` for `steps_ahead` steps after now, as the app would show it then (one
/// step ahead is inside the window, and later than the step just used to enrol).
fn code(secret: &str, steps_ahead: i64) -> String {
    let step = totp::step_at(Utc::now().timestamp()) + steps_ahead;
    format!(
        "{:06}",
        totp::code_at(secret, step).expect("a base32 secret")
    )
}

async fn text_of(browser: &Browser, selector: &str) -> String {
    browser
        .client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|error| panic!("no {selector}: {error}"))
        .text()
        .await
        .unwrap()
}

/// Clicks the button with `text` after scrolling it to the middle of the window at once
/// (Bootstrap scrolls smoothly, and a click landing mid-scroll hits another element).
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
    button.click().await.unwrap();
}

/// Screenshots at 1366 px and at a phone's 390 px, then back.
async fn both_widths(browser: &mut Browser, name: &str) {
    browser.screenshot(name).await;
    browser.resize(390, 844).await;
    browser.screenshot(&format!("{name}-phone")).await;
    browser.resize(1366, 900).await;
}

/// The password step by hand (the support's `sign_in` waits to leave `/masuk`).
async fn password(browser: &Browser, username: &str) {
    browser.goto("/masuk").await;
    browser.fill("username", username).await;
    browser.fill("password", TEST_PASSWORD).await;
    press(browser, &t(Lang::Id, "auth-sign-in")).await;
    browser
        .wait_for_path("the second step", |path| path == "/masuk/kode")
        .await;
}

async fn sign_out(browser: &Browser) {
    press(browser, &t(Lang::Id, "auth-sign-out")).await;
    browser
        .wait_for_path("signed out", |path| path.starts_with("/masuk"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_turns_on_totp_and_signs_in_with_a_code_then_a_recovery_code() {
    let server = Server::start().await;
    seed_people(&server.test.services).await;
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    browser.sign_in("pelaksana", TEST_PASSWORD).await;
    browser.goto("/akun/sandi").await;
    browser
        .click_link_with_text(&t(Lang::Id, "account-tab-totp"))
        .await;
    browser
        .wait_for_text(&t(Lang::Id, "totp-enrol-title"))
        .await;
    assert_eq!(
        browser.visible(".pl-totp-qr svg").await.len(),
        1,
        "the QR code"
    );
    both_widths(&mut browser, "totp-01-enrol").await;
    let secret = text_of(&browser, "#totp-secret").await.replace(' ', "");
    assert_eq!(secret.len(), 32, "{secret}");

    // A wrong code first: said next to the field, nothing turned on.
    browser.fill("code", "000000").await;
    press(&browser, &t(Lang::Id, "totp-enable")).await;
    browser
        .wait_for_text(&t(Lang::Id, "totp-error-enrol-wrong"))
        .await;
    let field = browser.client.find(Locator::Id("code")).await.unwrap();
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );

    browser.fill("code", &code(&secret, 0)).await;
    press(&browser, &t(Lang::Id, "totp-enable")).await;
    browser.wait_for_text(&t(Lang::Id, "totp-codes-once")).await;
    let mut codes = Vec::new();
    for element in browser.visible("#recovery-codes code").await {
        codes.push(element.text().await.unwrap());
    }
    assert_eq!(codes.len(), 10, "{codes:?}");
    assert!(browser.text().await.contains(&t(Lang::Id, "totp-state-on")));
    both_widths(&mut browser, "totp-02-recovery-codes").await;

    // Signed out, the password alone no longer signs in.
    sign_out(&browser).await;
    password(&browser, "pelaksana").await;
    both_widths(&mut browser, "totp-03-code-asked").await;
    browser.goto("/tugas").await;
    browser
        .wait_for_path("a private page refused", |path| {
            path.starts_with("/masuk?next=")
        })
        .await;
    browser.goto("/masuk/kode").await;
    browser.fill("code", &code(&secret, 1)).await;
    press(&browser, &t(Lang::Id, "auth-sign-in")).await;
    browser
        .wait_for_path("signed in with a code", |path| path == "/tugas")
        .await;
    browser.wait_for_text("Staf pelaksana").await;

    // Then with a recovery code (no phone at hand), which works once.
    sign_out(&browser).await;
    password(&browser, "pelaksana").await;
    browser.fill("code", &codes[0]).await;
    press(&browser, &t(Lang::Id, "auth-sign-in")).await;
    browser
        .wait_for_path("signed in with a recovery code", |path| path == "/tugas")
        .await;
    browser.goto("/akun/dua-langkah").await;
    assert_eq!(text_of(&browser, "#unused-codes").await, "9");
    both_widths(&mut browser, "totp-04-account-on").await;
    sign_out(&browser).await;
    password(&browser, "pelaksana").await;
    browser.fill("code", &codes[0]).await;
    press(&browser, &t(Lang::Id, "auth-sign-in")).await;
    browser
        .wait_for_text(&t(Lang::Id, "totp-error-wrong"))
        .await;
    assert_eq!(browser.path().await, "/masuk/kode");
    both_widths(&mut browser, "totp-05-code-refused").await;

    // The admin's page that chooses which roles need it.
    browser.sign_in("admin", TEST_PASSWORD).await;
    browser.goto("/admin/keamanan").await;
    browser
        .wait_for_text(&t(Lang::Id, "totp-admin-roles"))
        .await;
    both_widths(&mut browser, "totp-06-admin").await;

    // The admin makes it required for staff: the Kepala Dinas enrols right after the password.
    browser.check("totp_roles", "staff").await;
    press(&browser, &t(Lang::Id, "totp-admin-save")).await;
    browser
        .wait_for_text(&t(Lang::Id, "totp-admin-saved"))
        .await;
    sign_out(&browser).await;
    browser.goto("/masuk").await;
    browser.fill("username", "kepala_dinas").await;
    browser.fill("password", TEST_PASSWORD).await;
    press(&browser, &t(Lang::Id, "auth-sign-in")).await;
    browser
        .wait_for_path("the enrolment a role needs", |path| {
            path == "/masuk/atur-kode"
        })
        .await;
    both_widths(&mut browser, "totp-07-enrol-required").await;
    let secret = text_of(&browser, "#totp-secret").await.replace(' ', "");
    browser.fill("code", &code(&secret, 0)).await;
    press(&browser, &t(Lang::Id, "totp-enable")).await;
    browser.wait_for_text(&t(Lang::Id, "totp-codes-once")).await;
    assert_eq!(browser.visible("#recovery-codes code").await.len(), 10);
    // Signed in by now: the header is the account's, not a guest's.
    assert_eq!(
        text_of(&browser, ".pl-user-name").await,
        "Staf kepala_dinas",
        "the signed-in header above the recovery codes"
    );
    both_widths(&mut browser, "totp-08-enrolled-codes").await;
    browser
        .click_link_with_text(&t(Lang::Id, "totp-continue"))
        .await;
    browser
        .wait_for_path("signed in after enrolling", |path| path == "/tugas")
        .await;
    browser.close().await;
}
