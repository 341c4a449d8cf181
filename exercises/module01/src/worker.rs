//! The worker: runs workflow and activity code for the print-numbers task queue.

use temporalio_client::Client;
use temporalio_sdk::{Worker, WorkerOptions};
use workshop::MODULE01;

use crate::workflow::{PrintActivities, PrintNumbersWorkflow};

/// A worker for this module's task queue.
pub fn build(client: Client) -> anyhow::Result<Worker> {
    let options = WorkerOptions::new(MODULE01.task_queue())
        .register_workflow::<PrintNumbersWorkflow>()?
        .register_activities(PrintActivities)
        // After a crash, let the next worker take over within a second (the default is 10 s).
        .sticky_queue_schedule_to_start_timeout(workshop::FAST_RESUME)
        .build();
    Ok(Worker::new(workshop::runtime()?, client, options)?)
}

/// `module01 worker`: the worker alone, until Ctrl-C.
pub async fn run() -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    println!("Worker connected to {target}, polling task queue {}. Ctrl-C stops it.", MODULE01.task_queue());
    workshop::run_until_ctrl_c(&mut build(client)?).await
}
