//! A new office installs Pelihara from nothing, with the real `pelihara serve` binary on an
//! empty data folder: the setup link read from the server's output creates the administrator
//! and the identity of an office other than Demak's; the page header names it; the
//! administrator imports OPDs and users from sheets, and the invitation mailed to one of them
//! (read from the test environment's SMTP sink) names the new office; an invited user opens
//! their link from the result page, sets a password and signs in, turns on two-step
//! verification in their account, signs out and signs in again with a code; they submit a
//! request, and its receipt (a PDF, read back with pdftotext) carries the new office's
//! letterhead, not Demak's; the setup link no longer works. The pages are looked at at 1366
//! and 390 px.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use std::path::Path;
use std::time::{Duration, Instant};

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

/// The test environment's SMTP sink: its port and the Maildir it files into.
fn smtp_sink() -> Option<(String, PathBuf)> {
    match (
        std::env::var("PELIHARA_TEST_SMTP_PORT"),
        std::env::var("PELIHARA_TEST_SMTP_MAILDIR"),
    ) {
        (Ok(port), Ok(maildir)) => Some((port, PathBuf::from(maildir))),
        _ => {
            let why = "PELIHARA_TEST_SMTP_PORT is not set (scripts/test-env.sh start)";
            assert!(!in_ci(), "{why}");
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// The subject and plain-text part of the mail to `address` in the Maildir, decoded by
/// Python's own email package (an independent reader); waits for it up to twenty seconds.
fn mail_to(maildir: &Path, address: &str) -> String {
    let script = r#"
import email, email.policy, os, sys
new = os.path.join(sys.argv[1], "new")
for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
    with open(os.path.join(new, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    if sys.argv[2] in str(m["to"]):
        print(str(m["subject"]))
        print(m.get_body(preferencelist=("plain",)).get_content())
        break
"#;
    let python = std::env::var("PELIHARA_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let output = Command::new(&python)
            .arg("-c")
            .arg(script)
            .arg(maildir)
            .arg(address)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout).unwrap();
        if !text.is_empty() {
            return text;
        }
        assert!(Instant::now() < deadline, "no mail to {address}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The text of a PDF, by pdftotext (poppler-utils), words separated by single spaces.
fn pdf_text(pdf: &[u8]) -> String {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("dokumen.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A TOTP code of `secret`, `steps_ahead` 30-second steps from now (the authenticator app).
fn totp_code(secret: &str, steps_ahead: i64) -> String {
    let step = pelihara_web::totp::step_at(chrono::Utc::now().timestamp()) + steps_ahead;
    format!(
        "{:06}",
        pelihara_web::totp::code_at(secret, step).expect("a base32 secret")
    )
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
    let Some((smtp_port, maildir)) = smtp_sink() else {
        return;
    };
    // An address of this run only: the sink's Maildir keeps earlier runs' mail.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let auditor_email = format!("budi.{nanos}@semarangkota.go.id");
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
        // The office's mail server: the test environment's sink.
        .env("PELIHARA_SMTP_HOST", "127.0.0.1")
        .env("PELIHARA_SMTP_PORT", &smtp_port)
        .env("PELIHARA_SMTP_SECURITY", "none")
        .env(
            "PELIHARA_SMTP_FROM",
            "Pelihara Diskominfo <pelihara@semarangkota.go.id>",
        )
        .env_remove("PELIHARA_SMTP_USERNAME")
        .env_remove("PELIHARA_SMTP_PASSWORD")
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

    // Administrators need the second step (the default): the first sign-in enrols the
    // authenticator app (the test plays it, from the secret the page shows).
    browser.goto("/masuk").await;
    browser.fill("username", "rina.admin").await;
    browser.fill("password", ADMIN_PASSWORD).await;
    browser.press(&t(Lang::Id, "auth-sign-in")).await;
    browser
        .wait_for_path("the enrolment administrators need", |path| {
            path == "/masuk/atur-kode"
        })
        .await;
    let secret = browser
        .client
        .find(Locator::Css("#totp-secret"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace(' ', "");
    let step = pelihara_web::totp::step_at(chrono::Utc::now().timestamp());
    let code = pelihara_web::totp::code_at(&secret, step).unwrap();
    browser.fill("code", &format!("{code:06}")).await;
    browser.press(&t(Lang::Id, "totp-enable")).await;
    browser
        .wait_for_text(&t(Lang::Id, "totp-codes-title"))
        .await;
    browser
        .client
        .find(Locator::Id("continue"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_path("signed in", |path| !path.starts_with("/masuk"))
        .await;

    // Signed in, the page header names the new office, not Demak's.
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

    // The office's working time and agenda numbers on its identity page: a bad format is
    // said next to its field and nothing is saved; then the office's own rules are.
    browser.goto("/admin/kop").await;
    browser
        .wait_for_text(&t(Lang::Id, "admin-letterhead-rules-title"))
        .await;
    browser.fill("close_4", "11:30").await;
    browser.fill("agenda_format", "{nomor}/{tahun}").await;
    browser.press(&t(Lang::Id, "admin-letterhead-save")).await;
    browser.wait_for_text("Bagian {nomor} tidak dikenal").await;
    browser.screenshot("first-run-identity-error-1366").await;
    browser.resize(390, 844).await;
    browser.screenshot("first-run-identity-error-390").await;
    browser.resize(1366, 900).await;
    browser
        .fill("agenda_format", "{seq:3}/{kode}/DISKOMINFO/{tahun}")
        .await;
    browser.press(&t(Lang::Id, "admin-letterhead-save")).await;
    browser
        .wait_for_text(&t(Lang::Id, "admin-notice-letterhead-saved"))
        .await;
    let close_friday = browser
        .client
        .find(Locator::Id("close_4"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(close_friday.as_deref(), Some("11:30"));
    browser.screenshot("first-run-identity-saved-1366").await;

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
        format!(
            "Nama;Nama Pengguna;NIP;Peran;Kode Jabatan;Kode OPD;Email;Telepon\n\
             Agus Operator;op.dinkes;;Operator OPD;;DINKES;;081234567890\n\
             Sri Pelaksana;sri.pelaksana;198001012005012001;Staf;pelaksana;;;\n\
             Budi Auditor;budi.auditor;;Auditor;;;{auditor_email};\n"
        ),
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
    // Budi has an email address: his invitation went by mail, and it names the new office.
    let mail = mail_to(&maildir, &auditor_email);
    assert!(mail.contains(OFFICE), "{mail}");
    assert!(mail.contains("budi.auditor"), "{mail}");
    assert!(!mail.contains("Demak"), "{mail}");
    // The OPDs are there for the other admin pages.
    browser.goto("/admin/opd").await;
    browser
        .wait_for_text("Dinas Kependudukan dan Pencatatan Sipil")
        .await;
    // The register: an app of the health office, for the operator's request below.
    let register_sheet = sheets.path().join("aplikasi.csv");
    std::fs::write(
        &register_sheet,
        "Nama Aplikasi;Kode OPD;URL\nSIMPUS Semarang;DINKES;https://simpus.semarangkota.go.id\n",
    )
    .unwrap();
    browser.goto("/aplikasi/impor").await;
    browser.upload("file", &register_sheet).await;
    browser
        .click_button_with_text(&t(Lang::Id, "register-import"))
        .await;
    browser
        .wait_for_path("the register after the import", |path| {
            !path.starts_with("/aplikasi/impor")
        })
        .await;
    browser.goto("/aplikasi").await;
    browser.wait_for_text("SIMPUS Semarang").await;

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

    // They turn on two-step verification in their account, with the app's first code.
    browser.goto("/akun/dua-langkah").await;
    browser
        .wait_for_text(&t(Lang::Id, "totp-enrol-title"))
        .await;
    let secret = browser
        .client
        .find(Locator::Css("#totp-secret"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace(' ', "");
    browser.fill("code", &totp_code(&secret, 0)).await;
    browser.press(&t(Lang::Id, "totp-enable")).await;
    browser.wait_for_text(&t(Lang::Id, "totp-codes-once")).await;
    browser.screenshot("first-run-totp-on-1366").await;
    // Signed out, the password alone is not enough: the next code signs them in (the one
    // used to turn it on is spent).
    browser.press(&t(Lang::Id, "auth-sign-out")).await;
    browser
        .wait_for_path("signed out", |path| path.starts_with("/masuk"))
        .await;
    browser.goto("/masuk").await;
    browser.fill("username", "op.dinkes").await;
    browser.fill("password", USER_PASSWORD).await;
    browser.press(&t(Lang::Id, "auth-sign-in")).await;
    browser
        .wait_for_path("the second step", |path| path == "/masuk/kode")
        .await;
    browser.resize(390, 844).await;
    browser.screenshot("first-run-code-asked-390").await;
    browser.resize(1366, 900).await;
    browser.fill("code", &totp_code(&secret, 1)).await;
    browser.press(&t(Lang::Id, "auth-sign-in")).await;
    browser
        .wait_for_path("signed in with a code", |path| path == "/tugas")
        .await;
    browser.wait_for_text("Agus Operator").await;

    // A request of the health office; its receipt is an official document with the new
    // office's letterhead.
    let letter = sheets.path().join("surat.pdf");
    std::fs::write(&letter, crate::support::pdf::letter("Surat permohonan")).unwrap();
    browser.goto("/permohonan/baru").await;
    browser
        .wait_for_text(&t(Lang::Id, "web-title-request_new"))
        .await;
    browser.fill("app_id", "SIMPUS Semarang").await;
    browser
        .fill("subject", "Perbaikan formulir pendaftaran SIMPUS")
        .await;
    browser
        .fill("description", "Formulir pendaftaran pasien gagal disimpan.")
        .await;
    browser.upload("letter", &letter).await;
    browser
        .click_button_with_text(&t(Lang::Id, "web-submit-request"))
        .await;
    let case_page = browser
        .wait_for_path("the new case page", |path| {
            path.starts_with("/permohonan/") && path.ends_with("?baru=1")
        })
        .await;
    let case_page = case_page.split('?').next().unwrap().to_owned();
    let (status, receipt) = browser
        .download(&format!("{case_page}/dokumen/tanda-terima"))
        .await;
    assert_eq!(status, 200);
    assert!(receipt.starts_with(b"%PDF-"));
    let printed = pdf_text(&receipt);
    for expected in [
        "PEMERINTAH KOTA SEMARANG",
        "DINAS KOMUNIKASI DAN INFORMATIKA",
        "Jalan Pemuda Nomor 148, Semarang",
    ] {
        assert!(printed.contains(expected), "{expected:?} in {printed}");
    }
    assert!(!printed.to_lowercase().contains("demak"), "{printed}");

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
