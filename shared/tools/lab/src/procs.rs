//! Child processes a solve starts (always stopped again), and finding the learner's own
//! processes of a module, to restart them.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc;

/// A program a solve runs. Its output is shown with a label; it is killed when dropped and
/// when this process dies.
pub struct Child {
    label: String,
    child: tokio::process::Child,
    lines: mpsc::UnboundedReceiver<String>,
}

impl Child {
    pub fn spawn(label: &str, program: &Path, args: &[String], env: &[(&str, String)]) -> anyhow::Result<Self> {
        let mut command = Command::new(program);
        command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        for (name, value) in env {
            command.env(name, value);
        }
        #[cfg(target_os = "linux")]
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = command.spawn().with_context(|| format!("starting {}", program.display()))?;
        println!("[{label}] started: {} {}", program.display(), args.join(" "));
        let (sender, lines) = mpsc::unbounded_channel();
        forward(child.stdout.take().expect("piped"), label.to_string(), sender.clone());
        forward(child.stderr.take().expect("piped"), label.to_string(), sender);
        Ok(Self { label: label.to_string(), child, lines })
    }

    /// Waits for a line containing `text`; `Ok(false)` when the program ended first.
    pub async fn wait_for(&mut self, text: &str, patience: Duration) -> anyhow::Result<bool> {
        let search = async {
            while let Some(line) = self.lines.recv().await {
                if line.contains(text) {
                    return true;
                }
            }
            false
        };
        match tokio::time::timeout(patience, search).await {
            Ok(found) => Ok(found),
            Err(_) => bail!("[{}] printed no \"{text}\" within {} s", self.label, patience.as_secs()),
        }
    }

    /// Waits for the next line that satisfies `wanted`; `None` when the program ended first.
    pub async fn next_line(
        &mut self,
        wanted: impl Fn(&str) -> bool,
        patience: Duration,
    ) -> anyhow::Result<Option<String>> {
        let search = async {
            while let Some(line) = self.lines.recv().await {
                if wanted(&line) {
                    return Some(line);
                }
            }
            None
        };
        tokio::time::timeout(patience, search).await.with_context(|| {
            format!("[{}] did not print what was expected within {} s", self.label, patience.as_secs())
        })
    }

    pub async fn wait_exit(&mut self, patience: Duration) -> anyhow::Result<ExitStatus> {
        match tokio::time::timeout(patience, self.child.wait()).await {
            Ok(status) => Ok(status?),
            Err(_) => bail!("[{}] did not finish within {} s", self.label, patience.as_secs()),
        }
    }

    /// SIGKILL, as in a crash.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        println!("[{}] killed", self.label);
        Ok(())
    }

    /// Ctrl-C, then up to 20 s for a clean stop, then SIGKILL.
    pub async fn stop(&mut self) {
        if let Some(pid) = self.child.id() {
            signal(pid, libc::SIGINT);
            if tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await.is_err() {
                let _ = self.child.kill().await;
            }
            println!("[{}] stopped", self.label);
        }
    }
}

fn forward(stream: impl AsyncRead + Unpin + Send + 'static, label: String, sender: mpsc::UnboundedSender<String>) {
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            println!("[{label}] {line}");
            let _ = sender.send(line);
        }
    });
}

fn signal(pid: u32, signal: i32) {
    // SAFETY: kill(2) with a pid we looked up; failure (already gone) is fine.
    unsafe {
        libc::kill(pid as i32, signal);
    }
}

/// Live processes (not this one) whose executable is named `exe_name` and that talk to the
/// same Temporal server as this process (same `TEMPORAL_ADDRESS`, or both without one).
/// Matching the address keeps a solve away from other workshops or tests on this machine.
pub fn module_processes(exe_name: &str) -> Vec<u32> {
    let ours = std::env::var("TEMPORAL_ADDRESS").ok();
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != me && alive(*pid))
        .filter(|pid| {
            let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) else {
                return false;
            };
            let name = exe.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.trim_end_matches(" (deleted)") == exe_name
        })
        .filter(|pid| environment_value(*pid, "TEMPORAL_ADDRESS") == ours)
        .collect()
}

fn environment_value(pid: u32, name: &str) -> Option<String> {
    let raw = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    let prefix = format!("{name}=");
    raw.split(|byte| *byte == 0)
        .filter_map(|entry| std::str::from_utf8(entry).ok())
        .find_map(|entry| entry.strip_prefix(&prefix).map(str::to_string))
}

/// Running (a zombie waiting for its parent counts as gone).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'),
        Err(_) => false,
    }
}

/// Ctrl-C to each, then SIGKILL to whatever still runs after `grace`.
pub async fn stop_processes(pids: &[u32], grace: Duration) {
    for pid in pids {
        signal(*pid, libc::SIGINT);
    }
    let deadline = Instant::now() + grace;
    while pids.iter().any(|pid| alive(*pid)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for pid in pids.iter().filter(|pid| alive(**pid)) {
        signal(*pid, libc::SIGKILL);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while pids.iter().any(|pid| alive(*pid)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
