//! Test support shared by every module's tests.
//!
//! - [`TestServer`]: an isolated Temporal dev server on free loopback ports (never the
//!   workshop's fixed ones), in memory unless a database file is given, with the workshop's
//!   search attributes. It is killed when dropped, also when a test panics.
//! - [`Program`]: one of the workshop's binaries run as a child process, its output captured
//!   line by line, killed when dropped.
//! - [`history`]: what happened to a workflow, read from the server.

pub mod history;
mod program;
pub use program::eventually;
mod server;

pub use program::Program;
pub use server::{TestServer, free_port};

/// Upper bound for anything a test waits for. It guards against hangs; it is not a speed goal.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);
