//! The Money Transfer UI of modules 3 and 4, and the program that hosts them.
//!
//! - [`api`]: the JSON API the page calls; it starts workflows and reads them back through
//!   Temporal (a visibility listing, then a Query and a describe per *running* transfer).
//! - [`server`]: serving the API and the page (`static/`, compiled into the binary).
//! - [`cli`] and [`services`]: `cargo run -p module03` (or 04): the account API, the UI and
//!   the module's worker in one process, or each alone.
//!
//! The workflow's contract (input, state, result, names) lives in the `contract` crate.

#![warn(missing_docs)]

pub mod api;
pub mod cli;
mod history;
mod listing;
pub mod server;
pub mod services;
pub mod views;

pub use server::{BoundUi, UiArgs, UiConfig};
