//! Transfers under faults: every transfer asked for through the UI with an Idempotency-Key;
//! the worker SIGKILLed five times, the account API and the UI three times each (restarted on
//! the same ports, the bank on the same database), the Temporal server restarted once, the
//! bank failing and losing responses after committing; each of the three links (worker ↔
//! server, worker ↔ bank, UI ↔ server) cut once and blackholed once, the bank's disk full for
//! a while. Afterwards the books must be exact (the run's probe transfers included), each key
//! must have started one workflow, and work must have crossed every healed path (the run
//! itself fails, with the evidence, when it does not). A few seeds; each runs on its own server.

use proof::chaos::{ChaosConfig, Outage, run, summary, verify};
use temporalio_client::WorkflowExecutionStatus;

async fn chaos(seed: u64) -> anyhow::Result<()> {
    let config = ChaosConfig::new(seed);
    let outcome = run(&config).await?;
    println!("seed {seed}: {}", summary(&outcome));

    let problems = verify(&outcome);
    assert!(problems.is_empty(), "seed {seed}: the books are off:\n{}", problems.join("\n"));

    // Every program lived until the run killed it: none gave up by itself.
    assert!(outcome.ended_by_itself.is_empty(), "seed {seed}: {:?}", outcome.ended_by_itself);
    // The faults really happened, and the run exercised both outcomes.
    assert_eq!(outcome.faults.worker_kills, 5);
    assert_eq!(outcome.faults.account_api_kills, 3);
    assert_eq!(outcome.faults.ui_kills, 3);
    assert_eq!(outcome.faults.server_restarts, 1);
    for (outage, times) in &config.outages {
        let happened = outcome.outages.iter().filter(|o| o.outage == *outage).count();
        assert_eq!(happened, *times, "{}", outage.name());
    }
    // Each heal was followed by work over the healed path (a probe made sure there was some).
    for record in &outcome.outages {
        assert!(record.recovery.is_some(), "no work after {} healed: {record:?}", record.outage.name());
    }
    assert!(outcome.probes() >= outcome.outages.len(), "a probe after each heal");
    // The full disk refused changes, and the account API said so once, not once per refusal
    // (once more only if it was killed and restarted while the disk was full).
    assert!(outcome.disk_full_refusals > 0, "the full disk refused no change");
    assert!(outcome.disk_full_said >= 1, "the account API never said its disk was full");
    assert!(outcome.disk_full_said <= config.outages[&Outage::DiskFull] + config.account_api_kills);
    assert_eq!(outcome.planned_transfers(), 200);
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
