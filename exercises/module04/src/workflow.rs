//! Module 3's transfer workflow, plus what Jerry pushed on Friday afternoon. It compiles,
//! and his tests passed. Run a transfer and watch what happens.

use std::time::Duration;

use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ActivityOptions, ApplicationFailure, WorkflowContext, WorkflowContextView, WorkflowResult};
use transfer_ui::{Balances, FROM_ACCOUNT, Step, TO_ACCOUNT, TransferInput, TransferResult, TransferState};
use workshop::activity::MoneyMove;

use crate::activities::BankActivities;

fn step_options() -> ActivityOptions {
    ActivityOptions::start_to_close_timeout(Duration::from_secs(10))
}

#[workflow]
#[derive(Default)]
pub struct TransferWorkflow {
    state: TransferState,
}

#[workflow_methods]
impl TransferWorkflow {
    #[run(name = "Module04TransferWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, input: TransferInput) -> WorkflowResult<TransferResult> {
        let (from, to, amount) = (input.from_account.clone(), input.to_account.clone(), input.amount);
        ctx.upsert_search_attributes([FROM_ACCOUNT.value_set(from.clone()), TO_ACCOUNT.value_set(to.clone())]);
        ctx.state_mut(|s| s.state = TransferState::started(input.clone()));

        ctx.state_mut(|s| s.state.begin(Step::CheckBalanceFrom));
        let from_balance = ctx.execute_activity(BankActivities::check_balance, from.clone(), step_options()).await?;
        ctx.state_mut(|s| s.state.finish(Step::CheckBalanceFrom));

        // Jerry: screen transfers from the fraud team's watch list (accounts 9000 and up).
        let account_number: u32 = from.trim_start_matches("account_").parse().unwrap();
        if account_number >= 9000 {
            return Err(ApplicationFailure::non_retryable(format!("{from} is on the fraud watch list")).into());
        }

        ctx.state_mut(|s| s.state.begin(Step::CheckBalanceTo));
        let to_balance = ctx.execute_activity(BankActivities::check_balance, to.clone(), step_options()).await?;
        ctx.state_mut(|s| {
            s.state.finish(Step::CheckBalanceTo);
            s.state.starting_balances = Some(Balances { from: from_balance, to: to_balance });
        });

        let id = ctx.workflow_id().to_string(); // unique per transfer: the idempotency keys' root
        ctx.state_mut(|s| s.state.begin(Step::Withdraw));
        let withdrawal = MoneyMove { account: from.clone(), amount, reference_id: format!("{id}/withdraw") };
        if let Err(error) = ctx.execute_activity(BankActivities::withdraw, withdrawal, step_options()).await {
            ctx.state_mut(|s| s.state.failed());
            return Err(error.into());
        }
        ctx.state_mut(|s| s.state.finish(Step::Withdraw));

        ctx.state_mut(|s| s.state.begin(Step::Deposit));
        let deposit = MoneyMove { account: to.clone(), amount, reference_id: format!("{id}/deposit") };
        let to_new_balance = match ctx.execute_activity(BankActivities::deposit, deposit, step_options()).await {
            Ok(balance) => balance,
            Err(_) => {
                // The deposit can never succeed: put the money back, then fail.
                let refund = MoneyMove { account: from.clone(), amount, reference_id: format!("{id}/refund") };
                ctx.execute_activity(BankActivities::deposit, refund, step_options()).await?;
                ctx.state_mut(|s| s.state.failed());
                let message = format!("deposit into {to} failed; the {amount} withdrawn from {from} was refunded");
                return Err(ApplicationFailure::non_retryable(message).into());
            }
        };
        ctx.state_mut(|s| s.state.finish(Step::Deposit));

        let result = TransferResult { from_new_balance: from_balance - amount, to_new_balance };
        ctx.state_mut(|s| s.state.completed(result.clone()));
        Ok(result)
    }

    /// Answers "how far along are you?" without changing anything.
    #[query]
    pub fn get_state(&self, _ctx: &WorkflowContextView) -> TransferState {
        self.state.clone()
    }
}
