//! One voice per case: every line carries the case (cases print side by side) and the
//! seconds since the run started; the notes are kept for the summary at the end.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

#[derive(Clone)]
pub struct Log {
    label: String,
    notes: Arc<Mutex<Vec<String>>>,
}

/// When the run started: one clock for every case.
fn started() -> Instant {
    static STARTED: OnceLock<Instant> = OnceLock::new();
    *STARTED.get_or_init(Instant::now)
}

impl Log {
    pub fn new(label: &str) -> Self {
        started();
        Self { label: label.to_string(), notes: Arc::default() }
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// A line for a human, now.
    pub fn say(&self, text: &str) {
        println!("[{:6.1}s {}] {text}", started().elapsed().as_secs_f64(), self.label);
    }

    /// A line for a human, now, and again in the summary.
    pub fn note(&self, text: &str) {
        self.say(text);
        self.notes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(text.to_string());
    }

    pub fn notes(&self) -> Vec<String> {
        self.notes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}
