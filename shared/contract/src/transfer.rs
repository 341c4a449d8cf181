//! The transfer workflow's input, result and live state: the contract between the workflow
//! (modules 3 and 4), the page that shows it and the tests that check it.

use bank::Cents;
use serde::{Deserialize, Serialize};
use temporalio_common::search_attributes::SearchAttributeKey;

/// Keyword search attributes: "all transfers of account_A" is a visibility query on these.
/// (The dev server creates them at launch: `workshop::SEARCH_ATTRIBUTES`; a test pins the two.)
pub const FROM_ACCOUNT: SearchAttributeKey<String> = SearchAttributeKey::keyword("from_account");
/// The account a transfer pays into, searchable like [`FROM_ACCOUNT`].
pub const TO_ACCOUNT: SearchAttributeKey<String> = SearchAttributeKey::keyword("to_account");

/// What a transfer is started with: who pays whom, how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferInput {
    /// The account the money leaves.
    pub from_account: String,
    /// The account the money goes into.
    pub to_account: String,
    /// How much moves; positive.
    pub amount: Cents,
}

/// The two accounts' balances as the check steps read them, before any money moved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Balances {
    /// The paying account's balance.
    pub from: Cents,
    /// The receiving account's balance.
    pub to: Cents,
}

/// What a completed transfer returns: both balances after the move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferResult {
    /// The paying account's balance after the withdrawal.
    pub from_new_balance: Cents,
    /// The receiving account's balance after the deposit.
    pub to_new_balance: Cents,
}

/// The four steps, in order. Their names are what the page shows progress with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Reads the paying account's balance (and that it exists).
    CheckBalanceFrom,
    /// Reads the receiving account's balance (and that it exists).
    CheckBalanceTo,
    /// Takes the amount out of the paying account.
    Withdraw,
    /// Puts the amount into the receiving account.
    Deposit,
}

impl Step {
    /// Every step in the order a transfer takes them.
    pub const ALL: [Step; 4] = [Step::CheckBalanceFrom, Step::CheckBalanceTo, Step::Withdraw, Step::Deposit];

    /// The activity that does the step (`BankActivities::<this>`), as the event history names it.
    pub fn activity(self) -> &'static str {
        match self {
            Step::CheckBalanceFrom | Step::CheckBalanceTo => "check_balance",
            Step::Withdraw => "withdraw",
            Step::Deposit => "deposit",
        }
    }
}

/// What the `get_state` Query returns while the workflow runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransferState {
    /// The transfer's input, once the workflow has started.
    pub input: Option<TransferInput>,
    /// "RUNNING", "COMPLETED" or "FAILED".
    pub status: String,
    /// The balances after, once completed.
    pub result: Option<TransferResult>,
    /// The balances the check steps read, once both ran.
    pub starting_balances: Option<Balances>,
    /// Every step the transfer will take, in order (what the page draws).
    pub steps: Vec<Step>,
    /// The step under way now, while its activity runs or is retried.
    pub current_step: Option<Step>,
    /// The steps finished so far, in order.
    pub completed_steps: Vec<Step>,
}

impl TransferState {
    /// The state of a transfer that has just started: running, no step begun.
    pub fn started(input: TransferInput) -> Self {
        Self { input: Some(input), status: "RUNNING".into(), steps: Step::ALL.to_vec(), ..Self::default() }
    }

    /// Marks `step` as the one under way.
    pub fn begin(&mut self, step: Step) {
        self.current_step = Some(step);
    }

    /// Marks `step` as done; no step is under way until the next begins.
    pub fn finish(&mut self, step: Step) {
        self.completed_steps.push(step);
        self.current_step = None;
    }

    /// The transfer succeeded with this result.
    pub fn completed(&mut self, result: TransferResult) {
        self.status = "COMPLETED".into();
        self.result = Some(result);
    }

    /// The transfer failed; the step it failed in is no longer under way.
    pub fn failed(&mut self) {
        self.status = "FAILED".into();
        self.current_step = None;
    }
}

/// The Money Transfer UI's daily batch: five transfers of $100 (the page's button sends the same).
pub const DAILY_BATCH: [(&str, &str); 5] = [
    ("account_A", "account_F"),
    ("account_B", "account_G"),
    ("account_C", "account_H"),
    ("account_D", "account_I"),
    ("account_E", "account_J"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TransferInput {
        TransferInput { from_account: "account_A".into(), to_account: "account_B".into(), amount: Cents::new(12_345) }
    }

    #[test]
    fn the_state_follows_the_steps_in_order() {
        let mut state = TransferState::started(input());
        assert_eq!((state.status.as_str(), state.steps.len()), ("RUNNING", 4));
        state.begin(Step::CheckBalanceFrom);
        assert_eq!(state.current_step, Some(Step::CheckBalanceFrom));
        state.finish(Step::CheckBalanceFrom);
        assert_eq!((state.current_step, state.completed_steps.clone()), (None, vec![Step::CheckBalanceFrom]));
        state.begin(Step::Withdraw);
        state.failed();
        assert_eq!((state.status.as_str(), state.current_step), ("FAILED", None));
    }

    #[test]
    fn the_query_answer_has_the_shape_the_page_reads() {
        let mut state = TransferState::started(input());
        state.begin(Step::CheckBalanceTo);
        state.completed(TransferResult { from_new_balance: Cents::new(1), to_new_balance: Cents::new(2) });
        let json = serde_json::to_value(&state).unwrap();
        assert_eq!(json["input"]["amount"], serde_json::json!(123.45)); // dollars on the wire, exact
        assert_eq!(json["current_step"], "check_balance_to");
        assert_eq!(json["status"], "COMPLETED");
        assert_eq!(json["steps"][2], "withdraw");
        let back: TransferState = serde_json::from_value(json).unwrap();
        assert_eq!(back, state);
    }

    #[test]
    fn the_search_attribute_keys_are_the_ones_the_dev_server_creates() {
        assert_eq!(
            [FROM_ACCOUNT.name(), TO_ACCOUNT.name(), workshop::learner::SEARCH_ATTRIBUTE],
            workshop::SEARCH_ATTRIBUTES
        );
    }
}
