//! Module 3: a Money Transfer UI. Each transfer is a workflow; the page follows it with a
//! Query and finds an account's transfers through search attributes.

mod activities;
mod worker;
mod workflow;

use transfer_ui::TransferModule;

/// This module's names in Temporal (module 4 has its own, so the two never mix).
pub const MODULE: TransferModule = TransferModule {
    name: "module03",
    workflow_type: "Module03TransferWorkflow",
    task_queue: "module03-transfer-task-queue",
    bank_db: "exercises/module03/bank.db",
};

#[tokio::main]
async fn main() {
    transfer_ui::cli::main(MODULE, "Module 3: a Money Transfer UI over Temporal workflows", worker::build).await;
}
