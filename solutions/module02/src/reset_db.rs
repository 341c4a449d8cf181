//! Puts the balances back to the module's starting point and clears the ledger.

use std::path::PathBuf;

use crate::account_api::{INITIAL_BALANCES, default_db};

pub fn run(db: Option<PathBuf>) -> anyhow::Result<()> {
    let path = db.unwrap_or_else(default_db);
    let bank = bank::Bank::open(&path, INITIAL_BALANCES)?;
    bank.reset()?;
    for account in bank.list_accounts()? {
        println!("{}: {}", account.id, account.balance);
    }
    println!("Balances reset in {}.", workshop::paths::display(&path));
    Ok(())
}
