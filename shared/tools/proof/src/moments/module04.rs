//! Module 4's two fixes, after the learner took minutes to find each bug.
//!
//! - The workflow fix: Jerry's build (`module04`) and the Daily Batch; the five transfers get
//!   stuck on his panic, and fail for the case's minutes. Then Ctrl-C, and the build with the
//!   workflow fixed (`only_the_workflow_fixed`) on the same ports and bank: how long until
//!   every stuck transfer has taken its next step (its second balance check scheduled).
//! - The activity fix: the build with only the workflow fixed and the Daily Batch; every
//!   withdrawal retries on Jerry's activity bug for the case's minutes. Then Ctrl-C, and both
//!   fixes (`module04-solution`): how long until every withdrawal has gone through.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use contract::DAILY_BATCH;

use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::workflowservice::v1::DescribeWorkflowExecutionResponse;
use testkit::history::Event;
use testkit::{Program, workspace_binary, workspace_example};

use super::stage::{Stage, activity_events, largest, list, seconds_between, system_time, time_of};
use super::{Key, Log, Row, Settled, minutes_text};

/// A hang guard for the fixed build's work, far above any bound: a case that takes longer fails.
const PATIENCE: Duration = Duration::from_secs(5 * 60);

/// PANIC lines closer than this to the one before are one round of attempts (the five
/// transfers were started together).
const SAME_ROUND: Duration = Duration::from_secs(3);

pub(super) async fn workflow_fix(log: Log, minutes: f64, mut settled: Settled) -> anyhow::Result<Vec<Row>> {
    let (jerrys, fixed) = (workspace_binary("module04")?, workspace_example("only_the_workflow_fixed")?);
    let (stage, mut program, batch) = daily_batch_on(&jerrys).await?;
    let panic = |line: &str| line.contains("PANIC at");
    program.wait_for_line(panic).await?;
    settled.give();
    let (first, first_at) = (Instant::now(), SystemTime::now());
    let until = first + Duration::from_secs_f64(minutes * 60.0);
    let (panics, attempts) =
        tokio::join!(lines_until(&mut program, first, until, panic), task_attempts(&stage, &batch, until));
    let panics = [vec![Duration::ZERO], panics?].concat();
    log.note(&format!("PANIC lines, {}: {}", minutes_text(minutes), rounds(&panics)));
    for ((from, to), attempts) in DAILY_BATCH.iter().zip(&attempts) {
        let started: Vec<f64> = attempts.values().map(|at| seconds_between(first_at, *at)).collect();
        let gaps: Vec<f64> = started.windows(2).map(|pair| pair[1] - pair[0]).collect();
        let (low, high) = (attempts.keys().next().unwrap_or(&0), attempts.keys().last().unwrap_or(&0));
        log.note(&format!("{from}→{to}: workflow task attempts {low}–{high} started, gaps {} s", list(&gaps)));
    }
    // The learner restarts right after a panic: its attempt is left to time out, the next is
    // furthest away.
    program.wait_for_line(panic).await?;
    program.interrupt()?;
    program.wait_exit().await?;
    let pending = each_pending(&stage, &batch, |description, stopped| {
        description.pending_workflow_task.as_ref().map_or("none".to_string(), |task| {
            let when = task.scheduled_time.as_ref().and_then(|at| system_time(at.seconds, at.nanos));
            format!("attempt {} scheduled {}", task.attempt, relative(stopped, when))
        })
    })
    .await?;
    log.note(&format!("at the Ctrl-C, each transfer's pending workflow task: {pending}"));

    let (ready, seconds) = restart(&stage, &fixed, &batch, |history| {
        let checks = activity_events(history, Event::ActivityTaskScheduled, "check_balance");
        checks.get(1).and_then(|event| time_of(event))
    })
    .await?;
    log.note(&format!(
        "workflow fixed: UI ready after {ready:.1} s; each transfer's second check_balance scheduled at {} s",
        list(&seconds)
    ));
    let case = format!("stuck for {}, Ctrl-C right after a PANIC line", minutes_text(minutes));
    Ok(vec![Row::new(Key::Module04WorkflowFix, &case, largest(&seconds))])
}

pub(super) async fn activity_fix(log: Log, minutes: f64, mut settled: Settled) -> anyhow::Result<Vec<Row>> {
    let (half_fixed, fixed) = (workspace_example("only_the_workflow_fixed")?, workspace_binary("module04-solution")?);
    let (stage, mut program, batch) = daily_batch_on(&half_fixed).await?;
    let failed_withdrawal = |line: &str| line.contains("withdraw(") && line.contains(workshop::said::WILL_RETRY);
    program.wait_for_line(failed_withdrawal).await?;
    settled.give();
    let first = Instant::now();
    let until = first + Duration::from_secs_f64(minutes * 60.0);
    let failures = 1 + lines_until(&mut program, first, until, failed_withdrawal).await?.len();
    // The learner restarts right after a failed attempt: the next is furthest away.
    program.wait_for_line(failed_withdrawal).await?;
    program.interrupt()?;
    program.wait_exit().await?;
    let pending = each_pending(&stage, &batch, |description, stopped| {
        description.pending_activities.first().map_or("none".to_string(), |activity| {
            let next = activity.next_attempt_schedule_time.as_ref().and_then(|at| system_time(at.seconds, at.nanos));
            let started = activity.last_started_time.as_ref().and_then(|at| system_time(at.seconds, at.nanos));
            match next {
                Some(next) => format!("attempt {} next {}", activity.attempt, relative(stopped, Some(next))),
                // Handed to a worker that never answered: it waits for the attempt's timeout.
                None => format!(
                    "attempt {} running since {} on {}",
                    activity.attempt,
                    relative(stopped, started),
                    activity.last_worker_identity
                ),
            }
        })
    })
    .await?;
    let retried = minutes_text(minutes);
    log.note(&format!("{failures} failed withdrawal attempts printed in {retried}; at the Ctrl-C: {pending}"));

    let (ready, seconds) = restart(&stage, &fixed, &batch, |history| {
        let completed = activity_events(history, Event::ActivityTaskCompleted, "withdraw");
        completed.first().and_then(|event| time_of(event))
    })
    .await?;
    log.note(&format!("both fixed: UI ready after {ready:.1} s; each withdrawal completed at {} s", list(&seconds)));
    let case = format!("withdrawals retrying for {retried}, Ctrl-C right after a failed attempt");
    Ok(vec![Row::new(Key::Module04ActivityFix, &case, largest(&seconds))])
}

/// `binary` on a stage of its own, and the Daily Batch started in its UI.
async fn daily_batch_on(binary: &str) -> anyhow::Result<(Stage, Program, Vec<String>)> {
    let stage = Stage::start().await?;
    let mut program = stage.launch(binary, &[])?;
    program.wait_for(workshop::said::UI_READY).await?;
    let batch = stage.daily_batch().await?;
    Ok((stage, program, batch))
}

/// What the server says each transfer of `batch` waits for, right after the Ctrl-C.
async fn each_pending(
    stage: &Stage,
    batch: &[String],
    say: impl Fn(&DescribeWorkflowExecutionResponse, SystemTime) -> String,
) -> anyhow::Result<String> {
    let stopped = SystemTime::now();
    let mut pending = Vec::new();
    for id in batch {
        pending.push(say(stage.describe(id).await?.raw(), stopped));
    }
    Ok(pending.join("; "))
}

/// "+4.2 s" from `from` to `to`.
fn relative(from: SystemTime, to: Option<SystemTime>) -> String {
    to.map_or("?".into(), |to| format!("{:+.1} s", seconds_between(from, to)))
}

/// The page's restart: `binary` on the same ports and bank. The seconds from its start until
/// its UI said it was ready, and until each history of `batch` has its `step`.
async fn restart(
    stage: &Stage,
    binary: &str,
    batch: &[String],
    step: impl Fn(&[HistoryEvent]) -> Option<SystemTime>,
) -> anyhow::Result<(f64, Vec<f64>)> {
    let (restarted, started) = (SystemTime::now(), Instant::now());
    let mut program = stage.launch(binary, &[])?;
    program.wait_for(workshop::said::UI_READY).await?;
    let ready = started.elapsed().as_secs_f64();
    let times = stage.wait_in_histories(batch, PATIENCE, |history| Ok(step(history))).await?;
    program.stop(Duration::from_secs(10)).await;
    Ok((ready, times.iter().map(|at| seconds_between(restarted, *at)).collect()))
}

/// The times (from `since`) of the lines that `matches` prints until `until`.
async fn lines_until(
    program: &mut Program,
    since: Instant,
    until: Instant,
    matches: impl Fn(&str) -> bool,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::new();
    loop {
        match tokio::time::timeout_at(until.into(), program.next_line(&matches)).await {
            Err(_time_up) => return Ok(times),
            Ok(Ok(Some(_))) => times.push(since.elapsed()),
            Ok(Ok(None)) => anyhow::bail!("it ended by itself:\n{}", program.transcript()),
            Ok(Err(error)) => return Err(error),
        }
    }
}

/// Until `until`, each transfer's workflow task attempts as the server hands them to a worker:
/// attempt → its start (read every second: attempts started together show as the last).
async fn task_attempts(stage: &Stage, batch: &[String], until: Instant) -> Vec<BTreeMap<i32, SystemTime>> {
    let mut attempts = vec![BTreeMap::new(); batch.len()];
    while Instant::now() < until {
        for (id, seen) in batch.iter().zip(&mut attempts) {
            let Ok(description) = stage.describe(id).await else { continue };
            let Some(task) = &description.raw().pending_workflow_task else { continue };
            if let Some(at) = task.started_time.as_ref().and_then(|at| system_time(at.seconds, at.nanos)) {
                seen.entry(task.attempt).or_insert(at);
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    attempts
}

/// The PANIC lines (times from the first) as rounds of attempts: "+0 (5), +10.1 (5), … s; gaps 10.1, …".
fn rounds(times: &[Duration]) -> String {
    let mut rounds: Vec<(Duration, usize)> = Vec::new();
    let mut last = None;
    for &time in times {
        match (rounds.last_mut(), last) {
            (Some((_, lines)), Some(previous)) if time - previous < SAME_ROUND => *lines += 1,
            _ => rounds.push((time, 1)),
        }
        last = Some(time);
    }
    let at: Vec<String> = rounds.iter().map(|(at, lines)| format!("+{:.1} ({lines})", at.as_secs_f64())).collect();
    let gaps: Vec<f64> = rounds.windows(2).map(|pair| (pair[1].0 - pair[0].0).as_secs_f64()).collect();
    format!("{} rounds at {} s (lines per round); gaps {} s", rounds.len(), at.join(", "), list(&gaps))
}
