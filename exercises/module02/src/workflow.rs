//! The lesson: the same transfer as `move-money`, as a Temporal workflow. Temporal retries
//! each step until it succeeds, remembers which steps are done, and the bank's idempotency
//! keys make a retried step safe.

use std::time::Duration;

use contract::{Balances, MoneyMove, TransferInput, innermost_message};
use serde::{Deserialize, Serialize};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{ActivityOptions, ApplicationFailure, WorkflowContext, WorkflowResult};

use crate::activities::BankActivities;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferSummary {
    pub request: TransferInput,
    pub starting_balances: Balances,
    pub final_balances: Balances,
}

/// Each step may take 10 s. No retry policy is given, so Temporal's default applies: retry
/// forever with exponential backoff, except errors the activity marks non-retryable.
fn step_options() -> ActivityOptions {
    ActivityOptions::start_to_close_timeout(Duration::from_secs(10))
}

#[workflow]
#[derive(Default)]
pub struct MoneyTransferWorkflow;

#[workflow_methods]
impl MoneyTransferWorkflow {
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>, request: TransferInput) -> WorkflowResult<TransferSummary> {
        let (from, to, amount) = (request.from_account.clone(), request.to_account.clone(), request.amount);
        let starting_balances = Balances {
            from: ctx.execute_activity(BankActivities::check_balance, from.clone(), step_options()).await?,
            to: ctx.execute_activity(BankActivities::check_balance, to.clone(), step_options()).await?,
        };

        // The same key on every retry of a step: the bank applies each step at most once.
        let run = format!("{}/{}", ctx.workflow_id(), ctx.run_id());
        let withdrawal = MoneyMove::new(&from, amount, &run, "withdraw");
        ctx.execute_activity(BankActivities::withdraw, withdrawal, step_options()).await?;

        let deposit = MoneyMove::new(&to, amount, &run, "deposit");
        if let Err(error) = ctx.execute_activity(BankActivities::deposit, deposit, step_options()).await {
            // Only a non-retryable error gets here: the deposit can never succeed. Put the money back.
            let refund = MoneyMove::new(&from, amount, &run, "refund");
            ctx.execute_activity(BankActivities::deposit, refund, step_options()).await?;
            // The bank's words, not the "activity failed" wrapper around them.
            let reason = error.failure().map_or_else(|| error.to_string(), innermost_message);
            return Err(ApplicationFailure::non_retryable(format!(
                "deposit into {to} failed ({reason}); the {amount} withdrawn from {from} was refunded"
            ))
            .into());
        }

        let final_balances = Balances {
            from: ctx.execute_activity(BankActivities::check_balance, from, step_options()).await?,
            to: ctx.execute_activity(BankActivities::check_balance, to, step_options()).await?,
        };
        Ok(TransferSummary { request, starting_balances, final_balances })
    }
}
