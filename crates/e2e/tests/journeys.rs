//! Browser journeys through Pelihara: real headless Chromium, driven through chromedriver,
//! against the web front served in-process on a throw-away database. Each test starts one
//! server and one browser. They must never move a case except through the pages.
//!
//! Run: `source <(scripts/test-env.sh env); cargo test -p pelihara-e2e`. Without Chromium
//! outside CI the tests print "skipped: ..." and pass; in CI they fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

// The notification bell, list and channel settings.
#[path = "notifications.rs"]
mod notifications;

// The register: adding, searching, importing, and a draft request confirmed by the OPD.
#[path = "register.rs"]
mod register_journey;

// A token made on the account page walks a request to done through the API.
#[path = "api.rs"]
mod api_journey;

// The API against schemathesis, generating requests from the OpenAPI description.
#[path = "fuzz.rs"]
mod fuzz;

// The other shipped SOPs, loaded on the admin page and walked by every position.
#[path = "other_sops.rs"]
mod other_sops;

// The dashboard and the Mutu Baku report, downloaded as XLSX and PDF by the Kepala Dinas; the
// SOP monitoring form filled and signed by its assessor, verified at /verifikasi.
#[path = "reports.rs"]
mod reports_journey;
// A new office installs Pelihara from an empty folder with the real binary: the setup link,
// the office's identity, the import of OPDs and users, an invitation used.
#[path = "first_run.rs"]
mod first_run;
// The satisfaction survey from the berita acara's link, and the SKM report with its exports.
#[path = "skm.rs"]
mod skm;
// Every main page of every role through axe-core at 1366 and 390 px, and what a phone shows.
#[path = "accessibility.rs"]
mod accessibility;
// Two-factor sign-in: TOTP turned on on the account page, a code, then a recovery code.
#[path = "totp.rs"]
mod totp_journey;
// Single sign-on through the test environment's real OpenID Connect provider.
#[path = "sso.rs"]
mod sso_journey;

use chrono::{Duration, TimeZone, Utc};
use fantoccini::Locator;
use pelihara_i18n::{Lang, t};
use support::clock::TestClock;
use support::{Browser, Server, xpath_literal};

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

// ---------------------------------------------------------------------------------------------
// The case journeys

pub(crate) fn id(key: &str) -> String {
    t(Lang::Id, key)
}

/// Indonesian text of `key` with one argument.
fn id1(key: &str, name: &str, value: &str) -> String {
    pelihara_i18n::t_args(Lang::Id, key, &[(name, pelihara_i18n::arg(value))])
}

/// A working Tuesday morning in Demak: 1 December 2026, 09.00 WIB. Every deadline of the
/// journeys counts from here, so the SLA badges are known in advance.
pub(crate) fn working_morning() -> TestClock {
    TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap())
}

/// The inbox row of the task about `subject`: (SLA badge CSS modifier, badge text, row text).
/// `None` when the inbox has no such row.
async fn inbox_row(browser: &Browser, subject: &str) -> Option<(String, String, String)> {
    browser.goto("/tugas").await;
    browser.wait_for_text(&id("web-title-inbox")).await;
    let query = format!(
        "//li[contains(@class, 'pl-task')][.//*[contains(@class, 'pl-task-subject') and normalize-space(.)={}]]",
        xpath_literal(subject)
    );
    let rows = browser.visible_xpath(&query).await;
    assert!(rows.len() <= 1, "{} inbox rows for {subject:?}", rows.len());
    let row = rows.into_iter().next()?;
    let badge = row
        .find(Locator::Css(".pl-task-head .pl-sla"))
        .await
        .expect("an SLA badge on the task");
    let class = badge.attr("class").await.unwrap().unwrap_or_default();
    let code = class
        .split_whitespace()
        .find_map(|name| name.strip_prefix("pl-sla-"))
        .unwrap_or_default()
        .to_owned();
    Some((code, badge.text().await.unwrap(), row.text().await.unwrap()))
}

/// Asserts the inbox shows the task about `subject` with the SLA badge `code`
/// (on_time, due_soon, overdue, paused, no_standard) in words.
async fn assert_inbox_badge(browser: &Browser, who: &str, subject: &str, code: &str) {
    let (shown, label, row) = inbox_row(browser, subject)
        .await
        .unwrap_or_else(|| panic!("{who}'s inbox has no task about {subject:?}"));
    assert_eq!(shown, code, "{who}'s badge for {subject:?}: {row}");
    assert_eq!(label, id(&format!("web-sla-{code}")), "{who}: {row}");
}

/// Opens the case page of `subject` from the inbox, as the person would.
async fn open_from_inbox(browser: &Browser, subject: &str) {
    browser.goto("/tugas").await;
    browser.wait_for_text(subject).await;
    let query = format!(
        "//a[contains(@class, 'pl-task-link')][.//*[normalize-space(.)={}]]",
        xpath_literal(subject)
    );
    let link = browser.visible_xpath(&query).await;
    assert_eq!(link.len(), 1, "one inbox link to {subject:?}");
    link[0].click().await.unwrap();
    browser
        .wait_for_path("the case page", |path| {
            path.starts_with("/permohonan/") && !path.starts_with("/permohonan/baru")
        })
        .await;
    browser.wait_for_text(subject).await;
}

/// The action forms a person can see on the case page now, by their `aksi` value.
async fn visible_actions(browser: &Browser) -> Vec<String> {
    let mut actions = Vec::new();
    for form in browser.visible("form.pl-form").await {
        if let Ok(input) = form.find(Locator::Css("input[name=\"aksi\"]")).await {
            actions.push(input.attr("value").await.unwrap().unwrap_or_default());
        }
    }
    actions
}

/// Opens the folded "Tindakan lain" panel of the case page.
async fn open_other_actions(browser: &Browser) {
    let summary = browser
        .visible("details.pl-other-actions > summary")
        .await
        .into_iter()
        .next()
        .expect("the other actions panel");
    summary.click().await.unwrap();
}

/// The status badge of the case page, in words.
async fn case_status(browser: &Browser) -> String {
    browser
        .client
        .find(Locator::Css(".pl-status"))
        .await
        .expect("a status badge")
        .text()
        .await
        .unwrap()
}

/// The case id in the browser's address (`/permohonan/<id>`).
async fn case_id(browser: &Browser) -> String {
    let path = browser.path().await;
    let id = path
        .strip_prefix("/permohonan/")
        .and_then(|rest| rest.split(['?', '/']).next())
        .unwrap_or_else(|| panic!("not on a case page: {path}"));
    id.to_owned()
}

/// Writes the request letter for a journey into `folder` and returns its path.
pub(crate) fn letter_file(folder: &std::path::Path, name: &str, line: &str) -> std::path::PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, support::pdf::letter(line)).unwrap();
    path
}

/// Who plays the journeys: one person per SOP position, the operators of two OPDs and the app
/// the first OPD asks about.
pub(crate) struct Cast {
    password: String,
    operator: String,
    other_operator: String,
    pelaksana: String,
    kepala_dinas: String,
    sekretaris: String,
    kabid: String,
    subkoor: String,
    app_name: String,
}

/// Submits a request as `cast.operator` through `/permohonan/baru` and returns the case id;
/// the browser is left on the new case page.
pub(crate) async fn submit_request(
    browser: &Browser,
    cast: &Cast,
    subject: &str,
    letter: &std::path::Path,
) -> String {
    browser.sign_in(&cast.operator, &cast.password).await;
    browser.goto("/tugas").await;
    // The operator starts from the inbox's button, as the page offers it.
    browser.click_link_with_text(&id("web-new-request")).await;
    browser
        .wait_for_path("the new request form", |path| path == "/permohonan/baru")
        .await;
    browser.wait_for_text(&id("web-title-request_new")).await;
    browser.fill("app_id", &cast.app_name).await;
    browser.fill("subject", subject).await;
    browser
        .fill(
            "description",
            "Formulir pengaduan tidak dapat mengunggah lampiran sejak pembaruan server.",
        )
        .await;
    browser.upload("letter", letter).await;
    browser
        .click_button_with_text(&id("web-submit-request"))
        .await;
    browser
        .wait_for_path("the new case page", |path| {
            path.starts_with("/permohonan/") && path.ends_with("?baru=1")
        })
        .await;
    browser.wait_for_text(subject).await;
    case_id(browser).await
}

/// The value of the dashboard figure labelled `label_key`.
pub(crate) async fn dashboard_figure(browser: &Browser, label_key: &str) -> String {
    browser.goto("/dasbor").await;
    browser.wait_for_text(&id("web-title-dashboard")).await;
    for stat in browser.visible(".pl-stat").await {
        let label = stat
            .find(Locator::Css(".pl-stat-label"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if label == id(label_key) {
            return stat
                .find(Locator::Css(".pl-stat-value"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
        }
    }
    panic!("no dashboard figure {label_key}");
}

/// Clicks the button with `button` and waits until the timeline has one more entry titled
/// `record_key` than before (the page redirects to itself, so the address cannot tell).
async fn act_and_wait_for_record(browser: &Browser, button: &str, record_key: &str) {
    let title = id(record_key);
    let before = timeline_count(browser, &title).await;
    browser.click_button_with_text(button).await;
    let started = std::time::Instant::now();
    loop {
        if timeline_count(browser, &title).await > before {
            return;
        }
        if started.elapsed() > std::time::Duration::from_secs(15) {
            panic!(
                "no new timeline entry {title:?} after {button:?}; the page shows:\n{}",
                browser.text().await
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// How many timeline entries of the case page are titled `title`.
async fn timeline_count(browser: &Browser, title: &str) -> usize {
    let query = format!(
        "//li[contains(@class, 'pl-timeline-item')]//strong[normalize-space(.)={}]",
        xpath_literal(title)
    );
    browser
        .client
        .find_all(Locator::XPath(&query))
        .await
        .map(|found| found.len())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_goes_from_the_opd_to_done() {
    let clock = working_morning();
    let server = Server::start_with_clock(clock.clock()).await;
    let cast = cast(&server).await;
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    let files = tempfile::tempdir().unwrap();
    let letter = letter_file(
        files.path(),
        "surat-permohonan.pdf",
        "Surat permohonan pemeliharaan website",
    );
    let subject = "Perbaikan formulir pengaduan website";

    // Step 1: the OPD's operator submits the request with its letter.
    let case = submit_request(&browser, &cast, subject, &letter).await;
    let case_page = format!("/permohonan/{case}");
    let tracking_code = browser
        .client
        .find(Locator::Css(".pl-page-head .pl-eyebrow"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!tracking_code.is_empty());
    browser
        .wait_for_text(&id1("web-request-created", "code", &tracking_code))
        .await;
    assert_eq!(case_status(&browser).await, id("status-open"));
    // The letter kept is the letter sent, byte for byte.
    assert_eq!(
        browser.download(&format!("{case_page}/surat")).await,
        (200, std::fs::read(&letter).unwrap())
    );
    assert!(
        !visible_actions(&browser)
            .await
            .contains(&"register".to_owned()),
        "the operator must not register its own letter"
    );
    assert!(!browser.has_field("letter_number").await);
    browser.screenshot("journey-01-submitted").await;
    // The operator's list of requests shows it, on step 2.
    browser.goto("/permohonan").await;
    browser.wait_for_text(&tracking_code).await;
    assert!(browser.text().await.contains(subject));

    // The operator of another OPD: the case does not exist for them.
    browser.sign_in(&cast.other_operator, &cast.password).await;
    browser.goto(&case_page).await;
    browser
        .wait_for_text(&id("web-error-not-found-title"))
        .await;
    assert!(!browser.text().await.contains(subject));
    assert_eq!(browser.status_of(&case_page).await, 404);
    assert_eq!(browser.status_of(&format!("{case_page}/surat")).await, 404);
    browser.goto("/permohonan").await;
    browser.wait_for_text(&id("web-title-cases")).await;
    assert!(!browser.text().await.contains(&tracking_code));
    assert!(inbox_row(&browser, subject).await.is_none());
    // Their dashboard counts their OPD's requests only: none.
    assert_eq!(dashboard_figure(&browser, "web-stat-open").await, "0");

    // The Kepala Dinas before registration: sees the case, has no task and no form on it.
    browser.sign_in(&cast.kepala_dinas, &cast.password).await;
    assert!(inbox_row(&browser, subject).await.is_none());
    browser.goto(&case_page).await;
    browser.wait_for_text(subject).await;
    assert_eq!(visible_actions(&browser).await, Vec::<String>::new());
    assert!(!browser.has_field("letter_number").await);

    // Step 2: the pelaksana registers. Its standard is 5 minutes: the badge follows the clock.
    browser.sign_in(&cast.pelaksana, &cast.password).await;
    assert_inbox_badge(&browser, "pelaksana", subject, "on_time").await;
    clock.advance(Duration::minutes(4));
    assert_inbox_badge(&browser, "pelaksana", subject, "due_soon").await;
    clock.advance(Duration::minutes(2));
    assert_inbox_badge(&browser, "pelaksana", subject, "overdue").await;
    browser.screenshot("journey-02-pelaksana-inbox").await;
    // The late registration shows on the leadership's dashboard.
    browser.sign_in(&cast.kepala_dinas, &cast.password).await;
    browser.goto("/dasbor").await;
    browser.wait_for_text(&id("web-overdue-cases")).await;
    browser.wait_for_text(subject).await;
    browser.sign_in(&cast.pelaksana, &cast.password).await;
    open_from_inbox(&browser, subject).await;
    assert_eq!(visible_actions(&browser).await, vec!["register".to_owned()]);
    browser.fill("letter_number", "027/114/DINKES/2026").await;
    browser.fill("letter_date", "2026-11-30").await;
    browser.fill("urgency", "segera").await;
    browser.screenshot("journey-02-register-form").await;
    act_and_wait_for_record(
        &browser,
        &id1("web-registration-forward", "to", "Kepala Dinas"),
        "web-record-registration",
    )
    .await;
    let page = browser.text().await;
    assert!(page.contains(&id("web-agenda-number")), "{page}");
    assert!(page.contains("027/114/DINKES/2026"), "{page}");
    assert_eq!(visible_actions(&browser).await, Vec::<String>::new());

    // Steps 3 to 5: three dispositions, each with its paraf, down to the Sub Koor.
    let dispositions = [
        (&cast.kepala_dinas, "kepala_dinas", "Sekretaris"),
        (&cast.sekretaris, "sekretaris", "Kabid Aptika"),
        (&cast.kabid, "kabid", "Sub Koor SPA"),
    ];
    for (round, (username, who, next)) in dispositions.into_iter().enumerate() {
        browser.sign_in(username, &cast.password).await;
        assert_inbox_badge(&browser, who, subject, "on_time").await;
        if round == 0 {
            browser.resize(390, 844).await;
            browser.goto("/tugas").await;
            browser.wait_for_text(subject).await;
            browser.screenshot("phone-inbox-kepala-dinas").await;
        }
        open_from_inbox(&browser, subject).await;
        assert_eq!(visible_actions(&browser).await, vec!["dispose".to_owned()]);
        assert!(
            !browser.has_field("letter_number").await,
            "{who} sees the register form"
        );
        browser.check("instructions", "Tindak lanjuti").await;
        browser
            .fill("note", &format!("Mohon ditindaklanjuti ({who})."))
            .await;
        if round == 0 {
            browser.screenshot("phone-dispose-form").await;
            browser.resize(1366, 900).await;
        }
        act_and_wait_for_record(
            &browser,
            &id1("web-dispose-to", "to", next),
            "web-record-disposition",
        )
        .await;
        assert_eq!(
            timeline_count(&browser, &id("web-record-disposition")).await,
            round + 1
        );
        assert_eq!(visible_actions(&browser).await, Vec::<String>::new());
        if round == 0 {
            // Until the Sekretaris opens it, the Kepala Dinas may take the disposition back.
            open_other_actions(&browser).await;
            assert!(browser.button_with_text(&id("web-recall")).await.is_some());
        }
    }

    // Step 6: the Sub Koor analyses and verifies.
    browser.sign_in(&cast.subkoor, &cast.password).await;
    assert_inbox_badge(&browser, "subkoor", subject, "on_time").await;
    open_from_inbox(&browser, subject).await;
    assert_eq!(visible_actions(&browser).await, vec!["analysis".to_owned()]);
    browser
        .fill(
            "findings",
            "Modul unggah lampiran gagal karena batas ukuran di server.",
        )
        .await;
    browser
        .fill(
            "recommendation",
            "Naikkan batas unggah dan perbarui pustaka.",
        )
        .await;
    browser.check("verdict", "maintainable").await;
    act_and_wait_for_record(&browser, &id("web-save-analysis"), "web-record-analysis").await;
    assert_eq!(visible_actions(&browser).await, Vec::<String>::new());

    // Steps 7 and 8: the pelaksana maintains, then hosts.
    browser.sign_in(&cast.pelaksana, &cast.password).await;
    assert_inbox_badge(&browser, "pelaksana", subject, "on_time").await;
    open_from_inbox(&browser, subject).await;
    assert_eq!(
        visible_actions(&browser).await,
        vec!["maintenance".to_owned()]
    );
    browser
        .fill(
            "work_log",
            "Menaikkan batas unggah menjadi 10 MB; memperbarui pustaka formulir.",
        )
        .await;
    browser
        .fill("result", "Lampiran dapat diunggah kembali.")
        .await;
    browser.fill("version", "v2.4.1").await;
    act_and_wait_for_record(
        &browser,
        &id("web-save-maintenance"),
        "web-record-maintenance",
    )
    .await;
    assert_eq!(visible_actions(&browser).await, vec!["hosting".to_owned()]);
    browser.fill("server", "srv-web-02").await;
    browser.fill("domain", "dinkes.demakkab.go.id").await;
    browser.fill("url", "https://dinkes.demakkab.go.id").await;
    browser.fill("network_officer", "Joko Susilo").await;
    browser.check("dns_configured", "1").await;
    browser.check("deployed", "1").await;
    act_and_wait_for_record(&browser, &id("web-save-hosting"), "web-record-hosting").await;
    assert_eq!(visible_actions(&browser).await, Vec::<String>::new());

    // Step 9: the Sub Koor presents the result; the OPD decides.
    browser.sign_in(&cast.subkoor, &cast.password).await;
    assert_inbox_badge(&browser, "subkoor", subject, "on_time").await;
    open_from_inbox(&browser, subject).await;
    assert_eq!(visible_actions(&browser).await, vec!["handover".to_owned()]);
    browser.fill("place", "Ruang rapat Dinkominfo").await;
    browser
        .fill(
            "attendees",
            "Dinkominfo: Sub Koor SPA, pelaksana; OPD: operator",
        )
        .await;
    browser
        .fill("summary", "Unggah lampiran diperagakan dan berjalan.")
        .await;
    act_and_wait_for_record(
        &browser,
        &id("web-save-presentation"),
        "web-record-presentation",
    )
    .await;
    assert!(
        !visible_actions(&browser)
            .await
            .contains(&"accept".to_owned()),
        "the presenter must not accept for the OPD"
    );

    browser.sign_in(&cast.operator, &cast.password).await;
    // The SOP gives the OPD's decision no time standard of its own.
    assert_inbox_badge(&browser, "operator", subject, "no_standard").await;
    open_from_inbox(&browser, subject).await;
    browser
        .wait_for_text("Hasil pemeliharaan diterima OPD?")
        .await;
    let actions = visible_actions(&browser).await;
    assert!(
        actions.contains(&"accept".to_owned()) && actions.contains(&"send_back".to_owned()),
        "{actions:?}"
    );
    browser
        .fill_by_id("accept-note", "Terima kasih, sudah berjalan baik.")
        .await;
    act_and_wait_for_record(&browser, &id("web-accept"), "web-record-acceptance").await;
    assert_eq!(case_status(&browser).await, id("status-done"));
    assert_eq!(visible_actions(&browser).await, Vec::<String>::new());
    assert!(inbox_row(&browser, subject).await.is_none());
    browser.goto(&case_page).await;
    browser.wait_for_text(subject).await;
    browser.screenshot("journey-10-done").await;

    // The month's figure counts it; the other OPD still cannot see it.
    browser.sign_in(&cast.kepala_dinas, &cast.password).await;
    assert_eq!(dashboard_figure(&browser, "dashboard-tile-done").await, "1");
    browser.sign_in(&cast.other_operator, &cast.password).await;
    assert_eq!(browser.status_of(&case_page).await, 404);

    // The OPD answers the satisfaction survey; the Kepala Dinas reads the report.
    skm::survey_and_report(
        &mut browser,
        &case_page,
        &cast.operator,
        &cast.kepala_dinas,
        &cast.password,
    )
    .await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_returned_to_the_opd_comes_back_completed() {
    let clock = working_morning();
    let server = Server::start_with_clock(clock.clock()).await;
    let cast = cast(&server).await;
    let Some(browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    let files = tempfile::tempdir().unwrap();
    let unsigned = letter_file(
        files.path(),
        "surat-belum-ttd.pdf",
        "Surat permohonan pembaruan halaman antrian (belum ditandatangani)",
    );
    let signed = letter_file(
        files.path(),
        "surat-bertanda-tangan.pdf",
        "Surat permohonan pembaruan halaman antrian",
    );
    let subject = "Pembaruan halaman layanan antrian";
    let reason =
        "Surat belum ditandatangani kepala OPD; mohon unggah surat yang sudah ditandatangani.";

    let case = submit_request(&browser, &cast, subject, &unsigned).await;
    let case_page = format!("/permohonan/{case}");

    // The pelaksana spends 2 of the 5 minutes of step 2, then returns the request.
    browser.sign_in(&cast.pelaksana, &cast.password).await;
    assert_inbox_badge(&browser, "pelaksana", subject, "on_time").await;
    open_from_inbox(&browser, subject).await;
    clock.advance(Duration::minutes(2));
    // First without a reason (spaces pass the browser's own `required`): refused, and the
    // page comes back with "Tindakan lain" open, the reason marked invalid, described by the
    // message and holding the focus (issue 18, item 21).
    open_other_actions(&browser).await;
    browser.fill_by_id("reason-return", "   ").await;
    browser
        .click_button_with_text(&id("web-return-to-opd"))
        .await;
    browser.wait_for_text("Alasan wajib diisi.").await;
    let refused = browser
        .client
        .execute(
            "const field = document.activeElement;\
             return [field.id, field.getAttribute('aria-invalid') || '',\
                     field.getAttribute('aria-describedby') || '',\
                     document.querySelector('details.pl-other-actions').open];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        refused,
        serde_json::json!(["reason-return", "true", "action-message", true]),
        "focus, marking and the open panel after the refusal"
    );
    browser.screenshot("journey-return-refused").await;
    browser.fill_by_id("reason-return", reason).await;
    act_and_wait_for_record(&browser, &id("web-return-to-opd"), "web-record-returned").await;
    assert_eq!(case_status(&browser).await, id("status-returned"));
    assert!(browser.text().await.contains(&id("web-step-returned")));
    assert_eq!(visible_actions(&browser).await, Vec::<String>::new());
    assert!(inbox_row(&browser, subject).await.is_none());

    // Three office hours pass while the request waits on the OPD: they must not count.
    clock.advance(Duration::hours(3));

    // The operator finds it in its inbox, reads why, and completes it with a new letter.
    browser.sign_in(&cast.operator, &cast.password).await;
    assert_inbox_badge(&browser, "operator", subject, "no_standard").await;
    open_from_inbox(&browser, subject).await;
    let page = browser.text().await;
    assert!(page.contains(reason), "{page}");
    assert!(page.contains(&id("web-returned-explain")), "{page}");
    assert_eq!(visible_actions(&browser).await, vec!["resubmit".to_owned()]);
    browser
        .fill_by_id("resubmit-note", "Surat sudah ditandatangani, terlampir.")
        .await;
    browser.upload("letter", &signed).await;
    browser.screenshot("journey-return-resubmit-form").await;
    act_and_wait_for_record(&browser, &id("web-resubmit"), "web-record-resubmitted").await;
    assert_eq!(case_status(&browser).await, id("status-open"));
    let page = browser.text().await;
    assert!(page.contains("surat-bertanda-tangan.pdf"), "{page}");
    // From now on the case's letter is the completed one.
    assert_eq!(
        browser.download(&format!("{case_page}/surat")).await,
        (200, std::fs::read(&signed).unwrap())
    );
    assert_eq!(visible_actions(&browser).await, Vec::<String>::new());
    assert!(inbox_row(&browser, subject).await.is_none());

    // Back with the pelaksana, with the time used before the return and no more: 3 of 5
    // minutes left is on time; 2 more minutes leave 1 (20%), which is due soon.
    browser.sign_in(&cast.pelaksana, &cast.password).await;
    assert_inbox_badge(&browser, "pelaksana", subject, "on_time").await;
    clock.advance(Duration::minutes(2));
    assert_inbox_badge(&browser, "pelaksana", subject, "due_soon").await;
    open_from_inbox(&browser, subject).await;
    assert_eq!(visible_actions(&browser).await, vec!["register".to_owned()]);
    browser.fill("letter_number", "027/208/DUKCAPIL/2026").await;
    browser.fill("letter_date", "2026-12-01").await;
    act_and_wait_for_record(
        &browser,
        &id1("web-registration-forward", "to", "Kepala Dinas"),
        "web-record-registration",
    )
    .await;
    browser.screenshot("journey-return-registered").await;

    // The request goes on as usual: the Kepala Dinas has it to dispose.
    browser.sign_in(&cast.kepala_dinas, &cast.password).await;
    assert_inbox_badge(&browser, "kepala_dinas", subject, "on_time").await;
    browser.goto(&case_page).await;
    browser.wait_for_text(subject).await;
    assert_eq!(visible_actions(&browser).await, vec!["dispose".to_owned()]);

    browser.close().await;
}

/// Seeds the people (`pelihara_web::testing::seed_people`) and one app of the first OPD, as
/// an admin would have set them up; usernames are read back from the store.
pub(crate) async fn cast(server: &Server) -> Cast {
    let services = &server.test.services;
    let people = pelihara_web::testing::seed_people(services).await;
    let app_name = "Website Dinas Kesehatan";
    services
        .store
        .create_app(
            people.opd,
            pelihara_store::register::NewApp {
                name: app_name.to_owned(),
                url: "https://dinkes.demakkab.go.id".to_owned(),
                domain: "dinkes.demakkab.go.id".to_owned(),
                hosting: "Server Dinkominfo".to_owned(),
                stack: "PHP".to_owned(),
                notes: String::new(),
            },
            &pelihara_store::AuditSource::cli("e2e"),
            services.clock.now(),
        )
        .await
        .expect("the OPD's app");
    let username = async |user| {
        services
            .store
            .user(user)
            .await
            .expect("the store answers")
            .expect("a seeded user")
            .user
            .username
    };
    Cast {
        password: pelihara_web::testing::TEST_PASSWORD.to_owned(),
        operator: username(people.operator).await,
        other_operator: username(people.other_operator).await,
        pelaksana: username(people.staff_in("pelaksana")).await,
        kepala_dinas: username(people.staff_in("kepala_dinas")).await,
        sekretaris: username(people.staff_in("sekretaris")).await,
        kabid: username(people.staff_in("kabid_aptika")).await,
        subkoor: username(people.staff_in("subkoor_spa")).await,
        app_name: app_name.to_owned(),
    }
}
