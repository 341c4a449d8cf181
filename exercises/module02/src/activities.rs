//! Activities: the calls to the bank. They may fail; Temporal retries them. `report`
//! (shared/contract/src/money_move.rs) logs each attempt, returns the balance the bank
//! answered and decides which failures are worth a retry: not the bank's refusals.

use std::sync::Arc;

use bank::{AccountClient, Cents};
use contract::{MoneyMove, report};
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

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
        report(&ctx, &format!("withdraw({} from {})", op.amount, op.account), outcome)
    }

    #[activity]
    pub async fn deposit(self: Arc<Self>, ctx: ActivityContext, op: MoneyMove) -> Result<Cents, ActivityError> {
        let outcome = self.bank.deposit(&op.account, op.amount, Some(op.reference_id.clone())).await;
        report(&ctx, &format!("deposit({} into {})", op.amount, op.account), outcome)
    }
}
