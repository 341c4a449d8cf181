//! Transfers a bad deploy failed, and their way back: a reset starts a new run of the same
//! workflow id from a point of its history, on the code the workers run now. The module 4
//! check reads what happened; its solve resets as `temporal workflow reset` does.

use std::collections::HashMap;

use anyhow::Context;
use temporalio_client::tonic::IntoRequest;
use temporalio_client::{Client, NamespacedClient, UntypedWorkflow, WorkflowDescribeOptions};
use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_common::protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_common::protos::temporal::api::workflowservice::v1::ResetWorkflowExecutionRequest;

use crate::temporal;

/// How many transfers a check reads the history of, at most: a check must stay fast.
const HISTORIES_READ: usize = 20;

/// A transfer whose latest run was failed by its own workflow code, with the failure's message.
pub struct FailedTransfer {
    pub workflow_id: String,
    pub message: String,
}

/// Where the new run starts, named as `temporal workflow reset --type` names it.
#[derive(Clone, Copy, Debug)]
pub enum ResetPoint {
    FirstWorkflowTask,
    LastWorkflowTask,
}

/// Transfers of `workflow_type` whose latest run the workflow code failed, newest first.
/// Failures where the bank refused a step (no money, no such account) are the business's
/// answer, not a bug: a reset would only repeat them.
pub async fn failed_by_code(client: &Client, workflow_type: &str) -> anyhow::Result<Vec<FailedTransfer>> {
    let query = format!("WorkflowType = '{workflow_type}' AND ExecutionStatus = 'Failed'");
    let runs = temporal::list(client, &query, 500).await?;
    let mut found = Vec::new();
    for id in distinct_ids(runs.iter().map(|run| run.id())).into_iter().take(HISTORIES_READ) {
        if let Some(events) = temporal::events(client, &id, None).await?
            && let Some(message) = code_failure(&events)
        {
            found.push(FailedTransfer { workflow_id: id, message });
        }
    }
    Ok(found)
}

/// Running transfers of `workflow_type` whose workflow task keeps failing (a panic in the
/// workflow code). After a fix they wait for their next attempt, which Temporal spaces out
/// more the longer the task fails (up to 10 minutes); a reset runs them at once.
pub async fn stuck_on_workflow_task(client: &Client, workflow_type: &str) -> anyhow::Result<Vec<String>> {
    let query = format!("WorkflowType = '{workflow_type}' AND ExecutionStatus = 'Running'");
    let runs = temporal::list(client, &query, 500).await?;
    let mut stuck = Vec::new();
    for id in distinct_ids(runs.iter().map(|run| run.id())).into_iter().take(HISTORIES_READ) {
        let handle = client.get_workflow_handle::<UntypedWorkflow>(id.as_str());
        let Ok(description) = handle.describe(WorkflowDescribeOptions::default()).await else { continue };
        if description.raw().pending_workflow_task.as_ref().is_some_and(|task| task.attempt > 1) {
            stuck.push(id);
        }
    }
    Ok(stuck)
}

/// A transfer of `workflow_type` whose latest run was started by a reset and completed.
pub async fn completed_after_reset(client: &Client, workflow_type: &str) -> anyhow::Result<Option<String>> {
    let runs = temporal::list(client, &format!("WorkflowType = '{workflow_type}'"), 1000).await?;
    // A reset leaves at least two runs under one workflow id.
    let mut runs_of: HashMap<&str, usize> = HashMap::new();
    for run in &runs {
        *runs_of.entry(run.id()).or_default() += 1;
    }
    let repeated = distinct_ids(runs.iter().map(|run| run.id()).filter(|id| runs_of[id] > 1));
    for id in repeated.into_iter().take(HISTORIES_READ) {
        if let Some(events) = temporal::events(client, &id, None).await?
            && temporal::closed_as(&events) == Some("Completed")
            && started_by_reset(&events)
        {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The failure message of a run that its workflow code failed: it failed, and no step of it
/// failed for good (a refused step fails the workflow too, as the business's answer).
pub fn code_failure(events: &[HistoryEvent]) -> Option<String> {
    let step_refused =
        events.iter().any(|event| matches!(event.attributes, Some(Attributes::ActivityTaskFailedEventAttributes(_))));
    if step_refused {
        return None;
    }
    events.iter().rev().find_map(|event| match &event.attributes {
        Some(Attributes::WorkflowExecutionFailedEventAttributes(a)) => {
            Some(a.failure.as_ref().map(|f| f.message.clone()).unwrap_or_default())
        }
        _ => None,
    })
}

/// A reset run carries the history up to its reset point, then a workflow task failed with
/// the cause "reset workflow": where the old run ends and the new one begins.
pub fn started_by_reset(events: &[HistoryEvent]) -> bool {
    events.iter().any(|event| match &event.attributes {
        Some(Attributes::WorkflowTaskFailedEventAttributes(a)) => a.cause() == WorkflowTaskFailedCause::ResetWorkflow,
        _ => false,
    })
}

/// Resets the latest run of `workflow_id` to `point`, as `temporal workflow reset --type`
/// does; returns the new run's id.
pub async fn reset(client: &Client, workflow_id: &str, point: ResetPoint, reason: &str) -> anyhow::Result<String> {
    let events = temporal::events(client, workflow_id, None).await?.with_context(|| format!("no {workflow_id}"))?;
    let mut completed_tasks = events.iter().filter_map(|event| match event.attributes {
        Some(Attributes::WorkflowTaskCompletedEventAttributes(_)) => Some(event.event_id),
        _ => None,
    });
    let event_id = match point {
        ResetPoint::FirstWorkflowTask => completed_tasks.next(),
        ResetPoint::LastWorkflowTask => completed_tasks.next_back(),
    }
    .with_context(|| format!("{workflow_id} has no completed workflow task to reset to"))?;
    let request = ResetWorkflowExecutionRequest {
        namespace: client.namespace(),
        workflow_execution: Some(WorkflowExecution { workflow_id: workflow_id.into(), run_id: String::new() }),
        reason: reason.into(),
        workflow_task_finish_event_id: event_id,
        request_id: format!("lab-reset-{workflow_id}-{event_id}-{}", std::process::id()),
        ..Default::default()
    };
    let response = client
        .connection()
        .workflow_service()
        .reset_workflow_execution(request.into_request())
        .await
        .with_context(|| format!("resetting {workflow_id} to {point:?}"))?;
    Ok(response.into_inner().run_id)
}

/// The ids in their first order, each once.
fn distinct_ids<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = Vec::new();
    for id in ids {
        if !seen.iter().any(|known: &String| known == id) {
            seen.push(id.to_string());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_first_order_once() {
        assert_eq!(distinct_ids(["b", "a", "b", "c", "a"].into_iter()), ["b", "a", "c"]);
    }
}
