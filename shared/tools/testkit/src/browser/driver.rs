//! The chromedriver process, its Chromium, and their temporary files.

use std::io::Write as _;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};

use super::CHROMEDRIVER;
use crate::processes::{descendants, processes_mentioning, signal, signal_group};

/// Flags without which Chromium tries to reach the network (there is none here) and stalls.
pub(super) const CHROMIUM_ARGS: &[&str] = &[
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

pub(super) struct Driver {
    child: std::sync::Mutex<Child>,
    port: u16,
    root: PathBuf,
}

static STARTED: AtomicU64 = AtomicU64::new(0);

impl Driver {
    /// Starts chromedriver on a port it picks itself (`--port=0`, from the kernel's ephemeral
    /// range, never a workshop port) and reads that port back from what it says: no port
    /// chosen here that someone else could take before chromedriver binds it.
    pub(super) async fn start() -> anyhow::Result<Self> {
        let mut driver = Self::spawn()?;
        driver.port = driver.wait_started().await?;
        Ok(driver)
    }

    fn spawn() -> anyhow::Result<Self> {
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
            .arg("--port=0")
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
        Ok(Self { child: std::sync::Mutex::new(child), port: 0, root })
    }

    pub(super) fn profile_dir(&self) -> PathBuf {
        self.root.join("profile")
    }

    pub(super) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.root.join("chromedriver.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    pub(super) fn port(&self) -> u16 {
        self.port
    }

    /// The port of "ChromeDriver was started successfully on port N." in its log.
    async fn wait_started(&self) -> anyhow::Result<u16> {
        const SAID: &str = "started successfully on port ";
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let log = std::fs::read_to_string(self.root.join("chromedriver.log")).unwrap_or_default();
            // The number once it is followed by something (a line still being written is not).
            if let Some((_, rest)) = log.split_once(SAID)
                && let Some(end) = rest.find(|c: char| !c.is_ascii_digit())
                && let Ok(port) = rest[..end].parse()
            {
                return Ok(port);
            }
            if let Ok(Some(status)) = self.child.lock().expect("driver lock").try_wait() {
                bail!("chromedriver exited ({status}) before listening:\n{}", self.log_tail());
            }
            if Instant::now() >= deadline {
                bail!("chromedriver did not say it listens in time:\n{}", self.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let mut child = self.child.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let pid = child.id();
        // Everything chromedriver started, found before anything dies and is re-parented.
        let mut doomed = descendants(pid);
        doomed.push(pid);
        // The whole group, then each descendant (Chromium may make groups of its own).
        signal_group(pid, libc::SIGKILL);
        for &p in &doomed {
            signal(p, libc::SIGKILL);
        }
        let _ = child.wait();
        // Anything still using our profile folder is ours too.
        let marker = self.profile_dir().display().to_string();
        for p in processes_mentioning(&marker) {
            signal(p, libc::SIGKILL);
        }
        let _ = std::fs::remove_dir_all(&self.root);
        let _ = std::io::stderr().flush();
    }
}
