//! The local Temporal dev server (`temporal server start-dev`), started detached so that it
//! outlives the program that started it: the lessons kill workers, never the server.

use std::fs::{self, OpenOptions};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::unix::process::CommandExt; // pre_exec
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::{SEARCH_ATTRIBUTES, cli_tool, paths, processes};

/// SQLite settings for a server that keeps its database in a file. The CLI's defaults (a
/// rollback journal, `synchronous=FULL`) sync the disk several times per workflow step; with a
/// write-ahead log and `synchronous=NORMAL` a killed server still loses nothing (only a power
/// cut could roll back the last steps), and on 2 cores a batch of transfers completes about
/// 2.5× faster (docs/benchmarks.md, Throughput).
pub const DATABASE_PRAGMAS: [&str; 2] = ["journal_mode=wal", "synchronous=normal"];

/// `--sqlite-pragma` arguments for [`DATABASE_PRAGMAS`].
pub fn database_pragma_args() -> Vec<String> {
    DATABASE_PRAGMAS.iter().flat_map(|pragma| ["--sqlite-pragma".to_string(), pragma.to_string()]).collect()
}

/// The longest Temporal waits before it tries a failing workflow task again. Each attempt of
/// a task that keeps failing (module 4's panic) waits a little longer than the one before;
/// the server's default cap is 10 minutes, so a learner who took a few minutes to find the
/// bug could restart the fixed worker and see nothing move for minutes. The workshop's dev
/// servers wait at most this long: a stuck transfer takes its next step within 10 s (the
/// workflow task's timeout) plus this of the fixed worker's start. A real cluster keeps its
/// own setting; there, `temporal workflow reset` runs a stuck workflow at once.
pub const WORKFLOW_TASK_RETRY_MAX_INTERVAL: &str = "20s";

/// What every dev server of the workshop starts with, the learner's and the tests' alike:
/// the Keyword search attributes modules 3 and 4 set, the database settings when it has a
/// file ([`database_pragma_args`]), and [`WORKFLOW_TASK_RETRY_MAX_INTERVAL`].
pub fn workshop_server_args() -> Vec<String> {
    let mut args: Vec<String> = SEARCH_ATTRIBUTES
        .iter()
        .flat_map(|name| ["--search-attribute".to_string(), format!("{name}=Keyword")])
        .collect();
    args.push("--dynamic-config-value".into());
    args.push(format!("history.workflowTaskRetryMaxInterval=\"{WORKFLOW_TASK_RETRY_MAX_INTERVAL}\""));
    args
}

/// How to run the dev server. The defaults are the workshop's fixed local ports.
#[derive(Debug, Clone)]
pub struct DevServer {
    /// Interface to listen on: 127.0.0.1 locally, 0.0.0.0 in the lab so the browser tabs reach it.
    pub ip: String,
    /// Its gRPC port, where workers and clients connect (7233 by default).
    pub port: u16,
    /// `None` runs without the Web UI.
    pub ui_port: Option<u16>,
    /// Folder for the database, the log and the pid file.
    pub state_dir: PathBuf,
}

impl Default for DevServer {
    fn default() -> Self {
        Self { ip: "127.0.0.1".into(), port: 7233, ui_port: Some(8233), state_dir: paths::state_dir() }
    }
}

/// What `status` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Status {
    /// Our detached server, with its pid.
    Running(u32),
    /// Something answers on the port, but not a server this folder started.
    PortAnsweredByOther,
    /// Nothing answers on the port.
    Stopped,
}

impl DevServer {
    /// The SQLite file the server keeps its workflows in, so they outlive a restart.
    pub fn db_file(&self) -> PathBuf {
        self.state_dir.join("dev-server.db")
    }
    /// Where the detached server writes its output: the first place to look when it will not start.
    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("dev-server.log")
    }
    fn pid_file(&self) -> PathBuf {
        self.state_dir.join("dev-server.pid")
    }

    /// The loopback address clients use, whatever interface the server listens on.
    pub fn local_address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The Web UI's address for a browser, when the server runs one.
    pub fn ui_url(&self) -> Option<String> {
        self.ui_port.map(|port| format!("http://localhost:{port}"))
    }

    /// Whether this folder's server runs, something else holds the port, or nothing does.
    pub fn status(&self) -> Status {
        match self.recorded_pid() {
            Some(pid) if processes::alive(pid) => Status::Running(pid),
            _ if port_answers(&self.local_address()) => Status::PortAnsweredByOther,
            _ => Status::Stopped,
        }
    }

    /// Starts the server unless something already answers on its port, then waits until it
    /// serves requests. Returns `true` when this call started it.
    pub async fn ensure_running(&self) -> anyhow::Result<bool> {
        if port_answers(&self.local_address()) {
            return Ok(false);
        }
        let pid = self.spawn_detached()?;
        self.wait_until_serving(pid).await?;
        Ok(true)
    }

    /// Launches `temporal server start-dev` in a session of its own, so neither Ctrl-C in the
    /// terminal that started it nor that terminal (or a setup script) ending stops it.
    pub fn spawn_detached(&self) -> anyhow::Result<u32> {
        let cli = cli_tool::find_or_install()?;
        fs::create_dir_all(&self.state_dir).with_context(|| format!("creating {}", self.state_dir.display()))?;
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_file())
            .with_context(|| format!("opening {}", self.log_file().display()))?;
        let mut command = Command::new(&cli);
        command
            .args(["server", "start-dev", "--log-level", "warn"])
            .args(["--ip", &self.ip, "--port", &self.port.to_string()])
            .arg("--db-filename")
            .arg(self.db_file())
            .args(database_pragma_args());
        match self.ui_port {
            Some(ui_port) => command.args(["--ui-port", &ui_port.to_string()]),
            None => command.arg("--headless"),
        };
        command.args(workshop_server_args());
        command.stdin(Stdio::null()).stdout(log.try_clone()?).stderr(log);
        // A new session (and process group). SAFETY: setsid() is async-signal-safe and
        // touches no memory of this process.
        unsafe {
            command.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        let child = command.spawn().with_context(|| format!("starting {}", cli.display()))?;
        fs::write(self.pid_file(), child.id().to_string())?;
        Ok(child.id())
    }

    /// Waits until the server answers gRPC, failing early (with the log's tail) if it exits.
    pub async fn wait_until_serving(&self, pid: u32) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(90);
        let url = format!("http://{}", self.local_address());
        loop {
            if !processes::alive(pid) {
                bail!(
                    "The Temporal dev server stopped right after starting. Last lines of {}:\n{}",
                    paths::display(&self.log_file()),
                    self.log_tail(15)
                );
            }
            if grpc_answers(&url).await {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "The Temporal dev server did not become ready within 90 s. See {}",
                    paths::display(&self.log_file())
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Stops the server this folder started. Returns `false` when none was running.
    pub fn stop(&self) -> anyhow::Result<bool> {
        let Some(pid) = self.recorded_pid().filter(|pid| processes::alive(*pid)) else {
            let _ = fs::remove_file(self.pid_file());
            return Ok(false);
        };
        processes::stop(&[pid], libc::SIGTERM, Duration::from_secs(15));
        let _ = fs::remove_file(self.pid_file());
        Ok(true)
    }

    /// The message printed when the workshop starts a server for the learner.
    pub fn started_message(&self) -> String {
        let mut lines = vec![format!(
            "Started a local Temporal dev server on {} (it keeps running after this program ends).",
            self.local_address()
        )];
        if let Some(ui) = self.ui_url() {
            lines.push(format!("  Web UI:   {ui}"));
        }
        lines.push(format!("  Log:      {}", paths::display(&self.log_file())));
        lines.push(format!("  Database: {} (workflows survive a server restart)", paths::display(&self.db_file())));
        lines.push("  Stop it:  scripts/dev-server stop".into());
        lines.join("\n")
    }

    fn recorded_pid(&self) -> Option<u32> {
        fs::read_to_string(self.pid_file()).ok()?.trim().parse().ok()
    }

    fn log_tail(&self, lines: usize) -> String {
        let text = fs::read_to_string(self.log_file()).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// True when something accepts TCP connections at `address` (host:port).
pub fn port_answers(address: &str) -> bool {
    let Ok(addrs) = address.to_socket_addrs() else {
        return false;
    };
    addrs
        .collect::<Vec<SocketAddr>>()
        .iter()
        .any(|addr| TcpStream::connect_timeout(addr, Duration::from_millis(300)).is_ok())
}

async fn grpc_answers(url: &str) -> bool {
    let Ok(url) = url.parse::<temporalio_client::Url>() else {
        return false;
    };
    let options = temporalio_client::ConnectionOptions::new(url).build();
    let attempt = temporal_connect::connect(options);
    matches!(tokio::time::timeout(Duration::from_secs(3), attempt).await, Ok(Ok(_)))
}
