//! The same `reference_id` is applied once; business errors change nothing.

use bank::Cents;
use serde_json::json;
use tokio::task::JoinSet;

use crate::common::{initial_total, start};

#[tokio::test]
async fn replaying_a_reference_id_returns_the_first_answer_and_applies_once() {
    let api = start().await;
    for (action, account) in [("withdraw", "account_A"), ("deposit", "account_B")] {
        let path = format!("/accounts/{account}/{action}");
        let body = format!(r#"{{"amount": 100.25, "reference_id": "{action}-1"}}"#);
        let first = api.post(&path, &body).await;
        let again = api.post(&path, &body).await;

        assert_eq!(first.status, 200, "{}", first.json);
        assert_eq!(again.status, 200);
        assert_eq!(again.json, first.json, "a replay answers exactly like the first time");
        assert!(!first.replayed);
        assert!(again.replayed, "the replay is marked in a header");
        assert_eq!(first.json["reference_id"], format!("{action}-1"));
    }
    assert_eq!(api.balance_now("account_A").await, Cents::new(100_000 - 10_025));
    assert_eq!(api.balance_now("account_B").await, Cents::new(50_000 + 10_025));
    assert_eq!(api.books().await, (initial_total(), 2));
}

#[tokio::test]
async fn withdraw_answer_has_the_documented_shape() {
    let api = start().await;
    let answer = api.post("/accounts/account_A/withdraw", r#"{"amount": 0.5}"#).await;
    assert_eq!(
        answer.json,
        json!({"account_number": "account_A", "previous_balance": 1000, "amount_withdrawn": 0.5, "new_balance": 999.5})
    );
    let answer = api.post("/accounts/account_B/deposit", r#"{"amount": 10.05, "reference_id": "d"}"#).await;
    assert_eq!(
        answer.json,
        json!({"account_number": "account_B", "previous_balance": 500, "amount_deposited": 10.05,
               "new_balance": 510.05, "reference_id": "d"})
    );
}

#[tokio::test]
async fn reusing_a_reference_id_for_something_else_is_a_conflict() {
    let api = start().await;
    let first = api.post("/accounts/account_A/withdraw", r#"{"amount": 10, "reference_id": "k"}"#).await;
    assert_eq!(first.status, 200);

    let conflicts = [
        ("/accounts/account_A/withdraw", r#"{"amount": 11, "reference_id": "k"}"#),
        ("/accounts/account_B/withdraw", r#"{"amount": 10, "reference_id": "k"}"#),
        ("/accounts/account_A/deposit", r#"{"amount": 10, "reference_id": "k"}"#),
    ];
    for (path, body) in conflicts {
        let answer = api.post(path, body).await;
        assert_eq!((answer.status, answer.json["code"].as_str()), (409, Some("idempotency_conflict")), "{path} {body}");
        assert!(answer.json["error"].as_str().unwrap().contains("'k'"));
    }
    assert_eq!(api.balance_now("account_A").await, Cents::dollars(990));
    assert_eq!(api.books().await, (initial_total() - Cents::dollars(10), 1));
}

#[tokio::test]
async fn without_a_reference_id_a_repeat_applies_again() {
    // On purpose: this is the double-apply that the workshop's naive retry shows.
    let api = start().await;
    for _ in 0..2 {
        assert_eq!(api.post("/accounts/account_A/withdraw", r#"{"amount": 10}"#).await.status, 200);
    }
    assert_eq!(api.balance_now("account_A").await, Cents::dollars(980));
    assert_eq!(api.books().await.1, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_apply_once() {
    let api = start().await;
    let mut requests = JoinSet::new();
    for _ in 0..25 {
        let client = api.client.clone();
        requests.spawn(async move { client.withdraw("account_A", Cents::dollars(7), Some("same".into())).await });
    }
    let mut answers = Vec::new();
    while let Some(joined) = requests.join_next().await {
        answers.push(joined.unwrap().unwrap());
    }
    assert!(answers.iter().all(|answer| *answer == answers[0]));
    assert_eq!(answers[0].new_balance, Cents::dollars(993));
    assert_eq!(api.books().await, (initial_total() - Cents::dollars(7), 1));
}

#[tokio::test]
async fn insufficient_funds_is_422_with_both_amounts_and_changes_nothing() {
    let api = start().await;
    let answer = api.post("/accounts/account_B/withdraw", r#"{"amount": 500.01, "reference_id": "too-much"}"#).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.json["code"], "insufficient_funds");
    assert_eq!(answer.json["current_balance"], json!(500));
    assert_eq!(answer.json["requested_amount"], json!(500.01));
    assert!(answer.json["error"].as_str().unwrap().contains("$500.00"));
    assert_eq!(api.books().await, (initial_total(), 0));

    // The typed client reports it as a business error: not worth retrying.
    let error = api.client.withdraw("account_B", Cents::new(50_001), None).await.unwrap_err();
    assert!(!error.is_retryable());
    assert!(error.is_insufficient_funds());
    match error {
        bank::ClientError::Business { status, current_balance, requested_amount, .. } => {
            assert_eq!(status, 422);
            assert_eq!(current_balance, Some(Cents::dollars(500)));
            assert_eq!(requested_amount, Some(Cents::new(50_001)));
        }
        other => panic!("expected a business error, got {other:?}"),
    }

    // Nothing was recorded, so the key is still free once the money is there.
    api.client.deposit("account_B", Cents::new(1), None).await.unwrap();
    let later = api.post("/accounts/account_B/withdraw", r#"{"amount": 500.01, "reference_id": "too-much"}"#).await;
    assert_eq!(later.status, 200);
    assert_eq!(later.json["new_balance"], json!(0));
}
