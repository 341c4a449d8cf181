//! Reset, Real World Mode settings, health, listing and the ledger.

use bank::{Cents, EntryKind, RealWorldModeSettings};
use serde_json::json;

use crate::common::{self, initial_total, start};

#[tokio::test]
async fn reset_restores_initial_balances_and_clears_the_ledger() {
    let api = start().await;
    api.client.withdraw("account_A", Cents::dollars(250), Some("a".into())).await.unwrap();
    api.client.deposit("account_B", Cents::new(1), None).await.unwrap();
    assert_eq!(api.books().await.1, 2);

    let reset = api.post("/admin/reset", "").await;
    assert_eq!(
        reset.json,
        json!({"status": "reset", "accounts": [
            {"account_number": "account_A", "balance": 1000},
            {"account_number": "account_B", "balance": 500},
        ]})
    );
    assert_eq!(api.books().await, (initial_total(), 0));
    assert!(api.client.ledger(None).await.unwrap().is_empty());

    // After a reset an old key is free again.
    let again = api.client.withdraw("account_A", Cents::dollars(1), Some("a".into())).await.unwrap();
    assert_eq!(again.previous_balance, Cents::dollars(1000));
}

#[tokio::test]
async fn real_world_mode_settings_round_trip() {
    let api = start().await;
    let initial = api.client.real_world_mode().await.unwrap();
    assert_eq!(initial, RealWorldModeSettings::default());

    let on = api.post("/admin/real-world-mode", r#"{"enabled": true}"#).await;
    assert_eq!(on.status, 200);
    assert_eq!(on.json["enabled"], true);
    assert_eq!(on.json["failure_rate"], 0.4);
    assert_eq!(api.get("/admin/real-world-mode").await.json, on.json);

    let tuned = bank::RealWorldModeUpdate {
        enabled: Some(false),
        lost_response_rate: Some(0.5),
        slow_secs: Some(3),
        seed: Some(9),
        ..Default::default()
    };
    let settings = api.client.update_real_world_mode(&tuned).await.unwrap();
    assert!(!settings.enabled);
    assert_eq!((settings.lost_response_rate, settings.slow_secs, settings.seed), (0.5, 3, Some(9)));
    assert_eq!(api.client.real_world_mode().await.unwrap(), settings);
    assert!(api.client.set_real_world_mode(true).await.unwrap().enabled);
    assert!(api.client.health().await.unwrap().real_world_mode);

    // Bad values and typos are refused and change nothing.
    let before = api.client.real_world_mode().await.unwrap();
    for body in [r#"{"lost_response_rate": 2}"#, r#"{"enable": false}"#, r#"{"enabled": "no"}"#, "[true]"] {
        let answer = api.post("/admin/real-world-mode", body).await;
        assert_eq!((answer.status, answer.json["code"].as_str()), (400, Some("bad_request")), "{body}");
    }
    assert_eq!(api.client.real_world_mode().await.unwrap(), before);
}

#[tokio::test]
async fn health_accounts_and_ledger() {
    let api = start().await;
    let health = api.client.health().await.unwrap();
    assert_eq!((health.status.as_str(), health.real_world_mode), ("healthy", false));

    let accounts = api.client.list_accounts().await.unwrap();
    let ids: Vec<_> = accounts.iter().map(|account| account.id.as_str()).collect();
    assert_eq!(ids, ["account_A", "account_B"]);
    assert_eq!(api.client.balance("account_B").await.unwrap(), Cents::dollars(500));

    api.client.withdraw("account_A", Cents::new(1234), Some("x".into())).await.unwrap();
    api.client.deposit("account_B", Cents::new(99), None).await.unwrap();
    let only_a = api.client.ledger(Some("account_A")).await.unwrap();
    assert_eq!(only_a.len(), 1);
    assert_eq!(only_a[0].kind, EntryKind::Withdraw);
    assert_eq!(only_a[0].reference_id.as_deref(), Some("x"));
    assert_eq!((only_a[0].previous_balance, only_a[0].new_balance), (Cents::dollars(1000), Cents::new(98_766)));
    assert_eq!(api.client.ledger(None).await.unwrap().len(), 2);

    let raw = api.get("/ledger?account=account_B").await.json;
    assert_eq!(raw[0]["kind"], "deposit");
    assert_eq!(raw[0]["amount"], json!(0.99));
    assert_eq!(raw[0]["account_number"], "account_B");
    assert!(raw[0]["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn a_busy_port_gives_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = common::TempDir::new("busy");
    let config = bank::AccountApiConfig { port, db_path: dir.0.join("bank.db"), ..Default::default() };
    let error = bank::bind(&config).await.err().expect("the port is taken");
    // Tests run in the crate's folder: the script is two levels up.
    let expected = format!(
        "port {port} is already in use: is another account API running? Stop it (Ctrl-C in its terminal, or: \
         ../../scripts/free-port {port}), or pass --port to use another port"
    );
    assert_eq!(error.to_string(), expected);
    let beside_the_ui = bank::AccountApiConfig { port_flag: "--api-port", ..config };
    let error = bank::bind(&beside_the_ui).await.err().expect("the port is taken");
    assert!(error.to_string().ends_with("or pass --api-port to use another port"), "{error}");
}

#[tokio::test]
async fn restarting_on_the_same_database_keeps_the_money() {
    let dir = common::TempDir::new("restart");
    let config = bank::AccountApiConfig { port: 0, db_path: dir.0.join("bank.db"), ..Default::default() };
    let first = bank::bind(&config).await.unwrap();
    let bank = first.bank();
    tokio::task::spawn_blocking(move || bank.withdraw("account_A", Cents::dollars(1), None).unwrap()).await.unwrap();
    drop(first);

    let second = bank::bind(&config).await.unwrap();
    let bank = second.bank();
    let balance = tokio::task::spawn_blocking(move || bank.balance("account_A").unwrap()).await.unwrap();
    assert_eq!(balance, Cents::dollars(999));
}

#[tokio::test]
async fn the_root_lists_what_the_api_serves_and_each_route_is_there() {
    let api = start().await;
    let root = api.get("/").await;
    assert_eq!((root.status, root.content_type.as_str()), (200, "application/json"));
    assert_eq!(root.json["service"], "account-api");
    assert!(root.json["money"].as_str().unwrap().contains("100 is $100.00"), "{}", root.json);
    let routes: Vec<&str> =
        root.json["endpoints"].as_array().unwrap().iter().map(|e| e["route"].as_str().unwrap()).collect();
    for expected in ["GET /accounts", "GET /accounts/{id}", "GET /ledger?account={id}", "POST /accounts/{id}/withdraw"]
    {
        assert!(routes.contains(&expected), "{expected} is listed: {routes:?}");
    }
    for route in routes {
        let (method, path) = route.split_once(' ').unwrap();
        let path = path.replace("{id}", "account_A");
        // A GET route answers; a POST route exists (a GET of it is no 404, mostly a 405).
        let status = api.get(&path).await.status;
        match method {
            "GET" => assert_eq!(status, 200, "{route}"),
            _ => assert_ne!(status, 404, "{route}"),
        }
    }

    let foreign = api.http.get(format!("{}/", api.url)).header("host", "evil.example").send().await.unwrap();
    assert_eq!(foreign.status().as_u16(), 403, "the front door still checks the Host");
}
