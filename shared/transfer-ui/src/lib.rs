//! The Money Transfer UI shared by modules 3 and 4.
//!
//! - [`state`]: what a transfer workflow reports through its `get_state` Query, and its input.
//! - [`api`]: the JSON API the page calls; it starts workflows and reads them back through
//!   Temporal (a visibility listing, then a Query and a describe per *running* transfer).
//! - [`server`]: serving the API and the page (`static/`, compiled into the binary).

pub mod api;
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
}
