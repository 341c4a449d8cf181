//! Module 4: the Money Transfer UI of module 3, after Jerry shipped two changes. Find his
//! bugs, fix them, restart the worker: the stuck transfers finish by themselves.

mod activities;
mod worker;
mod workflow;

use transfer_ui::TransferModule;

/// This module's names in Temporal (module 3 has its own, so the two never mix).
pub const MODULE: TransferModule = TransferModule {
    name: "module04",
    workflow_type: "Module04TransferWorkflow",
    task_queue: "module04-transfer-task-queue",
    bank_db: "exercises/module04/bank.db",
};

#[tokio::main]
async fn main() {
    transfer_ui::cli::main(MODULE, "Module 4: fix Jerry's bugs while transfers wait", worker::build).await;
}
