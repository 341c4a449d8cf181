//! Jerry's hot fix, as he would deploy it: module 4's program with his panic turned into a
//! returned error (workflow.rs; the other files are the exercise's own). Module 4's page
//! shows the learner what that does to a stuck transfer; the lab's tests deploy this build
//! to fail one for good, then reset it.

#[path = "../../../../../exercises/module04/src/activities.rs"]
mod activities;
#[path = "../../../../../exercises/module04/src/worker.rs"]
mod worker;
mod workflow;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let about = "Module 4 with Jerry's hot fix: a workflow error instead of a panic";
    transfer_ui::cli::main(workshop::MODULE04, about, worker::build).await
}
