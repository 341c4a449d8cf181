//! One log format for the program and the Temporal SDK inside it.
//!
//! `RUST_LOG` overrides the default filter, e.g. `RUST_LOG=info,temporalio_sdk_core=debug`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The default shows our own info lines and only warnings from everything else, except the
/// SDK's two warnings per failed workflow task: the panic hook (`panics.rs`) already printed
/// one clear line for it.
const DEFAULT_FILTER: &str = "warn,temporalio_sdk::workflow_future=error,temporalio_sdk_core::worker::workflow=error,transfer_ui=info,module01=info,module02=info,module03=info,module04=info,bank=info,workshop=info";

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER))
}

/// A subscriber that writes compact lines (no timestamps: the terminal is the timeline).
pub fn subscriber() -> impl tracing::Subscriber + Send + Sync + 'static {
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .without_time()
        .with_target(false)
        // Colours only on a terminal, never in log files.
        .with_ansi(std::io::stdout().is_terminal())
        .finish()
}

/// Installs [`subscriber`] for the whole program. Safe to call more than once.
pub fn init() {
    let _ = tracing::subscriber::set_global_default(subscriber());
}
