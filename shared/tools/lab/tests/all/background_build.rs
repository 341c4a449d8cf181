//! `scripts/background-build`, which `lab-setup --lab` starts once module 1 is built: the lab
//! opens at once, a learner's `cargo run -p moduleNN` waits (saying so) until that module is
//! built, a finished build leaves nothing to rebuild, and an interrupted one goes on.
//!
//! Real cargo builds, of a small workspace of its own (the script with two packages, one whose
//! build script takes a few seconds), so the test is fast and does not touch the workshop's
//! target folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use testkit::TempDir;

/// A workspace with the script and two packages: `slow` (its build script sleeps) and `quick`.
fn workspace(dir: &Path, slow_secs: u32) -> PathBuf {
    let root = dir.join("ws");
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("Cargo.toml", "[workspace]\nmembers = [\"slow\", \"quick\"]\nresolver = \"2\"\n");
    for name in ["slow", "quick"] {
        write(
            &format!("{name}/Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        write(&format!("{name}/src/main.rs"), "fn main() {}\n");
    }
    write(
        "slow/build.rs",
        &format!("fn main() {{ std::thread::sleep(std::time::Duration::from_secs({slow_secs})); }}\n"),
    );
    let script = workshop::paths::workspace_root().join("scripts/background-build");
    std::fs::create_dir_all(root.join("scripts")).unwrap();
    std::fs::copy(script, root.join("scripts/background-build")).unwrap();
    root
}

fn command(root: &Path, program: &str) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(root)
        .env("BACKGROUND_BUILD_PACKAGES", "slow quick")
        // The workspace's own target folder, not the one of the test run.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_MANIFEST_PATH");
    command
}

fn script(root: &Path, args: &[&str]) -> Output {
    // Through bash, not exec'ed: another test thread forking while the copy was open for
    // writing would make exec fail with "Text file busy".
    let output = command(root, "bash").arg("scripts/background-build").args(args).output().expect("background-build");
    assert!(output.status.success(), "background-build {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn status(root: &Path) -> String {
    String::from_utf8_lossy(&script(root, &["status"]).stdout).trim().to_string()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_lab_opens_while_the_rest_builds_and_cargo_waits_for_what_it_runs() {
    let dir = TempDir::new("background-build").unwrap();
    let root = workspace(dir.path(), 4);
    assert_eq!(status(&root), "not started");

    let start = script(&root, &["start"]);
    assert!(String::from_utf8_lossy(&start.stdout).contains("started"), "{start:?}");
    // `start` is back while the build goes on: slow's build script is still sleeping.
    assert_eq!(status(&root), "running");
    assert!(!root.join(".lab/built/slow").exists(), "start waited for the build");

    // A check (one minute on Instruqt) waits a bounded time, then says it is still building.
    let bounded =
        command(&root, "bash").args(["scripts/background-build", "wait", "--within", "1", "slow"]).output().unwrap();
    let said = String::from_utf8_lossy(&bounded.stderr);
    assert!(!bounded.status.success() && said.contains("Still building slow after 1 s"), "{bounded:?}");

    // The learner's `cargo run -p quick`: the lab's cargo function waits for quick, saying so.
    let waited = script(&root, &["before-cargo", "run", "-p", "quick", "--", "--help"]);
    let said = String::from_utf8_lossy(&waited.stderr);
    assert!(said.contains("still building the workshop in the background"), "{said}");
    assert!(said.contains(".lab/background-build.log"), "says where the progress is: {said}");
    assert!(root.join(".lab/built/quick").is_file(), "quick is built when the wait ends");

    script(&root, &["wait"]);
    assert_eq!(status(&root), "done");
    let log = std::fs::read_to_string(root.join(".lab/background-build.log")).unwrap();
    assert!(log.contains("cargo build -p slow") && log.contains("cargo build -p quick"), "{log}");

    // Done: each package as `cargo run -p` builds it, nothing left to compile, no wait.
    for package in ["slow", "quick"] {
        let build = command(&root, "cargo").args(["build", "-p", package]).output().unwrap();
        let said = String::from_utf8_lossy(&build.stderr);
        assert!(build.status.success() && !said.contains("Compiling"), "{package} rebuilt: {said}");
    }
    let after = script(&root, &["before-cargo", "run", "-p", "quick"]);
    assert!(after.stderr.is_empty(), "nothing to wait for: {after:?}");
    let again = script(&root, &["start"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already done"), "{again:?}");
}

#[test]
fn an_interrupted_build_goes_on_when_started_again() {
    let dir = TempDir::new("background-build").unwrap();
    let root = workspace(dir.path(), 30);
    script(&root, &["start"]);
    let pid_file = root.join(".lab/background-build.pid");
    wait_until("the build to start slow's build script", || {
        pid_file.is_file() && std::fs::read_to_string(root.join(".lab/background-build.log")).is_ok()
    });
    std::thread::sleep(Duration::from_secs(1));
    // The machine goes away mid-build: the whole process group, cargo with it.
    let pid = std::fs::read_to_string(&pid_file).unwrap().trim().to_string();
    assert!(Command::new("kill").args(["-s", "KILL", "--", &format!("-{pid}")]).status().unwrap().success());
    wait_until("the build to stop", || status(&root) != "running");
    assert_eq!(status(&root), "interrupted");
    assert!(!root.join(".lab/built/quick").exists());

    // Started again with a shorter build script, so the test does not wait 30 s.
    std::fs::write(root.join("slow/build.rs"), "fn main() {}\n").unwrap();
    script(&root, &["start"]);
    wait_until("the build to finish", || status(&root) == "done");
    assert!(root.join(".lab/built/slow").is_file() && root.join(".lab/built/quick").is_file());
}
