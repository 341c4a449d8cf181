//! Module 3's crash with a batch in flight: the bank and the UI without their worker
//! (`--no-worker`), the worker apart; Real World Mode switched on in the UI, the Daily Batch
//! started, the worker stopped with Ctrl-C while transfers run, Real World Mode switched off,
//! the worker started again 30 s later (the learner reads the page and counts the waiting
//! transfers). How long until each transfer that
//! was running takes its next step, and until the whole batch has completed.

use std::time::{Duration, SystemTime};

use temporalio_client::WorkflowExecutionStatus;
use testkit::history::{Event, activity_attempts};
use testkit::workspace_binary;

use super::stage::{Stage, closes, closing_event, largest, list, seconds_between, time_of};
use super::{Key, Log, Row};

/// How long the learner leaves the transfers without a worker.
const WITHOUT_A_WORKER: Duration = Duration::from_secs(30);

/// When the learner presses Ctrl-C: at the worker's `n`th `failed, Temporal will retry`
/// (the page says "while some cards still run"; a failed attempt's transfer surely does).
#[derive(Debug, Clone, Copy)]
pub(super) struct Stop(pub usize);

impl Stop {
    pub fn name(self) -> String {
        let nth =
            ["first", "second", "third"].get(self.0 - 1).map_or_else(|| format!("{}th", self.0), |n| n.to_string());
        format!("Ctrl-C at the {nth} failed attempt")
    }
}

pub(super) async fn crash(log: Log, stop: Stop) -> anyhow::Result<Vec<Row>> {
    let binary = workspace_binary("module03")?;
    let stage = Stage::start().await?;
    let mut services = stage.launch(&binary, &["--no-worker"])?;
    services.wait_for(workshop::said::UI_READY).await?;
    let mut worker = stage.launch_worker(&binary)?;
    worker.wait_for(workshop::said::WORKER_POLLING).await?;
    stage.real_world_mode(true).await?;
    let batch = stage.daily_batch().await?;
    for _ in 0..stop.0 {
        worker.wait_for(workshop::said::WILL_RETRY).await?;
    }
    worker.interrupt()?;
    worker.wait_for(workshop::said::WORKER_STOPPED).await?;
    worker.wait_exit().await?;
    let mut running = Vec::new();
    for id in &batch {
        if stage.describe(id).await?.status() == WorkflowExecutionStatus::Running {
            running.push(id.clone());
        }
    }
    anyhow::ensure!(!running.is_empty(), "the whole batch had completed before the Ctrl-C");
    // Step 4 has the learner switch it off while the worker is away: the crash is the point.
    stage.real_world_mode(false).await?;
    let (count, pause) = (running.len(), WITHOUT_A_WORKER.as_secs());
    log.say(&format!("worker stopped, {count} of 5 transfers running; {pause} s without a worker"));
    tokio::time::sleep(WITHOUT_A_WORKER).await;

    let restarted = SystemTime::now();
    let mut worker = stage.launch_worker(&binary)?;
    let patience = Duration::from_secs(5 * 60);
    let completed = stage
        .wait_in_histories(&batch, patience, |history| match closing_event(history) {
            None => Ok(None),
            Some(event) if event.event_type() == Event::WorkflowExecutionCompleted => Ok(time_of(event)),
            Some(event) => anyhow::bail!("a transfer closed as {:?}", event.event_type()),
        })
        .await?;
    // Its next step: an activity completed after the restart, or the transfer closed.
    let next_steps = stage
        .wait_in_histories(&running, patience, |history| {
            let next = history.iter().find(|event| {
                time_of(event).is_some_and(|at| at >= restarted)
                    && (event.event_type() == Event::ActivityTaskCompleted || closes(event))
            });
            Ok(next.and_then(time_of))
        })
        .await?;
    worker.stop(Duration::from_secs(10)).await;
    services.stop(Duration::from_secs(10)).await;

    let seconds = |times: &[SystemTime]| times.iter().map(|at| seconds_between(restarted, *at)).collect::<Vec<_>>();
    let (next_steps, completed) = (seconds(&next_steps), seconds(&completed));
    let mut tries = Vec::new();
    for id in &batch {
        let history = testkit::history::events(&stage.server.client(), id).await?;
        let attempts: Vec<String> = activity_attempts(&history)
            .into_iter()
            .map(|(name, attempt)| format!("{}×{attempt}", name.rsplit("::").next().unwrap_or(&name)))
            .collect();
        tries.push(attempts.join(" "));
    }
    log.note(&format!(
        "{} running at the Ctrl-C; after the restart their next steps at {} s, the batch completed at {} s; \
         attempts per transfer: {}",
        running.len(),
        list(&next_steps),
        list(&completed),
        tries.join(" | ")
    ));
    let case = format!("{}; worker again after 30 s", stop.name());
    Ok(vec![
        Row::new(Key::Module03NextStep, &case, largest(&next_steps)),
        Row::new(Key::Module03Completed, &case, largest(&completed)),
    ])
}
