//! Other learners' workflows: module 3 transfers marked with other learners' names, started on
//! a task queue no worker polls (they stay Running and cost the server nothing but their rows).

use bank::Cents;
use contract::TransferInput;
use futures::StreamExt;
use temporalio_client::{Client, UntypedWorkflow, WorkflowStartOptions};
use temporalio_common::search_attributes::{SearchAttributeKey, SearchAttributes};
use workshop::MODULE03;

/// How many starts are in flight at once.
const WINDOW: usize = 32;

/// Starts `count` transfers of `learners` other learners (`other-0`, `other-1`, ...).
pub async fn others(client: &Client, count: usize, learners: usize) -> anyhow::Result<()> {
    let starts = futures::stream::iter(0..count).map(|i| start(client, i, i % learners.max(1)));
    let results: Vec<anyhow::Result<()>> = starts.buffer_unordered(WINDOW).collect().await;
    results.into_iter().collect()
}

async fn start(client: &Client, i: usize, learner: usize) -> anyhow::Result<()> {
    let (from, to) = contract::DAILY_BATCH[i % contract::DAILY_BATCH.len()];
    let input = TransferInput { from_account: from.into(), to_account: to.into(), amount: Cents::dollars(1) };
    let attributes = SearchAttributes::new([
        contract::FROM_ACCOUNT.value_set(from.to_string()),
        contract::TO_ACCOUNT.value_set(to.to_string()),
        SearchAttributeKey::<String>::keyword(workshop::learner::SEARCH_ATTRIBUTE)
            .value_set(format!("other-{learner}")),
    ]);
    let options = WorkflowStartOptions::new("room-bench-nobody-polls", format!("transfer-other-{learner}-{i}"))
        .search_attributes(attributes)
        .build();
    let workflow = UntypedWorkflow::new(MODULE03.workflow_type);
    client.start_workflow(workflow, contract::payload::to_raw(&input)?, options).await?;
    Ok(())
}
