//! Workshop plumbing shared by every module: each module's names in Temporal, where things
//! live, how to reach Temporal (and start a local dev server when nothing is running), and
//! small worker helpers. It knows nothing of the bank, so module 1 builds without it.
//!
//! Nothing here is lesson code: a learner reads the modules, not this crate.

#![warn(missing_docs)]

// Every program of the workshop depends on this crate: native Windows stops here, with one line
// that says what to use instead. (The workshop starts, signals and stops processes the Unix way:
// a process group of its own for the dev server, SIGINT and SIGTERM, exec.)
#[cfg(not(unix))]
compile_error!(
    "Failure-Proof Rust runs on Linux and macOS. On Windows, use WSL 2 (https://learn.microsoft.com/windows/wsl/install) or the dev container: see README.md, Quick start."
);

/// Its items, on Unix only: elsewhere the line above is the compiler's only error, not followed
/// by a screenful about `std::os::unix` and `libc::kill`.
macro_rules! unix_only {
    ($($item:item)*) => { $(#[cfg(unix)] $item)* };
}

unix_only! {
    pub mod cli_tool;
    pub mod connection;
    pub mod dev_server;
    pub mod learner;
    pub mod logging;
    pub mod modules;
    pub mod panics;
    pub mod paths;
    pub mod processes;
    pub mod said;
    pub mod web_ui;
    pub mod worker;
    pub mod workflows;

    pub use connection::{TemporalTarget, connect};
    pub use modules::{MODULE01, MODULE02, MODULE03, MODULE04, Module};
    pub use worker::{FAST_RESUME, run_beside_worker, run_until_ctrl_c, runtime, stop_requested};
    pub use workflows::is_running;
}

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

/// The Keyword search attributes the workshop uses (modules 3 and 4's accounts, and whose a
/// workflow is when learners share a server); the dev server creates them at launch.
pub const SEARCH_ATTRIBUTES: [&str; 3] = ["from_account", "to_account", "learner"];
