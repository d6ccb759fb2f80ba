//! Browser journeys through Pelihara: real headless Chromium, driven through chromedriver,
//! against the web front served in-process on a throw-away database. Each test starts one
//! server and one browser. They must never move a case except through the pages.
//!
//! Run: `source <(scripts/test-env.sh env); cargo test -p pelihara-e2e`. Without Chromium
//! outside CI the tests print "skipped: ..." and pass; in CI they fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use fantoccini::Locator;
use pelihara_i18n::{Lang, t};
use support::{Browser, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn landing_page_speaks_indonesian_then_english() {
    let server = Server::start().await;
    let Some(browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };

    browser.goto("/").await;
    browser.wait_for_text(&t(Lang::Id, "web-tagline")).await;
    assert_eq!(browser.html_lang().await, "id");
    let page = browser.text().await;
    for key in [
        "web-landing-submit-title",
        "web-landing-track-title",
        "web-landing-register-title",
        "web-landing-warning-title",
    ] {
        assert!(page.contains(&t(Lang::Id, key)), "{key} missing:\n{page}");
    }
    // The lookups above would pass on an English fallback too: one phrase read by a person.
    assert!(page.contains("Layanan Pemeliharaan Aplikasi dan Website"));
    assert!(page.contains(support::OFFICE));
    browser.screenshot("landing-id").await;

    // The language switch in the top bar, as a user clicks it.
    browser
        .client
        .find(Locator::Css("a[hreflang=\"en\"]"))
        .await
        .expect("the English switch")
        .click()
        .await
        .unwrap();
    browser.wait_for_text(&t(Lang::En, "web-tagline")).await;
    assert_eq!(browser.html_lang().await, "en");
    assert_eq!(browser.path().await, "/");
    let page = browser.text().await;
    assert!(page.contains("Application and Website Maintenance Service"));
    assert!(!page.contains(&t(Lang::Id, "web-landing-submit-title")));

    // The choice is remembered: a fresh visit without `?lang=` stays English.
    browser.goto("/").await;
    browser
        .wait_for_text(&t(Lang::En, "web-landing-track-title"))
        .await;
    assert_eq!(browser.html_lang().await, "en");
    browser.screenshot("landing-en").await;

    browser.close().await;
}
