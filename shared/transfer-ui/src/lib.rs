//! The Money Transfer UI shared by modules 3 and 4.
//!
//! - [`state`]: what a transfer workflow reports through its `get_state` Query, and its input.
//! - [`api`]: the JSON API the page calls; it starts workflows and reads them back through
//!   Temporal (a visibility listing, then a Query and a describe per *running* transfer).
//! - [`server`]: serving the API and the page (`static/`, compiled into the binary).

pub mod api;
pub mod cli;
mod history;
mod listing;
mod payload;
pub mod server;
pub mod services;
pub mod state;
pub mod views;

pub use server::{BoundUi, UiArgs, UiConfig};
pub use state::{Balances, FROM_ACCOUNT, Step, TO_ACCOUNT, TransferInput, TransferResult, TransferState};

/// Which workflows a module's UI shows and starts.
#[derive(Debug, Clone)]
pub struct TransferModule {
    /// e.g. "module03", shown on the page.
    pub name: &'static str,
    pub workflow_type: &'static str,
    pub task_queue: &'static str,
    /// The bank's database, relative to the workspace root.
    pub bank_db: &'static str,
}

/// Starts one transfer workflow and returns its id, `transfer-<unix seconds>-<8 hex digits>`.
pub async fn start_transfer(
    client: &temporalio_client::Client,
    module: &TransferModule,
    input: &TransferInput,
) -> anyhow::Result<String> {
    use temporalio_client::{UntypedWorkflow, WorkflowStartOptions};
    use temporalio_common::search_attributes::SearchAttributes;
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    let workflow_id = format!("transfer-{seconds}-{:08x}", rand::random::<u32>());
    // Set the search attributes at start too, so the transfer is findable even before a
    // worker has run its first step.
    let search_attributes = SearchAttributes::new([
        FROM_ACCOUNT.value_set(input.from_account.clone()),
        TO_ACCOUNT.value_set(input.to_account.clone()),
    ]);
    let options =
        WorkflowStartOptions::new(module.task_queue, workflow_id.clone()).search_attributes(search_attributes).build();
    let raw_input = payload::to_raw(input)?;
    client.start_workflow(UntypedWorkflow::new(module.workflow_type), raw_input, options).await?;
    Ok(workflow_id)
}
