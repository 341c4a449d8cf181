//! One log format for the program and the Temporal SDK inside it. Each line starts with the
//! part of the workshop it comes from, so the three services of modules 3 and 4 can share
//! one terminal:
//!
//! ```text
//! account-api | withdraw $1.00 from account_A → new balance $999.00
//!          ui | started transfer-1795447824-3348d2c8: $1.00 from account_A to account_F
//! ```
//!
//! `RUST_LOG` overrides the default filter, e.g. `RUST_LOG=info,temporalio_sdk_core=debug`.

use std::fmt;
use std::io::IsTerminal;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The default shows our own info lines (the shared crates', every module's and its solution's)
/// and only warnings from everything else, except the SDK's two warnings per failed workflow
/// task: the panic hook (`panics.rs`) already printed one clear line for it.
fn default_filter() -> String {
    let mut filter = String::from(
        "warn,temporalio_sdk::workflow_future=error,temporalio_sdk_core::worker::workflow=error,transfer_ui=info,\
         bank=info,workshop=info",
    );
    for module in crate::modules::ALL {
        filter.push_str(&format!(",{0}=info,{0}_solution=info", module.name));
    }
    filter
}

/// Which part of the workshop a log line comes from, by the Rust module that wrote it.
pub fn label(target: &str) -> &'static str {
    match target.split("::").next().unwrap_or_default() {
        "bank" => "account-api",
        "transfer_ui" => "ui",
        "temporalio_sdk" | "temporalio_sdk_core" | "temporalio_client" => "temporal",
        "workshop" => "workshop",
        _ => "worker",
    }
}

struct Labelled {
    ansi: bool,
}

impl<S, N> FormatEvent<S, N> for Labelled
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let meta = event.metadata();
        write!(writer, "{:>11} | ", label(meta.target()))?;
        let level = *meta.level();
        if level <= Level::WARN {
            let (start, end) = match (self.ansi, level) {
                (true, Level::ERROR) => ("\x1b[31m", "\x1b[0m"),
                (true, _) => ("\x1b[33m", "\x1b[0m"),
                _ => ("", ""),
            };
            write!(writer, "{start}{level}{end} ")?;
        }
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter()))
}

/// The workshop's subscriber: labelled lines, no timestamps (the terminal is the timeline).
pub fn subscriber() -> impl tracing::Subscriber + Send + Sync + 'static {
    let ansi = std::io::stdout().is_terminal();
    tracing_subscriber::fmt().with_env_filter(filter()).event_format(Labelled { ansi }).finish()
}

/// Installs [`subscriber`] for the whole program. Safe to call more than once.
pub fn init() {
    let _ = tracing::subscriber::set_global_default(subscriber());
}
