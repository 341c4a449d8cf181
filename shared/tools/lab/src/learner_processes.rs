//! The learner's own running programs of a module, found to restart them on fixed code.

use std::path::Path;

use testkit::processes::{alive, environment_value, executable_name, process_table};

/// Live processes (not this one) whose executable is named `exe_name` and that talk to the
/// same Temporal server as this process (same `TEMPORAL_ADDRESS`, or both without one).
/// Matching the address keeps a solve away from other workshops or tests on this machine.
/// None where nothing tells: they are read from `/proc`, which macOS does not have.
pub fn module_processes(exe_name: &str) -> Option<Vec<u32>> {
    if !Path::new("/proc/self/exe").exists() {
        return None;
    }
    let ours = std::env::var("TEMPORAL_ADDRESS").ok();
    let me = std::process::id();
    let found = process_table()
        .into_iter()
        .map(|(pid, _)| pid)
        .filter(|pid| *pid != me && alive(*pid))
        .filter(|pid| executable_name(*pid).as_deref() == Some(exe_name))
        .filter(|pid| environment_value(*pid, "TEMPORAL_ADDRESS") == ours)
        .collect();
    Some(found)
}
