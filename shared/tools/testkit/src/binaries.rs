//! Finding another package's binary from a test (cargo only hands a test its own package's).

use std::path::PathBuf;

/// Cargo's target folder: `CARGO_TARGET_DIR`, else `target/` of the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workshop::paths::workspace_root().join("target"))
}

/// The binary `name` of this workspace. `cargo test --workspace` (`./scripts/test`) builds
/// every package's binaries before any test runs. A test does not build it itself: a nested
/// `cargo build` would resolve features differently and rebuild half the dependencies.
pub fn workspace_binary(name: &str) -> anyhow::Result<String> {
    let path = target_dir().join("debug").join(name);
    anyhow::ensure!(
        path.is_file(),
        "{} is missing: run the tests with `./scripts/test` (all packages), or `cargo build -p {name}` first",
        path.display()
    );
    Ok(path.display().to_string())
}
