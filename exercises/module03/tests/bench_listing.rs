//! Benchmark, not a test: how long the page's two heaviest calls take with 300 transfers.
//! Run: `cargo test --release -p module03 --test bench_listing -- --ignored --nocapture`
//! (debug builds work too, slower).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testkit::{TestServer, TransferServices, eventually};

const MODULE03: &str = env!("CARGO_BIN_EXE_module03");
const TRANSFERS: usize = 300;
const SAMPLES: usize = 21;

async fn median_latency(http: &reqwest::Client, url: &str) -> anyhow::Result<(Duration, usize)> {
    let mut times = Vec::new();
    let mut listed = 0;
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let body: Value = http.get(url).send().await?.json().await?;
        times.push(started.elapsed());
        listed = body["workflows"].as_array().map_or(0, Vec::len);
    }
    times.sort();
    Ok((times[SAMPLES / 2], listed))
}

#[tokio::test]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn listing_300_transfers() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let services = TransferServices::start(MODULE03, &server, &[]).await?;
    let http = reqwest::Client::new();
    let ui = services.ui_url.clone();

    let started = Instant::now();
    for i in 0..TRANSFERS {
        let (from, to) = if i % 2 == 0 { ("account_A", "account_B") } else { ("account_B", "account_A") };
        let body = json!({"from_account": from, "to_account": to, "amount": 1});
        let answer = http.post(format!("{ui}/api/transfer")).json(&body).send().await?;
        anyhow::ensure!(answer.status().is_success(), "transfer {i}: {}", answer.status());
    }
    let all_started = started.elapsed();
    eventually("all transfers completed", || async {
        let list: Value = http.get(format!("{ui}/api/workflows")).send().await.ok()?.json().await.ok()?;
        let done = list["workflows"].as_array()?.iter().filter(|w| w["status"] == "COMPLETED").count();
        (done == TRANSFERS).then_some(())
    })
    .await?;
    let all_done = started.elapsed();

    let (workflows, n) = median_latency(&http, &format!("{ui}/api/workflows")).await?;
    let (account, m) = median_latency(&http, &format!("{ui}/api/accounts/account_A/workflows")).await?;
    println!(
        "{TRANSFERS} transfers started in {:.2} s, all completed after {:.2} s",
        all_started.as_secs_f64(),
        all_done.as_secs_f64()
    );
    println!("GET /api/workflows ({n} listed): median {:.1} ms over {SAMPLES}", workflows.as_secs_f64() * 1000.0);
    println!(
        "GET /api/accounts/account_A/workflows ({m} listed): median {:.1} ms over {SAMPLES}",
        account.as_secs_f64() * 1000.0
    );
    Ok(())
}
