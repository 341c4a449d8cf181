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
//! Waits use [`PATIENCE`](crate::PATIENCE) only as a guard against hangs; nothing here
//! asserts on timing.

use std::future::Future;
use std::io::Write as _;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt as _;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::PATIENCE;

/// Debian's Chromium (`apt-get install chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's ChromeDriver (`apt-get install chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Ports the workshop itself uses; a test browser never takes one of them.
const RESERVED_PORTS: [u16; 5] = [5000, 5001, 7233, 8233, 8080];

/// How often a wait looks again.
const POLL_EVERY: Duration = Duration::from_millis(100);

/// Window size for new browsers: a laptop screen.
pub const DEFAULT_WINDOW: (u32, u32) = (1280, 900);

/// Flags without which Chromium tries to reach the network (there is none here) and stalls.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    "--password-store=basic",
    "--mute-audio",
    "--hide-scrollbars",
    "--lang=en-US",
];

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

    /// Starts chromedriver on a free loopback port and opens a headless Chromium session.
    pub async fn start() -> anyhow::Result<Self> {
        Self::available()?;
        let mut last_error = None;
        // A free port can be taken by someone else before chromedriver binds it: try again.
        for _ in 0..3 {
            match Self::start_once().await {
                Ok(browser) => return Ok(browser),
                Err(err) => last_error = Some(err),
            }
        }
        Err(last_error.expect("at least one attempt"))
    }

    async fn start_once() -> anyhow::Result<Self> {
        let port = free_browser_port()?;
        let driver = Arc::new(Driver::spawn(port)?);
        driver.wait_listening().await?;

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

    async fn failure_screenshot(&self, name: &str) -> String {
        let path = screenshot_path(name);
        match self.screenshot(&path).await {
            Ok(()) => format!("screenshot of the page at failure: {}", path.display()),
            Err(err) => format!("could not save a failure screenshot to {}: {err:#}", path.display()),
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

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        guard(format!("loading {url}"), self.client.goto(url)).await
    }

    /// The address of the page shown now.
    pub async fn url(&self) -> anyhow::Result<String> {
        Ok(guard("reading the URL", self.client.current_url()).await?.to_string())
    }

    pub async fn set_window_size(&self, width: u32, height: u32) -> anyhow::Result<()> {
        guard("resizing the window", self.client.set_window_size(width, height)).await
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> anyhow::Result<Element> {
        self.wait_until(&format!("an element matching `{css}`"), |b| {
            let css = css.to_string();
            async move { b.find_now(&css).await }
        })
        .await
    }

    /// The first element matching `css` if there is one right now.
    pub async fn find_now(&self, css: &str) -> anyhow::Result<Option<Element>> {
        Ok(self.find_all(css).await?.into_iter().next())
    }

    /// Every element matching `css` right now (no waiting).
    pub async fn find_all(&self, css: &str) -> anyhow::Result<Vec<Element>> {
        guard(format!("looking for `{css}`"), self.client.find_all(Locator::Css(css))).await
    }

    /// How many elements match `css` right now.
    pub async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.find_all(css).await?.len())
    }

    /// Clicks the element matching `css` (waiting for it to appear).
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        guard(format!("clicking `{css}`"), element.click()).await
    }

    /// Replaces the value of the input matching `css` with `text`, as if typed.
    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        guard(format!("clearing `{css}`"), element.clear()).await?;
        guard(format!("typing into `{css}`"), element.send_keys(text)).await
    }

    /// Chooses the option with `value` in the `<select>` matching `css`.
    pub async fn select(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        // The options may be filled in after the select itself appears.
        let option = format!("{css} option");
        self.wait_until(&format!("option `{value}` in `{css}`"), |b| {
            let (option, value) = (option.clone(), value.to_string());
            async move {
                for candidate in b.find_all(&option).await? {
                    if candidate.attr("value").await?.as_deref() == Some(value.as_str()) {
                        return Ok(Some(()));
                    }
                }
                Ok(None)
            }
        })
        .await?;
        guard(format!("selecting `{value}` in `{css}`"), element.select_by_value(value)).await
    }

    /// The rendered text of the element matching `css` (waiting for it to appear).
    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        let element = self.find(css).await?;
        guard(format!("reading the text of `{css}`"), element.text()).await
    }

    /// The rendered texts of every element matching `css` right now.
    pub async fn texts(&self, css: &str) -> anyhow::Result<Vec<String>> {
        let mut texts = Vec::new();
        for element in self.find_all(css).await? {
            texts.push(guard(format!("reading the text of `{css}`"), element.text()).await?);
        }
        Ok(texts)
    }

    /// An attribute of the element matching `css` (waiting for the element to appear).
    pub async fn attr(&self, css: &str, name: &str) -> anyhow::Result<Option<String>> {
        let element = self.find(css).await?;
        guard(format!("reading `{name}` of `{css}`"), element.attr(name)).await
    }

    /// Waits until an element matches `css`.
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<()> {
        self.find(css).await.map(|_| ())
    }

    /// Waits until no element matches `css`.
    pub async fn wait_for_gone(&self, css: &str) -> anyhow::Result<()> {
        self.wait_until(&format!("no element matching `{css}`"), |b| {
            let css = css.to_string();
            async move { Ok((b.count(&css).await? == 0).then_some(())) }
        })
        .await
    }

    /// Waits until some element matching `css` shows text containing `needle`; returns that text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> anyhow::Result<String> {
        self.wait_until(&format!("`{css}` showing {needle:?}"), |b| {
            let (css, needle) = (css.to_string(), needle.to_string());
            async move { Ok(b.texts(&css).await?.into_iter().find(|t| t.contains(&needle))) }
        })
        .await
    }

    /// Waits until the JavaScript expression `expr` is truthy in the page.
    pub async fn wait_for_js(&self, expr: &str) -> anyhow::Result<()> {
        let script = format!("return !!({expr});");
        self.wait_until(&format!("`{expr}` to be true"), |b| {
            let script = script.clone();
            async move { Ok((b.execute(&script).await? == Value::Bool(true)).then_some(())) }
        })
        .await
    }

    /// Calls `check` (with a clone of this browser) until it returns `Some`, or fails after
    /// [`PATIENCE`]. `what` describes the awaited condition for the error message.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, mut check: F) -> anyhow::Result<T>
    where
        F: FnMut(Browser) -> Fut,
        Fut: Future<Output = anyhow::Result<Option<T>>>,
    {
        let deadline = Instant::now() + PATIENCE;
        let mut last_error = None;
        loop {
            match check(self.clone()).await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                // A page that is being re-rendered can make a lookup fail for a moment.
                Err(err) => last_error = Some(err),
            }
            if Instant::now() >= deadline {
                let url = self.url().await.unwrap_or_else(|_| "?".into());
                let mut message = format!("gave up waiting for {what} after {PATIENCE:?} on {url}");
                if let Some(err) = last_error {
                    message.push_str(&format!(" (last error: {err:#})"));
                }
                bail!(message);
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Runs JavaScript in the page as a function body (use `return` for a value).
    pub async fn execute(&self, script: &str) -> anyhow::Result<Value> {
        self.execute_with(script, Vec::new()).await
    }

    /// Like [`execute`](Self::execute), with `arguments[0]`, `arguments[1]`… set from `args`.
    pub async fn execute_with(&self, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
        guard("running a script in the page", self.client.execute(script, args)).await
    }

    /// Makes `window.confirm` answer `answer` without showing a dialog, and silences
    /// `window.alert`. Call it after each [`goto`](Self::goto): a new page starts afresh.
    pub async fn answer_confirms(&self, answer: bool) -> anyhow::Result<()> {
        self.execute_with(
            "const answer = arguments[0];\
             window.__testkitConfirms = [];\
             window.confirm = (text) => { window.__testkitConfirms.push(String(text)); return answer; };\
             window.alert = (text) => { window.__testkitConfirms.push(String(text)); };",
            vec![Value::Bool(answer)],
        )
        .await
        .map(|_| ())
    }

    /// Says yes to every `confirm()` dialog (see [`answer_confirms`](Self::answer_confirms)).
    pub async fn accept_confirms(&self) -> anyhow::Result<()> {
        self.answer_confirms(true).await
    }

    /// The texts of the `confirm()`/`alert()` dialogs answered since [`answer_confirms`](Self::answer_confirms).
    pub async fn confirm_texts(&self) -> anyhow::Result<Vec<String>> {
        let value = self.execute("return window.__testkitConfirms || [];").await?;
        serde_json::from_value(value).context("reading the answered dialogs")
    }

    /// Saves a PNG of what the window shows now to `path` (folders are created).
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> anyhow::Result<()> {
        let png = guard("taking a screenshot", self.client.screenshot()).await?;
        write_png(path.as_ref(), &png)
    }

    /// Saves a PNG of the whole page: the window is made as tall as the page for the shot.
    pub async fn full_page_screenshot(&self, path: impl AsRef<Path>) -> anyhow::Result<()> {
        let (width, height) = guard("reading the window size", self.client.get_window_size()).await?;
        let page_height =
            self.execute("return Math.ceil(document.documentElement.scrollHeight);").await?.as_u64().unwrap_or(height);
        // The window includes a little chrome around the viewport even when headless.
        let wanted = (page_height + 100).clamp(200, 12_000) as u32;
        self.set_window_size(width as u32, wanted).await?;
        let shot = self.screenshot(path).await;
        self.set_window_size(width as u32, height as u32).await?;
        shot
    }
}

/// Where tests save screenshots: `<target dir>/browser-screenshots`.
pub fn screenshot_dir() -> PathBuf {
    // Test binaries run from <target>/<profile>/deps.
    if let Ok(exe) = std::env::current_exe()
        && let Some(deps) = exe.parent()
        && deps.file_name().is_some_and(|name| name == "deps")
        && let Some(target) = deps.parent().and_then(Path::parent)
    {
        return target.join("browser-screenshots");
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from)
        && dir.is_absolute()
    {
        return dir.join("browser-screenshots");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../target/browser-screenshots")
}

/// `target/browser-screenshots/<name>.png`, with `name` made safe as a file name.
pub fn screenshot_path(name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' })
        .collect();
    screenshot_dir().join(format!("{safe}.png"))
}

fn write_png(path: &Path, png: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
}

/// Awaits a WebDriver command with the hang guard, naming `what` in errors.
async fn guard<T, E>(what: impl Into<String>, command: impl Future<Output = Result<T, E>>) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let what = what.into();
    match tokio::time::timeout(PATIENCE, command).await {
        Ok(result) => result.map_err(|err| anyhow!(err).context(what)),
        Err(_) => bail!("{what}: the browser did not answer within {PATIENCE:?}"),
    }
}

/// A free loopback port that is none of the workshop's own.
fn free_browser_port() -> anyhow::Result<u16> {
    for _ in 0..20 {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        if !RESERVED_PORTS.contains(&port) {
            return Ok(port);
        }
    }
    bail!("found no free loopback port for chromedriver")
}

// ------------------------------------------------------------------------------------------
// The chromedriver process, its Chromium, and their temporary files.

struct Driver {
    child: std::sync::Mutex<Child>,
    port: u16,
    root: PathBuf,
}

static STARTED: AtomicU64 = AtomicU64::new(0);

impl Driver {
    fn spawn(port: u16) -> anyhow::Result<Self> {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let root = std::env::temp_dir().join(format!(
            "testkit-browser-{}-{}-{nanos}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(root.join("profile")).with_context(|| format!("creating {}", root.display()))?;
        let log = std::fs::File::create(root.join("chromedriver.log"))?;
        let mut command = Command::new(CHROMEDRIVER);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // Its own process group, so that it and the Chromium it starts can be killed together.
            .process_group(0);
        let child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                let _ = std::fs::remove_dir_all(&root);
                return Err(anyhow!(err).context(format!("starting {CHROMEDRIVER}")));
            }
        };
        Ok(Self { child: std::sync::Mutex::new(child), port, root })
    }

    fn profile_dir(&self) -> PathBuf {
        self.root.join("profile")
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.root.join("chromedriver.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    async fn wait_listening(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.lock().expect("driver lock").try_wait() {
                bail!("chromedriver exited ({status}) before listening:\n{}", self.log_tail());
            }
            if Instant::now() >= deadline {
                bail!("chromedriver did not listen on port {} in time:\n{}", self.port, self.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let mut child = self.child.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let pid = child.id() as i32;
        // Everything chromedriver started, found before anything dies and is re-parented.
        let mut doomed = descendants(pid);
        doomed.push(pid);
        unsafe {
            // The whole group, then each descendant (Chromium may make groups of its own).
            libc::kill(-pid, libc::SIGKILL);
            for &p in &doomed {
                libc::kill(p, libc::SIGKILL);
            }
        }
        let _ = child.wait();
        // Anything still using our profile folder is ours too.
        let marker = self.profile_dir().display().to_string();
        for p in processes_mentioning(&marker) {
            unsafe {
                libc::kill(p, libc::SIGKILL);
            }
        }
        let _ = std::fs::remove_dir_all(&self.root);
        let _ = std::io::stderr().flush();
    }
}

/// (pid, parent pid) of every process, from /proc.
fn process_table() -> Vec<(i32, i32)> {
    let mut table = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return table;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may contain spaces, so read after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|s| s.parse::<i32>().ok()) {
            table.push((pid, ppid));
        }
    }
    table
}

fn descendants(root: i32) -> Vec<i32> {
    let table = process_table();
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid) in &table {
            if ppid == parent && !found.contains(&pid) {
                found.push(pid);
                frontier.push(pid);
            }
        }
    }
    found
}

fn processes_mentioning(marker: &str) -> Vec<i32> {
    let me = std::process::id() as i32;
    process_table()
        .into_iter()
        .map(|(pid, _)| pid)
        .filter(|&pid| pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|raw| String::from_utf8_lossy(&raw).contains(marker))
                .unwrap_or(false)
        })
        .collect()
}
