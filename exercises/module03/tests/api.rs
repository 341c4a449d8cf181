//! The Money Transfer API against real servers: module03's own processes, a test Temporal
//! server, free ports, a temporary bank.

use serde_json::{Value, json};
use testkit::{Program, TestServer, TransferServices, eventually, free_port};

const MODULE03: &str = env!("CARGO_BIN_EXE_module03");

struct Ui {
    http: reqwest::Client,
    services: TransferServices,
}

impl Ui {
    async fn start(server: &TestServer) -> anyhow::Result<Self> {
        let services = TransferServices::start(MODULE03, server, &[]).await?;
        Ok(Self { http: reqwest::Client::new(), services })
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self.http.get(format!("{}{path}", self.services.ui_url)).send().await?;
        anyhow::ensure!(response.status().is_success(), "GET {path}: {}", response.status());
        Ok(response.json().await?)
    }

    /// POST with a JSON body; returns the status and the JSON answer.
    async fn post(&self, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
        let response = self.http.post(format!("{}{path}", self.services.ui_url)).json(&body).send().await?;
        Ok((response.status().as_u16(), response.json().await?))
    }

    async fn transfer(&self, from: &str, to: &str, amount: f64) -> anyhow::Result<String> {
        let (status, body) =
            self.post("/api/transfer", json!({"from_account": from, "to_account": to, "amount": amount})).await?;
        anyhow::ensure!(status == 200, "transfer refused: {body}");
        Ok(body["workflow_id"].as_str().unwrap().to_string())
    }

    async fn wait_until_closed(&self, id: &str) -> anyhow::Result<Value> {
        eventually(&format!("{id} to finish"), || async {
            let view = self.get(&format!("/api/workflows/{id}")).await.ok()?;
            (view["status"] != "RUNNING").then_some(view)
        })
        .await
    }

    async fn balance(&self, account: &str) -> anyhow::Result<f64> {
        let accounts = self.get("/api/accounts").await?;
        let found = accounts["accounts"].as_array().unwrap().iter().find(|a| a["account_number"] == account);
        Ok(found.and_then(|a| a["balance"].as_f64()).expect("account listed"))
    }

    /// Talks to the account API directly, as an operator would.
    async fn bank_admin(&self, body: Value) -> anyhow::Result<()> {
        let url = format!("{}/admin/real-world-mode", self.services.api_url);
        let response = self.http.post(url).json(&body).send().await?;
        anyhow::ensure!(response.status().is_success(), "admin: {}", response.status());
        Ok(())
    }
}

#[tokio::test]
async fn a_transfer_completes_and_shows_up_everywhere() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = Ui::start(&server).await?;

    let id = ui.transfer("account_A", "account_F", 100.5).await?;
    assert!(id.starts_with("transfer-"), "{id}");
    let view = ui.wait_until_closed(&id).await?;
    assert_eq!(view["status"], "COMPLETED", "{view}");
    assert_eq!(view["amount"], 100.5);
    assert_eq!(view["result"]["from_new_balance"], 899.5);
    assert_eq!(view["result"]["to_new_balance"], 1000.5);
    assert!(view["web_ui_url"].as_str().unwrap().ends_with(&format!("/workflows/{id}")), "{view}");
    assert_eq!(ui.balance("account_A").await?, 899.5);
    assert_eq!(ui.balance("account_F").await?, 1000.5);

    let listed = ui.get("/api/workflows").await?;
    assert!(listed["workflows"].as_array().unwrap().iter().any(|w| w["workflow_id"] == id.as_str()));
    Ok(())
}

#[tokio::test]
async fn a_running_transfer_reports_its_step_and_retries() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = Ui::start(&server).await?;
    // Every withdraw/deposit fails until we say otherwise (balance reads stay reliable).
    ui.bank_admin(json!({"enabled": true, "slow_rate": 0.0, "failure_rate": 1.0})).await?;

    let id = ui.transfer("account_B", "account_G", 25.0).await?;
    let view = eventually("the withdraw step to be retried", || async {
        let view = ui.get(&format!("/api/workflows/{id}")).await.ok()?;
        (view["pending_activity"]["attempt"].as_i64()? >= 2).then_some(view)
    })
    .await?;
    assert_eq!(view["status"], "RUNNING");
    assert_eq!(view["state"]["current_step"], "withdraw", "{view}");
    assert_eq!(view["state"]["completed_steps"], json!(["check_balance_from", "check_balance_to"]));
    assert_eq!(view["state"]["starting_balances"], json!({"from": 500, "to": 600}));
    assert!(view["pending_activity"]["activity_type"].as_str().unwrap().ends_with("withdraw"), "{view}");
    let failure = view["pending_activity"]["last_failure"].as_str().unwrap_or_default();
    assert!(failure.contains("temporarily unavailable"), "the last failure is shown: {view}");

    ui.bank_admin(json!({"enabled": false})).await?;
    let done = ui.wait_until_closed(&id).await?;
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(ui.balance("account_B").await?, 475.0);
    Ok(())
}

/// Two transfers from one account, both past their balance check before either withdraws:
/// each result shows the balance the bank answered, not the checked balance minus the amount.
#[tokio::test]
async fn new_balances_are_the_banks_with_transfers_in_flight() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = Ui::start(&server).await?;
    ui.bank_admin(json!({"enabled": true, "slow_rate": 0.0, "failure_rate": 1.0})).await?;
    let ids = [ui.transfer("account_A", "account_F", 100.0).await?, ui.transfer("account_A", "account_G", 50.0).await?];
    for id in &ids {
        eventually("both withdrawals to be retried", || async {
            let view = ui.get(&format!("/api/workflows/{id}")).await.ok()?;
            (view["pending_activity"]["attempt"].as_i64()? >= 2).then_some(())
        })
        .await?;
    }
    ui.bank_admin(json!({"enabled": false})).await?;
    let mut from_new_balances = Vec::new();
    for id in &ids {
        let done = ui.wait_until_closed(id).await?;
        assert_eq!(done["status"], "COMPLETED", "{done}");
        from_new_balances.push(done["result"]["from_new_balance"].as_f64().unwrap());
    }
    from_new_balances.sort_by(f64::total_cmp);
    assert_eq!(ui.balance("account_A").await?, 850.0);
    // The first withdrawal left $900 or $950 (whichever came first); the second one, $850.
    assert_eq!(from_new_balances[0], 850.0, "the later withdrawal shows the bank's balance: {from_new_balances:?}");
    assert!([900.0, 950.0].contains(&from_new_balances[1]), "{from_new_balances:?}");
    Ok(())
}

#[tokio::test]
async fn account_history_and_summary_match_what_was_done() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = Ui::start(&server).await?;
    let sent = ui.transfer("account_A", "account_F", 100.5).await?;
    let received = ui.transfer("account_B", "account_A", 20.0).await?;
    let unrelated = ui.transfer("account_C", "account_D", 1.0).await?;
    for id in [&sent, &received, &unrelated] {
        ui.wait_until_closed(id).await?;
    }

    let history = eventually("both transfers in account_A's history", || async {
        let history = ui.get("/api/accounts/account_A/workflows").await.ok()?;
        (history["workflows"].as_array()?.len() == 2).then_some(history)
    })
    .await?;
    let entries = history["workflows"].as_array().unwrap();
    let entry = |id: &str| entries.iter().find(|w| w["workflow_id"] == id).cloned().unwrap();
    assert_eq!(entry(&sent)["direction"], "sent");
    assert_eq!(entry(&sent)["counterparty"], "account_F");
    assert_eq!(entry(&received)["direction"], "received");
    assert_eq!(entry(&received)["counterparty"], "account_B");
    let summary = &history["summary"];
    assert_eq!(summary["total_sent"], 100.5);
    assert_eq!(summary["total_received"], 20);
    assert_eq!(summary["net_change"], -80.5);
    assert_eq!(summary["counts"], json!({"COMPLETED": 2}));
    Ok(())
}

#[tokio::test]
async fn bad_input_is_refused_and_starts_nothing() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = Ui::start(&server).await?;
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
    let not_json = ui.http.post(format!("{}/api/transfer", ui.services.ui_url)).body("amount=5").send().await?;
    assert_eq!(not_json.status().as_u16(), 415, "only JSON is taken: a web page cannot post it cross-site");
    let unknown = ui.http.get(format!("{}/api/nothing-here", ui.services.ui_url)).send().await?;
    assert_eq!(unknown.status().as_u16(), 404);

    assert_eq!(ui.get("/api/workflows").await?["workflows"], json!([]), "no workflow was started");
    assert_eq!(ui.balance("account_A").await?, 1000.0);
    Ok(())
}

#[tokio::test]
async fn real_world_mode_and_reset_act_on_the_running_bank() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = Ui::start(&server).await?;
    let bank_mode = || async {
        let url = format!("{}/admin/real-world-mode", ui.services.api_url);
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
    let mut run = Program::spawn(MODULE03, &args, &server.program_env())?;
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
    let mut ui = Ui::start(&server).await?;
    let id = ui.transfer("account_A", "account_B", 1.0).await?;
    ui.wait_until_closed(&id).await?;
    ui.services.program.interrupt()?;
    let status = ui.services.program.wait_exit().await?;
    assert!(status.success(), "{}", ui.services.program.transcript());
    assert!(ui.services.program.transcript().contains("All stopped"), "{}", ui.services.program.transcript());
    let refused = reqwest::get(format!("{}/api/accounts", ui.services.ui_url)).await;
    assert!(refused.is_err(), "the UI port is closed");
    Ok(())
}
