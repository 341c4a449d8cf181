//! A hostile web page cannot drive the account API: a cross-site post (no JSON content type,
//! another site's `Origin`) and a DNS-rebinding `Host` are refused on every state-changing
//! endpoint and change nothing (balances, ledger, Real World Mode); the same requests from a
//! program, the API's own origin or the lab's proxy are served.

use bank::{AccountApiConfig, RealWorldModeUpdate};
use serde_json::{Value, json};
use testkit::TestAccountApi;

use crate::common::cross_site::{friendly_requests, hostile_requests, port_of, send};

/// Every state-changing endpoint, with a body it accepts. Real World Mode goes on without
/// failures, so the requests after it still succeed.
const ENDPOINTS: &[(&str, &str)] = &[
    ("/accounts/account_A/withdraw", r#"{"amount": 1}"#),
    ("/accounts/account_B/deposit", r#"{"amount": 1}"#),
    ("/admin/reset", "{}"),
    ("/admin/real-world-mode", r#"{"enabled": true, "slow_rate": 0, "failure_rate": 0}"#),
];

async fn start() -> anyhow::Result<(TestAccountApi, reqwest::Client)> {
    let config = AccountApiConfig { allowed_hosts: vec![".instruqt.io".into()], ..AccountApiConfig::default() };
    let api = TestAccountApi::start_configured(config).await?;
    Ok((api, reqwest::Client::builder().no_proxy().build()?))
}

async fn get(http: &reqwest::Client, api: &TestAccountApi, path: &str) -> anyhow::Result<Value> {
    Ok(http.get(format!("{}{path}", api.url)).send().await?.json().await?)
}

/// What a request could have changed: balances, ledger, Real World Mode.
async fn state(http: &reqwest::Client, api: &TestAccountApi) -> anyhow::Result<[Value; 3]> {
    Ok([
        get(http, api, "/accounts").await?,
        get(http, api, "/ledger").await?,
        get(http, api, "/admin/real-world-mode").await?,
    ])
}

#[tokio::test]
async fn cross_site_requests_are_refused_and_change_nothing() -> anyhow::Result<()> {
    let (api, http) = start().await?;
    // One move first, so that a reset that got through would show.
    let url = |path: &str| format!("{}{path}", api.url);
    assert_eq!(http.post(url("/accounts/account_A/deposit")).json(&json!({"amount": 7})).send().await?.status(), 200);
    let before = state(&http, &api).await?;

    let hostile = hostile_requests(port_of(&api.url));
    for (path, body) in ENDPOINTS {
        for (what, headers, status, code) in &hostile {
            let (got, answer) = send(&http, "POST", &url(path), headers, body).await?;
            assert_eq!((got, answer["code"].as_str()), (*status, Some(*code)), "{path} / {what}: {answer}");
            assert!(answer["error"].as_str().unwrap_or_default().len() > 20, "{path} / {what}: {answer}");
        }
    }
    // A rebound page cannot read either, and the answer says how to allow a host one trusts.
    let (_, rebound, ..) = &hostile[4];
    let (status, answer) = send(&http, "GET", &url("/accounts"), rebound, "").await?;
    assert_eq!(status, 403, "{answer}");
    let message = answer["error"].as_str().unwrap_or_default();
    assert!(message.contains("--allowed-host evil.example") && message.contains("ALLOWED_HOSTS="), "{message}");

    assert_eq!(state(&http, &api).await?, before, "a refused request changed something");
    Ok(())
}

#[tokio::test]
async fn the_same_requests_done_right_are_served() -> anyhow::Result<()> {
    let (api, http) = start().await?;
    let url = |path: &str| format!("{}{path}", api.url);
    for (what, headers) in friendly_requests(&api.url, port_of(&api.url)) {
        for (path, body) in ENDPOINTS {
            let (status, answer) = send(&http, "POST", &url(path), &headers, body).await?;
            assert_eq!(status, 200, "{path} / {what}: {answer}");
        }
        let [_, ledger, mode] = state(&http, &api).await?;
        assert_eq!((ledger, &mode["enabled"]), (json!([]), &json!(true)), "{what}: reset, then switched on");
        let off = RealWorldModeUpdate { enabled: Some(false), ..Default::default() };
        api.real_world_mode.update(off).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}
