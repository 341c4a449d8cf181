//! The account API's own extractors: an account id from the path, a withdraw or deposit body;
//! bad input is refused in the servers' JSON error shape (`web::ApiError`).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use tracing::warn;

use web::ApiError;

use super::error::BankAnswers;
use crate::money::Cents;

/// The `{id}` in `/accounts/{id}`, checked to look like an account id.
pub struct AccountId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for AccountId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        if is_valid_account_id(&id) {
            Ok(AccountId(id))
        } else {
            let message = format!("{id:?} is not a valid account id: use 1 to 64 letters, digits, '_' or '-'");
            warn!("{message}");
            Err(ApiError::bad_request(message))
        }
    }
}

/// Account ids are short and plain, so they are safe in URLs, logs and SQL.
pub fn is_valid_account_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The body of a withdraw or deposit, before validation.
///
/// The amount is kept as its raw JSON text so it can be read exactly
/// (see [`Cents::parse_amount`]). Unknown fields are refused: a typo such as
/// `"referenceId"` would otherwise silently turn off idempotency.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveMoneyBody {
    #[serde(default, deserialize_with = "keep_raw")]
    amount: Option<Box<RawValue>>,
    #[serde(default)]
    reference_id: Option<String>,
}

/// A withdraw or deposit request that passed every input check.
pub struct MoveMoney {
    /// How much to move: positive, whole cents, at most [`Cents::MAX`].
    pub amount: Cents,
    /// The idempotency key, if the caller sent one.
    pub reference_id: Option<String>,
}

impl MoveMoneyBody {
    /// Checks the amount and the key; a `400`/`422` answer in the API's error shape says what is wrong.
    pub fn validate(self) -> Result<MoveMoney, ApiError> {
        let raw =
            self.amount.ok_or_else(|| ApiError::bad_request("missing field `amount`, e.g. {\"amount\": 100.25}"))?;
        let amount = Cents::parse_amount(raw.get()).map_err(|e| ApiError::invalid_amount(e.to_string()))?;
        if let Some(key) = &self.reference_id {
            let plain = !key.trim().is_empty() && key.len() <= 128 && !key.chars().any(char::is_control);
            if !plain {
                return Err(ApiError::bad_request("reference_id must be a non-empty string of at most 128 characters"));
            }
        }
        Ok(MoveMoney { amount, reference_id: self.reference_id })
    }
}

/// `Option<_>` would turn `"amount": null` into "missing"; keeping the raw
/// value lets the amount parser say "not null" instead.
fn keep_raw<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Box<RawValue>>, D::Error> {
    Box::<RawValue>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_plain() {
        assert!(is_valid_account_id("account_A"));
        assert!(is_valid_account_id("acc-1"));
        assert!(!is_valid_account_id(""));
        assert!(!is_valid_account_id("a b"));
        assert!(!is_valid_account_id("a;DROP"));
        assert!(!is_valid_account_id("ä"));
        assert!(!is_valid_account_id(&"a".repeat(65)));
    }

    fn validate(json: &str) -> Result<MoveMoney, ApiError> {
        serde_json::from_str::<MoveMoneyBody>(json).unwrap().validate()
    }

    #[test]
    fn null_amount_is_invalid_not_missing() {
        let error = validate(r#"{"amount": null}"#).err().unwrap();
        assert_eq!(error.body.code, "invalid_amount");
        let error = validate(r#"{}"#).err().unwrap();
        assert_eq!(error.body.code, "bad_request");
    }

    #[test]
    fn valid_body_passes() {
        let ok = validate(r#"{"amount": 12.5, "reference_id": "k-1"}"#).unwrap();
        assert_eq!(ok.amount, Cents::new(1250));
        assert_eq!(ok.reference_id.as_deref(), Some("k-1"));
        assert!(validate(r#"{"amount": 1, "reference_id": ""}"#).is_err());
        assert!(serde_json::from_str::<MoveMoneyBody>(r#"{"amount": 1, "referenceId": "x"}"#).is_err());
    }
}
