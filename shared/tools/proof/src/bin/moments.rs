//! `scripts/moments`: the workshop's "watch it happen" moments at a learner's pace (module 1's
//! resume after Ctrl-C, module 2's re-attach, module 3's crash with a batch in flight, module
//! 4's two fixes after 2, 5 and 10 minutes of failing), each case on its own Temporal dev
//! server and ports: module 4's side by side, the others one after another beside them (about
//! 11 minutes). Prints what happens, then one row per case: the seconds measured and the bound
//! the page promises (`proof::moments::MOMENTS`).
//!
//! `--record` writes the table into docs/benchmarks.md between the `moments` markers. For a
//! quick look: `--only jerry --minutes 0.5` (the table is recorded at the real minutes only).

use clap::Parser;
use proof::moments::{MOMENTS, Options, Row, run, table};

#[derive(Parser)]
#[command(about = "The workshop's moments at a learner's pace: how long the learner waits for what each page \
                   promises, against the page's bound")]
struct Args {
    /// Only the moments whose page folder or name contains this (e.g. `04-jerrys`, `activity fix`).
    #[arg(long)]
    only: Option<String>,
    /// Minutes of failing before each of module 4's fixes, one case each (instead of 2,5,10 for
    /// the workflow fix and 2,5 for the activity fix), e.g. `--minutes 0.5,1`.
    #[arg(long, value_delimiter = ',')]
    minutes: Option<Vec<f64>>,
    /// Write the table into docs/benchmarks.md (between the `moments` markers).
    #[arg(long)]
    record: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        !args.record || (args.only.is_none() && args.minutes.is_none()),
        "--record writes the whole table at the learner's pace: leave out --only and --minutes"
    );
    let mut options = Options::learner_pace();
    options.only = args.only.clone();
    if let Some(minutes) = &args.minutes {
        options.stuck_minutes = minutes.clone();
        options.retrying_minutes = minutes.clone();
    }

    let started = std::time::Instant::now();
    let before = proof::load_average();
    let highest = std::sync::Arc::new(std::sync::Mutex::new(before.clone()));
    let sampler = tokio::spawn({
        let highest = highest.clone();
        async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                let now = proof::load_average();
                let mut highest = highest.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if now.parse::<f64>().unwrap_or(0.0) > highest.parse::<f64>().unwrap_or(0.0) {
                    *highest = now;
                }
            }
        }
    });
    let outcomes = run(&options).await;
    sampler.abort();
    let highest = highest.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    let after = proof::load_average();

    println!("\nWhat each case saw:");
    for outcome in &outcomes {
        println!("- {}:", outcome.label);
        for note in &outcome.notes {
            println!("    {note}");
        }
        if let Some(error) = &outcome.error {
            println!("    FAILED: {error:#}");
        }
    }
    let mut rows: Vec<Row> = outcomes.iter().flat_map(|outcome| outcome.rows.clone()).collect();
    rows.sort_by_key(|row| MOMENTS.iter().position(|moment| moment.key == row.moment.key));
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let together = outcomes.iter().filter(|outcome| outcome.side_by_side).count();
    let caption = format!(
        "Measured by `scripts/moments --record` (the modules' debug builds, as `cargo run` runs them for a learner, \
         with their real delays and retry policies; each case on its own Temporal dev server with the workshop's \
         settings, its own ports and bank: module 4's {together} cases side by side, and once their transfers were \
         stuck the other {} one after another beside them, on {cores} cores; the whole run {:.0} min; load average \
         (1 min) {before} before, {highest} at most, {after} after).",
        outcomes.len() - together,
        started.elapsed().as_secs_f64() / 60.0
    );
    let text = table(&caption, &rows);
    println!("\n{text}");

    let failed: Vec<&str> =
        outcomes.iter().filter(|outcome| outcome.error.is_some()).map(|outcome| outcome.label.as_str()).collect();
    let over: Vec<String> = rows
        .iter()
        .filter(|row| !row.within_bound())
        .map(|row| format!("{} ({}): {:.1} s > {} s", row.moment.name, row.case, row.seconds, row.moment.bound_secs))
        .collect();
    if args.record {
        anyhow::ensure!(failed.is_empty(), "not recorded: cases failed: {failed:?}");
        let path = workshop::paths::workspace_root().join("docs/benchmarks.md");
        proof::doc_section::write(&path, "moments", &text)?;
        println!("written to {}", path.display());
    }
    anyhow::ensure!(failed.is_empty(), "cases failed: {failed:?}");
    anyhow::ensure!(over.is_empty(), "longer than the page says: {over:?}");
    Ok(())
}
