//! Module 3: a Money Transfer UI. Each transfer is a workflow; the page follows it with a
//! Query and finds an account's transfers through search attributes.

mod activities;
mod worker;
mod workflow;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let about = "Module 3: a Money Transfer UI over Temporal workflows";
    transfer_ui::cli::main(workshop::MODULE03, about, worker::build).await
}
