//! Test support shared by every module's tests, and the child-process runner of the tools.
//!
//! - [`TestServer`]: an isolated Temporal dev server on free loopback ports (never the
//!   workshop's fixed ones), in memory unless a database file is given, with the workshop's
//!   search attributes. It is killed when dropped, also when a test panics.
//! - [`Program`] (started with [`Launch`] for more control): a child process, its output
//!   read line by line (or written to a file), killed when dropped. The lab and the proof
//!   tools run their programs with it too.
//! - [`processes`]: other processes, from `/proc`: alive, descendants, memory, signals.
//! - [`history`]: what happened to a workflow, read from the server.
//! - [`proxy`]: a TCP forwarder a test can cut or blackhole (a silent partition).
//! - [`pages`]: the Instruqt pages as a test reads them, and [`pages::Walk`], which runs a
//!   page's commands in order and checks that what it quotes was printed.
//! - `browser` (feature `browser`, on by default): a headless Chromium (Debian's chromium +
//!   chromium-driver) to test web pages. The lab turns it off: it ships without a browser (so
//!   this is no link: the lab's build of these docs has no `browser` to link to).
//! - [`TestAccountApi`]: the bank's account API on a free port with a temporary database.
//! - [`free_port`]: a loopback port no other test is handed and the kernel does not give to
//!   an outgoing connection, safe to pass to a child process ([`ports`]).

pub mod account_api;
mod binaries;
#[cfg(feature = "browser")]
pub mod browser;
pub mod drift;
mod eventually;
pub mod history;
pub mod pages;
pub mod ports;
pub mod processes;
mod program;
pub mod proxy;
mod server;
mod services;
mod temp_dir;

pub use account_api::TestAccountApi;
pub use binaries::{cargo, script, target_dir, workspace_binary, workspace_example, workspace_test_binary};
pub use eventually::eventually;
pub use ports::free_port;
pub use processes::Memory;
pub use program::{Launch, Program};
pub use server::TestServer;
pub use services::TransferServices;
pub use temp_dir::TempDir;

/// Upper bound for anything a test waits for. It guards against hangs; it is not a speed goal.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);
