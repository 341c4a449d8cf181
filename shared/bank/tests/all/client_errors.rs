//! The typed client separates "never retry" from "worth retrying".

use std::time::Duration;

use bank::{AccountClient, Cents, ClientError, RealWorldModeSettings};

use crate::common::{start, start_with};

#[tokio::test]
async fn business_errors_are_not_retryable() {
    let api = start().await;
    let cases = [
        (api.client.withdraw("nobody", Cents::dollars(1), None).await, 404, "unknown_account"),
        (api.client.withdraw("account_A", Cents::ZERO, None).await, 400, "invalid_amount"),
        (api.client.withdraw("account_A", Cents::dollars(5000), None).await, 422, "insufficient_funds"),
    ];
    for (result, status, code) in cases {
        let error = result.unwrap_err();
        assert!(!error.is_retryable(), "{error}");
        assert_eq!((error.status(), error.code()), (Some(status), Some(code)));
    }
    api.client.deposit("account_A", Cents::dollars(1), Some("k".into())).await.unwrap();
    let conflict = api.client.deposit("account_A", Cents::dollars(2), Some("k".into())).await.unwrap_err();
    assert_eq!(conflict.code(), Some("idempotency_conflict"));
    assert!(!conflict.is_retryable());
}

#[tokio::test]
async fn injected_failures_are_retryable() {
    let always_fail =
        RealWorldModeSettings { enabled: true, failure_rate: 1.0, slow_rate: 0.0, seed: Some(1), ..Default::default() };
    let api = start_with(always_fail).await;
    let error = api.client.withdraw("account_A", Cents::dollars(1), None).await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!((error.status(), error.code()), (Some(500), Some("service_unavailable")));
    assert!(error.to_string().contains("Service temporarily unavailable"), "{error}");

    let slow = RealWorldModeSettings {
        failure_rate: 0.0,
        slow_rate: 1.0,
        slow_secs: 0,
        seed: Some(1),
        enabled: true,
        ..Default::default()
    };
    let api = start_with(slow).await;
    let error = api.client.deposit("account_A", Cents::dollars(1), None).await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!((error.status(), error.code()), (Some(504), Some("gateway_timeout")));
}

#[tokio::test]
async fn a_request_that_outlives_the_timeout_is_retryable() {
    // The API stalls for 30 s; the client gives up long before.
    let stall =
        RealWorldModeSettings { failure_rate: 0.0, slow_rate: 1.0, seed: Some(1), enabled: true, ..Default::default() };
    let api = start_with(stall).await;
    let impatient = AccountClient::with_timeout(&api.url, Duration::from_millis(200));
    let error = impatient.withdraw("account_A", Cents::dollars(1), None).await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    assert!(error.to_string().contains("did not answer within"), "{error}");

    // An activity's client says why it stopped waiting before the step's own timeout.
    let in_a_step = impatient.stopping_before(Duration::from_secs(1));
    let error = in_a_step.withdraw("account_A", Cents::dollars(1), None).await.unwrap_err();
    let expected = format!(
        "account API at {} did not answer within 200ms (a call stops waiting before the step's 1s timeout); the \
         request may or may not have been applied",
        api.url
    );
    assert_eq!(error.to_string(), expected);
}

#[tokio::test]
async fn no_server_means_a_friendly_retryable_error() {
    // Grab a free port, then close it, so nothing is listening there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let error = AccountClient::new(&url).balance("account_A").await.unwrap_err();
    assert!(error.is_retryable());
    assert!(matches!(error, ClientError::Transient { status: None, .. }));
    let message = error.to_string();
    assert!(message.contains(&format!("account API at {url} did not answer: is it running?")), "{message}");
}
