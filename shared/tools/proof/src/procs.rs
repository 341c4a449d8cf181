//! Module 3's programs as separate processes (`module03 account-api`, `ui`, `worker`), and
//! how much memory each uses.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

/// The `module03` binary of the same profile as this program (a release benchmark measures
/// release binaries), built first if needed.
pub fn module03_binary() -> anyhow::Result<String> {
    if cfg!(debug_assertions) {
        return testkit::workspace_binary("module03");
    }
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "module03"])
        .current_dir(&root)
        .status()
        .context("building module03 --release")?;
    anyhow::ensure!(status.success(), "cargo build --release -p module03 failed");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    Ok(target.join("release").join("module03").display().to_string())
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..").canonicalize().expect("workspace root")
}

/// A program whose output goes to a log file (as a terminal would show it, without making
/// the benchmark pay for a pipe reader). Killed when dropped.
pub struct Service {
    pub name: String,
    pub child: Child,
    pub log: PathBuf,
}

impl Service {
    pub fn spawn(binary: &str, args: &[&str], env: &[(String, String)], log: PathBuf) -> anyhow::Result<Self> {
        let file = std::fs::File::create(&log)?;
        let mut command = Command::new(binary);
        command.args(args).stdin(Stdio::null()).stdout(file.try_clone()?).stderr(file).kill_on_drop(true);
        for name in ["TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_PROFILE", "TEMPORAL_API_KEY", "RUST_LOG"] {
            command.env_remove(name);
        }
        command.envs(env.iter().map(|(k, v)| (k, v)));
        let child = command.spawn().with_context(|| format!("starting {binary}"))?;
        Ok(Self { name: args.first().copied().unwrap_or("program").to_string(), child, log })
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// Waits (hang guard: two minutes) until the log contains `text`.
    pub async fn wait_for_log(&mut self, text: &str) -> anyhow::Result<()> {
        for _ in 0..1200 {
            if std::fs::read_to_string(&self.log).unwrap_or_default().contains(text) {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "{} exited ({status}) before printing {text:?}:\n{}",
                    self.name,
                    std::fs::read_to_string(&self.log)?
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{} did not print {text:?} in time", self.name)
    }

    pub fn memory(&self) -> anyhow::Result<Memory> {
        Memory::of(self.pid())
    }
}

/// Resident memory of a process, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// VmRSS: resident now, in KiB.
    pub rss_kib: u64,
    /// VmHWM: the peak resident size, in KiB.
    pub peak_kib: u64,
}

impl Memory {
    pub fn of(pid: u32) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .with_context(|| format!("reading /proc/{pid}/status"))?;
        let field = |name: &str| {
            status
                .lines()
                .find(|line| line.starts_with(name))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
                .with_context(|| format!("{name} missing in /proc/{pid}/status"))
        };
        Ok(Memory { rss_kib: field("VmRSS:")?, peak_kib: field("VmHWM:")? })
    }
}
