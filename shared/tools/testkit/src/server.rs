//! An isolated Temporal dev server for one test (or one test binary).
//!
//! Started here rather than with the SDK's `WorkflowEnvironment::start_local`, whose 5 s
//! start-up limit is too short on a 2-core CI machine that is compiling at the same time.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use temporalio_client::{Client, ClientOptions, ConnectionOptions};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStderr, Command};

use crate::ports::{free_port, port_taken};

/// How long a dev server may take to answer after launch (a guard, not a speed goal).
const START_PATIENCE: Duration = Duration::from_secs(90);

pub struct TestServer {
    child: Child,
    client: Client,
    port: u16,
    db_file: Option<PathBuf>,
}

/// Why a launch failed: a port was taken under it (worth another try), or anything else.
enum LaunchError {
    PortTaken(anyhow::Error),
    Other(anyhow::Error),
}

impl TestServer {
    /// Starts on a port someone else took before the server bound it (see `ports`), at most.
    pub const ATTEMPTS: usize = 5;

    /// A fresh in-memory server on a free port.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_on_free_port(None, None).await
    }

    /// A server on a free port of its own, keeping its state in `db_file` when given (restart
    /// it on the same port with [`start_with`](Self::start_with)), its errors appended to
    /// `log` when given. When a port is taken under it at start, it starts again on another.
    pub async fn start_on_free_port(db_file: Option<PathBuf>, log: Option<&Path>) -> anyhow::Result<Self> {
        Self::start_trying(free_port, db_file, log).await
    }

    /// A server on `port` keeping its state in `db_file` (restart it with the same arguments).
    pub async fn start_with(port: u16, db_file: Option<PathBuf>) -> anyhow::Result<Self> {
        Self::start_on(port, db_file, None).await
    }

    /// Like [`start_with`](Self::start_with), its errors appended to `log` instead of shown:
    /// a run that restarts the server on purpose is not drowned in its complaints.
    pub async fn start_logging_to(port: u16, db_file: Option<PathBuf>, log: &Path) -> anyhow::Result<Self> {
        Self::start_on(port, db_file, Some(log)).await
    }

    /// On `port` itself; again when one of the ports the server picks for itself inside (its
    /// HTTP API, metrics, internal services) was taken before it bound it.
    async fn start_on(port: u16, db_file: Option<PathBuf>, log: Option<&Path>) -> anyhow::Result<Self> {
        Self::start_trying(|| Ok(port), db_file, log).await
    }

    /// Launches on `next_port()`, and again on the next one while the server exits at start
    /// because a port was taken under it (at most [`ATTEMPTS`](Self::ATTEMPTS) times); any
    /// other failure at once.
    pub async fn start_trying(
        mut next_port: impl FnMut() -> anyhow::Result<u16>,
        db_file: Option<PathBuf>,
        log: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let mut attempt = 1;
        loop {
            match Self::launch(next_port()?, db_file.clone(), log).await {
                Ok(server) => return Ok(server),
                Err(LaunchError::PortTaken(_)) if attempt < Self::ATTEMPTS => attempt += 1,
                Err(LaunchError::PortTaken(error) | LaunchError::Other(error)) => return Err(error),
            }
        }
    }

    async fn launch(port: u16, db_file: Option<PathBuf>, log: Option<&Path>) -> Result<Self, LaunchError> {
        let other = LaunchError::Other;
        let cli = workshop::cli_tool::find_or_install().map_err(other)?;
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
        // The same search attributes and settings as the workshop's own dev server.
        command.args(workshop::dev_server::workshop_server_args());
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", cli.display()))
            .map_err(other)?;
        let mut errors = forward_errors(child.stderr.take().expect("piped"), log).await.map_err(other)?;

        let deadline = Instant::now() + START_PATIENCE;
        let client = loop {
            if let Some(status) = child.try_wait().map_err(|e| other(e.into()))? {
                let said = errors.said_at_exit().await;
                let error = anyhow::anyhow!(
                    "the test Temporal dev server on port {port} exited at start ({status}); it said:\n{said}"
                );
                return Err(if port_taken(&said) { LaunchError::PortTaken(error) } else { other(error) });
            }
            if let Ok(Ok(client)) = tokio::time::timeout(Duration::from_secs(5), connect(port)).await {
                break client;
            }
            if Instant::now() > deadline {
                return Err(other(anyhow::anyhow!(
                    "the test Temporal dev server on port {port} did not answer within {START_PATIENCE:?}"
                )));
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

/// The dev server's error output, passed on as it comes (to the test's output, or appended to
/// a log file), its first lines kept to tell why a start failed.
struct Errors {
    kept: Arc<Mutex<String>>,
    reader: tokio::task::JoinHandle<()>,
}

/// Enough to hold what a server says when it cannot start.
const KEPT: usize = 16 * 1024;

async fn forward_errors(stderr: ChildStderr, log: Option<&Path>) -> anyhow::Result<Errors> {
    let mut file = match log {
        Some(path) => Some(
            tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .await
                .with_context(|| format!("opening {}", path.display()))?,
        ),
        None => None,
    };
    let kept = Arc::new(Mutex::new(String::new()));
    let keep = kept.clone();
    let reader = tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            match &mut file {
                Some(file) => {
                    let _ = file.write_all(format!("{line}\n").as_bytes()).await;
                }
                None => eprintln!("{line}"),
            }
            let mut kept = keep.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if kept.len() < KEPT {
                kept.push_str(&line);
                kept.push('\n');
            }
        }
    });
    Ok(Errors { kept, reader })
}

impl Errors {
    /// All it said, once it ended (its error output closed; a few seconds at most).
    async fn said_at_exit(&mut self) -> String {
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.reader).await;
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}
