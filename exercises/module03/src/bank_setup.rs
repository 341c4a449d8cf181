//! This module's bank: ten accounts, and where their balances live.

use std::path::PathBuf;

use bank::Cents;
use bank::cli::AccountApiArgs;

pub const INITIAL_BALANCES: &[(&str, Cents)] = &[
    ("account_A", Cents::dollars(1000)),
    ("account_B", Cents::dollars(500)),
    ("account_C", Cents::dollars(750)),
    ("account_D", Cents::dollars(1200)),
    ("account_E", Cents::dollars(300)),
    ("account_F", Cents::dollars(900)),
    ("account_G", Cents::dollars(600)),
    ("account_H", Cents::dollars(1500)),
    ("account_I", Cents::dollars(400)),
    ("account_J", Cents::dollars(800)),
];

pub fn default_db() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bank.db")
}

/// `account-api`: only withdraw and deposit fail in Real World Mode; balance reads stay
/// reliable so the page keeps working.
pub async fn run_account_api(args: AccountApiArgs) -> anyhow::Result<()> {
    workshop::logging::init();
    let config = args.config(&default_db(), INITIAL_BALANCES, false, false);
    let api = bank::bind(&config).await?;
    println!("Account API ready at {} (database {}). Ctrl-C stops it.", api.url(), workshop::paths::display(&config.db_path));
    api.serve(workshop::stop_requested()).await
}

pub fn reset(db: Option<PathBuf>) -> anyhow::Result<()> {
    let path = db.unwrap_or_else(default_db);
    let bank = bank::Bank::open(&path, INITIAL_BALANCES)?;
    bank.reset()?;
    println!("Balances reset in {}.", workshop::paths::display(&path));
    Ok(())
}
