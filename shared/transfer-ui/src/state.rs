//! The transfer workflow's input, result and live state: the contract between the workflow
//! (modules 3 and 4) and the page.

use bank::Cents;
use serde::{Deserialize, Serialize};
use temporalio_common::search_attributes::SearchAttributeKey;

/// Keyword search attributes: "all transfers of account_A" is a visibility query on these.
pub const FROM_ACCOUNT: SearchAttributeKey<String> = SearchAttributeKey::keyword("from_account");
pub const TO_ACCOUNT: SearchAttributeKey<String> = SearchAttributeKey::keyword("to_account");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferInput {
    pub from_account: String,
    pub to_account: String,
    pub amount: Cents,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Balances {
    pub from: Cents,
    pub to: Cents,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferResult {
    pub from_new_balance: Cents,
    pub to_new_balance: Cents,
}

/// The four steps, in order. Their names are what the page shows progress with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    CheckBalanceFrom,
    CheckBalanceTo,
    Withdraw,
    Deposit,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::CheckBalanceFrom, Step::CheckBalanceTo, Step::Withdraw, Step::Deposit];
}

/// What the `get_state` Query returns while the workflow runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransferState {
    pub input: Option<TransferInput>,
    /// "RUNNING", "COMPLETED" or "FAILED".
    pub status: String,
    pub result: Option<TransferResult>,
    pub starting_balances: Option<Balances>,
    pub steps: Vec<Step>,
    pub current_step: Option<Step>,
    pub completed_steps: Vec<Step>,
}

impl TransferState {
    pub fn started(input: TransferInput) -> Self {
        Self { input: Some(input), status: "RUNNING".into(), steps: Step::ALL.to_vec(), ..Self::default() }
    }

    pub fn begin(&mut self, step: Step) {
        self.current_step = Some(step);
    }

    pub fn finish(&mut self, step: Step) {
        self.completed_steps.push(step);
        self.current_step = None;
    }

    pub fn completed(&mut self, result: TransferResult) {
        self.status = "COMPLETED".into();
        self.result = Some(result);
    }

    pub fn failed(&mut self) {
        self.status = "FAILED".into();
        self.current_step = None;
    }
}
