//! The throughput section of docs/benchmarks.md: both halves, their ratio, where a
//! workflow's time goes and who used the CPU.

use std::time::Duration;

use super::batch::Batch;
use super::breakdown::{Breakdown, PHASES};

/// The original (Python) on the issue author's 2-core machine: 100 transfers through its UI,
/// 8 at a time. It cannot run here, so the target is half of it.
pub const ORIGINAL: Duration = Duration::from_millis(5350);

/// How the batches were run.
pub struct Setup {
    pub count: usize,
    pub window: usize,
    pub in_memory: bool,
}

/// One half's timed batches and the breakdown of its last one.
pub struct Half {
    pub batches: Vec<Batch>,
    pub breakdown: Breakdown,
}

impl Half {
    pub fn median(&self) -> Duration {
        let mut times: Vec<Duration> = self.batches.iter().map(|b| b.elapsed).collect();
        times.sort();
        times.get(times.len() / 2).copied().unwrap_or_default()
    }

    fn last(&self) -> Option<&Batch> {
        self.batches.last()
    }

    fn runs(&self) -> String {
        self.batches.iter().map(|b| secs(b.elapsed)).collect::<Vec<_>>().join(" / ")
    }
}

pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
}

/// "dev server 3.10 s, module03 2.00 s, benchmark 0.90 s, other work 1.20 s (of 2 × 5.00 s)"
pub fn cpu_line(batch: &Batch) -> String {
    let mut parts: Vec<String> =
        batch.cpu.processes.iter().map(|(name, time)| format!("{name} {}", secs(*time))).collect();
    parts.push(format!("other work {}", secs(other_work(batch))));
    format!("CPU: {} (of {} × {})", parts.join(", "), cores(), secs(batch.elapsed))
}

/// CPU time the machine spent on anything but the watched processes.
fn other_work(batch: &Batch) -> Duration {
    let watched: Duration = batch.cpu.processes.iter().map(|(_, time)| *time).sum();
    batch.cpu.machine.saturating_sub(watched)
}

fn start_p50(batch: &Batch) -> Duration {
    batch.start_latencies.get(batch.start_latencies.len() / 2).copied().unwrap_or_default()
}

pub fn render(setup: &Setup, floor: &Half, ours: &Half) -> String {
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    let server = if setup.in_memory { "in memory" } else { "with a database file, as the workshop runs it" };
    let mut text = format!(
        "Measured by `cargo run --release -p proof --bin throughput` ({} cores, one dev server {server}; \
         {} workflows started {} at a time → all completed; median of {} runs, after an untimed warm-up; \
         module 3 is its debug build as a learner runs it, the floor's worker a {profile} build).\n\n",
        cores(),
        setup.count,
        setup.window,
        ours.batches.len().max(floor.batches.len()),
    );
    text.push_str("| Batch | Original (Python) | Target | Runs | Median |\n|---|---|---|---|---|\n");
    text.push_str(&format!(
        "| floor: no-op worker, started by a client | | | {} | {} |\n",
        floor.runs(),
        secs(floor.median())
    ));
    text.push_str(&format!(
        "| ours: module03, started through `POST /api/transfer` | {} | ≤ {} | {} | {} |\n",
        secs(ORIGINAL),
        secs(ORIGINAL / 2),
        ours.runs(),
        secs(ours.median())
    ));
    let ratio = ours.median().as_secs_f64() / floor.median().as_secs_f64().max(f64::EPSILON);
    text.push_str(&format!("| ours ÷ floor | | | | {ratio:.2}× |\n\n"));

    let (Some(floor_last), Some(ours_last)) = (floor.last(), ours.last()) else {
        return text;
    };
    text.push_str("Where a workflow's time goes (mean per workflow of the last run, from the histories):\n\n");
    text.push_str("| Phase | Floor | Ours |\n|---|---|---|\n");
    text.push_str(&format!(
        "| start call, median (ours: the POST) | {} | {} |\n",
        ms(start_p50(floor_last)),
        ms(start_p50(ours_last))
    ));
    let (f, o) = (&floor.breakdown, &ours.breakdown);
    for (i, phase) in PHASES.iter().enumerate() {
        text.push_str(&format!("| {phase} | {} | {} |\n", ms(f.phases[i]), ms(o.phases[i])));
    }
    text.push_str(&format!("| **run time (started → completed)** | {} | {} |\n", ms(f.run_time), ms(o.run_time)));
    text.push_str(&format!("| workflow tasks per workflow | {:.1} | {:.1} |\n", f.workflow_tasks, o.workflow_tasks));
    text.push_str(&format!(
        "| workflow tasks timed out on the sticky queue, per workflow | {:.2} | {:.2} |\n\n",
        f.workflow_task_timeouts, o.workflow_task_timeouts
    ));

    text.push_str("CPU time used during the last run:\n\n| Process | Floor | Ours |\n|---|---|---|\n");
    for (i, (name, floor_time)) in floor_last.cpu.processes.iter().enumerate() {
        let ours_time = ours_last.cpu.processes.get(i).map_or(Duration::ZERO, |(_, time)| *time);
        text.push_str(&format!("| {name} | {} | {} |\n", secs(*floor_time), secs(ours_time)));
    }
    text.push_str(&format!(
        "| other work on the machine | {} | {} |\n",
        secs(other_work(floor_last)),
        secs(other_work(ours_last))
    ));
    text.push_str(&format!(
        "| available ({} cores × wall time) | {} | {} |\n",
        cores(),
        secs(floor_last.elapsed * cores() as u32),
        secs(ours_last.elapsed * cores() as u32)
    ));
    text
}
