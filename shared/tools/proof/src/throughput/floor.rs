//! The floor: a transfer-shaped workflow whose activities do nothing. Same start options,
//! search attributes, payloads and steps as module 3's transfer (two balance checks, a
//! withdraw, a deposit), so what it costs is what the Temporal server costs.

use std::time::Duration;

use bank::Cents;
use contract::{FROM_ACCOUNT, MoneyMove, TO_ACCOUNT, TransferInput, TransferResult};
use temporalio_client::Client;
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{ActivityOptions, Worker, WorkerOptions, WorkflowContext, WorkflowResult};
use workshop::Module;

/// The floor's names in Temporal: its own task queue and type, beside module 3's.
pub const FLOOR: Module = Module::per_transfer("throughput-floor", "throughput-floor", "ThroughputFloorWorkflow");

#[workflow]
#[derive(Default)]
pub struct FloorWorkflow;

#[workflow_methods]
impl FloorWorkflow {
    #[run(name = "ThroughputFloorWorkflow")]
    pub async fn run(ctx: &mut WorkflowContext<Self>, input: TransferInput) -> WorkflowResult<TransferResult> {
        let TransferInput { from_account: from, to_account: to, amount } = input;
        ctx.upsert_search_attributes([FROM_ACCOUNT.value_set(from.clone()), TO_ACCOUNT.value_set(to.clone())]);
        let id = ctx.workflow_id().to_string();
        ctx.execute_activity(NoOpBank::check_balance, from.clone(), options()).await?;
        ctx.execute_activity(NoOpBank::check_balance, to.clone(), options()).await?;
        let withdrawal = MoneyMove::new(&from, amount, &id, "withdraw");
        let from_new_balance = ctx.execute_activity(NoOpBank::withdraw, withdrawal, options()).await?;
        let deposit = MoneyMove::new(&to, amount, &id, "deposit");
        let to_new_balance = ctx.execute_activity(NoOpBank::deposit, deposit, options()).await?;
        Ok(TransferResult { from_new_balance, to_new_balance })
    }
}

fn options() -> ActivityOptions {
    ActivityOptions::start_to_close_timeout(Duration::from_secs(10))
}

/// A bank that answers at once and remembers nothing.
pub struct NoOpBank;

#[activities]
impl NoOpBank {
    #[activity]
    pub async fn check_balance(_ctx: ActivityContext, _account: String) -> Result<Cents, ActivityError> {
        Ok(Cents::dollars(1000))
    }

    #[activity]
    pub async fn withdraw(_ctx: ActivityContext, op: MoneyMove) -> Result<Cents, ActivityError> {
        Ok(Cents::dollars(1000) - op.amount)
    }

    #[activity]
    pub async fn deposit(_ctx: ActivityContext, op: MoneyMove) -> Result<Cents, ActivityError> {
        Ok(Cents::dollars(1000) + op.amount)
    }
}

/// Starts one $1 transfer of the floor, the way the UI starts module 3's; returns its id.
pub async fn start(client: Client, (from, to): (&str, &str)) -> anyhow::Result<String> {
    let input = TransferInput { from_account: from.into(), to_account: to.into(), amount: Cents::dollars(1) };
    contract::start_transfer(&client, &FLOOR, &input).await
}

/// The floor's worker, with the SDK's defaults and the workshop's sticky-queue setting.
pub fn worker(client: Client) -> anyhow::Result<Worker> {
    let options = WorkerOptions::new(FLOOR.task_queue())
        .register_workflow::<FloorWorkflow>()?
        .register_activities(NoOpBank)
        .sticky_queue_schedule_to_start_timeout(workshop::FAST_RESUME)
        .build();
    Ok(Worker::new(workshop::runtime()?, client, options)?)
}
