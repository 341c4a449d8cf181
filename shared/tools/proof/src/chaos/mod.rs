//! The chaos run: many transfers between module 3's ten accounts, some above the balance,
//! while
//!
//! - the bank fails before changes (500, slow 504) and loses responses *after* committing,
//! - the worker process (`module03 worker`) is SIGKILLed and restarted at random moments,
//! - the Temporal dev server is stopped and started again on the same port and database,
//!
//! followed by the books check ([`verify`]): every workflow closed, overdrafts moved
//! nothing, every completed transfer is in the ledger exactly once as one withdrawal and one
//! deposit, no cent created or lost, and each balance is its initial value plus what it
//! received minus what it sent. One seed drives the plan, the kill times and the bank's dice,
//! so a run can be repeated (the interleaving of concurrent requests still varies).
//!
//! The parts: [`plan`] (what happens, from the seed), `run` (the system and the run),
//! `faults` (kills and the restart, one printed line each), `transfers` (starting and
//! listing them), [`verify`] (the books check) and `outcome` (what came out, and its summary).

mod faults;
mod outcome;
pub mod plan;
mod run;
mod transfers;
pub mod verify;

pub use outcome::{ChaosOutcome, FaultCounts, summary};
pub use plan::{Planned, plan};
pub use run::run;
pub use verify::verify;

/// What to do to the system, all of it derived from `seed`.
#[derive(Debug, Clone)]
pub struct ChaosConfig {
    pub seed: u64,
    pub transfers: usize,
    /// Of these, how many are started through the Money Transfer UI right after the Temporal
    /// server came back (the rest go straight to Temporal at the start).
    pub late_transfers: usize,
    pub worker_kills: usize,
    pub restart_server: bool,
    /// Share of transfers asking for more than the sender can ever have.
    pub overdraft_share: f64,
    pub slow_rate: f64,
    pub failure_rate: f64,
    pub lost_response_rate: f64,
    pub slow_secs: u64,
    /// The kills and the restart happen within this many seconds of the start.
    pub fault_window_secs: f64,
    /// Print what happens, as it happens (the faults are always printed, one line each).
    pub verbose: bool,
}

impl ChaosConfig {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            transfers: 200,
            late_transfers: 20,
            worker_kills: 5,
            restart_server: true,
            overdraft_share: 0.1,
            slow_rate: 0.05,
            failure_rate: 0.15,
            lost_response_rate: 0.1,
            slow_secs: 1,
            fault_window_secs: 25.0,
            verbose: false,
        }
    }
}
