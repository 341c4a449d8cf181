//! Every kind of bad input gets a clear 4xx in the JSON error shape, and
//! changes nothing.

use crate::common::{initial_total, start};

/// (description, content type, body, expected status, expected code)
const BAD_BODIES: &[(&str, Option<&str>, &str, u16, &str)] = &[
    ("zero", Some("application/json"), r#"{"amount": 0}"#, 400, "invalid_amount"),
    ("negative", Some("application/json"), r#"{"amount": -5}"#, 400, "invalid_amount"),
    ("string", Some("application/json"), r#"{"amount": "100"}"#, 400, "invalid_amount"),
    ("boolean", Some("application/json"), r#"{"amount": true}"#, 400, "invalid_amount"),
    ("null", Some("application/json"), r#"{"amount": null}"#, 400, "invalid_amount"),
    ("object", Some("application/json"), r#"{"amount": {"dollars": 5}}"#, 400, "invalid_amount"),
    ("fraction of a cent", Some("application/json"), r#"{"amount": 1.005}"#, 400, "invalid_amount"),
    ("exponent", Some("application/json"), r#"{"amount": 1e2}"#, 400, "invalid_amount"),
    ("huge exponent", Some("application/json"), r#"{"amount": 1e400}"#, 400, "invalid_amount"),
    ("above maximum", Some("application/json"), r#"{"amount": 1000000000.01}"#, 400, "invalid_amount"),
    ("overflows i64", Some("application/json"), r#"{"amount": 99999999999999999999999999}"#, 400, "invalid_amount"),
    ("missing amount", Some("application/json"), r#"{"reference_id": "r-1"}"#, 400, "bad_request"),
    ("empty object", Some("application/json"), "{}", 400, "bad_request"),
    ("unknown field", Some("application/json"), r#"{"amount": 1, "referenceId": "r-1"}"#, 400, "bad_request"),
    ("empty reference_id", Some("application/json"), r#"{"amount": 1, "reference_id": ""}"#, 400, "bad_request"),
    ("numeric reference_id", Some("application/json"), r#"{"amount": 1, "reference_id": 7}"#, 400, "bad_request"),
    ("malformed JSON", Some("application/json"), r#"{"amount": 10"#, 400, "bad_request"),
    ("not an object", Some("application/json"), "[10]", 400, "bad_request"),
    ("empty body", Some("application/json"), "", 400, "bad_request"),
    ("trailing garbage", Some("application/json"), r#"{"amount": 10} x"#, 400, "bad_request"),
    ("text content type", Some("text/plain"), r#"{"amount": 10}"#, 415, "unsupported_media_type"),
    ("no content type", None, r#"{"amount": 10}"#, 415, "unsupported_media_type"),
];

#[tokio::test]
async fn bad_bodies_are_refused_with_json_errors_and_change_nothing() {
    let api = start().await;
    for action in ["withdraw", "deposit"] {
        for (case, content_type, body, status, code) in BAD_BODIES {
            let answer = api.post_as(&format!("/accounts/account_A/{action}"), *content_type, body).await;
            let what = format!("{action} / {case}");
            assert_eq!(answer.status, *status, "{what}: {}", answer.json);
            assert_eq!(answer.json["code"], *code, "{what}: {}", answer.json);
            let message = answer.json["error"].as_str().unwrap_or_default();
            assert!(message.len() > 10, "{what}: the message should explain: {message:?}");
            assert!(answer.content_type.starts_with("application/json"), "{what}");
        }
    }
    assert_eq!(api.books().await, (initial_total(), 0));
}

#[tokio::test]
async fn specific_messages_name_the_problem() {
    let api = start().await;
    let cases = [
        (r#"{"amount": 1.005}"#, "more than two decimal places"),
        (r#"{"amount": "100"}"#, "not a string"),
        (r#"{"amount": null}"#, "not null"),
        (r#"{"amount": 0}"#, "greater than zero"),
        (r#"{"amount": -5}"#, "positive"),
        (r#"{"reference_id": "r"}"#, "missing field `amount`"),
        (r#"{"amount": 1, "referenceId": "r"}"#, "unknown field `referenceId`"),
    ];
    for (body, expected) in cases {
        let answer = api.post("/accounts/account_A/withdraw", body).await;
        let message = answer.json["error"].as_str().unwrap();
        assert!(message.contains(expected), "{body}: {message}");
    }
}

#[tokio::test]
async fn unknown_and_malformed_account_ids() {
    let api = start().await;
    for action in ["withdraw", "deposit"] {
        let unknown = api.post(&format!("/accounts/nobody/{action}"), r#"{"amount": 1}"#).await;
        assert_eq!((unknown.status, unknown.json["code"].as_str()), (404, Some("unknown_account")));
        assert!(unknown.json["error"].as_str().unwrap().contains("nobody"));

        for bad_id in ["a%20b", "a;b", "%C3%A4", &"x".repeat(65)] {
            let answer = api.post(&format!("/accounts/{bad_id}/{action}"), r#"{"amount": 1}"#).await;
            assert_eq!((answer.status, answer.json["code"].as_str()), (400, Some("bad_request")), "{bad_id}");
        }
    }
    let unknown_balance = api.get("/accounts/nobody").await;
    assert_eq!((unknown_balance.status, unknown_balance.json["code"].as_str()), (404, Some("unknown_account")));
    let bad_balance = api.get("/accounts/a;b").await;
    assert_eq!(bad_balance.status, 400);
    assert_eq!(api.books().await, (initial_total(), 0));
}

#[tokio::test]
async fn oversized_bodies_unknown_routes_and_wrong_methods_answer_in_json() {
    let api = start().await;
    let padding = "x".repeat(17 * 1024);
    let too_big =
        api.post("/accounts/account_A/withdraw", &format!(r#"{{"amount": 1, "reference_id": "{padding}"}}"#)).await;
    assert_eq!((too_big.status, too_big.json["code"].as_str()), (413, Some("payload_too_large")));

    let no_route = api.get("/accounts/account_A/withdraw/now").await;
    assert_eq!((no_route.status, no_route.json["code"].as_str()), (404, Some("not_found")));
    let no_route = api.post("/transfer", "{}").await;
    assert_eq!((no_route.status, no_route.json["code"].as_str()), (404, Some("not_found")));

    let wrong_method = api.get("/accounts/account_A/withdraw").await;
    assert_eq!((wrong_method.status, wrong_method.json["code"].as_str()), (405, Some("method_not_allowed")));

    assert_eq!(api.books().await, (initial_total(), 0));
}
