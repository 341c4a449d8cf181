//! Small questions a starter asks the server about a workflow.

use temporalio_client::{Client, UntypedWorkflow, WorkflowDescribeOptions, WorkflowExecutionStatus};

/// True when the workflow `workflow_id` has a run that is still going: a starter then
/// attaches to it rather than starting over, and says so.
pub async fn is_running(client: &Client, workflow_id: &str) -> bool {
    let handle = client.get_workflow_handle::<UntypedWorkflow>(workflow_id);
    match handle.describe(WorkflowDescribeOptions::default()).await {
        Ok(description) => description.status() == WorkflowExecutionStatus::Running,
        Err(_) => false, // never started (or not visible yet): nothing to attach to
    }
}
