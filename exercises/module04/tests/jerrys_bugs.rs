//! Module 4's lesson with real processes: Jerry's worker leaves transfers stuck without
//! moving money; the fixed worker finishes every one of them exactly once.

use bank::client::STEP_TIMEOUT;
use bank::{Cents, EntryKind, RealWorldModeSettings, RealWorldModeUpdate};
use contract::TransferInput;
use temporalio_client::{Client, UntypedWorkflow, WorkflowDescribeOptions, WorkflowExecutionStatus};
use testkit::history::{self, Event};
use testkit::{Program, TestAccountApi, TestServer, eventually, workspace_binary};
use workshop::MODULE04;

const EXERCISE: &str = env!("CARGO_BIN_EXE_module04");

fn calm() -> RealWorldModeSettings {
    RealWorldModeSettings { inject_on_balance: false, slow_secs: 1, ..RealWorldModeSettings::default() }
}

async fn start(client: &Client, from: &str, to: &str, dollars: i64) -> anyhow::Result<String> {
    let input = TransferInput { from_account: from.into(), to_account: to.into(), amount: Cents::dollars(dollars) };
    contract::start_transfer(client, &MODULE04, &input).await
}

async fn status(client: &Client, id: &str) -> anyhow::Result<WorkflowExecutionStatus> {
    let handle = client.get_workflow_handle::<UntypedWorkflow>(id);
    Ok(handle.describe(WorkflowDescribeOptions::default()).await?.status())
}

/// Waits until Jerry's panic has failed the workflow task at least twice (a retry happened).
async fn wait_for_repeated_task_failures(client: &Client, id: &str) -> anyhow::Result<Vec<String>> {
    eventually("repeated workflow task failures", || async {
        let events = history::events(client, id).await.ok()?;
        let failures = history::workflow_task_failures(&events);
        (failures.len() >= 2).then_some(failures)
    })
    .await
}

fn env(server: &TestServer, api: &TestAccountApi) -> Vec<(String, String)> {
    let mut env = server.program_env();
    env.push(api.program_env());
    env
}

#[tokio::test]
async fn jerrys_worker_leaves_transfers_stuck_and_the_fix_completes_each_once() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let client = server.client();
    let api = TestAccountApi::start(transfer_ui::cli::INITIAL_BALANCES, calm()).await?;
    let total_before = api.bank.total_cents()?;

    let mut jerrys_worker = Program::spawn(EXERCISE, &["worker"], &env(&server, &api))?;
    let ids = [
        start(&client, "account_A", "account_F", 100).await?,
        start(&client, "account_B", "account_G", 50).await?,
        start(&client, "account_C", "account_H", 25).await?,
    ];
    for id in &ids {
        let failures = wait_for_repeated_task_failures(&client, id).await?;
        assert!(failures.iter().all(|f| f.contains("ParseIntError")), "Jerry's panic message: {failures:?}");
        assert_eq!(status(&client, id).await?, WorkflowExecutionStatus::Running, "stuck, not failed");
    }
    assert!(api.bank.ledger(None)?.is_empty(), "no money moved while the code was broken");
    assert!(
        jerrys_worker.transcript().contains("PANIC at exercises/module04/src/workflow.rs"),
        "{}",
        jerrys_worker.transcript()
    );
    let panic_lines = jerrys_worker.lines().iter().filter(|l| l.contains("| PANIC at")).count();
    let noise = jerrys_worker
        .lines()
        .iter()
        .filter(|l| l.contains("stack backtrace") || l.contains("Failing workflow task"))
        .count();
    assert!(panic_lines >= 3 && noise == 0, "one line per failure, no backtraces:\n{}", jerrys_worker.transcript());

    // Fix both bugs, restart the worker.
    jerrys_worker.interrupt()?;
    jerrys_worker.wait_exit().await?;
    let fixed_worker = Program::spawn(&workspace_binary("module04-solution")?, &["worker"], &env(&server, &api))?;
    for id in &ids {
        eventually("the stuck transfer to complete", || async {
            (status(&client, id).await.ok()? == WorkflowExecutionStatus::Completed).then_some(())
        })
        .await?;
    }

    assert_eq!(api.balance("account_A"), Cents::dollars(900));
    assert_eq!(api.balance("account_F"), Cents::dollars(1000));
    assert_eq!(api.balance("account_B"), Cents::dollars(450));
    assert_eq!(api.balance("account_G"), Cents::dollars(650));
    assert_eq!(api.balance("account_H"), Cents::dollars(1525));
    assert_eq!(api.bank.total_cents()?, total_before, "not a cent created or lost");
    let ledger = api.bank.ledger(None)?;
    for id in &ids {
        let of_this = |kind: EntryKind| {
            ledger
                .iter()
                .filter(|e| e.kind == kind && e.reference_id.as_deref().is_some_and(|r| r.starts_with(id.as_str())))
                .count()
        };
        assert_eq!((of_this(EntryKind::Withdraw), of_this(EntryKind::Deposit)), (1, 1), "{id} applied exactly once");
    }
    fixed_worker.interrupt()?;
    Ok(())
}

#[tokio::test]
async fn with_the_workflow_fixed_a_failing_withdraw_is_retried_until_it_works() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let client = server.client();
    // The workflow bug is fixed (solution worker); withdrawals still fail, as with Jerry's
    // wrong URL: every withdraw and deposit call fails until the bank is switched back.
    let failing = RealWorldModeSettings { enabled: true, slow_rate: 0.0, failure_rate: 1.0, ..calm() };
    let api = TestAccountApi::start(transfer_ui::cli::INITIAL_BALANCES, failing).await?;

    let mut jerrys_worker = Program::spawn(EXERCISE, &["worker"], &env(&server, &api))?;
    let id = start(&client, "account_D", "account_I", 200).await?;
    wait_for_repeated_task_failures(&client, &id).await?;
    jerrys_worker.interrupt()?;
    jerrys_worker.wait_exit().await?;

    let fixed_worker = Program::spawn(&workspace_binary("module04-solution")?, &["worker"], &env(&server, &api))?;
    let pending = eventually("withdraw retried", || async {
        let handle = client.get_workflow_handle::<UntypedWorkflow>(id.as_str());
        let description = handle.describe(WorkflowDescribeOptions::default()).await.ok()?;
        let activity = description.raw().pending_activities.first()?.clone();
        (activity.attempt >= 2).then_some(activity)
    })
    .await?;
    assert!(pending.activity_type.unwrap().name.ends_with("withdraw"), "moved on to the withdraw step");
    assert!(api.bank.ledger(None)?.is_empty());

    api.real_world_mode
        .update(RealWorldModeUpdate { enabled: Some(false), ..Default::default() })
        .map_err(anyhow::Error::msg)?;
    eventually("completion", || async {
        (status(&client, &id).await.ok()? == WorkflowExecutionStatus::Completed).then_some(())
    })
    .await?;
    assert_eq!(api.balance("account_D"), Cents::dollars(1000));
    assert_eq!(api.balance("account_I"), Cents::dollars(600));
    let events = history::events(&client, &id).await?;
    assert!(history::count(&events, Event::WorkflowTaskFailed) >= 2, "the history keeps Jerry's failures");
    // Each step of the fixed workflow gets the timeout the activities' bank calls stop waiting before.
    let timeouts = history::activity_timeouts(&events);
    assert!(timeouts.len() >= 2 && timeouts.iter().all(|(_, t)| *t == Some(STEP_TIMEOUT)), "{timeouts:?}");
    fixed_worker.interrupt()?;
    Ok(())
}
