//! A headless Chromium for tests that look at a page as a learner would.
//!
//! Debian's `chromium` is driven through its `chromedriver` (WebDriver) with
//! [fantoccini](https://docs.rs/fantoccini). Every [`Browser`] gets its own chromedriver on a
//! free loopback port and its own throw-away Chromium profile; both go away when the last
//! handle is dropped, also when a test panics.
//!
//! ```no_run
//! # async fn demo(url: &str) -> anyhow::Result<()> {
//! use testkit::browser::Browser;
//! Browser::run_with_screenshot("my-test", |b| async move {
//!     b.goto(url).await?;
//!     b.wait_for_text("#message", "Started").await?;
//!     Ok(())
//! })
//! .await
//! # }
//! ```
//!
//! Waits use [`PATIENCE`] only as a guard against hangs; nothing here
//! asserts on timing.

mod driver;
mod page;
mod screenshots;
mod waits;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail};
use fantoccini::{Client, ClientBuilder};
use futures::FutureExt as _;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

pub use screenshots::{screenshot_dir, screenshot_path};

use crate::PATIENCE;
use driver::{CHROMIUM_ARGS, Driver};

/// Debian's Chromium (`apt-get install chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's ChromeDriver (`apt-get install chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Window size for new browsers: a laptop screen.
pub const DEFAULT_WINDOW: (u32, u32) = (1280, 900);

/// A headless Chromium session. Cheap to clone; the browser ends when the last clone is dropped.
#[derive(Clone)]
pub struct Browser {
    client: Client,
    driver: Arc<Driver>,
}

impl Browser {
    /// Checks that Chromium and ChromeDriver are installed, with a clear error if not.
    pub fn available() -> anyhow::Result<()> {
        let missing: Vec<&str> =
            [CHROMIUM, CHROMEDRIVER].into_iter().filter(|path| !Path::new(path).exists()).collect();
        if missing.is_empty() {
            return Ok(());
        }
        bail!(
            "browser tests need Chromium and ChromeDriver, but {} is missing. \
             Install them with: apt-get update && apt-get install -y chromium chromium-driver",
            missing.join(" and ")
        )
    }

    /// Starts chromedriver on a loopback port of its choosing and opens a headless Chromium
    /// session.
    pub async fn start() -> anyhow::Result<Self> {
        Self::available()?;
        let mut last_error = None;
        // Chromium can fail to open a session on a loaded machine: try again.
        for _ in 0..3 {
            match Self::start_once().await {
                Ok(browser) => return Ok(browser),
                Err(err) => last_error = Some(err),
            }
        }
        Err(last_error.expect("at least one attempt"))
    }

    async fn start_once() -> anyhow::Result<Self> {
        let driver = Arc::new(Driver::start().await?);
        let port = driver.port();

        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", driver.profile_dir().display()));
        args.push(format!("--window-size={},{}", DEFAULT_WINDOW.0, DEFAULT_WINDOW.1));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), json!({ "binary": CHROMIUM, "args": args }));
        // A dialog nobody handles is accepted rather than failing the next command.
        capabilities.insert("unhandledPromptBehavior".into(), json!("accept"));

        let url = format!("http://127.0.0.1:{port}");
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let connect = builder.connect(&url);
        let client = match tokio::time::timeout(PATIENCE, connect).await {
            Ok(Ok(client)) => client,
            Ok(Err(err)) => {
                bail!("could not open a Chromium session: {err}\nchromedriver log:\n{}", driver.log_tail())
            }
            Err(_) => bail!("Chromium did not start in time\nchromedriver log:\n{}", driver.log_tail()),
        };
        Ok(Self { client, driver })
    }

    /// Starts a browser, runs `test` with it, and saves `target/browser-screenshots/<name>.png`
    /// if the test returns an error or panics.
    pub async fn run_with_screenshot<F, Fut>(name: &str, test: F) -> anyhow::Result<()>
    where
        F: FnOnce(Browser) -> Fut,
        Fut: Future<Output = anyhow::Result<()>>,
    {
        let browser = Self::start().await?;
        let result = browser.checked(name, test(browser.clone())).await;
        browser.close().await;
        result
    }

    /// Runs `work`; if it fails or panics, saves a screenshot as
    /// `target/browser-screenshots/<name>.png` first and prints where it went.
    pub async fn checked<T>(&self, name: &str, work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
        match AssertUnwindSafe(work).catch_unwind().await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => {
                // Printed rather than added to the error, so the error keeps its own first line.
                eprintln!("{}", self.failure_screenshot(name).await);
                Err(err)
            }
            Err(panic) => {
                eprintln!("{}", self.failure_screenshot(name).await);
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// The underlying WebDriver client, for anything this wrapper does not offer.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The last lines chromedriver logged, for error messages.
    pub fn driver_log(&self) -> String {
        self.driver.log_tail()
    }

    /// Ends the session cleanly (dropping every clone ends it too, less politely).
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
    }
}

/// Awaits a WebDriver command with the hang guard, naming `what` in errors.
pub(super) async fn guard<T, E>(
    what: impl Into<String>,
    command: impl Future<Output = Result<T, E>>,
) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let what = what.into();
    match tokio::time::timeout(PATIENCE, command).await {
        Ok(result) => result.map_err(|err| anyhow!(err).context(what)),
        Err(_) => bail!("{what}: the browser did not answer within {PATIENCE:?}"),
    }
}
