//! One line per panic instead of a backtrace. A panic in workflow code fails the workflow
//! *task*, which Temporal retries until the code is fixed: a backtrace on every retry would
//! bury everything else the worker prints. `WORKSHOP_BACKTRACE=1` brings them back.

use std::panic::PanicHookInfo;

pub fn install_one_line_hook() {
    if std::env::var_os("WORKSHOP_BACKTRACE").is_some() {
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
