//! A child process run as a learner would run it, its output read line by line: the one
//! runner of the tests, the lab's solves and the proof tools. Killed when dropped.

mod launch;
mod output;

use std::process::ExitStatus;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::process::Child;

pub use launch::Launch;
use output::Output;

use crate::processes::{Memory, signal};

pub struct Program {
    /// Binary name and arguments, for messages.
    name: String,
    echo: Option<String>,
    child: Child,
    output: Output,
    patience: Duration,
}

impl Program {
    /// Starts `binary args…` with `env` and none of the developer's Temporal settings,
    /// capturing stdout and stderr (interleaved, by line). [`Launch`] offers more.
    pub fn spawn(binary: &str, args: &[&str], env: &[(String, String)]) -> anyhow::Result<Self> {
        Launch::new(binary).args(args).without_temporal_env().envs(env).spawn()
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// The next line that satisfies `wanted`; `None` when the program ended first.
    pub async fn next_line(&mut self, wanted: impl Fn(&str) -> bool) -> anyhow::Result<Option<String>> {
        let (output, child, patience) = (&mut self.output, &mut self.child, self.patience);
        let search = async {
            match output {
                Output::Piped { lines, .. } => {
                    while let Some(line) = lines.recv().await {
                        if wanted(&line) {
                            return Ok(Some(line));
                        }
                    }
                    Ok(None)
                }
                Output::File { path, seen } => loop {
                    let ended = child.try_wait()?.is_some();
                    let lines = output::complete_lines(path);
                    for line in lines.into_iter().skip(*seen) {
                        *seen += 1;
                        if wanted(&line) {
                            return Ok(Some(line));
                        }
                    }
                    if ended {
                        return Ok(None);
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                },
            }
        };
        match tokio::time::timeout(patience, search).await {
            Ok(found) => found,
            Err(_) => bail!(
                "`{}` did not print the expected line within {} s. Output:\n{}",
                self.name,
                self.patience.as_secs(),
                self.transcript()
            ),
        }
    }

    /// Waits for the next line that satisfies `wanted`, and returns it.
    pub async fn wait_for_line(&mut self, wanted: impl Fn(&str) -> bool) -> anyhow::Result<String> {
        match self.next_line(wanted).await? {
            Some(line) => Ok(line),
            None => bail!("`{}` ended without the expected line. Output:\n{}", self.name, self.transcript()),
        }
    }

    /// Waits for a line containing `text`.
    pub async fn wait_for(&mut self, text: &str) -> anyhow::Result<String> {
        self.wait_for_line(|line| line.contains(text)).await
    }

    /// Waits for the process to end by itself, and for the last of its output.
    pub async fn wait_exit(&mut self) -> anyhow::Result<ExitStatus> {
        let status = match tokio::time::timeout(self.patience, self.child.wait()).await {
            Ok(status) => status?,
            Err(_) => bail!("`{}` did not exit in time. Output:\n{}", self.name, self.transcript()),
        };
        if let Output::Piped { readers, .. } = &mut self.output {
            for reader in readers.drain(..) {
                // A grandchild (e.g. a detached server) may hold the pipe open: don't wait forever.
                let _ = tokio::time::timeout(Duration::from_secs(5), reader).await;
            }
        }
        Ok(status)
    }

    /// Whether the process has ended (by itself, or killed before).
    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// SIGKILL: the process dies at once, as in a crash.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        self.say("killed");
        Ok(())
    }

    /// SIGINT: what Ctrl-C in a terminal sends.
    pub fn interrupt(&self) -> anyhow::Result<()> {
        let pid = self.child.id().context("process already ended")?;
        anyhow::ensure!(signal(pid, libc::SIGINT), "sending SIGINT to {pid} failed");
        Ok(())
    }

    /// Ctrl-C, then up to `grace` for a clean stop, then SIGKILL.
    pub async fn stop(&mut self, grace: Duration) {
        if self.interrupt().is_ok() {
            if tokio::time::timeout(grace, self.child.wait()).await.is_err() {
                let _ = self.child.kill().await;
            }
            self.say("stopped");
        }
    }

    /// Resident memory now and at its peak.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        Memory::of(self.pid().context("process already ended")?)
    }

    /// Everything printed so far, one line per entry.
    pub fn lines(&self) -> Vec<String> {
        self.output.lines()
    }

    /// Everything printed so far, as one text (for assertion messages).
    pub fn transcript(&self) -> String {
        self.lines().join("\n")
    }

    fn say(&self, what: &str) {
        if let Some(label) = &self.echo {
            println!("[{label}] {what}");
        }
    }
}
