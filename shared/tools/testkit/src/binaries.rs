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

/// The example `name` of a workspace package (module 4's `jerrys_hot_fix`), as `cargo test
/// --workspace` built it (it builds every package's examples).
pub fn workspace_example(name: &str) -> anyhow::Result<String> {
    let path = target_dir().join("debug/examples").join(name);
    anyhow::ensure!(
        path.is_file(),
        "{} is missing: run the tests with `./scripts/test` (all packages), or `cargo build --examples` first",
        path.display()
    );
    Ok(path.display().to_string())
}

/// The test binary `test` of workspace package `package` (e.g. module04's `replay`), as
/// `cargo test --workspace` built it: cargo names test binaries with a hash, and two packages
/// can have tests of the same name. Asking the same feature resolution (`--workspace`) finds
/// it fresh, without building anything.
pub fn workspace_test_binary(package: &str, test: &str) -> anyhow::Result<String> {
    let output = cargo().args(["test", "--workspace", "--no-run", "--message-format=json"]).output()?;
    anyhow::ensure!(output.status.success(), "cargo test --no-run: {}", String::from_utf8_lossy(&output.stderr));
    // A package id is `path+file:///…/dir#name@version`, or `…/name#version` when the folder
    // has the package's name.
    let (named, in_its_folder) = (format!("#{package}@"), format!("/{package}#"));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|message| {
            message["package_id"].as_str().is_some_and(|id| id.contains(&named) || id.contains(&in_its_folder))
                && message["target"]["name"] == test
                && message["target"]["kind"][0] == "test"
        })
        .and_then(|message| message["executable"].as_str().map(String::from))
        .ok_or_else(|| anyhow::anyhow!("no test `{test}` in package {package}"))
}

/// `cargo` (the one running the tests), in the workspace root, for a test that needs cargo
/// itself. Without the variables cargo sets for a test process (`CARGO_PKG_NAME`,
/// `CARGO_MANIFEST_DIR`, …): build scripts that read them (ring's does) would run again with
/// the test's values, and cargo would rebuild everything above them, here and again in the
/// next plain `cargo build`.
pub fn cargo() -> std::process::Command {
    let mut command = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workshop::paths::workspace_root());
    without_test_variables(&mut command);
    command
}

/// The workshop's `scripts/NAME`, run as a learner runs it: without the variables cargo sets
/// for a test process (see [`cargo`]), which a script's own `cargo run` would pass on.
pub fn script(name: &str) -> std::process::Command {
    let mut command = std::process::Command::new(workshop::paths::workspace_root().join("scripts").join(name));
    without_test_variables(&mut command);
    command
}

fn without_test_variables(command: &mut std::process::Command) {
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        let set_for_tests = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_", "CARGO_BIN_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
            || ["CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "CARGO_RUSTC_CURRENT_DIR", "OUT_DIR"].contains(&name);
        if set_for_tests {
            command.env_remove(name);
        }
    }
}
