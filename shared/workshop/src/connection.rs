//! Connecting to Temporal the same way on a laptop, in the lab, or against Temporal Cloud:
//! the SDK's envconfig reads `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`,
//! TLS settings and config-file profiles (`TEMPORAL_PROFILE`).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow};
use temporalio_client::envconfig::LoadClientConfigProfileOptions;
use temporalio_client::{Client, ClientKeepAliveOptions, ClientOptions, ConnectionOptions, GrpcCompression};
use temporalio_common::envconfig::load_client_config_profile;

use crate::dev_server::DevServer;
use crate::{learner, web_ui};

/// Where a program is connected, for the messages it prints.
#[derive(Debug, Clone)]
pub struct TemporalTarget {
    /// The server's `host:port`, as connected to.
    pub address: String,
    /// The Temporal namespace its workflows live in.
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
///
/// # Examples
///
/// What every program of the workshop does first (it needs Temporal, or the `temporal` CLI
/// to start one):
///
/// ```no_run
/// # async fn example() -> anyhow::Result<()> {
/// let (client, target) = workshop::connect().await?;
/// println!("Connected to {target}");
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
pub async fn connect() -> anyhow::Result<(Client, TemporalTarget)> {
    let profile = load_client_config_profile(LoadClientConfigProfileOptions::default(), None)
        .map_err(|e| anyhow!("Could not read the Temporal client configuration: {e}"))?;
    let configured = profile.address.is_some();
    let (mut connection_options, client_options) =
        ClientOptions::load_from_config(LoadClientConfigProfileOptions::default())
            .map_err(|e| anyhow!("Invalid Temporal client configuration: {e}"))?;
    tune_for_loopback(&mut connection_options);
    notice_silent_connections(&mut connection_options);
    let address = profile.address.clone().unwrap_or_else(|| "localhost:7233".into());
    let namespace = client_options.namespace.clone();
    // Several learners may share a server that is not this machine's: each gets names of
    // their own, and sees and marks only their own workflows.
    let mut client_options = client_options;
    if let Some(learner) = learner::settle(!is_loopback(&connection_options.target))? {
        client_options.client_interceptors.push(Arc::new(learner::OwnWorkflows::new(learner)));
    }

    if !configured {
        let server = DevServer::default();
        if server.ensure_running().await? {
            println!("{}\n", server.started_message());
        }
    }

    let attempt = temporal_connect::connect(connection_options);
    let connection = match tokio::time::timeout(Duration::from_secs(15), attempt).await {
        Ok(Ok(connection)) => connection,
        Ok(Err(error)) => return Err(unreachable(&address, &namespace, configured, &error.to_string())),
        Err(_) => return Err(unreachable(&address, &namespace, configured, "no answer within 15 s")),
    };
    let client = Client::new(connection, client_options).context("creating the Temporal client")?;
    let target = TemporalTarget { ui_url: web_ui::base_url(&address), address, namespace };
    Ok((client, target))
}

/// gRPC compression (the SDK's default is gzip) saves nothing on loopback and costs CPU on
/// both ends: a tenth of a debug worker's time, and the dev server's share of the same two
/// cores. Off for a server on this machine; a remote one (Temporal Cloud) keeps it.
pub fn tune_for_loopback(options: &mut ConnectionOptions) {
    if is_loopback(&options.target) {
        options.grpc_compression = GrpcCompression::None;
    }
}

/// A connection can die without a word: a network that drops packets, a NAT or firewall that
/// forgot it. Only an unanswered HTTP/2 ping tells, and until then every call of a worker
/// waits on it. The SDK pings after 30 s without a byte from the server and gives up 15 s
/// later: a worker sat up to 45 s after its connection went silent, 38 s after the network
/// came back (docs/benchmarks.md, Chaos). Pinging after 12 s and giving up after 5 s notices
/// it within 17 s. Not less: Temporal's frontend refuses pings more often than every 10 s.
pub fn notice_silent_connections(options: &mut ConnectionOptions) {
    let keep_alive =
        ClientKeepAliveOptions::builder().interval(Duration::from_secs(12)).timeout(Duration::from_secs(5)).build();
    options.keep_alive = Some(keep_alive);
}

fn is_loopback(url: &temporalio_client::Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn compression(target: &str) -> GrpcCompression {
        let mut options = ConnectionOptions::new(temporalio_client::Url::parse(target).unwrap()).build();
        tune_for_loopback(&mut options);
        options.grpc_compression
    }

    #[test]
    fn a_silent_connection_is_noticed_within_17_seconds() {
        let mut options =
            ConnectionOptions::new(temporalio_client::Url::parse("http://localhost:7233").unwrap()).build();
        notice_silent_connections(&mut options);
        let keep_alive = options.keep_alive.unwrap();
        assert!(keep_alive.interval >= Duration::from_secs(10), "the server's minimum between pings");
        assert_eq!(keep_alive.interval + keep_alive.timeout, Duration::from_secs(17));
    }

    #[test]
    fn compression_is_off_only_for_this_machine() {
        for local in ["http://localhost:7233", "http://127.0.0.1:7233", "http://[::1]:7233"] {
            assert_eq!(compression(local), GrpcCompression::None, "{local}");
        }
        for remote in ["https://ns.tmprl.cloud:7233", "http://10.0.0.5:7233", "http://temporal:7233"] {
            assert_eq!(compression(remote), GrpcCompression::Gzip, "{remote}");
        }
    }
}
