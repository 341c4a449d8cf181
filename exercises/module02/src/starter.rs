//! The starter: starts the transfer (or re-attaches to the running one) and waits for it.

use anyhow::bail;
use bank::wire::codes;
use contract::{TransferInput, innermost_message};
use temporalio_client::errors::WorkflowGetResultError;
use temporalio_client::{Client, WorkflowGetResultOptions, WorkflowIdConflictPolicy, WorkflowStartOptions};
use temporalio_sdk::ApplicationFailure;
use workshop::MODULE02;
use workshop::TemporalTarget;

use crate::cli::TransferArgs;
use crate::workflow::{MoneyTransferWorkflow, TransferSummary};

/// Starts the money-transfer workflow (or finds the running one) and waits for its summary.
pub async fn start_and_wait(client: &Client, target: &TemporalTarget, transfer: &TransferArgs) -> anyhow::Result<()> {
    let workflow_id = MODULE02.fixed_workflow_id();
    let already_running = workshop::is_running(client, &workflow_id).await;
    let input =
        TransferInput { from_account: transfer.from.clone(), to_account: transfer.to.clone(), amount: transfer.amount };
    let options = WorkflowStartOptions::new(MODULE02.task_queue(), &workflow_id)
        .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting)
        .build();
    let handle = client.start_workflow(MoneyTransferWorkflow::run, input, options).await?;
    if already_running {
        println!("Transfer {workflow_id} is already running: re-attaching (its own amount and accounts apply).");
    } else {
        println!("Started transfer {workflow_id}: {} from {} to {}.", transfer.amount, transfer.from, transfer.to);
    }
    if let Some(link) = target.workflow_link(&workflow_id) {
        println!("  Watch its attempts in the Web UI: {link}");
    }
    match handle.get_result(WorkflowGetResultOptions::default()).await {
        Ok(summary) => {
            print_summary(summary);
            Ok(())
        }
        Err(WorkflowGetResultError::Failed(failure)) => {
            let mut message = format!("Transfer failed: {}", innermost_message(failure.failure()));
            if failed_for_lack_of_funds(&*failure) {
                message.push_str(&format!("\n{RESET_HINT}"));
            }
            bail!(message)
        }
        Err(other) => bail!("Transfer did not complete: {other}"),
    }
}

/// Earlier steps may have left an account short: say how to start over.
const RESET_HINT: &str = "If an earlier step left the account short, put the balances back where the module \
                          starts: cargo run -p module02 -- reset-db";

/// True when a step was refused for lack of funds (the failure type is the bank's error code).
fn failed_for_lack_of_funds(failure: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(failure), |error| error.source())
        .filter_map(|error| error.downcast_ref::<ApplicationFailure>())
        .any(|failure| failure.type_name() == Some(codes::INSUFFICIENT_FUNDS))
}

fn print_summary(TransferSummary { request, starting_balances: before, final_balances: after }: TransferSummary) {
    println!("\nTransfer of {} completed.", request.amount);
    println!("  {:<12} {:>16} {:>16}", "account", "starting", "final");
    println!("  {:<12} {:>16} {:>16}", request.from_account, before.from.to_string(), after.from.to_string());
    println!("  {:<12} {:>16} {:>16}", request.to_account, before.to.to_string(), after.to.to_string());
}

/// The Temporal version in one process: a worker, and beside it the starter.
pub async fn worker_and_starter(transfer: &TransferArgs) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    println!("Connected to Temporal at {target}; bank at {}.", transfer.api.api_url);
    let starter = start_and_wait(&client, &target, transfer);
    if workshop::run_beside_worker(crate::worker::build(client.clone(), &transfer.api)?, starter).await?.is_none() {
        println!("\nStopped. The transfer is still Running in the server, with its attempt count.");
        println!("Run `cargo run -p module02` again to carry on where it left off.");
    }
    Ok(())
}

/// `module02 start`: the starter alone; a worker must run elsewhere.
pub async fn run(transfer: &TransferArgs) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    start_and_wait(&client, &target, transfer).await
}
