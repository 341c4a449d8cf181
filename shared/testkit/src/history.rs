//! Reading a workflow's event history from the server.

use temporalio_client::{Client, UntypedWorkflow, WorkflowFetchHistoryOptions};
use temporalio_common::protos::temporal::api::enums::v1::EventType;
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;

/// All events of the latest run of `workflow_id`.
pub async fn events(client: &Client, workflow_id: &str) -> anyhow::Result<Vec<HistoryEvent>> {
    let handle = client.get_workflow_handle::<UntypedWorkflow>(workflow_id);
    Ok(handle.fetch_history(WorkflowFetchHistoryOptions::default()).into_events().await?)
}

/// How many events of `kind` the history holds.
pub fn count(events: &[HistoryEvent], kind: EventType) -> usize {
    events.iter().filter(|event| event.event_type() == kind).count()
}

pub use temporalio_common::protos::temporal::api::enums::v1::EventType as Event;
