//! The lesson, proven with real processes: a worker killed mid-run loses nothing, and a
//! plain program killed mid-run starts over.

use std::collections::BTreeSet;

use testkit::history::{self, Event};
use testkit::{Program, TestServer, eventually};

const MODULE01: &str = env!("CARGO_BIN_EXE_module01");
const WORKFLOW_ID: &str = workshop::MODULE01.workflow_id_without_learner();

/// The numbers a worker printed, from its `print_number(n) -> n` lines.
fn printed_numbers(worker: &Program) -> Vec<u32> {
    worker
        .lines()
        .iter()
        .filter_map(|line| line.strip_prefix("print_number(")?.split(')').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn killed_worker_resumes_without_repeating_a_number() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let env = server.program_env();
    let client = server.client();

    let mut first_worker = Program::spawn(MODULE01, &["worker"], &env)?;
    first_worker.wait_for(workshop::said::WORKER_POLLING).await?;
    let mut starter = Program::spawn(MODULE01, &["start", "--delay-secs", "2"], &env)?;
    first_worker.wait_for("print_number(4)").await?;

    // Kill only once the server has recorded activity 4 and started the timer after it, so
    // the kill lands "between numbers", as when a learner presses Ctrl-C while it waits.
    eventually("activity 4 recorded and its timer started", || async {
        let events = history::events(&client, WORKFLOW_ID).await.ok()?;
        let done = history::count(&events, Event::ActivityTaskCompleted);
        let timers = history::count(&events, Event::TimerStarted);
        (done == 4 && timers == 4).then_some(())
    })
    .await?;
    first_worker.kill().await?;

    let mut second_worker = Program::spawn(MODULE01, &["worker"], &env)?;
    starter.wait_for("Workflow result: Workflow completed").await?;
    assert!(starter.wait_exit().await?.success(), "starter failed:\n{}", starter.transcript());

    let before = printed_numbers(&first_worker);
    let after = printed_numbers(&second_worker);
    assert_eq!(before, vec![1, 2, 3, 4], "first worker:\n{}", first_worker.transcript());
    assert_eq!(after, vec![5, 6, 7, 8, 9, 10], "second worker:\n{}", second_worker.transcript());

    let events = history::events(&client, WORKFLOW_ID).await?;
    assert_eq!(history::count(&events, Event::ActivityTaskCompleted), 10);
    assert_eq!(history::count(&events, Event::ActivityTaskScheduled), 10, "no activity ran twice");
    assert_eq!(history::count(&events, Event::WorkflowExecutionCompleted), 1);

    second_worker.interrupt()?;
    assert!(second_worker.wait_exit().await?.success());
    Ok(())
}

#[tokio::test]
async fn ctrl_c_then_run_again_re_attaches_and_finishes() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let env = server.program_env();

    let mut first_run = Program::spawn(MODULE01, &["--delay-secs", "1"], &env)?;
    first_run.wait_for("print_number(3)").await?;
    first_run.interrupt()?;
    first_run.wait_for("still Running in the server").await?;
    assert!(first_run.wait_exit().await?.success(), "{}", first_run.transcript());

    let mut second_run = Program::spawn(MODULE01, &["--delay-secs", "1"], &env)?;
    second_run.wait_for("already running: re-attaching").await?;
    second_run.wait_for("Workflow result: Workflow completed").await?;
    assert!(second_run.wait_exit().await?.success(), "{}", second_run.transcript());

    let mut all: Vec<u32> = printed_numbers(&first_run);
    all.extend(printed_numbers(&second_run));
    let distinct: BTreeSet<u32> = all.iter().copied().collect();
    assert_eq!(distinct, (1..=10).collect(), "runs printed:\n{all:?}");
    assert_eq!(all.len(), 10, "a number was printed twice: {all:?}");
    Ok(())
}

#[tokio::test]
async fn plain_program_starts_over_after_a_kill() -> anyhow::Result<()> {
    let mut first = Program::spawn(MODULE01, &["plain", "--delay-secs", "1"], &[])?;
    first.wait_for_line(|line| line == "4").await?;
    first.kill().await?;

    let mut second = Program::spawn(MODULE01, &["plain", "--delay-secs", "1"], &[])?;
    let first_number = second.wait_for_line(|line| line.parse::<u32>().is_ok()).await?;
    assert_eq!(first_number, "1", "plain restarts from the beginning");
    Ok(())
}

#[tokio::test]
async fn unreachable_configured_server_fails_clearly() -> anyhow::Result<()> {
    let nobody = format!("127.0.0.1:{}", testkit::free_port()?);
    let env = vec![("TEMPORAL_ADDRESS".to_string(), nobody.clone())];
    let mut run = Program::spawn(MODULE01, &[], &env)?;
    let status = run.wait_exit().await?;
    assert!(!status.success(), "must fail:\n{}", run.transcript());
    let output = run.transcript();
    assert!(output.contains(&format!("Could not connect to Temporal at {nobody}")), "{output}");
    assert!(output.contains("TEMPORAL_ADDRESS"), "the message says where the address came from: {output}");
    assert!(!output.contains("Started a local Temporal dev server"), "{output}");
    Ok(())
}
