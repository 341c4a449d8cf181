//! Benchmark, not a test: how fast the crash demo resumes and how fast Ctrl-C stops.
//! Run: `cargo test -p module01 --test resume_timing -- --ignored --nocapture`

use std::time::{Duration, Instant, SystemTime};

use testkit::history::{self, Event};
use testkit::{Program, TestServer, eventually};

const MODULE01: &str = env!("CARGO_BIN_EXE_module01");
const WORKFLOW_ID: &str = workshop::MODULE01.workflow_id_without_learner();

fn event_time(event: &temporalio_common::protos::temporal::api::history::v1::HistoryEvent) -> SystemTime {
    let ts = event.event_time.as_ref().expect("event time");
    SystemTime::UNIX_EPOCH + Duration::new(ts.seconds as u64, ts.nanos as u32)
}

#[tokio::test]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn measure_resume_after_sigkill_and_ctrl_c() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let env = server.program_env();
    let client = server.client();

    // 1. SIGKILL while the timer after number 4 runs; a new worker starts at once.
    let mut first = Program::spawn(MODULE01, &["worker"], &env)?;
    first.wait_for(workshop::said::WORKER_POLLING).await?;
    let mut starter = Program::spawn(MODULE01, &["start", "--delay-secs", "1"], &env)?;
    eventually("timer after 4", || async {
        let events = history::events(&client, WORKFLOW_ID).await.ok()?;
        (history::count(&events, Event::TimerStarted) == 4).then_some(())
    })
    .await?;
    first.kill().await?;
    let mut second = Program::spawn(MODULE01, &["worker"], &env)?;
    starter.wait_for("Workflow completed").await?;
    let events = history::events(&client, WORKFLOW_ID).await?;
    let fired: Vec<_> = events.iter().filter(|e| e.event_type() == Event::TimerFired).collect();
    let scheduled: Vec<_> = events.iter().filter(|e| e.event_type() == Event::ActivityTaskScheduled).collect();
    let resume = event_time(scheduled[4]).duration_since(event_time(fired[3]))?;
    let normal = event_time(scheduled[2]).duration_since(event_time(fired[1]))?;
    println!("timer fired -> next activity scheduled, after SIGKILL: {:.2} s", resume.as_secs_f64());
    println!("timer fired -> next activity scheduled, no crash:      {:.2} s", normal.as_secs_f64());

    second.interrupt()?; // its numbers would land in its own output, not the next run's
    second.wait_exit().await?;

    // 2. Ctrl-C on the one-process lesson: time until the process has exited.
    let mut run = Program::spawn(MODULE01, &["--delay-secs", "1"], &env)?;
    run.wait_for("print_number(2)").await?;
    let pressed = Instant::now();
    run.interrupt()?;
    run.wait_exit().await?;
    println!("Ctrl-C -> process exited: {:.2} s", pressed.elapsed().as_secs_f64());
    Ok(())
}
