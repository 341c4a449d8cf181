//! The program that hosts the Money Transfer UI (`cli::main`, `services::run_all`): the account
//! API, the UI and a worker in one process, as `cargo run -p module03` (or 04) runs it, against
//! a test Temporal server on free ports with a temporary bank. What it does whatever the
//! lesson: refuse bad input, switch the running bank, report a taken port, stop on Ctrl-C, run
//! without its worker. The lessons' own tests (the workflow's Query and search attributes) are
//! in exercises/module03/tests.
//!
//! The program is module 3's binary, the plain host of the UI (module 4's adds Jerry's bugs);
//! `./scripts/test` builds it with every package (alone: `cargo build -p module03` first).

use serde_json::{Value, json};
use testkit::{Program, TestServer, TransferServices, eventually, free_port, workspace_binary};

fn program() -> String {
    workspace_binary("module03").expect("module 3's binary")
}

async fn start(server: &TestServer) -> anyhow::Result<TransferServices> {
    TransferServices::start(&program(), server, &[]).await
}

#[tokio::test]
async fn bad_input_is_refused_and_starts_nothing() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = start(&server).await?;
    let cases = [
        json!({"from_account": "account_A", "to_account": "account_Z", "amount": 10}),
        json!({"from_account": "nobody", "to_account": "account_B", "amount": 10}),
        json!({"from_account": "account_A", "to_account": "account_A", "amount": 10}),
        json!({"from_account": "account_A", "to_account": "account_B", "amount": 0}),
        json!({"from_account": "account_A", "to_account": "account_B", "amount": -5}),
        json!({"from_account": "account_A", "to_account": "account_B", "amount": 1.005}),
        json!({"from_account": "account_A", "to_account": "account_B", "amount": "10"}),
        json!({"from_account": "account_A", "to_account": "account_B"}),
        json!({"from_account": "<script>", "to_account": "account_B", "amount": 10}),
        json!([1, 2]),
    ];
    for body in cases {
        let (status, answer) = ui.post("/api/transfer", body.clone()).await?;
        assert_eq!(status, 400, "{body} -> {answer}");
        assert!(!answer["error"].as_str().unwrap_or_default().is_empty(), "{body} -> {answer}");
    }
    let not_json = ui.http.post(format!("{}/api/transfer", ui.ui_url)).body("amount=5").send().await?;
    assert_eq!(not_json.status().as_u16(), 415, "only JSON is taken: a web page cannot post it cross-site");
    let unknown = ui.http.get(format!("{}/api/nothing-here", ui.ui_url)).send().await?;
    assert_eq!(unknown.status().as_u16(), 404);

    assert_eq!(ui.get("/api/workflows").await?["workflows"], json!([]), "no workflow was started");
    assert_eq!(ui.balance("account_A").await?, 1000.0);
    Ok(())
}

#[tokio::test]
async fn real_world_mode_and_reset_act_on_the_running_bank() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = start(&server).await?;
    let bank_mode = || async {
        let url = format!("{}/admin/real-world-mode", ui.api_url);
        anyhow::Ok(reqwest::get(url).await?.json::<Value>().await?["enabled"].clone())
    };

    assert_eq!(ui.get("/api/real-world-mode").await?["enabled"], false);
    let (status, answer) = ui.post("/api/real-world-mode", json!({"enabled": true})).await?;
    assert_eq!((status, &answer["enabled"]), (200, &json!(true)));
    assert_eq!(bank_mode().await?, true, "the running account API switched, no restart");
    ui.post("/api/real-world-mode", json!({"enabled": false})).await?;
    assert_eq!(bank_mode().await?, false);

    let id = ui.transfer("account_E", "account_J", 300.0).await?;
    ui.wait_until_closed(&id).await?;
    assert_eq!(ui.balance("account_E").await?, 0.0);
    let (status, _) = ui.post("/api/reset", json!({})).await?;
    assert_eq!(status, 200);
    assert_eq!(ui.balance("account_E").await?, 300.0);
    assert_eq!(ui.balance("account_J").await?, 800.0);
    Ok(())
}

#[tokio::test]
async fn a_taken_port_is_reported_clearly() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = taken.local_addr()?.port().to_string();
    let api_port = free_port()?.to_string();
    let dir = testkit::TempDir::new("port")?;
    let db = dir.path().join("bank.db");
    let args = ["--api-port", &api_port, "--ui-port", &port, "--db", db.to_str().unwrap()];
    let mut run = Program::spawn(&program(), &args, &server.program_env())?;
    assert!(!run.wait_exit().await?.success());
    // The program runs in the crate's folder here, as in the lab's terminals.
    let message = format!(
        "port {port} is already in use: is another Money Transfer UI running? Stop it (Ctrl-C in its terminal, or: \
         ../../scripts/free-port {port}), or pass --ui-port to use another port"
    );
    assert!(run.transcript().contains(&message), "{}", run.transcript());
    Ok(())
}

#[tokio::test]
async fn ctrl_c_stops_all_three_cleanly() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let mut ui = start(&server).await?;
    let id = ui.transfer("account_A", "account_B", 1.0).await?;
    ui.wait_until_closed(&id).await?;
    ui.program.interrupt()?;
    let status = ui.program.wait_exit().await?;
    assert!(status.success(), "{}", ui.program.transcript());
    assert!(ui.program.transcript().contains("All stopped"), "{}", ui.program.transcript());
    let refused = reqwest::get(format!("{}/api/accounts", ui.ui_url)).await;
    assert!(refused.is_err(), "the UI port is closed");
    Ok(())
}

/// `--no-worker`: the account API and the UI run, nothing polls the task queue, and a transfer
/// waits; the worker it names, started apart, then completes it. This is how the page lets a
/// learner stop and restart the worker while transfers are in flight.
#[tokio::test]
async fn without_its_worker_a_transfer_waits_until_a_separate_worker_runs_it() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let mut services = TransferServices::start(&program(), &server, &["--no-worker"]).await?;
    let transcript = services.program.transcript();
    assert!(
        !transcript.contains(&format!("Worker {}", workshop::said::WORKER_POLLING)),
        "no worker in this process:\n{transcript}"
    );
    let hint = transcript.lines().find(|l| l.starts_with("No worker (--no-worker)")).expect(&transcript).to_string();
    // The hint names the worker to start, pointed at this bank (not the default port 5000).
    let command = hint.split("Start it with: ").nth(1).expect(&hint);
    let worker_args: Vec<&str> = command.strip_prefix("cargo run -p module03 -- ").expect(command).split(' ').collect();
    assert_eq!(worker_args, ["worker", "--api-url", services.api_url.as_str()]);

    let body = json!({"from_account": "account_A", "to_account": "account_F", "amount": 100});
    let (_, started) = services.post("/api/transfer", body).await?;
    let id = started["workflow_id"].as_str().expect("a workflow id").to_string();
    let path = format!("/api/workflows/{id}");

    // Nobody polls: the transfer's Query goes unanswered, and no money moves. (Its view can
    // answer 404 for a moment right after the start, until the server lists the new
    // workflow: a full run on a quiet machine got there first once.)
    let waiting = eventually("the waiting transfer's view", || async { services.get(&path).await.ok() }).await?;
    assert_eq!(waiting["status"], "RUNNING", "{waiting}");
    let no_worker = "get_state Query failed: no worker answered within 2s: is a worker running? (cargo run -p \
                     module03 -- worker)";
    assert_eq!(waiting["error"], no_worker, "{waiting}");
    assert_eq!(waiting["history_completed_steps"], json!([]), "nothing done yet, says the history: {waiting}");
    assert_eq!(services.balance("account_A").await?, 1000.0);

    let mut worker = Program::spawn(&program(), &worker_args, &server.program_env())?;
    worker.wait_for(&workshop::said::polling(workshop::MODULE03.task_queue())).await?;
    let done = eventually("the transfer to complete on the separate worker", || async {
        let view = services.get(&path).await.ok()?;
        (view["status"] != "RUNNING").then_some(view)
    })
    .await?;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(waiting["amount"], done["amount"], "while no worker ran, the amount came from the history");
    worker.wait_for("withdraw($100.00 from account_A): ok").await?;
    assert_eq!(services.balance("account_A").await?, 900.0);
    assert_eq!(services.balance("account_F").await?, 1000.0);

    // A transfer past its balance checks, retrying its withdrawal, when the worker stops: the
    // history still proves the two checks done, and the view says no worker answers.
    let admin = format!("{}/admin/real-world-mode", services.api_url);
    let failing = json!({"enabled": true, "slow_rate": 0.0, "failure_rate": 1.0});
    reqwest::Client::new().post(&admin).json(&failing).send().await?.error_for_status()?;
    let body = json!({"from_account": "account_B", "to_account": "account_G", "amount": 5});
    let (_, started) = services.post("/api/transfer", body).await?;
    let path = format!("/api/workflows/{}", started["workflow_id"].as_str().expect("a workflow id"));
    eventually("the withdrawal to be retried", || async {
        let view = services.get(&path).await.ok()?;
        (view["pending_activity"]["attempt"].as_i64()? >= 2).then_some(())
    })
    .await?;
    worker.interrupt()?;
    worker.wait_exit().await?;
    let stopped = services.get(&path).await?;
    assert_eq!(stopped["error"], no_worker, "{stopped}");
    assert_eq!(stopped["history_completed_steps"], json!(["check_balance_from", "check_balance_to"]), "{stopped}");

    services.program.interrupt()?;
    services.program.wait_for("All stopped.").await?;
    Ok(())
}
