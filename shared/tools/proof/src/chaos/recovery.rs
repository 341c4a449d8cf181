//! Recovery times, read from the histories after the run: from the moment an outage healed to
//! the next piece of work that had to cross the healed path, as the server recorded it.
//!
//! - the worker ↔ server: the next workflow task or activity the worker completed;
//! - the worker ↔ account API: the next activity completed (every activity calls the bank);
//! - the bank's full disk: the next withdrawal or deposit completed (reads never stopped);
//! - the UI ↔ server: the next transfer the UI started.

use std::time::SystemTime;

use futures::{StreamExt, TryStreamExt};
use temporalio_client::Client;
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use testkit::history::{Event, events};

use super::{Link, Outage, OutageRecord};

/// A piece of work the server recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Work {
    WorkflowStarted,
    WorkflowTaskCompleted,
    /// An activity completed; `moves_money` for a withdrawal or deposit.
    ActivityCompleted {
        moves_money: bool,
    },
}

impl Outage {
    /// Whether `work` had to cross the path this outage broke.
    pub(super) fn crossed_by(self, work: Work) -> bool {
        match self {
            Outage::Cut(Link::WorkerServer) | Outage::Blackhole(Link::WorkerServer) => {
                matches!(work, Work::WorkflowTaskCompleted | Work::ActivityCompleted { .. })
            }
            Outage::Cut(Link::WorkerBank) | Outage::Blackhole(Link::WorkerBank) => {
                matches!(work, Work::ActivityCompleted { .. })
            }
            Outage::DiskFull => work == Work::ActivityCompleted { moves_money: true },
            Outage::Cut(Link::UiServer) | Outage::Blackhole(Link::UiServer) => work == Work::WorkflowStarted,
        }
    }
}

/// Fills in each record's recovery time from the histories of the workflows `ids`; answers
/// the most attempts one activity took (Temporal waits twice as long before each retry, so
/// the unluckiest activity decides when the last transfer closes).
pub(super) async fn measure(client: &Client, ids: &[String], records: &mut [OutageRecord]) -> anyhow::Result<i32> {
    let histories: Vec<Vec<HistoryEvent>> =
        futures::stream::iter(ids).map(|id| events(client, id)).buffer_unordered(8).try_collect().await?;
    let most_attempts = histories
        .iter()
        .flatten()
        .filter_map(|event| match &event.attributes {
            Some(Attributes::ActivityTaskStartedEventAttributes(a)) => Some(a.attempt),
            _ => None,
        })
        .max()
        .unwrap_or_default();
    let mut done: Vec<(SystemTime, Work)> = histories.iter().flat_map(|history| work_in(history)).collect();
    done.sort_by_key(|(at, _)| *at);
    for record in records {
        record.recovery = done
            .iter()
            .find(|(at, work)| *at >= record.healed && record.outage.crossed_by(*work))
            .map(|(at, _)| at.duration_since(record.healed).unwrap_or_default());
    }
    Ok(most_attempts)
}

/// The work one history records, with the server's time for each.
pub(super) fn work_in(history: &[HistoryEvent]) -> Vec<(SystemTime, Work)> {
    let activity = |scheduled: i64| {
        history.iter().find(|e| e.event_id == scheduled).and_then(|e| match &e.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => a.activity_type.as_ref().map(|t| &t.name),
            _ => None,
        })
    };
    history
        .iter()
        .filter_map(|event| {
            let at = testkit::history::time_of(event)?;
            let work = match (&event.attributes, event.event_type()) {
                (_, Event::WorkflowExecutionStarted) => Work::WorkflowStarted,
                (_, Event::WorkflowTaskCompleted) => Work::WorkflowTaskCompleted,
                (Some(Attributes::ActivityTaskCompletedEventAttributes(a)), _) => {
                    // "BankActivities::withdraw"
                    let name = activity(a.scheduled_event_id).and_then(|name| name.rsplit("::").next());
                    Work::ActivityCompleted { moves_money: matches!(name, Some("withdraw" | "deposit")) }
                }
                _ => return None,
            };
            Some((at, work))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_outage_waits_for_work_over_its_own_path() {
        let money = Work::ActivityCompleted { moves_money: true };
        let balance = Work::ActivityCompleted { moves_money: false };
        let silent_worker = Outage::Blackhole(Link::WorkerServer);
        assert!(silent_worker.crossed_by(Work::WorkflowTaskCompleted) && silent_worker.crossed_by(balance));
        assert!(!silent_worker.crossed_by(Work::WorkflowStarted), "the UI starts transfers without the worker");
        assert!(Outage::Cut(Link::WorkerBank).crossed_by(balance));
        assert!(!Outage::Cut(Link::WorkerBank).crossed_by(Work::WorkflowTaskCompleted));
        assert!(Outage::DiskFull.crossed_by(money) && !Outage::DiskFull.crossed_by(balance), "reads never stopped");
        assert!(Outage::Cut(Link::UiServer).crossed_by(Work::WorkflowStarted));
        assert!(!Outage::Cut(Link::UiServer).crossed_by(money));
    }
}
