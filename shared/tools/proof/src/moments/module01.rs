//! Module 1: `cargo run -p module01` (a worker and the starter), stopped with Ctrl-C after
//! number 3, run again after a learner's pause: how long until the next number.

use std::time::{Duration, Instant};

use testkit::{Program, TestServer, workspace_binary};

use super::{Key, Log, Row};

/// When the learner presses Ctrl-C.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stop {
    /// As soon as number 3 is printed (its activity done, the workflow starting its timer).
    AfterANumber,
    /// Two seconds into the three-second pause after number 3.
    IntoThePause,
}

impl Stop {
    pub fn name(self) -> &'static str {
        match self {
            Stop::AfterANumber => "Ctrl-C right after number 3",
            Stop::IntoThePause => "Ctrl-C 2 s into the pause after 3",
        }
    }
}

pub(super) async fn resume(log: Log, stop: Stop, pause: Duration) -> anyhow::Result<Vec<Row>> {
    let binary = workspace_binary("module01")?;
    // The workflow id is fixed: a server of its own.
    let server = TestServer::start().await?;
    let env = server.program_env();
    let mut first = Program::spawn(&binary, &[], &env)?;
    first.wait_for("print_number(3)").await?;
    if let Stop::IntoThePause = stop {
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    first.interrupt()?;
    first.wait_for("Stopped.").await?;
    first.wait_exit().await?;
    log.say(&format!("stopped after number 3; the learner waits {} s", pause.as_secs()));
    tokio::time::sleep(pause).await;

    let started = Instant::now();
    let mut second = Program::spawn(&binary, &[], &env)?;
    let next = second.wait_for("print_number(").await?;
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(next.contains("print_number(4)"), "the run again printed {next:?} first, not number 4");
    log.note(&format!("number 4 printed {seconds:.1} s after the run again started"));
    second.stop(Duration::from_secs(10)).await;
    let case = format!("{}; run again after {} s", stop.name(), pause.as_secs());
    Ok(vec![Row::new(Key::Module01Resume, &case, seconds)])
}
