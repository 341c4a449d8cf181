//! The outages: partitions through the fault proxies and a full disk under the bank, each
//! for its planned time, then healed. They run in two lanes beside the kills: the worker's
//! (worker ↔ server, worker ↔ bank, the full disk), one outage after another, each once the
//! one before has visibly recovered, so that one recovery time does not swallow the next
//! outage; and the UI's (UI ↔ server). Each prints a line when it begins and heals. After
//! each heal a probe transfer (`probes`) makes sure work must cross the healed path, and the
//! lane goes on once it has: a program that does not recover fails the run, with the evidence.

use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use bank::AccountClient;
use testkit::proxy::{FaultProxy, LinkState};
use tokio::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::narrator::Narrator;
use super::plan::PlannedOutage;
use super::probes::Probes;
use super::{Link, Outage, OutageRecord};

/// A hang guard: no healthy run waits this long for work over a healed path (the longest
/// wait, a connection caught in a blackhole, ends 17 s after the hole began).
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

/// Whose paths to the Temporal server a fault touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Worker,
    Ui,
    /// The server itself: everyone's.
    Server,
}

/// Held while a fault needs its side's paths quiet (see [`Outages::quiet`]).
pub(super) struct Quiet<'a> {
    _restart: Option<RwLockWriteGuard<'a, ()>>,
    _gate: Option<RwLockReadGuard<'a, ()>>,
    _path: Option<MutexGuard<'a, ()>>,
}

/// What the outages act on, shared by both lanes and the kills.
pub(super) struct Outages {
    pub proxies: Proxies,
    /// Held by a partition of the worker from the server while it lasts and until work flows
    /// again, and by the worker's kills: a new worker process, with new connections, would
    /// hide how long a caught one stays silent.
    worker_paths: Mutex<()>,
    /// The same for the UI's partitions and kills.
    ui_paths: Mutex<()>,
    /// Read by each of those, written by the server's restart, which would end them all.
    gate: RwLock<()>,
    bank: AccountClient,
    /// Whether the bank's disk is full now; held while it changes, so that a restarted
    /// account API gets the disk as it should be.
    disk_full: Mutex<bool>,
    pub probes: Probes,
    narrator: Narrator,
}

impl Outages {
    pub fn new(proxies: Proxies, bank: AccountClient, probes: Probes, narrator: Narrator) -> Outages {
        Outages {
            proxies,
            worker_paths: Mutex::new(()),
            ui_paths: Mutex::new(()),
            gate: RwLock::new(()),
            bank,
            disk_full: Mutex::new(false),
            probes,
            narrator,
        }
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

    /// Waits until `side`'s paths to the server are quiet, and keeps them so until the guard
    /// drops: a partition or a kill of the worker holds the worker's, of the UI the UI's, and
    /// the server's restart all of them. The restart comes first: once it waits, no new
    /// partition or kill begins (the gate prefers writers), so it never waits for more than
    /// the ones already under way.
    pub async fn quiet(&self, side: Side) -> Quiet<'_> {
        match side {
            Side::Server => Quiet { _restart: Some(self.gate.write().await), _gate: None, _path: None },
            Side::Worker | Side::Ui => {
                let gate = self.gate.read().await;
                let path = if side == Side::Worker { &self.worker_paths } else { &self.ui_paths };
                Quiet { _restart: None, _gate: Some(gate), _path: Some(path.lock().await) }
            }
        }
    }

    /// The side a partition of `outage`'s kind keeps from the server, if any.
    fn side(outage: Outage) -> Option<Side> {
        match outage {
            Outage::Cut(Link::WorkerServer) | Outage::Blackhole(Link::WorkerServer) => Some(Side::Worker),
            Outage::Cut(Link::UiServer) | Outage::Blackhole(Link::UiServer) => Some(Side::Ui),
            _ => None,
        }
    }

    async fn one(&self, planned: &PlannedOutage) -> anyhow::Result<OutageRecord> {
        let outage = planned.outage;
        let _alone = match Self::side(outage) {
            Some(side) => Some(self.quiet(side).await),
            None => None,
        };
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
        let seen = self.work_again(outage).await.context("no recovery after the heal")?;
        self.narrator.say(&format!("work crossed the healed path {:.1} s after the heal", seen.as_secs_f64()));
        Ok(OutageRecord { outage, began, lasted, healed, recovery: None })
    }

    /// Starts a probe that must cross the healed path, and waits until it has: through the UI
    /// for the UI's path, straight at the server (for the worker to run) for the others. Work
    /// of the plan's own that crosses the path first ends the wait as well: the UI answering
    /// one of the driver's requests, the worker closing a transfer. (A probe's first task
    /// may have gone to a poll the hole swallowed, and wait out its 10 s timeout.)
    async fn work_again(&self, outage: Outage) -> anyhow::Result<Duration> {
        let since = Instant::now();
        match outage {
            Outage::Cut(Link::UiServer) | Outage::Blackhole(Link::UiServer) => {
                let answered = self.probes.ui_answered();
                let probe = self.probes.ask_ui(RECOVERY_GUARD);
                tokio::pin!(probe);
                // The probe is always seen through: once asked, the UI may start it at any
                // moment, and the books must know it.
                let seen = tokio::select! {
                    asked = &mut probe => { asked?; since.elapsed() }
                    () = answered => { let seen = since.elapsed(); probe.await?; seen }
                };
                return Ok(seen);
            }
            _ => {
                let closed = self.probes.closed_after_now().await;
                let id = self.probes.start(RECOVERY_GUARD).await?;
                let crossed = self.probes.crossed(&id, outage, RECOVERY_GUARD.saturating_sub(since.elapsed()));
                match outage {
                    Outage::Cut(Link::WorkerServer) | Outage::Blackhole(Link::WorkerServer) => tokio::select! {
                        probe = crossed => probe?,
                        () = closed => {}
                    },
                    _ => crossed.await?,
                }
            }
        }
        Ok(since.elapsed())
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
    /// nothing; the test counts the refusals in the worker's log). While none has come, a
    /// probe every half second brings changes that need room: the pages' last free space takes
    /// a few, then the refusals begin.
    async fn first_refusal(&self) -> anyhow::Result<()> {
        let (guard, mut probed) = (Instant::now(), Instant::now());
        loop {
            if let Ok(disk) = self.bank.disk_full().await
                && disk.refused_changes > 0
            {
                return Ok(());
            }
            if guard.elapsed() > RECOVERY_GUARD {
                anyhow::bail!(
                    "the full disk refused no change within {RECOVERY_GUARD:?}, {} probes in all started",
                    self.probes.count()
                );
            }
            if probed.elapsed() > Duration::from_millis(500) {
                self.probes.start(RECOVERY_GUARD).await?;
                probed = Instant::now();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
