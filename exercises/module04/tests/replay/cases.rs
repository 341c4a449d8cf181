//! The replay cases. The exercise (tests/replay.rs) and the solution
//! (solutions/module04/tests/replay.rs) both compile this file, each with its own
//! `crate::workflow`: the first case replays the package's workflow code; the other two
//! replay fixes written in fraud_screen.rs, the same for both.

mod fraud_screen;

use std::path::Path;

use anyhow::{Context, ensure};
use temporalio_client::WorkflowHistory;
use temporalio_common::WorkflowDefinition;
use temporalio_common::protos::temporal::api::history::v1::{History, HistoryEvent};
use temporalio_sdk::workflow_replayer::{
    WorkflowReplayError, WorkflowReplayFailure, WorkflowReplayer, WorkflowReplayerOptions,
};
use temporalio_workflow::workflows::WorkflowImplementation;
use testkit::history::{self, Event};

use crate::workflow::TransferWorkflow;
use fraud_screen::{ScreenBehindPatch, ScreenFirst};

/// What a worker running `ScreenFirst` reports for each stuck transfer.
const SCREEN_FIRST_ERROR: &str = "[TMPRL1100] Nondeterminism error: Activity type of scheduled event \
     'BankActivities::check_balance' does not match activity type of activity command 'FraudTeam::screen'";

/// One of Jerry's stuck transfers, as its history recorded it.
struct StuckTransfer {
    file: String,
    events: Vec<HistoryEvent>,
}

impl StuckTransfer {
    fn history(&self) -> WorkflowHistory {
        History { events: self.events.clone() }.into()
    }
}

/// The recorded histories in exercises/module04/tests/fixtures/, each checked to be what the
/// cases rely on: one balance check done, then Jerry's panic failing the workflow task.
async fn stuck_transfers() -> anyhow::Result<Vec<StuckTransfer>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../exercises/module04/tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|path| path.extension().is_some_and(|ext| ext == "json"));
    files.sort();
    ensure!(!files.is_empty(), "no recorded histories in {}: run scripts/record-replay-fixtures", dir.display());

    let mut transfers = Vec::new();
    for path in files {
        let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let events = WorkflowHistory::from_json(&std::fs::read(&path)?)?.into_events().await?;
        let steps = history::activity_attempts(&events);
        ensure!(
            steps.len() == 1 && steps[0].0 == "BankActivities::check_balance",
            "{file}: steps {steps:?}, expected one balance check"
        );
        ensure!(
            history::count(&events, Event::ActivityTaskCompleted) == 1,
            "{file}: the balance check did not complete"
        );
        let failures = history::workflow_task_failures(&events);
        ensure!(
            !failures.is_empty() && failures.iter().all(|f| f.contains("ParseIntError")),
            "{file}: not Jerry's panic: {failures:?}"
        );
        transfers.push(StuckTransfer { file, events });
    }
    Ok(transfers)
}

/// Replays `transfer` with workflow `W` registered under the transfer's workflow type.
async fn replay<W>(transfer: &StuckTransfer) -> Result<(), WorkflowReplayError>
where
    W: WorkflowImplementation,
    <W::Run as WorkflowDefinition>::Input: Send,
{
    let options = WorkflowReplayerOptions::new().register_workflow::<W>().expect("a workflow registers").build();
    WorkflowReplayer::new(options)?.replay_workflow(transfer.history()).await
}

/// This package's workflow code takes the steps the stuck transfers already took, so a
/// worker running it carries them on: the check a hot fix must pass before it ships.
///
/// Jerry's code passes too. Replayed, it schedules the first balance check as recorded, then
/// panics when the result comes in, where it panicked for real. That activation is the first
/// one after the history's last completed workflow task: new work, not replay. The replayer
/// runs it and ends the replay there, reporting no failure (the panic message only shows in
/// the test's captured output). Code that took another step, or panicked while replaying
/// recorded steps, would fail here (`Nondeterminism`, `WorkflowTaskFailure`).
#[tokio::test]
async fn the_workflow_code_replays_jerrys_stuck_transfers() -> anyhow::Result<()> {
    for transfer in stuck_transfers().await? {
        if let Err(error) = replay::<TransferWorkflow>(&transfer).await {
            panic!("{}: this code does not take the steps this transfer took: {error}", transfer.file);
        }
    }
    Ok(())
}

/// A fix that adds a step before the first balance check: each stuck transfer's history has
/// the balance check there, so the replay fails, as a worker running this fix would.
#[tokio::test]
async fn a_step_added_before_the_recorded_ones_is_nondeterministic() -> anyhow::Result<()> {
    for transfer in stuck_transfers().await? {
        let outcome = replay::<ScreenFirst>(&transfer).await;
        let Err(WorkflowReplayError::Replay(WorkflowReplayFailure::Nondeterminism { message })) = &outcome else {
            panic!("{}: expected a non-determinism error, got {outcome:?}", transfer.file);
        };
        // Core's own message sits in quotes inside the SDK's wrapping.
        let error = message.split('"').find(|part| part.starts_with("[TMPRL1100]"));
        assert_eq!(error, Some(SCREEN_FIRST_ERROR), "{}: {message}", transfer.file);
        println!("{}: {SCREEN_FIRST_ERROR}", transfer.file);
    }
    Ok(())
}

/// The same step behind `ctx.patched`: the stuck transfers, which never recorded the patch,
/// replay on the old path. This is how to ship a change to the steps.
#[tokio::test]
async fn the_same_step_behind_a_patch_replays_cleanly() -> anyhow::Result<()> {
    for transfer in stuck_transfers().await? {
        let outcome = replay::<ScreenBehindPatch>(&transfer).await;
        assert!(outcome.is_ok(), "{}: {outcome:?}", transfer.file);
    }
    Ok(())
}
