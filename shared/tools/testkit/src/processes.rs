//! Other processes on this machine, read from `/proc` (Linux): who is alive, who started
//! whom, what they were started with, how much memory they hold; and signals to them.

use std::time::Duration;

use anyhow::Context;

/// Signals and stopping live in one home, `workshop::processes` (the dev server stops with
/// them too); the tests and the lab take them from here with the rest.
pub use workshop::processes::{alive, signal, signal_group};

/// Ctrl-C to each, then SIGKILL to whatever still runs after `grace` (off the async threads:
/// the wait blocks).
pub async fn stop_all(pids: &[u32], grace: Duration) {
    let pids = pids.to_vec();
    let _ = tokio::task::spawn_blocking(move || workshop::processes::stop(&pids, libc::SIGINT, grace)).await;
}

/// (pid, parent pid) of every process.
pub fn process_table() -> Vec<(u32, u32)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid ...": comm may contain spaces, so read after the last ')'.
            let rest = stat.rsplit_once(')')?.1;
            Some((pid, rest.split_whitespace().nth(1)?.parse().ok()?))
        })
        .collect()
}

/// Every process `root` started, and the ones they started, …
pub fn descendants(root: u32) -> Vec<u32> {
    let table = process_table();
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid) in &table {
            if ppid == parent && !found.contains(&pid) {
                found.push(pid);
                frontier.push(pid);
            }
        }
    }
    found
}

/// Processes (not this one) whose command line contains `marker`.
pub fn processes_mentioning(marker: &str) -> Vec<u32> {
    let me = std::process::id();
    process_table()
        .into_iter()
        .map(|(pid, _)| pid)
        .filter(|&pid| pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|raw| String::from_utf8_lossy(&raw).contains(marker))
                .unwrap_or(false)
        })
        .collect()
}

/// The file name of the program `pid` runs (also after it was rebuilt and replaced).
pub fn executable_name(pid: u32) -> Option<String> {
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    let name = exe.file_name()?.to_str()?;
    Some(name.trim_end_matches(" (deleted)").to_string())
}

/// The value of the environment variable `name` that `pid` was started with.
pub fn environment_value(pid: u32, name: &str) -> Option<String> {
    let raw = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    let prefix = format!("{name}=");
    raw.split(|byte| *byte == 0)
        .filter_map(|entry| std::str::from_utf8(entry).ok())
        .find_map(|entry| entry.strip_prefix(&prefix).map(str::to_string))
}

/// Resident memory of a process, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// VmRSS: resident now, in KiB.
    pub rss_kib: u64,
    /// VmHWM: the peak resident size, in KiB.
    pub peak_kib: u64,
}

impl Memory {
    pub fn of(pid: u32) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .with_context(|| format!("reading /proc/{pid}/status"))?;
        let field = |name: &str| {
            status
                .lines()
                .find(|line| line.starts_with(name))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
                .with_context(|| format!("{name} missing in /proc/{pid}/status"))
        };
        Ok(Memory { rss_kib: field("VmRSS:")?, peak_kib: field("VmHWM:")? })
    }
}
