//! The chromedriver process, its Chromium, and their temporary files.

use std::io::Write as _;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};

use super::CHROMEDRIVER;
use crate::processes::{descendants, processes_mentioning, signal, signal_group};

/// Ports the workshop itself uses; a test browser never takes one of them.
const RESERVED_PORTS: [u16; 5] = [5000, 5001, 7233, 8233, 8080];
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

/// A free loopback port that is none of the workshop's own.
pub(super) fn free_browser_port() -> anyhow::Result<u16> {
    for _ in 0..20 {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        if !RESERVED_PORTS.contains(&port) {
            return Ok(port);
        }
    }
    bail!("found no free loopback port for chromedriver")
}

pub(super) struct Driver {
    child: std::sync::Mutex<Child>,
    port: u16,
    root: PathBuf,
}

static STARTED: AtomicU64 = AtomicU64::new(0);

impl Driver {
    pub(super) fn spawn(port: u16) -> anyhow::Result<Self> {
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

    pub(super) fn profile_dir(&self) -> PathBuf {
        self.root.join("profile")
    }

    pub(super) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.root.join("chromedriver.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    pub(super) async fn wait_listening(&self) -> anyhow::Result<()> {
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
