//! Test support shared by every module's tests.
//!
//! - [`TestServer`]: an isolated Temporal dev server on free loopback ports (never the
//!   workshop's fixed ones), in memory unless a database file is given, with the workshop's
//!   search attributes. It is killed when dropped, also when a test panics.
//! - [`Program`]: one of the workshop's binaries run as a child process, its output captured
//!   line by line, killed when dropped.
//! - [`history`]: what happened to a workflow, read from the server.
//! - [`browser`]: a headless Chromium (Debian's chromium + chromium-driver) to test web pages.
//! - [`TestAccountApi`]: the bank's account API on a free port with a temporary database.

pub mod account_api;
mod binaries;
pub mod browser;
pub mod drift;
pub mod history;
mod program;
mod server;
mod services;
mod temp_dir;

pub use account_api::TestAccountApi;
pub use binaries::workspace_binary;
pub use program::{Program, eventually};
pub use server::{TestServer, free_port};
pub use services::TransferServices;
pub use temp_dir::TempDir;

/// Upper bound for anything a test waits for. It guards against hangs; it is not a speed goal.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);
