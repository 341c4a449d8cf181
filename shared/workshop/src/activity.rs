//! Turning the bank's answers into activity results, the same way in every module.

use std::fmt::Display;

use bank::{Cents, ClientError};
use serde::{Deserialize, Serialize};
use temporalio_sdk::ApplicationFailure;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

/// The input of a withdraw or deposit activity, with the idempotency key the bank
/// deduplicates on: the same key on every retry, so a step is applied at most once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MoneyMove {
    pub account: String,
    pub amount: Cents,
    pub reference_id: String,
}

/// Logs one attempt of a bank call on the worker's terminal and turns a failure into the
/// right kind of activity error: transient ones (5xx, timeouts) are retried by Temporal,
/// business ones (no money, no such account, bad amount) are not, since a retry cannot fix them.
pub fn report<T: Display>(
    ctx: &ActivityContext,
    step: &str,
    outcome: Result<T, ClientError>,
) -> Result<T, ActivityError> {
    let attempt = ctx.info().attempt;
    match outcome {
        Ok(value) => {
            println!("{:>11} | [attempt {attempt}] {step}: ok, balance now {value}", "worker");
            Ok(value)
        }
        Err(error) if error.is_retryable() => {
            println!("{:>11} | [attempt {attempt}] {step}: failed, Temporal will retry: {error}", "worker");
            Err(ActivityError::application(ApplicationFailure::new(error)))
        }
        Err(error) => {
            println!("{:>11} | [attempt {attempt}] {step}: refused, not retrying: {error}", "worker");
            let kind = error.code().unwrap_or("unexpected_answer").to_string();
            let failure = ApplicationFailure::builder(error.to_string()).type_name(kind).non_retryable(true).build();
            Err(ActivityError::application(failure))
        }
    }
}
