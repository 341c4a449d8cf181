//! How long a module takes, from its page: reading the main path, the commands and waits the
//! page walk measured (`instruqt/page-times.json`, rewritten by `scripts/page-times`), what the
//! walk shortens for a learner (stated, with why), and an allowance per hands-on step.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::Page;

/// Reading speed of the main path.
pub const WORDS_PER_MINUTE: f64 = 200.0;
/// Per `## Step`: switching tabs, typing, reading what came out, looking in the UIs.
pub const MINUTES_PER_STEP: f64 = 3.0;

fn file() -> PathBuf {
    workshop::paths::workspace_root().join("instruqt/page-times.json")
}

fn load() -> Value {
    let path = file();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One page's time, in its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub reading_minutes: f64,
    /// Measured by the page walk: its commands and waits (no builds: the walk runs built binaries).
    pub walked_minutes: f64,
    /// What a learner waits that the walk does not (pauses it shortens, builds after an edit).
    pub not_walked_minutes: f64,
    pub steps: usize,
}

impl Estimate {
    pub fn of(page: &Page) -> Self {
        let times = load();
        let entry = &times["pages"][page.name()];
        assert!(entry.is_object(), "instruqt/page-times.json has no entry for {}: run scripts/page-times", page.name());
        let walked = entry["walk_seconds"].as_f64().expect("walk_seconds");
        let not_walked: f64 = entry["not_walked"]
            .as_array()
            .map(|items| items.iter().filter_map(|item| item["seconds"].as_f64()).sum())
            .unwrap_or(0.0);
        Self {
            reading_minutes: page.words().main_path as f64 / WORDS_PER_MINUTE,
            walked_minutes: walked / 60.0,
            not_walked_minutes: not_walked / 60.0,
            steps: page.steps(),
        }
    }

    pub fn minutes(&self) -> f64 {
        self.reading_minutes + self.walked_minutes + self.not_walked_minutes + self.steps as f64 * MINUTES_PER_STEP
    }
}

/// Writes a walk's measured seconds into `instruqt/page-times.json` (what `scripts/page-times`
/// asks for with `PAGE_TIMES_WRITE=1`); the rest of the file is kept.
pub fn record_walk(page: &str, seconds: f64) {
    // The page walks of one test binary run in parallel: one writer at a time.
    static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = WRITING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut times = load();
    let entry = &mut times["pages"][page];
    if !entry.is_object() {
        *entry = json!({ "not_walked": [] });
    }
    entry["walk_seconds"] = json!((seconds * 10.0).round() / 10.0);
    let text = serde_json::to_string_pretty(&times).expect("JSON") + "\n";
    std::fs::write(file(), text).expect("writing instruqt/page-times.json");
}
