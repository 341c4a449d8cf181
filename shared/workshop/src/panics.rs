//! One line per panic instead of a backtrace. A panic in workflow code fails the workflow
//! *task*, which Temporal retries until the code is fixed: a backtrace on every retry would
//! bury everything else the worker prints. `WORKSHOP_BACKTRACE=1` brings them back.

use std::ffi::OsStr;
use std::panic::PanicHookInfo;

use clap::builder::{BoolishValueParser, TypedValueParser};

/// Makes a panic print one line (its message and where) instead of a backtrace, unless `WORKSHOP_BACKTRACE` asks for backtraces. Call it first in `main`.
pub fn install_one_line_hook() {
    if wants_backtraces(std::env::var_os("WORKSHOP_BACKTRACE").as_deref()) {
        return;
    }
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "{:>11} | PANIC at {location}: {message} (workflow code: Temporal retries this workflow task until a fixed worker runs it)",
            "worker"
        );
    }));
}

/// `WORKSHOP_BACKTRACE` as the other boolean settings read it: 1/true/yes/on bring the
/// backtraces back, 0/false/no/off (or unset) keep one line. Anything else (`full`) is a yes.
fn wants_backtraces(value: Option<&OsStr>) -> bool {
    value.is_some_and(|value| {
        BoolishValueParser::new().parse_ref(&clap::Command::new("workshop"), None, value).unwrap_or(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backtraces_follow_a_boolish_setting() {
        let wants = |value: &str| wants_backtraces(Some(OsStr::new(value)));
        assert!(wants("1") && wants("yes") && wants("on") && wants("full"));
        assert!(!wants("0") && !wants("no") && !wants("off") && !wants_backtraces(None));
    }
}
