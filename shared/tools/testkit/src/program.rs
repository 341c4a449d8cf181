//! A workshop binary run as a child process, as a learner would run it.

use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

use crate::PATIENCE;

/// Environment variables that would point a child at a developer's own Temporal setup.
const CLEARED_ENV: [&str; 6] = [
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_PROFILE",
    "TEMPORAL_API_KEY",
    "TEMPORAL_CONFIG_FILE",
    "TEMPORAL_TLS",
];

pub struct Program {
    name: String,
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    transcript: Arc<Mutex<Vec<String>>>,
    /// The tasks copying stdout and stderr; they end when the process closes them.
    readers: Vec<tokio::task::JoinHandle<()>>,
}

impl Program {
    /// Starts `binary args…` with `env`, capturing stdout and stderr (interleaved, by line).
    pub fn spawn(binary: &str, args: &[&str], env: &[(String, String)]) -> anyhow::Result<Self> {
        let mut command = Command::new(binary);
        command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        for name in CLEARED_ENV {
            command.env_remove(name);
        }
        command.envs(env.iter().map(|(k, v)| (k, v))).kill_on_drop(true);
        let mut child = command.spawn().with_context(|| format!("starting {binary}"))?;
        let (sender, lines) = mpsc::unbounded_channel();
        let transcript = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            forward(child.stdout.take().expect("piped"), sender.clone(), transcript.clone()),
            forward(child.stderr.take().expect("piped"), sender, transcript.clone()),
        ];
        let name = format!("{} {}", binary.rsplit('/').next().unwrap_or(binary), args.join(" "));
        Ok(Self { name, child, lines, transcript, readers })
    }

    /// Waits for the next line that satisfies `wanted`, and returns it.
    pub async fn wait_for_line(&mut self, wanted: impl Fn(&str) -> bool) -> anyhow::Result<String> {
        let search = async {
            while let Some(line) = self.lines.recv().await {
                if wanted(&line) {
                    return Some(line);
                }
            }
            None
        };
        match tokio::time::timeout(PATIENCE, search).await {
            Ok(Some(line)) => Ok(line),
            Ok(None) => bail!("`{}` ended without the expected line. Output:\n{}", self.name, self.transcript()),
            Err(_) => bail!("`{}` did not print the expected line in time. Output:\n{}", self.name, self.transcript()),
        }
    }

    /// Waits for a line containing `text`.
    pub async fn wait_for(&mut self, text: &str) -> anyhow::Result<String> {
        self.wait_for_line(|line| line.contains(text)).await
    }

    /// Waits for the process to end by itself, and for the last of its output.
    pub async fn wait_exit(&mut self) -> anyhow::Result<ExitStatus> {
        let status = match tokio::time::timeout(PATIENCE, self.child.wait()).await {
            Ok(status) => status?,
            Err(_) => bail!("`{}` did not exit in time. Output:\n{}", self.name, self.transcript()),
        };
        for reader in self.readers.drain(..) {
            // A grandchild (e.g. a detached server) may hold the pipe open: don't wait forever.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), reader).await;
        }
        Ok(status)
    }

    /// SIGKILL: the process dies at once, as in a crash.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }

    /// SIGINT: what Ctrl-C in a terminal sends.
    pub fn interrupt(&self) -> anyhow::Result<()> {
        let pid = self.child.id().context("process already ended")?;
        let status = std::process::Command::new("kill").args(["-INT", &pid.to_string()]).status()?;
        anyhow::ensure!(status.success(), "kill -INT {pid} failed");
        Ok(())
    }

    /// Everything printed so far, one line per entry.
    pub fn lines(&self) -> Vec<String> {
        self.transcript.lock().unwrap().clone()
    }

    /// Everything printed so far, as one text (for assertion messages).
    pub fn transcript(&self) -> String {
        self.lines().join("\n")
    }
}

fn forward(
    stream: impl AsyncRead + Unpin + Send + 'static,
    sender: mpsc::UnboundedSender<String>,
    transcript: Arc<Mutex<Vec<String>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            transcript.lock().unwrap().push(line.clone());
            let _ = sender.send(line);
        }
    })
}

/// Polls `check` every 100 ms until it returns `Some`, within [`PATIENCE`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let poll = async {
        loop {
            if let Some(value) = check().await {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(PATIENCE, poll).await.with_context(|| format!("timed out waiting for {what}"))
}
