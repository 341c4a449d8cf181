//! The worker for this module's task queue.

use bank::cli::ApiUrlArgs;
use temporalio_client::Client;
use temporalio_sdk::{Worker, WorkerOptions};
use workshop::MODULE03;

use crate::activities::BankActivities;
use crate::workflow::TransferWorkflow;

pub fn build(client: Client, api: &ApiUrlArgs) -> anyhow::Result<Worker> {
    let options = WorkerOptions::new(MODULE03.task_queue())
        .register_workflow::<TransferWorkflow>()?
        .register_activities(BankActivities { bank: api.activity_client() })
        .sticky_queue_schedule_to_start_timeout(workshop::FAST_RESUME)
        .build();
    Ok(Worker::new(workshop::runtime()?, client, options)?)
}
