//! Workshop plumbing shared by every module: each module's names in Temporal, where things
//! live, how to reach Temporal (and start a local dev server when nothing is running), and
//! small worker helpers. It knows nothing of the bank, so module 1 builds without it.
//!
//! Nothing here is lesson code: a learner reads the modules, not this crate.

pub mod cli_tool;
pub mod connection;
pub mod dev_server;
pub mod logging;
pub mod modules;
pub mod panics;
pub mod paths;
pub mod processes;
pub mod web_ui;
pub mod worker;
pub mod workflows;

pub use connection::{TemporalTarget, connect};
pub use modules::{MODULE01, MODULE02, MODULE03, MODULE04, Module};
pub use worker::{FAST_RESUME, run_beside_worker, run_until_ctrl_c, runtime, stop_requested};
pub use workflows::is_running;

/// The exit status of a program: prints the error, with its causes, when there is one.
pub fn exit_code(outcome: anyhow::Result<()>) -> std::process::ExitCode {
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The Keyword search attributes modules 3 and 4 use; the dev server creates them at launch.
pub const SEARCH_ATTRIBUTES: [&str; 2] = ["from_account", "to_account"];
