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
    /// A request the server cannot read: malformed JSON, a missing or wrongly typed field.
    pub const BAD_REQUEST: &str = "bad_request";
    /// No route at that path.
    pub const NOT_FOUND: &str = "not_found";
    /// The path exists, but not with that HTTP method.
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    /// The body is over the server's limit.
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    /// The server failed on its side; the request may be sound.
    pub const INTERNAL_ERROR: &str = "internal_error";
    /// The `Host` header names a host the server does not answer to (DNS rebinding).
    pub const FORBIDDEN_HOST: &str = "forbidden_host";
    /// A browser sent the request from another site's page (its `Origin`).
    pub const CROSS_SITE_REQUEST: &str = "cross_site_request";
    /// A body that is not declared `application/json`.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
}

/// An error answer's body: the message, its code, and a server's own details beside them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The message for a person, one sentence.
    pub error: String,
    /// The machine-readable reason, one of [`codes`] or a server's own.
    pub code: String,
    /// What a server adds beside the two (the bank: `current_balance`, `requested_amount`), flattened into the same object.
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

/// An error answer of a server: a handler returns it, and it goes out as its status with the
/// JSON body every client of the workshop reads.
///
/// # Examples
///
/// ```
/// use axum::http::StatusCode;
/// use web::ApiError;
///
/// let error = ApiError::bad_request("missing field `amount`").with_detail("field", "amount");
/// assert_eq!(error.status, StatusCode::BAD_REQUEST);
/// assert_eq!(
///     serde_json::to_value(&error.body)?,
///     serde_json::json!({"error": "missing field `amount`", "code": "bad_request", "field": "amount"}),
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status the answer goes out with.
    pub status: StatusCode,
    /// The JSON body the answer carries.
    pub body: ErrorBody,
}

impl ApiError {
    /// An answer with this status, code and message and no details.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        let body = ErrorBody { error: message.into(), code: code.to_string(), details: Map::new() };
        ApiError { status, body }
    }

    /// A `400 bad_request`: the request itself is wrong, sending it again will not help.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
    }

    /// A `500 internal_error`: the server failed; the message says what failed.
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
