//! Every main page of every role at 1366 and 390 px, checked by axe-core (WCAG 2.1 A and AA
//! rules, injected through WebDriver from `PELIHARA_TEST_AXE`, which `scripts/test-env.sh`
//! installs), and at 390 px for what a phone shows: no page wider than the screen, and the
//! signed-in person's name with the link to their account within reach of the menu.

use serde_json::{Value, json};

use crate::support::{Browser, Server};
use crate::{cast, letter_file, submit_request, working_morning};

/// The rule sets axe-core checks: WCAG 2.0 and 2.1, levels A and AA.
const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// axe-core's script, or `None` outside CI when it is not installed (after saying so); in CI
/// a missing checker fails the test, so CI never passes by skipping.
fn axe_script() -> Option<String> {
    let path = std::env::var("PELIHARA_TEST_AXE").unwrap_or_default();
    match std::fs::read_to_string(&path) {
        Ok(script) => Some(script),
        Err(error) => {
            let why = format!(
                "PELIHARA_TEST_AXE {path:?} cannot be read ({error}); scripts/test-env.sh start installs axe-core"
            );
            assert!(!crate::support::in_ci(), "{why}");
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// What axe-core finds wrong on the page the browser shows, one line per failing element:
/// `rule (impact) selector: summary`.
async fn axe_violations(browser: &Browser, axe: &str) -> Vec<String> {
    // Loaded once per document; a page navigated to afterwards needs it again.
    let loaded = browser
        .client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .unwrap();
    if loaded != Value::Bool(true) {
        browser.client.execute(axe, vec![]).await.unwrap();
    }
    let found = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
               .then(result => done(result.violations.flatMap(rule => rule.nodes.map(node =>
                   `${rule.id} (${rule.impact}) ${node.target.join(' ')}: ${(node.failureSummary || '').replace(/\\s+/g, ' ')}`))))
               .catch(error => done([`axe failed: ${error}`]));",
            vec![json!(WCAG_TAGS)],
        )
        .await
        .unwrap();
    found
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .filter_map(|line| line.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// How many CSS pixels the page is wider than the window (0 when it fits).
async fn sideways_overflow(browser: &Browser) -> i64 {
    browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap_or(0)
}

/// How many tables of the page are wider than the box that holds them (their last columns
/// cut off behind a sideways scroll).
async fn tables_cut(browser: &Browser) -> i64 {
    browser
        .client
        .execute(
            "return [...document.querySelectorAll('table')]
               .filter(table => table.scrollWidth > table.parentElement.clientWidth + 1).length;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap_or(0)
}

/// Whether the office name in the top bar shows whole (not clipped by an ellipsis or a line
/// clamp): the regency is its last word.
async fn office_name_shows_whole(browser: &Browser) -> bool {
    browser
        .client
        .execute(
            "const name = document.querySelector('.pl-office-name');
             return !!name && name.scrollWidth <= name.clientWidth && name.scrollHeight <= name.clientHeight;",
            vec![],
        )
        .await
        .unwrap()
        == Value::Bool(true)
}

/// Whether the signed-in person, on a phone, sees their own name on a link to their account
/// page: in the top bar, or in the menu once opened.
async fn account_link_within_reach(browser: &Browser, name: &str) -> bool {
    let visible_account_link = async || {
        for link in browser.visible("a[href=\"/akun/sandi\"]").await {
            if link.text().await.unwrap_or_default().contains(name) {
                return true;
            }
        }
        false
    };
    if visible_account_link().await {
        return true;
    }
    let Some(toggler) = browser.visible(".navbar-toggler").await.into_iter().next() else {
        return false;
    };
    toggler.click().await.unwrap();
    // The menu unfolds with a short transition.
    for _ in 0..30 {
        if visible_account_link().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

/// One person and the pages they use most.
struct Walk {
    username: Option<String>,
    display_name: String,
    pages: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_main_page_of_every_role_passes_axe_at_1366_and_390() {
    let Some(axe) = axe_script() else {
        return;
    };
    let clock = working_morning();
    let server = Server::start_with_clock(clock.clock()).await;
    let cast = cast(&server).await;
    let Some(mut browser) = Browser::start(&server, 1366, 900).await else {
        return;
    };
    // One request on its way, so the case pages, inboxes and lists have something to show.
    let files = tempfile::tempdir().unwrap();
    let letter = letter_file(files.path(), "surat.pdf", "Permohonan pemeliharaan");
    let case_id = submit_request(&browser, &cast, "Formulir pengaduan gagal", &letter).await;
    browser.forget_cookies().await;
    let case_page = format!("/permohonan/{case_id}");
    let app_id = server
        .test
        .services
        .store
        .register(&Default::default())
        .await
        .unwrap()
        .first()
        .map(|app| app.app.id.to_string())
        .expect("the OPD's app");
    let app_page = format!("/aplikasi/{app_id}");

    let pages = |list: &[&str]| list.iter().map(|page| (*page).to_owned()).collect();
    let staff = |username: &str, list: Vec<String>| Walk {
        username: Some(username.to_owned()),
        display_name: format!("Staf {username}"),
        pages: list,
    };
    let walks = vec![
        Walk {
            username: None,
            display_name: String::new(),
            pages: pages(&["/", "/masuk", "/lacak"]),
        },
        Walk {
            username: Some(cast.operator.clone()),
            display_name: "Operator Dinkes".to_owned(),
            pages: vec![
                "/tugas".to_owned(),
                "/permohonan".to_owned(),
                "/permohonan/baru".to_owned(),
                case_page.clone(),
                "/aplikasi".to_owned(),
                app_page.clone(),
                "/notifikasi".to_owned(),
                "/akun/notifikasi".to_owned(),
                "/akun/sandi".to_owned(),
            ],
        },
        staff(
            &cast.kepala_dinas,
            vec![
                "/tugas".to_owned(),
                case_page.clone(),
                "/dasbor".to_owned(),
                "/laporan/mutu-baku".to_owned(),
                "/laporan/skm".to_owned(),
            ],
        ),
        staff(
            &cast.pelaksana,
            vec![
                "/tugas".to_owned(),
                "/permohonan".to_owned(),
                case_page.clone(),
                "/aplikasi".to_owned(),
                app_page.clone(),
                "/akun/token".to_owned(),
            ],
        ),
        Walk {
            username: Some("admin".to_owned()),
            display_name: "Admin Uji".to_owned(),
            pages: pages(&[
                "/admin/pengguna",
                "/admin/opd",
                "/admin/sop",
                "/admin/libur",
                "/admin/delegasi",
                "/admin/kop",
                "/admin/notifikasi",
                "/admin/pemeliharaan",
                "/admin/keamanan",
                "/admin/akun-layanan",
                "/admin/jejak-audit",
                "/aplikasi/baru",
                "/aplikasi/impor",
            ]),
        },
        Walk {
            username: Some("auditor".to_owned()),
            display_name: "Auditor Uji".to_owned(),
            pages: vec![
                "/dasbor".to_owned(),
                "/permohonan".to_owned(),
                case_page.clone(),
                "/laporan/pemeliharaan".to_owned(),
                "/laporan/monitoring-sop".to_owned(),
                "/admin/jejak-audit".to_owned(),
            ],
        },
    ];

    let mut problems = Vec::new();
    for walk in &walks {
        browser.forget_cookies().await;
        browser.resize(1366, 900).await;
        if let Some(username) = &walk.username {
            browser.sign_in(username, &cast.password).await;
        }
        let who = walk.username.as_deref().unwrap_or("guest");
        for (width, height) in [(1366, 900), (390, 844)] {
            browser.resize(width, height).await;
            for page in &walk.pages {
                browser.goto(page).await;
                for violation in axe_violations(&browser, &axe).await {
                    problems.push(format!("{who} {page} at {width} px: {violation}"));
                }
                if width == 390 {
                    let name = format!("a11y-{who}-{}-390", page.replace('/', "_"));
                    browser.screenshot(&name).await;
                    let overflow = sideways_overflow(&browser).await;
                    // The register's list stacks its rows on a phone: no column is cut.
                    if page == "/aplikasi" && tables_cut(&browser).await > 0 {
                        problems.push(format!("{who} {page} at 390 px: the table is cut"));
                    }
                    if overflow > 0 {
                        problems.push(format!(
                            "{who} {page} at 390 px: the page is {overflow} px wider than the screen"
                        ));
                    }
                }
            }
            if width == 390 && !office_name_shows_whole(&browser).await {
                problems.push(format!("{who} at 390 px: the office name is cut"));
            }
            if width == 390 && walk.username.is_some() {
                browser.goto(&walk.pages[0]).await;
                if !account_link_within_reach(&browser, &walk.display_name).await {
                    problems.push(format!(
                        "{who} at 390 px: no visible link to /akun/sandi with the name {:?}",
                        walk.display_name
                    ));
                }
                browser.screenshot(&format!("a11y-{who}-menu-390")).await;
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    browser.close().await;
}
