//! One timed batch: `count` workflows started `window` at a time, each awaited to its close
//! event from the moment it started; the clock stops when the last one has completed.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use temporalio_client::{Client, UntypedWorkflow, WorkflowGetResultOptions};

use super::cpu::{CpuUse, Snapshot};

pub struct Batch {
    /// First start sent → last workflow completed.
    pub elapsed: Duration,
    /// How long each start took (the UI's POST, or the client's call).
    pub start_latencies: Vec<Duration>,
    pub workflow_ids: Vec<String>,
    /// CPU time each watched process, and the whole machine, used meanwhile.
    pub cpu: CpuUse,
}

/// Runs `start(n)` for n in 0..count, `window` at a time; `start` returns the workflow id.
/// `watcher` awaits the results: a client of its own, so that waiting does not share a
/// connection with the worker under measurement. `processes` are watched for CPU time.
pub async fn run<F, Fut>(
    watcher: &Client,
    processes: &[(&'static str, Option<u32>)],
    count: usize,
    window: usize,
    start: F,
) -> anyhow::Result<Batch>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = anyhow::Result<String>>,
{
    let cpu_before = Snapshot::take(processes);
    let began = Instant::now();
    let started: Vec<(String, Duration, tokio::task::JoinHandle<anyhow::Result<()>>)> = futures::stream::iter(0..count)
        .map(|n| {
            let start = start(n);
            async move {
                let sent = Instant::now();
                let id = start.await.with_context(|| format!("starting workflow {n}"))?;
                let latency = sent.elapsed();
                let wait = tokio::spawn(completed(watcher.clone(), id.clone()));
                anyhow::Ok((id, latency, wait))
            }
        })
        .buffer_unordered(window)
        .try_collect()
        .await?;
    let mut batch = Batch {
        elapsed: Duration::ZERO,
        start_latencies: Vec::new(),
        workflow_ids: Vec::new(),
        cpu: CpuUse::default(),
    };
    for (id, latency, wait) in started {
        wait.await?.with_context(|| format!("workflow {id}"))?;
        batch.start_latencies.push(latency);
        batch.workflow_ids.push(id);
    }
    batch.elapsed = began.elapsed();
    batch.cpu = Snapshot::take(processes).since(&cpu_before);
    batch.start_latencies.sort();
    Ok(batch)
}

/// Resolves when `id` has completed; any other ending is an error.
async fn completed(client: Client, id: String) -> anyhow::Result<()> {
    let handle = client.get_workflow_handle::<UntypedWorkflow>(&id);
    handle.get_result(WorkflowGetResultOptions::default()).await?;
    Ok(())
}
