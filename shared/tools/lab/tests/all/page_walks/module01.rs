//! Module 1's page: the plain program forgets, the workflow carries on after Ctrl-C, and
//! a worker and a starter run apart.

use testkit::TestServer;
use testkit::pages::{PAGE_TEMPORAL_ADDRESS, Walk};

#[tokio::test]
async fn module01_page() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let mut walk = Walk::new("01-crash-proof", server.program_env());
    walk.rewrite(PAGE_TEMPORAL_ADDRESS, &server.address());
    // The page quotes the worker's address as `...:7233`: the lab prints 127.0.0.1, a laptop localhost.
    walk.rewrite("...:7233", &format!("...:{}", server.port()));
    walk.rewrite("https://...", "http://..."); // the lab's Web UI sits behind Instruqt's https proxy
    let quick = ["--delay-secs", "1"];

    // Step 1: the plain program, stopped part-way, starts over.
    for _ in 0..2 {
        let mut plain = walk.spawn("cargo run -p module01 -- plain", &quick)?;
        plain.wait_for("2").await?;
        plain.interrupt()?;
        plain.wait_exit().await?;
        walk.record(&plain);
    }

    // Step 2: the workflow, stopped part-way, carries on in a second run.
    let mut first = walk.spawn("cargo run -p module01", &quick)?;
    first.wait_for("print_number(2)").await?;
    first.interrupt()?;
    first.wait_for("Stopped.").await?;
    first.wait_exit().await?;
    walk.record(&first);
    let second = walk.run("cargo run -p module01", &quick).await?;
    assert!(!second.contains("print_number(1) "), "no number twice:\n{second}");

    // Step 3: worker and starter apart.
    let mut worker = walk.spawn("cargo run -p module01 -- worker", &[])?;
    worker.wait_for(workshop::said::WORKER_POLLING).await?;
    walk.run("cargo run -p module01 -- start", &quick).await?;
    walk.record(&worker);
    walk.finish();
    Ok(())
}
