//! Reading what happened from Temporal: visibility counts and listings, event histories.

use std::collections::BTreeSet;

use futures::TryStreamExt;
use temporalio_client::{
    Client, NamespacedClient, UntypedWorkflow, WorkflowCountOptions, WorkflowExecution, WorkflowExecutionInfo,
    WorkflowFetchHistoryOptions, WorkflowListOptions,
};
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;

pub async fn count(client: &Client, query: &str) -> anyhow::Result<usize> {
    Ok(client.count_workflows(query, WorkflowCountOptions::default()).await?.count())
}

pub async fn list(client: &Client, query: &str, limit: usize) -> anyhow::Result<Vec<WorkflowExecution>> {
    let options = WorkflowListOptions::builder().limit(limit).build();
    let mut runs: Vec<WorkflowExecution> = client.list_workflows(query, options).try_collect().await?;
    runs.sort_by_key(|run| std::cmp::Reverse(run.start_time()));
    Ok(runs)
}

/// The events of one run; `run_id` `None` means the latest run. `Ok(None)`: no such workflow.
pub async fn events(
    client: &Client,
    workflow_id: &str,
    run_id: Option<&str>,
) -> anyhow::Result<Option<Vec<HistoryEvent>>> {
    let handle = match run_id {
        Some(run_id) => WorkflowExecutionInfo::builder()
            .namespace(client.namespace())
            .workflow_id(workflow_id)
            .run_id(run_id)
            .build()
            .bind_untyped(client.clone()),
        None => client.get_workflow_handle::<UntypedWorkflow>(workflow_id),
    };
    match handle.fetch_history(WorkflowFetchHistoryOptions::default()).into_events().await {
        Ok(events) => Ok(Some(events)),
        Err(error) if format!("{error:?}").contains("NotFound") => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// The worker identities that ran workflow tasks and activities in a history.
pub fn worker_identities(events: &[HistoryEvent]) -> BTreeSet<String> {
    events
        .iter()
        .filter_map(|event| match &event.attributes {
            Some(Attributes::WorkflowTaskCompletedEventAttributes(a)) => Some(a.identity.clone()),
            Some(Attributes::ActivityTaskStartedEventAttributes(a)) => Some(a.identity.clone()),
            _ => None,
        })
        .filter(|identity| !identity.is_empty())
        .collect()
}

/// The highest attempt number any activity of the history started with.
pub fn max_activity_attempt(events: &[HistoryEvent]) -> i32 {
    events
        .iter()
        .filter_map(|event| match &event.attributes {
            Some(Attributes::ActivityTaskStartedEventAttributes(a)) => Some(a.attempt),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// How the run of a history ended; `None` while it runs.
pub fn closed_as(events: &[HistoryEvent]) -> Option<&'static str> {
    events.iter().rev().find_map(|event| match &event.attributes {
        Some(Attributes::WorkflowExecutionCompletedEventAttributes(_)) => Some("Completed"),
        Some(Attributes::WorkflowExecutionFailedEventAttributes(_)) => Some("Failed"),
        Some(Attributes::WorkflowExecutionTerminatedEventAttributes(_)) => Some("Terminated"),
        Some(Attributes::WorkflowExecutionCanceledEventAttributes(_)) => Some("Canceled"),
        Some(Attributes::WorkflowExecutionTimedOutEventAttributes(_)) => Some("TimedOut"),
        Some(Attributes::WorkflowExecutionContinuedAsNewEventAttributes(_)) => Some("ContinuedAsNew"),
        _ => None,
    })
}
