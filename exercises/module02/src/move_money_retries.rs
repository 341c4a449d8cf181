//! The hand-made way: wrap every call in a retry loop with exponential backoff.
//!
//! Look at how much code this takes, and at what it still gets wrong:
//! - kill the script mid-retry and everything it knew is gone (which step? which attempt?);
//! - it sends no idempotency key, so when the bank applied a change but the answer was lost,
//!   the retry applies it again (try `account-api --lost-response-rate 0.5`).

use std::future::Future;
use std::time::{Duration, Instant};

use bank::ClientError;

use crate::cli::TransferArgs;

/// Give up on one step after this long.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Runs `call` until it succeeds, a business error says retrying is pointless, or time is up.
async fn with_retries<T, F, Fut>(step: &str, mut call: F) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    let started = Instant::now();
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1.. {
        match call().await {
            Ok(value) => return Ok(value),
            Err(error) if !error.is_retryable() => {
                if attempt > 1 {
                    // A failure answer does not prove that nothing happened.
                    println!("  {step}: attempt {attempt} refused ({error})");
                    println!(
                        "!! {step}: {} earlier attempt(s) failed, yet the bank may have applied them and lost the \
                         answer. With no idempotency key, each retry was a new request.",
                        attempt - 1
                    );
                }
                return Err(error);
            }
            Err(error) if started.elapsed() + backoff > STEP_TIMEOUT => {
                println!("  {step}: attempt {attempt} failed ({error}); giving up after {:?}", started.elapsed());
                return Err(error);
            }
            Err(error) => {
                println!("  {step}: attempt {attempt} failed ({error}); retrying in {backoff:?}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
    unreachable!("the loop only ends by returning")
}

pub async fn run(transfer: &TransferArgs) -> anyhow::Result<()> {
    let bank = transfer.api.client();
    let (from, to, amount) = (transfer.from.as_str(), transfer.to.as_str(), transfer.amount);

    let (from_balance, to_balance) = (format!("balance of {from}"), format!("balance of {to}"));
    with_retries("health check", || bank.health()).await?;
    let from_before = with_retries(&from_balance, || bank.balance(from)).await?;
    let to_before = with_retries(&to_balance, || bank.balance(to)).await?;
    println!("Balances before: {from} {from_before}, {to} {to_before}");

    println!("Withdrawing {amount} from {from} ...");
    with_retries("withdraw", || bank.withdraw(from, amount, None)).await?;
    println!("Depositing {amount} into {to} ...");
    if let Err(error) = with_retries("deposit", || bank.deposit(to, amount, None)).await {
        println!("!! {amount} left {from} but never reached {to}: {error}");
        return Err(error.into());
    }

    let from_after = with_retries(&from_balance, || bank.balance(from)).await?;
    let to_after = with_retries(&to_balance, || bank.balance(to)).await?;
    println!("Balances after:  {from} {from_after}, {to} {to_after}");
    let moved = from_before.checked_sub(from_after).unwrap_or(bank::Cents::ZERO);
    if moved != amount {
        println!("!! {from} went down by {moved}, not {amount}: a retry applied a change twice.");
    }
    Ok(())
}
