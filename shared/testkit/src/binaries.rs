//! Finding another package's binary from a test (cargo only hands a test its own package's).

use std::path::PathBuf;

use anyhow::Context;

/// The binary `name` of this workspace, built on demand: `cargo test --workspace` has built
/// it already; `cargo test -p one-package` may not have.
pub fn workspace_binary(name: &str) -> anyhow::Result<String> {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workshop::paths::workspace_root().join("target"));
    let path = target_dir.join("debug").join(name);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Always ask cargo: it rebuilds only when the source changed since the last build.
    let status = std::process::Command::new(cargo)
        .args(["build", "--quiet", "-p", name])
        .current_dir(workshop::paths::workspace_root())
        .status()
        .with_context(|| format!("building {name}"))?;
    anyhow::ensure!(status.success(), "cargo build -p {name} failed");
    anyhow::ensure!(path.is_file(), "{} is missing after the build", path.display());
    Ok(path.display().to_string())
}
