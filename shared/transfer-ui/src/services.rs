//! `cargo run -p module03` (and 04): the account API, the Money Transfer UI and the worker
//! in one process, started in order, each checked ready, all stopped by one Ctrl-C. Their log
//! lines are told apart by a label (`account-api |`, `ui |`, `worker |`; see workshop::logging).
//! `--no-worker` leaves the worker out, so that it can run (and be stopped) on its own.

use std::path::Path;

use bank::cli::{AccountApiArgs, ApiUrlArgs, BankArgs};
use bank::{AccountApiConfig, Cents};
use clap::Args;
use temporalio_client::Client;
use temporalio_sdk::Worker;
use tokio::sync::watch;
use web::AllowedHostsArgs;

use workshop::Module;

use crate::UiConfig;

/// The flags of `cargo run -p module03` (or 04) with no subcommand: both servers and the worker.
#[derive(Args, Debug, Clone)]
pub struct ServicesArgs {
    /// Interface for both servers (0.0.0.0 serves the lab's browser tabs).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port of the account API.
    #[arg(long, default_value_t = 5000)]
    pub api_port: u16,
    /// Port of the Money Transfer UI.
    #[arg(long, default_value_t = 5001)]
    pub ui_port: u16,
    /// The bank's database and Real World Mode (the page's toggle switches it at run time).
    #[command(flatten)]
    pub bank: BankArgs,
    /// Both servers answer to these hosts too.
    #[command(flatten)]
    pub allowed: AllowedHostsArgs,
    /// Start only the account API and the UI. Run the worker apart (the `worker`
    /// subcommand), so you can stop and restart it while transfers are in flight.
    #[arg(long)]
    pub no_worker: bool,
}

/// What a module plugs in: its names, its bank, and how to build its worker.
pub struct ModuleParts<'a> {
    /// The module's names in Temporal.
    pub module: Module,
    /// The accounts its bank starts with.
    pub initial_balances: &'a [(&'a str, Cents)],
    /// The bank's database when `--db` is not given.
    pub default_db: &'a Path,
    /// Builds the module's worker on a connected client, its activities calling the account API.
    pub build_worker: &'a dyn Fn(Client, &ApiUrlArgs) -> anyhow::Result<Worker>,
}

/// Runs the account API, the UI and (unless `--no-worker`) the worker in this process until Ctrl-C; prints each one's ready line.
pub async fn run_all(args: ServicesArgs, parts: ModuleParts<'_>) -> anyhow::Result<()> {
    workshop::logging::init();
    let (client, target) = workshop::connect().await?;
    println!("Temporal: {} (namespace {})", target.address, target.namespace);

    let api_args =
        AccountApiArgs { host: args.host.clone(), port: args.api_port, bank: args.bank, allowed: args.allowed.clone() };
    // The balance reads stay reliable here, or the page would be unusable in Real World Mode.
    let config = AccountApiConfig {
        port_flag: "--api-port",
        ..module_bank_config(&api_args, parts.default_db, parts.initial_balances)
    };
    let account_api = bank::bind(&config).await?;
    let api_url = ApiUrlArgs { api_url: format!("http://127.0.0.1:{}", account_api.local_addr().port()) };
    println!("{}", workshop::said::account_api_ready(account_api.url(), workshop::paths::display(&config.db_path)));
    say_if_real_world_mode(&account_api);

    let ui_config = UiConfig {
        host: args.host.clone(),
        port: args.ui_port,
        module: parts.module,
        bank: api_url.client(),
        allowed_hosts: args.allowed.hosts,
        port_flag: "--ui-port",
    };
    let ui = crate::server::bind(ui_config, client.clone(), &target).await?;
    let ui_url = ui.url();

    let worker = if args.no_worker { None } else { Some((parts.build_worker)(client, &api_url)?) };
    match &worker {
        Some(_) => println!("Worker {} task queue {}", workshop::said::WORKER_POLLING, parts.module.task_queue()),
        None => println!(
            "No worker (--no-worker): transfers wait for one on task queue {}. Start it with: {}",
            parts.module.task_queue(),
            worker_command(parts.module, &api_url)
        ),
    }
    let web_ui = target.ui_url.as_deref().unwrap_or("see your cluster");
    println!("\n{}  (Temporal Web UI: {web_ui})", workshop::said::ui_ready(&ui_url));
    println!("Ctrl-C stops everything.\n");

    let (stop, stopped) = watch::channel(false);
    let wait = move |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let api_task = tokio::spawn(account_api.serve(wait(stopped.clone())));
    let ui_task = tokio::spawn(ui.serve(wait(stopped.clone())));
    let worker_result = match worker {
        Some(worker) => run_worker_until_stop(worker).await,
        None => {
            workshop::stop_requested().await;
            println!("\nStopping the UI and the account API...");
            Ok(())
        }
    };
    let _ = stop.send(true);
    worker_result?;
    api_task.await??;
    ui_task.await??;
    println!("All stopped. Transfers that were running wait in Temporal for the next worker.");
    Ok(())
}

/// The bank of modules 3 and 4: balance reads never fail on purpose (the page must load), and
/// Real World Mode, which the page switches, is kept in the database across restarts.
pub fn module_bank_config(
    args: &AccountApiArgs,
    default_db: &Path,
    initial_balances: &[(&str, Cents)],
) -> AccountApiConfig {
    AccountApiConfig { keep_real_world_mode: true, ..args.config(default_db, initial_balances, false, false) }
}

/// A bank that starts in Real World Mode says so: it kept the page's switch from its last run.
pub fn say_if_real_world_mode(account_api: &bank::BoundAccountApi) {
    if account_api.real_world_mode().is_enabled() {
        println!("{REAL_WORLD_MODE_KEPT}");
    }
}

/// What a bank that starts in Real World Mode prints.
pub const REAL_WORLD_MODE_KEPT: &str =
    "Real World Mode is ON (the bank keeps it across restarts; the page's switch turns it off)";

/// Runs the worker until Ctrl-C, then stops it gracefully. It stopping by itself is an error.
async fn run_worker_until_stop(mut worker: Worker) -> anyhow::Result<()> {
    let stop_worker = worker.shutdown_handle();
    let run = worker.run();
    tokio::pin!(run);
    let result = tokio::select! {
        result = &mut run => result,
        _ = workshop::stop_requested() => {
            println!("\nStopping the worker, the UI and the account API...");
            stop_worker();
            run.await
        }
    };
    Ok(result?)
}

/// The command that starts the missing worker against this bank.
fn worker_command(module: Module, api_url: &ApiUrlArgs) -> String {
    let mut command = format!("cargo run -p {} -- worker", module.name);
    // The same learner's task queue, however this program was given the name.
    if let Some(learner) = workshop::learner::current() {
        command.push_str(&format!(" --learner {learner}"));
    }
    match api_url.api_url.as_str() {
        bank::DEFAULT_API_URL => command,
        other => format!("{command} --api-url {other}"),
    }
}
