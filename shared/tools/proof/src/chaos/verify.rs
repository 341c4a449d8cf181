//! The books check: what must hold after the run, whatever the faults did.

use std::collections::{BTreeMap, HashMap};

use bank::{Cents, EntryKind, LedgerEntry};
use temporalio_client::WorkflowExecutionStatus;
use transfer_ui::cli::INITIAL_BALANCES;

use super::ChaosOutcome;

/// Everything that must hold after the run; an empty list means the books are right.
pub fn verify(outcome: &ChaosOutcome) -> Vec<String> {
    let mut problems = Vec::new();
    let initial: BTreeMap<String, Cents> = INITIAL_BALANCES.iter().map(|(id, c)| (id.to_string(), *c)).collect();
    check_temporal(outcome, &mut problems);
    let steps = steps_by_transfer(outcome, &mut problems);
    let expected = check_transfers(outcome, steps, &initial, &mut problems);

    let total = |b: &BTreeMap<String, Cents>| b.values().copied().sum::<Cents>();
    if total(&outcome.balances) != total(&initial) {
        problems.push(format!("the bank holds {}, it started with {}", total(&outcome.balances), total(&initial)));
    }
    if outcome.balances != expected {
        problems.push(format!("balances {:?} differ from initial + received − sent {:?}", outcome.balances, expected));
    }
    check_chains(outcome, &initial, &mut problems);
    problems
}

/// Temporal: exactly our workflows, all closed, each completed or failed, listed by the UI as
/// Temporal lists it.
fn check_temporal(outcome: &ChaosOutcome, problems: &mut Vec<String>) {
    if outcome.statuses.len() != outcome.ids.len() {
        problems.push(format!(
            "Temporal lists {} transfers, {} were started",
            outcome.statuses.len(),
            outcome.ids.len()
        ));
    }
    // One workflow per key: the key names it, and Temporal started it once.
    for id in &outcome.listed_twice {
        problems.push(format!("Temporal lists {id} more than once: a key started two transfers"));
    }
    for (id, index) in &outcome.ids {
        if *id != contract::keyed_workflow_id(&outcome.plan[*index].key) {
            problems.push(format!("{id} is not the workflow of key {}", outcome.plan[*index].key));
        }
    }
    for id in outcome.ids.keys() {
        match outcome.statuses.get(id) {
            None => problems.push(format!("{id} is not listed by Temporal")),
            Some(WorkflowExecutionStatus::Completed | WorkflowExecutionStatus::Failed) => {}
            Some(other) => problems.push(format!("{id} ended {other:?}, not completed or failed")),
        }
        let want = outcome.statuses.get(id).map(|s| transfer_ui_status(*s));
        if outcome.ui_statuses.get(id).map(String::as_str) != want {
            problems.push(format!("the UI lists {id} as {:?}, Temporal as {want:?}", outcome.ui_statuses.get(id)));
        }
    }
}

/// Each transfer's ledger entries by step name (`withdraw`, `deposit`, `refund`).
type Steps<'a> = HashMap<&'a str, BTreeMap<&'a str, &'a LedgerEntry>>;

/// The ledger, grouped by transfer: every entry belongs to one of our steps, each step once.
fn steps_by_transfer<'a>(outcome: &'a ChaosOutcome, problems: &mut Vec<String>) -> Steps<'a> {
    let mut steps: Steps<'a> = HashMap::new();
    for entry in &outcome.ledger {
        let Some((id, step)) = entry.reference_id.as_deref().and_then(|r| r.rsplit_once('/')) else {
            problems.push(format!("ledger entry {} has no transfer reference: {entry:?}", entry.id));
            continue;
        };
        if !outcome.ids.contains_key(id) || !["withdraw", "deposit", "refund"].contains(&step) {
            problems.push(format!("ledger entry {} belongs to no transfer step: {entry:?}", entry.id));
            continue;
        }
        if steps.entry(id).or_default().insert(step, entry).is_some() {
            problems.push(format!("{id}/{step} is in the ledger twice"));
        }
    }
    steps
}

/// Each transfer's entries match how it ended; returns the balances the completed ones make.
fn check_transfers(
    outcome: &ChaosOutcome,
    mut steps: Steps<'_>,
    initial: &BTreeMap<String, Cents>,
    problems: &mut Vec<String>,
) -> BTreeMap<String, Cents> {
    let mut expected = initial.clone();
    for (id, index) in &outcome.ids {
        let t = &outcome.plan[*index];
        let status = outcome.statuses.get(id).copied();
        let recorded = steps.remove(id.as_str()).unwrap_or_default();
        let has = |step: &str, account: &str, kind: EntryKind| {
            recorded.get(step).is_some_and(|e| e.account_id == account && e.kind == kind && e.amount == t.amount)
        };
        let names: Vec<&str> = recorded.keys().copied().collect();
        match status {
            Some(WorkflowExecutionStatus::Completed) => {
                if t.overdraft {
                    problems.push(format!("{id} asked for {} from {} and completed", t.amount, t.from));
                }
                let exact = names == ["deposit", "withdraw"]
                    && has("withdraw", &t.from, EntryKind::Withdraw)
                    && has("deposit", &t.to, EntryKind::Deposit);
                if !exact {
                    problems.push(format!("{id} completed but its ledger entries are {names:?}"));
                }
                *expected.get_mut(&t.from).unwrap() = expected[&t.from] - t.amount;
                *expected.get_mut(&t.to).unwrap() = expected[&t.to] + t.amount;
            }
            _ => {
                // Failed: nothing moved, or a withdrawal and its refund.
                let nothing = names.is_empty();
                let refunded = names == ["refund", "withdraw"]
                    && has("withdraw", &t.from, EntryKind::Withdraw)
                    && has("refund", &t.from, EntryKind::Deposit);
                // An overdraft must not even withdraw.
                let acceptable = if t.overdraft { nothing } else { nothing || refunded };
                if !acceptable {
                    problems.push(format!("{id} failed but its ledger entries are {names:?}"));
                }
            }
        }
    }
    expected
}

/// Each account's ledger is one unbroken chain: no update was lost or applied twice.
fn check_chains(outcome: &ChaosOutcome, initial: &BTreeMap<String, Cents>, problems: &mut Vec<String>) {
    let mut last: HashMap<&str, Cents> = initial.iter().map(|(id, c)| (id.as_str(), *c)).collect();
    for entry in &outcome.ledger {
        let previous = last.get(entry.account_id.as_str()).copied();
        let moved = match entry.kind {
            EntryKind::Withdraw => entry.previous_balance - entry.amount,
            EntryKind::Deposit => entry.previous_balance + entry.amount,
        };
        if previous != Some(entry.previous_balance) || moved != entry.new_balance {
            problems
                .push(format!("ledger entry {} does not follow the one before it on {}", entry.id, entry.account_id));
        }
        last.insert(entry.account_id.as_str(), entry.new_balance);
    }
}

fn transfer_ui_status(status: WorkflowExecutionStatus) -> &'static str {
    match status {
        WorkflowExecutionStatus::Completed => "COMPLETED",
        WorkflowExecutionStatus::Failed => "FAILED",
        WorkflowExecutionStatus::Running => "RUNNING",
        WorkflowExecutionStatus::Terminated => "TERMINATED",
        WorkflowExecutionStatus::Canceled => "CANCELED",
        WorkflowExecutionStatus::TimedOut => "TIMED_OUT",
        _ => "OTHER",
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::chaos::{FaultCounts, Planned, Wave};

    /// A consistent outcome of three transfers: one completed, one overdraft, one refunded.
    fn books() -> ChaosOutcome {
        let planned = |from: &str, to: &str, cents: i64, overdraft: bool| Planned {
            from: from.into(),
            to: to.into(),
            amount: Cents::new(cents),
            overdraft,
            wave: Wave::Early,
            key: String::new(),
            first_answer_lost: false,
        };
        let mut plan = vec![
            planned("account_A", "account_B", 1_050, false),
            planned("account_E", "account_A", 9_999_999, true),
            planned("account_C", "account_D", 700, false),
        ];
        for (i, t) in plan.iter_mut().enumerate() {
            t.key = format!("t-{}", i + 1);
        }
        let ids: BTreeMap<String, usize> =
            plan.iter().enumerate().map(|(i, t)| (contract::keyed_workflow_id(&t.key), i)).collect();
        let statuses = [
            ("transfer-key-t-1", WorkflowExecutionStatus::Completed),
            ("transfer-key-t-2", WorkflowExecutionStatus::Failed),
            ("transfer-key-t-3", WorkflowExecutionStatus::Failed),
        ]
        .map(|(id, s)| (id.to_string(), s))
        .into();
        let ui_statuses =
            [("transfer-key-t-1", "COMPLETED"), ("transfer-key-t-2", "FAILED"), ("transfer-key-t-3", "FAILED")]
                .map(|(id, s)| (id.to_string(), s.to_string()))
                .into();
        let entry = |id: i64, reference: &str, account: &str, kind: EntryKind, cents: i64, previous: i64| {
            let new = if kind == EntryKind::Withdraw { previous - cents } else { previous + cents };
            LedgerEntry {
                id,
                reference_id: Some(reference.into()),
                account_id: account.into(),
                kind,
                amount: Cents::new(cents),
                previous_balance: Cents::new(previous),
                new_balance: Cents::new(new),
                created_at: String::new(),
            }
        };
        let ledger = vec![
            entry(1, "transfer-key-t-1/withdraw", "account_A", EntryKind::Withdraw, 1_050, 100_000),
            entry(2, "transfer-key-t-1/deposit", "account_B", EntryKind::Deposit, 1_050, 50_000),
            entry(3, "transfer-key-t-3/withdraw", "account_C", EntryKind::Withdraw, 700, 75_000),
            entry(4, "transfer-key-t-3/refund", "account_C", EntryKind::Deposit, 700, 74_300),
        ];
        let mut balances: BTreeMap<String, Cents> =
            INITIAL_BALANCES.iter().map(|(id, c)| (id.to_string(), *c)).collect();
        balances.insert("account_A".into(), Cents::new(98_950));
        balances.insert("account_B".into(), Cents::new(51_050));
        ChaosOutcome {
            plan,
            ids,
            statuses,
            listed_twice: Vec::new(),
            ui_statuses,
            ledger,
            balances,
            faults: FaultCounts::default(),
            ended_by_itself: Vec::new(),
            outages: Vec::new(),
            disk_full_refusals: 0,
            disk_full_said: 0,
            retried_attempts: 0,
            most_attempts: 0,
            resent_requests: 0,
            answered_again: 0,
            storm_ended: Duration::ZERO,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn consistent_books_pass() {
        assert_eq!(verify(&books()), Vec::<String>::new());
    }

    #[test]
    fn every_kind_of_wrong_books_is_caught() {
        type Mutation = (&'static str, fn(&mut ChaosOutcome));
        let mutations: Vec<Mutation> = vec![
            ("a deposit applied twice", |o| {
                let mut twice = o.ledger[1].clone();
                twice.id = 5;
                twice.reference_id = None;
                o.ledger.push(twice);
            }),
            ("a lost deposit", |o| {
                o.ledger.remove(1);
            }),
            ("a cent created", |o| {
                *o.balances.get_mut("account_J").unwrap() = o.balances["account_J"] + Cents::new(1);
            }),
            ("an overdraft that completed", |o| {
                o.statuses.insert("transfer-key-t-2".into(), WorkflowExecutionStatus::Completed);
            }),
            ("a transfer still running", |o| {
                o.statuses.insert("transfer-key-t-1".into(), WorkflowExecutionStatus::Running);
            }),
            ("a refund missing", |o| {
                o.ledger.remove(3);
            }),
            ("the UI disagreeing with Temporal", |o| {
                o.ui_statuses.insert("transfer-key-t-1".into(), "RUNNING".into());
            }),
            ("a key that started two transfers", |o| {
                o.listed_twice.push("transfer-key-t-1".into());
            }),
            ("a transfer under another key's name", |o| {
                o.plan[0].key = "t-9".into();
            }),
            ("a transfer Temporal does not know", |o| {
                o.statuses.remove("transfer-key-t-3");
            }),
        ];
        for (what, mutate) in mutations {
            let mut outcome = books();
            mutate(&mut outcome);
            assert!(!verify(&outcome).is_empty(), "not caught: {what}");
        }
    }
}
