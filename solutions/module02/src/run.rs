//! The Temporal version in one process: a worker plus the starter, then a summary.

use crate::{TransferArgs, start, worker};

pub async fn run(transfer: &TransferArgs) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    println!(
        "Connected to Temporal at {} (namespace {}); bank at {}.",
        target.address, target.namespace, transfer.api.api_url
    );
    let mut worker = worker::build(client.clone(), &transfer.api)?;
    let stop_worker = worker.shutdown_handle();

    let starter = async {
        let outcome = tokio::select! {
            outcome = start::start_and_wait(&client, &target, transfer) => Some(outcome),
            _ = workshop::stop_requested() => None,
        };
        stop_worker();
        outcome
    };
    let (worker_outcome, starter_outcome) = tokio::join!(worker.run(), starter);
    worker_outcome?;

    match starter_outcome {
        Some(outcome) => {
            if !start::report(outcome?) {
                std::process::exit(1);
            }
        }
        None => {
            println!("\nStopped. The transfer is still Running in the server, with its attempt count.");
            println!("Run `cargo run -p module02` again to carry on where it left off.");
        }
    }
    Ok(())
}
