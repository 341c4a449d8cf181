//! Waiting for a condition that becomes true by itself.

use std::time::Duration;

use anyhow::Context;

use crate::PATIENCE;

/// Polls `check` every 100 ms until it returns `Some`, within [`PATIENCE`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let poll = async {
        loop {
            if let Some(value) = check().await {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(PATIENCE, poll).await.with_context(|| format!("timed out waiting for {what}"))
}
