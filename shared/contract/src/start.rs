//! Starting a transfer by its workflow type name: the Money Transfer UI serves two modules
//! whose workflow structs it does not know at compile time, and the tests start them too.

use temporalio_client::{Client, UntypedWorkflow, WorkflowStartOptions};
use temporalio_common::search_attributes::SearchAttributes;

use workshop::Module;

use crate::{FROM_ACCOUNT, TO_ACCOUNT, TransferInput, payload};

/// Starts one transfer workflow of `module` and returns its id,
/// `transfer-<unix seconds>-<8 hex digits>`.
pub async fn start_transfer(client: &Client, module: &Module, input: &TransferInput) -> anyhow::Result<String> {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    let workflow_id = format!("transfer-{seconds}-{:08x}", rand::random::<u32>());
    // Set the search attributes at start too, so the transfer is findable even before a
    // worker has run its first step.
    let search_attributes = SearchAttributes::new([
        FROM_ACCOUNT.value_set(input.from_account.clone()),
        TO_ACCOUNT.value_set(input.to_account.clone()),
    ]);
    let options = WorkflowStartOptions::new(module.task_queue, workflow_id.clone())
        .search_attributes(search_attributes)
        .enable_eager_workflow_start(true)
        .build();
    let workflow = UntypedWorkflow::new(module.workflow_type);
    client.start_workflow(workflow, payload::to_raw(input)?, options).await?;
    Ok(workflow_id)
}
