//! The chaos run: many transfers between module 3's ten accounts, some above the balance,
//! each asked for through the Money Transfer UI (`POST /api/transfer`) with its own
//! `Idempotency-Key`, while
//!
//! - the bank fails before changes (500, slow 504) and loses responses *after* committing,
//! - the worker (`module03 worker`), the account API (`module03 account-api`) and the UI
//!   (`module03 ui`), each its own process, are SIGKILLed at random moments and started
//!   again on the same port (the account API on the same database file),
//! - the Temporal dev server is stopped and started again on the same port and database,
//! - the network between them fails: each program talks to the others through a fault proxy
//!   (`testkit::proxy`) that the run cuts (connections reset, new ones refused) or blackholes
//!   (nothing carried, nobody told) for a while: the worker ↔ the Temporal server, the worker
//!   ↔ the account API, the UI ↔ the Temporal server,
//! - the bank's disk fills up (its database may not grow) while money moves, then frees,
//!
//! The driver asks again, with the same key, whenever the UI was down or answered 5xx, and
//! drops a few of the UI's answers on purpose: a transfer the UI had started before its
//! answer was lost is not started twice.
//!
//! followed by the books check ([`verify`](mod@verify)): every workflow closed, overdrafts moved
//! nothing, every completed transfer is in the ledger exactly once as one withdrawal and one
//! deposit, no cent created or lost, and each balance is its initial value plus what it
//! received minus what it sent. One seed drives the plan, the kill times and the bank's dice,
//! so a run can be repeated (the interleaving of concurrent requests still varies).
//!
//! After each outage heals, the run starts a probe transfer that must cross the healed path
//! and waits for its work (so every outage gets its recovery time, even when the plan's
//! transfers have all closed by then), then measures how long the system took to work again
//! from the histories: the next workflow task or activity completed, see `recovery`. Once
//! the storm is over the bank stops failing on purpose, so the run ends when the transfers
//! still retrying have taken their next attempt, not when the dice allow.
//!
//! The parts: [`plan`](mod@plan) (what happens, from the seed), `scene` (the system: the server, the
//! proxies, module 3's programs as `restartable` processes), `run` (storm, calm, reckoning),
//! `faults` (kills and the restart, one printed line each), the fault proxy (`testkit::proxy`),
//! `outages` (partitions and the full disk, one lane each for the worker's and the UI's paths),
//! `probes` (the run's own transfers after each heal), `recovery` (the recovery times),
//! `transfers` (asking for them, listing them), [`verify`](mod@verify) (the books check), `outcome` (what
//! came out, and its summary) and `narrator` (the printed lines).

mod faults;
mod narrator;
mod outages;
mod outcome;
pub mod plan;
mod probes;
mod recovery;
mod restartable;
mod run;
mod scene;
mod transfers;
pub mod verify;

use std::collections::BTreeMap;

pub use outcome::{ChaosOutcome, FaultCounts, OutageRecord, p50_max, recovery_table, summary};
pub use plan::{Link, Outage, Planned, Wave, plan};
pub use run::run;
pub use verify::verify;

/// What to do to the system, all of it derived from `seed`.
#[derive(Debug, Clone)]
pub struct ChaosConfig {
    pub seed: u64,
    pub transfers: usize,
    /// Of these, how many are asked for right after the Temporal server came back (the rest
    /// are spread over the fault window).
    pub late_transfers: usize,
    pub worker_kills: usize,
    pub account_api_kills: usize,
    pub ui_kills: usize,
    pub restart_server: bool,
    /// How many times each outage happens.
    pub outages: BTreeMap<Outage, usize>,
    /// Share of transfers asking for more than the sender can ever have.
    pub overdraft_share: f64,
    pub slow_rate: f64,
    pub failure_rate: f64,
    pub lost_response_rate: f64,
    /// Share of transfers whose first answer from the UI the driver drops (and asks again).
    pub lost_answer_share: f64,
    pub slow_secs: u64,
    /// The early transfers are asked for, and the kills and the restart happen, within this
    /// many seconds of the start (the outages begin in it, and may go on after it).
    pub fault_window_secs: f64,
    /// Print what happens, as it happens (the faults are always printed, one line each).
    pub verbose: bool,
}

impl ChaosConfig {
    /// Every partition once (cut and blackholed; the worker ↔ server, the worker ↔ bank, the
    /// UI ↔ server) and one full disk.
    pub const DEFAULT_OUTAGES: [(Outage, usize); 7] = [
        (Outage::Blackhole(Link::WorkerServer), 1),
        (Outage::Cut(Link::WorkerServer), 1),
        (Outage::Cut(Link::WorkerBank), 1),
        (Outage::Blackhole(Link::WorkerBank), 1),
        (Outage::Cut(Link::UiServer), 1),
        (Outage::Blackhole(Link::UiServer), 1),
        (Outage::DiskFull, 1),
    ];

    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            transfers: 200,
            late_transfers: 20,
            worker_kills: 5,
            account_api_kills: 3,
            ui_kills: 3,
            restart_server: true,
            outages: Self::DEFAULT_OUTAGES.into_iter().collect(),
            overdraft_share: 0.1,
            // About one change in eight fails by the dice (slow, refused, or its answer lost
            // after it committed). Every failure doubles Temporal's wait before the next
            // attempt (module 3 caps it at 10 s), and the outages add theirs: with one in three
            // (as before) a change failing six times running was likely in every run, and its
            // wait set the run's end. The outages bring failures enough.
            slow_rate: 0.02,
            failure_rate: 0.07,
            lost_response_rate: 0.04,
            lost_answer_share: 0.05,
            slow_secs: 1,
            // The kills, the restart and the transfers' requests happen in it; the outages
            // begin in it and may go on a little after it (each waits for the one before to
            // recover), with probes to give them work.
            fault_window_secs: 40.0,
            verbose: false,
        }
    }
}
