//! An isolated Temporal dev server for one test (or one test binary).

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::Context;
use temporalio_client::Client;
use temporalio_sdk::testing::{
    DevServerLogLevel, EphemeralExe, LocalServer, LocalWorkflowEnvironmentOptions, WorkflowEnvironment,
};

pub struct TestServer {
    env: WorkflowEnvironment<LocalServer>,
    port: u16,
    db_file: Option<PathBuf>,
}

impl TestServer {
    /// A fresh in-memory server on a free port.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(free_port()?, None).await
    }

    /// A server on `port` keeping its state in `db_file` (restart it with the same arguments).
    pub async fn start_with(port: u16, db_file: Option<PathBuf>) -> anyhow::Result<Self> {
        let cli = workshop::cli_tool::find_or_install()?;
        let mut extra_args = Vec::new();
        for name in workshop::SEARCH_ATTRIBUTES {
            extra_args.push("--search-attribute".to_string());
            extra_args.push(format!("{name}=Keyword"));
        }
        let options = LocalWorkflowEnvironmentOptions::builder()
            .server_executable(EphemeralExe::ExistingPath(cli.display().to_string()))
            .port(port)
            .maybe_database_filename(db_file.clone())
            .extra_args(extra_args)
            .log_level(DevServerLogLevel::Error)
            .build();
        let env = WorkflowEnvironment::start_local(options)
            .await
            .context("starting a test Temporal dev server")?;
        Ok(Self { env, port, db_file })
    }

    pub fn client(&self) -> Client {
        self.env.client().clone()
    }

    /// host:port for `TEMPORAL_ADDRESS`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db_file(&self) -> Option<&PathBuf> {
        self.db_file.as_ref()
    }

    /// Environment for a workshop program that should talk to this server and nothing else.
    pub fn program_env(&self) -> Vec<(String, String)> {
        vec![
            ("TEMPORAL_ADDRESS".into(), self.address()),
            ("TEMPORAL_NAMESPACE".into(), "default".into()),
        ]
    }

    /// Stops the server (dropping it does the same, without waiting).
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.env.shutdown().await?;
        Ok(())
    }
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
