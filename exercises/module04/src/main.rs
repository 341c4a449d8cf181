//! Module 4: the Money Transfer UI of module 3, after Jerry shipped two changes. Find his
//! bugs, fix them, restart the worker: the stuck transfers finish by themselves.

mod activities;
mod worker;
mod workflow;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let about = "Module 4: fix Jerry's bugs while transfers wait";
    transfer_ui::cli::main(workshop::MODULE04, about, worker::build).await
}
