//! The naive way: call the API step by step and hope. The first error ends the script.

use crate::cli::TransferArgs;

pub async fn run(transfer: &TransferArgs) -> anyhow::Result<()> {
    let bank = transfer.api.client();
    let (from, to, amount) = (&transfer.from, &transfer.to, transfer.amount);

    print!("Checking the account API at {} ... ", bank.base_url());
    bank.health().await?;
    println!("healthy.");

    let from_before = bank.balance(from).await?;
    let to_before = bank.balance(to).await?;
    println!("Balances before: {from} {from_before}, {to} {to_before}");

    println!("Withdrawing {amount} from {from} ...");
    let withdrawn = bank.withdraw(from, amount, None).await?;
    println!("  done: {from} now has {}", withdrawn.new_balance);

    println!("Depositing {amount} into {to} ...");
    if let Err(error) = bank.deposit(to, amount, None).await {
        println!("  FAILED: {error}");
        println!(
            "!! {amount} left {from} but never reached {to}. The script has stopped and remembers \
             nothing: someone has to find this and fix it by hand."
        );
        return Err(error.into());
    }

    let from_after = bank.balance(from).await?;
    let to_after = bank.balance(to).await?;
    println!("Balances after:  {from} {from_after}, {to} {to_after}");
    println!("Transfer complete.");
    Ok(())
}
