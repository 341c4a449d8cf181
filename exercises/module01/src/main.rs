//! Module 1: crash-proof. Print 1..10 slowly, kill the program, run it again.
//! Without Temporal it starts over; with Temporal it carries on where it stopped.

mod plain;
mod starter;
mod worker;
mod workflow;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    about = "Module 1: crash-proof. Print 1..10, kill the program, run it again.",
    after_help = "With no subcommand: a worker, and the starter waiting for the workflow's result. \
                  Press Ctrl-C half-way, run it again: it continues with the next number."
)]
struct Cli {
    #[command(subcommand)]
    program: Option<Program>,
    /// Pause between numbers, in seconds.
    #[arg(long, env = "PRINT_DELAY_SECS", default_value_t = 3, global = true)]
    delay_secs: u64,
    #[command(flatten)]
    learner: workshop::learner::LearnerFlag,
}

#[derive(Subcommand)]
enum Program {
    /// No Temporal: print 1..10 with pauses. Stop it and it starts again at 1.
    Plain,
    /// Only the worker: runs print-numbers workflows until Ctrl-C.
    Worker,
    /// Only the starter: starts (or re-attaches to) the workflow and prints its result.
    Start,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    workshop::exit_code(match cli.program {
        Some(Program::Plain) => plain::run(cli.delay_secs).await,
        Some(Program::Worker) => worker::run().await,
        Some(Program::Start) => starter::run(cli.delay_secs).await,
        None => worker_and_starter(cli.delay_secs).await,
    })
}

/// The lesson in one process: a worker, and beside it the starter waiting for the result.
async fn worker_and_starter(delay_secs: u64) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    println!("Connected to Temporal at {target}.");
    let starter = starter::start_and_wait(&client, &target, delay_secs);
    match workshop::run_beside_worker(worker::build(client.clone())?, starter).await? {
        Some(result) => {
            println!("Workflow result: {result}");
            println!("Worker stopped. Look at the whole run, with its event history, in the Web UI.");
        }
        None => {
            println!("\nStopped. The workflow is still Running in the server, waiting for a worker.");
            println!("Run `cargo run -p module01` again: it continues with the next number.");
        }
    }
    Ok(())
}
