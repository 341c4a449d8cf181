//! Serving the Money Transfer API and page.

use std::net::SocketAddr;

use bank::AccountClient;
use clap::Args;
use temporalio_client::Client;
use tokio::net::TcpListener;
use web::{AllowedHostsArgs, FrontDoor};
use workshop::TemporalTarget;

use crate::api::{AppState, router};
use crate::listing::Listing;
use workshop::Module;

/// The UI's flags when it runs alone (`cargo run -p module03 -- ui`).
#[derive(Args, Debug, Clone)]
pub struct UiArgs {
    /// Interface to listen on (0.0.0.0 serves other machines, e.g. the lab's browser tabs).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port of the Money Transfer UI.
    #[arg(long, default_value_t = 5001)]
    pub port: u16,
    /// Hosts to answer to besides loopback and the listen address.
    #[command(flatten)]
    pub allowed: AllowedHostsArgs,
}

/// Everything the UI server needs.
pub struct UiConfig {
    /// The interface to listen on.
    pub host: String,
    /// The port; `0` picks a free one (tests).
    pub port: u16,
    /// The module whose transfers it starts and shows.
    pub module: Module,
    /// The account API, for balances and Real World Mode's switch.
    pub bank: AccountClient,
    /// Hosts to answer to besides loopback and the listen address (see [`FrontDoor`]).
    pub allowed_hosts: Vec<String>,
    /// The flag that sets `port` in this program (`--port`, or `--ui-port` beside the bank).
    pub port_flag: &'static str,
}

/// The UI with its port taken, not yet serving: its address can be printed first.
pub struct BoundUi {
    listener: TcpListener,
    /// The address it listens on, with the port picked when `0` was asked.
    pub address: SocketAddr,
    state: AppState,
    door: FrontDoor,
}

/// Takes the UI's port and prepares its API against `client`; `Err` names the flag to change when the port is taken.
pub async fn bind(config: UiConfig, client: Client, target: &TemporalTarget) -> anyhow::Result<BoundUi> {
    let listener = web::listen(&config.host, config.port, "Money Transfer UI", config.port_flag).await?;
    let address = listener.local_addr()?;
    let listing = Listing::new(client.clone(), config.module, target.ui_url.clone(), target.namespace.clone());
    let state = AppState {
        client,
        bank: config.bank,
        module: config.module,
        listing,
        web_ui_url: target.ui_url.clone(),
        namespace: target.namespace.clone(),
    };
    let door = FrontDoor::new(address.ip(), &config.allowed_hosts);
    Ok(BoundUi { listener, address, state, door })
}

impl BoundUi {
    /// The address to open in a browser ("localhost" for loopback or every interface).
    pub fn url(&self) -> String {
        let ip = self.address.ip();
        let host = if ip.is_unspecified() || ip.is_loopback() { "localhost".to_string() } else { ip.to_string() };
        format!("http://{host}:{}", self.address.port())
    }

    /// Serves the page and its API until `shutdown` completes.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        axum::serve(self.listener, router(self.state, self.door)).with_graceful_shutdown(shutdown).await?;
        Ok(())
    }
}

/// `ui`: the Money Transfer UI alone (the account API and a worker run elsewhere).
pub async fn run(args: UiArgs, api: bank::cli::ApiUrlArgs, module: Module) -> anyhow::Result<()> {
    workshop::logging::init();
    let (client, target) = workshop::connect().await?;
    let config = UiConfig {
        host: args.host,
        port: args.port,
        module,
        bank: api.client(),
        allowed_hosts: args.allowed.hosts,
        port_flag: "--port",
    };
    let ui = bind(config, client, &target).await?;
    println!("{} (account API at {}). Ctrl-C stops it.", workshop::said::ui_ready(ui.url()), api.api_url);
    ui.serve(workshop::stop_requested()).await
}
