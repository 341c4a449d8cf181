//! The faults: the worker, the account API or the UI SIGKILLed and started again, the
//! Temporal server stopped and started again on the same port and database. Each one
//! injected prints one line. (The partitions and the full disk are `outages`.)

use std::time::{Duration, Instant};

use anyhow::Context;
use temporalio_client::Client;
use testkit::TestServer;

use super::outages::Side;
use super::plan::Fault;
use super::restartable::Restartable;
use super::scene::Scene;

impl Scene {
    /// The faults, each at its time counted from `from`.
    pub(super) async fn inject_all(&mut self, faults: &[(Duration, Fault)], from: Instant) -> anyhow::Result<()> {
        for (number, (at, fault)) in faults.iter().enumerate() {
            tokio::time::sleep_until((from + *at).into()).await;
            self.inject(*fault, number + 1, faults.len()).await?;
        }
        Ok(())
    }

    /// Injects fault `number` of `total`, and waits until the system can take the next one.
    async fn inject(&mut self, fault: Fault, number: usize, total: usize) -> anyhow::Result<()> {
        let prefix = format!("fault {number}/{total}");
        // Not while a partition keeps the program from the server: a restarted server, or a
        // new worker or UI process with new connections, would hide how long a caught one
        // stays silent (the account API's kills do not touch those paths).
        let outages = self.outages.clone();
        let _alone = match fault {
            Fault::KillWorker { .. } => Some(outages.quiet(Side::Worker).await),
            Fault::KillUi { .. } => Some(outages.quiet(Side::Ui).await),
            Fault::RestartServer => Some(outages.quiet(Side::Server).await),
            Fault::KillAccountApi { .. } => None,
        };
        let started = self.started_so_far();
        match fault {
            Fault::KillWorker { down_ms } => {
                self.counts.worker_kills += 1;
                self.kill_and_restart(Process::Worker, down_ms, &prefix).await?;
            }
            Fault::KillAccountApi { down_ms } => {
                self.counts.account_api_kills += 1;
                self.kill_and_restart(Process::AccountApi, down_ms, &prefix).await?;
                // A new process starts with the flags' settings: the dice are set again, and
                // a full disk is still full.
                self.bank_dice(self.counts.account_api_kills as u64).await?;
                self.outages.restore_disk().await?;
            }
            Fault::KillUi { down_ms } => {
                self.counts.ui_kills += 1;
                self.kill_and_restart(Process::Ui, down_ms, &prefix).await?;
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

    async fn kill_and_restart(&mut self, which: Process, down_ms: u64, prefix: &str) -> anyhow::Result<()> {
        let pid = self.process(which).kill().await?.map_or("?".into(), |pid| pid.to_string());
        let (name, started) = (self.process(which).name, self.started_so_far());
        self.print(&format!(
            "{prefix}: SIGKILL {name} (pid {pid}) after {started} transfers started; a new one in {down_ms} ms"
        ));
        tokio::time::sleep(Duration::from_millis(down_ms)).await;
        self.process(which).start().await
    }

    fn process(&mut self, which: Process) -> &mut Restartable {
        match which {
            Process::Worker => &mut self.worker,
            Process::AccountApi => &mut self.account_api,
            Process::Ui => &mut self.ui,
        }
    }

    async fn restart_server(&mut self) -> anyhow::Result<()> {
        self.server.take().context("a server to restart")?.shutdown().await?;
        let server = start_again(self.port, &self.db, &self.server_log).await?;
        self.client = server.client();
        self.server = Some(server);
        self.counts.server_restarts += 1;
        // The UI reconnects by itself: it starts the late transfers.
        let probe = self.start_late().await.context("starting transfers through the UI after the server restart")?;
        // Does the same worker process carry on? Proof: it runs the first step of a
        // transfer that did not exist before the restart.
        if let Some(probe) = probe
            && !worker_picked_up(&self.client, &probe, Duration::from_secs(45)).await
        {
            self.print("the worker did not resume after the server restart: restarting it");
            self.counts.worker_restarted_for_server = true;
            self.worker.kill().await?;
            self.worker.start().await?;
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

/// Which of module 3's processes a kill hits.
#[derive(Clone, Copy)]
enum Process {
    Worker,
    AccountApi,
    Ui,
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
