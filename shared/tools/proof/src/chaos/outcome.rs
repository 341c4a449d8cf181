//! What a chaos run did, and what the books look like afterwards.

use std::collections::BTreeMap;
use std::time::Duration;

use bank::{Cents, LedgerEntry};
use temporalio_client::WorkflowExecutionStatus;

use super::Planned;

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
    /// Attempts the workers reported as failed and retried.
    pub retried_attempts: usize,
    /// Requests the driver sent again, with the same key, because the UI was down or
    /// answered 5xx.
    pub resent_requests: usize,
    /// Of those, how many found their transfer already started (the UI had started it, then
    /// died or lost its answer) and were answered with it instead of a second start.
    pub answered_again: usize,
    pub elapsed: Duration,
}

impl ChaosOutcome {
    pub fn count(&self, status: WorkflowExecutionStatus) -> usize {
        self.statuses.values().filter(|s| **s == status).count()
    }
}

/// A few lines for a human.
pub fn summary(outcome: &ChaosOutcome) -> String {
    use WorkflowExecutionStatus::{Completed, Failed};
    let overdrafts = outcome.plan.iter().filter(|t| t.overdraft).count();
    let refunds =
        outcome.ledger.iter().filter(|e| e.reference_id.as_deref().is_some_and(|r| r.ends_with("/refund"))).count();
    let f = &outcome.faults;
    format!(
        "{} transfers in {:.1} s: {} completed, {} failed ({} of them overdrafts by design, {} refunded); \
         {} ledger entries. Faults: worker SIGKILLed {}×, account API SIGKILLed {}×, UI SIGKILLed {}×, \
         Temporal server restarted {}×{}. {} failed attempts retried by Temporal; {} requests to the UI \
         sent again with the same Idempotency-Key ({} answers dropped on purpose), {} of them for a transfer \
         already started",
        outcome.ids.len(),
        outcome.elapsed.as_secs_f64(),
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
        outcome.retried_attempts,
        outcome.resent_requests,
        outcome.plan.iter().filter(|t| t.first_answer_lost).count(),
        outcome.answered_again,
    )
}
