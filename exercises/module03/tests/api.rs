//! Module 3's lesson through the Money Transfer API, against module03's own processes, a test
//! Temporal server, free ports and a temporary bank: the transfer workflow's result, its Query
//! (the step it is on, the retries) and its search attributes (an account's history). What the
//! UI's program does whatever the lesson (bad input, Ctrl-C, a taken port, --no-worker) is
//! tested with it, in shared/transfer-ui/tests/all/program.rs.

use bank::client::STEP_TIMEOUT;
use serde_json::json;
use testkit::history;
use testkit::{TestServer, TransferServices, eventually};

const MODULE03: &str = env!("CARGO_BIN_EXE_module03");

async fn start(server: &TestServer) -> anyhow::Result<TransferServices> {
    TransferServices::start(MODULE03, server, &[]).await
}

#[tokio::test]
async fn a_transfer_completes_and_shows_up_everywhere() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = start(&server).await?;

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

    // Each step gets the timeout the activities' bank calls stop waiting before.
    let timeouts = history::activity_timeouts(&history::events(&server.client(), &id).await?);
    assert!(timeouts.len() >= 2 && timeouts.iter().all(|(_, t)| *t == Some(STEP_TIMEOUT)), "{timeouts:?}");
    Ok(())
}

#[tokio::test]
async fn a_running_transfer_reports_its_step_and_retries() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ui = start(&server).await?;
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
    let ui = start(&server).await?;
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
    let ui = start(&server).await?;
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
