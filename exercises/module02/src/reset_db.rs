//! Puts the balances back to the module's starting point and clears the ledger.

use std::path::PathBuf;

use crate::account_api::{CLOSED_ACCOUNTS, INITIAL_BALANCES, default_db};

pub fn run(db: Option<PathBuf>) -> anyhow::Result<()> {
    let path = db.unwrap_or_else(default_db);
    let bank = bank::Bank::open_with_closed(&path, INITIAL_BALANCES, CLOSED_ACCOUNTS)?;
    bank.reset()?;
    for account in bank.list_accounts()? {
        println!("{}: {}", account.id, account.balance);
    }
    println!("Balances reset in {}.", workshop::paths::display(&path));
    Ok(())
}
