//! The bank's error answers, in the servers' one JSON shape ([`web::ApiError`]): each
//! [`BankError`] with its status and code, and the failures Real World Mode injects.

use axum::http::StatusCode;
use web::ApiError;

use crate::db::BankError;
use crate::real_world_mode::LOST_RESPONSE_MESSAGE;
use crate::wire::codes;

/// The account API's own error answers, beside the generic ones of [`ApiError`].
pub trait BankAnswers {
    /// `400 invalid_amount`: the amount is zero, negative or not whole cents; the message says which.
    fn invalid_amount(message: impl Into<String>) -> Self;
    /// `500 service_unavailable`: Real World Mode's injected failure, worth a retry.
    fn service_unavailable() -> Self;
    /// The answer to a change that was applied, when Real World Mode drops its response.
    fn lost_response() -> Self;
    /// `504 gateway_timeout`: Real World Mode's slow request gave up, worth a retry.
    fn gateway_timeout() -> Self;
}

impl BankAnswers for ApiError {
    fn invalid_amount(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_AMOUNT, message)
    }

    fn service_unavailable() -> ApiError {
        let message = "Service temporarily unavailable";
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::SERVICE_UNAVAILABLE, message)
    }

    fn lost_response() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::SERVICE_UNAVAILABLE, LOST_RESPONSE_MESSAGE)
    }

    fn gateway_timeout() -> ApiError {
        ApiError::new(StatusCode::GATEWAY_TIMEOUT, codes::GATEWAY_TIMEOUT, "Gateway timeout")
    }
}

/// The status and code of each refusal of the books.
impl From<BankError> for ApiError {
    fn from(error: BankError) -> ApiError {
        let message = error.to_string();
        match error {
            BankError::UnknownAccount(_) => ApiError::new(StatusCode::NOT_FOUND, codes::UNKNOWN_ACCOUNT, message),
            BankError::InvalidAmount(_) => ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_AMOUNT, message),
            // The request is fine; the account's state forbids it, and will keep forbidding it.
            BankError::AccountClosed { .. } => ApiError::new(StatusCode::CONFLICT, codes::ACCOUNT_CLOSED, message),
            BankError::IdempotencyConflict { .. } => {
                ApiError::new(StatusCode::CONFLICT, codes::IDEMPOTENCY_CONFLICT, message)
            }
            BankError::InsufficientFunds { current, requested } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::INSUFFICIENT_FUNDS, message)
                    .with_detail("current_balance", current)
                    .with_detail("requested_amount", requested)
            }
            // A 5xx: the request is fine and the same one succeeds once there is room again.
            BankError::DiskFull => ApiError::new(StatusCode::INSUFFICIENT_STORAGE, codes::DISK_FULL, message),
            BankError::Storage(_) => ApiError::internal(message),
        }
    }
}
