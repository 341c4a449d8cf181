//! Module 4's solution: Jerry's two bugs fixed in `src/workflow.rs` and `src/activities.rs`,
//! the files a learner changes. Every other file is the exercise's own, compiled from there;
//! a test (tests/drift.rs) keeps this crate root equal to the exercise's `main.rs` but for the paths.

#[path = "src/activities.rs"]
mod activities;
#[path = "../../exercises/module04/src/worker.rs"]
mod worker;
#[path = "src/workflow.rs"]
mod workflow;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let about = "Module 4: fix Jerry's bugs while transfers wait";
    transfer_ui::cli::main(workshop::MODULE04, about, worker::build).await
}
