//! The bank killed in the middle of a burst: the account API (module 3's, its own process) gets
//! concurrent withdrawals and deposits with reference ids and is SIGKILLed while they run, then
//! restarted on the same port and database file. Every change it had confirmed is still there
//! (so `synchronous = NORMAL` with the WAL loses nothing when a process dies), and replaying
//! every request applies each exactly once: balances and totals are exact.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bank::{AccountClient, Cents};
use futures::stream::{self, StreamExt};
use testkit::{Launch, Program, TempDir, free_port, workspace_binary};
use transfer_ui::cli::INITIAL_BALANCES;

const REQUESTS: usize = 400;
const IN_FLIGHT: usize = 32;
/// The kill comes after this many answers, with the rest of the burst still in flight.
const KILL_AFTER: usize = 60;

#[derive(Clone)]
struct Move {
    reference_id: String,
    account: &'static str,
    deposit: bool,
    amount: Cents,
}

/// Small moves over every account, half deposits: no withdrawal can run out of money.
fn burst() -> Vec<Move> {
    (0..REQUESTS)
        .map(|i| Move {
            reference_id: format!("crash-test-{i}"),
            account: INITIAL_BALANCES[i % INITIAL_BALANCES.len()].0,
            deposit: i % 2 == 0,
            amount: Cents::new(100 + (i as i64 % 7) * 25),
        })
        .collect()
}

async fn apply(bank: &AccountClient, op: &Move) -> Result<Cents, bank::ClientError> {
    let reference = Some(op.reference_id.clone());
    if op.deposit {
        bank.deposit(op.account, op.amount, reference).await.map(|r| r.new_balance)
    } else {
        bank.withdraw(op.account, op.amount, reference).await.map(|r| r.new_balance)
    }
}

async fn start_bank(port: u16, db: &str) -> anyhow::Result<Program> {
    let mut api = Launch::new(workspace_binary("module03")?)
        .args(["account-api", "--port", &port.to_string(), "--db", db])
        .spawn()?;
    api.wait_for(workshop::said::ACCOUNT_API_READY).await?;
    Ok(api)
}

#[tokio::test]
async fn a_killed_bank_keeps_what_it_confirmed_and_a_replay_applies_each_request_once() -> anyhow::Result<()> {
    let dir = TempDir::new("bank-crash")?;
    let db = dir.path().join("bank.db").display().to_string();
    let port = free_port()?;
    let bank = AccountClient::new(format!("http://127.0.0.1:{port}"));
    let moves = burst();

    // The burst, with the kill in the middle of it.
    let mut api = start_bank(port, &db).await?;
    let answered = Arc::new(AtomicUsize::new(0));
    let (kill_now, killed) = tokio::sync::oneshot::channel::<()>();
    let mut kill_now = Some(kill_now);
    let results: Vec<(usize, bool)> = {
        let answers = stream::iter(moves.iter().enumerate())
            .map(|(i, op)| {
                let (bank, answered) = (bank.clone(), answered.clone());
                async move {
                    let ok = apply(&bank, op).await.is_ok();
                    answered.fetch_add(1, Ordering::SeqCst);
                    (i, ok)
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .inspect(|_| {
                if answered.load(Ordering::SeqCst) >= KILL_AFTER
                    && let Some(kill_now) = kill_now.take()
                {
                    let _ = kill_now.send(());
                }
            })
            .collect::<Vec<_>>();
        let killer = async {
            if killed.await.is_ok() {
                api.kill().await.expect("SIGKILL the account API");
            }
        };
        tokio::join!(answers, killer).0
    };
    let confirmed: Vec<usize> = results.iter().filter(|(_, ok)| *ok).map(|(i, _)| *i).collect();
    let refused = REQUESTS - confirmed.len();
    assert!(confirmed.len() >= KILL_AFTER, "the kill came after {KILL_AFTER} answers: {} confirmed", confirmed.len());
    assert!(refused > 0, "the kill landed after the burst had ended: nothing was in flight");

    // Back on the same port and file: every confirmed change is in the ledger.
    let mut api = start_bank(port, &db).await?;
    let ledger = bank.ledger(None).await?;
    let in_ledger: BTreeMap<String, usize> =
        ledger.iter().filter_map(|entry| entry.reference_id.clone()).fold(BTreeMap::new(), |mut count, id| {
            *count.entry(id).or_default() += 1;
            count
        });
    let lost: Vec<&str> =
        confirmed.iter().map(|&i| moves[i].reference_id.as_str()).filter(|id| !in_ledger.contains_key(*id)).collect();
    assert!(lost.is_empty(), "confirmed before the kill, gone after it: {lost:?}");
    // Cut off in flight, yet committed: the answer was lost, not the change.
    let unanswered_but_applied = in_ledger.len() - confirmed.len();

    // The clients retry everything with the same reference ids: each applies once.
    for op in &moves {
        apply(&bank, op).await.map_err(|e| anyhow::anyhow!("replaying {}: {e}", op.reference_id))?;
    }
    let ledger = bank.ledger(None).await?;
    for op in &moves {
        let entries = ledger.iter().filter(|entry| entry.reference_id.as_deref() == Some(op.reference_id.as_str()));
        assert_eq!(entries.count(), 1, "{} in the ledger once", op.reference_id);
    }
    for (account, initial) in INITIAL_BALANCES {
        let change: i64 = moves
            .iter()
            .filter(|op| op.account == *account)
            .map(|op| if op.deposit { op.amount.as_i64() } else { -op.amount.as_i64() })
            .sum();
        assert_eq!(bank.balance(account).await?, Cents::new(initial.as_i64() + change), "{account}");
    }
    println!(
        "{REQUESTS} requests, {} confirmed before the SIGKILL, {refused} cut off ({unanswered_but_applied} of them \
         committed all the same); after the restart none lost, each applied once after the replay",
        confirmed.len()
    );
    api.kill().await?;
    Ok(())
}
