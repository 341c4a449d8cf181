//! An isolated Temporal dev server for one test (or one test binary).
//!
//! Started here rather than with the SDK's `WorkflowEnvironment::start_local`, whose 5 s
//! start-up limit is too short on a 2-core CI machine that is compiling at the same time.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use temporalio_client::{Client, ClientOptions, ConnectionOptions};
use tokio::process::{Child, Command};

/// How long a dev server may take to answer after launch (a guard, not a speed goal).
const START_PATIENCE: Duration = Duration::from_secs(90);

pub struct TestServer {
    child: Child,
    client: Client,
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
        Self::launch(port, db_file, None).await
    }

    /// Like [`start_with`](Self::start_with), its errors appended to `log` instead of shown:
    /// a run that restarts the server on purpose is not drowned in its complaints.
    pub async fn start_logging_to(port: u16, db_file: Option<PathBuf>, log: &Path) -> anyhow::Result<Self> {
        Self::launch(port, db_file, Some(log)).await
    }

    async fn launch(port: u16, db_file: Option<PathBuf>, log: Option<&Path>) -> anyhow::Result<Self> {
        let cli = workshop::cli_tool::find_or_install()?;
        let mut command = Command::new(&cli);
        command.args(["server", "start-dev", "--headless", "--ip", "127.0.0.1", "--log-level", "error"]).args([
            "--port",
            &port.to_string(),
            "--namespace",
            "default",
        ]);
        if let Some(db) = &db_file {
            // The same database settings as the workshop's own dev server.
            command.arg("--db-filename").arg(db).args(workshop::dev_server::database_pragma_args());
        }
        for name in workshop::SEARCH_ATTRIBUTES {
            command.args(["--search-attribute", &format!("{name}=Keyword")]);
        }
        let errors = match log {
            Some(path) => {
                let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
                Stdio::from(file.with_context(|| format!("opening {}", path.display()))?)
            }
            None => Stdio::inherit(), // errors show in the test's output
        };
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(errors)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", cli.display()))?;

        let deadline = Instant::now() + START_PATIENCE;
        let client = loop {
            if let Some(status) = child.try_wait()? {
                bail!("the test Temporal dev server on port {port} exited at start ({status})");
            }
            if let Ok(Ok(client)) = tokio::time::timeout(Duration::from_secs(5), connect(port)).await {
                break client;
            }
            if Instant::now() > deadline {
                bail!("the test Temporal dev server on port {port} did not answer within {START_PATIENCE:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        Ok(Self { child, client, port, db_file })
    }

    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// host:port for `TEMPORAL_ADDRESS`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process (e.g. to read its CPU time), while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub fn db_file(&self) -> Option<&PathBuf> {
        self.db_file.as_ref()
    }

    /// Environment for a workshop program that should talk to this server and nothing else.
    pub fn program_env(&self) -> Vec<(String, String)> {
        vec![("TEMPORAL_ADDRESS".into(), self.address()), ("TEMPORAL_NAMESPACE".into(), "default".into())]
    }

    /// Stops the server at once, as a crash would (dropping it does the same, without waiting).
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }
}

async fn connect(port: u16) -> anyhow::Result<Client> {
    let url: temporalio_client::Url = format!("http://127.0.0.1:{port}").parse()?;
    let connection = ConnectionOptions::new(url).identity("workshop-tests".to_string()).build();
    // Through temporal-connect, whose crate holds the connection's code (see its lib.rs).
    let connection = temporal_connect::connect(connection).await?;
    Ok(Client::new(connection, ClientOptions::new("default").build())?)
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
