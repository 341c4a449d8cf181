//! The starter: starts the transfer (or re-attaches to the running one) and waits for it.

use temporalio_client::{
    Client, WorkflowDescribeOptions, WorkflowExecutionStatus, WorkflowGetResultOptions, WorkflowIdConflictPolicy,
    WorkflowStartOptions, errors::WorkflowGetResultError,
};
use workshop::TemporalTarget;

use crate::workflow::{MoneyTransferWorkflow, TransferRequest, TransferSummary};
use crate::{TASK_QUEUE, TransferArgs, WORKFLOW_ID};

/// Starts `money-transfer-workflow` (or finds the running one) and waits for its outcome.
pub async fn start_and_wait(
    client: &Client,
    target: &TemporalTarget,
    transfer: &TransferArgs,
) -> anyhow::Result<Result<TransferSummary, WorkflowGetResultError>> {
    let handle = client.get_workflow_handle::<MoneyTransferWorkflow>(WORKFLOW_ID);
    let running = handle
        .describe(WorkflowDescribeOptions::default())
        .await
        .is_ok_and(|d| d.status() == WorkflowExecutionStatus::Running);
    let request = TransferRequest {
        from_account: transfer.from.clone(),
        to_account: transfer.to.clone(),
        amount: transfer.amount,
    };
    let options = WorkflowStartOptions::new(TASK_QUEUE, WORKFLOW_ID)
        .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting)
        .build();
    let handle = client.start_workflow(MoneyTransferWorkflow::run, request, options).await?;
    if running {
        println!("Transfer {WORKFLOW_ID} is already running: re-attaching (its own amount and accounts apply).");
    } else {
        println!("Started transfer {WORKFLOW_ID}: {} from {} to {}.", transfer.amount, transfer.from, transfer.to);
    }
    if let Some(link) = target.workflow_link(WORKFLOW_ID) {
        println!("  Watch its attempts in the Web UI: {link}");
    }
    Ok(handle.get_result(WorkflowGetResultOptions::default()).await)
}

/// Prints the outcome; `Ok(true)` when the money moved.
pub fn report(outcome: Result<TransferSummary, WorkflowGetResultError>) -> bool {
    match outcome {
        Ok(summary) => {
            let TransferSummary { request, starting_balances: before, final_balances: after } = summary;
            println!("\nTransfer of {} completed.", request.amount);
            println!("  {:<12} {:>16} {:>16}", "account", "starting", "final");
            println!("  {:<12} {:>16} {:>16}", request.from_account, before.from.to_string(), after.from.to_string());
            println!("  {:<12} {:>16} {:>16}", request.to_account, before.to.to_string(), after.to.to_string());
            true
        }
        Err(WorkflowGetResultError::Failed(failure)) => {
            println!("\nTransfer failed: {failure}");
            false
        }
        Err(other) => {
            println!("\nTransfer did not complete: {other}");
            false
        }
    }
}

/// `module02 start`: the starter alone; a worker must run elsewhere.
pub async fn run(transfer: &TransferArgs) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    let outcome = start_and_wait(&client, &target, transfer).await?;
    if !report(outcome) {
        std::process::exit(1);
    }
    Ok(())
}
