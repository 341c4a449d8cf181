//! Module 3: a Money Transfer UI. Each transfer is a workflow; the page follows it with a
//! Query and finds an account's transfers through search attributes.

mod activities;
mod bank_setup;
mod worker;
mod workflow;

use bank::cli::{AccountApiArgs, ApiUrlArgs};
use clap::{Parser, Subcommand};
use transfer_ui::TransferModule;
use transfer_ui::services::{ModuleParts, ServicesArgs};

/// This module's names in Temporal (module 4 has its own, so the two never mix).
pub const MODULE: TransferModule = TransferModule {
    name: "module03",
    workflow_type: "Module03TransferWorkflow",
    task_queue: "module03-transfer-task-queue",
};

#[derive(Parser)]
#[command(
    about = "Module 3: a Money Transfer UI over Temporal workflows",
    long_about = "Module 3: a Money Transfer UI over Temporal workflows.\n\nWith no subcommand: starts the account API \
                  (port 5000), the Money Transfer UI (port 5001) and the worker, then open http://localhost:5001."
)]
struct Cli {
    #[command(subcommand)]
    program: Option<Program>,
    #[command(flatten)]
    services: ServicesArgs,
}

#[derive(Subcommand)]
enum Program {
    /// Only the account API (port 5000).
    AccountApi(AccountApiArgs),
    /// Only the Money Transfer UI and its API (port 5001).
    Ui {
        #[command(flatten)]
        ui: transfer_ui::UiArgs,
        #[command(flatten)]
        api: ApiUrlArgs,
    },
    /// Only the worker, until Ctrl-C.
    Worker(ApiUrlArgs),
    /// Put the balances back to where the module starts.
    ResetDb {
        #[arg(long, env = "BANK_DB")]
        db: Option<std::path::PathBuf>,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let outcome = match cli.program {
        None => {
            let parts = ModuleParts {
                module: MODULE,
                initial_balances: bank_setup::INITIAL_BALANCES,
                default_db: &bank_setup::default_db(),
                build_worker: &worker::build,
            };
            transfer_ui::services::run_all(cli.services, parts).await
        }
        Some(Program::AccountApi(args)) => bank_setup::run_account_api(args).await,
        Some(Program::Ui { ui, api }) => transfer_ui::server::run(ui, api, MODULE).await,
        Some(Program::Worker(api)) => worker::run(&api).await,
        Some(Program::ResetDb { db }) => bank_setup::reset(db),
    };
    if let Err(error) = outcome {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}
