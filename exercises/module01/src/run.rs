//! The main lesson in one process: a worker plus the starter, stopped when the result is in.

use crate::{start, worker};

pub async fn run(delay_secs: u64) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    println!("Connected to Temporal at {} (namespace {}).", target.address, target.namespace);
    let mut worker = worker::build(client.clone())?;
    let stop_worker = worker.shutdown_handle();

    let starter = async {
        let outcome = tokio::select! {
            result = start::start_and_wait(&client, &target, delay_secs) => Some(result),
            _ = workshop::stop_requested() => None,
        };
        stop_worker(); // either way, this process is done with its worker
        outcome
    };
    let (worker_outcome, starter_outcome) = tokio::join!(worker.run(), starter);
    worker_outcome?;

    match starter_outcome {
        Some(result) => {
            println!("Workflow result: {}", result?);
            println!("Worker stopped. Look at the whole run, with its event history, in the Web UI.");
        }
        None => {
            println!("\nStopped. The workflow is still Running in the server, waiting for a worker.");
            println!("Run `cargo run -p module01` again: it continues with the next number.");
        }
    }
    Ok(())
}
