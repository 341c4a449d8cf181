//! The Money Transfer API: what the page calls. Bad input is refused with a 400 and a
//! message, and never starts a workflow.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use bank::api::extract::AccountId;
use bank::{AccountClient, Cents, ClientError};
use serde::Deserialize;
use serde_json::{Value, json};
use temporalio_client::Client;
use web::{ApiError, FrontDoor, JsonBody, front_door};

use crate::history;
use crate::listing::Listing;
use crate::views::{AccountSummary, AccountView, AccountWorkflowView};
use contract::{StartOnce, TransferInput};
use workshop::Module;

/// What every handler of the JSON API shares: the connections and the module it serves.
#[derive(Clone)]
pub struct AppState {
    /// The Temporal client transfers are started, listed and queried through.
    pub client: Client,
    /// The account API, for balances and Real World Mode.
    pub bank: AccountClient,
    /// The module whose transfers this UI starts and lists (3 or 4).
    pub module: Module,
    /// Reads transfers back from Temporal, caching the closed ones.
    pub listing: Listing,
    /// The Temporal Web UI's base URL, for links; `None` without one.
    pub web_ui_url: Option<String>,
    /// The Temporal namespace, for the Web UI's links.
    pub namespace: String,
}

/// All routes, behind the same front door as the account API's (a foreign `Host`, a POST that is not JSON
/// or comes from another site's page: refused before any handler runs).
pub fn router(state: AppState, door: FrontDoor) -> Router {
    Router::new()
        .route("/", get(|| async { page(INDEX_HTML, "text/html; charset=utf-8") }))
        .route("/app.js", get(|| async { page(APP_JS, "text/javascript; charset=utf-8") }))
        .route("/style.css", get(|| async { page(STYLE_CSS, "text/css; charset=utf-8") }))
        .route("/api/config", get(config))
        .route("/api/accounts", get(accounts))
        .route("/api/transfer", post(start_transfer))
        .route("/api/workflows", get(workflows))
        .route("/api/workflows/{id}", get(workflow))
        .route("/api/accounts/{id}/workflows", get(account_workflows))
        .route("/api/real-world-mode", get(real_world_mode).post(set_real_world_mode))
        .route("/api/reset", post(reset))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such page or API route") })
        .layer(DefaultBodyLimit::max(web::MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(door, front_door::admit))
        .with_state(state)
}

// The page is compiled into the binary, so the UI runs from any directory.
const INDEX_HTML: &str = include_str!("../static/index.html");
const APP_JS: &str = include_str!("../static/app.js");
const STYLE_CSS: &str = include_str!("../static/style.css");

fn page(body: &'static str, content_type: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body)
}

type ApiResult = Result<Json<Value>, ApiError>;

async fn config(State(app): State<AppState>) -> Json<Value> {
    Json(json!({ "module": app.module.name, "temporal_ui_url": app.web_ui_url, "namespace": app.namespace }))
}

async fn accounts(State(app): State<AppState>) -> ApiResult {
    let accounts = app.bank.list_accounts().await.map_err(bank_error)?;
    let views: Vec<AccountView> =
        accounts.into_iter().map(|a| AccountView { account_number: a.id, balance: a.balance }).collect();
    Ok(Json(json!({ "accounts": views })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferBody {
    from_account: String,
    to_account: String,
    amount: Cents,
}

/// With an `Idempotency-Key` header, the key names the transfer: sent again (a double click,
/// a retry after a lost answer), it returns the same workflow id and starts nothing. The same
/// idempotency the bank needs, at the front door.
async fn start_transfer(
    State(app): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TransferBody>,
) -> ApiResult {
    let key = idempotency_key(&headers)?;
    let input = validate(&app, body).await?;
    let workflow_id = match key {
        None => contract::start_transfer(&app.client, &app.module, &input).await.map_err(temporal_error)?,
        Some(key) => {
            let workflow_id = contract::keyed_workflow_id(key);
            let start = contract::start_transfer_once(&app.client, &app.module, &input, &workflow_id);
            if start.await.map_err(temporal_error)? == StartOnce::AlreadyStarted {
                let earlier = history::started_with(&app.client, &workflow_id).await.map_err(temporal_error)?;
                if earlier.as_ref() != Some(&input) {
                    let message = format!("Idempotency-Key {key} was used for another transfer: use a new key");
                    return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", message));
                }
                tracing::info!("{workflow_id} was {}: not started again", workshop::said::STARTED_BEFORE);
                return Ok(Json(json!({ "workflow_id": workflow_id, "status": "started" })));
            }
            workflow_id
        }
    };
    tracing::info!("started {workflow_id}: {} from {} to {}", input.amount, input.from_account, input.to_account);
    Ok(Json(json!({ "workflow_id": workflow_id, "status": "started" })))
}

/// The `Idempotency-Key` header, if sent: 1 to 64 letters, digits, '-' or '_' (a UUID fits).
fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let valid = value.to_str().ok().filter(|key| {
        (1..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    });
    match valid {
        Some(key) => Ok(Some(key)),
        None => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 64 letters, digits, '-' or '_' (e.g. a UUID)",
        )),
    }
}

async fn validate(app: &AppState, body: TransferBody) -> Result<TransferInput, ApiError> {
    if !body.amount.is_positive() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_amount", "amount must be greater than zero"));
    }
    if body.from_account == body.to_account {
        return Err(ApiError::bad_request("from_account and to_account must be different accounts"));
    }
    let known = app.bank.list_accounts().await.map_err(bank_error)?;
    for account in [&body.from_account, &body.to_account] {
        if !known.iter().any(|k| &k.id == account) {
            let message = format!("unknown account: {account}");
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "unknown_account", message));
        }
    }
    Ok(TransferInput { from_account: body.from_account, to_account: body.to_account, amount: body.amount })
}

async fn workflows(State(app): State<AppState>) -> ApiResult {
    let transfers = app.listing.transfers(None).await.map_err(temporal_error)?;
    Ok(Json(json!({ "workflows": transfers })))
}

async fn workflow(State(app): State<AppState>, axum::extract::Path(id): axum::extract::Path<String>) -> ApiResult {
    match app.listing.transfer(&id).await.map_err(temporal_error)? {
        Some(view) => Ok(Json(serde_json::to_value(view).unwrap_or_default())),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no transfer with id {id}"))),
    }
}

async fn account_workflows(State(app): State<AppState>, AccountId(account): AccountId) -> ApiResult {
    // AccountId only lets letters, digits, '_' and '-' through: safe inside the quotes.
    let filter = format!("from_account = '{account}' OR to_account = '{account}'");
    let transfers = app.listing.transfers(Some(&filter)).await.map_err(temporal_error)?;
    let views: Vec<AccountWorkflowView> = transfers
        .into_iter()
        .map(|workflow| {
            let sent = workflow.from_account.as_deref() == Some(account.as_str());
            let counterparty = if sent { workflow.to_account.clone() } else { workflow.from_account.clone() };
            AccountWorkflowView { workflow, direction: if sent { "sent" } else { "received" }, counterparty }
        })
        .collect();
    let summary = AccountSummary::of(&views);
    Ok(Json(json!({ "account_id": account, "workflows": views, "summary": summary })))
}

async fn real_world_mode(State(app): State<AppState>) -> ApiResult {
    let settings = app.bank.real_world_mode().await.map_err(bank_error)?;
    Ok(Json(json!({ "enabled": settings.enabled })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RealWorldModeBody {
    enabled: bool,
}

async fn set_real_world_mode(State(app): State<AppState>, JsonBody(body): JsonBody<RealWorldModeBody>) -> ApiResult {
    let settings = app.bank.set_real_world_mode(body.enabled).await.map_err(bank_error)?;
    tracing::info!("Real World Mode switched {}", if settings.enabled { "ON" } else { "off" });
    Ok(Json(json!({ "enabled": settings.enabled })))
}

async fn reset(State(app): State<AppState>) -> ApiResult {
    app.bank.reset().await.map_err(bank_error)?;
    tracing::info!("bank reset to the starting balances");
    Ok(Json(json!({ "status": "reset" })))
}

/// The account API's own refusals pass through; its absence is a 502.
fn bank_error(error: ClientError) -> ApiError {
    match error {
        ClientError::Business { status, code, message, .. } => {
            ApiError::new(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), &code, message)
        }
        other => ApiError::new(StatusCode::BAD_GATEWAY, "account_api_unavailable", other.to_string()),
    }
}

fn temporal_error(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::BAD_GATEWAY, "temporal_unavailable", format!("Temporal: {error}"))
}
