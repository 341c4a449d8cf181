//! Jerry's fraud screen, done right: the fraud team's service is asked, as an activity,
//! before any money moves. Two ways to deploy it while transfers are in flight: as a plain
//! new step (`ScreenFirst`, which replay refuses) or behind a patch (`ScreenBehindPatch`).
//!
//! The new step has its own activity type on purpose: replay compares each step's kind and
//! order, not its input, so swapping the two `check_balance` calls would go unnoticed.

use std::time::Duration;

use contract::{FROM_ACCOUNT, MoneyMove, TO_ACCOUNT, TransferInput, TransferResult};
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{ActivityOptions, WorkflowContext, WorkflowResult};

use crate::activities::BankActivities;

pub struct FraudTeam;

#[activities]
impl FraudTeam {
    /// Refuses accounts on the watch list. A stand-in: replay never runs activities, it
    /// checks which ones the code schedules.
    #[activity]
    pub async fn screen(_ctx: ActivityContext, _account: String) -> Result<(), ActivityError> {
        Ok(())
    }
}

/// The screen as a new first step.
#[workflow]
#[derive(Default)]
pub struct ScreenFirst;

#[workflow_methods]
impl ScreenFirst {
    #[run(name = "Module04TransferWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, input: TransferInput) -> WorkflowResult<TransferResult> {
        set_search_attributes(ctx, &input);
        ctx.execute_activity(FraudTeam::screen, input.from_account.clone(), options()).await?;
        move_money(ctx, input).await
    }
}

/// The screen behind a patch: transfers that started before it skip it.
#[workflow]
#[derive(Default)]
pub struct ScreenBehindPatch;

#[workflow_methods]
impl ScreenBehindPatch {
    #[run(name = "Module04TransferWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, input: TransferInput) -> WorkflowResult<TransferResult> {
        set_search_attributes(ctx, &input);
        // Replaying a history recorded before this patch (the stuck transfers): false. Else true, and recorded.
        if ctx.patched("fraud-screen") {
            ctx.execute_activity(FraudTeam::screen, input.from_account.clone(), options()).await?;
        }
        move_money(ctx, input).await
    }
}

/// The lesson's first step: the search attributes that find a transfer by account.
fn set_search_attributes<W>(ctx: &WorkflowContext<W>, input: &TransferInput) {
    let (from, to) = (input.from_account.clone(), input.to_account.clone());
    ctx.upsert_search_attributes([FROM_ACCOUNT.value_set(from), TO_ACCOUNT.value_set(to)]);
}

/// The lesson's other steps, in its order, without the progress `get_state` reports (replay
/// compares steps only).
async fn move_money<W>(ctx: &WorkflowContext<W>, input: TransferInput) -> WorkflowResult<TransferResult> {
    let TransferInput { from_account: from, to_account: to, amount } = input;
    let id = ctx.workflow_id().to_string();
    ctx.execute_activity(BankActivities::check_balance, from.clone(), options()).await?;
    ctx.execute_activity(BankActivities::check_balance, to.clone(), options()).await?;
    let withdraw = MoneyMove::new(&from, amount, &id, "withdraw");
    let from_new_balance = ctx.execute_activity(BankActivities::withdraw, withdraw, options()).await?;
    let deposit = MoneyMove::new(&to, amount, &id, "deposit");
    let to_new_balance = ctx.execute_activity(BankActivities::deposit, deposit, options()).await?;
    Ok(TransferResult { from_new_balance, to_new_balance })
}

fn options() -> ActivityOptions {
    ActivityOptions::start_to_close_timeout(Duration::from_secs(10))
}
