//! `cargo build -p module03 && cargo run -p proof --bin room`: a room on one Temporal dev
//! server. First the namespace is filled with other learners' workflows (5,000 by default),
//! then for each N of `--learners` (1, 10, 20, 30), N learners' module 3 stacks, each with its own
//! WORKSHOP_LEARNER, ports and bank, start the Daily Batch through their UI and poll the
//! listing as the page does. Per round: time to a completed batch and the listing's latency
//! (p50 and max over every learner's polls), the dev server's CPU and memory. Writes the table
//! into docs/benchmarks.md between the `room` markers. A benchmark: nothing here asserts a speed.

use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use proof::room::learner::Learner;
use proof::room::report::{self, Round};
use proof::throughput::cpu::Snapshot;
use testkit::{Memory, TempDir, TestServer};
use workshop::paths::workspace_root;

#[derive(Parser)]
#[command(
    about = "A room on one dev server: N learners' module 3 doing the Daily Batch beside other learners' workflows"
)]
struct Args {
    /// How many learners at once, one round each (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [1, 10, 20, 30])]
    learners: Vec<usize>,
    /// Workflows of other learners started in the namespace before the first round.
    #[arg(long, default_value_t = 5000)]
    others: usize,
    /// Polls of the listing after a learner's batch completed.
    #[arg(long, default_value_t = 5)]
    polls_after: usize,
    /// Where to write the table (between `<!-- room:start -->` and `<!-- room:end -->`); `-`
    /// prints only.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: String,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    workshop::exit_code(run(Args::parse()).await)
}

async fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        !args.learners.is_empty() && args.learners.iter().all(|&n| n > 0),
        "--learners takes whole numbers above 0, e.g. --learners 1,10,30"
    );
    let module03 = proof::binaries::module03_binary()?;
    let server = TestServer::start().await?;
    let client = server.client();

    let filling = Instant::now();
    proof::room::fill::others(&client, args.others, 100).await.context("filling the namespace")?;
    let filled = filling.elapsed();
    println!("{} other learners' workflows started in {:.1} s", args.others, filled.as_secs_f64());

    let mut rounds = Vec::new();
    let mut others = args.others;
    for (round, &n) in args.learners.iter().enumerate() {
        let dir = TempDir::new("room-bench")?;
        let mut learners = Vec::new();
        for i in 0..n {
            learners.push(Learner::start(&module03, &server, &format!("r{round}-learner-{i}"), dir.path()).await?);
        }
        let processes = [("dev server", server.pid())];
        let before = Snapshot::take(&processes);
        let started = Instant::now();
        let batches = learners.iter().map(|learner| learner.daily_batch(args.polls_after));
        let outcomes = futures::future::try_join_all(batches).await?;
        let (wall, cpu) = (started.elapsed(), Snapshot::take(&processes).since(&before));
        let rss =
            |pid: Option<u32>| pid.and_then(|pid| Memory::of(pid).ok()).map_or(0.0, |m| m.rss_kib as f64 / 1024.0);
        let module03_rss = learners.iter().map(|learner| rss(learner.program.pid())).sum::<f64>() / n as f64;
        let result = Round {
            learners: n,
            others,
            outcomes,
            server_cpu: cpu.processes[0].1,
            machine_cpu: cpu.machine,
            wall,
            server_rss_mib: rss(server.pid()),
            module03_rss_mib: module03_rss,
        };
        println!("{}", report::render(std::slice::from_ref(&result), cores(), filled).lines().last().unwrap_or(""));
        rounds.push(result);
        others += 5 * n;
        drop(learners);
    }
    server.shutdown().await?;

    let section = report::render(&rounds, cores(), filled);
    println!("\n{section}");
    if args.out != "-" {
        let path = workspace_root().join(&args.out);
        proof::doc_section::write(&path, "room", &section)?;
        println!("written to {}", path.display());
    }
    Ok(())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
