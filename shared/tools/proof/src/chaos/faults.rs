//! The faults: the worker SIGKILLed and restarted, the Temporal server stopped and started
//! again on the same port and database. Each one injected prints one line.

use std::time::{Duration, Instant};

use anyhow::Context;
use temporalio_client::Client;
use testkit::{Program, TestServer};

use super::plan::Fault;
use super::run::Scene;
use super::transfers;

impl Scene {
    /// Injects fault `number` of `total`, and waits until the system can take the next one.
    pub(super) async fn inject(&mut self, fault: Fault, number: usize, total: usize) -> anyhow::Result<()> {
        let prefix = format!("fault {number}/{total}");
        let started = self.ids.len();
        match fault {
            Fault::KillWorker { down_ms } => {
                let pid = self.workers.kill().await?;
                self.counts.worker_kills += 1;
                let pid = pid.map_or("?".into(), |pid| pid.to_string());
                self.print(&format!(
                    "{prefix}: SIGKILL worker (pid {pid}) after {started} transfers started; a new one in {down_ms} ms"
                ));
                tokio::time::sleep(Duration::from_millis(down_ms)).await;
                self.workers.start().await?;
            }
            Fault::RestartServer => {
                self.print(&format!(
                    "{prefix}: Temporal server stopped and started again (same port and database) after \
                     {started} transfers started"
                ));
                self.restart_server().await?;
            }
        }
        Ok(())
    }

    async fn restart_server(&mut self) -> anyhow::Result<()> {
        self.server.take().context("a server to restart")?.shutdown().await?;
        let server = start_again(self.port, &self.db, &self.server_log).await?;
        self.client = server.client();
        self.server = Some(server);
        self.counts.server_restarts += 1;
        // The UI reconnects by itself: it starts the late transfers.
        let probe =
            transfers::start_late(self).await.context("starting transfers through the UI after the server restart")?;
        // Does the same worker process carry on? Proof: it runs the first step of a
        // transfer that did not exist before the restart.
        if let Some(probe) = probe
            && !worker_picked_up(&self.client, &probe, Duration::from_secs(45)).await
        {
            self.print("the worker did not resume after the server restart: restarting it");
            self.counts.worker_restarted_for_server = true;
            self.workers.kill().await?;
            self.workers.start().await?;
            anyhow::ensure!(
                worker_picked_up(&self.client, &probe, Duration::from_secs(60)).await,
                "even a new worker did not pick up work after the server restart"
            );
        } else {
            self.say("the worker resumed by itself after the server restart");
        }
        Ok(())
    }
}

/// The worker process of the moment, and the transcripts of the killed ones.
pub(super) struct Workers {
    binary: String,
    env: Vec<(String, String)>,
    current: Option<Program>,
    retired: Vec<Vec<String>>,
}

impl Workers {
    pub fn new(binary: &str, env: &[(String, String)]) -> Self {
        Self { binary: binary.to_string(), env: env.to_vec(), current: None, retired: Vec::new() }
    }

    pub async fn start(&mut self) -> anyhow::Result<()> {
        let mut worker = Program::spawn(&self.binary, &["worker"], &self.env)?;
        worker.wait_for("Worker on").await?;
        self.current = Some(worker);
        Ok(())
    }

    /// SIGKILLs the current worker; returns its pid.
    pub async fn kill(&mut self) -> anyhow::Result<Option<u32>> {
        let Some(mut worker) = self.current.take() else {
            return Ok(None);
        };
        let pid = worker.pid();
        worker.kill().await?;
        self.retired.push(worker.lines());
        Ok(pid)
    }

    pub fn transcripts(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.retired.iter().flatten().cloned().collect();
        lines.extend(self.current.as_ref().map(Program::lines).unwrap_or_default());
        lines
    }
}

/// The same port can take a moment to be free again.
async fn start_again(port: u16, db: &std::path::Path, log: &std::path::Path) -> anyhow::Result<TestServer> {
    let mut last = None;
    for _ in 0..20 {
        match TestServer::start_logging_to(port, Some(db.to_path_buf()), log).await {
            Ok(server) => return Ok(server),
            Err(error) => last = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(last.context("no attempt made")?).context("restarting the Temporal server on the same port")
}

/// Whether a worker ran the first workflow task of `id` (its first activity got scheduled)
/// within `limit`.
async fn worker_picked_up(client: &Client, id: &str, limit: Duration) -> bool {
    use testkit::history::{Event, count, events};
    let guard = Instant::now();
    while guard.elapsed() < limit {
        if let Ok(events) = events(client, id).await
            && count(&events, Event::ActivityTaskScheduled) > 0
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}
