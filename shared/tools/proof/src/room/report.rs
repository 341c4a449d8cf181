//! The room benchmark's table for docs/benchmarks.md.

use std::time::Duration;

use super::learner::Outcome;

/// One round: `learners` learners doing the Daily Batch at the same time.
#[derive(Debug, Clone)]
pub struct Round {
    pub learners: usize,
    /// Workflows of other learners in the namespace when the round began.
    pub others: usize,
    pub outcomes: Vec<Outcome>,
    /// CPU time of the dev server, and of the whole machine, during the round.
    pub server_cpu: Duration,
    pub machine_cpu: Duration,
    pub wall: Duration,
    pub server_rss_mib: f64,
    /// Mean resident memory of one learner's module 3.
    pub module03_rss_mib: f64,
}

impl Round {
    fn batches(&self) -> Vec<Duration> {
        self.outcomes.iter().map(|outcome| outcome.batch).collect()
    }

    fn listings(&self, done: bool) -> Vec<Duration> {
        let of =
            |outcome: &Outcome| if done { outcome.listings_done.clone() } else { outcome.listings_running.clone() };
        self.outcomes.iter().flat_map(of).collect()
    }
}

/// The median and the largest of `values`.
pub fn p50_max(mut values: Vec<Duration>) -> (Duration, Duration) {
    values.sort();
    let p50 = values.get(values.len().saturating_sub(1) / 2).copied().unwrap_or_default();
    (p50, values.last().copied().unwrap_or_default())
}

/// "12 ms / 130 ms (7)": the median, the slowest and how many.
fn listing(latencies: Vec<Duration>) -> String {
    let polls = latencies.len();
    let (p50, max) = p50_max(latencies);
    format!("{:.0} ms / {:.0} ms ({polls})", p50.as_secs_f64() * 1000.0, max.as_secs_f64() * 1000.0)
}

pub fn render(rounds: &[Round], cores: usize, filled: Duration) -> String {
    let mut text = format!(
        "Measured by `cargo run -p proof --bin room` ({cores} cores, one in-memory dev server; module 3's debug \
         build per learner, as a learner runs it; filling the namespace took {:.0} s). Each learner starts the \
         Daily Batch (5 transfers at once, as the page's button) and polls `/api/workflows` every second, as \
         the page does, until all five completed and 5 polls more.\n\n",
        filled.as_secs_f64()
    );
    text.push_str(
        "| Learners | Other workflows | Batch completed, p50 / max | Listing while it runs, p50 / max (polls) | \
         Listing after, p50 / max (polls) | Dev server CPU | Machine busy | Dev server RSS | module03 RSS, each \
         |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for round in rounds {
        let (batch_p50, batch_max) = p50_max(round.batches());
        let [running, done] = [false, true].map(|done| listing(round.listings(done)));
        let busy = round.machine_cpu.as_secs_f64() / (round.wall.as_secs_f64() * cores as f64) * 100.0;
        text.push_str(&format!(
            "| {} | {} | {:.1} s / {:.1} s | {running} | {done} | {:.1} s | {busy:.0} % of {:.0} s | {:.0} MiB | \
             {:.0} MiB |\n",
            round.learners,
            round.others,
            batch_p50.as_secs_f64(),
            batch_max.as_secs_f64(),
            round.server_cpu.as_secs_f64(),
            round.wall.as_secs_f64(),
            round.server_rss_mib,
            round.module03_rss_mib,
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_and_the_max_the_largest() {
        let ms = |values: &[u64]| values.iter().map(|&v| Duration::from_millis(v)).collect::<Vec<_>>();
        assert_eq!(p50_max(ms(&[30, 10, 20])), (Duration::from_millis(20), Duration::from_millis(30)));
        assert_eq!(p50_max(ms(&[40, 10, 30, 20])), (Duration::from_millis(20), Duration::from_millis(40)));
        assert_eq!(p50_max(Vec::new()), (Duration::ZERO, Duration::ZERO));
    }
}
