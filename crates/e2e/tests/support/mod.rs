//! Test support for the browser journeys: the web front served in-process on a loopback port,
//! chromedriver started as a child process, and a `Browser` with the few gestures a user makes
//! (sign in, fill, upload, click, read, screenshot). It must never reach around the browser to
//! change what a journey checks: pages are driven only as a user would drive them (the store
//! is touched only to seed people and to find ids, never to move a case).

// A failing step of a journey is best reported by a panic naming the step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod clock;
pub mod pdf;

use std::net::{SocketAddr, TcpListener as StdListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use pelihara_web::testing::TestServices;
use pelihara_web::{AppState, Clock, WebConfig, router};
use serde_json::{Value, json};

/// The office name shown in the top bar of every page.
pub const OFFICE: &str = "Dinas Komunikasi dan Informatika Kabupaten Demak";

/// How long a page gets to show what a step waits for. Generous: two cores are shared with
/// compilers while the tests run.
const WAIT: Duration = Duration::from_secs(15);

/// The web front on `127.0.0.1:<free port>`, serving from a tokio task of the test's runtime,
/// on a throw-away database. Dropping it stops the server and deletes the database.
pub struct Server {
    /// `http://127.0.0.1:<port>`: also the public base URL, so the cross-site check trusts
    /// the browser's `Origin`.
    pub base: String,
    pub test: TestServices,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// The server on the system clock.
    pub async fn start() -> Server {
        Server::start_with(pelihara_web::testing::services().await, None).await
    }

    /// The server with single sign-on through `sso` (the test environment's provider).
    pub async fn start_with_sso(sso: pelihara_web::sso::SsoSettings) -> Server {
        Server::start_with(pelihara_web::testing::services().await, Some(sso)).await
    }

    /// The server on `clock` (case deadlines and SLA badges follow it; sessions do not).
    pub async fn start_with_clock(clock: Clock) -> Server {
        Server::start_with(
            pelihara_web::testing::services_with_clock(clock).await,
            None,
        )
        .await
    }

    async fn start_with(test: TestServices, sso: Option<pelihara_web::sso::SsoSettings>) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the server");
        let port = listener.local_addr().expect("the server's address").port();
        let base = format!("http://127.0.0.1:{port}");
        let state = AppState::new(
            WebConfig {
                office_name: OFFICE.to_owned(),
                public_base_url: base.clone(),
                upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
                trusted_proxies: Default::default(),
            },
            test.services.clone(),
        )
        .expect("a valid web configuration");
        if let Some(sso) = sso {
            state
                .set_sso(sso)
                .expect("a valid single sign-on configuration");
        }
        // With connect info, as `pelihara serve`: the audit trail records the client's address.
        let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the server runs");
        });
        Server { base, test, task }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Where the browser binaries are, or why the journeys cannot run.
struct Binaries {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// Whether the environment says this is CI: set, non-empty and not "false" (scripts/test.sh).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false")
}

/// The binaries from `CHROMIUM` and `CHROMEDRIVER` (Debian's paths by default). `None` when
/// one is missing outside CI (after saying so); in CI a missing browser fails the test, so
/// CI can never pass by skipping.
fn binaries() -> Option<Binaries> {
    let chromium =
        PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()));
    let chromedriver = PathBuf::from(
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned()),
    );
    for (variable, path) in [("CHROMIUM", &chromium), ("CHROMEDRIVER", &chromedriver)] {
        if !path.is_file() {
            let why = format!(
                "{variable} {} does not exist (scripts/test-env.sh start installs it)",
                path.display()
            );
            if in_ci() {
                panic!("{why}");
            }
            eprintln!("skipped: {why}");
            return None;
        }
    }
    Some(Binaries {
        chromium,
        chromedriver,
    })
}

/// chromedriver as a child process on a free loopback port; killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    /// Its log, read back when it fails to start.
    log: PathBuf,
}

impl Driver {
    fn start(binary: &Path, log_folder: &Path) -> Driver {
        // The kernel picks a free port; another process may take it before chromedriver
        // binds, so a failed start is retried on a new port.
        for attempt in 1..=5 {
            let port = StdListener::bind("127.0.0.1:0")
                .and_then(|listener| listener.local_addr())
                .expect("a free loopback port")
                .port();
            let log = log_folder.join(format!("chromedriver-{attempt}.log"));
            let child = Command::new(binary)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
            let mut driver = Driver { child, port, log };
            if driver.wait_until_listening() {
                return driver;
            }
            // Dropping kills it; the next attempt takes a new port.
        }
        panic!("chromedriver did not start listening after 5 attempts");
    }

    /// Whether chromedriver accepts connections within 10 s (false if it exited).
    fn wait_until_listening(&mut self) -> bool {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return true;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                eprintln!(
                    "chromedriver exited with {status}: {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver ends the Chromium it started when its session is deleted or it dies.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where screenshots go: `<target>/e2e-screenshots/`, never committed.
pub fn screenshot_folder() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("e2e-screenshots")
}

/// One headless Chromium, driven through chromedriver, pointed at one server.
pub struct Browser {
    pub client: Client,
    base: String,
    width: u32,
    height: u32,
    // Declared after `client`, so the WebDriver session closes (in `close`) before the driver
    // dies, and the profile folder outlives both.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A fresh browser (empty profile) with a `width` x `height` window, pointed at `server`.
    /// `None` when the browser binaries are missing outside CI (the test then returns early,
    /// having printed "skipped: ...").
    pub async fn start(server: &Server, width: u32, height: u32) -> Option<Browser> {
        Browser::start_at(&server.base, width, height).await
    }

    /// Like [`Browser::start`], pointed at a server at `base` (`http://127.0.0.1:<port>`) that
    /// runs elsewhere (the real binary in its own process).
    pub async fn start_at(base: &str, width: u32, height: u32) -> Option<Browser> {
        let binaries = binaries()?;
        let profile = tempfile::tempdir().expect("a temporary Chromium profile");
        let driver = Driver::start(&binaries.chromedriver, profile.path());
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!(
                "--user-data-dir={}",
                profile.path().join("chromium").display()
            ),
            format!("--window-size={width},{height}"),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({ "binary": binaries.chromium, "args": args }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "no WebDriver session: {error}\nchromedriver log:\n{}",
                    std::fs::read_to_string(&driver.log).unwrap_or_default()
                )
            });
        Some(Browser {
            client,
            base: base.to_owned(),
            width,
            height,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Ends the WebDriver session (and with it Chromium). Call at the end of a test; a test
    /// that panics leaves it to dropping the driver, which kills chromedriver and its browser.
    pub async fn close(self) {
        let Browser { client, .. } = self;
        client.close().await.expect("the WebDriver session closes");
    }

    pub async fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|error| panic!("cannot open {url}: {error}"));
    }

    /// The path (and query) the browser shows now.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The visible text of the page, as a user reads it.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .expect("a body")
            .text()
            .await
            .expect("the body's text")
    }

    /// The `lang` attribute of `<html>`.
    pub async fn html_lang(&self) -> String {
        self.client
            .find(Locator::Css("html"))
            .await
            .expect("an html element")
            .attr("lang")
            .await
            .expect("the lang attribute")
            .unwrap_or_default()
    }

    /// Waits until the page's visible text contains `text`; panics with what the page shows
    /// instead.
    pub async fn wait_for_text(&self, text: &str) {
        self.wait_until(&format!("the text {text:?}"), |page| page.contains(text))
            .await;
    }

    /// Waits until the page's visible text satisfies `ready`; `what` names it in the failure.
    pub async fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) {
        let started = Instant::now();
        loop {
            // The page may be between two documents: a failed read is retried.
            let page = match self.client.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if ready(&page) {
                return;
            }
            if started.elapsed() > WAIT {
                let path = self.path().await;
                panic!("waited {WAIT:?} for {what} on {path}; the page shows:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the browser is on a path for which `ready` holds.
    pub async fn wait_for_path(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let path = self.path().await;
            if ready(&path) {
                return path;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "waited {WAIT:?} for {what}; still on {path}, showing:\n{}",
                    self.text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The one displayed form field named `name`.
    async fn field(&self, name: &str) -> Element {
        let selector = format!("[name=\"{}\"]", name.replace('"', "\\\""));
        let mut shown = Vec::new();
        for element in self.client.find_all(Locator::Css(&selector)).await.unwrap() {
            let kind = element.attr("type").await.unwrap_or_default();
            // File inputs are often styled away; hidden inputs are not fields a user fills.
            if kind.as_deref() == Some("file") || element.is_displayed().await.unwrap_or(false) {
                shown.push(element);
            }
        }
        match shown.len() {
            1 => shown.remove(0),
            0 => panic!(
                "no visible field named {name:?} on {}; the page shows:\n{}",
                self.path().await,
                self.text().await
            ),
            more => panic!(
                "{more} visible fields named {name:?} on {}",
                self.path().await
            ),
        }
    }

    /// Whether a visible field named `name` is on the page (a form a role may use).
    pub async fn has_field(&self, name: &str) -> bool {
        let selector = format!("[name=\"{}\"]", name.replace('"', "\\\""));
        for element in self.client.find_all(Locator::Css(&selector)).await.unwrap() {
            if element.is_displayed().await.unwrap_or(false) {
                return true;
            }
        }
        false
    }

    /// Types `value` into the field named `name` (text, textarea), replacing what it held;
    /// picks the option with that value or label (select); sets date and time inputs directly,
    /// since their typed format depends on the browser's locale.
    pub async fn fill(&self, name: &str, value: &str) {
        let field = self.field(name).await;
        self.set_value(&field, name, value).await;
    }

    /// Like [`Browser::fill`], for the field with `id` (several forms may share a name).
    pub async fn fill_by_id(&self, id: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|error| panic!("no field #{id}: {error}"));
        assert!(
            field.is_displayed().await.unwrap(),
            "the field #{id} is not visible"
        );
        self.set_value(&field, id, value).await;
    }

    async fn set_value(&self, field: &Element, name: &str, value: &str) {
        let tag = field.tag_name().await.unwrap().to_ascii_lowercase();
        let kind = field.attr("type").await.unwrap().unwrap_or_default();
        if tag == "select" {
            if field.select_by_value(value).await.is_err() {
                field
                    .select_by_label(value)
                    .await
                    .unwrap_or_else(|error| panic!("no option {value:?} in {name:?}: {error}"));
            }
        } else if matches!(
            kind.as_str(),
            "date" | "time" | "datetime-local" | "month" | "week"
        ) {
            self.client
                .execute(
                    "arguments[0].value = arguments[1];\
                     arguments[0].dispatchEvent(new Event('input', {bubbles: true}));\
                     arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                    vec![serde_json::to_value(field).unwrap(), json!(value)],
                )
                .await
                .unwrap();
        } else {
            field.clear().await.unwrap();
            field
                .send_keys(value)
                .await
                .unwrap_or_else(|error| panic!("cannot type into {name:?}: {error}"));
        }
    }

    /// Ticks the checkbox or radio button named `name` with `value`.
    pub async fn check(&self, name: &str, value: &str) {
        let selector = format!(
            "input[name=\"{}\"][value=\"{}\"]",
            name.replace('"', "\\\""),
            value.replace('"', "\\\"")
        );
        let input = self
            .client
            .find(Locator::Css(&selector))
            .await
            .unwrap_or_else(|error| panic!("no choice {value:?} for {name:?}: {error}"));
        if !input.is_selected().await.unwrap() {
            // Clicking the label too would untick it again: click the input only, through
            // script when a custom control hides it.
            if input.click().await.is_err() {
                self.client
                    .execute(
                        "arguments[0].click();",
                        vec![serde_json::to_value(&input).unwrap()],
                    )
                    .await
                    .unwrap();
            }
        }
    }

    /// Chooses the local file `path` in the file input named `name`.
    pub async fn upload(&self, name: &str, path: &Path) {
        let field = self.field(name).await;
        let path = path.canonicalize().expect("the file to upload exists");
        field
            .send_keys(&path.display().to_string())
            .await
            .unwrap_or_else(|error| {
                panic!("cannot choose {} for {name:?}: {error}", path.display())
            });
    }

    /// Clicks the one displayed button (or submit input) whose text is `text` (ignoring
    /// surrounding white space); a button whose text merely contains `text` is taken only
    /// when no button matches exactly.
    pub async fn click_button_with_text(&self, text: &str) {
        let button = self
            .button_with_text(text)
            .await
            .unwrap_or_else(|| panic!("no button {text:?} on this page"));
        button
            .click()
            .await
            .unwrap_or_else(|error| panic!("cannot click the button {text:?}: {error}"));
    }

    /// Clicks the button `text` after scrolling it to the middle of the window (long forms put
    /// it under the fixed footer).
    pub async fn press(&self, text: &str) {
        let button = self
            .button_with_text(text)
            .await
            .unwrap_or_else(|| panic!("no button {text:?}"));
        let element = serde_json::to_value(&button).unwrap();
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![element.clone()],
            )
            .await
            .unwrap();
        if button.click().await.is_err() {
            // Still covered (headless windows are short): submit as that button would.
            self.client
                .execute(
                    "arguments[0].form.requestSubmit(arguments[0]);",
                    vec![element],
                )
                .await
                .unwrap();
        }
    }

    /// The displayed button with `text`, if any (see [`Browser::click_button_with_text`]).
    pub async fn button_with_text(&self, text: &str) -> Option<Element> {
        let literal = xpath_literal(text);
        let exact = format!(
            "//button[normalize-space(.)={literal}] | //input[(@type='submit' or @type='button') and normalize-space(@value)={literal}]"
        );
        let partial = format!("//button[contains(normalize-space(.), {literal})]");
        for query in [exact, partial] {
            for element in self.client.find_all(Locator::XPath(&query)).await.unwrap() {
                if element.is_displayed().await.unwrap_or(false) {
                    return Some(element);
                }
            }
        }
        None
    }

    /// Clicks the displayed link whose text is `text`.
    pub async fn click_link_with_text(&self, text: &str) {
        let literal = xpath_literal(text);
        let query = format!("//a[normalize-space(.)={literal}]");
        for element in self.client.find_all(Locator::XPath(&query)).await.unwrap() {
            if element.is_displayed().await.unwrap_or(false) {
                element.click().await.unwrap();
                return;
            }
        }
        panic!("no link {text:?} on {}", self.path().await);
    }

    /// Signs in on `/masuk` as a person does (any earlier session and the language cookie
    /// are forgotten first) and waits until the browser has left the sign-in page.
    pub async fn sign_in(&self, username: &str, password: &str) {
        self.forget_cookies().await;
        self.goto("/masuk").await;
        self.fill("username", username).await;
        self.fill("password", password).await;
        self.click_button_with_text(&pelihara_i18n::t(pelihara_i18n::Lang::Id, "auth-sign-in"))
            .await;
        self.wait_for_path(&format!("{username} to be signed in"), |path| {
            !path.starts_with("/masuk")
        })
        .await;
    }

    /// The displayed elements matching a CSS selector.
    pub async fn visible(&self, selector: &str) -> Vec<Element> {
        let mut shown = Vec::new();
        for element in self.client.find_all(Locator::Css(selector)).await.unwrap() {
            if element.is_displayed().await.unwrap_or(false) {
                shown.push(element);
            }
        }
        shown
    }

    /// The displayed elements matching an XPath query.
    pub async fn visible_xpath(&self, query: &str) -> Vec<Element> {
        let mut shown = Vec::new();
        for element in self.client.find_all(Locator::XPath(query)).await.unwrap() {
            if element.is_displayed().await.unwrap_or(false) {
                shown.push(element);
            }
        }
        shown
    }

    /// The HTTP status of `GET path` with this browser's cookies, as seen by `fetch` in the
    /// page (WebDriver itself never tells the status of a navigation).
    pub async fn status_of(&self, path: &str) -> u16 {
        let answer = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'})\
                   .then(r => done(r.type === 'opaqueredirect' ? 302 : r.status))\
                   .catch(e => done(-1));",
                vec![json!(path)],
            )
            .await
            .unwrap();
        match &answer {
            Value::Number(status) => status.as_u64().and_then(|s| u16::try_from(s).ok()),
            _ => None,
        }
        .unwrap_or_else(|| panic!("fetch of {path} failed: {answer}"))
    }

    /// The body of `GET path` with this browser's cookies (as `fetch` in the page reads it),
    /// with its status.
    pub async fn download(&self, path: &str) -> (u16, Vec<u8>) {
        let answer = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 fetch(arguments[0], {credentials: 'same-origin'})\
                   .then(r => r.arrayBuffer().then(b => done([r.status, Array.from(new Uint8Array(b))])))\
                   .catch(e => done(null));",
                vec![json!(path)],
            )
            .await
            .unwrap();
        let status = answer[0]
            .as_u64()
            .and_then(|status| u16::try_from(status).ok())
            .unwrap_or_else(|| panic!("fetch of {path} failed: {answer}"));
        let body = answer[1]
            .as_array()
            .map(|bytes| {
                bytes
                    .iter()
                    .filter_map(|byte| byte.as_u64().and_then(|b| u8::try_from(b).ok()))
                    .collect()
            })
            .unwrap_or_default();
        (status, body)
    }

    /// Forgets every cookie of the site (signs out, language back to the default).
    pub async fn forget_cookies(&self) {
        self.client.delete_all_cookies().await.unwrap();
    }

    /// Resizes the window, e.g. to a phone's 390 x 844.
    pub async fn resize(&mut self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
        self.width = width;
        self.height = height;
    }

    /// Saves the whole page (not only the window: the window grows to the page's height for
    /// the shot) to `target/e2e-screenshots/<name>.png` and returns the path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // The window is taller than the page's viewport by the browser's own bars: grow the
        // window by what the page overflows, not to the page's height.
        let sizes = self
            .client
            .execute(
                "return [Math.ceil(document.documentElement.scrollHeight), window.innerHeight];",
                vec![],
            )
            .await
            .unwrap();
        let number = |index: usize| sizes[index].as_u64().and_then(|v| u32::try_from(v).ok());
        let overflow = match (number(0), number(1)) {
            (Some(page), Some(viewport)) if page > viewport => page - viewport,
            _ => 0,
        };
        if overflow > 0 {
            self.client
                .set_window_size(self.width, (self.height + overflow).min(8000))
                .await
                .unwrap();
        }
        let png = self.client.screenshot().await.expect("a screenshot");
        if overflow > 0 {
            self.client
                .set_window_size(self.width, self.height)
                .await
                .unwrap();
        }
        let folder = screenshot_folder();
        std::fs::create_dir_all(&folder).expect("the screenshot folder");
        let path = folder.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }
}

/// `text` as an XPath 1.0 string literal (which has no escapes: quotes need `concat`).
pub fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
