//! The account API: a small HTTP service in front of the [`Bank`].
//!
//! | Route                              | What it does                         |
//! |------------------------------------|--------------------------------------|
//! | `GET  /`                           | these routes, as JSON                |
//! | `GET  /health`                     | liveness, never injected             |
//! | `GET  /accounts`                   | all balances                         |
//! | `GET  /accounts/{id}`              | one balance                          |
//! | `POST /accounts/{id}/withdraw`     | `{"amount", "reference_id"?}`        |
//! | `POST /accounts/{id}/deposit`      | `{"amount", "reference_id"?}`        |
//! | `GET  /ledger?account={id}`        | what happened, oldest first          |
//! | `POST /admin/reset`                | initial balances, empty ledger       |
//! | `GET/POST /admin/real-world-mode`  | switch failure injection on and off  |
//! | `GET/POST /admin/disk-full`        | fill the bank's disk, free it again  |
//!
//! Every request passes the front door first ([`web::front_door`]): a foreign `Host` is refused, and so is a
//! POST that is not JSON or comes from another site's page.
//!
//! A withdraw or deposit is handled in this order: check the input (bad
//! input is always a clear 400, even in Real World Mode), roll for an
//! injected failure, move the money, and finally roll for a lost response.

mod disk;
mod error;
pub mod extract;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tracing::{debug, info, warn};

pub use error::BankAnswers;
pub use extract::is_valid_account_id;
use extract::{AccountId, MoveMoney, MoveMoneyBody};
use web::{ApiError, FrontDoor, JsonBody, front_door};

use crate::db::{Account, Bank, BankError, EntryKind, LedgerEntry, Receipt};
use crate::real_world_mode::{InjectedFailure, RealWorldMode, RealWorldModeSettings, RealWorldModeUpdate, Target};
use crate::wire::{DepositResponse, Health, ResetResponse, WithdrawResponse, codes};

/// Set to `true` on a withdraw/deposit answer that replays an earlier
/// request with the same `reference_id`. The body is identical either way.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

#[derive(Clone)]
struct AppState {
    bank: Bank,
    real_world_mode: RealWorldMode,
    /// The bank is one connection behind a mutex, so more blocking threads than this only
    /// wait for each other (and each costs memory).
    bank_slots: Arc<Semaphore>,
    disk: disk::DiskAlarm,
    /// Whether a change of Real World Mode is kept in the database (`crate::kept_mode`).
    keep_real_world_mode: bool,
}

/// Bank calls allowed on tokio's blocking threads at once.
const BANK_SLOTS: usize = 2;

/// All routes, behind the front door, ready to serve.
/// `keep_real_world_mode`: a change of Real World Mode is kept in the database for the next
/// start (modules 3 and 4).
pub fn router(bank: Bank, real_world_mode: RealWorldMode, door: FrontDoor, keep_real_world_mode: bool) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        .route("/accounts", get(list_accounts))
        .route("/accounts/{id}", get(balance))
        .route("/accounts/{id}/withdraw", post(withdraw))
        .route("/accounts/{id}/deposit", post(deposit))
        .route("/ledger", get(ledger))
        .route("/admin/reset", post(reset))
        .route("/admin/real-world-mode", get(show_real_world_mode).post(set_real_world_mode))
        .route("/admin/disk-full", get(disk::show).post(disk::set))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(web::MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(door, front_door::admit))
        .with_state(AppState {
            bank,
            real_world_mode,
            bank_slots: Arc::new(Semaphore::new(BANK_SLOTS)),
            disk: disk::DiskAlarm::default(),
            keep_real_world_mode,
        })
}

/// What `GET /` lists: a learner who opens the API in a browser or with curl sees what it
/// serves. (The routes themselves are in [`router`].)
const ENDPOINTS: &[(&str, &str)] = &[
    ("GET /accounts", "all balances"),
    ("GET /accounts/{id}", "one balance, e.g. /accounts/account_A"),
    ("POST /accounts/{id}/withdraw", r#"{"amount": 100, "reference_id": "a key"}: reference_id is optional"#),
    ("POST /accounts/{id}/deposit", r#"{"amount": 100, "reference_id": "a key"}: reference_id is optional"#),
    ("GET /ledger?account={id}", "one account's changes, oldest first (GET /ledger: all of them)"),
    ("GET /health", "is the API up? (never failed on purpose)"),
    ("POST /admin/reset", "the starting balances back, an empty ledger"),
    ("GET /admin/real-world-mode", "the failure settings"),
    ("POST /admin/real-world-mode", r#"{"enabled": true} or false; other settings likewise"#),
];

async fn index() -> Json<serde_json::Value> {
    let endpoints: Vec<_> =
        ENDPOINTS.iter().map(|(route, what)| serde_json::json!({ "route": route, "what": what })).collect();
    Json(serde_json::json!({
        "service": "account-api",
        "endpoints": endpoints,
        "money": "amounts and balances are numbers of dollars, exact to the cent: 100 is $100.00, 12.5 is $12.50",
        "posts": "a POST needs the header Content-Type: application/json and a JSON body",
    }))
}

async fn health(State(app): State<AppState>) -> Json<Health> {
    debug!("health check");
    Json(Health {
        status: "healthy".to_string(),
        service: "account-api".to_string(),
        real_world_mode: app.real_world_mode.is_enabled(),
    })
}

async fn list_accounts(State(app): State<AppState>) -> Result<Json<Vec<Account>>, ApiError> {
    app.inject_before(Target::BalanceRead, "list accounts").await?;
    let accounts = app.with_bank(|bank| bank.list_accounts()).await?;
    info!("listed {} accounts", accounts.len());
    Ok(Json(accounts))
}

async fn balance(State(app): State<AppState>, AccountId(id): AccountId) -> Result<Json<Account>, ApiError> {
    app.inject_before(Target::BalanceRead, &format!("balance of {id}")).await?;
    let lookup = id.clone();
    let balance = app
        .with_bank(move |bank| bank.balance(&lookup))
        .await
        .inspect_err(|error| warn!("balance of {id} refused: {}", error.body.error))?;
    info!("balance of {id}: {balance}");
    Ok(Json(Account { id, balance }))
}

async fn withdraw(
    State(app): State<AppState>,
    AccountId(id): AccountId,
    JsonBody(body): JsonBody<MoveMoneyBody>,
) -> Result<Response, ApiError> {
    let receipt = app.move_money(EntryKind::Withdraw, id, body).await?;
    Ok(receipt_response(receipt, WithdrawResponse::from))
}

async fn deposit(
    State(app): State<AppState>,
    AccountId(id): AccountId,
    JsonBody(body): JsonBody<MoveMoneyBody>,
) -> Result<Response, ApiError> {
    let receipt = app.move_money(EntryKind::Deposit, id, body).await?;
    Ok(receipt_response(receipt, DepositResponse::from))
}

#[derive(Deserialize)]
struct LedgerQuery {
    account: Option<String>,
}

async fn ledger(
    State(app): State<AppState>,
    query: Result<Query<LedgerQuery>, QueryRejection>,
) -> Result<Json<Vec<LedgerEntry>>, ApiError> {
    let Query(LedgerQuery { account }) = query.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    let entries = app.with_bank(move |bank| bank.ledger(account.as_deref())).await?;
    debug!("ledger: {} entries", entries.len());
    Ok(Json(entries))
}

async fn reset(State(app): State<AppState>) -> Result<Json<ResetResponse>, ApiError> {
    let accounts = app
        .with_bank(|bank| {
            bank.reset()?;
            bank.list_accounts()
        })
        .await?;
    info!("reset: balances are back to their initial values and the ledger is empty");
    Ok(Json(ResetResponse { status: "reset".to_string(), accounts }))
}

async fn show_real_world_mode(State(app): State<AppState>) -> Json<RealWorldModeSettings> {
    Json(app.real_world_mode.settings())
}

async fn set_real_world_mode(
    State(app): State<AppState>,
    JsonBody(update): JsonBody<RealWorldModeUpdate>,
) -> Result<Json<RealWorldModeSettings>, ApiError> {
    let settings = app.real_world_mode.update(update.clone()).map_err(ApiError::bad_request)?;
    if app.keep_real_world_mode {
        // The switch is switched either way: only the next start would miss the change.
        let kept = app.with_bank(move |bank| crate::kept_mode::keep(bank, &update)).await;
        if let Err(error) = kept {
            warn!(
                "Real World Mode changed, but the database could not keep it for the next start: {}",
                error.body.error
            );
        }
    }
    if settings.enabled {
        info!(
            "Real World Mode is ON: {:.0}% slow ({}s then 504), {:.0}% fail with 500, {:.0}% lost responses",
            settings.slow_rate * 100.0,
            settings.slow_secs,
            settings.failure_rate * 100.0,
            settings.lost_response_rate * 100.0,
        );
    } else if settings.lost_response_rate > 0.0 {
        info!(
            "Real World Mode is OFF, but {:.0}% of committed changes still lose their response",
            settings.lost_response_rate * 100.0
        );
    } else {
        info!("Real World Mode is OFF: every request behaves");
    }
    Ok(Json(settings))
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    warn!("no such route: {method} {uri}");
    ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, format!("no such route: {method} {}", uri.path()))
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    warn!("wrong method: {method} {uri}");
    let message = format!("{} does not accept {method}", uri.path());
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED, message)
}

impl AppState {
    /// The heart of the API: one withdraw or deposit, with Real World Mode.
    async fn move_money(&self, kind: EntryKind, id: String, body: MoveMoneyBody) -> Result<Receipt, ApiError> {
        let MoveMoney { amount, reference_id } = body
            .validate()
            .inspect_err(|error| warn!("{} request for {id} refused: {}", kind.as_str(), error.body.error))?;
        let direction = match kind {
            EntryKind::Withdraw => "from",
            EntryKind::Deposit => "to",
        };
        let what = format!("{} {amount} {direction} {id}", kind.as_str());

        self.inject_before(Target::Change, &what).await?;

        let key = reference_id.clone();
        let outcome = self
            .with_bank(move |bank| match kind {
                EntryKind::Withdraw => bank.withdraw(&id, amount, key.as_deref()),
                EntryKind::Deposit => bank.deposit(&id, amount, key.as_deref()),
            })
            .await;
        let receipt = match outcome {
            Ok(receipt) => receipt,
            // A full disk refuses every change: said once per episode, not per request.
            Err(error) if error.body.code == codes::DISK_FULL => {
                self.disk.refused(&what);
                return Err(error);
            }
            Err(error) => {
                warn!("{what} refused: {}", error.body.error);
                return Err(error);
            }
        };
        if !receipt.replayed {
            self.disk.changed();
        }
        let new_balance = receipt.entry.new_balance;

        if receipt.replayed {
            let key = reference_id.unwrap_or_default();
            info!("{what}: reference_id {key:?} was already applied → original result returned, nothing changed");
        } else if self.real_world_mode.roll_lost_response() {
            warn!("Lost response (--lost-response-rate): {what} committed (new balance {new_balance}), answered 500");
            return Err(ApiError::lost_response());
        } else {
            info!("{what} → new balance {new_balance}");
        }
        Ok(receipt)
    }

    /// Real World Mode's dice roll, before anything is read or changed.
    async fn inject_before(&self, target: Target, what: &str) -> Result<(), ApiError> {
        match self.real_world_mode.roll_before(target) {
            None => Ok(()),
            Some(InjectedFailure::Unavailable) => {
                warn!("Real World Mode: injected 500 before {what}");
                Err(ApiError::service_unavailable())
            }
            Some(InjectedFailure::Slow { secs }) => {
                warn!("Real World Mode: stalling {what} for {secs}s, then 504");
                tokio::time::sleep(Duration::from_secs(secs)).await;
                Err(ApiError::gateway_timeout())
            }
        }
    }

    /// rusqlite blocks, so bank work runs on tokio's blocking thread pool.
    async fn with_bank<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Bank) -> Result<T, BankError> + Send + 'static,
    {
        let bank = self.bank.clone();
        let Ok(_slot) = self.bank_slots.acquire().await else {
            return Err(ApiError::internal("the bank is shutting down"));
        };
        match tokio::task::spawn_blocking(move || work(&bank)).await {
            Ok(result) => Ok(result?),
            Err(crashed) => Err(ApiError::internal(format!("the bank task crashed: {crashed}"))),
        }
    }
}

/// The JSON answer for a receipt, marked when it is a replay.
fn receipt_response<B: Serialize>(receipt: Receipt, shape: impl FnOnce(Receipt) -> B) -> Response {
    let replayed = receipt.replayed;
    let mut response = Json(shape(receipt)).into_response();
    if replayed {
        response.headers_mut().insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    }
    response
}
