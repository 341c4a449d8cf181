//! Running the account API: configuration, binding the port, serving until
//! told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use axum::Router;
use tokio::net::TcpListener;
use web::FrontDoor;

use crate::db::Bank;
use crate::money::Cents;
use crate::real_world_mode::{RealWorldMode, RealWorldModeSettings, RealWorldModeUpdate};

/// The accounts every fresh bank starts with.
pub const DEFAULT_INITIAL_BALANCES: &[(&str, Cents)] =
    &[("account_A", Cents::dollars(1000)), ("account_B", Cents::dollars(500))];

/// Everything the account API needs to start.
#[derive(Debug, Clone)]
pub struct AccountApiConfig {
    /// The address to listen on; `127.0.0.1` keeps the API on this machine.
    pub host: String,
    /// `0` picks a free port (tests do this).
    pub port: u16,
    /// The SQLite file of balances and ledger; made with `initial_balances` when new.
    pub db_path: PathBuf,
    /// The accounts a new (or reset) database starts with.
    pub initial_balances: Vec<(String, Cents)>,
    /// Accounts among `initial_balances` that start closed: readable, but they refuse
    /// deposits and withdrawals for good.
    pub closed_accounts: Vec<String>,
    /// Real World Mode at start (the page or `POST /admin/real-world-mode` change it later).
    pub real_world_mode: RealWorldModeSettings,
    /// Hosts to answer to besides loopback and the listen address (see [`FrontDoor`]).
    pub allowed_hosts: Vec<String>,
    /// The flag that sets `port` in the program that runs this API (`--port`, or `--api-port`
    /// beside the UI): the message for a taken port names it.
    pub port_flag: &'static str,
    /// Keep Real World Mode in the database: a restart on the same database starts with the
    /// mode as it was (modules 3 and 4, whose page switches it; see [`crate::kept_mode`]).
    pub keep_real_world_mode: bool,
}

impl Default for AccountApiConfig {
    fn default() -> Self {
        AccountApiConfig {
            host: "127.0.0.1".to_string(),
            port: 5000,
            db_path: PathBuf::from("bank.db"),
            initial_balances: DEFAULT_INITIAL_BALANCES.iter().map(|(id, cents)| (id.to_string(), *cents)).collect(),
            closed_accounts: Vec::new(),
            real_world_mode: RealWorldModeSettings::default(),
            allowed_hosts: Vec::new(),
            port_flag: "--port",
            keep_real_world_mode: false,
        }
    }
}

impl AccountApiConfig {
    /// The same configuration, with these starting accounts closed.
    pub fn with_closed_accounts(mut self, closed_accounts: &[&str]) -> Self {
        self.closed_accounts = closed_accounts.iter().map(|id| id.to_string()).collect();
        self
    }
}

/// An account API that owns its port but is not serving yet. Binding first
/// lets the caller learn the real address (port 0) before requests arrive.
pub struct BoundAccountApi {
    listener: TcpListener,
    address: SocketAddr,
    router: Router,
    bank: Bank,
    real_world_mode: RealWorldMode,
}

/// Opens the database and binds the port.
pub async fn bind(config: &AccountApiConfig) -> anyhow::Result<BoundAccountApi> {
    RealWorldMode::new(config.real_world_mode.clone())
        .map_err(|problem| anyhow!("invalid Real World Mode settings: {problem}"))?;

    let db_path = config.db_path.clone();
    let initial = config.initial_balances.clone();
    let closed = config.closed_accounts.clone();
    // Opening SQLite touches the disk: keep it off the async threads.
    let bank = tokio::task::spawn_blocking(move || {
        let initial: Vec<(&str, Cents)> = initial.iter().map(|(id, cents)| (id.as_str(), *cents)).collect();
        let closed: Vec<&str> = closed.iter().map(String::as_str).collect();
        Bank::open_with_closed(&db_path, &initial, &closed)
    })
    .await?
    .with_context(|| format!("could not open the bank database at {}", config.db_path.display()))?;

    let settings = if config.keep_real_world_mode {
        let (bank, flags) = (bank.clone(), config.real_world_mode.clone());
        tokio::task::spawn_blocking(move || starting_kept_mode(&bank, &flags)).await?
    } else {
        config.real_world_mode.clone()
    };
    let real_world_mode =
        RealWorldMode::new(settings).map_err(|problem| anyhow!("invalid Real World Mode settings: {problem}"))?;

    let listener = web::listen(&config.host, config.port, "account API", config.port_flag).await?;
    let address = listener.local_addr()?;

    let door = FrontDoor::new(address.ip(), &config.allowed_hosts);
    let router = crate::api::router(bank.clone(), real_world_mode.clone(), door, config.keep_real_world_mode);
    Ok(BoundAccountApi { listener, address, router, bank, real_world_mode })
}

/// The mode a bank that keeps it starts with: its flags, then what its database kept. The
/// flag that switches it on is kept too, so the database always says how the mode is.
fn starting_kept_mode(bank: &Bank, flags: &RealWorldModeSettings) -> RealWorldModeSettings {
    let kept = crate::kept_mode::load(bank);
    let settings = crate::kept_mode::starting_settings(flags, kept.as_ref());
    let kept_on = kept.as_ref().and_then(|kept| kept.enabled) == Some(true);
    if flags.enabled && !kept_on {
        let on = RealWorldModeUpdate { enabled: Some(true), ..Default::default() };
        if let Err(error) = crate::kept_mode::keep(bank, &on) {
            tracing::warn!("Real World Mode is on, but the database could not keep it for the next start: {error}");
        }
    }
    settings
}

impl BoundAccountApi {
    /// The address it listens on, with the port picked when `port` was `0`.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:<port>`, ready for an [`AccountClient`](crate::AccountClient).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The bank behind the API, for direct checks in tests.
    pub fn bank(&self) -> Bank {
        self.bank.clone()
    }

    /// Real World Mode of this API, switchable from code too.
    pub fn real_world_mode(&self) -> RealWorldMode {
        self.real_world_mode.clone()
    }

    /// Serves requests until `shutdown` completes, then finishes the requests in flight,
    /// closes the database and returns.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        tracing::info!("account API listening on {}", self.url());
        axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown).await?;
        let bank = self.bank;
        tokio::task::spawn_blocking(move || bank.close()).await?.context("closing the bank database")?;
        tracing::info!("account API stopped");
        Ok(())
    }
}

/// Binds and serves in one go: the usual way to run the account API.
pub async fn serve(
    config: AccountApiConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    bind(&config).await?.serve(shutdown).await
}
