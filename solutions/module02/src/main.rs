//! Module 2: an unreliable bank API. Move money with a plain script, with hand-written
//! retries, and with Temporal, and see which one survives Real World Mode.

mod account_api;
mod activities;
mod move_money;
mod move_money_retries;
mod reset_db;
mod run;
mod start;
mod worker;
mod workflow;

use bank::Cents;
use bank::cli::{AccountApiArgs, ApiUrlArgs, parse_amount};
use clap::{Args, Parser, Subcommand};

/// The task queue of this module's worker.
pub const TASK_QUEUE: &str = "money-transfer-task-queue";
/// One fixed id: running the program again finds the same transfer.
pub const WORKFLOW_ID: &str = "money-transfer-workflow";

#[derive(Parser)]
#[command(
    about = "Module 2: move money through an unreliable bank API",
    long_about = "Module 2: move money through an unreliable bank API.\n\nWith no subcommand: runs a worker, \
                  starts (or re-attaches to) the money-transfer workflow, and prints a summary. Start the \
                  account API first, in another terminal: cargo run -p module02 -- account-api"
)]
struct Cli {
    #[command(subcommand)]
    program: Option<Program>,
    #[command(flatten)]
    transfer: TransferArgs,
}

/// What to move, and through which API.
#[derive(Args, Debug, Clone)]
pub struct TransferArgs {
    #[arg(long, global = true, default_value = "account_A")]
    pub from: String,
    #[arg(long, global = true, default_value = "account_B")]
    pub to: String,
    /// Dollars, with at most two decimals.
    #[arg(long, global = true, default_value = "100", value_parser = parse_amount)]
    pub amount: Cents,
    #[command(flatten)]
    pub api: ApiUrlArgs,
}

#[derive(Subcommand)]
enum Program {
    /// The bank's account API (port 5000). Real World Mode makes it fail on purpose.
    AccountApi(AccountApiArgs),
    /// Put the balances back to where the module starts.
    ResetDb {
        /// Database file of the account API.
        #[arg(long, env = "BANK_DB")]
        db: Option<std::path::PathBuf>,
    },
    /// A plain script: check, withdraw, deposit. Gives up at the first error.
    MoveMoney,
    /// The same script with hand-written retries: the code you would write without Temporal.
    MoveMoneyRetries,
    /// Only the worker, until Ctrl-C.
    Worker,
    /// Only the starter: start (or re-attach to) the transfer and print the summary.
    Start,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let transfer = cli.transfer;
    let outcome = match cli.program {
        Some(Program::AccountApi(args)) => account_api::run(args).await,
        Some(Program::ResetDb { db }) => reset_db::run(db),
        Some(Program::MoveMoney) => move_money::run(&transfer).await,
        Some(Program::MoveMoneyRetries) => move_money_retries::run(&transfer).await,
        Some(Program::Worker) => worker::run(&transfer.api).await,
        Some(Program::Start) => start::run(&transfer).await,
        None => run::run(&transfer).await,
    };
    if let Err(error) = outcome {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
