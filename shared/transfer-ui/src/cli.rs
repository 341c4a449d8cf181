//! The command line of modules 3 and 4: the same programs, flags and environment in both.

use std::path::PathBuf;
use std::process::ExitCode;

use bank::Cents;
use bank::cli::{AccountApiArgs, ApiUrlArgs};
use clap::{Parser, Subcommand};
use temporalio_client::Client;
use temporalio_sdk::Worker;

use crate::services::{ModuleParts, ServicesArgs};
use workshop::Module;

/// The ten accounts of modules 3 and 4.
pub const INITIAL_BALANCES: &[(&str, Cents)] = &[
    ("account_A", Cents::dollars(1000)),
    ("account_B", Cents::dollars(500)),
    ("account_C", Cents::dollars(750)),
    ("account_D", Cents::dollars(1200)),
    ("account_E", Cents::dollars(300)),
    ("account_F", Cents::dollars(900)),
    ("account_G", Cents::dollars(600)),
    ("account_H", Cents::dollars(1500)),
    ("account_I", Cents::dollars(400)),
    ("account_J", Cents::dollars(800)),
];

#[derive(Parser)]
#[command(after_help = "With no subcommand: starts the account API (port 5000), the Money Transfer UI \
                        (port 5001) and, unless --no-worker, the worker; then open http://localhost:5001.")]
struct Cli {
    #[command(subcommand)]
    program: Option<Program>,
    #[command(flatten)]
    services: ServicesArgs,
    #[command(flatten)]
    learner: workshop::learner::LearnerFlag,
}

#[derive(Subcommand)]
enum Program {
    /// Only the account API (port 5000).
    AccountApi(AccountApiArgs),
    /// Only the Money Transfer UI and its API (port 5001).
    Ui {
        #[command(flatten)]
        ui: crate::UiArgs,
        #[command(flatten)]
        api: ApiUrlArgs,
    },
    /// Only the worker, until Ctrl-C.
    Worker(ApiUrlArgs),
    /// Put the balances back to where the module starts.
    ResetDb {
        #[arg(long, env = "BANK_DB")]
        db: Option<PathBuf>,
    },
}

/// Parses the command line and runs the chosen program.
pub async fn main(
    module: Module,
    about: &'static str,
    build_worker: fn(Client, &ApiUrlArgs) -> anyhow::Result<Worker>,
) -> ExitCode {
    use clap::CommandFactory;
    let matches = Cli::command().about(about).name(module.name).get_matches();
    let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let default_db = workshop::paths::workspace_root().join(module.bank_db());
    let outcome = match cli.program {
        None => {
            let parts = ModuleParts {
                module,
                initial_balances: INITIAL_BALANCES,
                default_db: &default_db,
                build_worker: &build_worker,
            };
            crate::services::run_all(cli.services, parts).await
        }
        Some(Program::AccountApi(args)) => run_account_api(args, &default_db).await,
        Some(Program::Ui { ui, api }) => crate::server::run(ui, api, module).await,
        Some(Program::Worker(api)) => run_worker(module, build_worker, &api).await,
        Some(Program::ResetDb { db }) => reset(db.unwrap_or(default_db)),
    };
    workshop::exit_code(outcome)
}

/// The account API alone, as `module_bank_config` makes it.
async fn run_account_api(args: AccountApiArgs, default_db: &std::path::Path) -> anyhow::Result<()> {
    workshop::logging::init();
    let config = crate::services::module_bank_config(&args, default_db, INITIAL_BALANCES);
    let api = bank::bind(&config).await?;
    println!(
        "{}. Ctrl-C stops it.",
        workshop::said::account_api_ready(api.url(), workshop::paths::display(&config.db_path))
    );
    crate::services::say_if_real_world_mode(&api);
    api.serve(workshop::stop_requested()).await
}

async fn run_worker(
    module: Module,
    build: fn(Client, &ApiUrlArgs) -> anyhow::Result<Worker>,
    api: &ApiUrlArgs,
) -> anyhow::Result<()> {
    let (client, target) = workshop::connect().await?;
    let mut worker = build(client, api)?;
    let polling = workshop::said::polling(module.task_queue());
    println!("Worker on {} {polling}; bank at {}. Ctrl-C stops it.", target.address, api.api_url);
    workshop::run_until_ctrl_c(&mut worker).await
}

fn reset(path: PathBuf) -> anyhow::Result<()> {
    let bank = bank::Bank::open(&path, INITIAL_BALANCES)?;
    bank.reset()?;
    println!("Balances reset in {}.", workshop::paths::display(&path));
    Ok(())
}
