//! The starter: starts the workflow, or re-attaches to the one already running, and waits.

use temporalio_client::{Client, WorkflowGetResultOptions, WorkflowIdConflictPolicy, WorkflowStartOptions};
use workshop::MODULE01;
use workshop::TemporalTarget;

use crate::workflow::PrintNumbersWorkflow;

/// Starts the print-numbers workflow (or finds the running one) and returns its result.
pub async fn start_and_wait(client: &Client, target: &TemporalTarget, delay_secs: u64) -> anyhow::Result<String> {
    let workflow_id = MODULE01.fixed_workflow_id();
    let already_running = workshop::is_running(client, &workflow_id).await;
    let options = WorkflowStartOptions::new(MODULE01.task_queue(), &workflow_id)
        // Still running from a previous attempt? Use that run instead of failing.
        .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting)
        .build();
    let handle = client.start_workflow(PrintNumbersWorkflow::run, delay_secs, options).await?;
    if already_running {
        println!("Workflow {workflow_id} is already running: re-attaching. Finished numbers are not printed again.");
    } else {
        println!("Started workflow {workflow_id}. Its progress is stored in the Temporal server, not in this process.");
        println!("  Try it: press Ctrl-C part-way, then run the same command again.");
    }
    if let Some(link) = target.workflow_link(&workflow_id) {
        println!("  Watch it in the Web UI: {link}");
    }
    Ok(handle.get_result(WorkflowGetResultOptions::default()).await?)
}

/// `module01 start`: the starter alone; a worker must run elsewhere.
pub async fn run(delay_secs: u64) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    println!("Starting the workflow; the numbers appear in the worker's terminal (`cargo run -p module01 -- worker`).");
    let result = start_and_wait(&client, &target, delay_secs).await?;
    println!("Workflow result: {result}");
    Ok(())
}
