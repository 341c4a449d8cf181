//! Signals to other processes, and stopping them: the one home for it. The dev server's
//! `stop`, the lab's solves and the tests' helpers (testkit::processes) all come here.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Sends `signal` (e.g. `libc::SIGTERM`) to `pid`; false when it failed (the process is gone).
pub fn signal(pid: u32, signal: i32) -> bool {
    // SAFETY: kill(2) has no memory effects; a wrong pid only makes it fail.
    unsafe { libc::kill(pid as i32, signal) == 0 }
}

/// Sends `signal` to every process of the group `pgid` (a leader started with its own group).
pub fn signal_group(pgid: u32, signal: i32) -> bool {
    // SAFETY: as in `signal`; a negative pid names a process group.
    unsafe { libc::kill(-(pgid as i32), signal) == 0 }
}

/// Running. A zombie (ended, waiting for its parent to read its status) counts as gone.
pub fn alive(pid: u32) -> bool {
    // Signal 0 only asks whether the process exists (EPERM: it does, under another user).
    // SAFETY: as in `signal`; signal 0 is never delivered.
    let exists = unsafe { libc::kill(pid as i32, 0) == 0 }
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    exists && !is_zombie(pid)
}

/// Linux tells it in `/proc/<pid>/stat` ("pid (comm) Z ..."); macOS, which has no `/proc`,
/// through `ps`. A dev server that stops right after its start is one (its parent, the program
/// that started it, has not read its status): without this, that program would wait 90 s for it.
fn is_zombie(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'),
        Err(_) if Path::new("/proc/self").exists() => false, // ended meanwhile
        Err(_) => ps_says_zombie(pid),
    }
}

/// `ps -o stat=` begins with Z for a zombie ("Z", "Z+"), on macOS as on Linux; no `ps`, no zombie.
fn ps_says_zombie(pid: u32) -> bool {
    Command::new("ps")
        .args(["-o", "stat=", "-p", &pid.to_string()])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim_start().starts_with('Z'))
}

/// Stops `pids`: `first` (SIGINT as Ctrl-C sends it, or SIGTERM) to each, up to `grace` for
/// them to end by themselves, then SIGKILL to whatever still runs. Blocks until they are
/// gone (at most `grace` and 10 s more); returns whether they all are.
pub fn stop(pids: &[u32], first: i32, grace: Duration) -> bool {
    for pid in pids {
        signal(*pid, first);
    }
    let any_alive = || pids.iter().any(|pid| alive(*pid));
    let deadline = Instant::now() + grace;
    while any_alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    for pid in pids.iter().filter(|pid| alive(**pid)) {
        signal(*pid, libc::SIGKILL);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while any_alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    !any_alive()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// macOS's way (ps), played here: a child that ended and was not waited for is a zombie, a
    /// running one is not.
    #[test]
    fn ps_tells_a_zombie_from_a_running_process() {
        let mut ended = Command::new("true").spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !is_zombie(ended.id()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(ps_says_zombie(ended.id()), "ps sees the ended child {} as a zombie", ended.id());
        assert!(!alive(ended.id()));
        ended.wait().unwrap();

        let mut running = Command::new("sleep").arg("30").spawn().unwrap();
        assert!(!ps_says_zombie(running.id()) && alive(running.id()));
        running.kill().unwrap();
        running.wait().unwrap();
    }
}
