//! Module 4 half-way through the page: the learner fixed Jerry's workflow bug, not yet his
//! activity bug (withdraw still calls his "local bank"). The page walk deploys this build for
//! the step where transfers reach the withdrawal and retry it.

#[path = "../../../../exercises/module04/src/activities.rs"]
mod activities;
#[path = "../../../../exercises/module04/src/worker.rs"]
mod worker;
#[path = "../../../../solutions/module04/src/workflow.rs"]
mod workflow;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let about = "Module 4 with the workflow fixed and Jerry's activity bug still in place";
    transfer_ui::cli::main(workshop::MODULE04, about, worker::build).await
}
