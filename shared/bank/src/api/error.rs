//! Every failure of the account API becomes one JSON shape:
//! `{"error": "human message", "code": "machine_code"}` with a fitting status.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::BankError;
use crate::real_world_mode::LOST_RESPONSE_MESSAGE;
use crate::wire::{ErrorBody, codes};

/// An error answer of the account API.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        let body =
            ErrorBody { error: message.into(), code: code.to_string(), current_balance: None, requested_amount: None };
        ApiError { status, body }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
    }

    pub fn invalid_amount(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_AMOUNT, message)
    }

    pub fn service_unavailable() -> ApiError {
        let message = "Service temporarily unavailable";
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::SERVICE_UNAVAILABLE, message)
    }

    /// The answer to a change that was applied, when Real World Mode drops its response.
    pub fn lost_response() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::SERVICE_UNAVAILABLE, LOST_RESPONSE_MESSAGE)
    }

    pub fn gateway_timeout() -> ApiError {
        ApiError::new(StatusCode::GATEWAY_TIMEOUT, codes::GATEWAY_TIMEOUT, "Gateway timeout")
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL_ERROR, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

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
                let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::INSUFFICIENT_FUNDS, message);
                error.body.current_balance = Some(current);
                error.body.requested_amount = Some(requested);
                error
            }
            // A 5xx: the request is fine and the same one succeeds once there is room again.
            BankError::DiskFull => ApiError::new(StatusCode::INSUFFICIENT_STORAGE, codes::DISK_FULL, message),
            BankError::Storage(_) => ApiError::internal(message),
        }
    }
}

/// axum's own JSON rejections are plain text; rewrite them in our shape.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::bad_request("send the body as JSON with the header `Content-Type: application/json`")
            }
            JsonRejection::JsonSyntaxError(error) => {
                ApiError::bad_request(format!("the body is not valid JSON: {}", cause(&error)))
            }
            JsonRejection::JsonDataError(error) => {
                ApiError::bad_request(format!("the body has the wrong shape: {}", cause(&error)))
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, codes::PAYLOAD_TOO_LARGE, "the request body is too large")
            }
            other => ApiError::bad_request(format!("could not read the request body: {}", other.body_text())),
        }
    }
}

/// serde's own words ("missing field `amount` at line 1 column 2"), without
/// axum's generic prefix.
fn cause(rejection: &dyn std::error::Error) -> String {
    match rejection.source() {
        Some(inner) => inner.to_string(),
        None => rejection.to_string(),
    }
}
