//! The withdraw and deposit activities' input, and how the bank's answers become activity
//! results, the same way in every module.

use bank::{Cents, ClientError, DepositResponse, WithdrawResponse};
use serde::{Deserialize, Serialize};
use temporalio_sdk::ApplicationFailure;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

/// One withdrawal or deposit, with the idempotency key the bank deduplicates on: the same
/// key on every retry, so a step is applied at most once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoneyMove {
    /// The account to take the money from or put it into.
    pub account: String,
    /// How much.
    pub amount: Cents,
    /// The idempotency key (`{key root}/{step}`, e.g. `transfer-1/withdraw`): the same on every retry.
    pub reference_id: String,
}

impl MoneyMove {
    /// `step` of the transfer whose keys start with `key_root`: the key is `<key_root>/<step>`.
    pub fn new(account: &str, amount: Cents, key_root: &str, step: &str) -> Self {
        Self { account: account.to_string(), amount, reference_id: format!("{key_root}/{step}") }
    }
}

/// Logs one attempt of a bank call on the worker's terminal, returns the balance the bank
/// answered, and turns a failure into the right kind of activity error (see [`activity_error`]).
pub fn report<A: BankAnswer>(
    ctx: &ActivityContext,
    step: &str,
    outcome: Result<A, ClientError>,
) -> Result<Cents, ActivityError> {
    let attempt = ctx.info().attempt;
    let line = match &outcome {
        Ok(answer) => format!("{step}: ok, {}", answer.describe()),
        Err(error) if error.is_retryable() => format!("{step}: {}: {error}", workshop::said::WILL_RETRY),
        Err(error) => format!("{step}: refused, not retrying: {error}"),
    };
    println!("{:>11} | {} {line}", "worker", workshop::said::attempt(attempt));
    outcome.map(|answer| answer.balance()).map_err(activity_error)
}

/// A successful answer of the bank: a balance read, or the receipt of a change.
pub trait BankAnswer {
    /// The account's balance in the answer: as read, or after the change.
    fn balance(&self) -> Cents;
    /// How the worker's log line says it: a read "is", a change leaves the balance "now".
    fn describe(&self) -> String;
}

impl BankAnswer for Cents {
    fn balance(&self) -> Cents {
        *self
    }
    fn describe(&self) -> String {
        format!("balance is {self}")
    }
}

impl BankAnswer for WithdrawResponse {
    fn balance(&self) -> Cents {
        self.new_balance
    }
    fn describe(&self) -> String {
        format!("balance now {}", self.new_balance)
    }
}

impl BankAnswer for DepositResponse {
    fn balance(&self) -> Cents {
        self.new_balance
    }
    fn describe(&self) -> String {
        format!("balance now {}", self.new_balance)
    }
}

/// Transient failures (5xx, timeouts, an answer that is not the bank's) are retried by
/// Temporal. The bank's own refusals (no money, no such account, bad amount) are final,
/// since a retry cannot fix them; their type name is the bank's error code.
pub fn activity_error(error: ClientError) -> ActivityError {
    if error.is_retryable() {
        return ActivityError::application(ApplicationFailure::new(error));
    }
    let kind = error.code().unwrap_or("unexpected_answer").to_string();
    let failure = ApplicationFailure::builder(error.to_string()).type_name(kind).non_retryable(true).build();
    ActivityError::application(failure)
}

#[cfg(test)]
mod tests {
    use bank::wire::codes;

    use super::*;

    fn classify(error: ClientError) -> (bool, Option<String>) {
        match activity_error(error) {
            ActivityError::Application(failure) => {
                (failure.is_non_retryable(), failure.type_name().map(str::to_string))
            }
            _ => panic!("expected an application failure"),
        }
    }

    fn transient(status: Option<u16>) -> ClientError {
        ClientError::Transient { status, code: None, message: "boom".into() }
    }

    fn refusal(status: u16, code: &str) -> ClientError {
        let (current_balance, requested_amount) = (None, None);
        ClientError::Business { status, code: code.into(), message: "no".into(), current_balance, requested_amount }
    }

    #[test]
    fn server_errors_and_timeouts_are_retried() {
        assert_eq!(classify(transient(Some(500))), (false, None));
        assert_eq!(classify(transient(Some(504))), (false, None));
        assert_eq!(classify(transient(None)), (false, None)); // no answer at all: a timeout
        assert_eq!(classify(ClientError::Unexpected { message: "not JSON".into() }), (false, None));
    }

    #[test]
    fn the_banks_refusals_are_final_and_named() {
        for (status, code) in [
            (422, codes::INSUFFICIENT_FUNDS),
            (404, codes::UNKNOWN_ACCOUNT),
            (409, codes::ACCOUNT_CLOSED),
            (409, codes::IDEMPOTENCY_CONFLICT),
        ] {
            assert_eq!(classify(refusal(status, code)), (true, Some(code.to_string())), "{code}");
        }
    }

    #[test]
    fn a_read_says_what_the_balance_is_and_a_change_what_it_is_now() {
        let receipt = |new_balance| WithdrawResponse {
            account_number: "account_A".into(),
            previous_balance: Cents::dollars(1000),
            amount_withdrawn: Cents::dollars(100),
            new_balance,
            reference_id: None,
        };
        assert_eq!(Cents::ZERO.describe(), "balance is $0.00");
        assert_eq!(receipt(Cents::dollars(900)).describe(), "balance now $900.00");
        assert_eq!(receipt(Cents::dollars(900)).balance(), Cents::dollars(900));
    }

    #[test]
    fn each_step_has_its_own_key_under_the_transfer() {
        let withdraw = MoneyMove::new("account_A", Cents::dollars(5), "transfer-1", "withdraw");
        assert_eq!(withdraw.reference_id, "transfer-1/withdraw");
        assert_ne!(
            withdraw.reference_id,
            MoneyMove::new("account_A", Cents::dollars(5), "transfer-1", "refund").reference_id
        );
    }
}
