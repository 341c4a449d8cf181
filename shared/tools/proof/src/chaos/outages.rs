//! The outages: partitions through the fault proxies and a full disk under the bank, each
//! for its planned time, then healed. They run in two lanes beside the kills: the worker's
//! (worker ↔ server, worker ↔ bank, the full disk), one outage after another, each once the
//! one before has visibly recovered, so that one recovery time does not swallow the next
//! outage; and the UI's (UI ↔ server). Each prints a line when it begins, heals and recovers.

use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use bank::AccountClient;
use temporalio_client::{Client, WorkflowCountOptions};
use testkit::proxy::{FaultProxy, LinkState};
use tokio::sync::Mutex;

use super::plan::PlannedOutage;
use super::run::Narrator;
use super::transfers::every_transfer;
use super::{Link, Outage, OutageRecord};

/// How long the run waits for a sign of work after a heal before it goes on anyway.
const RECOVERY_GUARD: Duration = Duration::from_secs(90);

/// The three fault proxies: the worker's to the server and to the bank, the UI's to the server.
pub(super) struct Proxies {
    pub worker_server: FaultProxy,
    pub worker_bank: FaultProxy,
    pub ui_server: FaultProxy,
}

impl Proxies {
    /// Proxies to the Temporal server on `server` and the account API on `bank`.
    pub async fn start(server: u16, bank: u16) -> anyhow::Result<Proxies> {
        Ok(Proxies {
            worker_server: FaultProxy::start(server).await?,
            worker_bank: FaultProxy::start(bank).await?,
            ui_server: FaultProxy::start(server).await?,
        })
    }

    fn of(&self, link: Link) -> &FaultProxy {
        match link {
            Link::WorkerServer => &self.worker_server,
            Link::WorkerBank => &self.worker_bank,
            Link::UiServer => &self.ui_server,
        }
    }
}

/// What the outages act on, shared by both lanes and the kills.
pub(super) struct Outages {
    pub proxies: Proxies,
    /// Held by a partition from the server while it lasts and until work flows again, and by
    /// the server's restart and the worker's and the UI's kills: neither blurs the other's effect.
    pub server_paths: Mutex<()>,
    bank: AccountClient,
    /// Whether the bank's disk is full now; held while it changes, so that a restarted
    /// account API gets the disk as it should be.
    disk_full: Mutex<bool>,
    client: Client,
    narrator: Narrator,
}

impl Outages {
    pub fn new(proxies: Proxies, bank: AccountClient, client: Client, narrator: Narrator) -> Outages {
        Outages { proxies, server_paths: Mutex::new(()), bank, disk_full: Mutex::new(false), client, narrator }
    }

    /// The outages of one lane, one after another.
    pub async fn run_lane(&self, lane: Vec<PlannedOutage>) -> anyhow::Result<Vec<OutageRecord>> {
        let mut records = Vec::new();
        for planned in lane {
            tokio::time::sleep(planned.after).await;
            records.push(self.one(&planned).await.with_context(|| planned.outage.name())?);
        }
        Ok(records)
    }

    async fn one(&self, planned: &PlannedOutage) -> anyhow::Result<OutageRecord> {
        let outage = planned.outage;
        let _alone = if outage.parts_from_server() { Some(self.server_paths.lock().await) } else { None };
        let began = self.narrator.elapsed();
        self.set(outage, true).await?;
        if outage == Outage::DiskFull {
            // The database first fills the room its pages still have: the disk is full from
            // its first refusal on, and stays full for the planned time from then.
            self.narrator.print("bank's disk full: its database may not grow");
            self.first_refusal().await?;
        }
        self.narrator.print(&format!("{} for {:.1} s", outage.name(), planned.lasts.as_secs_f64()));
        tokio::time::sleep(planned.lasts).await;
        self.set(outage, false).await?;
        let healed = SystemTime::now();
        let lasted = self.narrator.elapsed() - began;
        self.narrator.print(&format!("{} healed after {:.1} s", outage.name(), lasted.as_secs_f64()));
        match self.working_again(outage, healed).await {
            Some(seen) => self.narrator.say(&format!(
                "work flows again over the healed path (seen {:.1} s after the heal)",
                seen.as_secs_f64()
            )),
            None => {
                let running = format!("{} AND ExecutionStatus = 'Running'", every_transfer());
                let running = self.client.count_workflows(running, WorkflowCountOptions::default()).await;
                let running = running.map_or("?".into(), |c| c.count().to_string());
                self.narrator.print(&format!(
                    "no sign of work over the healed path {RECOVERY_GUARD:?} after the heal ({running} transfers \
                     still running); going on"
                ))
            }
        }
        Ok(OutageRecord { outage, began, lasted, healed, recovery: None })
    }

    /// Breaks (`on`) or heals the outage's path.
    async fn set(&self, outage: Outage, on: bool) -> anyhow::Result<()> {
        let broken = match outage {
            Outage::Cut(link) => (link, LinkState::Cut),
            Outage::Blackhole(link) => (link, LinkState::Blackholed),
            Outage::DiskFull => {
                let mut full = self.disk_full.lock().await;
                *full = on;
                return self.ask_disk_full(on).await;
            }
        };
        self.proxies.of(broken.0).set(if on { broken.1 } else { LinkState::Open });
        Ok(())
    }

    /// A newly started account API has room: fills its disk again if it should be full.
    pub async fn restore_disk(&self) -> anyhow::Result<()> {
        let full = self.disk_full.lock().await;
        if *full { self.ask_disk_full(true).await } else { Ok(()) }
    }

    /// Asks the account API (maybe down for a moment: killed and restarting) until it answers.
    async fn ask_disk_full(&self, full: bool) -> anyhow::Result<()> {
        let guard = Instant::now();
        loop {
            match self.bank.set_disk_full(full).await {
                Ok(_) => return Ok(()),
                Err(error) if guard.elapsed() > Duration::from_secs(60) => {
                    return Err(error).context("setting the bank's disk full or free");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Waits until the full disk has refused a change (a full disk that refused nothing proved
    /// nothing; the test counts the refusals in the worker's log).
    async fn first_refusal(&self) -> anyhow::Result<()> {
        let guard = Instant::now();
        loop {
            if let Ok(disk) = self.bank.disk_full().await
                && (disk.refused_changes > 0 || guard.elapsed() > RECOVERY_GUARD)
            {
                return Ok(());
            }
            anyhow::ensure!(guard.elapsed() < 2 * RECOVERY_GUARD, "the account API did not answer");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until the server shows work done over the healed path after the heal: one more
    /// transfer closed (one more started, for the UI's path). The precise time comes from the
    /// histories afterwards (`recovery`); this only keeps the next outage from starting early.
    async fn working_again(&self, outage: Outage, healed: SystemTime) -> Option<Duration> {
        let query = match outage {
            Outage::Cut(Link::UiServer) | Outage::Blackhole(Link::UiServer) => every_transfer(),
            _ => format!("{} AND ExecutionStatus != 'Running'", every_transfer()),
        };
        let count = || async {
            self.client.count_workflows(query.clone(), WorkflowCountOptions::default()).await.ok().map(|c| c.count())
        };
        let guard = Instant::now();
        let mut before = count().await;
        while guard.elapsed() < RECOVERY_GUARD {
            match (before, count().await) {
                (Some(before), Some(now)) if now > before => return SystemTime::now().duration_since(healed).ok(),
                (None, now) => before = now,
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        None
    }
}
