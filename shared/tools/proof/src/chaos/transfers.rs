//! Asking the Money Transfer UI for the plan's transfers (each with its Idempotency-Key,
//! asked again with it until the UI answers), waiting for them to close, and listing them
//! as Temporal and the UI see them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::{StreamExt, TryStreamExt};
use temporalio_client::{Client, WorkflowCountOptions, WorkflowExecutionStatus, WorkflowListOptions};

use super::Planned;
use super::plan::Wave;
use crate::MODULE03;

/// How long one transfer may go unanswered, across all its requests: a hang guard.
const ASK_GUARD: Duration = Duration::from_secs(120);

/// What a person (or a browser) does: asks the UI for a transfer and, when the UI was down or
/// answered 5xx, asks again with the same `Idempotency-Key`.
#[derive(Clone)]
pub(super) struct Driver {
    pub http: reqwest::Client,
    ui: String,
    confirmed: Arc<AtomicUsize>,
    resent: Arc<AtomicUsize>,
}

impl Driver {
    pub fn new(ui: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().no_proxy().timeout(crate::http::HANG_GUARD).build()?;
        Ok(Self { http, ui: ui.to_string(), confirmed: Arc::default(), resent: Arc::default() })
    }

    /// Transfers the UI has confirmed.
    pub fn confirmed(&self) -> usize {
        self.confirmed.load(Ordering::SeqCst)
    }

    /// Requests sent again because the one before got no answer or a 5xx.
    pub fn resent(&self) -> usize {
        self.resent.load(Ordering::SeqCst)
    }

    /// The ordinary (not late) transfers, spread evenly over `spread`, 8 at a time; returns
    /// (index into the plan, workflow id).
    pub async fn ask_early(&self, plan: &[Planned], spread: Duration) -> anyhow::Result<Vec<(usize, String)>> {
        let early: Vec<(usize, &Planned)> = plan.iter().enumerate().filter(|(_, t)| t.wave == Wave::Early).collect();
        let (from, pace) = (Instant::now(), spread.div_f64(early.len().max(1) as f64));
        futures::stream::iter(early.into_iter().enumerate())
            .map(|(n, (i, t))| async move {
                tokio::time::sleep_until((from + pace * n as u32).into()).await;
                self.ask(t).await.map(|id| (i, id))
            })
            .buffer_unordered(8)
            .try_collect()
            .await
    }

    /// The transfers of `wave`, 8 at a time, as fast as the UI takes them; returns (index into
    /// the plan, workflow id).
    pub async fn ask_all(&self, plan: &[Planned], wave: Wave) -> anyhow::Result<Vec<(usize, String)>> {
        futures::stream::iter(plan.iter().enumerate().filter(|(_, t)| t.wave == wave))
            .map(|(i, t)| async move { self.ask(t).await.map(|id| (i, id)) })
            .buffered(8)
            .try_collect()
            .await
    }

    /// `POST /api/transfer` with the transfer's key until the UI answers; the workflow id.
    pub async fn ask(&self, t: &Planned) -> anyhow::Result<String> {
        let body = serde_json::json!({"from_account": t.from, "to_account": t.to, "amount": t.amount});
        let guard = Instant::now();
        let mut drop_answer = t.first_answer_lost;
        loop {
            let sent =
                self.http.post(format!("{}/api/transfer", self.ui)).header("Idempotency-Key", &t.key).json(&body);
            let failure = match sent.send().await {
                Err(error) => format!("no answer: {error}"),
                Ok(answer) => {
                    let status = answer.status();
                    match answer.json::<serde_json::Value>().await {
                        Ok(_) if status.is_success() && drop_answer => {
                            drop_answer = false;
                            "an answer dropped on purpose".to_string()
                        }
                        Ok(json) if status.is_success() => {
                            let id = json["workflow_id"].as_str().context("no workflow_id")?;
                            anyhow::ensure!(
                                id == contract::keyed_workflow_id(&t.key),
                                "key {} named workflow {id}, not its own",
                                t.key
                            );
                            self.confirmed.fetch_add(1, Ordering::SeqCst);
                            return Ok(id.to_string());
                        }
                        Ok(json) if status.is_server_error() => format!("{status} {json}"),
                        Ok(json) => bail!("POST /api/transfer {body} (key {}): {status} {json}", t.key),
                        Err(error) => format!("{status}, the answer cut off: {error}"),
                    }
                }
            };
            if guard.elapsed() > ASK_GUARD {
                bail!("POST /api/transfer {body} (key {}) unanswered for {ASK_GUARD:?}; last: {failure}", t.key);
            }
            self.resent.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

pub(super) fn every_transfer() -> String {
    format!("WorkflowType = '{}'", MODULE03.workflow_type)
}

/// Waits (hang guard) until Temporal lists `expected` transfers and has closed every one.
pub(super) async fn wait_all_closed(client: &Client, expected: usize) -> anyhow::Result<()> {
    let everything = every_transfer();
    let running = format!("{everything} AND ExecutionStatus = 'Running'");
    let guard = Instant::now();
    loop {
        let open = client.count_workflows(running.clone(), WorkflowCountOptions::default()).await.map(|c| c.count());
        let all = client.count_workflows(everything.clone(), WorkflowCountOptions::default()).await.map(|c| c.count());
        if let (Ok(0), Ok(all)) = (&open, &all)
            && *all >= expected
        {
            return Ok(());
        }
        if guard.elapsed() > Duration::from_secs(420) {
            bail!("transfers still running after 7 minutes: {open:?} of {all:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Workflow id → final status, as Temporal lists them, and the ids it lists more than once
/// (a transfer started twice).
pub(super) async fn temporal_statuses(
    client: &Client,
) -> anyhow::Result<(BTreeMap<String, WorkflowExecutionStatus>, Vec<String>)> {
    let (mut statuses, mut twice) = (BTreeMap::new(), Vec::new());
    let mut listed = client.list_workflows(every_transfer(), WorkflowListOptions::default());
    while let Some(execution) = listed.try_next().await? {
        if statuses.insert(execution.id().to_string(), execution.status()).is_some() {
            twice.push(execution.id().to_string());
        }
    }
    Ok((statuses, twice))
}

/// Workflow id → status, as the page sees it.
pub(super) async fn ui_listing(http: &reqwest::Client, ui: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let listing: serde_json::Value =
        http.get(format!("{ui}/api/workflows")).send().await?.error_for_status()?.json().await?;
    let rows = listing["workflows"].as_array().context("no workflows array")?;
    Ok(rows
        .iter()
        .filter_map(|w| Some((w["workflow_id"].as_str()?.to_string(), w["status"].as_str()?.to_string())))
        .collect())
}
