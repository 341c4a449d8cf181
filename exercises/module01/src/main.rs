//! Module 1: crash-proof. Print 1..10 slowly, kill the program, run it again.
//! Without Temporal it starts over; with Temporal it carries on where it stopped.

mod plain;
mod run;
mod start;
mod worker;
mod workflow;

use clap::{Parser, Subcommand};

/// The task queue the worker listens on and the starter sends work to.
pub const TASK_QUEUE: &str = "print-numbers-task-queue";
/// One fixed id, so running the program again finds the same workflow.
pub const WORKFLOW_ID: &str = "print-numbers-workflow";

#[derive(Parser)]
#[command(
    about = "Module 1: crash-proof. Print 1..10, kill the program, run it again.",
    long_about = "Module 1: crash-proof.\n\nWith no subcommand: runs a worker and starts (or re-attaches to) the \
                  print-numbers workflow, waits for it, then stops the worker. Press Ctrl-C half-way and run \
                  it again: it continues with the next number."
)]
struct Cli {
    #[command(subcommand)]
    program: Option<Program>,
    /// Pause between numbers, in seconds.
    #[arg(long, env = "PRINT_DELAY_SECS", default_value_t = 3, global = true)]
    delay_secs: u64,
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
async fn main() {
    let cli = Cli::parse();
    let outcome = match cli.program {
        Some(Program::Plain) => plain::run(cli.delay_secs).await,
        Some(Program::Worker) => worker::run().await,
        Some(Program::Start) => start::run(cli.delay_secs).await,
        None => run::run(cli.delay_secs).await,
    };
    if let Err(error) = outcome {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
