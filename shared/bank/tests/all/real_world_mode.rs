//! Real World Mode: reproducible injected failures that change nothing,
//! and lost responses that only an idempotency key survives.

use bank::{Cents, RealWorldModeSettings};
use serde_json::json;

use crate::common::{TestApi, initial_total, start_with};

fn seeded(seed: u64) -> RealWorldModeSettings {
    RealWorldModeSettings { enabled: true, seed: Some(seed), slow_secs: 0, ..Default::default() }
}

/// Thirty $1 withdraws, one after another; returns the status codes.
async fn thirty_withdraws(api: &TestApi) -> Vec<u16> {
    let mut statuses = Vec::new();
    for i in 0..30 {
        let body = format!(r#"{{"amount": 1, "reference_id": "w-{i}"}}"#);
        let answer = api.post("/accounts/account_A/withdraw", &body).await;
        match answer.status {
            200 => {}
            500 => assert_eq!(
                answer.json,
                json!({"error": "Service temporarily unavailable", "code": "service_unavailable"})
            ),
            504 => assert_eq!(answer.json, json!({"error": "Gateway timeout", "code": "gateway_timeout"})),
            other => panic!("unexpected status {other}: {}", answer.json),
        }
        statuses.push(answer.status);
    }
    statuses
}

#[tokio::test]
async fn the_same_seed_gives_the_same_outcomes_and_failures_change_nothing() {
    let first = start_with(seeded(42)).await;
    let second = start_with(seeded(42)).await;
    let statuses = thirty_withdraws(&first).await;
    assert_eq!(thirty_withdraws(&second).await, statuses, "same seed, same sequence");
    for status in [200, 500, 504] {
        assert!(statuses.contains(&status), "30 rolls at 10 %/40 % should show {status}: {statuses:?}");
    }

    // Only the successful requests moved money.
    let succeeded = statuses.iter().filter(|status| **status == 200).count();
    for api in [&first, &second] {
        assert_eq!(api.balance_now("account_A").await, Cents::dollars(1000 - succeeded as i64));
        assert_eq!(api.books().await, (initial_total() - Cents::dollars(succeeded as i64), succeeded));
    }
}

#[tokio::test]
async fn a_lost_response_hides_a_real_change_and_the_same_key_recovers_it() {
    let api =
        start_with(RealWorldModeSettings { slow_rate: 0.0, failure_rate: 0.0, lost_response_rate: 1.0, ..seeded(1) })
            .await;

    // The withdraw commits, but the caller only sees a 500...
    let body = r#"{"amount": 100, "reference_id": "lost-1"}"#;
    let lost = api.post("/accounts/account_A/withdraw", body).await;
    assert_eq!((lost.status, lost.json["code"].as_str()), (500, Some("service_unavailable")));
    assert_eq!(api.balance_now("account_A").await, Cents::dollars(900), "the change IS applied");

    // ...and a retry with the same key gets the original result, applied once.
    let retry = api.post("/accounts/account_A/withdraw", body).await;
    assert_eq!(retry.status, 200);
    assert!(retry.replayed);
    assert_eq!(retry.json["previous_balance"], json!(1000));
    assert_eq!(retry.json["new_balance"], json!(900));
    assert_eq!(api.books().await, (initial_total() - Cents::dollars(100), 1));

    // Without a key, every retry moves the money again.
    for _ in 0..2 {
        let blind = api.post("/accounts/account_A/withdraw", r#"{"amount": 10}"#).await;
        assert_eq!(blind.status, 500);
    }
    assert_eq!(api.balance_now("account_A").await, Cents::dollars(880));
    assert_eq!(api.books().await.1, 3);
}

#[tokio::test]
async fn responses_are_lost_with_real_world_mode_off_too() {
    let lost_only = RealWorldModeSettings { enabled: false, lost_response_rate: 1.0, ..seeded(2) };
    let api = start_with(lost_only).await;
    let lost = api.post("/accounts/account_A/withdraw", r#"{"amount": 5, "reference_id": "off-1"}"#).await;
    assert_eq!((lost.status, lost.json["code"].as_str()), (500, Some("service_unavailable")));
    let named = "Lost response (--lost-response-rate): the change was applied, this answer was dropped";
    assert_eq!(lost.json["error"], named, "a lost response says so, unlike Real World Mode's own failures");
    assert_eq!(api.balance_now("account_A").await, Cents::dollars(995), "the change IS applied");
    assert_eq!(api.get("/accounts/account_A").await.status, 200, "reads are not affected");
    assert_eq!(api.get("/health").await.json["real_world_mode"], false);
}

#[tokio::test]
async fn health_ledger_and_admin_are_never_injected() {
    let always_fail = RealWorldModeSettings { failure_rate: 1.0, slow_rate: 0.0, ..seeded(3) };
    let api = start_with(always_fail).await;
    for _ in 0..10 {
        assert_eq!(api.get("/health").await.status, 200);
        assert_eq!(api.get("/ledger").await.status, 200);
        assert_eq!(api.get("/admin/real-world-mode").await.status, 200);
        assert_eq!(api.get("/accounts/account_A").await.status, 500, "balance reads fail in module 2 style");
    }
    let health = api.get("/health").await;
    assert_eq!(health.json["status"], "healthy");
    assert_eq!(health.json["real_world_mode"], true);
    assert_eq!(api.post("/admin/reset", "").await.status, 200);
}

#[tokio::test]
async fn balance_reads_can_be_spared() {
    let api =
        start_with(RealWorldModeSettings { failure_rate: 1.0, slow_rate: 0.0, inject_on_balance: false, ..seeded(4) })
            .await;
    assert_eq!(api.get("/accounts/account_A").await.status, 200);
    assert_eq!(api.get("/accounts").await.status, 200);
    assert_eq!(api.post("/accounts/account_A/deposit", r#"{"amount": 1}"#).await.status, 500);
    assert_eq!(api.books().await, (initial_total(), 0));
}

#[tokio::test]
async fn bad_input_is_reported_even_in_real_world_mode() {
    let api = start_with(RealWorldModeSettings { failure_rate: 1.0, slow_rate: 0.0, ..seeded(5) }).await;
    let answer = api.post("/accounts/account_A/withdraw", r#"{"amount": -1}"#).await;
    assert_eq!((answer.status, answer.json["code"].as_str()), (400, Some("invalid_amount")));
}

#[tokio::test]
async fn switching_off_at_run_time_stops_the_failures() {
    let api = start_with(RealWorldModeSettings { failure_rate: 1.0, slow_rate: 0.0, ..seeded(6) }).await;
    assert_eq!(api.post("/accounts/account_A/withdraw", r#"{"amount": 1}"#).await.status, 500);
    let off = api.post("/admin/real-world-mode", r#"{"enabled": false}"#).await;
    assert_eq!(off.json["enabled"], false);
    assert_eq!(api.post("/accounts/account_A/withdraw", r#"{"amount": 1}"#).await.status, 200);
    assert_eq!(api.books().await, (initial_total() - Cents::dollars(1), 1));
}
