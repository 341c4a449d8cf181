//! Transfers under faults: every transfer asked for through the UI with an Idempotency-Key;
//! the worker SIGKILLed five times, the account API and the UI three times each (restarted on
//! the same ports, the bank on the same database), the Temporal server restarted once, the
//! bank failing and losing responses after committing. Afterwards the books must be exact and
//! each key must have started one workflow. A few seeds; each runs on its own server.

use proof::chaos::{ChaosConfig, run, summary, verify};
use temporalio_client::WorkflowExecutionStatus;

async fn chaos(seed: u64) -> anyhow::Result<()> {
    let config = ChaosConfig::new(seed);
    let outcome = run(&config).await?;
    println!("seed {seed}: {}", summary(&outcome));

    let problems = verify(&outcome);
    assert!(problems.is_empty(), "seed {seed}: the books are off:\n{}", problems.join("\n"));

    // The faults really happened, and the run exercised both outcomes.
    assert_eq!(outcome.faults.worker_kills, 5);
    assert_eq!(outcome.faults.account_api_kills, 3);
    assert_eq!(outcome.faults.ui_kills, 3);
    assert_eq!(outcome.faults.server_restarts, 1);
    assert_eq!(outcome.ids.len(), 200);
    let overdrafts = outcome.plan.iter().filter(|t| t.overdraft).count();
    assert!(overdrafts > 0, "the plan has transfers above the balance");
    assert!(outcome.count(WorkflowExecutionStatus::Failed) >= overdrafts);
    assert!(outcome.count(WorkflowExecutionStatus::Completed) > 150, "most ordinary transfers complete");
    assert!(outcome.retried_attempts > 0, "the bank's failures were retried");
    assert!(outcome.resent_requests > 0, "the UI's deaths made the driver ask again");
    let dropped = outcome.plan.iter().filter(|t| t.first_answer_lost).count();
    assert!(dropped > 0, "the plan drops some answers");
    assert!(outcome.answered_again >= dropped, "each dropped answer was asked again and found its transfer started");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_are_exact_after_chaos_seed_1() -> anyhow::Result<()> {
    chaos(1).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_are_exact_after_chaos_seed_2() -> anyhow::Result<()> {
    chaos(2).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_are_exact_after_chaos_seed_3() -> anyhow::Result<()> {
    chaos(3).await
}
