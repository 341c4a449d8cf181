//! A hostile web page cannot drive the Money Transfer UI: a cross-site post (no JSON content
//! type, another site's `Origin`) and a DNS-rebinding `Host` are refused on every
//! state-changing endpoint and change nothing (balances, ledger, Real World Mode, workflows);
//! the same requests from a program, the UI's own page or the lab's proxy are served.

use serde_json::{Value, json};
use temporalio_client::{Client, WorkflowCountOptions};
use testkit::{TestServer, TransferServices, eventually};

use crate::common::cross_site::{friendly_requests, hostile_requests, port_of, send};

/// Every state-changing endpoint of the UI, with a body it accepts.
const ENDPOINTS: &[(&str, &str)] = &[
    ("/api/transfer", r#"{"from_account": "account_A", "to_account": "account_B", "amount": 1}"#),
    ("/api/real-world-mode", r#"{"enabled": true}"#),
    ("/api/reset", "{}"),
];

async fn get(http: &reqwest::Client, url: String) -> anyhow::Result<Value> {
    Ok(http.get(url).send().await?.json().await?)
}

async fn workflow_count(client: &Client) -> anyhow::Result<usize> {
    Ok(client.count_workflows("", WorkflowCountOptions::default()).await?.count())
}

#[tokio::test]
async fn the_ui_refuses_cross_site_requests_and_serves_its_own() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let binary = proof::binaries::module03_binary()?;
    let services = TransferServices::start(&binary, &server, &["--allowed-host", ".instruqt.io"]).await?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let (ui, bank) =
        (|path: &str| format!("{}{path}", services.ui_url), |path: &str| format!("{}{path}", services.api_url));
    // What a request could have changed: balances, ledger, Real World Mode.
    let state = || async {
        anyhow::Ok([
            get(&http, bank("/accounts")).await?,
            get(&http, bank("/ledger")).await?,
            get(&http, bank("/admin/real-world-mode")).await?,
        ])
    };
    // One move first, so that a reset that got through would show.
    assert_eq!(http.post(bank("/accounts/account_A/deposit")).json(&json!({"amount": 7})).send().await?.status(), 200);
    let before = state().await?;

    let hostile = hostile_requests(port_of(&services.ui_url));
    for (path, body) in ENDPOINTS {
        for (what, headers, status, code) in &hostile {
            let (got, answer) = send(&http, "POST", &ui(path), headers, body).await?;
            assert_eq!((got, answer["code"].as_str()), (*status, Some(*code)), "{path} / {what}: {answer}");
        }
    }
    let (_, rebound, ..) = &hostile[4];
    let (status, answer) = send(&http, "GET", &ui("/api/accounts"), rebound, "").await?;
    assert_eq!(status, 403, "a rebound page cannot read either: {answer}");
    assert_eq!(state().await?, before, "a refused request changed something");
    let client = server.client();
    assert_eq!(workflow_count(&client).await?, 0, "a refused request started a workflow");

    // The same requests done right; Real World Mode goes off again before the next transfer.
    let friendly = friendly_requests(&services.ui_url, port_of(&services.ui_url));
    let mut started = 0;
    for (what, headers) in &friendly {
        for (path, body) in ENDPOINTS {
            let (status, answer) = send(&http, "POST", &ui(path), headers, body).await?;
            assert_eq!(status, 200, "{path} / {what}: {answer}");
            started += usize::from(answer["workflow_id"].is_string());
        }
        assert_eq!(get(&http, bank("/admin/real-world-mode")).await?["enabled"], true, "{what}: switched on");
        let (status, _) = send(&http, "POST", &ui("/api/real-world-mode"), headers, r#"{"enabled": false}"#).await?;
        assert_eq!(status, 200, "{what}: switched off");
    }
    assert_eq!(started, friendly.len());
    eventually("exactly the accepted transfers, counted", || async {
        (workflow_count(&client).await.ok()? == started).then_some(())
    })
    .await?;
    Ok(())
}
