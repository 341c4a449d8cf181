//! Waiting until the page shows something (a guard against hangs, never a timing assert).

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::Value;

use super::Browser;
use crate::PATIENCE;

/// How often a wait looks again.
const POLL_EVERY: Duration = Duration::from_millis(100);
impl Browser {
    /// Waits until an element matches `css`.
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<()> {
        self.find(css).await.map(|_| ())
    }

    /// Waits until no element matches `css`.
    pub async fn wait_for_gone(&self, css: &str) -> anyhow::Result<()> {
        self.wait_until(&format!("no element matching `{css}`"), |b| {
            let css = css.to_string();
            async move { Ok((b.count(&css).await? == 0).then_some(())) }
        })
        .await
    }

    /// Waits until some element matching `css` shows text containing `needle`; returns that text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> anyhow::Result<String> {
        self.wait_until(&format!("`{css}` showing {needle:?}"), |b| {
            let (css, needle) = (css.to_string(), needle.to_string());
            async move { Ok(b.texts(&css).await?.into_iter().find(|t| t.contains(&needle))) }
        })
        .await
    }

    /// Waits until the JavaScript expression `expr` is truthy in the page.
    pub async fn wait_for_js(&self, expr: &str) -> anyhow::Result<()> {
        let script = format!("return !!({expr});");
        self.wait_until(&format!("`{expr}` to be true"), |b| {
            let script = script.clone();
            async move { Ok((b.execute(&script).await? == Value::Bool(true)).then_some(())) }
        })
        .await
    }

    /// Calls `check` (with a clone of this browser) until it returns `Some`, or fails after
    /// [`PATIENCE`]. `what` describes the awaited condition for the error message.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, mut check: F) -> anyhow::Result<T>
    where
        F: FnMut(Browser) -> Fut,
        Fut: Future<Output = anyhow::Result<Option<T>>>,
    {
        let deadline = Instant::now() + PATIENCE;
        let mut last_error = None;
        loop {
            match check(self.clone()).await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                // A page that is being re-rendered can make a lookup fail for a moment.
                Err(err) => last_error = Some(err),
            }
            if Instant::now() >= deadline {
                let url = self.url().await.unwrap_or_else(|_| "?".into());
                let mut message = format!("gave up waiting for {what} after {PATIENCE:?} on {url}");
                if let Some(err) = last_error {
                    message.push_str(&format!(" (last error: {err:#})"));
                }
                bail!(message);
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }
}
