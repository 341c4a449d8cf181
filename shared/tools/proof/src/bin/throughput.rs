//! `cargo build -p module03 && cargo run --release -p proof --bin throughput`: how fast one
//! Temporal dev server completes a batch of transfer-shaped workflows, twice in one process
//! and on one server:
//!
//! - the floor: a no-op worker (4 activities that return at once), started by a client;
//! - ours: module 3's debug build as a learner runs it, started through `POST /api/transfer`.
//!
//! Prints both, their ratio, where a workflow's time goes and who used the CPU, and writes
//! them into `docs/benchmarks.md` between the `bench-throughput` markers. A benchmark:
//! nothing here asserts a speed.

use anyhow::Context;
use clap::Parser;
use proof::throughput::batch::{self, Batch};
use proof::throughput::floor;
use proof::throughput::ours::Module03;
use proof::throughput::report::{self, Half, Setup, cpu_line, secs};
use proof::throughput::{accounts, breakdown};
use temporalio_client::{Client, ClientOptions, ConnectionOptions};
use testkit::{TempDir, TestServer};
use workshop::paths::workspace_root;

#[derive(Parser)]
#[command(about = "Throughput: the floor (no-op worker) and module 3 (debug) on one Temporal dev server")]
struct Args {
    /// Workflows per timed batch.
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// Starts in flight at once.
    #[arg(long, default_value_t = 8)]
    window: usize,
    /// Timed batches of each half (alternating floor, ours); the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Run the dev server in memory, as the tests do; by default it keeps a database file,
    /// as the workshop's own dev server does (`.temporal/dev-server.db`).
    #[arg(long)]
    in_memory: bool,
    /// The module03 binary to measure (default: target/debug/module03), e.g. an older build
    /// kept to compare with.
    #[arg(long)]
    module03: Option<String>,
    /// Connect the floor and the watcher with the SDK's defaults (gzip), as before the
    /// workshop tuned its connection: for before/after comparisons.
    #[arg(long)]
    sdk_connection: bool,
    /// Time only one half (`floor` or `ours`), to study it; nothing is written.
    #[arg(long, value_parser = ["floor", "ours"])]
    only: Option<String>,
    /// Where to write the section (between `<!-- bench-throughput:start -->` and `:end -->`);
    /// `-` prints only.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.runs > 0 && args.count > 0 && args.window > 0, "--runs, --count and --window must be > 0");
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build, so the floor's worker is slow; use `cargo run --release -p proof --bin throughput`"
        );
    }
    let state = TempDir::new("throughput-server")?;
    let db_file = (!args.in_memory).then(|| state.path().join("dev-server.db"));
    let server = TestServer::start_on_free_port(db_file, None).await?;
    // Waiting for results and reading histories: a connection of its own, for both halves.
    let watcher = connect(&server, "throughput-watcher", !args.sdk_connection).await?;
    let module03 = Module03::start(&server, args.module03.as_deref()).await?;
    // The floor's worker and starts share one client, as module 3's worker and UI do.
    let floor_client = connect(&server, "throughput-floor", !args.sdk_connection).await?;
    let worker = floor::worker(floor_client.clone())?;

    let processes = [("dev server", server.pid()), ("module03", module03.pid()), ("benchmark", None)];
    let processes = &processes[..];
    let (time_floor, time_ours) = (args.only.as_deref() != Some("ours"), args.only.as_deref() != Some("floor"));
    let job = async {
        let start_floor = |n| floor::start(floor_client.clone(), accounts(n));
        let start_ours = |n| module03.start_transfer(n);
        // Warm-up, untimed: connections, caches and the workers' first polls.
        batch::run(&watcher, processes, args.window, args.window, start_floor).await?;
        batch::run(&watcher, processes, args.window, args.window, start_ours).await?;
        let (mut floors, mut ours) = (Vec::new(), Vec::new());
        for run in 1..=args.runs {
            if time_floor {
                let batch = batch::run(&watcher, processes, args.count, args.window, start_floor).await?;
                println!("run {run}: floor {}  {}", secs(batch.elapsed), cpu_line(&batch));
                floors.push(batch);
            }
            if time_ours {
                let batch = batch::run(&watcher, processes, args.count, args.window, start_ours).await?;
                println!("run {run}: ours {}  {}", secs(batch.elapsed), cpu_line(&batch));
                ours.push(batch);
            }
        }
        anyhow::Ok((floors, ours))
    };
    let (floors, ours) = workshop::run_beside_worker(worker, job).await?.context("interrupted")?;
    let floor = half(&watcher, floors).await?;
    let ours = half(&watcher, ours).await?;
    drop(module03);
    server.shutdown().await?;

    if args.only.is_some() {
        for (name, half) in [("floor", &floor), ("ours", &ours)] {
            if !half.batches.is_empty() {
                println!("{name}: median {}\n{:#?}", secs(half.median()), half.breakdown);
            }
        }
        return Ok(());
    }
    let setup = Setup { count: args.count, window: args.window, in_memory: args.in_memory };
    let section = report::render(&setup, &floor, &ours);
    println!("\n{section}");
    if args.out != "-" {
        let path = workspace_root().join(&args.out);
        proof::doc_section::write(&path, "bench-throughput", &section)?;
        println!("written to {}", path.display());
    }
    Ok(())
}

async fn half(watcher: &Client, batches: Vec<Batch>) -> anyhow::Result<Half> {
    let breakdown = match batches.last() {
        Some(last) => breakdown::of(watcher, &last.workflow_ids).await?,
        None => Default::default(),
    };
    Ok(Half { batches, breakdown })
}

/// A connection of its own to the benchmark's server, set up as the workshop's programs do
/// (`tuned`) or with the SDK's defaults.
async fn connect(server: &TestServer, identity: &str, tuned: bool) -> anyhow::Result<Client> {
    let url: temporalio_client::Url = format!("http://{}", server.address()).parse()?;
    let mut connection = ConnectionOptions::new(url).identity(identity.to_string()).build();
    if tuned {
        workshop::connection::tune_for_loopback(&mut connection);
    }
    // Through temporal-connect, whose crate holds the connection's code (see its lib.rs).
    let connection = temporal_connect::connect(connection).await?;
    Ok(Client::new(connection, ClientOptions::new("default").build())?)
}
