//! Module 2 with real processes: the module's binaries, a real Temporal dev server and a real
//! account API, each test on its own free ports.

use bank::client::STEP_TIMEOUT;
use bank::real_world_mode::Target;
use bank::{Cents, EntryKind, RealWorldMode, RealWorldModeSettings, RealWorldModeUpdate};
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use testkit::history::{self, Event};
use testkit::{Program, TestAccountApi, TestServer, eventually};

const MODULE02: &str = env!("CARGO_BIN_EXE_module02");
const WORKFLOW_ID: &str = workshop::MODULE02.workflow_id_without_learner();
const START: &[(&str, Cents)] = &[("account_A", Cents::dollars(1000)), ("account_B", Cents::dollars(500))];

fn calm() -> RealWorldModeSettings {
    RealWorldModeSettings { slow_secs: 1, ..RealWorldModeSettings::default() }
}

/// Real World Mode with only the given failure kinds.
fn chaos(failure_rate: f64, lost_response_rate: f64) -> RealWorldModeSettings {
    RealWorldModeSettings { enabled: true, slow_rate: 0.0, failure_rate, lost_response_rate, ..calm() }
}

fn env(server: &TestServer, api: &TestAccountApi) -> Vec<(String, String)> {
    let mut env = server.program_env();
    env.push(api.program_env());
    env
}

fn ledger_count(api: &TestAccountApi, account: &str, kind: EntryKind) -> usize {
    api.bank.ledger(Some(account)).unwrap().iter().filter(|e| e.kind == kind).count()
}

#[tokio::test]
async fn happy_path_moves_exact_cents() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let api = TestAccountApi::start(START, calm()).await?;
    let mut run = Program::spawn(MODULE02, &["--amount", "100.25"], &env(&server, &api))?;
    run.wait_for("Transfer of $100.25 completed.").await?;
    assert!(run.wait_exit().await?.success(), "{}", run.transcript());

    assert_eq!(api.balance("account_A"), Cents::new(899_75));
    assert_eq!(api.balance("account_B"), Cents::new(600_25));
    assert_eq!(ledger_count(&api, "account_A", EntryKind::Withdraw), 1);
    assert_eq!(ledger_count(&api, "account_B", EntryKind::Deposit), 1);
    assert!(run.transcript().contains("$899.75"), "summary shows final balances:\n{}", run.transcript());
    Ok(())
}

#[tokio::test]
async fn real_world_mode_completes_after_retries_with_exact_balances() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let settings = RealWorldModeSettings { enabled: true, seed: Some(7), ..calm() };
    let api = TestAccountApi::start(START, settings).await?;
    let mut run = Program::spawn(MODULE02, &[], &env(&server, &api))?;
    run.wait_for("Transfer of $100.00 completed.").await?;
    assert!(run.wait_exit().await?.success(), "{}", run.transcript());

    let events = history::events(&server.client(), WORKFLOW_ID).await?;
    let attempts = history::activity_attempts(&events);
    assert!(attempts.iter().any(|(_, attempt)| *attempt > 1), "some step needed a retry: {attempts:?}");
    // Each step gets the timeout the activities' bank calls stop waiting before.
    let timeouts = history::activity_timeouts(&events);
    assert!(timeouts.len() >= 2 && timeouts.iter().all(|(_, t)| *t == Some(STEP_TIMEOUT)), "{timeouts:?}");
    assert!(run.transcript().contains("Temporal will retry"), "{}", run.transcript());
    assert_eq!(api.balance("account_A"), Cents::dollars(900));
    assert_eq!(api.balance("account_B"), Cents::dollars(600));
    Ok(())
}

#[tokio::test]
async fn lost_responses_are_applied_once_by_the_workflow() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    // Every committed change loses its answer: only the idempotency key saves the day.
    let api = TestAccountApi::start(START, chaos(0.0, 1.0)).await?;
    let mut run = Program::spawn(MODULE02, &[], &env(&server, &api))?;
    run.wait_for("Transfer of $100.00 completed.").await?;
    assert!(run.wait_exit().await?.success(), "{}", run.transcript());

    assert_eq!(ledger_count(&api, "account_A", EntryKind::Withdraw), 1, "withdrawn exactly once");
    assert_eq!(ledger_count(&api, "account_B", EntryKind::Deposit), 1, "deposited exactly once");
    assert_eq!(api.balance("account_A"), Cents::dollars(900));
    assert_eq!(api.balance("account_B"), Cents::dollars(600));
    Ok(())
}

#[tokio::test]
async fn hand_written_retries_apply_a_lost_response_twice() -> anyhow::Result<()> {
    let api = TestAccountApi::start(START, chaos(0.0, 1.0)).await?;
    let mut script = Program::spawn(MODULE02, &["move-money-retries"], &[api.program_env()])?;
    eventually("a second withdrawal", || async {
        (ledger_count(&api, "account_A", EntryKind::Withdraw) >= 2).then_some(())
    })
    .await?;
    let calm_again = RealWorldModeUpdate { lost_response_rate: Some(0.0), ..Default::default() };
    api.real_world_mode.update(calm_again).map_err(anyhow::Error::msg)?;
    script.wait_exit().await?;

    let withdrawn = Cents::dollars(1000) - api.balance("account_A");
    assert!(withdrawn >= Cents::dollars(200), "the script took {withdrawn} for a $100 transfer");
    assert!(script.transcript().contains("applied a change twice"), "{}", script.transcript());
    Ok(())
}

#[tokio::test]
async fn hand_written_retries_say_a_refusal_may_follow_changes_whose_answers_were_lost() -> anyhow::Result<()> {
    // $200 and every answer lost: the first two withdrawals empty the account, the third is refused.
    let start = [("account_A", Cents::dollars(200)), ("account_B", Cents::dollars(500))];
    let api = TestAccountApi::start(&start, chaos(0.0, 1.0)).await?;
    let mut script = Program::spawn(MODULE02, &["move-money-retries"], &[api.program_env()])?;
    assert!(!script.wait_exit().await?.success());
    let transcript = script.transcript();
    let refused = "withdraw: attempt 3 refused (account API refused the request (422 insufficient_funds)";
    let explained = "!! withdraw: 2 earlier attempt(s) failed, yet the bank may have applied them and lost the \
                     answer. With no idempotency key, each retry was a new request.";
    assert!(transcript.contains(refused) && transcript.contains(explained), "{transcript}");
    assert_eq!(api.balance("account_A"), Cents::ZERO, "both lost answers were withdrawals that happened");
    Ok(())
}

#[tokio::test]
async fn hand_written_retries_name_the_account_they_read() -> anyhow::Result<()> {
    let seed = seed_where(&[(Target::BalanceRead, true)]);
    let api = TestAccountApi::start(START, RealWorldModeSettings { enabled: true, seed: Some(seed), ..calm() }).await?;
    let mut script = Program::spawn(MODULE02, &["move-money-retries"], &[api.program_env()])?;
    script.wait_for("  balance of account_A: attempt 1 failed (account API answered 5").await?;
    script.kill().await?;
    Ok(())
}

#[tokio::test]
async fn killed_worker_keeps_the_attempt_count() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let api = TestAccountApi::start(START, chaos(1.0, 0.0)).await?; // every request fails
    let env = env(&server, &api);
    let mut first = Program::spawn(MODULE02, &["worker"], &env)?;
    let mut starter = Program::spawn(MODULE02, &["start"], &env)?;
    first.wait_for(&format!("{} check_balance(account_A): failed", workshop::said::attempt(3))).await?;
    first.kill().await?;

    let mut second = Program::spawn(MODULE02, &["worker"], &env)?;
    let line = second.wait_for("check_balance(account_A)").await?;
    let attempt = workshop::said::attempt_of(&line).unwrap();
    assert!(attempt >= 4, "the new worker continued the count, got: {line}");

    api.real_world_mode
        .update(RealWorldModeUpdate { enabled: Some(false), ..Default::default() })
        .map_err(anyhow::Error::msg)?;
    starter.wait_for("Transfer of $100.00 completed.").await?;
    assert!(starter.wait_exit().await?.success());
    assert_eq!(api.balance("account_A"), Cents::dollars(900));
    assert_eq!(api.balance("account_B"), Cents::dollars(600));
    second.interrupt()?;
    Ok(())
}

#[tokio::test]
async fn transfer_above_the_balance_fails_at_once_and_moves_nothing() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let api = TestAccountApi::start(START, calm()).await?;
    let mut run = Program::spawn(MODULE02, &["--amount", "5000"], &env(&server, &api))?;
    let status = run.wait_exit().await?;
    assert!(!status.success(), "exit status is non-zero when the transfer failed");
    let message = "Transfer failed: account API refused the request (422 insufficient_funds): insufficient funds: \
                   the balance is $1,000.00, the request was for $5,000.00";
    assert!(run.transcript().contains(message), "{}", run.transcript());
    let hint = "If an earlier step left the account short, put the balances back where the module starts: cargo run \
                -p module02 -- reset-db";
    assert!(run.transcript().contains(hint), "the refusal says how to start over:\n{}", run.transcript());

    let events = history::events(&server.client(), WORKFLOW_ID).await?;
    assert_eq!(history::count(&events, Event::WorkflowExecutionFailed), 1);
    let withdraw_attempts: Vec<i32> = history::activity_attempts(&events)
        .into_iter()
        .filter(|(kind, _)| kind.ends_with("withdraw"))
        .map(|(_, attempt)| attempt)
        .collect();
    assert_eq!(withdraw_attempts, vec![1], "a business error is not retried");
    assert_eq!(api.balance("account_A"), Cents::dollars(1000));
    assert!(api.bank.ledger(None)?.is_empty(), "no money moved");
    Ok(())
}

/// The run id of the latest run, from its first event.
fn run_id(events: &[HistoryEvent]) -> String {
    events
        .iter()
        .find_map(|event| match &event.attributes {
            Some(Attributes::WorkflowExecutionStartedEventAttributes(started)) => {
                Some(started.original_execution_run_id.clone())
            }
            _ => None,
        })
        .expect("a started event")
}

#[tokio::test]
async fn a_transfer_to_a_closed_account_is_refunded() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let with_closed = [START, &[("account_closed", Cents::ZERO)]].concat();
    let api = TestAccountApi::start_with_closed(&with_closed, &["account_closed"], calm()).await?;
    let mut run = Program::spawn(MODULE02, &["--to", "account_closed"], &env(&server, &api))?;
    assert!(!run.wait_exit().await?.success(), "the transfer failed:\n{}", run.transcript());
    let refunded = "the $100.00 withdrawn from account_A was refunded";
    assert!(run.transcript().contains(refunded), "{}", run.transcript());
    assert!(!run.transcript().contains("reset-db"), "no reset hint for a closed account:\n{}", run.transcript());
    assert!(run.transcript().contains("account 'account_closed' is closed"), "{}", run.transcript());

    let events = history::events(&server.client(), WORKFLOW_ID).await?;
    assert_eq!(history::count(&events, Event::WorkflowExecutionFailed), 1);
    let deposits = history::activity_attempts(&events).into_iter().filter(|(kind, _)| kind.ends_with("deposit"));
    assert_eq!(deposits.map(|(_, attempt)| attempt).collect::<Vec<_>>(), [1, 1], "refused once, refunded once");

    let key = |step: &str| Some(format!("{WORKFLOW_ID}/{}/{step}", run_id(&events)));
    let ledger: Vec<_> = api
        .bank
        .ledger(Some("account_A"))?
        .into_iter()
        .map(|entry| (entry.kind, entry.amount, entry.reference_id))
        .collect();
    assert_eq!(
        ledger,
        [
            (EntryKind::Withdraw, Cents::dollars(100), key("withdraw")),
            (EntryKind::Deposit, Cents::dollars(100), key("refund"))
        ]
    );
    assert_eq!(api.balance("account_A"), Cents::dollars(1000), "the withdrawal was put back");
    assert_eq!(api.balance("account_closed"), Cents::ZERO);
    assert!(api.bank.ledger(Some("account_closed"))?.is_empty());
    Ok(())
}

/// A seed whose first rolls go as given, request after request (`true`: that request fails):
/// a failure of the naive script, made reproducible.
fn seed_where(rolls: &[(Target, bool)]) -> u64 {
    (0..10_000)
        .find(|seed| {
            let dice =
                RealWorldMode::new(RealWorldModeSettings { enabled: true, seed: Some(*seed), ..calm() }).unwrap();
            rolls.iter().all(|(target, fails)| dice.roll_before(*target).is_some() == *fails)
        })
        .expect("some seed rolls as asked")
}

const READ_OK: (Target, bool) = (Target::BalanceRead, false);
const CHANGE_OK: (Target, bool) = (Target::Change, false);

#[tokio::test]
async fn naive_script_says_plainly_when_money_went_missing() -> anyhow::Result<()> {
    let seed = seed_where(&[READ_OK, READ_OK, CHANGE_OK, (Target::Change, true)]);
    let api = TestAccountApi::start(START, RealWorldModeSettings { enabled: true, seed: Some(seed), ..calm() }).await?;
    let mut script = Program::spawn(MODULE02, &["move-money"], &[api.program_env()])?;
    assert!(!script.wait_exit().await?.success());
    assert!(script.transcript().contains("left account_A but never reached account_B"), "{}", script.transcript());
    assert_eq!(api.balance("account_A"), Cents::dollars(900));
    assert_eq!(api.balance("account_B"), Cents::dollars(500), "the lesson: $100 vanished");
    Ok(())
}

#[tokio::test]
async fn naive_script_names_the_read_that_failed_after_a_complete_transfer() -> anyhow::Result<()> {
    let seed = seed_where(&[READ_OK, READ_OK, CHANGE_OK, CHANGE_OK, (Target::BalanceRead, true)]);
    let api = TestAccountApi::start(START, RealWorldModeSettings { enabled: true, seed: Some(seed), ..calm() }).await?;
    let mut script = Program::spawn(MODULE02, &["move-money"], &[api.program_env()])?;
    assert!(!script.wait_exit().await?.success());
    let transcript = script.transcript();
    assert!(
        transcript.contains("Depositing $100.00 into account_B ...\n  done: account_B now has $600.00"),
        "{transcript}"
    );
    let error = "error: the transfer went through, but reading the balances afterwards failed: account API answered \
                 500 Internal Server Error";
    assert!(transcript.contains(error), "{transcript}");
    assert_eq!((api.balance("account_A"), api.balance("account_B")), (Cents::dollars(900), Cents::dollars(600)));
    Ok(())
}

#[tokio::test]
async fn bad_amount_on_the_command_line_is_refused() -> anyhow::Result<()> {
    let mut run = Program::spawn(MODULE02, &["move-money", "--amount", "10.001"], &[])?;
    assert!(!run.wait_exit().await?.success());
    assert!(run.transcript().contains("--amount"), "{}", run.transcript());
    Ok(())
}
