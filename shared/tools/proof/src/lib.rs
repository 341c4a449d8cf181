//! Proof under load and faults, for the workshop's bank and module 3's transfers.
//!
//! - [`chaos`]: 200 transfers while the worker is SIGKILLed and restarted, the Temporal dev
//!   server restarts and the bank loses responses after committing; then the books are
//!   checked to the cent ([`chaos::verify`]).
//! - [`http`]: a minimal HTTP/1.1 client: exact bytes on the wire, keep-alive connections.
//! - [`load`]: a bounded load generator (connections × requests) with latency percentiles.
//! - [`binaries`]: module 3's binary, of the profile being measured.
//!
//! Used by the tests in `tests/` and by the `chaos` and `bench` programs.

pub mod binaries;
pub mod chaos;
pub mod http;
pub mod load;

use transfer_ui::TransferModule;

/// Module 3's names in Temporal (the same constant as in `exercises/module03/src/main.rs`).
pub const MODULE03: TransferModule = TransferModule {
    name: "module03",
    workflow_type: "Module03TransferWorkflow",
    task_queue: "module03-transfer-task-queue",
    bank_db: "exercises/module03/bank.db",
};
