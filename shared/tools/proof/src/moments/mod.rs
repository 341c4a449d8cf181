//! The workshop's "watch it happen" moments, at a learner's pace: how long a learner waits,
//! after doing what the page says, before the thing the page promises happens on screen.
//!
//! Every case runs the modules' debug builds (what `cargo run -p moduleNN` runs), with their
//! real delays and retry policies, on its own Temporal dev server (the workshop's settings,
//! `testkit::TestServer`) and its own free ports, so cases can run side by side: module 4's
//! (each waits minutes while attempts fail) run together, and once their transfers are stuck
//! the cases of modules 1 to 3 run one after another beside them.
//!
//! [`MOMENTS`] lists the moments, what each measures and the bound its page promises
//! ("within N s"); `scripts/moments --record` writes the table of [`table`] into
//! docs/benchmarks.md, and the page test holds the pages to it.
//!
//! The parts: `module01` to `module04` (one case each, as the page runs it), `stage` (module 3
//! and 4's programs on one server, ports and bank; the Daily Batch) and `log` (the printed
//! lines, with the case and the time).

mod log;
mod module01;
mod module02;
mod module03;
mod module04;
mod stage;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

pub use log::Log;

/// Which moment a measurement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Module01Resume,
    Module02Reattach,
    Module03NextStep,
    Module03Completed,
    Module04WorkflowFix,
    Module04ActivityFix,
}

/// A moment a page promises, and the bound it promises it within.
#[derive(Debug)]
pub struct Moment {
    pub key: Key,
    /// The page's folder under instruqt/.
    pub page: &'static str,
    pub name: &'static str,
    /// From what, until what, the seconds count.
    pub measures: &'static str,
    /// The page says "within `bound_secs` s".
    pub bound_secs: u32,
}

/// Every moment and its bound: the one list the table and the pages follow.
pub const MOMENTS: [Moment; 6] = [
    Moment {
        key: Key::Module01Resume,
        page: "01-crash-proof",
        name: "a new worker carries on after Ctrl-C",
        measures: "`cargo run -p module01` stopped with Ctrl-C after number 3, run again after the pause: from the \
                   new run's start to its first number (4)",
        bound_secs: 15,
    },
    Moment {
        key: Key::Module02Reattach,
        page: "02-unreliable-api",
        name: "re-attach after Ctrl-C",
        measures: "`cargo run -p module02` (Real World Mode on, seeded to fail the first call) stopped with Ctrl-C at \
                   its first `failed, Temporal will retry`, run again after the pause: from the new run's start to \
                   its first `[attempt …]` line",
        bound_secs: 20,
    },
    Moment {
        key: Key::Module03NextStep,
        page: "03-money-transfer-ui",
        name: "a crash with a batch in flight: every running transfer takes its next step",
        measures: "the Daily Batch with Real World Mode on, the worker stopped with Ctrl-C at a failed attempt, \
                   Real World Mode switched off while it is away, and the worker started again 30 s later: from \
                   its start until each transfer that was running has an activity completed or is closed (the \
                   histories' times)",
        bound_secs: 20,
    },
    Moment {
        key: Key::Module03Completed,
        page: "03-money-transfer-ui",
        name: "a crash with a batch in flight: every transfer completes",
        measures: "the same run: from the worker's start until the last transfer of the batch completed",
        bound_secs: 30,
    },
    Moment {
        key: Key::Module04WorkflowFix,
        page: "04-jerrys-bugs",
        name: "the workflow fix",
        measures: "the Daily Batch stuck on Jerry's panic for the case's minutes, then Ctrl-C right after a PANIC \
                   line (its attempt is left to time out: the next one is furthest away) and the build with the \
                   workflow fixed (`only_the_workflow_fixed`) on the same ports and bank: from its start until \
                   every transfer's history has its second `check_balance` scheduled",
        bound_secs: 40,
    },
    Moment {
        key: Key::Module04ActivityFix,
        page: "04-jerrys-bugs",
        name: "the activity fix",
        measures: "the Daily Batch retrying the withdrawal on Jerry's activity bug for the case's minutes, then \
                   Ctrl-C right after a failed attempt (the next one is furthest away) and both fixes \
                   (`module04-solution`) on the same ports and bank: from its start until every withdrawal \
                   completed",
        bound_secs: 30,
    },
];

/// The moment `key`.
pub fn moment(key: Key) -> &'static Moment {
    MOMENTS.iter().find(|moment| moment.key == key).expect("every key is in MOMENTS")
}

/// One measurement: a row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub moment: &'static Moment,
    pub case: String,
    pub seconds: f64,
}

impl Row {
    fn new(key: Key, case: &str, seconds: f64) -> Self {
        Self { moment: moment(key), case: case.to_string(), seconds }
    }

    pub fn within_bound(&self) -> bool {
        self.seconds <= f64::from(self.moment.bound_secs)
    }
}

/// What one case gave: its rows, what it noted on the way, or why it failed.
pub struct CaseOutcome {
    pub label: String,
    /// One of module 4's cases, run side by side (the others run one after another).
    pub side_by_side: bool,
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
    pub error: Option<anyhow::Error>,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only the moments whose page or name contains this (any case).
    pub only: Option<String>,
    /// Minutes the Daily Batch stays stuck on Jerry's panic before the workflow fix: one case each.
    pub stuck_minutes: Vec<f64>,
    /// Minutes the withdrawals retry on Jerry's activity bug before the activity fix: one case each.
    pub retrying_minutes: Vec<f64>,
}

impl Options {
    /// The learner's pace the table is recorded at.
    pub const STUCK_MINUTES: [f64; 3] = [2.0, 5.0, 10.0];
    pub const RETRYING_MINUTES: [f64; 2] = [2.0, 5.0];

    pub fn learner_pace() -> Self {
        Self {
            only: None,
            stuck_minutes: Self::STUCK_MINUTES.to_vec(),
            retrying_minutes: Self::RETRYING_MINUTES.to_vec(),
        }
    }

    fn wants(&self, key: Key) -> bool {
        let moment = moment(key);
        self.only.as_ref().is_none_or(|only| {
            let only = only.to_lowercase();
            moment.page.to_lowercase().contains(&only) || moment.name.to_lowercase().contains(&only)
        })
    }
}

/// The learner's pauses before running a program again (up-arrow and Enter; a glance; reading
/// the page and a command).
const PAUSES: [u64; 3] = [2, 5, 30];

type CaseFuture = Pin<Box<dyn Future<Output = anyhow::Result<Vec<Row>>> + Send>>;

/// Runs every case `options` asks for: module 4's side by side, the others one after another
/// beside them; their outcomes in the order of [`MOMENTS`].
pub async fn run(options: &Options) -> Vec<CaseOutcome> {
    // The module 4 cases start first and let the others start once their transfers are stuck:
    // their own start (a server, the build, the batch) is the busiest part of the run.
    let settled = Arc::new(Semaphore::new(0));
    let mut long: Vec<(Log, CaseFuture)> = Vec::new();
    if options.wants(Key::Module04WorkflowFix) {
        for &minutes in &options.stuck_minutes {
            let log = Log::new(&format!("04 workflow fix, {} stuck", minutes_text(minutes)));
            let ready = Settled(Some(settled.clone()));
            long.push((log.clone(), Box::pin(module04::workflow_fix(log, minutes, ready))));
        }
    }
    if options.wants(Key::Module04ActivityFix) {
        for &minutes in &options.retrying_minutes {
            let log = Log::new(&format!("04 activity fix, {} retrying", minutes_text(minutes)));
            let ready = Settled(Some(settled.clone()));
            long.push((log.clone(), Box::pin(module04::activity_fix(log, minutes, ready))));
        }
    }
    let mut short: Vec<(Log, CaseFuture)> = Vec::new();
    if options.wants(Key::Module01Resume) {
        for stop in [module01::Stop::AfterANumber, module01::Stop::IntoThePause] {
            for pause in PAUSES {
                let log = Log::new(&format!("01 {}, {pause} s pause", stop.name()));
                short.push((log.clone(), Box::pin(module01::resume(log, stop, Duration::from_secs(pause)))));
            }
        }
    }
    if options.wants(Key::Module02Reattach) {
        for pause in PAUSES {
            let log = Log::new(&format!("02 re-attach, {pause} s pause"));
            short.push((log.clone(), Box::pin(module02::reattach(log, Duration::from_secs(pause)))));
        }
    }
    if options.wants(Key::Module03NextStep) || options.wants(Key::Module03Completed) {
        for stop in [1, 2, 3].map(module03::Stop) {
            let log = Log::new(&format!("03 crash, {}", stop.name()));
            short.push((log.clone(), Box::pin(module03::crash(log, stop))));
        }
    }

    let waiting_for = u32::try_from(long.len()).unwrap_or(u32::MAX);
    let long: Vec<_> = long.into_iter().map(|(log, case)| (log, tokio::spawn(case))).collect();
    let side_by_side = long.len();
    // The short cases one after another, once the long ones are settled: each measures what
    // one learner's laptop does, not seven programs starting at once.
    let short = tokio::spawn(async move {
        drop(settled.acquire_many(waiting_for).await);
        let mut done = Vec::new();
        for (log, case) in short {
            done.push((log, tokio::spawn(case).await));
        }
        done
    });
    let mut finished = Vec::new();
    for (log, handle) in long {
        finished.push((log, handle.await));
    }
    finished.extend(short.await.unwrap_or_default());
    let mut outcomes = Vec::new();
    for (index, (log, result)) in finished.into_iter().enumerate() {
        let (rows, error) = match result {
            Ok(Ok(rows)) => (rows, None),
            Ok(Err(error)) => (Vec::new(), Some(error)),
            Err(panicked) => (Vec::new(), Some(anyhow::anyhow!("the case panicked: {panicked}"))),
        };
        if let Some(error) = &error {
            log.say(&format!("FAILED: {error:#}"));
        }
        let label = log.label().to_string();
        outcomes.push(CaseOutcome { label, side_by_side: index < side_by_side, rows, notes: log.notes(), error });
    }
    let order = |row: &Row| MOMENTS.iter().position(|moment| moment.key == row.moment.key);
    outcomes.sort_by_key(|outcome| outcome.rows.first().and_then(order));
    outcomes
}

/// Given by a long case once its transfers are stuck (or when it ends, whatever happened):
/// the short cases wait for all of them.
pub(crate) struct Settled(Option<Arc<Semaphore>>);

impl Settled {
    /// Gives the permit (once).
    fn give(&mut self) {
        if let Some(semaphore) = self.0.take() {
            semaphore.add_permits(1);
        }
    }
}

impl Drop for Settled {
    fn drop(&mut self) {
        self.give();
    }
}

/// "2 min", "0.5 min".
pub fn minutes_text(minutes: f64) -> String {
    format!("{minutes} min")
}

/// The rows, as the table of docs/benchmarks.md: a caption, then one row per case.
pub fn table(caption: &str, rows: &[Row]) -> String {
    let mut text = format!("{caption}\n\n| Page | Moment | Case | Seconds | Page says |\n|---|---|---|---|---|\n");
    for row in rows {
        let moment = row.moment;
        text.push_str(&format!(
            "| {} | {} | {} | {:.1} | within {} s |\n",
            moment.page, moment.name, row.case, row.seconds, moment.bound_secs
        ));
    }
    text.push_str("\nWhat the seconds count:\n\n");
    for moment in &MOMENTS {
        text.push_str(&format!("- {}, {}: {}.\n", moment.page, moment.name, moment.measures));
    }
    text
}
