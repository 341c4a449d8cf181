//! `module03 --no-worker`: the account API and the UI run, nothing polls the task queue, and a
//! transfer waits; the worker it names, started apart, then completes it. This is how the page
//! lets a learner stop and restart the worker while transfers are in flight.

use serde_json::{Value, json};
use testkit::{Program, TestServer, TransferServices, eventually};

const MODULE03: &str = env!("CARGO_BIN_EXE_module03");

async fn get(url: &str) -> anyhow::Result<Value> {
    let response = reqwest::get(url).await?;
    anyhow::ensure!(response.status().is_success(), "GET {url}: {}", response.status());
    Ok(response.json().await?)
}

async fn balance(services: &TransferServices, account: &str) -> anyhow::Result<f64> {
    let accounts = get(&format!("{}/api/accounts", services.ui_url)).await?;
    let found = accounts["accounts"].as_array().unwrap().iter().find(|a| a["account_number"] == account);
    Ok(found.and_then(|a| a["balance"].as_f64()).expect("account listed"))
}

/// Starts a transfer from the UI's API; returns the URL of its view.
async fn transfer(services: &TransferServices, from: &str, to: &str, dollars: u32) -> anyhow::Result<String> {
    let body = json!({"from_account": from, "to_account": to, "amount": dollars});
    let started: Value = reqwest::Client::new()
        .post(format!("{}/api/transfer", services.ui_url))
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    let id = started["workflow_id"].as_str().expect("a workflow id");
    Ok(format!("{}/api/workflows/{id}", services.ui_url))
}

#[tokio::test]
async fn without_its_worker_a_transfer_waits_until_a_separate_worker_runs_it() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let mut services = TransferServices::start(MODULE03, &server, &["--no-worker"]).await?;
    let transcript = services.program.transcript();
    assert!(!transcript.contains("Worker polling"), "no worker in this process:\n{transcript}");
    let hint = transcript.lines().find(|l| l.starts_with("No worker (--no-worker)")).expect(&transcript).to_string();
    // The hint names the worker to start, pointed at this bank (not the default port 5000).
    let command = hint.split("Start it with: ").nth(1).expect(&hint);
    let worker_args: Vec<&str> = command.strip_prefix("cargo run -p module03 -- ").expect(command).split(' ').collect();
    assert_eq!(worker_args, ["worker", "--api-url", services.api_url.as_str()]);

    let url = transfer(&services, "account_A", "account_F", 100).await?;

    // Nobody polls: the transfer's Query goes unanswered, and no money moves.
    let waiting = get(&url).await?;
    assert_eq!(waiting["status"], "RUNNING", "{waiting}");
    let no_worker = "get_state Query failed: no worker answered within 2s: is a worker running? (cargo run -p \
                     module03 -- worker)";
    assert_eq!(waiting["error"], no_worker, "{waiting}");
    assert_eq!(waiting["history_completed_steps"], json!([]), "nothing done yet, says the history: {waiting}");
    assert_eq!(balance(&services, "account_A").await?, 1000.0);

    let mut worker = Program::spawn(MODULE03, &worker_args, &server.program_env())?;
    worker.wait_for("polling module03-transfer-task-queue").await?;
    let done = eventually("the transfer to complete on the separate worker", || async {
        let view = get(&url).await.ok()?;
        (view["status"] != "RUNNING").then_some(view)
    })
    .await?;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(waiting["amount"], done["amount"], "while no worker ran, the amount came from the history");
    worker.wait_for("withdraw($100.00 from account_A): ok").await?;
    assert_eq!(balance(&services, "account_A").await?, 900.0);
    assert_eq!(balance(&services, "account_F").await?, 1000.0);

    // A transfer past its balance checks, retrying its withdrawal, when the worker stops: the
    // history still proves the two checks done, and the view says no worker answers.
    let admin = format!("{}/admin/real-world-mode", services.api_url);
    let failing = json!({"enabled": true, "slow_rate": 0.0, "failure_rate": 1.0});
    reqwest::Client::new().post(&admin).json(&failing).send().await?.error_for_status()?;
    let url = transfer(&services, "account_B", "account_G", 5).await?;
    eventually("the withdrawal to be retried", || async {
        let view = get(&url).await.ok()?;
        (view["pending_activity"]["attempt"].as_i64()? >= 2).then_some(())
    })
    .await?;
    worker.interrupt()?;
    worker.wait_exit().await?;
    let stopped = get(&url).await?;
    assert_eq!(stopped["error"], no_worker, "{stopped}");
    assert_eq!(stopped["history_completed_steps"], json!(["check_balance_from", "check_balance_to"]), "{stopped}");

    services.program.interrupt()?;
    services.program.wait_for("All stopped.").await?;
    Ok(())
}
