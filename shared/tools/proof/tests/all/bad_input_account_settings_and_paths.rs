//! Bad input to the account API's settings and paths, generated: Real World Mode updates
//! apply fully or not at all, and hostile account ids in paths never reach the bank.

use bank::{Cents, RealWorldModeSettings};
use proof::http::once;
use proptest::prelude::*;
use serde_json::{Value, json};
use testkit::TestAccountApi;
use transfer_ui::cli::INITIAL_BALANCES;

use crate::common::{check, hostile_id, is_json_error, runner, runtime};

#[test]
fn real_world_mode_updates_apply_fully_or_not_at_all() {
    let rt = runtime();
    let api = rt.block_on(TestAccountApi::start(INITIAL_BALANCES, RealWorldModeSettings::default())).unwrap();
    let rate = || proptest::option::of(proptest::sample::select(&[-0.5, 0.0, 0.1, 0.45, 0.6, 1.0, 1.5, 1e-3][..]));
    let secs = proptest::option::of(proptest::sample::select(&["0", "1", "600", "601", "-1", "1.5", "\"3\""][..]));
    let case = (
        proptest::option::of(any::<bool>()),
        rate(),
        rate(),
        rate(),
        secs,
        proptest::option::of(any::<u64>()),
        proptest::bool::weighted(0.1),
    );
    runner(128)
        .run(&case, |(enabled, slow, failure, lost, slow_secs, seed, unknown)| {
            let before: Value =
                rt.block_on(once(&api.url, "GET", "/admin/real-world-mode", None, b"")).unwrap().json().unwrap();
            let mut body = serde_json::Map::new();
            let mut expected = before.clone();
            let mut put = |name: &str, value: Value| {
                body.insert(name.into(), value.clone());
                expected[name] = value;
            };
            if let Some(v) = enabled {
                put("enabled", json!(v));
            }
            for (name, value) in [("slow_rate", slow), ("failure_rate", failure), ("lost_response_rate", lost)] {
                if let Some(v) = value {
                    put(name, json!(v));
                }
            }
            let mut typed = true;
            if let Some(text) = slow_secs {
                let value: Value = serde_json::from_str(text).unwrap();
                typed &= value.as_u64().is_some();
                put("slow_secs", value);
            }
            if let Some(v) = seed {
                put("seed", json!(v));
            }
            if unknown {
                body.insert("failureRate".into(), json!(0.1));
            }
            let rate_ok = |name: &str| expected[name].as_f64().is_some_and(|r| (0.0..=1.0).contains(&r));
            let valid = typed
                && !unknown
                && ["slow_rate", "failure_rate", "lost_response_rate"].iter().all(|n| rate_ok(n))
                && expected["slow_rate"].as_f64().unwrap() + expected["failure_rate"].as_f64().unwrap() <= 1.0
                && expected["slow_secs"].as_u64().is_some_and(|s| s <= 600);
            let sent = Value::Object(body).to_string();
            let answer = rt
                .block_on(once(&api.url, "POST", "/admin/real-world-mode", Some("application/json"), sent.as_bytes()))
                .unwrap();
            let now: Value =
                rt.block_on(once(&api.url, "GET", "/admin/real-world-mode", None, b"")).unwrap().json().unwrap();
            let text = format!("{sent} → {} {}", answer.status, answer.text());
            if valid {
                check(
                    answer.status == 200 && now == expected,
                    format!("valid update not applied as sent: {text}; now {now}"),
                )?;
            } else {
                check(is_json_error(&answer) && answer.status == 400, format!("expected a JSON 400: {text}"))?;
                check(now == before, format!("a refused update changed the settings: {text}"))?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn account_ids_in_paths_never_reach_the_bank() {
    let rt = runtime();
    let api = rt.block_on(TestAccountApi::start(INITIAL_BALANCES, RealWorldModeSettings::default())).unwrap();
    runner(128)
        .run(&hostile_id(), |id| {
            for (method, path, body) in [
                ("GET", format!("/accounts/{id}"), ""),
                ("POST", format!("/accounts/{id}/withdraw"), r#"{"amount": 1}"#),
                ("GET", format!("/ledger?account={id}"), ""),
            ] {
                let content_type = (method == "POST").then_some("application/json");
                let answer = rt.block_on(once(&api.url, method, &path, content_type, body.as_bytes())).unwrap();
                let text = format!("{method} {path} → {} {}", answer.status, answer.text());
                if path.starts_with("/ledger") {
                    // A filter on an id that does not exist: an empty list, or a 400 for bytes that are not UTF-8.
                    check(answer.status == 200 && answer.json() == Some(json!([])) || is_json_error(&answer), text)?;
                } else {
                    check(is_json_error(&answer) && [400, 404].contains(&answer.status), text)?;
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(api.bank.ledger(None).unwrap().is_empty());
    let total: Cents = api.bank.list_accounts().unwrap().iter().map(|a| a.balance).sum();
    assert_eq!(total, INITIAL_BALANCES.iter().map(|(_, c)| *c).sum::<Cents>());
}
