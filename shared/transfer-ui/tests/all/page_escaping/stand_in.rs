//! The stand-in Money Transfer API the page test serves: fixed JSON, some of it hostile,
//! and the page's own static files.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub const EVIL_ACCOUNT: &str = "<img src=x onerror=alert(1)>";
pub const EVIL_ID: &str = "<script>window.pwned=1</script>";
pub const FAILURE: &str = "Bank API unavailable (Real World Mode) <b>503</b>";
pub const FAILED_ERROR: &str = "Insufficient funds: account_B has $50.00, needs $100.00";
pub const NO_WORKER_ID: &str = "transfer-no-worker";
pub const NO_WORKER: &str = "get_state Query failed: no worker answered within 2s: is a worker running? <b>(cargo run -p module03 -- worker)</b>";
pub const PANICKING_ID: &str = "transfer-panicking";
/// How many COMPLETED workflows the stand-in reports: more than the page lists.
pub const MANY: usize = 120;

#[derive(Default)]
pub struct Fake {
    /// Extra RUNNING workflows to report, to see the page cope with many.
    pub extra_running: usize,
    pub real_world_mode: bool,
    pub transfers: Vec<Value>,
    pub resets: usize,
}

pub type Shared = Arc<Mutex<Fake>>;

fn static_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static")
}

async fn static_file(name: &'static str, mime: &'static str) -> Response {
    match tokio::fs::read(static_dir().join(name)).await {
        Ok(body) => ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "no-store")], body).into_response(),
        Err(err) => (StatusCode::NOT_FOUND, err.to_string()).into_response(),
    }
}

/// A `get_state` answer of a transfer at its first step.
fn just_started() -> Value {
    json!({
        "status": "RUNNING",
        "current_step": "check_balance_from",
        "completed_steps": [],
        "steps": ["check_balance_from", "check_balance_to", "withdraw", "deposit"],
        "starting_balances": null,
        "result": null
    })
}

pub fn workflows(extra_running: usize) -> Vec<Value> {
    let mut list = vec![
        json!({
            "workflow_id": EVIL_ID,
            "status": "RUNNING",
            "start_time": "2026-03-02T09:15:04Z",
            "close_time": null,
            "from_account": "account_A",
            "to_account": EVIL_ACCOUNT,
            "amount": 100.5,
            "state": {
                "status": "RUNNING",
                "current_step": "withdraw",
                "completed_steps": ["check_balance_from", "check_balance_to"],
                "steps": ["check_balance_from", "check_balance_to", "withdraw", "deposit"],
                "starting_balances": {"from": 1000.0, "to": 250.0},
                "result": null
            },
            "result": null,
            "error": null,
            "pending_activity": {
                "activity_type": "withdraw",
                "attempt": 3,
                "last_failure": FAILURE,
                "next_retry_in_secs": 1.6
            },
            // No URL from the server: the page builds one from /api/config.
            "web_ui_url": null
        }),
        json!({
            "workflow_id": "transfer-running-2",
            "status": "RUNNING",
            "start_time": "2026-03-02T09:15:02Z",
            "close_time": null,
            "from_account": "account_B",
            "to_account": "account_F",
            "amount": 25.0,
            "state": just_started(),
            "result": null,
            "error": null,
            "pending_activity": {"activity_type": "check_balance", "attempt": 1, "last_failure": null, "next_retry_in_secs": null},
            "web_ui_url": "http://web-ui.test:8233/namespaces/default/workflows/transfer-running-2"
        }),
        // Its worker stopped: no Query answer, the history says which steps are done.
        json!({
            "workflow_id": NO_WORKER_ID,
            "status": "RUNNING",
            "start_time": "2026-03-02T09:15:01Z",
            "close_time": null,
            "from_account": "account_C",
            "to_account": "account_D",
            "amount": 10.0,
            "state": null,
            "result": null,
            "error": NO_WORKER,
            "pending_activity": {"activity_type": "check_balance", "attempt": 2, "last_failure": null, "next_retry_in_secs": 0.0},
            "workflow_task_failing": null,
            "history_completed_steps": ["check_balance_from"],
            "web_ui_url": null
        }),
        // Its workflow code panics after the first step: the Query answers the state from before
        // the step completed; the history knows better.
        json!({
            "workflow_id": PANICKING_ID,
            "status": "RUNNING",
            "start_time": "2026-03-02T09:15:00Z",
            "close_time": null,
            "from_account": "account_C",
            "to_account": "account_H",
            "amount": 20.0,
            "state": just_started(),
            "result": null,
            "error": "workflow task failed: called `Result::unwrap()` on an `Err` value",
            "pending_activity": null,
            "workflow_task_failing": {"attempt": 3},
            "history_completed_steps": ["check_balance_from"],
            "web_ui_url": null
        }),
        json!({
            "workflow_id": "transfer-failed-1",
            "status": "FAILED",
            "start_time": "2026-03-02T09:14:00Z",
            "close_time": "2026-03-02T09:14:03Z",
            "from_account": "account_B",
            "to_account": EVIL_ACCOUNT,
            "amount": 100.0,
            "state": null,
            "result": null,
            "error": FAILED_ERROR,
            "pending_activity": null,
            "web_ui_url": "http://web-ui.test:8233/namespaces/default/workflows/transfer-failed-1"
        }),
        json!({
            "workflow_id": "transfer-done-1",
            "status": "COMPLETED",
            "start_time": "2026-03-02T09:13:00Z",
            "close_time": "2026-03-02T09:13:31Z",
            "from_account": "account_A",
            "to_account": "account_F",
            "amount": 100.0,
            "state": null,
            "result": {"from_new_balance": 900.0, "to_new_balance": 600.0},
            "error": null,
            "pending_activity": null,
            "web_ui_url": "javascript:window.pwned=2"
        }),
        json!({
            "workflow_id": "transfer-terminated-1",
            "status": "TERMINATED",
            "start_time": "2026-03-02T09:12:00Z",
            "close_time": "2026-03-02T09:12:40Z",
            "from_account": "account_C",
            "to_account": "account_H",
            "amount": 75.25,
            "state": null,
            "result": null,
            "error": "Terminated by a learner",
            "pending_activity": null,
            "web_ui_url": null
        }),
    ];
    for i in 0..extra_running {
        list.insert(0, json!({
            "workflow_id": format!("transfer-bulk-{i:03}"),
            "status": "RUNNING",
            "start_time": "2026-03-02T09:16:00Z",
            "close_time": null,
            "from_account": "account_A",
            "to_account": "account_B",
            "amount": 1.0,
            "state": null,
            "result": null,
            "error": null,
            "pending_activity": {"activity_type": "deposit", "attempt": 2, "last_failure": "try again", "next_retry_in_secs": 1.0},
            "web_ui_url": null
        }));
    }
    for i in 0..MANY {
        let minute = 59 - (i / 60);
        let second = 59 - (i % 60);
        list.push(json!({
            "workflow_id": format!("transfer-old-{i:03}"),
            "status": "COMPLETED",
            "start_time": format!("2026-03-02T08:{minute:02}:{second:02}Z"),
            "close_time": format!("2026-03-02T08:{minute:02}:{second:02}Z"),
            "from_account": "account_D",
            "to_account": "account_I",
            "amount": 1.0,
            "state": null,
            "result": {"from_new_balance": 1000.0 - i as f64, "to_new_balance": 500.0 + i as f64},
            "error": null,
            "pending_activity": null,
            "web_ui_url": null
        }));
    }
    list
}

fn app(shared: Shared) -> Router {
    Router::new()
        .route("/", get(|| static_file("index.html", "text/html; charset=utf-8")))
        .route("/app.js", get(|| static_file("app.js", "text/javascript; charset=utf-8")))
        .route("/style.css", get(|| static_file("style.css", "text/css; charset=utf-8")))
        .route(
            "/api/config",
            get(|| async {
                Json(
                    json!({"module": "module03", "temporal_ui_url": "http://web-ui.test:8233", "namespace": "default"}),
                )
            }),
        )
        .route(
            "/api/accounts",
            get(|| async {
                Json(json!({"accounts": [
                    {"account_number": "account_A", "balance": 1000.0},
                    {"account_number": "account_B", "balance": 1234.5},
                    {"account_number": EVIL_ACCOUNT, "balance": 250.0},
                    {"account_number": "account_F", "balance": 600.0},
                ]}))
            }),
        )
        .route(
            "/api/workflows",
            get(|State(shared): State<Shared>| async move {
                let extra = shared.lock().unwrap().extra_running;
                Json(json!({"workflows": workflows(extra)}))
            }),
        )
        .route("/api/accounts/{id}/workflows", get(account_workflows))
        .route("/api/transfer", axum::routing::post(transfer))
        .route("/api/real-world-mode", get(get_rwm).post(set_rwm))
        .route("/api/reset", axum::routing::post(reset))
        .with_state(shared)
}

async fn account_workflows(Path(id): Path<String>) -> Json<Value> {
    let mut list = Vec::new();
    let mut sent = 0.0;
    let mut received = 0.0;
    for mut w in workflows(0) {
        let (from, to) =
            (w["from_account"].as_str().unwrap_or("").to_string(), w["to_account"].as_str().unwrap_or("").to_string());
        let amount = w["amount"].as_f64().unwrap_or(0.0);
        let (direction, counterparty) = if from == id {
            sent += amount;
            ("sent", to)
        } else if to == id {
            received += amount;
            ("received", from)
        } else {
            continue;
        };
        w["direction"] = json!(direction);
        w["counterparty"] = json!(counterparty);
        list.push(w);
    }
    Json(json!({
        "account_id": id,
        "workflows": list,
        "summary": {
            "total_sent": sent,
            "total_received": received,
            "net_change": received - sent,
            "counts": {"RUNNING": 1, "COMPLETED": 0, "FAILED": 1}
        }
    }))
}

async fn transfer(State(shared): State<Shared>, Json(body): Json<Value>) -> Response {
    shared.lock().unwrap().transfers.push(body.clone());
    if !body["amount"].is_number() {
        let error = json!({"error": "amount must be a number of dollars, like 12.50", "code": "invalid_amount"});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    if body["from_account"] == body["to_account"] {
        let error = json!({"error": "cannot transfer to the same account", "code": "same_account"});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    Json(json!({"workflow_id": "transfer-<new>-1", "status": "started"})).into_response()
}

async fn get_rwm(State(shared): State<Shared>) -> Json<Value> {
    Json(json!({"enabled": shared.lock().unwrap().real_world_mode}))
}

async fn set_rwm(State(shared): State<Shared>, Json(body): Json<Value>) -> Json<Value> {
    let mut fake = shared.lock().unwrap();
    fake.real_world_mode = body["enabled"].as_bool().unwrap_or(false);
    Json(json!({"enabled": fake.real_world_mode}))
}

async fn reset(State(shared): State<Shared>) -> Json<Value> {
    shared.lock().unwrap().resets += 1;
    Json(json!({"status": "reset"}))
}

pub async fn serve(shared: Shared) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app(shared)).await });
    Ok(format!("http://{address}/"))
}
