//! Bad input to the Money Transfer API (module 3's UI), generated: anything invalid gets a
//! 4xx with a JSON `{error, code}` and starts no workflow; ids, sizes, types and routes.

use proof::http::{Connection, addr_of, once};
use proptest::prelude::*;
use serde_json::{Value, json};
use testkit::{TestServer, TransferServices, eventually};
use transfer_ui::cli::INITIAL_BALANCES;

use crate::common::{BAD_AMOUNTS, check, hostile_id, is_json_error, runner, runtime};

#[derive(Debug, Clone)]
struct TransferCase {
    from: Value,
    to: Value,
    amount: Option<&'static str>,
    unknown_field: bool,
    content_type: Option<&'static str>,
}

fn account_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => (0usize..10).prop_map(|i| json!(INITIAL_BALANCES[i].0)),
        1 => Just(json!("account_Z")),
        1 => Just(json!("' OR 1=1 --")),
        1 => Just(json!("<script>alert(1)</script>")),
        1 => Just(json!("../account_A")),
        1 => Just(json!("")),
        1 => Just(json!(7)),
        1 => Just(Value::Null),
    ]
}

fn transfer_case() -> impl Strategy<Value = TransferCase> {
    let amount = prop_oneof![
        1 => Just(None),
        1 => Just(Some("0.01")),
        1 => Just(Some("2.5")),
        4 => proptest::sample::select(BAD_AMOUNTS).prop_map(Some),
    ];
    let content_type = prop_oneof![8 => Just(Some("application/json")), 1 => Just(Some("text/plain")), 1 => Just(None)];
    (account_value(), account_value(), amount, proptest::bool::weighted(0.1), content_type).prop_map(
        |(from, to, amount, unknown_field, content_type)| TransferCase {
            from,
            to,
            amount,
            unknown_field,
            content_type,
        },
    )
}

impl TransferCase {
    fn body(&self) -> String {
        let mut fields = vec![format!("\"from_account\": {}", self.from), format!("\"to_account\": {}", self.to)];
        if let Some(amount) = self.amount {
            fields.push(format!("\"amount\": {amount}"));
        }
        if self.unknown_field {
            fields.push("\"note\": \"hi\"".into());
        }
        format!("{{{}}}", fields.join(", "))
    }

    fn valid(&self) -> bool {
        let known = |v: &Value| v.as_str().is_some_and(|s| INITIAL_BALANCES.iter().any(|(id, _)| *id == s));
        known(&self.from)
            && known(&self.to)
            && self.from != self.to
            && matches!(self.amount, Some("0.01" | "2.5"))
            && !self.unknown_field
            && self.content_type == Some("application/json")
    }
}

#[test]
fn transfer_api_refuses_bad_input_and_starts_nothing_for_it() {
    let rt = runtime();
    let server = rt.block_on(TestServer::start()).unwrap();
    let binary = proof::binaries::module03_binary().unwrap();
    let services = rt.block_on(TransferServices::start(&binary, &server, &[])).unwrap();
    let ui = services.ui_url.replace("localhost", "127.0.0.1");
    let accepted = std::cell::RefCell::new(Vec::new());
    runner(96)
        .run(&transfer_case(), |case| {
            let answer =
                rt.block_on(once(&ui, "POST", "/api/transfer", case.content_type, case.body().as_bytes())).unwrap();
            let text = format!("{} → {} {}", case.body(), answer.status, answer.text());
            if case.valid() {
                check(answer.status == 200, format!("a valid transfer was refused: {text}"))?;
                accepted.borrow_mut().push(answer.json().unwrap()["workflow_id"].as_str().unwrap().to_string());
            } else {
                // The front door refuses a body that is not JSON (415) before any other check.
                let status = if case.content_type == Some("application/json") { 400 } else { 415 };
                check(is_json_error(&answer) && answer.status == status, format!("expected a JSON {status}: {text}"))?;
            }
            Ok(())
        })
        .unwrap();
    let accepted = accepted.into_inner();

    // Exactly the accepted transfers exist, and only they moved money.
    let client = server.client();
    let listed = rt
        .block_on(eventually("the accepted transfers listed and completed", || async {
            let list: Value = reqwest::get(format!("{ui}/api/workflows")).await.ok()?.json().await.ok()?;
            let rows = list["workflows"].as_array()?.clone();
            (rows.len() == accepted.len() && rows.iter().all(|w| w["status"] == "COMPLETED")).then_some(rows)
        }))
        .unwrap();
    drop(client);
    for id in &accepted {
        assert!(listed.iter().any(|w| w["workflow_id"] == id.as_str()), "{id} listed");
    }
    let ledger: Vec<Value> =
        rt.block_on(async { reqwest::get(format!("{}/ledger", services.api_url)).await?.json().await }).unwrap();
    assert_eq!(ledger.len(), 2 * accepted.len(), "only accepted transfers moved money");
}

#[test]
fn transfer_api_ids_sizes_types_and_routes() {
    let rt = runtime();
    let server = rt.block_on(TestServer::start()).unwrap();
    let binary = proof::binaries::module03_binary().unwrap();
    let services = rt.block_on(TransferServices::start(&binary, &server, &[])).unwrap();
    let ui = services.ui_url.replace("localhost", "127.0.0.1");
    let send = |method: &str, path: &str, content_type: Option<&str>, body: &[u8]| {
        rt.block_on(once(&ui, method, path, content_type, body)).unwrap()
    };

    // Hostile account ids in the history route: a JSON 400 (or 404 when the route no longer matches).
    runner(96)
        .run(&hostile_id(), |id| {
            let answer = send("GET", &format!("/api/accounts/{id}/workflows"), None, b"");
            check(
                is_json_error(&answer) && [400, 404].contains(&answer.status),
                format!("{id} → {} {}", answer.status, answer.text()),
            )
        })
        .unwrap();
    // A well-formed id that is no account: an empty history, not an error.
    let unknown = send("GET", "/api/accounts/nobody_here/workflows", None, b"");
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.json().unwrap()["workflows"], json!([]));
    // Literal dot segments, never normalised on the way (a raw request line).
    let mut raw = rt.block_on(Connection::open(addr_of(&ui).unwrap())).unwrap();
    for target in [
        "/api/accounts/../workflows",
        "/api/accounts/%2e%2e/workflows",
        "/api/../api/workflows",
        "/api/accounts/account_A%00/workflows",
    ] {
        let answer = rt.block_on(raw.send("GET", target, None, b"")).unwrap();
        assert!(
            answer.status != 200 || target == "/api/../api/workflows",
            "{target} → {} {}",
            answer.status,
            answer.text()
        );
        assert!(answer.status < 500, "{target} → {}", answer.status);
        if answer.status >= 400 {
            assert!(is_json_error(&answer), "{target} → {} {}", answer.status, answer.text());
        }
    }

    // Oversized bodies: 413 in JSON, on every POST route.
    let padding = "x".repeat(20 * 1024);
    for path in ["/api/transfer", "/api/real-world-mode"] {
        let body =
            format!(r#"{{"from_account": "account_A", "to_account": "account_B", "amount": 1, "note": "{padding}"}}"#);
        let answer = send("POST", path, Some("application/json"), body.as_bytes());
        assert_eq!(answer.status, 413, "{path}: {}", answer.text());
        assert!(is_json_error(&answer) && answer.json().unwrap()["code"] == "payload_too_large", "{}", answer.text());
    }
    // Wrong content types: 415 in JSON (a page on another site could send them without asking).
    for content_type in
        [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data; boundary=x"), None]
    {
        let answer = send(
            "POST",
            "/api/transfer",
            content_type,
            br#"{"from_account": "account_A", "to_account": "account_B", "amount": 1}"#,
        );
        assert!(
            is_json_error(&answer) && answer.status == 415,
            "{content_type:?} → {} {}",
            answer.status,
            answer.text()
        );
        let answer = send("POST", "/api/real-world-mode", content_type, br#"{"enabled": true}"#);
        assert!(
            is_json_error(&answer) && answer.status == 415,
            "{content_type:?} → {} {}",
            answer.status,
            answer.text()
        );
    }
    // Real World Mode bodies: exactly {"enabled": bool}.
    for body in [
        r#"{"enabled": "yes"}"#,
        r#"{"enabled": 1}"#,
        "{}",
        r#"{"enabled": true, "failure_rate": 1}"#,
        "[true]",
        "true",
        "",
    ] {
        let answer = send("POST", "/api/real-world-mode", Some("application/json"), body.as_bytes());
        assert!(is_json_error(&answer) && answer.status == 400, "{body} → {} {}", answer.status, answer.text());
    }
    let mode: Value = rt
        .block_on(async { reqwest::get(format!("{}/admin/real-world-mode", services.api_url)).await?.json().await })
        .unwrap();
    assert_eq!(mode["enabled"], false, "no refused request switched Real World Mode");
    // Unknown routes and workflow ids: 404 in JSON.
    for path in [
        "/api/nothing",
        "/api/workflows/nope/extra",
        "/api/workflows/no-such-transfer",
        "/api/workflows/%27%20OR%201%3D1",
        "/admin/reset",
        "/.env",
    ] {
        let answer = send("GET", path, None, b"");
        assert!(is_json_error(&answer) && answer.status == 404, "{path} → {} {}", answer.status, answer.text());
    }

    let listed: Value = rt.block_on(async { reqwest::get(format!("{ui}/api/workflows")).await?.json().await }).unwrap();
    assert_eq!(listed["workflows"], json!([]), "nothing was started");
    let ledger: Vec<Value> =
        rt.block_on(async { reqwest::get(format!("{}/ledger", services.api_url)).await?.json().await }).unwrap();
    assert!(ledger.is_empty(), "nothing moved");
}
