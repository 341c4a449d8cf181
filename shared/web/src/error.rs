//! Every failure of the workshop's servers becomes one JSON shape:
//! `{"error": "human message", "code": "machine_code"}` with a fitting status, plus whatever
//! details a server adds (the bank: the two balances of an overdraft).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The machine-readable `code` values this crate answers with; each server adds its own.
pub mod codes {
    pub const BAD_REQUEST: &str = "bad_request";
    pub const NOT_FOUND: &str = "not_found";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const INTERNAL_ERROR: &str = "internal_error";
    pub const FORBIDDEN_HOST: &str = "forbidden_host";
    pub const CROSS_SITE_REQUEST: &str = "cross_site_request";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
}

/// An error answer's body: the message, its code, and a server's own details beside them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub code: String,
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

/// An error answer of a server.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        let body = ErrorBody { error: message.into(), code: code.to_string(), details: Map::new() };
        ApiError { status, body }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL_ERROR, message)
    }

    /// Adds a detail beside the message (`"current_balance": 10.5`).
    pub fn with_detail(mut self, name: &str, value: impl Serialize) -> ApiError {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.body.details.insert(name.to_string(), value);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_stand_beside_the_message_and_none_add_nothing() {
        let plain = serde_json::to_value(ApiError::bad_request("no").body).unwrap();
        assert_eq!(plain, serde_json::json!({"error": "no", "code": "bad_request"}));
        let detailed = ApiError::bad_request("no").with_detail("current_balance", 10.5);
        let json = serde_json::to_value(detailed.body).unwrap();
        assert_eq!(json, serde_json::json!({"error": "no", "code": "bad_request", "current_balance": 10.5}));
    }
}
