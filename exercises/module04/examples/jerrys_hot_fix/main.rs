//! Jerry's hot fix, as he would deploy it: module 4's program with his panic turned into a
//! returned error (workflow.rs here; the other files are yours, from src/). Step 5 of the page
//! deploys it: `cargo run -p module04 --example jerrys_hot_fix`. Every transfer it runs fails
//! for good, for step 6 to reset.

#[path = "../../src/activities.rs"]
mod activities;
#[path = "../../src/worker.rs"]
mod worker;
mod workflow;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let about = "Module 4 with Jerry's hot fix: a workflow error instead of a panic";
    transfer_ui::cli::main(workshop::MODULE04, about, worker::build).await
}
