//! Module 2: an unreliable bank API. Move money with a plain script, with hand-written
//! retries, and with Temporal, and see which one survives Real World Mode.

mod account_api;
mod activities;
mod cli;
mod move_money;
mod move_money_retries;
mod reset_db;
mod starter;
mod worker;
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
