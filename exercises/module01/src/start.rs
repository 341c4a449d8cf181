//! The starter: starts the workflow, or re-attaches to the one already running, and waits.

use temporalio_client::{
    Client, WorkflowDescribeOptions, WorkflowExecutionStatus, WorkflowGetResultOptions, WorkflowIdConflictPolicy,
    WorkflowStartOptions,
};
use workshop::TemporalTarget;

use crate::workflow::PrintNumbersWorkflow;
use crate::{TASK_QUEUE, WORKFLOW_ID};

/// Starts `print-numbers-workflow` (or finds the running one) and returns its result.
pub async fn start_and_wait(client: &Client, target: &TemporalTarget, delay_secs: u64) -> anyhow::Result<String> {
    let already_running = is_running(client).await;
    let options = WorkflowStartOptions::new(TASK_QUEUE, WORKFLOW_ID)
        // If it is still running from a previous attempt, use that run instead of failing.
        .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting)
        .build();
    let handle = client.start_workflow(PrintNumbersWorkflow::run, delay_secs, options).await?;
    if already_running {
        println!(
            "Workflow {WORKFLOW_ID} is already running: re-attaching. It resumes after the last number \
             it finished; nothing is printed twice."
        );
    } else {
        println!("Started workflow {WORKFLOW_ID}. Its progress is stored in the Temporal server, not in this process.");
        println!("  Try it: press Ctrl-C part-way, then run the same command again.");
    }
    if let Some(link) = target.workflow_link(WORKFLOW_ID) {
        println!("  Watch it in the Web UI: {link}");
    }
    let result = handle.get_result(WorkflowGetResultOptions::default()).await?;
    Ok(result)
}

async fn is_running(client: &Client) -> bool {
    let handle = client.get_workflow_handle::<PrintNumbersWorkflow>(WORKFLOW_ID);
    match handle.describe(WorkflowDescribeOptions::default()).await {
        Ok(description) => description.status() == WorkflowExecutionStatus::Running,
        Err(_) => false, // never started (or not visible): start a new one
    }
}

/// `module01 start`: the starter alone; a worker must run elsewhere.
pub async fn run(delay_secs: u64) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    println!("Starting the workflow; the numbers appear in the worker's terminal (`cargo run -p module01 -- worker`).");
    let result = start_and_wait(&client, &target, delay_secs).await?;
    println!("Workflow result: {result}");
    Ok(())
}
