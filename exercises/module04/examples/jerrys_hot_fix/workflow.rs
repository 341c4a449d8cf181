//! Module 4's transfer workflow with Jerry's hot fix for his panic: the parse error becomes
//! a returned error, which fails the workflow itself (see ../main.rs).

use std::time::Duration;

use contract::{Balances, FROM_ACCOUNT, MoneyMove, Step, TO_ACCOUNT, TransferInput, TransferResult, TransferState};
use temporalio_common::data_converters::TemporalDeserializable;
use temporalio_common::{ActivityDefinition, RetryPolicy};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ActivityExecutionError, ActivityOptions, ApplicationFailure, WorkflowContext};
use temporalio_sdk::{WorkflowContextView, WorkflowResult};

use crate::activities::BankActivities;

#[workflow]
#[derive(Default)]
pub struct TransferWorkflow {
    state: TransferState,
}

#[workflow_methods]
impl TransferWorkflow {
    #[run(name = "Module04TransferWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, input: TransferInput) -> WorkflowResult<TransferResult> {
        let TransferInput { from_account: from, to_account: to, amount } = input.clone();
        ctx.upsert_search_attributes([FROM_ACCOUNT.value_set(from.clone()), TO_ACCOUNT.value_set(to.clone())]);
        ctx.state_mut(|s| s.state = TransferState::started(input));
        let id = ctx.workflow_id().to_string(); // unique per transfer: the root of its idempotency keys

        let from_balance = step(ctx, Step::CheckBalanceFrom, BankActivities::check_balance, from.clone()).await?;
        // Jerry: screen transfers from the fraud team's watch list (accounts 9000 and up).
        // Jerry's hot fix: "no more panics, a clean error instead".
        let account_number: u32 = from
            .trim_start_matches("account_")
            .parse()
            .map_err(|e| ApplicationFailure::non_retryable(format!("{from} has no account number ({e})")))?;
        if account_number >= 9000 {
            return Err(ApplicationFailure::non_retryable(format!("{from} is on the fraud watch list")).into());
        }
        let to_balance = step(ctx, Step::CheckBalanceTo, BankActivities::check_balance, to.clone()).await?;
        ctx.state_mut(|s| s.state.starting_balances = Some(Balances { from: from_balance, to: to_balance }));

        let withdrawal = MoneyMove::new(&from, amount, &id, "withdraw");
        let from_new_balance = step(ctx, Step::Withdraw, BankActivities::withdraw, withdrawal).await?;
        let deposit = MoneyMove::new(&to, amount, &id, "deposit");
        let Ok(to_new_balance) = step(ctx, Step::Deposit, BankActivities::deposit, deposit).await else {
            // Only a final refusal gets here: the deposit can never succeed. Put the money back.
            let refund = MoneyMove::new(&from, amount, &id, "refund");
            ctx.execute_activity(BankActivities::deposit, refund, step_options()).await?;
            let message = format!("deposit into {to} failed; the {amount} withdrawn from {from} was refunded");
            return Err(ApplicationFailure::non_retryable(message).into());
        };

        let result = TransferResult { from_new_balance, to_new_balance };
        ctx.state_mut(|s| s.state.completed(result.clone()));
        Ok(result)
    }

    /// Answers "how far along are you?" without changing anything.
    #[query]
    pub fn get_state(&self, _ctx: &WorkflowContextView) -> TransferState {
        self.state.clone()
    }
}

/// Runs one step of the transfer as an activity, and records it in the state `get_state` returns.
async fn step<A>(
    ctx: &WorkflowContext<TransferWorkflow>,
    step: Step,
    activity: A,
    input: A::Input,
) -> Result<A::Output, ActivityExecutionError>
where
    A: ActivityDefinition,
    A::Output: TemporalDeserializable,
{
    ctx.state_mut(|s| s.state.begin(step));
    let outcome = ctx.execute_activity(activity, input, step_options()).await;
    ctx.state_mut(|s| if outcome.is_ok() { s.state.finish(step) } else { s.state.failed() });
    outcome
}

/// Each attempt of a step may take 10 s. Temporal retries a failed step until it succeeds or
/// the activity says a retry cannot help, waiting longer after each failure (1 s, 2 s, 4 s…),
/// here never more than 10 s: someone is watching the transfer, and a fix should show at once.
fn step_options() -> ActivityOptions {
    let retries = RetryPolicy::builder().maximum_interval(Duration::from_secs(10)).build();
    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(10)).retry_policy(retries).build()
}
