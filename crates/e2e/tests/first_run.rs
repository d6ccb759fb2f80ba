//! A new office installs Pelihara from nothing, with the real `pelihara serve` binary on an
//! empty data folder: the setup link read from the server's output creates the administrator
//! and the identity of an office other than Demak's; the page header names it; the
//! administrator imports OPDs and users from sheets; an invited user opens their link from
//! the result page, sets a password and signs in; the setup link no longer works. The pages
//! are looked at at 1366 and 390 px.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use fantoccini::Locator;
use pelihara_i18n::{Lang, t};

use crate::support::{Browser, in_ci};

const OFFICE: &str = "Dinas Komunikasi dan Informatika Kota Semarang";
const ADMIN_PASSWORD: &str = "sandi-admin-semarang";
const USER_PASSWORD: &str = "sandi-operator-semarang";

/// The `pelihara` binary the workspace built beside this test (`target/debug/pelihara`), or
/// `PELIHARA_BIN`.
fn pelihara_binary() -> Option<PathBuf> {
    let binary = std::env::var_os("PELIHARA_BIN")
        .map(PathBuf::from)
        .or_else(|| {
            let test = std::env::current_exe().ok()?;
            // target/debug/deps/journeys-<hash> -> target/debug/pelihara
            Some(test.parent()?.parent()?.join("pelihara"))
        })?;
    if binary.is_file() {
        return Some(binary);
    }
    let why = format!(
        "{} does not exist (cargo build --workspace builds it)",
        binary.display()
    );
    assert!(!in_ci(), "{why}");
    eprintln!("skipped: {why}");
    None
}

/// The server as an operator starts it; stopped (SIGTERM) when dropped.
struct RealServer(Child);

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_office_installs_pelihara_from_an_empty_folder() {
    let Some(binary) = pelihara_binary() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(&binary)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--no-scheduler",
            "--data",
        ])
        .arg(data.path().join("run"))
        .env_remove("PELIHARA_DATABASE_URL")
        .env_remove("PELIHARA_LANG")
        .env_remove("PELIHARA_PUBLIC_URL")
        .env_remove("PELIHARA_SMTP_HOST")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = RealServer(child);
    // Its first lines: where it listens, then the setup link.
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    let first = lines.next().expect("the server's first line");
    let base = first
        .strip_prefix("Pelihara: ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .trim_end_matches('/')
        .to_owned();
    let announcement = lines.next().expect("the setup link's line");
    let link = announcement
        .split_whitespace()
        .find(|word| word.contains("/pasang?token="))
        .unwrap_or_else(|| panic!("no setup link in {announcement:?}"));
    let setup_path = link.strip_prefix(&base).unwrap().to_owned();
    // The rest of the output is not read; keep the pipe drained so the server never blocks.
    std::thread::spawn(move || lines.for_each(drop));

    let Some(mut browser) = Browser::start_at(&base, 1366, 900).await else {
        return;
    };

    // The setup page: the office and the first administrator.
    browser.goto(&setup_path).await;
    browser.wait_for_text(&t(Lang::Id, "setup-title")).await;
    browser.screenshot("first-run-setup-1366").await;
    browser.resize(390, 844).await;
    browser.screenshot("first-run-setup-390").await;
    browser.resize(1366, 900).await;
    for (name, value) in [
        ("government", "Pemerintah Kota Semarang"),
        ("office", "Dinas Komunikasi dan Informatika"),
        ("short_name", "Diskominfo"),
        ("address", "Jalan Pemuda Nomor 148, Semarang"),
        ("place", "Semarang"),
        ("phone", "(024) 3513366"),
        ("office_email", "diskominfo@semarangkota.go.id"),
        ("website", "diskominfo.semarangkota.go.id"),
        ("full_name", "Rina Wulandari"),
        ("username", "rina.admin"),
        ("email", "rina@semarangkota.go.id"),
        ("password", ADMIN_PASSWORD),
        // A typing slip first: the form says so and keeps what was typed.
        ("password_again", "sandi-yang-lain-sekali"),
    ] {
        browser.fill(name, value).await;
    }
    browser.press(&t(Lang::Id, "setup-submit")).await;
    browser
        .wait_for_text(&t(Lang::Id, "account-error-mismatch"))
        .await;
    browser.fill("password", ADMIN_PASSWORD).await;
    browser.fill("password_again", ADMIN_PASSWORD).await;
    browser.press(&t(Lang::Id, "setup-submit")).await;
    browser
        .wait_for_path("the sign-in page after the setup", |path| {
            path.starts_with("/masuk")
        })
        .await;
    browser.wait_for_text(&t(Lang::Id, "setup-done")).await;

    // Signed in, the page header names the new office, not Demak's.
    browser.sign_in("rina.admin", ADMIN_PASSWORD).await;
    let header = browser
        .client
        .find(Locator::Css(".pl-office-name"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(header, OFFICE);
    let footer = browser
        .client
        .find(Locator::Css(".pl-footer"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(footer.contains(OFFICE), "{footer}");

    // The bulk set-up: an OPD sheet and a user sheet.
    let sheets = tempfile::tempdir().unwrap();
    let opd_sheet = sheets.path().join("opd.csv");
    std::fs::write(
        &opd_sheet,
        "Kode OPD;Nama OPD\n\
         DINKES;Dinas Kesehatan\n\
         DISDUKCAPIL;Dinas Kependudukan dan Pencatatan Sipil\n",
    )
    .unwrap();
    let user_sheet = sheets.path().join("pengguna.csv");
    std::fs::write(
        &user_sheet,
        "Nama;Nama Pengguna;NIP;Peran;Kode Jabatan;Kode OPD;Email;Telepon\n\
         Agus Operator;op.dinkes;;Operator OPD;;DINKES;;081234567890\n\
         Sri Pelaksana;sri.pelaksana;198001012005012001;Staf;pelaksana;;;\n\
         Budi Auditor;budi.auditor;;Auditor;;;;\n",
    )
    .unwrap();
    browser.goto("/admin/impor").await;
    browser
        .wait_for_text(&t(Lang::Id, "admin-title-people"))
        .await;
    browser.upload("opd_file", &opd_sheet).await;
    browser.upload("user_file", &user_sheet).await;
    browser.press(&t(Lang::Id, "register-import")).await;
    browser
        .wait_for_text(&t(Lang::Id, "people-done-title"))
        .await;
    assert!(
        browser
            .text()
            .await
            .contains("2 OPD dan 3 pengguna ditambahkan")
    );
    browser.screenshot("first-run-import-1366").await;
    browser.resize(390, 844).await;
    browser.screenshot("first-run-import-390").await;
    browser.resize(1366, 900).await;
    let invitation = browser
        .client
        .find(Locator::Css(
            "[data-username=\"op.dinkes\"] .pl-invitation-link",
        ))
        .await
        .expect("the operator's invitation link")
        .prop("value")
        .await
        .unwrap()
        .expect("a link");
    let invitation_path = invitation.strip_prefix(&base).unwrap().to_owned();
    // The OPDs are there for the other admin pages.
    browser.goto("/admin/opd").await;
    browser
        .wait_for_text("Dinas Kependudukan dan Pencatatan Sipil")
        .await;

    // The invited operator, on their own browser session: sets a password and signs in.
    browser.forget_cookies().await;
    browser.goto(&invitation_path).await;
    browser
        .wait_for_text(&t(Lang::Id, "invitation-set-title"))
        .await;
    browser.resize(390, 844).await;
    browser.screenshot("first-run-invitation-390").await;
    browser.fill("new_password", USER_PASSWORD).await;
    browser.fill("new_password_again", USER_PASSWORD).await;
    browser.press(&t(Lang::Id, "recovery-set-submit")).await;
    browser
        .wait_for_path("the sign-in page after the invitation", |path| {
            path.starts_with("/masuk")
        })
        .await;
    browser.resize(1366, 900).await;
    browser.sign_in("op.dinkes", USER_PASSWORD).await;
    // The operator's own account: their name in the user menu, their tasks.
    browser.wait_for_text("Agus Operator").await;
    assert_eq!(browser.path().await, "/tugas");

    // The links were for once: the invitation and the setup link are gone (410).
    browser.forget_cookies().await;
    browser.goto("/").await;
    assert_eq!(browser.status_of(&invitation_path).await, 410);
    assert_eq!(browser.status_of(&setup_path).await, 410);
    browser.goto(&setup_path).await;
    browser
        .wait_for_text(&t(Lang::Id, "setup-done-already"))
        .await;
    browser.screenshot("first-run-setup-gone-1366").await;
    browser.close().await;
    drop(server);
}
