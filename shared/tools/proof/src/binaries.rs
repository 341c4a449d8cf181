//! Finding module 3's binary, of the same profile as the program asking.

use anyhow::Context;

/// The `module03` binary of the same profile as this program (a release benchmark measures
/// release binaries), built first if needed.
pub fn module03_binary() -> anyhow::Result<String> {
    if cfg!(debug_assertions) {
        return testkit::workspace_binary("module03");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "module03"])
        .current_dir(workshop::paths::workspace_root())
        .status()
        .context("building module03 --release")?;
    anyhow::ensure!(status.success(), "cargo build --release -p module03 failed");
    Ok(testkit::target_dir().join("release").join("module03").display().to_string())
}
