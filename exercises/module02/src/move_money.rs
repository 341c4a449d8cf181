//! The naive way: call the API step by step and hope. The first error ends the script.

use anyhow::Context;
use bank::{AccountClient, Cents, ClientError};

use crate::cli::TransferArgs;

pub async fn run(transfer: &TransferArgs) -> anyhow::Result<()> {
    let bank = transfer.api.client();
    let (from, to, amount) = (&transfer.from, &transfer.to, transfer.amount);

    print!("Checking the account API at {} ... ", bank.base_url());
    bank.health().await?;
    println!("healthy.");

    let (from_before, to_before) =
        balances(&bank, from, to).await.context("reading the balances failed, before any money moved")?;
    println!("Balances before: {from} {from_before}, {to} {to_before}");

    println!("Withdrawing {amount} from {from} ...");
    let withdrawn = bank.withdraw(from, amount, None).await?;
    println!("  done: {from} now has {}", withdrawn.new_balance);

    println!("Depositing {amount} into {to} ...");
    let deposited = bank.deposit(to, amount, None).await.inspect_err(|error| {
        println!("  FAILED: {error}");
        println!(
            "!! {amount} left {from} but never reached {to}. The script has stopped and remembers \
             nothing: someone has to find this and fix it by hand."
        );
    })?;
    println!("  done: {to} now has {}", deposited.new_balance);

    let after = balances(&bank, from, to).await;
    let (from_after, to_after) =
        after.context("the transfer went through, but reading the balances afterwards failed")?;
    println!("Balances after:  {from} {from_after}, {to} {to_after}");
    println!("Transfer complete.");
    Ok(())
}

/// Both balances, read one after the other.
async fn balances(bank: &AccountClient, from: &str, to: &str) -> Result<(Cents, Cents), ClientError> {
    Ok((bank.balance(from).await?, bank.balance(to).await?))
}
