//! Module 2: the bank in Real World Mode, `cargo run -p module02` stopped with Ctrl-C at its
//! first `failed, Temporal will retry`, run again after a learner's pause: how long until the
//! step's next attempt is printed.

use std::time::{Duration, Instant};

use bank::real_world_mode::Target;
use bank::{RealWorldMode, RealWorldModeSettings};
use testkit::{Program, TempDir, TestServer, free_port, workspace_binary};

use super::{Key, Log, Row};

/// The calls the transfer makes when none fails: two balance reads, the withdrawal, the
/// deposit, two balance reads.
const CALLS: usize = 6;

/// The first seed whose dice fail the first call with a 500 (not a slow answer) and let every
/// call after it through: the run meets a retry at once, every time, and the attempt after the
/// Ctrl-C is not one that hangs.
fn seed_failing_the_first_call() -> u64 {
    (0..)
        .find(|&seed| {
            let settings =
                RealWorldModeSettings { enabled: true, seed: Some(seed), ..RealWorldModeSettings::default() };
            let Ok(dice) = RealWorldMode::new(settings) else { return false };
            let first = dice.roll_before(Target::BalanceRead);
            first == Some(bank::real_world_mode::InjectedFailure::Unavailable)
                && (0..CALLS).all(|_| dice.roll_before(Target::BalanceRead).is_none())
        })
        .expect("a seed among all u64")
}

pub(super) async fn reattach(log: Log, pause: Duration) -> anyhow::Result<Vec<Row>> {
    let binary = workspace_binary("module02")?;
    // The workflow id is fixed: a server of its own.
    let server = TestServer::start().await?;
    let dir = TempDir::new("moments-module02")?;
    let db = dir.path().join("bank.db").display().to_string();
    let port = free_port()?.to_string();
    let seed = seed_failing_the_first_call().to_string();
    let bank_args = ["account-api", "--port", &port, "--db", &db, "--real-world-mode", "--seed", &seed];
    let mut bank = Program::spawn(&binary, &bank_args, &server.program_env())?;
    bank.wait_for("Real World Mode is ON").await?;
    let mut env = server.program_env();
    env.push(("ACCOUNT_API_URL".into(), format!("http://127.0.0.1:{port}")));

    let mut first = Program::spawn(&binary, &[], &env)?;
    let failed = first.wait_for(workshop::said::WILL_RETRY).await?;
    first.interrupt()?;
    first.wait_for("Stopped.").await?;
    first.wait_exit().await?;
    log.say(&format!("stopped at {:?}; the learner waits {} s", failed.trim(), pause.as_secs()));
    tokio::time::sleep(pause).await;

    let started = Instant::now();
    let mut second = Program::spawn(&binary, &[], &env)?;
    let next = second.wait_for(workshop::said::ATTEMPT).await?;
    let seconds = started.elapsed().as_secs_f64();
    log.note(&format!("{:?} {seconds:.1} s after the run again started", next.trim()));
    second.wait_for("Transfer of $100.00 completed.").await?;
    second.wait_exit().await?;
    bank.stop(Duration::from_secs(10)).await;
    let case = format!("Ctrl-C at the first retry; run again after {} s", pause.as_secs());
    Ok(vec![Row::new(Key::Module02Reattach, &case, seconds)])
}
