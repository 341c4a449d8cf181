//! How a [`Program`] is started: arguments, environment, folder, where its output goes.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::process::Command;

use super::Program;
use super::output::Output;
use crate::PATIENCE;

/// Environment variables that would point a child at a developer's own Temporal setup (and
/// their learner name on a shared one).
const TEMPORAL_ENV: [&str; 7] = [
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_PROFILE",
    "TEMPORAL_API_KEY",
    "TEMPORAL_CONFIG_FILE",
    "TEMPORAL_TLS",
    "WORKSHOP_LEARNER",
];

/// A program about to start. It inherits this process's environment unless told otherwise.
pub struct Launch {
    binary: OsString,
    args: Vec<String>,
    env: Vec<(String, String)>,
    removed: Vec<String>,
    dir: Option<PathBuf>,
    echo: Option<String>,
    log: Option<PathBuf>,
    die_with_parent: bool,
    patience: Duration,
}

impl Launch {
    pub fn new(binary: impl Into<OsString>) -> Self {
        Self {
            binary: binary.into(),
            args: Vec::new(),
            env: Vec::new(),
            removed: Vec::new(),
            dir: None,
            echo: None,
            log: None,
            die_with_parent: false,
            patience: PATIENCE,
        }
    }

    pub fn args<S: AsRef<str>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args.extend(args.into_iter().map(|arg| arg.as_ref().to_string()));
        self
    }

    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    pub fn envs(mut self, env: &[(String, String)]) -> Self {
        self.env.extend_from_slice(env);
        self
    }

    /// Removes `name` from the inherited environment.
    pub fn env_remove(mut self, name: &str) -> Self {
        self.removed.push(name.to_string());
        self
    }

    /// Forgets the developer's own Temporal settings: a test's program talks to the test's
    /// server only (set with [`env`](Self::env) / [`envs`](Self::envs)).
    pub fn without_temporal_env(mut self) -> Self {
        self.removed.extend(TEMPORAL_ENV.map(String::from));
        self
    }

    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Also prints every line as `[label] line` (the lab shows what its programs say).
    pub fn echo(mut self, label: &str) -> Self {
        self.echo = Some(label.to_string());
        self
    }

    /// Sends the output to `file` instead of pipes: a benchmark does not pay for a reader,
    /// and a chatty program does not flood the console.
    pub fn log_to(mut self, file: impl Into<PathBuf>) -> Self {
        self.log = Some(file.into());
        self
    }

    /// SIGKILL when this process dies, even by SIGKILL (Linux; elsewhere only on drop).
    pub fn die_with_parent(mut self) -> Self {
        self.die_with_parent = true;
        self
    }

    /// The longest any wait on this program lasts (a hang guard; default [`PATIENCE`]).
    pub fn patience(mut self, patience: Duration) -> Self {
        self.patience = patience;
        self
    }

    pub fn spawn(self) -> anyhow::Result<Program> {
        let shown = PathBuf::from(&self.binary).display().to_string();
        let mut command = Command::new(&self.binary);
        command.args(&self.args).stdin(Stdio::null()).kill_on_drop(true);
        for name in &self.removed {
            command.env_remove(name);
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        match &self.log {
            Some(path) => {
                let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
                command.stdout(file.try_clone()?).stderr(file);
            }
            None => {
                command.stdout(Stdio::piped()).stderr(Stdio::piped());
            }
        }
        #[cfg(target_os = "linux")]
        if self.die_with_parent {
            // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
            unsafe {
                command.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    Ok(())
                });
            }
        }
        let mut child = command.spawn().with_context(|| format!("starting {shown}"))?;
        if let Some(label) = &self.echo {
            println!("[{label}] started: {shown} {}", self.args.join(" "));
        }
        let output = match self.log {
            Some(path) => Output::file(path),
            None => Output::piped(&mut child, self.echo.clone()),
        };
        let short = shown.rsplit('/').next().unwrap_or(&shown).to_string();
        let name = format!("{short} {}", self.args.join(" ")).trim_end().to_string();
        Ok(Program { name, echo: self.echo, child, output, patience: self.patience })
    }
}
