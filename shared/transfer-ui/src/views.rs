//! The JSON the page receives: one shape per thing it draws.

use std::collections::BTreeMap;

use bank::Cents;
use serde::Serialize;

use contract::{Step, TransferState};

#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    pub account_number: String,
    pub balance: Cents,
}

/// One transfer workflow, running or finished.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowView {
    pub workflow_id: String,
    /// RUNNING, COMPLETED, FAILED, TERMINATED, CANCELED, TIMED_OUT.
    pub status: String,
    pub start_time: Option<String>,
    pub close_time: Option<String>,
    pub from_account: Option<String>,
    pub to_account: Option<String>,
    pub amount: Option<Cents>,
    /// The `get_state` Query's answer; only asked of running workflows.
    pub state: Option<TransferState>,
    pub result: Option<serde_json::Value>,
    /// Why it failed, or why the Query could not be answered while running.
    pub error: Option<String>,
    /// The step Temporal is retrying right now, from the server's pending-activity info.
    pub pending_activity: Option<PendingActivityView>,
    /// Set when the workflow's own code keeps failing (a workflow task, not an activity).
    pub workflow_task_failing: Option<WorkflowTaskView>,
    /// The steps the event history proves done (their activity completed), when the transfer
    /// cannot tell: no worker answers its Query, or its workflow task keeps failing.
    pub history_completed_steps: Option<Vec<Step>>,
    pub web_ui_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PendingActivityView {
    pub activity_type: String,
    pub attempt: i32,
    pub last_failure: Option<String>,
    pub next_retry_in_secs: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkflowTaskView {
    pub attempt: i32,
}

/// A transfer seen from one account.
#[derive(Debug, Clone, Serialize)]
pub struct AccountWorkflowView {
    #[serde(flatten)]
    pub workflow: WorkflowView,
    /// "sent" or "received".
    pub direction: &'static str,
    pub counterparty: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountSummary {
    /// Completed transfers only: money that really moved.
    pub total_sent: Cents,
    pub total_received: Cents,
    pub net_change: Cents,
    pub counts: BTreeMap<String, usize>,
}

impl AccountSummary {
    pub fn of(transfers: &[AccountWorkflowView]) -> Self {
        let mut summary = Self {
            total_sent: Cents::ZERO,
            total_received: Cents::ZERO,
            net_change: Cents::ZERO,
            counts: BTreeMap::new(),
        };
        for transfer in transfers {
            *summary.counts.entry(transfer.workflow.status.clone()).or_default() += 1;
            let amount = match (transfer.workflow.status.as_str(), transfer.workflow.amount) {
                ("COMPLETED", Some(amount)) => amount,
                _ => continue,
            };
            match transfer.direction {
                "sent" => summary.total_sent = summary.total_sent + amount,
                _ => summary.total_received = summary.total_received + amount,
            }
        }
        summary.net_change = summary.total_received - summary.total_sent;
        summary
    }
}
