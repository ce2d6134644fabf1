//! Headless Chromium through chromedriver, as the browser tests drive it.
//!
//! Debian's packages (`chromium`, `chromium-driver`; `.ci/run` installs them): `CHROMIUM` and
//! `CHROMEDRIVER` name other binaries. Without them the browser tests fail under `CI=true` and
//! are skipped, loudly, elsewhere. Each test gets its own chromedriver on a free port and a
//! fresh profile directory. When a step fails, a screenshot and the page's HTML are saved under
//! the target directory (`tmp/labcircle-web/`), and the failure message says where.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use futures_util::FutureExt as _;

/// Flags for a quiet, headless Chromium that talks to nothing but 127.0.0.1.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
];

fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// chromedriver and a browser session; both end when dropped.
pub struct Browser {
    driver: Child,
    pub client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A new session, or `None` (with a loud note) when Chromium is not installed outside CI.
    pub async fn start() -> Option<Browser> {
        let chromium = binary("CHROMIUM", "/usr/bin/chromium");
        let driver = binary("CHROMEDRIVER", "/usr/bin/chromedriver");
        if !chromium.exists() || !driver.exists() {
            let missing = format!(
                "{} or {} is missing: install Debian's chromium and chromium-driver \
                 (.ci/run does), or name them in CHROMIUM and CHROMEDRIVER",
                chromium.display(),
                driver.display()
            );
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "browser tests cannot run: {missing}"
            );
            eprintln!("SKIPPED: browser test not run: {missing}");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", driver.display()));
        let url = format!("http://127.0.0.1:{port}");
        let http = crate::site::client();
        let deadline = Instant::now() + Duration::from_secs(30);
        while http.get(format!("{url}/status")).send().await.is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start on {url}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut args: Vec<String> = FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": chromium, "args": args }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("a Chromium session through chromedriver: {e}"));
        Some(Browser {
            driver,
            client,
            _profile: profile,
        })
    }

    /// Runs `steps`; if one fails, saves a screenshot and the page as `name`.png/.html under
    /// the target directory and fails with their paths. The session is closed either way.
    pub async fn run<F, Fut>(self, name: &str, steps: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = ()>,
    {
        let outcome = AssertUnwindSafe(steps(self.client.clone()))
            .catch_unwind()
            .await;
        if let Err(panic) = outcome {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a step panicked".to_owned());
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("labcircle-web");
            let _ = std::fs::create_dir_all(&dir);
            let shot = dir.join(format!("{name}.png"));
            let page = dir.join(format!("{name}.html"));
            let saved = match self.client.screenshot().await {
                Ok(png) => std::fs::write(&shot, png).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Ok(html) = self.client.source().await {
                let _ = std::fs::write(&page, html);
            }
            let _ = self.client.clone().close().await;
            match saved {
                Ok(()) => panic!(
                    "{why}\nscreenshot of the failure: {}\nthe page's HTML: {}",
                    shot.display(),
                    page.display()
                ),
                Err(e) => panic!("{why}\n(no screenshot could be taken: {e})"),
            }
        }
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The failure path itself: a step that fails leaves a screenshot and the page behind, and the
/// failure message names them.
#[tokio::test]
async fn a_failing_browser_step_leaves_a_screenshot_and_the_page_behind() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let site = crate::site::Site::start(&[]).await;
    let base = site.base.clone();
    let failed = AssertUnwindSafe(browser.run("self_check_failure", |c| async move {
        c.goto(&format!("{base}/events"))
            .await
            .expect("the events page");
        panic!("a step failing on purpose");
    }))
    .catch_unwind()
    .await
    .expect_err("the failing step fails the test");
    let why = failed.downcast_ref::<String>().cloned().expect("a message");
    assert!(why.starts_with("a step failing on purpose"), "{why}");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("labcircle-web");
    let shot = dir.join("self_check_failure.png");
    assert!(why.contains(&shot.display().to_string()), "{why}");
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000,
        "not a PNG"
    );
    let html = std::fs::read_to_string(dir.join("self_check_failure.html")).expect("the page");
    assert!(html.contains("Conferences and events"), "{html}");
    let _ = std::fs::remove_file(shot);
}
