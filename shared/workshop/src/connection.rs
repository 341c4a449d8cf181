//! Connecting to Temporal the same way on a laptop, in the lab, or against Temporal Cloud:
//! the SDK's envconfig reads `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`,
//! TLS settings and config-file profiles (`TEMPORAL_PROFILE`).

use std::time::Duration;

use anyhow::{Context, anyhow};
use temporalio_client::envconfig::LoadClientConfigProfileOptions;
use temporalio_client::{Client, ClientOptions, Connection};
use temporalio_common::envconfig::load_client_config_profile;

use crate::dev_server::DevServer;
use crate::web_ui;

/// Where a program is connected, for the messages it prints.
#[derive(Debug, Clone)]
pub struct TemporalTarget {
    pub address: String,
    pub namespace: String,
    /// Base URL of the Temporal Web UI, when known.
    pub ui_url: Option<String>,
}

impl TemporalTarget {
    /// A link to one workflow in the Web UI, when the UI's address is known.
    pub fn workflow_link(&self, workflow_id: &str) -> Option<String> {
        self.ui_url.as_deref().map(|ui| web_ui::workflow_link(ui, &self.namespace, workflow_id))
    }
}

/// "localhost:7233 (namespace default)", for the messages programs print.
impl std::fmt::Display for TemporalTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (namespace {})", self.address, self.namespace)
    }
}

/// Connects to the configured Temporal service. When nothing is configured and nothing
/// answers on localhost:7233, it first starts the workshop's local dev server.
pub async fn connect() -> anyhow::Result<(Client, TemporalTarget)> {
    let profile = load_client_config_profile(LoadClientConfigProfileOptions::default(), None)
        .map_err(|e| anyhow!("Could not read the Temporal client configuration: {e}"))?;
    let configured = profile.address.is_some();
    let (connection_options, client_options) =
        ClientOptions::load_from_config(LoadClientConfigProfileOptions::default())
            .map_err(|e| anyhow!("Invalid Temporal client configuration: {e}"))?;
    let address = profile.address.clone().unwrap_or_else(|| "localhost:7233".into());
    let namespace = client_options.namespace.clone();

    if !configured {
        let server = DevServer::default();
        if server.ensure_running().await? {
            println!("{}\n", server.started_message());
        }
    }

    let attempt = Connection::connect(connection_options);
    let connection = match tokio::time::timeout(Duration::from_secs(15), attempt).await {
        Ok(Ok(connection)) => connection,
        Ok(Err(error)) => return Err(unreachable(&address, &namespace, configured, &error.to_string())),
        Err(_) => return Err(unreachable(&address, &namespace, configured, "no answer within 15 s")),
    };
    let client = Client::new(connection, client_options).context("creating the Temporal client")?;
    let target = TemporalTarget { ui_url: web_ui::base_url(&address), address, namespace };
    Ok((client, target))
}

fn unreachable(address: &str, namespace: &str, configured: bool, why: &str) -> anyhow::Error {
    let hint = if configured {
        "The address comes from your configuration (TEMPORAL_ADDRESS or a profile). Check it, or \
         unset TEMPORAL_ADDRESS to let the workshop start a local dev server for you."
    } else {
        "Is the local dev server healthy? Check `scripts/dev-server status` and its log."
    };
    anyhow!("Could not connect to Temporal at {address} (namespace {namespace}): {why}\n{hint}")
}
