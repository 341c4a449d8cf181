//! The program without Temporal: its only memory is this process.

pub async fn run(delay_secs: u64) -> anyhow::Result<()> {
    println!("Printing 1..10 without Temporal. Press Ctrl-C part-way, then run it again.");
    for number in 1..=10 {
        println!("{number}");
        if number < 10 {
            tokio::time::sleep(std::time::Duration::from_secs(delay_secs)).await;
        }
    }
    println!("Done. Had you stopped it, it would have started again at 1: nothing remembered where it was.");
    Ok(())
}
