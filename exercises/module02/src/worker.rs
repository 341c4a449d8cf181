//! The worker: runs the transfer workflow and its bank activities.

use bank::cli::ApiUrlArgs;
use temporalio_client::Client;
use temporalio_sdk::{Worker, WorkerOptions};
use workshop::MODULE02;

use crate::activities::BankActivities;
use crate::workflow::MoneyTransferWorkflow;

pub fn build(client: Client, api: &ApiUrlArgs) -> anyhow::Result<Worker> {
    let options = WorkerOptions::new(MODULE02.task_queue())
        .register_workflow::<MoneyTransferWorkflow>()?
        .register_activities(BankActivities { bank: api.activity_client() })
        .sticky_queue_schedule_to_start_timeout(workshop::FAST_RESUME)
        .build();
    Ok(Worker::new(workshop::runtime()?, client, options)?)
}

/// `module02 worker`: the worker alone, until Ctrl-C.
pub async fn run(api: &ApiUrlArgs) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    let polling = workshop::said::polling(MODULE02.task_queue());
    println!("Worker connected to {target}, {polling}; bank at {}. Ctrl-C stops it.", api.api_url);
    workshop::run_until_ctrl_c(&mut build(client, api)?).await
}
