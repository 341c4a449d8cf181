//! Every shell script of the workshop passes `shellcheck` (Debian package `shellcheck`;
//! `.ci/run` installs it): scripts/, the Instruqt track's lifecycle scripts, and the modules'
//! start_services.sh.

use std::path::{Path, PathBuf};
use std::process::Command;

fn files_in(dir: &Path, keep: &dyn Fn(&Path) -> bool, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_in(&path, keep, found);
        } else if keep(&path) {
            found.push(path);
        }
    }
}

fn shell_scripts(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    files_in(&root.join("scripts"), &|_| true, &mut found);
    let lifecycle = |path: &Path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        ["setup-", "check-", "solve-", "cleanup-"].iter().any(|prefix| name.starts_with(prefix))
    };
    files_in(&root.join("instruqt"), &lifecycle, &mut found);
    files_in(&root.join("exercises"), &|path| path.ends_with("start_services.sh"), &mut found);
    found.sort();
    found
}

#[test]
fn every_shell_script_passes_shellcheck() {
    let root = workshop::paths::workspace_root();
    let scripts = shell_scripts(&root);
    for expected in
        ["scripts/check", "scripts/lab-setup", "scripts/lab-solve", "instruqt/track_scripts/setup-workshop-host"]
    {
        assert!(scripts.contains(&root.join(expected)), "{expected} is not among the scripts checked: {scripts:?}");
    }
    let output = Command::new("shellcheck")
        .args(["--shell=bash"])
        .args(&scripts)
        .output()
        .expect("shellcheck is not installed (apt-get install shellcheck)");
    assert!(
        output.status.success(),
        "shellcheck found problems:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `scripts/stop-services` (run by every challenge's setup, and the pages' "address already in
/// use" hint) stops the workshop's programs of its target directory and nothing else, and
/// names what else holds a workshop port. Stand-ins (copies of `sleep`) in a target directory
/// of the test's own keep it away from other tests' programs.
#[test]
fn stop_services_stops_the_workshops_programs_and_nothing_else() {
    let dir = testkit::TempDir::new("stop-services").unwrap();
    let debug = dir.path().join("debug");
    std::fs::create_dir_all(&debug).unwrap();
    let sleep = which("sleep");
    let start = |name: &str| {
        let path = debug.join(name);
        std::fs::copy(&sleep, &path).unwrap();
        std::process::Command::new(&path).arg("300").spawn().unwrap()
    };
    let mut services = start("module03");
    let mut solution = start("module04-solution");
    let mut other = start("module03-notes");
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();

    let output = Command::new("bash")
        .arg(workshop::paths::workspace_root().join("scripts/stop-services"))
        .env("CARGO_TARGET_DIR", dir.path())
        .env("WORKSHOP_PORTS", port.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(&format!("Stopping {}", debug.join("module03").display())), "{stdout}");
    assert!(stdout.contains("Stopped."), "{stdout}");
    assert!(stdout.contains(&format!("Port {port} is still taken")), "the test's own listener:\n{stdout}");
    assert!(services.wait().is_ok() && solution.wait().is_ok());
    assert!(other.try_wait().unwrap().is_none(), "a program that is not the workshop's keeps running");
    other.kill().unwrap();
    other.wait().unwrap();

    let again = Command::new("bash")
        .arg(workshop::paths::workspace_root().join("scripts/stop-services"))
        .env("CARGO_TARGET_DIR", dir.path())
        .env("WORKSHOP_PORTS", "")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&again.stdout), "No workshop program was running.\n");
}

fn which(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file()).expect("on PATH")
}
