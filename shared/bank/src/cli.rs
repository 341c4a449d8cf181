//! Command-line options every module's programs share, so `--port`, `--db`, `--api-url`,
//! `--allowed-host` and the Real World Mode flags mean the same thing everywhere.

use std::path::{Path, PathBuf};

use clap::Args;
use web::AllowedHostsArgs;

use crate::client::AccountClient;
use crate::money::Cents;
use crate::real_world_mode::RealWorldModeSettings;
use crate::server::AccountApiConfig;

/// Where the account API is, for programs that call it.
#[derive(Args, Debug, Clone)]
pub struct ApiUrlArgs {
    /// Base URL of the account API.
    #[arg(long, env = "ACCOUNT_API_URL", default_value = crate::DEFAULT_API_URL)]
    pub api_url: String,
}

impl ApiUrlArgs {
    /// A client of the account API at `--api-url`, with the default timeouts.
    pub fn client(&self) -> AccountClient {
        AccountClient::new(&self.api_url)
    }

    /// The client of a worker's activities: it gives up a little before a step's 10 s
    /// start-to-close timeout, so the failure the learner sees says what happened.
    pub fn activity_client(&self) -> AccountClient {
        AccountClient::for_activities(&self.api_url)
    }
}

/// How to run the account API.
#[derive(Args, Debug, Clone)]
pub struct AccountApiArgs {
    /// Interface to listen on (0.0.0.0 makes it reachable from other machines).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on.
    #[arg(long, default_value_t = 5000)]
    pub port: u16,
    /// The bank's database and Real World Mode.
    #[command(flatten)]
    pub bank: BankArgs,
    /// Hosts to answer to besides loopback and the listen address.
    #[command(flatten)]
    pub allowed: AllowedHostsArgs,
}

/// The bank's database and Real World Mode: the same flags for the account API alone and
/// for modules 3 and 4, which run it beside the UI.
#[derive(Args, Debug, Clone)]
pub struct BankArgs {
    /// SQLite database file; created with the module's starting balances when missing.
    #[arg(long, env = "BANK_DB")]
    pub db: Option<PathBuf>,
    /// Switch Real World Mode on at start (it can also be switched at run time).
    /// `REAL_WORLD_MODE` may be 1/0, true/false, yes/no or on/off.
    // A bare flag takes no value; the boolish parser reads the environment's value, which
    // clap's default bool parser would refuse unless it is exactly `true` or `false`.
    #[arg(long, env = "REAL_WORLD_MODE", value_parser = clap::builder::BoolishValueParser::new())]
    pub real_world_mode: bool,
    /// Seed for Real World Mode's dice: the same seed gives the same failures.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How long a "slow" request hangs before it fails with 504.
    #[arg(long, default_value_t = 30)]
    pub slow_secs: u64,
    /// Share (0..1) of committed changes whose response is lost (answered with 500), with
    /// Real World Mode on or off.
    #[arg(long, default_value_t = 0.0)]
    pub lost_response_rate: f64,
}

impl AccountApiArgs {
    /// The server configuration for a module. `default_db` is used when `--db` is not given;
    /// `real_world_mode_in_source` is the module's `REAL_WORLD_MODE` constant.
    pub fn config(
        &self,
        default_db: &Path,
        initial_balances: &[(&str, Cents)],
        real_world_mode_in_source: bool,
        inject_on_balance: bool,
    ) -> AccountApiConfig {
        let bank = &self.bank;
        AccountApiConfig {
            host: self.host.clone(),
            port: self.port,
            db_path: bank.db.clone().unwrap_or_else(|| default_db.to_path_buf()),
            initial_balances: initial_balances.iter().map(|(id, cents)| (id.to_string(), *cents)).collect(),
            closed_accounts: Vec::new(),
            allowed_hosts: self.allowed.hosts.clone(),
            port_flag: "--port",
            keep_real_world_mode: false,
            real_world_mode: RealWorldModeSettings {
                enabled: bank.real_world_mode || real_world_mode_in_source,
                slow_secs: bank.slow_secs,
                lost_response_rate: bank.lost_response_rate,
                seed: bank.seed,
                inject_on_balance,
                ..RealWorldModeSettings::default()
            },
        }
    }
}

/// Parses a dollar amount given on the command line ("100", "100.5", "100.25").
pub fn parse_amount(text: &str) -> Result<Cents, String> {
    Cents::parse_amount(text).map_err(|e| e.to_string())
}
