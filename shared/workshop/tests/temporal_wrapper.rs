//! `scripts/temporal` runs the `temporal` binary of this crate: the CLI found (or installed)
//! the way the workshop's programs find it, with the learner's arguments.

use std::process::Command;

const WRAPPER: &str = env!("CARGO_BIN_EXE_temporal");

#[test]
fn runs_the_cli_the_programs_use_with_the_arguments_given() {
    let cli = workshop::cli_tool::find_or_install().expect("the Temporal CLI");
    let direct = Command::new(&cli).arg("--version").output().unwrap();
    // scripts/ first on PATH: the wrapper must not find scripts/temporal and run itself.
    let scripts = workshop::paths::workspace_root().join("scripts");
    let path = format!("{}:{}", scripts.display(), std::env::var("PATH").unwrap_or_default());
    let wrapped = Command::new(WRAPPER).arg("--version").env("PATH", path).env_remove("TEMPORAL_CLI").output().unwrap();
    assert!(wrapped.status.success(), "{}", String::from_utf8_lossy(&wrapped.stderr));
    let version = String::from_utf8_lossy(&wrapped.stdout);
    assert!(version.starts_with("temporal version"), "{version}");
    assert_eq!(wrapped.stdout, direct.stdout, "the same CLI as the programs'");

    let refused = Command::new(WRAPPER).args(["workflow", "no-such-command"]).output().unwrap();
    assert!(!refused.status.success(), "the CLI's exit status comes through");
}

#[test]
fn the_script_runs_this_binary() {
    let script = std::fs::read_to_string(workshop::paths::workspace_root().join("scripts/temporal")).unwrap();
    assert!(script.contains("-p workshop --bin temporal -- \"$@\""), "{script}");
}
