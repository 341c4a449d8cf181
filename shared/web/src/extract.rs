//! The JSON body extractor: bad input is refused in the servers' JSON error shape instead of
//! axum's plain-text defaults.

use axum::Json;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tracing::warn;

use crate::error::ApiError;

/// Like axum's `Json<T>` for a JSON *object*, but a missing content type,
/// broken JSON or a wrong shape answers `400 {"error", "code": "bad_request"}`.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        read_object(request, state)
            .await
            .map(JsonBody)
            .inspect_err(|error| warn!("request body refused: {}", error.body.error))
    }
}

async fn read_object<S, T>(request: Request, state: &S) -> Result<T, ApiError>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    // axum checks the content type, size and syntax...
    let Json(raw) = Json::<Box<RawValue>>::from_request(request, state).await?;
    // ...and we insist on an object: serde would also accept `[10]` as a
    // struct, filling the fields by position.
    if !raw.get().trim_start().starts_with('{') {
        let message = "the body must be a JSON object, e.g. {\"amount\": 100.25}";
        return Err(ApiError::bad_request(message));
    }
    serde_json::from_str(raw.get())
        .map_err(|error| ApiError::bad_request(format!("the body has the wrong shape: {error}")))
}
