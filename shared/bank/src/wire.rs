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
    pub service: String,
    pub real_world_mode: bool,
}

/// Body of `POST /accounts/{id}/withdraw` and `/deposit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveMoneyRequest {
    pub amount: Cents,
    /// Idempotency key: the same key again returns the first result
    /// instead of moving the money twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
}

/// Answer to a withdraw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithdrawResponse {
    pub account_number: String,
    pub previous_balance: Cents,
    pub amount_withdrawn: Cents,
    pub new_balance: Cents,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
}

/// Answer to a deposit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepositResponse {
    pub account_number: String,
    pub previous_balance: Cents,
    pub amount_deposited: Cents,
    pub new_balance: Cents,
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
    pub status: String,
    pub accounts: Vec<Account>,
}

/// `GET` and `POST /admin/disk-full`: whether the bank's database is kept from growing (a full
/// disk on purpose), and how many changes were refused for want of room since it filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskFull {
    pub full: bool,
    pub refused_changes: u64,
}

/// Body of `POST /admin/disk-full`: `{"full": true}` fills the disk, `{"full": false}` frees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskFullUpdate {
    pub full: bool,
}

/// Every error answer: `{"error": "human message", "code": "machine_code"}`,
/// plus the two balances for `insufficient_funds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_balance: Option<Cents>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_amount: Option<Cents>,
}

/// The machine-readable `code` values of [`ErrorBody`].
pub mod codes {
    pub use web::error::codes::{
        BAD_REQUEST, CROSS_SITE_REQUEST, FORBIDDEN_HOST, INTERNAL_ERROR, METHOD_NOT_ALLOWED, NOT_FOUND,
        PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
    };

    pub const INVALID_AMOUNT: &str = "invalid_amount";
    pub const UNKNOWN_ACCOUNT: &str = "unknown_account";
    pub const ACCOUNT_CLOSED: &str = "account_closed";
    pub const IDEMPOTENCY_CONFLICT: &str = "idempotency_conflict";
    pub const INSUFFICIENT_FUNDS: &str = "insufficient_funds";
    pub const SERVICE_UNAVAILABLE: &str = "service_unavailable";
    pub const GATEWAY_TIMEOUT: &str = "gateway_timeout";
    /// 507: the bank's database has no room for the change; nothing changed, retry later.
    pub const DISK_FULL: &str = "disk_full";
}
