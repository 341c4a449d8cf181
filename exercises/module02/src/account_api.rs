//! The bank's account API, as this module runs it.

use std::path::PathBuf;

use bank::Cents;
use bank::cli::AccountApiArgs;

/// THE LESSON SWITCH. Set to `true` and restart the account API: from then on about half of
/// its requests fail (10 % hang for 30 s then 504, 40 % answer 500) before touching any money.
/// (`--real-world-mode`, `REAL_WORLD_MODE=1` (or `yes`, `true`, `on`) or
/// `POST /admin/real-world-mode` do the same without editing code.)
pub const REAL_WORLD_MODE: bool = false;

/// The accounts this module starts with.
pub const INITIAL_BALANCES: &[(&str, Cents)] =
    &[("account_A", Cents::dollars(1000)), ("account_B", Cents::dollars(500)), ("account_closed", Cents::ZERO)];

/// Accounts the bank knows but keeps closed: their balance reads fine, every deposit is
/// refused for good. A transfer to one shows the workflow refunding the withdrawal.
pub const CLOSED_ACCOUNTS: &[&str] = &["account_closed"];

/// Where the account API keeps its balances unless `--db` / `BANK_DB` says otherwise.
pub fn default_db() -> PathBuf {
    workshop::paths::workspace_root().join(workshop::MODULE02.bank_db())
}

pub async fn run(args: AccountApiArgs) -> anyhow::Result<()> {
    workshop::logging::init();
    // In module 2 every request can fail, balance reads included.
    let config =
        args.config(&default_db(), INITIAL_BALANCES, REAL_WORLD_MODE, true).with_closed_accounts(CLOSED_ACCOUNTS);
    let api = bank::bind(&config).await?;
    let mode = if config.real_world_mode.enabled { "ON: about half the requests will fail" } else { "off" };
    println!("{}", workshop::said::account_api_ready(api.url(), workshop::paths::display(&config.db_path)));
    println!("Real World Mode is {mode}. Ctrl-C stops the API.");
    let lost = config.real_world_mode.lost_response_rate;
    if lost > 0.0 {
        println!("Lost answers: {:.0} % of the changes are applied, then answered with a 500.", lost * 100.0);
        println!("  They stay on with Real World Mode off: restart the API without --lost-response-rate to stop them.");
    }
    api.serve(workshop::stop_requested()).await
}
