//! The faults: the worker, the account API or the UI SIGKILLed and started again, the
//! Temporal server stopped and started again on the same port and database. Each one
//! injected prints one line. (The partitions and the full disk are `outages`.)

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
        // Not while a partition keeps a program from the server: a restarted server, or a new
        // worker or UI process with new connections, would hide how long a caught one stays
        // silent (the account API's kills do not touch those paths).
        let outages = self.outages.clone();
        let _alone = match fault {
            Fault::KillAccountApi { .. } => None,
            _ => Some(outages.server_paths.lock().await),
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
        let probe =
            transfers::start_late(self).await.context("starting transfers through the UI after the server restart")?;
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

/// One of module 3's processes as it is at the moment (started again after each kill, with
/// the same arguments), and the transcripts of its killed predecessors.
pub(super) struct Restartable {
    pub name: &'static str,
    binary: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// The line it prints once it serves.
    ready: &'static str,
    current: Option<Program>,
    retired: Vec<Vec<String>>,
    /// The last line of each process of it that ended before the run killed it.
    pub ended_by_itself: Vec<String>,
}

impl Restartable {
    pub fn new(name: &'static str, binary: &str, args: &[&str], env: &[(String, String)], ready: &'static str) -> Self {
        Self {
            name,
            binary: binary.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: env.to_vec(),
            ready,
            current: None,
            retired: Vec::new(),
            ended_by_itself: Vec::new(),
        }
    }

    /// Starts it, again on the same port if a killed one held it a moment ago.
    pub async fn start(&mut self) -> anyhow::Result<()> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let mut last = None;
        for _ in 0..20 {
            let mut program = Program::spawn(&self.binary, &args, &self.env)?;
            match program.wait_for(self.ready).await {
                Ok(_) => {
                    self.current = Some(program);
                    return Ok(());
                }
                Err(error) => last = Some(error.context(program.transcript())),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(last.context("no attempt made")?).with_context(|| format!("starting the {} again", self.name))
    }

    /// SIGKILLs it; returns its pid.
    pub async fn kill(&mut self) -> anyhow::Result<Option<u32>> {
        let Some(mut program) = self.current.take() else {
            return Ok(None);
        };
        let pid = program.pid();
        self.note_if_ended(&mut program);
        program.kill().await?;
        // Reads what it printed before it died, to the end.
        program.wait_exit().await?;
        self.retired.push(program.lines());
        Ok(pid)
    }

    /// Whether the current process ended by itself (a crash, or an exit the run did not ask
    /// for): the run would otherwise wait for work from a process that is gone.
    pub fn check_alive(&mut self) {
        if let Some(mut program) = self.current.take() {
            self.note_if_ended(&mut program);
            self.current = Some(program);
        }
    }

    fn note_if_ended(&mut self, program: &mut Program) {
        if program.has_exited() {
            let last = program.lines().last().cloned().unwrap_or_default();
            self.ended_by_itself.push(format!("{}: {last}", self.name));
        }
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
