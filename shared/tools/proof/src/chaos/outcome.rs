//! What a chaos run did, and what the books look like afterwards.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use bank::{Cents, LedgerEntry};
use temporalio_client::WorkflowExecutionStatus;

use super::{Outage, Planned, Wave};

/// One outage that happened, and how long the system took to work again after it healed.
#[derive(Debug, Clone)]
pub struct OutageRecord {
    pub outage: Outage,
    /// Since the start of the run.
    pub began: Duration,
    pub lasted: Duration,
    pub healed: SystemTime,
    /// From the heal to the next piece of work done over the healed path (see `recovery`);
    /// `None` if none came.
    pub recovery: Option<Duration>,
}

/// The faults that really happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultCounts {
    pub worker_kills: usize,
    pub account_api_kills: usize,
    pub ui_kills: usize,
    pub server_restarts: usize,
    /// Whether the worker had to be restarted because it did not resume after the server
    /// restart by itself.
    pub worker_restarted_for_server: bool,
}

/// What happened, and what the books look like afterwards.
#[derive(Debug)]
pub struct ChaosOutcome {
    pub plan: Vec<Planned>,
    /// Workflow id → index into `plan`.
    pub ids: BTreeMap<String, usize>,
    /// Workflow id → final status, as listed by Temporal.
    pub statuses: BTreeMap<String, WorkflowExecutionStatus>,
    /// Workflow ids Temporal lists more than once: a key that started two transfers.
    pub listed_twice: Vec<String>,
    /// Workflow id → status as the Money Transfer UI lists it (after the server restart).
    pub ui_statuses: BTreeMap<String, String>,
    pub ledger: Vec<LedgerEntry>,
    pub balances: BTreeMap<String, Cents>,
    pub faults: FaultCounts,
    /// A program of the run that ended before the run killed it (its last line): none should.
    pub ended_by_itself: Vec<String>,
    /// The partitions and full disks, in the order they began.
    pub outages: Vec<OutageRecord>,
    /// Changes the bank refused because its disk was full, as the workers' logs tell.
    pub disk_full_refusals: usize,
    /// Times the account API said its database was full (once per episode, not per request).
    pub disk_full_said: usize,
    /// Attempts the workers reported as failed and retried.
    pub retried_attempts: usize,
    /// The most attempts one activity took. Temporal's retries wait 1 s, 2 s, 4 s… (module 3
    /// caps it at 10 s): the unluckiest activity decides when the last transfer closes.
    pub most_attempts: i32,
    /// Requests the driver sent again, with the same key, because the UI was down or
    /// answered 5xx.
    pub resent_requests: usize,
    /// Of those, how many found their transfer already started (the UI had started it, then
    /// died or lost its answer) and were answered with it instead of a second start.
    pub answered_again: usize,
    /// When the last fault was over and the last outage had recovered (since the start).
    pub storm_ended: Duration,
    pub elapsed: Duration,
}

impl ChaosOutcome {
    pub fn count(&self, status: WorkflowExecutionStatus) -> usize {
        self.statuses.values().filter(|s| **s == status).count()
    }

    /// The transfers of the plan that were started, without the run's probes.
    pub fn planned_transfers(&self) -> usize {
        self.ids.values().filter(|i| self.plan[**i].wave != Wave::Probe).count()
    }

    /// The probes the run started after the heals (and while the disk was full).
    pub fn probes(&self) -> usize {
        self.ids.len() - self.planned_transfers()
    }

    /// Each kind of outage that happened, with its recovery times (sorted; `None`s last).
    pub fn recoveries(&self) -> BTreeMap<Outage, Vec<Option<Duration>>> {
        let mut kinds: BTreeMap<Outage, Vec<Option<Duration>>> = BTreeMap::new();
        for record in &self.outages {
            kinds.entry(record.outage).or_default().push(record.recovery);
        }
        for times in kinds.values_mut() {
            times.sort_by_key(|t| (t.is_none(), *t));
        }
        kinds
    }
}

/// "p50 / max" of recovery times, or what is missing.
pub fn p50_max(times: &[Option<Duration>]) -> String {
    let measured: Vec<Duration> = times.iter().flatten().copied().collect();
    let unrecovered = times.len() - measured.len();
    let mut text = match measured.as_slice() {
        [] => "none measured".to_string(),
        [only] => format!("{:.1} s", only.as_secs_f64()),
        all => format!("{:.1} s / {:.1} s", all[all.len() / 2].as_secs_f64(), all[all.len() - 1].as_secs_f64()),
    };
    if unrecovered > 0 {
        text.push_str(&format!(" ({unrecovered} never recovered)"));
    }
    text
}

/// One line per outage kind: how many, and the recovery times after the heal.
pub fn recovery_table(outcome: &ChaosOutcome) -> String {
    outcome
        .recoveries()
        .iter()
        .map(|(outage, times)| {
            format!("  {} ×{}: recovered {} after the heal\n", outage.name(), times.len(), p50_max(times))
        })
        .collect()
}

/// A few lines for a human.
pub fn summary(outcome: &ChaosOutcome) -> String {
    use WorkflowExecutionStatus::{Completed, Failed};
    let overdrafts = outcome.plan.iter().filter(|t| t.overdraft).count();
    let refunds =
        outcome.ledger.iter().filter(|e| e.reference_id.as_deref().is_some_and(|r| r.ends_with("/refund"))).count();
    let f = &outcome.faults;
    format!(
        "{} transfers and {} probes in {:.1} s (the storm over after {:.1} s): {} completed, {} failed ({} of them \
         overdrafts by design, {} refunded); {} ledger entries. Faults: worker SIGKILLed {}×, account API SIGKILLed {}×, UI SIGKILLed {}×, \
         Temporal server restarted {}×{}; {}. {} failed attempts retried by Temporal (one activity took {} \
         attempts); {} requests to the UI \
         sent again with the same Idempotency-Key ({} answers dropped on purpose), {} of them for a transfer \
         already started.{} Recovery (p50 / max) from each heal to the next work done over the healed path:\n{}",
        outcome.planned_transfers(),
        outcome.probes(),
        outcome.elapsed.as_secs_f64(),
        outcome.storm_ended.as_secs_f64(),
        outcome.count(Completed),
        outcome.count(Failed),
        overdrafts,
        refunds,
        outcome.ledger.len(),
        f.worker_kills,
        f.account_api_kills,
        f.ui_kills,
        f.server_restarts,
        if f.worker_restarted_for_server {
            " (the worker had to be restarted after it)"
        } else {
            " (the worker and the UI reconnected by themselves)"
        },
        outage_counts(outcome),
        outcome.retried_attempts,
        outcome.most_attempts,
        outcome.resent_requests,
        outcome.plan.iter().filter(|t| t.first_answer_lost).count(),
        outcome.answered_again,
        if outcome.ended_by_itself.is_empty() {
            String::new()
        } else {
            format!(" Ended by themselves: {}.", outcome.ended_by_itself.join("; "))
        },
        recovery_table(outcome).trim_end(),
    )
}

/// "worker ↔ Temporal server blackholed 1×, …, bank's disk full 1× (37 changes refused, said
/// 1× in the account API's log)".
fn outage_counts(outcome: &ChaosOutcome) -> String {
    let mut parts: Vec<String> =
        outcome.recoveries().iter().map(|(outage, times)| format!("{} {}×", outage.name(), times.len())).collect();
    if outcome.outages.iter().any(|o| o.outage == Outage::DiskFull) {
        parts.push(format!(
            "{} changes refused for want of room, said {}× in the account API's log",
            outcome.disk_full_refusals, outcome.disk_full_said
        ));
    }
    if parts.is_empty() { "no partitions, no full disk".into() } else { parts.join(", ") }
}
