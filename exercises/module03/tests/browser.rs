//! The page in headless Chromium against the real module 3 (account API, UI, worker) and a
//! test Temporal server: what a learner clicks, end to end.

use serde_json::Value;
use testkit::browser::Browser;
use testkit::{TestServer, TransferServices};

const MODULE03: &str = env!("CARGO_BIN_EXE_module03");

#[tokio::test]
async fn a_learner_moves_money_from_the_page() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let services = TransferServices::start(MODULE03, &server, &[]).await?;
    let (ui_url, api_url) = (services.ui_url.clone(), services.api_url.clone());

    Browser::run_with_screenshot("module03_page", |b| async move {
        b.goto(&ui_url).await?;
        b.wait_for(".account-row[data-account='account_A']").await?;

        // One transfer from the form.
        b.select("#from-account", "account_A").await?;
        b.select("#to-account", "account_B").await?;
        b.fill("#amount", "12.34").await?;
        // A double click that gets through (a second submit before the button is disabled):
        // both requests carry one Idempotency-Key, and one transfer starts (the balances below).
        b.execute("const form = document.getElementById('transfer-form'); form.requestSubmit(); form.requestSubmit();")
            .await?;
        b.wait_for_text("#message", "Started transfer transfer-key-").await?;
        b.wait_for(".history-row[data-status='COMPLETED']").await?;
        b.wait_for_text(".account-row[data-account='account_A']", "$987.66").await?;
        b.wait_for_text(".account-row[data-account='account_B']", "$512.34").await?;

        // The daily batch: five more transfers, all completed.
        b.click("#daily-batch").await?;
        b.wait_until("six completed transfers", |b| async move {
            Ok((b.count(".history-row[data-status='COMPLETED']").await? == 6).then_some(()))
        })
        .await?;
        b.wait_for_text(".account-row[data-account='account_F']", "$1,000.00").await?;

        // account_A's history: the one transfer it sent.
        b.click(".account-row[data-account='account_A']").await?;
        b.wait_for_text("#account-history", "account_B").await?;
        assert!(b.text("#account-summary").await?.contains("12.34"), "summary shows the amount sent");

        // Real World Mode reaches the running account API.
        b.click("#real-world-mode").await?;
        b.wait_for_text("#rwm-state", "ON").await?;
        let mode: Value = reqwest::get(format!("{api_url}/admin/real-world-mode")).await?.json().await?;
        assert_eq!(mode["enabled"], true, "{mode}");
        b.click("#real-world-mode").await?;
        b.wait_for_text("#rwm-state", "OFF").await?;

        // Reset puts every balance back.
        b.accept_confirms().await?;
        b.click("#reset").await?;
        b.wait_for_text(".account-row[data-account='account_A']", "$1,000.00").await?;
        b.wait_for_text(".account-row[data-account='account_F']", "$900.00").await?;
        Ok(())
    })
    .await
}
