//! A closed account: the bank knows it and reads its balance, but refuses to move money in
//! or out of it, with a clear business error that changes nothing and that no retry fixes.

use bank::{AccountApiConfig, Cents, DEFAULT_INITIAL_BALANCES};
use serde_json::json;

use crate::common::{TestApi, start_configured};

const CLOSED: &str = "account_closed";

async fn bank_with_a_closed_account() -> TestApi {
    let mut initial_balances: Vec<(String, Cents)> =
        DEFAULT_INITIAL_BALANCES.iter().map(|(id, cents)| (id.to_string(), *cents)).collect();
    initial_balances.push((CLOSED.to_string(), Cents::dollars(20)));
    let config = AccountApiConfig { initial_balances, ..AccountApiConfig::default() }.with_closed_accounts(&[CLOSED]);
    start_configured(config).await
}

#[tokio::test]
async fn a_deposit_into_a_closed_account_is_refused_and_changes_nothing() {
    let api = bank_with_a_closed_account().await;
    let before = api.books().await;

    let refused =
        api.post("/accounts/account_closed/deposit", r#"{"amount": 100, "reference_id": "t-1/deposit"}"#).await;
    assert_eq!(refused.status, 409);
    assert_eq!(
        refused.json,
        json!({"error": "account 'account_closed' is closed: it accepts no deposits", "code": "account_closed"})
    );
    assert_eq!(api.books().await, before, "no money moved, no ledger row");

    let read = api.get("/accounts/account_closed").await;
    assert_eq!((read.status, &read.json), (200, &json!({"account_number": "account_closed", "balance": 20})));

    // The typed client calls it a business error: Temporal must not retry it.
    let error = api.client.deposit(CLOSED, Cents::dollars(1), None).await.unwrap_err();
    assert!(!error.is_retryable(), "{error:?}");
    assert_eq!(error.code(), Some("account_closed"));
}

#[tokio::test]
async fn a_closed_account_gives_nothing_either_and_the_others_work() {
    let api = bank_with_a_closed_account().await;
    let refused = api.post("/accounts/account_closed/withdraw", r#"{"amount": 1}"#).await;
    assert_eq!(refused.status, 409);
    assert_eq!(refused.json["error"], "account 'account_closed' is closed: it accepts no withdrawals");

    assert_eq!(api.post("/accounts/account_B/deposit", r#"{"amount": 1}"#).await.status, 200);
    assert_eq!(api.post("/admin/reset", "").await.status, 200);
    let again = api.post("/accounts/account_closed/deposit", r#"{"amount": 1}"#).await;
    assert_eq!(again.json["code"], "account_closed", "a reset keeps it closed");
}
