//! The programs of this module and their options.

use bank::Cents;
use bank::cli::{AccountApiArgs, ApiUrlArgs, parse_amount};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    about = "Module 2: move money through an unreliable bank API",
    after_help = "With no subcommand: runs a worker, starts (or re-attaches to) the money-transfer workflow \
                  and prints a summary. Start the account API first, in another terminal: \
                  cargo run -p module02 -- account-api"
)]
pub struct Cli {
    #[command(subcommand)]
    pub program: Option<Program>,
    #[command(flatten)]
    pub transfer: TransferArgs,
    #[command(flatten)]
    pub learner: workshop::learner::LearnerFlag,
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
pub enum Program {
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
