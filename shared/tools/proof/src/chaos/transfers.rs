//! Starting the plan's transfers (straight to Temporal, or through the Money Transfer UI),
//! waiting for them to close, and listing them as Temporal and the UI see them.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use contract::TransferInput;
use futures::{StreamExt, TryStreamExt};
use temporalio_client::{Client, WorkflowCountOptions, WorkflowExecutionStatus, WorkflowListOptions};

use super::Planned;
use super::run::Scene;
use crate::MODULE03;

/// The early transfers, straight to Temporal, 16 at a time.
pub(super) async fn start_early(scene: &mut Scene) -> anyhow::Result<()> {
    let early: Vec<(usize, TransferInput)> =
        scene.plan.iter().enumerate().filter(|(_, t)| !t.late).map(|(i, t)| (i, input_of(t))).collect();
    let client = &scene.client;
    let started: Vec<(usize, String)> = futures::stream::iter(early)
        .map(|(i, input)| async move { contract::start_transfer(client, &MODULE03, &input).await.map(|id| (i, id)) })
        .buffer_unordered(16)
        .try_collect()
        .await?;
    scene.ids.extend(started.into_iter().map(|(i, id)| (id, i)));
    Ok(())
}

/// The late transfers, through the UI; returns the id of the first one.
pub(super) async fn start_late(scene: &mut Scene) -> anyhow::Result<Option<String>> {
    let late = start_through_ui(&scene.http, &scene.ui_url, &scene.plan).await?;
    scene.late_started = true;
    scene.say(&format!("the UI started {} more transfers", late.len()));
    let first = late.first().map(|(_, id)| id.clone());
    scene.ids.extend(late.into_iter().map(|(i, id)| (id, i)));
    Ok(first)
}

fn input_of(t: &Planned) -> TransferInput {
    TransferInput { from_account: t.from.clone(), to_account: t.to.clone(), amount: t.amount }
}

/// Starts the late transfers with `POST /api/transfer`, 8 at a time. The UI may answer 502
/// while its connection to Temporal comes back: that is retried (within a hang guard).
async fn start_through_ui(http: &reqwest::Client, ui: &str, plan: &[Planned]) -> anyhow::Result<Vec<(usize, String)>> {
    let late: Vec<(usize, &Planned)> = plan.iter().enumerate().filter(|(_, t)| t.late).collect();
    futures::stream::iter(late)
        .map(|(i, t)| async move {
            let body = serde_json::json!({"from_account": t.from, "to_account": t.to, "amount": t.amount});
            let guard = Instant::now();
            loop {
                let answer = http.post(format!("{ui}/api/transfer")).json(&body).send().await?;
                let status = answer.status().as_u16();
                let json: serde_json::Value = answer.json().await?;
                if status == 200 {
                    let id = json["workflow_id"].as_str().context("no workflow_id")?.to_string();
                    return anyhow::Ok((i, id));
                }
                if status != 502 || guard.elapsed() > Duration::from_secs(60) {
                    bail!("POST /api/transfer {body}: {status} {json}");
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
        .buffer_unordered(8)
        .try_collect()
        .await
}

fn every_transfer() -> String {
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

/// Workflow id → final status, as Temporal lists them.
pub(super) async fn temporal_statuses(client: &Client) -> anyhow::Result<BTreeMap<String, WorkflowExecutionStatus>> {
    let mut statuses = BTreeMap::new();
    let mut listed = client.list_workflows(every_transfer(), WorkflowListOptions::default());
    while let Some(execution) = listed.try_next().await? {
        if statuses.insert(execution.id().to_string(), execution.status()).is_some() {
            bail!("Temporal lists {} twice", execution.id());
        }
    }
    Ok(statuses)
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
