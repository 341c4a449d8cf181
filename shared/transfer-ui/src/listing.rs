//! Reading transfers back from Temporal, cheaply enough for a page that polls every second:
//! one visibility listing, then, concurrently and bounded, a describe and a Query for each
//! *running* transfer; finished ones come from a cache of their histories.

use std::time::{Duration, SystemTime};

use futures::{StreamExt, TryStreamExt};
use temporalio_client::{
    Client, UntypedQuery, UntypedWorkflow, WorkflowDescribeOptions, WorkflowExecution, WorkflowExecutionStatus,
    WorkflowListOptions, WorkflowQueryOptions,
};
use temporalio_common::data_converters::RawValue;

use crate::history::{ClosedCache, running_transfer};
use crate::views::{PendingActivityView, WorkflowTaskView, WorkflowView};
use contract::payload::from_payload;
use contract::{FROM_ACCOUNT, TO_ACCOUNT, TransferState};
use workshop::Module;

/// How many describe/Query calls run at once.
const CONCURRENCY: usize = 16;
/// The page shows at most this many transfers.
pub const MAX_LISTED: usize = 1000;
/// How long a Query may take before the page shows the transfer without its state.
const QUERY_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Listing {
    client: Client,
    module: Module,
    web_ui: Option<(String, String)>, // (base URL, namespace)
    closed: ClosedCache,
}

impl Listing {
    pub fn new(client: Client, module: Module, web_ui_url: Option<String>, namespace: String) -> Self {
        Self { client, module, web_ui: web_ui_url.map(|url| (url, namespace)), closed: ClosedCache::default() }
    }

    /// Transfers of this module, newest first; `filter` narrows the visibility query.
    pub async fn transfers(&self, filter: Option<&str>) -> anyhow::Result<Vec<WorkflowView>> {
        let mut query = format!("WorkflowType = '{}'", self.module.workflow_type);
        if let Some(filter) = filter {
            query = format!("{query} AND ({filter})");
        }
        let options = WorkflowListOptions::builder().limit(MAX_LISTED).build();
        let mut executions: Vec<WorkflowExecution> = self.client.list_workflows(query, options).try_collect().await?;
        executions.sort_by_key(|e| std::cmp::Reverse(e.start_time()));
        let views = futures::stream::iter(executions).map(|e| self.view(e)).buffered(CONCURRENCY);
        Ok(views.collect().await)
    }

    /// One transfer by workflow id, if it is one of this module's.
    pub async fn transfer(&self, workflow_id: &str) -> anyhow::Result<Option<WorkflowView>> {
        let escaped = workflow_id.replace('\\', "\\\\").replace('\'', "\\'");
        Ok(self.transfers(Some(&format!("WorkflowId = '{escaped}'"))).await?.into_iter().next())
    }

    async fn view(&self, execution: WorkflowExecution) -> WorkflowView {
        let attributes = execution.search_attributes();
        let mut view = WorkflowView {
            workflow_id: execution.id().to_string(),
            status: status_name(execution.status()).to_string(),
            start_time: execution.start_time().map(rfc3339),
            close_time: execution.close_time().map(rfc3339),
            from_account: attributes.get(&FROM_ACCOUNT),
            to_account: attributes.get(&TO_ACCOUNT),
            amount: None,
            state: None,
            result: None,
            error: None,
            pending_activity: None,
            workflow_task_failing: None,
            history_completed_steps: None,
            web_ui_url: self.web_ui.as_ref().map(|(url, ns)| workshop::web_ui::workflow_link(url, ns, execution.id())),
        };
        if execution.status() == WorkflowExecutionStatus::Running {
            self.add_live_state(&mut view).await;
        } else {
            let closed = self.closed.get(&self.client, execution.id(), execution.run_id()).await;
            if let Some(input) = closed.input {
                view.from_account.get_or_insert(input.from_account);
                view.to_account.get_or_insert(input.to_account);
                view.amount = Some(input.amount);
            }
            (view.result, view.error) = (closed.result, closed.error);
        }
        view
    }

    /// A running transfer: its own account of its progress (Query) and the server's view of
    /// what is being retried (describe), asked at the same time.
    async fn add_live_state(&self, view: &mut WorkflowView) {
        let handle = self.client.get_workflow_handle::<UntypedWorkflow>(view.workflow_id.clone());
        let query = handle.query(
            UntypedQuery::<UntypedWorkflow>::new("get_state"),
            RawValue::new(vec![]),
            WorkflowQueryOptions::default(),
        );
        // Without a worker nobody can answer a Query: give up quickly, the page polls again.
        let query = tokio::time::timeout(QUERY_TIMEOUT, query);
        let describe = handle.describe(WorkflowDescribeOptions::default());
        let (state, description) = tokio::join!(query, describe);
        let state = match state {
            Ok(answer) => answer.map_err(anyhow::Error::from),
            Err(_) => Err(anyhow::anyhow!(
                "no worker answered within {QUERY_TIMEOUT:?}: is a worker running? (cargo run -p {} -- worker)",
                self.module.name
            )),
        };

        match state.and_then(|raw| from_payload::<TransferState>(raw.payloads.first())) {
            Ok(state) => {
                if let Some(input) = &state.input {
                    view.amount = Some(input.amount);
                    view.from_account.get_or_insert(input.from_account.clone());
                    view.to_account.get_or_insert(input.to_account.clone());
                }
                view.state = Some(state);
            }
            Err(error) => view.error = Some(format!("get_state Query failed: {error}")),
        }
        if let Ok(description) = description {
            let raw = description.raw();
            view.pending_activity = raw.pending_activities.first().map(|activity| PendingActivityView {
                activity_type: activity.activity_type.as_ref().map(|t| short_name(&t.name)).unwrap_or_default(),
                attempt: activity.attempt,
                last_failure: activity.last_failure.as_ref().map(contract::innermost_message),
                next_retry_in_secs: activity
                    .next_attempt_schedule_time
                    .as_ref()
                    .map(|at| seconds_from_now(at.seconds, at.nanos)),
            });
            view.workflow_task_failing = raw
                .pending_workflow_task
                .as_ref()
                .filter(|task| task.attempt > 1)
                .map(|task| WorkflowTaskView { attempt: task.attempt });
        }
        if view.state.is_none() || view.workflow_task_failing.is_some() {
            // The transfer cannot tell (no worker answers, or its code fails; a Query then shows
            // the state before the failing task): the amount, the steps done, and why, from history.
            if let Ok(history) = running_transfer(&self.client, &view.workflow_id).await {
                view.amount = view.amount.or(history.input.map(|i| i.amount));
                view.history_completed_steps = Some(history.completed_steps);
                if view.workflow_task_failing.is_some() {
                    view.error = history.task_failure.map(|message| format!("workflow task failed: {message}"));
                }
            }
        }
    }
}

/// "BankActivities::withdraw" → "withdraw": the step name the page knows.
fn short_name(activity_type: &str) -> String {
    activity_type.rsplit("::").next().unwrap_or(activity_type).to_string()
}

pub fn status_name(status: WorkflowExecutionStatus) -> &'static str {
    match status {
        WorkflowExecutionStatus::Running => "RUNNING",
        WorkflowExecutionStatus::Completed => "COMPLETED",
        WorkflowExecutionStatus::Failed => "FAILED",
        WorkflowExecutionStatus::Canceled => "CANCELED",
        WorkflowExecutionStatus::Terminated => "TERMINATED",
        WorkflowExecutionStatus::TimedOut => "TIMED_OUT",
        WorkflowExecutionStatus::ContinuedAsNew => "CONTINUED_AS_NEW",
        _ => "UNKNOWN",
    }
}

/// `2026-11-23T14:43:00.848Z`. Written out here rather than with a date crate, whose features
/// would differ between packages and make cargo rebuild the Temporal SDK for each module.
fn rfc3339(time: SystemTime) -> String {
    let since_epoch = time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let (days, secs) = ((since_epoch.as_secs() / 86_400) as i64, since_epoch.as_secs() % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s, ms) = (secs / 3600, secs / 60 % 60, secs % 60, since_epoch.subsec_millis());
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

fn seconds_from_now(seconds: i64, nanos: i32) -> f64 {
    let at = SystemTime::UNIX_EPOCH + Duration::new(seconds.max(0) as u64, nanos.max(0) as u32);
    at.duration_since(SystemTime::now()).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_timestamps() {
        let at = |secs: u64, ms: u64| rfc3339(SystemTime::UNIX_EPOCH + Duration::from_millis(secs * 1000 + ms));
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(at(1_795_444_980, 848), "2026-11-23T14:43:00.848Z");
        assert_eq!(at(4_107_542_399, 999), "2100-02-28T23:59:59.999Z");
    }
}
