//! The program without Temporal: its only memory is this process.

use std::time::Duration;

pub async fn run(delay_secs: u64) -> anyhow::Result<()> {
    println!("Printing 1..10 without Temporal. Press Ctrl-C part-way, then run it again.");
    for number in 1..=10 {
        println!("{number}");
        if number < 10 {
            tokio::time::sleep(Duration::from_secs(delay_secs)).await;
        }
    }
    println!("Done. Had you stopped it, it would have started again at 1: nothing remembered where it was.");
    Ok(())
}
