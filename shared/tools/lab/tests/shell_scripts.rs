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
