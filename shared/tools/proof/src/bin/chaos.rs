//! `cargo run -p proof --bin chaos -- --seed 7 --transfers 200`: the chaos run as a demo.
//! Every transfer is asked for through the Money Transfer UI with an Idempotency-Key, while
//! the worker, the account API and the UI are SIGKILLed, the Temporal server restarts, the
//! network between them is cut or blackholed and the bank's disk fills up. Prints what
//! happens as it happens (one line per fault injected, per outage and heal), then the
//! recovery times and the books check; exits non-zero if a cent is off. The Temporal dev
//! server's own output, noisy while it restarts, goes to `target/chaos/temporal-seed-<seed>.log`
//! (the path is printed first).
//!
//! `--seed 1 --seed 2 --seed 3 --record` runs the seeds one after another and writes the
//! per-seed table into `docs/benchmarks.md` between the `chaos` markers.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use clap::Parser;
use proof::chaos::{ChaosConfig, ChaosOutcome, Link, Outage, recovery_table, run, summary, verify};
use temporalio_client::WorkflowExecutionStatus::{Completed, Failed};

#[derive(Parser)]
#[command(about = "Transfers under kills of the worker, the account API and the UI, a Temporal restart, network \
             partitions, a full bank disk and lost bank responses; then the recovery times and the books check")]
struct Args {
    /// Drives the transfers, the fault times and the bank's Real World Mode dice. Repeat it
    /// to run several seeds, one after another.
    #[arg(long, default_values_t = [1])]
    seed: Vec<u64>,
    #[arg(long, default_value_t = 200)]
    transfers: usize,
    /// How many of them the Money Transfer UI starts right after the Temporal restart.
    #[arg(long, default_value_t = 20)]
    late_transfers: usize,
    /// Seconds over which the other transfers are asked for, while the faults happen.
    #[arg(long, default_value_t = ChaosConfig::new(0).fault_window_secs)]
    window: f64,
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
    /// How many times the worker ↔ Temporal server link is blackholed (5–20 s each): nothing
    /// carried, nobody told; connections caught in it stay silent after the heal.
    #[arg(long, default_value_t = by_default(Outage::Blackhole(Link::WorkerServer)))]
    worker_server_blackholes: usize,
    /// How many times the worker ↔ Temporal server link is cut (connections reset, new ones
    /// refused).
    #[arg(long, default_value_t = by_default(Outage::Cut(Link::WorkerServer)))]
    worker_server_cuts: usize,
    /// How many times the worker ↔ account API link is cut.
    #[arg(long, default_value_t = by_default(Outage::Cut(Link::WorkerBank)))]
    worker_bank_cuts: usize,
    /// How many times the worker ↔ account API link is blackholed.
    #[arg(long, default_value_t = by_default(Outage::Blackhole(Link::WorkerBank)))]
    worker_bank_blackholes: usize,
    /// How many times the UI ↔ Temporal server link is cut.
    #[arg(long, default_value_t = by_default(Outage::Cut(Link::UiServer)))]
    ui_server_cuts: usize,
    /// How many times the UI ↔ Temporal server link is blackholed.
    #[arg(long, default_value_t = by_default(Outage::Blackhole(Link::UiServer)))]
    ui_server_blackholes: usize,
    /// How many times the bank's disk fills up (its database may not grow) for a few seconds.
    #[arg(long, default_value_t = by_default(Outage::DiskFull))]
    disk_fulls: usize,
    /// Share of committed bank changes whose response is lost.
    #[arg(long, default_value_t = ChaosConfig::new(0).lost_response_rate)]
    lost_response_rate: f64,
    /// Share of bank changes that fail with 500 before anything happens.
    #[arg(long, default_value_t = ChaosConfig::new(0).failure_rate)]
    failure_rate: f64,
    /// Share of bank changes that hang for --slow-secs, then 504.
    #[arg(long, default_value_t = ChaosConfig::new(0).slow_rate)]
    slow_rate: f64,
    #[arg(long, default_value_t = 1)]
    slow_secs: u64,
    /// Write the per-seed table into docs/benchmarks.md (between the `chaos` markers).
    #[arg(long)]
    record: bool,
}

fn by_default(outage: Outage) -> usize {
    ChaosConfig::DEFAULT_OUTAGES.iter().find(|(o, _)| *o == outage).map_or(0, |(_, times)| *times)
}

impl Args {
    fn config(&self, seed: u64) -> ChaosConfig {
        let outages = [
            (Outage::Blackhole(Link::WorkerServer), self.worker_server_blackholes),
            (Outage::Cut(Link::WorkerServer), self.worker_server_cuts),
            (Outage::Cut(Link::WorkerBank), self.worker_bank_cuts),
            (Outage::Blackhole(Link::WorkerBank), self.worker_bank_blackholes),
            (Outage::Cut(Link::UiServer), self.ui_server_cuts),
            (Outage::Blackhole(Link::UiServer), self.ui_server_blackholes),
            (Outage::DiskFull, self.disk_fulls),
        ];
        ChaosConfig {
            transfers: self.transfers,
            late_transfers: self.late_transfers.min(self.transfers),
            fault_window_secs: self.window,
            worker_kills: self.kills,
            account_api_kills: self.bank_kills,
            ui_kills: self.ui_kills,
            restart_server: !self.no_server_restart,
            outages: outages.into_iter().filter(|(_, times)| *times > 0).collect(),
            lost_response_rate: self.lost_response_rate,
            failure_rate: self.failure_rate,
            slow_rate: self.slow_rate,
            slow_secs: self.slow_secs,
            verbose: true,
            ..ChaosConfig::new(seed)
        }
    }
}

/// One seed's run, for the table.
struct Row {
    seed: u64,
    outcome: ChaosOutcome,
    problems: usize,
    /// The machine's 1-minute load average before and after.
    load: (String, String),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut rows = Vec::new();
    for seed in args.seed.iter().copied() {
        let before = proof::load_average();
        let outcome = run(&args.config(seed)).await?;
        println!("\n{}", summary(&outcome));
        let problems = verify(&outcome);
        if problems.is_empty() {
            println!(
                "Books check: every transfer closed and started once (one workflow per key), overdrafts moved nothing, \
                 each completed transfer is in the ledger once, no cent created or lost."
            );
        }
        for problem in &problems {
            println!("PROBLEM: {problem}");
        }
        rows.push(Row { seed, problems: problems.len(), outcome, load: (before, proof::load_average()) });
    }
    if rows.len() > 1 {
        println!("\nRecovery over all seeds:");
        for row in &rows {
            print!("seed {}:\n{}", row.seed, recovery_table(&row.outcome));
        }
    }
    if args.record {
        let path = workshop::paths::workspace_root().join("docs/benchmarks.md");
        proof::doc_section::write(&path, "chaos", &table(&rows))?;
        println!("written to {}", path.display());
    }
    let off: usize = rows.iter().map(|row| row.problems).sum();
    anyhow::ensure!(off == 0, "{off} problem(s) in the books");
    Ok(())
}

/// The per-seed table: faults by kind, transfers, recovery p50 / max per outage kind, books.
fn table(rows: &[Row]) -> String {
    let kinds: BTreeSet<Outage> = rows.iter().flat_map(|row| row.outcome.recoveries().into_keys()).collect();
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    let mut text = format!(
        "Measured by `scripts/chaos{} --record` (module 3's {profile} build; 2 cores; seeds one after another). \
         Recovery: from the heal to the next work done over the healed path, read from the histories (p50 / max \
         when an outage happened more than once).\n\n| Seed | Transfers + probes (completed / failed) | Kills, restarts |",
        rows.iter().map(|row| format!(" --seed {}", row.seed)).collect::<String>()
    );
    for kind in &kinds {
        write!(text, " {} |", kind.name()).unwrap();
    }
    text.push_str(" Books | Run | Load (1 min, before → after) |\n|---|---|---|");
    text.push_str(&"---|".repeat(kinds.len() + 3));
    text.push('\n');
    for row in rows {
        let (o, f) = (&row.outcome, &row.outcome.faults);
        write!(
            text,
            "| {} | {} + {} probes ({} / {}) | worker {}×, API {}×, UI {}×, server {}× |",
            row.seed,
            o.planned_transfers(),
            o.probes(),
            o.count(Completed),
            o.count(Failed),
            f.worker_kills,
            f.account_api_kills,
            f.ui_kills,
            f.server_restarts
        )
        .unwrap();
        let recoveries = o.recoveries();
        for kind in &kinds {
            match recoveries.get(kind) {
                Some(times) => write!(text, " {}×: {} |", times.len(), proof::chaos::p50_max(times)).unwrap(),
                None => text.push_str(" – |"),
            }
        }
        let books = if row.problems == 0 { "exact".to_string() } else { format!("{} problems", row.problems) };
        writeln!(
            text,
            " {books} | {:.0} s ({:.0} s storm) | {} → {} |",
            o.elapsed.as_secs_f64(),
            o.storm_ended.as_secs_f64(),
            row.load.0,
            row.load.1
        )
        .unwrap();
    }
    text
}
