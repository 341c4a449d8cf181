//! Module 3's page: the services in one process, transfers through the UI's API, Real World
//! Mode switched on the page, the visibility query by hand; then the crash step: the services
//! again without their worker (Real World Mode still on: the bank keeps it), the worker in
//! Terminal 2 stopped while the daily batch retries, the cards as the page quotes them, and
//! the worker started again: every waiting transfer takes its next step within the time the
//! page says, and every transfer of the batch completes, moving its money once.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testkit::pages::{PAGE_ACCOUNT_API_PORT, PAGE_TEMPORAL_ADDRESS, PAGE_UI_PORT, Walk};
use testkit::{Program, TempDir, TestServer, eventually, free_port};

use contract::DAILY_BATCH;
const RUNNING: &str =
    "temporal workflow count --query \"WorkflowType = 'Module03TransferWorkflow' AND ExecutionStatus = 'Running'\"";

/// What a learner does on the page, and the bank's admin switch a test needs besides.
struct Browser {
    http: reqwest::Client,
    ui: String,
    bank: String,
}

impl Browser {
    async fn post(&self, url: String, body: Value) -> anyhow::Result<Value> {
        let response = self.http.post(&url).json(&body).send().await?;
        anyhow::ensure!(response.status().is_success(), "POST {url}: {}", response.status());
        Ok(response.json().await?)
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        Ok(self.http.get(format!("{}{path}", self.ui)).send().await?.error_for_status()?.json().await?)
    }

    async fn get_owned(&self, path: String) -> anyhow::Result<Value> {
        self.get(&path).await
    }

    async fn transfer(&self, from: &str, to: &str, amount: f64) -> anyhow::Result<String> {
        let body = json!({"from_account": from, "to_account": to, "amount": amount});
        let started = self.post(format!("{}/api/transfer", self.ui), body).await?;
        Ok(started["workflow_id"].as_str().expect("a workflow id").to_string())
    }

    /// The page's "Start Daily Batch" button: the five transfers, at once.
    async fn daily_batch(&self) -> anyhow::Result<Vec<String>> {
        let starts = DAILY_BATCH.map(|(from, to)| self.transfer(from, to, 100.0));
        futures::future::try_join_all(starts).await
    }

    /// The page's Real World Mode switch.
    async fn real_world_mode(&self, enabled: bool) -> anyhow::Result<()> {
        self.post(format!("{}/api/real-world-mode", self.ui), json!({"enabled": enabled})).await.map(drop)
    }

    /// Where the page's switch stands.
    async fn real_world_mode_is_on(&self) -> anyhow::Result<bool> {
        Ok(self.get("/api/real-world-mode").await?["enabled"].as_bool().expect("enabled"))
    }

    /// Not on the page: the bank's own admin switch, to make its failures certain.
    async fn bank_failure_rate(&self, failure_rate: f64) -> anyhow::Result<()> {
        let body = json!({"failure_rate": failure_rate, "slow_rate": 0.0});
        self.post(format!("{}/admin/real-world-mode", self.bank), body).await.map(drop)
    }

    async fn statuses(&self, ids: &[String]) -> anyhow::Result<Vec<String>> {
        let mut statuses = Vec::new();
        for id in ids {
            statuses.push(self.get(&format!("/api/workflows/{id}")).await?["status"].as_str().unwrap().to_string());
        }
        Ok(statuses)
    }

    async fn wait_until_completed(&self, ids: &[String]) -> anyhow::Result<()> {
        let statuses = eventually("the transfers to finish", || async {
            let statuses = self.statuses(ids).await.ok()?;
            statuses.iter().all(|s| s != "RUNNING").then_some(statuses)
        })
        .await?;
        assert!(statuses.iter().all(|s| s == "COMPLETED"), "{statuses:?}");
        Ok(())
    }

    async fn balance(&self, account: &str) -> anyhow::Result<f64> {
        let accounts = self.get("/api/accounts").await?;
        let found = accounts["accounts"].as_array().unwrap().iter().find(|a| a["account_number"] == account);
        Ok(found.and_then(|a| a["balance"].as_f64()).expect("account listed"))
    }
}

/// How long after the worker's restart step 4 says every waiting transfer takes its next step
/// ("takes its next step within N s").
fn next_step_bound() -> Duration {
    let page = testkit::pages::Page::load("03-money-transfer-ui");
    let prose = page.body.split("## Step 4").nth(1).expect("a step 4");
    let secs = prose
        .split("takes its next step within ")
        .nth(1)
        .and_then(|rest| rest.split(" s").next())
        .and_then(|n| n.parse().ok())
        .expect("step 4 says \"takes its next step within N s\"");
    Duration::from_secs(secs)
}

/// Waits until `program` has printed, for every transfer of the batch, a line `line(from, to)`.
async fn wait_for_each_transfer(
    program: &Program,
    what: &str,
    line: impl Fn(&str, &str) -> String,
) -> anyhow::Result<()> {
    eventually(what, || async {
        let printed = program.transcript();
        DAILY_BATCH.iter().all(|(from, to)| printed.contains(&line(from, to))).then_some(())
    })
    .await
}

#[tokio::test]
async fn module03_page() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let dir = TempDir::new("module03-page")?;
    let db = dir.path().join("bank.db").display().to_string();
    let (api_port, ui_port) = (free_port()?.to_string(), free_port()?.to_string());
    let browser = Browser {
        http: reqwest::Client::new(),
        ui: format!("http://127.0.0.1:{ui_port}"),
        bank: format!("http://127.0.0.1:{api_port}"),
    };
    let mut walk = Walk::new("03-money-transfer-ui", server.program_env());
    walk.rewrite(PAGE_TEMPORAL_ADDRESS, &server.address());
    walk.rewrite(&format!(":{PAGE_ACCOUNT_API_PORT}"), &format!(":{api_port}"));
    walk.rewrite(&format!(":{PAGE_UI_PORT}"), &format!(":{ui_port}"));
    walk.rewrite("(database bank.db)", &format!("(database {db})"));
    walk.rewrite("https://...", "http://..."); // the lab's Web UI sits behind Instruqt's https proxy
    let services = ["--api-port", &api_port, "--ui-port", &ui_port, "--db", &db];
    let worker_args = ["--api-url", &browser.bank];

    // Steps 1 and 2: everything in one process; a transfer and the daily batch.
    let mut all_in_one = walk.spawn("cargo run -p module03 -- --host 0.0.0.0", &services)?;
    all_in_one.wait_for("Ctrl-C stops everything.").await?;
    walk.skip(
        "../../scripts/stop-services",
        "the hint's command stops every workshop program of the shared target directory, other tests' too \
         (shell_scripts.rs tests it on stand-ins)",
    );
    let first = browser.transfer("account_A", "account_F", 10.0).await?;
    browser.wait_until_completed(&[first]).await?;
    browser.real_world_mode(true).await?; // step 2's switch; it stays on to the end of step 4

    // Step 3: the API's visibility query, by hand.
    let listed = walk.run(
        "temporal workflow list --query \"WorkflowType = 'Module03TransferWorkflow' AND (from_account = 'account_A' \
         OR to_account = 'account_A')\"",
        &[],
    )
    .await?;
    assert_eq!(listed.matches("Completed").count(), 1, "account_A's one transfer:\n{listed}");

    // Step 4: Ctrl-C, then the services without their worker, and the worker apart.
    all_in_one.interrupt()?;
    all_in_one.wait_for("All stopped.").await?;
    walk.record(&all_in_one);
    let mut without_worker = walk.spawn("cargo run -p module03 -- --host 0.0.0.0 --no-worker", &services)?;
    without_worker.wait_for("Ctrl-C stops everything.").await?;
    assert!(without_worker.transcript().contains(transfer_ui::services::REAL_WORLD_MODE_KEPT));
    assert!(browser.real_world_mode_is_on().await?, "the restarted bank kept the page's switch");
    let mut worker = walk.spawn("cargo run -p module03 -- worker", &worker_args)?;
    worker.wait_for(&workshop::said::polling(workshop::MODULE03.task_queue())).await?;

    // The page leaves the moment to stop the worker to the learner ("while some cards still
    // run"), with Real World Mode on. Here every money call fails until then (the bank's admin
    // switch, not the page's), so all five surely are still retrying.
    browser.bank_failure_rate(1.0).await?;
    let batch = browser.daily_batch().await?;
    let withdraw_failed =
        |from: &str, _: &str| format!("withdraw($100.00 from {from}): {}", workshop::said::WILL_RETRY);
    wait_for_each_transfer(&worker, "every withdraw to fail once", withdraw_failed).await?;
    worker.interrupt()?;
    worker.wait_for(workshop::said::WORKER_STOPPED).await?;
    walk.record(&worker);

    // Nothing moves without a worker; the server knows what waits.
    let waiting = walk.run(RUNNING, &[]).await?;
    assert!(waiting.contains("Total: 5"), "{waiting}");
    assert!(browser.real_world_mode_is_on().await?, "the crash happened with Real World Mode on");
    // Each card, as step 4 quotes it: "Waiting for a worker" and the Query's failure, with
    // its accounts and its retries from the server.
    let script = browser.http.get(format!("{}/app.js", browser.ui)).send().await?.text().await?;
    assert!(script.contains("'Waiting for a worker'"), "the card's label for a Query no worker answers");
    let page = testkit::pages::Page::load("03-money-transfer-ui");
    let quoted = "get_state Query failed: no worker answered within 2s";
    assert!(page.body.contains(&format!("**Waiting for a worker** and `{quoted}`")), "step 4 quotes the card");
    let cards = futures::future::try_join_all(batch.iter().map(|id| browser.get_owned(format!("/api/workflows/{id}"))));
    for card in cards.await? {
        assert_eq!(card["status"], "RUNNING", "{card}");
        assert!(card["error"].as_str().unwrap_or_default().starts_with(quoted), "{card}");
        assert!(card["from_account"].is_string(), "the accounts are search attributes: {card}");
        assert!(card["pending_activity"]["last_failure"].is_string(), "the server keeps the retries: {card}");
        walk.saw(&card.to_string());
    }

    // Step 4 switches Real World Mode off while the worker is away: each transfer finishes at
    // its next attempt.
    browser.real_world_mode(false).await?;
    let restarted = Instant::now();
    let worker = walk.spawn("cargo run -p module03 -- worker", &worker_args)?;
    let withdrew = |from: &str, _: &str| format!("withdraw($100.00 from {from}): ok");
    wait_for_each_transfer(&worker, "every waiting transfer's next step", withdrew).await?;
    let next_steps = restarted.elapsed();
    println!("every waiting transfer took its next step {:.1} s after the worker's restart", next_steps.as_secs_f64());
    assert!(next_steps <= next_step_bound(), "{next_steps:?}: more than step 4 says ({:?})", next_step_bound());
    browser.wait_until_completed(&batch).await?;
    let deposited = |_: &str, to: &str| format!("deposit($100.00 into {to}): ok");
    wait_for_each_transfer(&worker, "every deposit in the worker's output", deposited).await?;
    walk.record(&worker);

    // Each transfer moved its money once: account_A sent $10 before and $100 in the batch.
    assert_eq!(browser.balance("account_A").await?, 890.0);
    assert_eq!(browser.balance("account_F").await?, 1010.0);
    assert_eq!(browser.balance("account_E").await?, 200.0);
    assert_eq!(browser.balance("account_J").await?, 900.0);

    without_worker.interrupt()?;
    without_worker.wait_for("All stopped.").await?;
    walk.record(&without_worker);
    walk.finish();
    Ok(())
}
