//! The JSON the page receives: one shape per thing it draws.

use std::collections::BTreeMap;

use bank::Cents;
use serde::Serialize;

use contract::{Step, TransferState};

/// One account as the page's account list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    /// The account's id (`account_A`).
    pub account_number: String,
    /// What it holds now.
    pub balance: Cents,
}

/// One transfer workflow, running or finished.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowView {
    /// The transfer's workflow id, the key the page and the Web UI link by.
    pub workflow_id: String,
    /// RUNNING, COMPLETED, FAILED, TERMINATED, CANCELED, TIMED_OUT.
    pub status: String,
    /// When it started (RFC 3339, UTC).
    pub start_time: Option<String>,
    /// When it closed; `None` while running.
    pub close_time: Option<String>,
    /// The paying account, from the input (when it could be read).
    pub from_account: Option<String>,
    /// The receiving account, from the input.
    pub to_account: Option<String>,
    /// The amount, from the input.
    pub amount: Option<Cents>,
    /// The `get_state` Query's answer; only asked of running workflows.
    pub state: Option<TransferState>,
    /// The workflow's result as JSON, once completed.
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
    /// This transfer's page in the Temporal Web UI, when the server has one.
    pub web_ui_url: Option<String>,
}

/// The activity Temporal is retrying, as the page's retry badge shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PendingActivityView {
    /// The step's activity, without its `BankActivities::` prefix.
    pub activity_type: String,
    /// Which attempt is under way or next (1 is the first).
    pub attempt: i32,
    /// The innermost message of the last attempt's failure.
    pub last_failure: Option<String>,
    /// Seconds until the next attempt, when one is scheduled.
    pub next_retry_in_secs: Option<f64>,
}

/// A workflow task that keeps failing: the workflow's own code, not a step.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowTaskView {
    /// How many times Temporal has tried the task.
    pub attempt: i32,
}

/// A transfer seen from one account.
#[derive(Debug, Clone, Serialize)]
pub struct AccountWorkflowView {
    /// The transfer itself, as in the list of all transfers.
    #[serde(flatten)]
    pub workflow: WorkflowView,
    /// "sent" or "received".
    pub direction: &'static str,
    /// The other account: the receiver of a sent transfer, the payer of a received one.
    pub counterparty: Option<String>,
}

/// An account's history in totals, under its list of transfers.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSummary {
    /// Completed transfers only: money that really moved.
    pub total_sent: Cents,
    /// Completed transfers only: money that came in.
    pub total_received: Cents,
    /// Received less sent.
    pub net_change: Cents,
    /// How many transfers by status (`"COMPLETED"`, `"FAILED"`, …).
    pub counts: BTreeMap<String, usize>,
}

impl AccountSummary {
    /// The totals of these transfers, all of one account.
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
