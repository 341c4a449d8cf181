//! JSON in and out of Temporal payloads, for untyped calls: the Money Transfer UI serves two
//! modules whose workflow types it does not know at compile time.

use temporalio_common::data_converters::RawValue;
use temporalio_common::protos::temporal::api::common::v1::Payload;

pub fn to_raw<T: serde::Serialize>(value: &T) -> anyhow::Result<RawValue> {
    let payload = Payload {
        metadata: [("encoding".to_string(), b"json/plain".to_vec())].into(),
        data: serde_json::to_vec(value)?,
        ..Default::default()
    };
    Ok(RawValue::new(vec![payload]))
}

pub fn from_payload<T: serde::de::DeserializeOwned>(payload: Option<&Payload>) -> anyhow::Result<T> {
    let payload = payload.ok_or_else(|| anyhow::anyhow!("no payload"))?;
    Ok(serde_json::from_slice(&payload.data)?)
}
