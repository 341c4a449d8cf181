//! `POST /api/transfer` with an `Idempotency-Key`: the key names the transfer, so sending it
//! again (a double click, a retry after a lost answer, even after the transfer completed)
//! returns the same workflow id and starts nothing; the same key for another transfer is a
//! 422; a malformed key a 400; without the header every POST is a new transfer.

use serde_json::{Value, json};
use temporalio_client::{Client, WorkflowCountOptions, WorkflowExecutionStatus};
use testkit::{TestServer, TransferServices, eventually, workspace_binary};

struct Ui {
    http: reqwest::Client,
    url: String,
}

impl Ui {
    async fn post(&self, key: Option<&str>, body: &Value) -> anyhow::Result<(u16, Value)> {
        let mut request = self.http.post(format!("{}/api/transfer", self.url)).json(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let answer = request.send().await?;
        Ok((answer.status().as_u16(), answer.json().await?))
    }
}

async fn runs(client: &Client, query: &str) -> anyhow::Result<usize> {
    Ok(client.count_workflows(query, WorkflowCountOptions::default()).await?.count())
}

/// Visibility is eventually consistent: wait until it counts `wanted`, then make sure it stays.
async fn runs_settle_at(client: &Client, query: &str, wanted: usize) -> anyhow::Result<()> {
    eventually(&format!("{wanted} runs for {query}"), || async {
        (runs(client, query).await.ok()? == wanted).then_some(())
    })
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(runs(client, query).await?, wanted, "{query}");
    Ok(())
}

#[tokio::test]
async fn the_same_idempotency_key_starts_one_transfer() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let client = server.client();
    let services = TransferServices::start(&workspace_binary("module03")?, &server, &[]).await?;
    let ui = Ui { http: reqwest::Client::new(), url: services.ui_url.clone() };
    let transfer = json!({ "from_account": "account_A", "to_account": "account_B", "amount": 25 });

    // A double click: two POSTs at once with one key.
    let (first, second) = tokio::join!(ui.post(Some("click-1"), &transfer), ui.post(Some("click-1"), &transfer));
    let (first, second) = (first?, second?);
    assert_eq!(first, (200, json!({ "workflow_id": "transfer-key-click-1", "status": "started" })));
    assert_eq!(second, first, "the same answer, same body");
    runs_settle_at(&client, "WorkflowId = 'transfer-key-click-1'", 1).await?;

    // A retry after the transfer completed starts nothing either; the bank moved the money once.
    let handle = client.get_workflow_handle::<temporalio_client::UntypedWorkflow>("transfer-key-click-1");
    eventually("the transfer to complete", || async {
        let status = handle.describe(Default::default()).await.ok()?.status();
        (status == WorkflowExecutionStatus::Completed).then_some(())
    })
    .await?;
    assert_eq!(ui.post(Some("click-1"), &transfer).await?, first);
    runs_settle_at(&client, "WorkflowId = 'transfer-key-click-1'", 1).await?;
    let ledger: Value = reqwest::get(format!("{}/ledger", services.api_url)).await?.json().await?;
    let withdrawals =
        ledger.as_array().unwrap().iter().filter(|e| e["reference_id"] == "transfer-key-click-1/withdraw");
    assert_eq!(withdrawals.count(), 1, "{ledger}");

    // The same key for another transfer: refused, nothing started.
    let other = json!({ "from_account": "account_A", "to_account": "account_B", "amount": 26 });
    let (status, body) = ui.post(Some("click-1"), &other).await?;
    assert_eq!((status, body["code"].as_str()), (422, Some("idempotency_key_reused")), "{body}");
    assert!(body["error"].as_str().unwrap().contains("use a new key"), "{body}");

    // A malformed key: a 400 that says what a key looks like, nothing started.
    for bad in ["has space", "", &"k".repeat(65), "quote'"] {
        let (status, body) = ui.post(Some(bad), &transfer).await?;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_idempotency_key")), "{bad:?}: {body}");
    }

    // Without the header, each POST is a transfer of its own.
    let (_, a) = ui.post(None, &transfer).await?;
    let (_, b) = ui.post(None, &transfer).await?;
    assert_ne!(a["workflow_id"], b["workflow_id"]);
    runs_settle_at(&client, "WorkflowType = 'Module03TransferWorkflow'", 3).await?;
    Ok(())
}
