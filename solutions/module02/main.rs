//! Module 2's solution: Real World Mode switched on in `src/account_api.rs`, the one file a
//! learner changes. Every other file is the exercise's own, compiled from there; a test
//! (tests/drift.rs) keeps this crate root equal to the exercise's `main.rs` but for the paths.

#[path = "src/account_api.rs"]
mod account_api;
#[path = "../../exercises/module02/src/activities.rs"]
mod activities;
#[path = "../../exercises/module02/src/cli.rs"]
mod cli;
#[path = "../../exercises/module02/src/move_money.rs"]
mod move_money;
#[path = "../../exercises/module02/src/move_money_retries.rs"]
mod move_money_retries;
#[path = "../../exercises/module02/src/reset_db.rs"]
mod reset_db;
#[path = "../../exercises/module02/src/starter.rs"]
mod starter;
#[path = "../../exercises/module02/src/worker.rs"]
mod worker;
#[path = "../../exercises/module02/src/workflow.rs"]
mod workflow;

use clap::Parser;

use crate::cli::{Cli, Program};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Cli { program, transfer, .. } = Cli::parse();
    workshop::exit_code(match program {
        Some(Program::AccountApi(args)) => account_api::run(args).await,
        Some(Program::ResetDb { db }) => reset_db::run(db),
        Some(Program::MoveMoney) => move_money::run(&transfer).await,
        Some(Program::MoveMoneyRetries) => move_money_retries::run(&transfer).await,
        Some(Program::Worker) => worker::run(&transfer.api).await,
        Some(Program::Start) => starter::run(&transfer).await,
        None => starter::worker_and_starter(&transfer).await,
    })
}
