//! Records the histories that tests/replay.rs replays. Ignored by `cargo test`: run it with
//! `scripts/record-replay-fixtures` (its --help says when), then commit tests/fixtures/.
//!
//! It runs the exercise as a learner does (`module04`: account API, Money Transfer UI and
//! Jerry's worker) against an isolated dev server, starts transfers through the UI's API,
//! and saves each history once Jerry's panic has failed its workflow task.

use serde_json::{Value, json};
use temporalio_client::WorkflowHistory;
use temporalio_common::protos::temporal::api::history::v1::History;
use testkit::history::{self, Event};
use testkit::{TestServer, TransferServices, eventually};

/// From, to, dollars: a few transfers, so the fixtures stay small.
const TRANSFERS: [(&str, &str, u32); 3] =
    [("account_A", "account_F", 100), ("account_B", "account_G", 50), ("account_C", "account_H", 25)];

#[tokio::test]
#[ignore = "writes tests/fixtures/: run scripts/record-replay-fixtures"]
async fn record_jerrys_stuck_transfers() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let client = server.client();
    let services = TransferServices::start(env!("CARGO_BIN_EXE_module04"), &server, &[]).await?;
    let http = reqwest::Client::new();

    let mut recorded = Vec::new();
    for (from, to, dollars) in TRANSFERS {
        let body = json!({ "from_account": from, "to_account": to, "amount": dollars });
        let request = http.post(format!("{}/api/transfer", services.ui_url)).json(&body);
        let reply: Value = request.send().await?.error_for_status()?.json().await?;
        let id = reply["workflow_id"].as_str().ok_or_else(|| anyhow::anyhow!("no workflow_id in {reply}"))?;
        let events = eventually("Jerry's panic to fail a workflow task", || async {
            let events = history::events(&client, id).await.ok()?;
            (history::count(&events, Event::WorkflowTaskFailed) > 0).then_some(events)
        })
        .await?;
        let failures = history::workflow_task_failures(&events);
        assert!(failures.iter().all(|f| f.contains("ParseIntError")), "not Jerry's panic: {failures:?}");

        // The SDK's own JSON: what `WorkflowHistory::from_json` reads back. Pretty, for reviews.
        let json = WorkflowHistory::from(History { events }).to_json().await?;
        let pretty = serde_json::to_string_pretty(&serde_json::from_slice::<Value>(&json)?)? + "\n";
        recorded.push((format!("{from}-to-{to}.json"), pretty));
        println!("recorded {id} ({from} -> {to}, ${dollars})");
    }

    // Replace the old files only once every transfer is recorded.
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    if fixtures.exists() {
        std::fs::remove_dir_all(&fixtures)?;
    }
    std::fs::create_dir_all(&fixtures)?;
    for (name, json) in recorded {
        std::fs::write(fixtures.join(&name), json)?;
        println!("wrote tests/fixtures/{name}");
    }
    Ok(())
}
