//! What a *finished* transfer was and how it ended, read once from its event history and
//! kept: a closed workflow never changes, so the page's polling costs the server nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use temporalio_client::{Client, UntypedWorkflow, WorkflowFetchHistoryOptions};
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;

use contract::payload::from_payload;
use contract::{Step, TransferInput, innermost_message};

#[derive(Debug, Clone, Default)]
pub struct ClosedTransfer {
    pub input: Option<TransferInput>,
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
}

/// Closed transfers by run id.
#[derive(Clone, Default)]
pub struct ClosedCache(Arc<Mutex<HashMap<String, ClosedTransfer>>>);

impl ClosedCache {
    pub async fn get(&self, client: &Client, workflow_id: &str, run_id: &str) -> ClosedTransfer {
        if let Some(found) = self.0.lock().unwrap().get(run_id) {
            return found.clone();
        }
        match read(client, workflow_id).await {
            Ok(closed) => {
                self.0.lock().unwrap().insert(run_id.to_string(), closed.clone());
                closed
            }
            // Not cached: the next poll tries again.
            Err(error) => {
                ClosedTransfer { error: Some(format!("history not readable: {error}")), ..Default::default() }
            }
        }
    }
}

async fn read(client: &Client, workflow_id: &str) -> anyhow::Result<ClosedTransfer> {
    let handle = client.get_workflow_handle::<UntypedWorkflow>(workflow_id);
    let events = handle.fetch_history(WorkflowFetchHistoryOptions::default()).into_events().await?;
    let mut closed = ClosedTransfer::default();
    for event in events {
        match event.attributes {
            Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => {
                let input = started.input.as_ref().and_then(|p| p.payloads.first());
                closed.input = from_payload(input).ok();
            }
            Some(Attributes::WorkflowExecutionCompletedEventAttributes(done)) => {
                let result = done.result.as_ref().and_then(|p| p.payloads.first());
                closed.result = from_payload(result).ok();
            }
            Some(Attributes::WorkflowExecutionFailedEventAttributes(failed)) => {
                closed.error = failed.failure.as_ref().map(innermost_message);
            }
            Some(Attributes::WorkflowExecutionTerminatedEventAttributes(terminated)) => {
                closed.error = Some(format!("terminated: {}", terminated.reason));
            }
            Some(Attributes::WorkflowExecutionTimedOutEventAttributes(_)) => {
                closed.error = Some("timed out".into());
            }
            _ => {}
        }
    }
    Ok(closed)
}

/// The input a transfer was started with (its first event).
pub async fn started_with(client: &Client, workflow_id: &str) -> anyhow::Result<Option<TransferInput>> {
    let handle = client.get_workflow_handle::<UntypedWorkflow>(workflow_id);
    let events = handle.fetch_history(WorkflowFetchHistoryOptions::default()).into_events().await?;
    Ok(events.into_iter().find_map(|event| match event.attributes {
        Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => {
            from_payload(started.input.as_ref().and_then(|p| p.payloads.first())).ok()
        }
        _ => None,
    }))
}

/// What the history of a running transfer says when the transfer cannot say it itself (no
/// worker answers its Query, or its workflow code keeps failing).
#[derive(Debug, Default)]
pub struct FromHistory {
    pub input: Option<TransferInput>,
    /// The message of the latest workflow task failure, if any.
    pub task_failure: Option<String>,
    /// The steps whose activity completed: done, whatever happens next.
    pub completed_steps: Vec<Step>,
}

pub async fn running_transfer(client: &Client, workflow_id: &str) -> anyhow::Result<FromHistory> {
    let handle = client.get_workflow_handle::<UntypedWorkflow>(workflow_id);
    let events = handle.fetch_history(WorkflowFetchHistoryOptions::default()).into_events().await?;
    let mut found = FromHistory::default();
    let mut scheduled = HashMap::new(); // event id → activity type
    let mut completed = Vec::new(); // activity types, in the order they completed
    for event in events {
        match event.attributes {
            Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => {
                found.input = from_payload(started.input.as_ref().and_then(|p| p.payloads.first())).ok();
            }
            Some(Attributes::WorkflowTaskFailedEventAttributes(failed)) => {
                found.task_failure = failed.failure.as_ref().map(innermost_message);
            }
            Some(Attributes::ActivityTaskScheduledEventAttributes(activity)) => {
                scheduled.insert(event.event_id, activity.activity_type.map(|t| t.name).unwrap_or_default());
            }
            Some(Attributes::ActivityTaskCompletedEventAttributes(done)) => {
                completed.extend(scheduled.get(&done.scheduled_event_id).cloned());
            }
            _ => {}
        }
    }
    found.completed_steps = steps_done(&completed);
    Ok(found)
}

/// The transfer's steps run one after the other: the completed activities, matched in order
/// against the steps' activities, are the steps done.
fn steps_done(completed_activities: &[String]) -> Vec<Step> {
    let mut steps = Step::ALL.iter().copied().peekable();
    let mut done = Vec::new();
    for activity in completed_activities {
        if let Some(step) = steps.next_if(|step| activity.rsplit("::").next() == Some(step.activity())) {
            done.push(step);
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_activities_become_the_steps_done_in_order() {
        let names = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(steps_done(&[]), []);
        assert_eq!(steps_done(&names(&["BankActivities::check_balance"])), [Step::CheckBalanceFrom]);
        assert_eq!(
            steps_done(&names(&["check_balance", "check_balance", "withdraw"])),
            [Step::CheckBalanceFrom, Step::CheckBalanceTo, Step::Withdraw]
        );
        assert_eq!(steps_done(&names(&["withdraw"])), [], "a step is done only after the ones before it");
    }
}
