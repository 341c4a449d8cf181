//! `cargo run -p proof --bin chaos -- --seed 7 --transfers 200`: the chaos run as a demo.
//! Every transfer is asked for through the Money Transfer UI with an Idempotency-Key, while
//! the worker, the account API and the UI are SIGKILLed and the Temporal server restarts.
//! Prints what happens as it happens (one line per fault injected), then the books check;
//! exits non-zero if a cent is off. The Temporal dev server's own output, noisy while it
//! restarts, goes to `target/chaos/temporal-seed-<seed>.log` (the path is printed first).

use clap::Parser;
use proof::chaos::{ChaosConfig, run, summary, verify};

#[derive(Parser)]
#[command(about = "Transfers under kills of the worker, the account API and the UI, a Temporal restart and lost bank \
             responses; then the books check")]
struct Args {
    /// Drives the transfers, the kill times and the bank's Real World Mode dice.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 200)]
    transfers: usize,
    /// How many of them the Money Transfer UI starts right after the Temporal restart.
    #[arg(long, default_value_t = 20)]
    late_transfers: usize,
    /// How many times the worker is SIGKILLed (and restarted).
    #[arg(long, default_value_t = 5)]
    kills: usize,
    /// How many times the account API is SIGKILLed (and restarted on the same database).
    #[arg(long, default_value_t = 3)]
    bank_kills: usize,
    /// How many times the Money Transfer UI is SIGKILLed (and restarted).
    #[arg(long, default_value_t = 3)]
    ui_kills: usize,
    /// Do not restart the Temporal server.
    #[arg(long)]
    no_server_restart: bool,
    /// Share of committed bank changes whose response is lost.
    #[arg(long, default_value_t = 0.1)]
    lost_response_rate: f64,
    /// Share of bank changes that fail with 500 before anything happens.
    #[arg(long, default_value_t = 0.15)]
    failure_rate: f64,
    /// Share of bank changes that hang for --slow-secs, then 504.
    #[arg(long, default_value_t = 0.05)]
    slow_rate: f64,
    #[arg(long, default_value_t = 1)]
    slow_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let config = ChaosConfig {
        transfers: args.transfers,
        late_transfers: args.late_transfers.min(args.transfers),
        worker_kills: args.kills,
        account_api_kills: args.bank_kills,
        ui_kills: args.ui_kills,
        restart_server: !args.no_server_restart,
        lost_response_rate: args.lost_response_rate,
        failure_rate: args.failure_rate,
        slow_rate: args.slow_rate,
        slow_secs: args.slow_secs,
        verbose: true,
        ..ChaosConfig::new(args.seed)
    };
    let outcome = run(&config).await?;
    println!("\n{}", summary(&outcome));
    let problems = verify(&outcome);
    if problems.is_empty() {
        println!(
            "Books check: every transfer closed and started once (one workflow per key), overdrafts moved nothing, \
             each completed transfer is in the ledger once, no cent created or lost."
        );
        Ok(())
    } else {
        for problem in &problems {
            println!("PROBLEM: {problem}");
        }
        anyhow::bail!("{} problem(s) in the books", problems.len())
    }
}
