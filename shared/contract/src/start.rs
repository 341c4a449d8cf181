//! Starting a transfer by its workflow type name: the Money Transfer UI serves two modules
//! whose workflow structs it does not know at compile time, and the tests start them too.

use temporalio_client::errors::WorkflowStartError;
use temporalio_client::{Client, UntypedWorkflow, WorkflowIdReusePolicy, WorkflowStartOptions};
use temporalio_common::search_attributes::SearchAttributes;

use workshop::Module;

use crate::{FROM_ACCOUNT, TO_ACCOUNT, TransferInput, payload};

/// Starts one transfer workflow of `module` and returns its id,
/// `transfer-<unix seconds>-<8 hex digits>` (`transfer-ana-…` for learner ana on a shared
/// server: the id is also the root of the transfer's idempotency keys).
///
/// # Examples
///
/// Module 3's transfer of $100, as the Money Transfer UI starts it (it needs a Temporal
/// server, and module 3's worker to run it):
///
/// ```no_run
/// use bank::Cents;
/// use contract::{TransferInput, start_transfer};
///
/// # async fn example() -> anyhow::Result<()> {
/// let (client, _target) = workshop::connect().await?;
/// let input = TransferInput {
///     from_account: "account_A".into(),
///     to_account: "account_B".into(),
///     amount: Cents::dollars(100),
/// };
/// let workflow_id = start_transfer(&client, &workshop::MODULE03, &input).await?;
/// println!("started {workflow_id}");
/// # Ok(())
/// # }
/// ```
pub async fn start_transfer(client: &Client, module: &Module, input: &TransferInput) -> anyhow::Result<String> {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    let workflow_id = format!("{}-{seconds}-{:08x}", workshop::learner::own("transfer"), rand::random::<u32>());
    start(client, module, input, &workflow_id).await?;
    Ok(workflow_id)
}

/// The workflow id of the transfer a client names with an `Idempotency-Key`: the same key
/// always names the same transfer (of the same learner).
pub fn keyed_workflow_id(idempotency_key: &str) -> String {
    format!("{}-key-{idempotency_key}", workshop::learner::own("transfer"))
}

/// Whether [`start_transfer_once`] started the transfer or found it started before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOnce {
    /// No workflow had this id: the transfer is started now.
    Started,
    /// A workflow with this id exists (running or closed): nothing was started.
    AlreadyStarted,
}

/// Starts the transfer `workflow_id` unless a workflow with that id was ever started: the
/// same id never starts twice, even after the first run closed (a retried click must not
/// move the money again).
pub async fn start_transfer_once(
    client: &Client,
    module: &Module,
    input: &TransferInput,
    workflow_id: &str,
) -> anyhow::Result<StartOnce> {
    match start(client, module, input, workflow_id).await {
        Ok(()) => Ok(StartOnce::Started),
        Err(error) if matches!(error.downcast_ref(), Some(WorkflowStartError::AlreadyStarted { .. })) => {
            Ok(StartOnce::AlreadyStarted)
        }
        Err(error) => Err(error),
    }
}

async fn start(client: &Client, module: &Module, input: &TransferInput, workflow_id: &str) -> anyhow::Result<()> {
    // Set the search attributes at start too, so the transfer is findable even before a
    // worker has run its first step.
    let search_attributes = SearchAttributes::new([
        FROM_ACCOUNT.value_set(input.from_account.clone()),
        TO_ACCOUNT.value_set(input.to_account.clone()),
    ]);
    let options = WorkflowStartOptions::new(module.task_queue(), workflow_id.to_string())
        .search_attributes(search_attributes)
        .id_reuse_policy(WorkflowIdReusePolicy::RejectDuplicate)
        .enable_eager_workflow_start(true)
        .build();
    let workflow = UntypedWorkflow::new(module.workflow_type);
    client.start_workflow(workflow, payload::to_raw(input)?, options).await?;
    Ok(())
}
