//! Headless Chromium driven through chromedriver's WebDriver HTTP API, for the review page.
//!
//! [`browser`] finds Debian's `chromium` and `chromedriver`, running
//! `tests/browser/install-chromium.sh` once when they are missing. Where they cannot be
//! installed the tests print a skip line and return; in CI (`CI=true`) that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The WebDriver name of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless Chromium session, closed (and chromedriver stopped) when dropped.
pub(crate) struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    /// A fresh Chromium profile, removed when dropped.
    profile: tempfile::TempDir,
}

/// A program on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// `chromium` and `chromedriver`, installed once per test run when missing.
fn programs() -> Result<(PathBuf, PathBuf), String> {
    static FOUND: OnceLock<Result<(PathBuf, PathBuf), String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let find = || Some((on_path("chromium")?, on_path("chromedriver")?));
            if let Some(found) = find() {
                return Ok(found);
            }
            let script =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/install-chromium.sh");
            let output = Command::new("sh")
                .arg(&script)
                .output()
                .map_err(|e| format!("running {}: {e}", script.display()))?;
            find().ok_or_else(|| {
                format!(
                    "chromium and chromedriver are not installed and {} could not install them: {}",
                    script.display(),
                    String::from_utf8_lossy(&output.stderr).trim()
                )
            })
        })
        .clone()
}

/// A fresh headless browser, or `None` (after printing why) where Chromium cannot run here.
/// In CI a missing browser fails the test.
#[expect(
    clippy::print_stderr,
    reason = "the skip line is for the person running the tests"
)]
pub(crate) fn browser() -> Option<Browser> {
    match programs() {
        Ok((chromium, driver)) => Some(Browser::start(&chromium, &driver)),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI needs the browser tests: {why}")
        }
        Err(why) => {
            eprintln!("skipped (not passed): {why}");
            super::super::cli::record_skip();
            None
        }
    }
}

impl Browser {
    fn start(chromium: &Path, driver: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(90)))
                .build(),
        );
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Self {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent,
            profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while browser
            .request("GET", "/status", None)
            .pointer("/ready")
            .and_then(Value::as_bool)
            != Some(true)
        {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile_dir = browser.profile.path().display().to_string();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={profile_dir}"),
                    "--window-size=412,915",
                ],
            },
        }}});
        let created = browser.request("POST", "/session", Some(&capabilities));
        created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {created}"))
            .clone_into(&mut browser.session);
        browser
    }

    /// One WebDriver call; panics with the driver's error.
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let sent = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.unwrap_or(&json!({})).to_string()),
        };
        let Ok(mut response) = sent else {
            return Value::Null;
        };
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(status < 400, "WebDriver {method} {path}: {status} {text}");
        value["value"].clone()
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Opens `url` and waits for it to load.
    pub(crate) fn goto(&self, url: &str) {
        self.request(
            "POST",
            &self.session_path("/url"),
            Some(&json!({"url": url})),
        );
    }

    /// The page's HTML as the browser has it.
    pub(crate) fn source(&self) -> String {
        self.request("GET", &self.session_path("/source"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page's address.
    pub(crate) fn url(&self) -> String {
        self.request("GET", &self.session_path("/url"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The element `css` selects, waiting a little for it.
    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = format!("{}{}", self.base, self.session_path("/element"));
            let found = self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(json!({"using": "css selector", "value": css}).to_string())
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .and_then(|v| v["value"][ELEMENT].as_str().map(str::to_owned));
            if let Some(id) = found {
                return id;
            }
            assert!(
                Instant::now() < deadline,
                "no element `{css}` on {}:\n{}",
                self.url(),
                self.source()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types `text` into the field `css` selects.
    pub(crate) fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.request(
            "POST",
            &self.session_path(&format!("/element/{element}/value")),
            Some(&json!({"text": text})),
        );
    }

    /// Clicks what `css` selects (a submit button: the form is posted and the next page
    /// loads).
    pub(crate) fn click(&self, css: &str) {
        let element = self.find(css);
        self.request(
            "POST",
            &self.session_path(&format!("/element/{element}/click")),
            Some(&json!({})),
        );
    }

    /// Waits until the page's HTML contains `text`.
    pub(crate) fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let source = self.source();
            if source.contains(text) {
                return source;
            }
            assert!(
                Instant::now() < deadline,
                "`{text}` never appeared on {}:\n{source}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = self.session_path("");
            let url = format!("{}{path}", self.base);
            let _ = self.agent.delete(&url).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
