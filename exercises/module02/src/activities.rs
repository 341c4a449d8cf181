//! Activities: the calls to the bank. They may fail; Temporal retries them.

use std::fmt::Display;
use std::sync::Arc;

use bank::{AccountClient, Cents, ClientError};
use serde::{Deserialize, Serialize};
use temporalio_macros::activities;
use temporalio_sdk::ApplicationFailure;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

/// One withdrawal or deposit, with the idempotency key the bank deduplicates on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MoneyMove {
    pub account: String,
    pub amount: Cents,
    pub reference_id: String,
}

pub struct BankActivities {
    pub bank: AccountClient,
}

#[activities]
impl BankActivities {
    #[activity]
    pub async fn check_balance(self: Arc<Self>, ctx: ActivityContext, account: String) -> Result<Cents, ActivityError> {
        let outcome = self.bank.balance(&account).await;
        report(&ctx, &format!("check_balance({account})"), outcome)
    }

    #[activity]
    pub async fn withdraw(self: Arc<Self>, ctx: ActivityContext, op: MoneyMove) -> Result<Cents, ActivityError> {
        let outcome = self.bank.withdraw(&op.account, op.amount, Some(op.reference_id.clone())).await;
        report(&ctx, &format!("withdraw({} from {})", op.amount, op.account), outcome.map(|r| r.new_balance))
    }

    #[activity]
    pub async fn deposit(self: Arc<Self>, ctx: ActivityContext, op: MoneyMove) -> Result<Cents, ActivityError> {
        let outcome = self.bank.deposit(&op.account, op.amount, Some(op.reference_id.clone())).await;
        report(&ctx, &format!("deposit({} into {})", op.amount, op.account), outcome.map(|r| r.new_balance))
    }
}

/// Logs the attempt and turns a bank error into the right kind of activity error:
/// transient ones are retried by Temporal, business ones (no money, no such account) are not.
fn report(ctx: &ActivityContext, step: &str, outcome: Result<Cents, ClientError>) -> Result<Cents, ActivityError> {
    let attempt = ctx.info().attempt;
    match outcome {
        Ok(balance) => {
            println!("[attempt {attempt}] {step}: ok, balance now {balance}");
            Ok(balance)
        }
        Err(error) if error.is_retryable() => {
            println!("[attempt {attempt}] {step}: failed, Temporal will retry: {error}");
            Err(ActivityError::application(ApplicationFailure::new(error)))
        }
        Err(error) => {
            println!("[attempt {attempt}] {step}: refused, not retrying: {error}");
            let kind = error.code().unwrap_or("unexpected_answer").to_string();
            Err(non_retryable(kind, error))
        }
    }
}

fn non_retryable(kind: String, error: impl Display) -> ActivityError {
    let failure = ApplicationFailure::builder(error.to_string()).type_name(kind).non_retryable(true).build();
    ActivityError::application(failure)
}
