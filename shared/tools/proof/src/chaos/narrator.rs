//! One voice for the whole run: every line carries the seed (runs print side by side) and the
//! seconds since the start.

use std::time::{Duration, Instant};

/// Prints what happens, with the seed and the time since the start.
#[derive(Clone)]
pub(super) struct Narrator {
    seed: u64,
    verbose: bool,
    started: Instant,
}

impl Narrator {
    pub fn new(seed: u64, verbose: bool) -> Self {
        Self { seed, verbose, started: Instant::now() }
    }

    /// A line for a human, when the run is verbose.
    pub fn say(&self, text: &str) {
        if self.verbose {
            self.print(text);
        }
    }

    /// A line for a human, always.
    pub fn print(&self, text: &str) {
        println!("[seed {} {:6.1}s] {text}", self.seed, self.started.elapsed().as_secs_f64());
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}
