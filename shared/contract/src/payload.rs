//! JSON in and out of Temporal payloads, for untyped calls: the Money Transfer UI serves two
//! modules whose workflow types it does not know at compile time.

use temporalio_common::data_converters::RawValue;
use temporalio_common::protos::temporal::api::common::v1::Payload;

/// A value as the one JSON payload of an untyped call (a workflow's input, a Query's argument).
pub fn to_raw<T: serde::Serialize>(value: &T) -> anyhow::Result<RawValue> {
    let payload = Payload {
        metadata: [("encoding".to_string(), b"json/plain".to_vec())].into(),
        data: serde_json::to_vec(value)?,
        ..Default::default()
    };
    Ok(RawValue::new(vec![payload]))
}

/// A JSON payload read back as `T` (an untyped Query's answer, a result); `Err` when there is none or it does not fit.
pub fn from_payload<T: serde::de::DeserializeOwned>(payload: Option<&Payload>) -> anyhow::Result<T> {
    let payload = payload.ok_or_else(|| anyhow::anyhow!("no payload"))?;
    Ok(serde_json::from_slice(&payload.data)?)
}
