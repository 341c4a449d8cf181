//! The throughput benchmark's parts: the floor (a no-op worker of the transfer's shape), ours
//! (module 3 as a learner runs it), one timed batch, and where each workflow's time went.

pub mod batch;
pub mod breakdown;
pub mod cpu;
pub mod floor;
pub mod ours;
pub mod report;

/// The n-th transfer's accounts: A→F, B→G, ... so that no account runs dry.
pub fn accounts(n: usize) -> (&'static str, &'static str) {
    let ids = transfer_ui::cli::INITIAL_BALANCES;
    (ids[n % 10].0, ids[(n + 5) % 10].0)
}
