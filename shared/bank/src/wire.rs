//! The JSON shapes of the account API, shared by the server and the client
//! so the two cannot drift apart. Money fields are [`Cents`], which travel
//! as numbers of dollars.

use serde::{Deserialize, Serialize};

use crate::db::{Account, Receipt};
use crate::money::Cents;

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Always `"healthy"` when the API answers at all.
    pub status: String,
    /// `"account-api"`: a check knows it reached the account API, not another server on the port.
    pub service: String,
    /// Whether Real World Mode is injecting failures now.
    pub real_world_mode: bool,
}

/// Body of `POST /accounts/{id}/withdraw` and `/deposit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveMoneyRequest {
    /// How much to move; must be positive.
    pub amount: Cents,
    /// Idempotency key: the same key again returns the first result
    /// instead of moving the money twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
}

/// Answer to a withdraw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithdrawResponse {
    /// The account the money left.
    pub account_number: String,
    /// Its balance before the withdrawal.
    pub previous_balance: Cents,
    /// How much left it.
    pub amount_withdrawn: Cents,
    /// Its balance after.
    pub new_balance: Cents,
    /// The idempotency key the request carried, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
}

/// Answer to a deposit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepositResponse {
    /// The account the money went into.
    pub account_number: String,
    /// Its balance before the deposit.
    pub previous_balance: Cents,
    /// How much went in.
    pub amount_deposited: Cents,
    /// Its balance after.
    pub new_balance: Cents,
    /// The idempotency key the request carried, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
}

impl From<Receipt> for WithdrawResponse {
    fn from(receipt: Receipt) -> Self {
        let entry = receipt.entry;
        WithdrawResponse {
            account_number: entry.account_id,
            previous_balance: entry.previous_balance,
            amount_withdrawn: entry.amount,
            new_balance: entry.new_balance,
            reference_id: entry.reference_id,
        }
    }
}

impl From<Receipt> for DepositResponse {
    fn from(receipt: Receipt) -> Self {
        let entry = receipt.entry;
        DepositResponse {
            account_number: entry.account_id,
            previous_balance: entry.previous_balance,
            amount_deposited: entry.amount,
            new_balance: entry.new_balance,
            reference_id: entry.reference_id,
        }
    }
}

/// `POST /admin/reset`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResetResponse {
    /// `"reset"` once done.
    pub status: String,
    /// Every account with its starting balance again.
    pub accounts: Vec<Account>,
}

/// `GET` and `POST /admin/disk-full`: whether the bank's database is kept from growing (a full
/// disk on purpose), and how many changes were refused for want of room since it filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskFull {
    /// Whether the database refuses every change now.
    pub full: bool,
    /// Changes answered `507 disk_full` since the disk filled.
    pub refused_changes: u64,
}

/// Body of `POST /admin/disk-full`: `{"full": true}` fills the disk, `{"full": false}` frees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskFullUpdate {
    /// `true` to fill the disk, `false` to free it.
    pub full: bool,
}

/// Every error answer: `{"error": "human message", "code": "machine_code"}`,
/// plus the two balances for `insufficient_funds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The message for a person.
    pub error: String,
    /// The machine-readable reason, one of [`codes`].
    pub code: String,
    /// For `insufficient_funds`: what the account holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_balance: Option<Cents>,
    /// For `insufficient_funds`: what was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_amount: Option<Cents>,
}

/// The machine-readable `code` values of [`ErrorBody`].
pub mod codes {
    pub use web::error::codes::{
        BAD_REQUEST, CROSS_SITE_REQUEST, FORBIDDEN_HOST, INTERNAL_ERROR, METHOD_NOT_ALLOWED, NOT_FOUND,
        PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
    };

    /// 400: the amount is zero, negative or not whole cents.
    pub const INVALID_AMOUNT: &str = "invalid_amount";
    /// 404: no account with that id.
    pub const UNKNOWN_ACCOUNT: &str = "unknown_account";
    /// 409: the account exists but takes no more moves; final.
    pub const ACCOUNT_CLOSED: &str = "account_closed";
    /// 409: the `reference_id` was used before for another move; final.
    pub const IDEMPOTENCY_CONFLICT: &str = "idempotency_conflict";
    /// 422: the withdrawal is more than the balance; final.
    pub const INSUFFICIENT_FUNDS: &str = "insufficient_funds";
    /// 500: Real World Mode's injected failure; a retry can succeed.
    pub const SERVICE_UNAVAILABLE: &str = "service_unavailable";
    /// 504: Real World Mode's slow answer ran out of time; a retry can succeed.
    pub const GATEWAY_TIMEOUT: &str = "gateway_timeout";
    /// 507: the bank's database has no room for the change; nothing changed, retry later.
    pub const DISK_FULL: &str = "disk_full";
}
