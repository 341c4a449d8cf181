//! Who used the cores during a batch: CPU time of the dev server, module 3 and this program,
//! and of the whole machine (other work shares it), read from `/proc`.

use std::time::Duration;

/// Linux reports CPU time in USER_HZ ticks, 100 per second on every architecture it runs on.
const TICKS_PER_SECOND: u64 = 100;

/// CPU time used between two [`Snapshot`]s, per process and by the whole machine.
#[derive(Debug, Clone, Default)]
pub struct CpuUse {
    pub processes: Vec<(&'static str, Duration)>,
    pub machine: Duration,
}

#[derive(Debug, Clone)]
pub struct Snapshot {
    processes: Vec<(&'static str, Duration)>,
    machine: Duration,
}

impl Snapshot {
    /// `processes`: a name and a pid each (`None`: this program).
    pub fn take(processes: &[(&'static str, Option<u32>)]) -> Snapshot {
        Snapshot {
            processes: processes.iter().map(|&(name, pid)| (name, process_time(pid))).collect(),
            machine: machine_time(),
        }
    }

    pub fn since(&self, earlier: &Snapshot) -> CpuUse {
        CpuUse {
            processes: self
                .processes
                .iter()
                .zip(&earlier.processes)
                .map(|(&(name, now), &(_, then))| (name, now.saturating_sub(then)))
                .collect(),
            machine: self.machine.saturating_sub(earlier.machine),
        }
    }
}

/// utime + stime of a process (all its threads).
fn process_time(pid: Option<u32>) -> Duration {
    let path = pid.map_or("/proc/self/stat".to_string(), |pid| format!("/proc/{pid}/stat"));
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // "pid (comm) state ppid ...": comm may hold spaces; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    ticks_to_time(ticks(11) + ticks(12))
}

/// Busy time of all cores together: everything in /proc/stat's `cpu` line but idle and iowait.
fn machine_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().find(|line| line.starts_with("cpu ")) else {
        return Duration::ZERO;
    };
    let ticks: Vec<u64> = line.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    let busy = [0, 1, 2, 5, 6, 7].iter().filter_map(|&i| ticks.get(i)).sum();
    ticks_to_time(busy)
}

fn ticks_to_time(ticks: u64) -> Duration {
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}
