//! Where a workflow's time goes, read from its history: each gap between two consecutive
//! events is charged to the phase the later event ends. The transfer's steps run one after
//! the other, so the phases add up to its run time (started → completed).

use std::time::Duration;

use temporalio_client::Client;
use temporalio_common::protos::temporal::api::enums::v1::EventType;
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;

/// The phases, in the order a transfer goes through them.
pub const PHASES: [&str; 6] = [
    "workflow task waits for a worker (scheduled → started, or → timed out)",
    "workflow task on the worker (started → completed)",
    "activity waits for a worker (scheduled → started)",
    "activity runs (started → completed)",
    "activity completed → next workflow task scheduled",
    "other",
];

/// Mean time per workflow in each phase, and the mean run time.
#[derive(Debug, Clone, Default)]
pub struct Breakdown {
    pub phases: [Duration; PHASES.len()],
    pub run_time: Duration,
    pub workflow_tasks: f64,
    /// Workflow tasks that waited longer than the sticky queue allows and went to any worker.
    pub workflow_task_timeouts: f64,
    pub workflows: usize,
}

pub async fn of(client: &Client, workflow_ids: &[String]) -> anyhow::Result<Breakdown> {
    let mut total = Breakdown::default();
    for id in workflow_ids {
        let events = testkit::history::events(client, id).await?;
        add(&mut total, &events);
    }
    let n = total.workflows.max(1) as u32;
    total.phases.iter_mut().for_each(|phase| *phase /= n);
    total.run_time /= n;
    total.workflow_tasks /= n as f64;
    total.workflow_task_timeouts /= n as f64;
    Ok(total)
}

fn add(total: &mut Breakdown, events: &[HistoryEvent]) {
    for pair in events.windows(2) {
        total.phases[phase(pair[1].event_type())] += gap(&pair[0], &pair[1]);
    }
    if let (Some(first), Some(last)) = (events.first(), events.last()) {
        total.run_time += gap(first, last);
    }
    let count = |kind: EventType| events.iter().filter(|e| e.event_type() == kind).count() as f64;
    total.workflow_tasks += count(EventType::WorkflowTaskCompleted);
    total.workflow_task_timeouts += count(EventType::WorkflowTaskTimedOut);
    total.workflows += 1;
}

fn phase(ended_by: EventType) -> usize {
    match ended_by {
        EventType::WorkflowTaskStarted | EventType::WorkflowTaskTimedOut => 0,
        EventType::WorkflowTaskCompleted => 1,
        EventType::ActivityTaskStarted => 2,
        EventType::ActivityTaskCompleted => 3,
        EventType::WorkflowTaskScheduled => 4,
        _ => 5,
    }
}

fn gap(earlier: &HistoryEvent, later: &HistoryEvent) -> Duration {
    let at = |e: &HistoryEvent| e.event_time.map_or(0, |t| t.seconds as i128 * 1_000_000_000 + t.nanos as i128);
    Duration::from_nanos((at(later) - at(earlier)).max(0) as u64)
}

#[cfg(test)]
mod tests {
    use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;

    use super::*;

    fn event(kind: EventType, at_ms: i64) -> HistoryEvent {
        let mut event =
            HistoryEvent { event_type: kind as i32, event_time: Some(Default::default()), ..Default::default() };
        let time = event.event_time.as_mut().expect("just set");
        (time.seconds, time.nanos) = (at_ms / 1000, (at_ms % 1000) as i32 * 1_000_000);
        event
    }

    #[test]
    fn each_gap_goes_to_the_phase_its_later_event_ends() {
        use EventType::*;
        let events = [
            event(WorkflowExecutionStarted, 1000),
            event(WorkflowTaskScheduled, 1000),
            event(WorkflowTaskStarted, 1030),   // 30 ms waiting for a worker
            event(WorkflowTaskCompleted, 1040), // 10 ms on the worker
            event(ActivityTaskScheduled, 1040),
            event(ActivityTaskStarted, 1041),   // 1 ms waiting
            event(ActivityTaskCompleted, 1061), // 20 ms running
            event(WorkflowTaskScheduled, 1062),
            event(WorkflowTaskStarted, 1070),
            event(WorkflowTaskCompleted, 1075),
            event(WorkflowExecutionCompleted, 1075),
        ];
        let mut total = Breakdown::default();
        add(&mut total, &events);
        let ms = |n| Duration::from_millis(n);
        assert_eq!(total.phases, [ms(38), ms(15), ms(1), ms(20), ms(1), ms(0)]);
        assert_eq!(total.run_time, ms(75));
        assert_eq!(total.phases.iter().sum::<Duration>(), total.run_time);
        assert_eq!(total.workflow_tasks, 2.0);
    }
}
