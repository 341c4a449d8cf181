//! Small helpers every module's worker uses.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::anyhow;
use temporalio_client::tonic::Code;
use temporalio_common::telemetry::TelemetryOptions;
use temporalio_sdk::Worker;
use temporalio_sdk::error::{WorkerRunError, WorkerValidationError};
use temporalio_sdk::runtime::RuntimeOptions;
use tokio::sync::watch;

use crate::logging;

/// How long a workflow task waits for the worker that ran it before any worker may take it.
/// The SDK's default (10 s) makes a restarted worker sit idle after a crash; 1 s makes the
/// crash demo resume at once. Pass it to `sticky_queue_schedule_to_start_timeout`.
pub const FAST_RESUME: Duration = Duration::from_secs(1);

/// The process's one SDK runtime (workers borrow it), logging in the workshop's format.
pub fn runtime() -> anyhow::Result<&'static temporalio_sdk::Runtime> {
    static RUNTIME: OnceLock<temporalio_sdk::Runtime> = OnceLock::new();
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let runtime = new_runtime()?;
    Ok(RUNTIME.get_or_init(|| runtime))
}

fn new_runtime() -> anyhow::Result<temporalio_sdk::Runtime> {
    logging::init();
    crate::panics::install_one_line_hook();
    let telemetry = TelemetryOptions::builder().subscriber_override(Arc::new(logging::subscriber())).build();
    let options =
        RuntimeOptions::builder().telemetry_options(telemetry).build().map_err(|e| anyhow!("runtime options: {e}"))?;
    Ok(temporalio_sdk::Runtime::from_current_tokio(options)?)
}

/// Runs `worker` until Ctrl-C (or SIGTERM), then shuts it down gracefully: running
/// activities finish and the server learns at once that this worker is gone.
pub async fn run_until_ctrl_c(worker: &mut Worker) -> anyhow::Result<()> {
    let shutdown = worker.shutdown_handle();
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        stop_requested().await;
        println!("\nStopping the worker gracefully (in-flight activities finish first)...");
        stop.send_replace(true);
        shutdown();
    });
    run_through_a_blip(worker, stopped).await.map_err(explain)?;
    println!("{} Workflows it was running wait in the server for the next worker.", crate::said::WORKER_STOPPED);
    Ok(())
}

/// Runs `worker`. Before it polls, the worker asks the server about its namespace once; if
/// the server cannot be reached at that moment (restarting, the network gone for a few
/// seconds), it asks again, after 1, 2, 4… up to 10 s, instead of exiting: a worker started
/// during a blip would otherwise be gone for good while the workshop says it is on. A
/// namespace the server does not know still ends it at once, and so does `stopped` turning
/// true (Ctrl-C, or the job beside it done).
async fn run_through_a_blip(worker: &mut Worker, mut stopped: watch::Receiver<bool>) -> Result<(), WorkerRunError> {
    let mut wait = Duration::from_secs(1);
    loop {
        match worker.run().await {
            Err(WorkerRunError::Validation(WorkerValidationError::NamespaceDescribeError { source, .. }))
                if server_unreachable(source.code()) =>
            {
                if *stopped.borrow() {
                    return Ok(());
                }
                eprintln!(
                    "The Temporal server did not answer while the worker started ({}); asking again in {} s.",
                    source.message(),
                    wait.as_secs()
                );
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stopped.wait_for(|stopped| *stopped) => return Ok(()),
                }
                wait = (wait * 2).min(Duration::from_secs(10));
            }
            outcome => return outcome,
        }
    }
}

/// The SDK's error, with what to do when the namespace does not exist (the SDK says only that
/// it "was not found or otherwise could not be described", three times over).
fn explain(error: WorkerRunError) -> anyhow::Error {
    match error {
        WorkerRunError::Validation(WorkerValidationError::NamespaceDescribeError { source, namespace })
            if source.code() == Code::NotFound =>
        {
            anyhow::anyhow!(
                "The Temporal server has no namespace '{namespace}' (TEMPORAL_NAMESPACE or your Temporal profile \
                 names it). Use one it has (the workshop's local dev server has 'default': unset \
                 TEMPORAL_NAMESPACE), or create it: scripts/temporal operator namespace create --namespace {namespace}"
            )
        }
        other => other.into(),
    }
}

/// The gRPC codes of a server that did not answer (rather than one that said no).
fn server_unreachable(code: Code) -> bool {
    matches!(code, Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled)
}

/// Runs `worker` beside `job` (a starter waiting for its result) in one process, until the
/// job ends or Ctrl-C; then stops the worker gracefully. If the worker fails first, so does
/// this, with the worker's error. `Ok(None)` means Ctrl-C came first:
/// the workflow goes on in the server and waits for the next worker.
pub async fn run_beside_worker<T>(
    mut worker: Worker,
    job: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<Option<T>> {
    let stop_worker = worker.shutdown_handle();
    let (stop, stopped) = watch::channel(false);
    let job = async {
        let outcome = tokio::select! {
            outcome = job => Some(outcome),
            _ = stop_requested() => None,
        };
        // Either way, this process is done with its worker (also one still waiting for the
        // server: the job may have failed because the server is gone).
        stop.send_replace(true);
        stop_worker();
        outcome
    };
    let worker_run = run_through_a_blip(&mut worker, stopped);
    tokio::pin!(worker_run, job);
    tokio::select! {
        worker_outcome = &mut worker_run => {
            // A worker that failed ends the job too: it would wait for a result forever.
            worker_outcome.map_err(explain)?;
            job.await.transpose()
        }
        job_outcome = &mut job => {
            worker_run.await.map_err(explain)?;
            job_outcome.transpose()
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn stop_requested() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("installing a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_server_is_asked_again_a_refusal_is_not() {
        assert!(server_unreachable(Code::Unavailable), "a restarting server, a cut or a timed-out keepalive");
        assert!(server_unreachable(Code::DeadlineExceeded));
        assert!(!server_unreachable(Code::NotFound), "a namespace the server does not know");
        assert!(!server_unreachable(Code::PermissionDenied));
        assert!(!server_unreachable(Code::Unauthenticated));
    }
}
