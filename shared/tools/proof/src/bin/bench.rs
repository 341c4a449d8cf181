//! `cargo run --release -p proof --bin bench`: module 3 under measurement, on its own test
//! Temporal server, with the account API, the UI and the worker as separate processes.
//!
//! Prints a table and writes it into `docs/benchmarks.md` between the `bench` markers (the
//! rest of that file, the analysis, is kept). Benchmarks, not tests: nothing here asserts
//! a speed.

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use futures::{StreamExt, TryStreamExt};
use proof::MODULE03;
use proof::binaries::module03_binary;
use proof::load::{LoadReport, LoadSpec, Request};
use serde_json::{Value, json};
use temporalio_client::{Client, WorkflowCountOptions};
use testkit::{Launch, Memory, Program, TempDir, TestServer, free_port};
use workshop::paths::workspace_root;

#[derive(Parser)]
#[command(about = "Benchmarks module 3: listing latency, transfer throughput, account API load, memory")]
struct Args {
    /// Samples per latency median.
    #[arg(long, default_value_t = 21)]
    samples: usize,
    /// Account API load: requests per run (each run also stops after --load-secs).
    #[arg(long, default_value_t = 200_000)]
    requests: usize,
    #[arg(long, default_value_t = 10)]
    load_secs: u64,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Where to put the table (between `<!-- bench:start -->` and `<!-- bench:end -->`);
    /// `-` prints only.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: String,
}

struct Row {
    what: String,
    original: &'static str,
    target: &'static str,
    ours: String,
}

fn ms(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run `cargo run --release -p proof --bin bench` for the real numbers");
    }
    let server = TestServer::start().await?;
    let dir = TempDir::new("bench")?;
    let services = Services::start(&server, &dir).await?;
    let http = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(64).build()?;

    let mut rows = listing_rows(&http, &server.client(), &services.ui_url, args.samples).await?;
    let shape = format!("{} threads × {} connections", args.threads, args.connections);
    rows.extend(load_rows(&services.api_url, &args, &shape).await?);
    rows.extend(memory_rows(&services)?);

    let table = render(&rows, profile, &args, &shape);
    println!("\n{table}");
    if args.out != "-" {
        let path = workspace_root().join(&args.out);
        std::fs::create_dir_all(path.parent().unwrap())?;
        proof::doc_section::write(&path, "bench", &table)?;
        println!("written to {}", path.display());
    }
    drop(services);
    server.shutdown().await?;
    Ok(())
}

/// Module 3's three programs, each a process of its own, as a learner runs them.
struct Services {
    account_api: Program,
    ui: Program,
    worker: Program,
    api_url: String,
    ui_url: String,
}

impl Services {
    async fn start(server: &TestServer, dir: &TempDir) -> anyhow::Result<Services> {
        let binary = module03_binary()?;
        let (api_port, ui_port) = (free_port()?, free_port()?);
        let api_url = format!("http://127.0.0.1:{api_port}");
        let ui_url = format!("http://127.0.0.1:{ui_port}");
        let mut env = server.program_env();
        env.push(("ACCOUNT_API_URL".into(), api_url.clone()));
        let db = dir.path().join("bank.db");
        let api_args = ["account-api", "--port", &api_port.to_string(), "--db", db.to_str().unwrap()];
        let mut account_api = service(&binary, &api_args, &env, dir)?;
        account_api.wait_for(workshop::said::ACCOUNT_API_READY).await?;
        let mut ui = service(&binary, &["ui", "--port", &ui_port.to_string()], &env, dir)?;
        ui.wait_for(workshop::said::UI_READY).await?;
        let mut worker = service(&binary, &["worker"], &env, dir)?;
        worker.wait_for(workshop::said::WORKER_POLLING).await?;
        Ok(Services { account_api, ui, worker, api_url, ui_url })
    }
}

/// Listing latency at 20, 100 and 300 transfers; the batch from 100 to 200 is timed, with the
/// latency of each of its POSTs.
async fn listing_rows(
    http: &reqwest::Client,
    client: &Client,
    ui_url: &str,
    samples: usize,
) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let mut total = 0;
    let mut batch_time = None;
    let mut post_latencies = Vec::new();
    for (target, timed) in [(20, false), (100, false), (200, true), (300, false)] {
        let started = Instant::now();
        let latencies = start_transfers(http, ui_url, total, target - total).await?;
        wait_completed(client, target).await?;
        total = target;
        if timed {
            batch_time = Some(started.elapsed());
            post_latencies = latencies;
            continue;
        }
        let workflows = median_latency(http, &format!("{ui_url}/api/workflows"), samples, target).await?;
        let account = median_latency(http, &format!("{ui_url}/api/accounts/account_A/workflows"), samples, 0).await?;
        let (original, goal) = if target == 300 { ("9.7 s", "< 200 ms") } else { ("", "") };
        rows.push(Row {
            what: format!("GET /api/workflows, {target} transfers (median)"),
            original,
            target: goal,
            ours: ms(workflows),
        });
        rows.push(Row {
            what: format!("GET /api/accounts/account_A/workflows, {target} transfers (median)"),
            original: "",
            target: "",
            ours: ms(account),
        });
        println!(
            "{target} transfers: /api/workflows {} · /api/accounts/account_A/workflows {}",
            ms(workflows),
            ms(account)
        );
    }
    let batch_time = batch_time.context("the timed batch ran")?;
    post_latencies.sort();
    rows.push(Row {
        what: "100 transfers started → all completed (Real World Mode off)".into(),
        original: "≈10 s",
        target: "< 2 s",
        ours: ms(batch_time),
    });
    rows.push(Row {
        what: "POST /api/transfer during that batch (p50 / p99, 32 at a time)".into(),
        original: "53 ms sequential (debug)",
        target: "",
        ours: format!("{} / {}", ms(percentile(&post_latencies, 50.0)), ms(percentile(&post_latencies, 99.0))),
    });
    println!("100 transfers: {}", ms(batch_time));
    Ok(rows)
}

/// The account API under load: a read and an idempotent deposit.
async fn load_rows(api_url: &str, args: &Args, shape: &str) -> anyhow::Result<Vec<Row>> {
    let spec = LoadSpec {
        threads: args.threads,
        connections: args.connections,
        requests: args.requests,
        max_time: Duration::from_secs(args.load_secs),
    };
    let addr = proof::http::addr_of(api_url)?;
    let get = proof::load::run(addr, spec, |_| Request {
        method: "GET",
        target: "/accounts/account_A".into(),
        content_type: None,
        body: Vec::new(),
    })
    .await?;
    let post = proof::load::run(addr, spec, |n| Request {
        method: "POST",
        target: "/accounts/account_B/deposit".into(),
        content_type: Some("application/json"),
        body: format!(r#"{{"amount": 0.01, "reference_id": "bench-{n}"}}"#).into_bytes(),
    })
    .await?;
    let mut rows = Vec::new();
    for (name, report, original) in
        [("GET /accounts/account_A", &get, "690 req/s, p50 47 ms"), ("POST /accounts/account_B/deposit", &post, "")]
    {
        anyhow::ensure!(
            report.failures.is_empty(),
            "{name}: {} requests got no answer: {:?}",
            report.failures.len(),
            &report.failures[..report.failures.len().min(3)]
        );
        rows.push(Row {
            what: format!("account API {name} ({shape})"),
            original,
            target: "> 14,000 req/s",
            ours: load_line(report),
        });
        println!("{name}: {}  statuses {:?}", load_line(report), report.statuses);
    }
    Ok(rows)
}

/// Each program's memory after all of that.
fn memory_rows(services: &Services) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (name, service, original, target) in [
        ("worker", &services.worker, "85 MB", "≤ 30 MB"),
        ("UI", &services.ui, "78 MB", "≤ 20 MB"),
        ("account API", &services.account_api, "33 MB", "≤ 10 MB"),
    ] {
        let Memory { rss_kib, peak_kib } = service.memory()?;
        rows.push(Row {
            what: format!("RSS of the {name} (now / peak)"),
            original,
            target,
            ours: format!("{} / {}", mb(rss_kib), mb(peak_kib)),
        });
    }
    Ok(rows)
}

/// A program whose output goes to `<dir>/<first arg>.log` (as a terminal would show it,
/// without making the benchmark pay for a pipe reader). Killed when dropped.
fn service(binary: &str, args: &[&str], env: &[(String, String)], dir: &TempDir) -> anyhow::Result<Program> {
    let log = dir.path().join(format!("{}.log", args.first().copied().unwrap_or("program")));
    Launch::new(binary).args(args).without_temporal_env().env_remove("RUST_LOG").envs(env).log_to(log).spawn()
}

fn load_line(report: &LoadReport) -> String {
    format!(
        "{:.0} req/s, p50 {}, p99 {} ({} requests)",
        report.per_second(),
        ms(report.percentile(50.0)),
        ms(report.percentile(99.0)),
        report.sent
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(((p / 100.0) * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
}

fn render(rows: &[Row], profile: &str, args: &Args, shape: &str) -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mut text = format!(
        "Measured by `cargo run --release -p proof --bin bench` ({profile} build, {cores} cores, {} samples per median, load {shape} for at most {} s / {} requests).\n\n",
        args.samples, args.load_secs, args.requests
    );
    text.push_str("| Measurement | Original | Target | Ours |\n|---|---|---|---|\n");
    for row in rows {
        text.push_str(&format!("| {} | {} | {} | {} |\n", row.what, row.original, row.target, row.ours));
    }
    text
}

/// Starts `count` $1 transfers through the UI's API, 32 at a time, between pairs that never
/// run dry; returns each POST's latency.
async fn start_transfers(
    http: &reqwest::Client,
    ui: &str,
    first: usize,
    count: usize,
) -> anyhow::Result<Vec<Duration>> {
    let accounts: Vec<&str> = transfer_ui::cli::INITIAL_BALANCES.iter().map(|(id, _)| *id).collect();
    futures::stream::iter(first..first + count)
        .map(|n| {
            let (from, to) = (accounts[n % 10], accounts[(n + 5) % 10]);
            let body = json!({"from_account": from, "to_account": to, "amount": 1});
            async move {
                let sent = Instant::now();
                let answer = http.post(format!("{ui}/api/transfer")).json(&body).send().await?;
                let latency = sent.elapsed();
                anyhow::ensure!(
                    answer.status().is_success(),
                    "transfer {n}: {} {}",
                    answer.status(),
                    answer.text().await.unwrap_or_default()
                );
                Ok(latency)
            }
        })
        .buffer_unordered(32)
        .try_collect()
        .await
}

async fn wait_completed(client: &Client, count: usize) -> anyhow::Result<()> {
    let query = format!("WorkflowType = '{}' AND ExecutionStatus = 'Completed'", MODULE03.workflow_type);
    let guard = Instant::now();
    loop {
        if client.count_workflows(query.clone(), WorkflowCountOptions::default()).await?.count() >= count {
            return Ok(());
        }
        anyhow::ensure!(guard.elapsed() < Duration::from_secs(600), "transfers did not complete");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn median_latency(http: &reqwest::Client, url: &str, samples: usize, expect: usize) -> anyhow::Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..samples {
        let started = Instant::now();
        let body: Value = http.get(url).send().await?.error_for_status()?.json().await?;
        times.push(started.elapsed());
        let listed = body["workflows"].as_array().map_or(0, Vec::len);
        anyhow::ensure!(expect == 0 || listed == expect, "{url} listed {listed}, expected {expect}");
    }
    times.sort();
    Ok(times[samples / 2])
}
