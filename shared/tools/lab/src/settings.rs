//! Where everything is, from the environment, with the workshop's local defaults.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};

pub struct Settings {
    /// The source tree the learner edits (`WORKSHOP_DIR`, default: this workspace).
    pub workshop_dir: PathBuf,
    /// The account API (`ACCOUNT_API_URL`).
    pub account_api_url: String,
    /// The Money Transfer UI (`TRANSFER_UI_URL`).
    pub transfer_ui_url: String,
    /// Prebuilt module binaries (`LAB_BIN_DIR`); `None` builds them with cargo.
    pub bin_dir: Option<PathBuf>,
    /// Interface for the services a solve starts (`LAB_LISTEN_HOST`).
    pub listen_host: String,
    /// The longest a solve waits for anything (`LAB_TIMEOUT_SECS`): a hang guard, not a goal.
    pub patience: Duration,
}

impl Settings {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
        Self {
            workshop_dir: var("WORKSHOP_DIR").map(PathBuf::from).unwrap_or_else(workshop::paths::workspace_root),
            account_api_url: var("ACCOUNT_API_URL").unwrap_or_else(|| "http://127.0.0.1:5000".into()),
            transfer_ui_url: var("TRANSFER_UI_URL").unwrap_or_else(|| "http://127.0.0.1:5001".into()),
            bin_dir: var("LAB_BIN_DIR").map(PathBuf::from),
            listen_host: var("LAB_LISTEN_HOST").unwrap_or_else(|| "127.0.0.1".into()),
            patience: Duration::from_secs(var("LAB_TIMEOUT_SECS").and_then(|s| s.parse().ok()).unwrap_or(600)),
        }
    }

    /// A file or folder of the learner's source tree.
    pub fn source(&self, relative: &str) -> PathBuf {
        self.workshop_dir.join(relative)
    }

    /// The binary of a workshop package: from `LAB_BIN_DIR` as it is, or freshly built from
    /// `WORKSHOP_DIR` (cargo only rebuilds what changed, e.g. after a solve edited the source).
    pub fn binary(&self, package: &str) -> anyhow::Result<PathBuf> {
        if let Some(dir) = &self.bin_dir {
            let path = dir.join(package);
            if !path.is_file() {
                bail!("{} is missing (LAB_BIN_DIR is set, so nothing is built)", path.display());
            }
            return Ok(path);
        }
        let manifest = self.workshop_dir.join("Cargo.toml");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        println!("Building {package} (cargo build -p {package}) ...");
        let status = Command::new(&cargo)
            .args(["build", "--quiet", "-p", package, "--manifest-path"])
            .arg(&manifest)
            .status()
            .with_context(|| format!("running {cargo} (is the Rust toolchain installed?)"))?;
        if !status.success() {
            bail!("`cargo build -p {package}` failed (see the compiler's messages above)");
        }
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| self.workshop_dir.join("target"));
        let path = target.join("debug").join(package);
        if !path.is_file() {
            bail!("{} is missing after the build", path.display());
        }
        Ok(path)
    }
}

/// The port of an http URL (80 when it has none).
pub fn port_of(url: &str) -> anyhow::Result<u16> {
    let parsed = reqwest::Url::parse(url).with_context(|| format!("not a URL: {url}"))?;
    parsed.port_or_known_default().with_context(|| format!("no port in {url}"))
}

/// A path shown relative to the source tree when it is inside it.
pub fn shown(settings: &Settings, path: &Path) -> String {
    path.strip_prefix(&settings.workshop_dir).unwrap_or(path).display().to_string()
}
