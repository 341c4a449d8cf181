//! Reading a workflow's event history from the server.

use temporalio_client::{Client, UntypedWorkflow, WorkflowFetchHistoryOptions};
use temporalio_common::protos::temporal::api::enums::v1::EventType;
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;

/// All events of the latest run of `workflow_id`.
pub async fn events(client: &Client, workflow_id: &str) -> anyhow::Result<Vec<HistoryEvent>> {
    let handle = client.get_workflow_handle::<UntypedWorkflow>(workflow_id);
    Ok(handle.fetch_history(WorkflowFetchHistoryOptions::default()).into_events().await?)
}

/// The server's time of `event`.
pub fn time_of(event: &HistoryEvent) -> Option<std::time::SystemTime> {
    event.event_time.as_ref().and_then(|at| system_time(at.seconds, at.nanos))
}

/// A protobuf timestamp's seconds and nanoseconds as a time (`None` before 1970).
pub fn system_time(seconds: i64, nanos: i32) -> Option<std::time::SystemTime> {
    let since_epoch = std::time::Duration::new(u64::try_from(seconds).ok()?, u32::try_from(nanos).ok()?);
    Some(std::time::UNIX_EPOCH + since_epoch)
}

/// How many events of `kind` the history holds.
pub fn count(events: &[HistoryEvent], kind: EventType) -> usize {
    events.iter().filter(|event| event.event_type() == kind).count()
}

pub use temporalio_common::protos::temporal::api::enums::v1::EventType as Event;

use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;

/// For each activity that started, its type and the attempt that the history recorded
/// (the server writes one Started event per activity, carrying the final attempt number).
pub fn activity_attempts(events: &[HistoryEvent]) -> Vec<(String, i32)> {
    let scheduled_type = |id: i64| {
        events.iter().find(|e| e.event_id == id).and_then(|e| match &e.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => {
                a.activity_type.as_ref().map(|t| t.name.clone())
            }
            _ => None,
        })
    };
    events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskStartedEventAttributes(a)) => {
                Some((scheduled_type(a.scheduled_event_id).unwrap_or_default(), a.attempt))
            }
            _ => None,
        })
        .collect()
}

/// For each activity the workflow scheduled, its type and the start-to-close timeout it gave.
pub fn activity_timeouts(events: &[HistoryEvent]) -> Vec<(String, Option<std::time::Duration>)> {
    events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => Some((
                a.activity_type.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
                a.start_to_close_timeout.and_then(|d| std::time::Duration::try_from(d).ok()),
            )),
            _ => None,
        })
        .collect()
}

/// The messages of the workflow task failures in the history, oldest first.
pub fn workflow_task_failures(events: &[HistoryEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.attributes {
            Some(Attributes::WorkflowTaskFailedEventAttributes(a)) => a.failure.as_ref().map(|f| f.message.clone()),
            _ => None,
        })
        .collect()
}
