//! Every shell script of the workshop passes `shellcheck` (Debian package `shellcheck`;
//! `.ci/run` installs it): scripts/, the Instruqt track's lifecycle scripts, and the modules'
//! start_services.sh. The lab's and the learner's scripts run where a tool they use is
//! missing, and say so.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use testkit::TempDir;

use crate::stand_ins::{path_without, text, write_script};

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
    let dir = TempDir::new("stop-services").unwrap();
    let debug = dir.path().join("debug");
    let mut services = StandIn::start(dir.path(), "module03");
    let mut solution = StandIn::start(dir.path(), "module04-solution");
    let mut other = StandIn::start(dir.path(), "module03-notes");
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
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
    assert!(services.0.wait().is_ok() && solution.0.wait().is_ok());
    assert!(other.0.try_wait().unwrap().is_none(), "a program that is not the workshop's keeps running");

    let again = Command::new("bash")
        .arg(workshop::paths::workspace_root().join("scripts/stop-services"))
        .env("CARGO_TARGET_DIR", dir.path())
        .env("WORKSHOP_PORTS", "")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&again.stdout), "No workshop program was running.\n");
}

/// A stand-in for a workshop program: a copy of `sleep` named as one, in `target`/debug, running
/// (killed when dropped, if nothing stopped it).
struct StandIn(Child);

impl StandIn {
    fn start(target: &Path, name: &str) -> Self {
        let path = target.join("debug").join(name);
        if !path.exists() {
            std::fs::create_dir_all(target.join("debug")).unwrap();
            std::fs::copy(which("sleep"), &path).unwrap();
        }
        Self(Command::new(&path).arg("300").spawn().unwrap())
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What tells who holds a port: the lab uses them where they are, and needs none of them.
const PORT_TOOLS: &[&str] = &["ss", "lsof", "fuser"];

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Ends well, or says why: on stderr, or in a check's `FAIL: ` line.
fn assert_says_why(what: &str, output: &Output) {
    let says = !String::from_utf8_lossy(&output.stderr).trim().is_empty()
        || String::from_utf8_lossy(&output.stdout).lines().any(|line| line.starts_with("FAIL: "));
    assert!(
        output.status.success() || says,
        "{what} ended with {} and did not say why:\n{}",
        output.status,
        text(output)
    );
}

/// The lab on a machine without `ss`, `lsof` or `fuser` (the play's minimal Debian root; macOS
/// has lsof alone): each challenge's setup stops what the previous module left running, says it
/// cannot tell what else holds a port, and starts the dev server; each check says what is
/// missing in its `FAIL: ` line. (Every challenge's setup once ended at once, silently: its
/// scripts/stop-services ran `ss` with the error sent to /dev/null.)
#[test]
fn challenge_scripts_without_ss_lsof_or_fuser_say_what_they_cannot_tell() {
    let dir = TempDir::new("challenges-without-ss").unwrap();
    let root = workshop::paths::workspace_root();
    // WORKSHOP_DIR: the workshop's own scripts, linked, but for a stand-in dev server that says
    // what it was asked (the real one would start a Temporal server).
    let scripts = dir.path().join("workshop/scripts");
    std::fs::create_dir_all(&scripts).unwrap();
    for name in ["challenge-setup", "stop-services", "lib", "lab", "background-build"] {
        std::os::unix::fs::symlink(root.join("scripts").join(name), scripts.join(name)).unwrap();
    }
    write_script(&scripts.join("dev-server"), "#!/bin/bash\necho \"dev-server $*\"\n");
    let target = dir.path().join("target");
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    // The checks run the lab's binary against servers that are not there.
    let nowhere = format!("127.0.0.1:{}", closed_port());
    let env = [
        ("PATH", path_without(&dir.path().join("path"), PORT_TOOLS, &[])),
        ("WORKSHOP_DIR", dir.path().join("workshop").display().to_string()),
        ("LAB_ENV_FILE", dir.path().join("no-env-file").display().to_string()),
        ("CARGO_TARGET_DIR", target.display().to_string()),
        ("WORKSHOP_PORTS", port.clone()),
        ("LAB_BINARY", env!("CARGO_BIN_EXE_lab").to_string()),
        ("TEMPORAL_ADDRESS", nowhere.clone()),
        ("ACCOUNT_API_URL", format!("http://{nowhere}")),
        ("TRANSFER_UI_URL", format!("http://{nowhere}")),
    ];
    let mut challenges: Vec<_> = std::fs::read_dir(root.join("instruqt"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("setup-workshop-host").is_file() && path.join("check-workshop-host").is_file())
        .collect();
    challenges.sort();
    assert_eq!(challenges.len(), 4, "{challenges:?}");
    for challenge in challenges {
        let name = challenge.file_name().unwrap().to_string_lossy().to_string();
        let module = format!("module{}", &name[..2]);
        let mut left_running = StandIn::start(&target, &module);
        let setup = Command::new(challenge.join("setup-workshop-host")).envs(env.clone()).output().unwrap();
        let said = text(&setup);
        assert_says_why(&format!("{name}'s setup"), &setup);
        assert!(setup.status.success() && !said.contains("failed"), "{name}'s setup:\n{said}");
        let stopping = format!("Stopping {}", target.join("debug").join(&module).display());
        assert!(said.contains(&stopping), "{name}'s setup stops what the previous module left running:\n{said}");
        assert!(left_running.0.wait().is_ok());
        assert!(said.contains(&format!("Port {port} is still taken, and none of ss, lsof or fuser")), "{said}");
        assert!(said.contains("dev-server start --ip"), "{name}'s setup starts the dev server:\n{said}");

        let check = Command::new(challenge.join("check-workshop-host")).envs(env.clone()).output().unwrap();
        assert_says_why(&format!("{name}'s check"), &check);
    }
}

/// The scripts a learner is told to run, on a machine without `ss`, `lsof` or `fuser`; and
/// scripts/stop-services also without /proc (macOS; played by pointing STOP_SERVICES_PROC at an
/// empty folder), with ps and then without it. Each ends well or says what is missing.
#[test]
fn learner_scripts_without_ss_lsof_fuser_or_proc_say_what_is_missing() {
    let dir = TempDir::new("learner-without-ss").unwrap();
    let path = path_without(&dir.path().join("path"), PORT_TOOLS, &[]);
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let free = closed_port().to_string();
    let nowhere = format!("127.0.0.1:{free}");
    // Without the variables cargo sets for this test: `dev-server` and `check` run cargo, and
    // with them ring's build script would run again and all above it be rebuilt (testkit::script).
    let script = |name: &str, args: &[&str], env: &[(&str, &str)], path: &str| {
        testkit::script(name).args(args).env("PATH", path).envs(env.iter().copied()).output()
    };
    let run = |name: &str, args: &[&str], env: &[(&str, &str)], path: &str| {
        let output = script(name, args, env, path).unwrap();
        assert_says_why(format!("scripts/{name} {}", args.join(" ")).trim_end(), &output);
        (output.status.code(), text(&output))
    };

    let target = dir.path().join("target").display().to_string();
    let no_proc = dir.path().join("no-proc");
    std::fs::create_dir_all(&no_proc).unwrap();
    let no_proc = no_proc.display().to_string();
    let stop_env = [("CARGO_TARGET_DIR", target.as_str()), ("WORKSHOP_PORTS", port.as_str())];
    let without_proc = [stop_env[0], stop_env[1], ("STOP_SERVICES_PROC", no_proc.as_str())];
    for (how, env) in [("with /proc", &stop_env[..]), ("without /proc, with ps", &without_proc[..])] {
        let mut program = StandIn::start(dir.path().join("target").as_path(), "module02");
        let (code, said) = run("stop-services", &[], env, &path);
        assert_eq!(code, Some(0), "stop-services {how}:\n{said}");
        assert!(said.contains(&format!("Stopping {target}/debug/module02 300")), "stop-services {how}:\n{said}");
        assert!(program.0.wait().is_ok());
        assert!(said.contains(&format!("Port {port} is still taken, and none of ss, lsof or fuser")), "{said}");
    }
    let path_without_ps = path_without(&dir.path().join("path-without-ps"), &["ss", "lsof", "fuser", "ps"], &[]);
    let (code, said) = run("stop-services", &[], &without_proc, &path_without_ps);
    assert_eq!(code, Some(0), "stop-services without /proc or ps:\n{said}");
    assert!(said.contains("Cannot tell which workshop programs run") && said.contains("ps"), "{said}");

    let (code, said) = run("free-port", &[&port], &[], &path);
    assert!(code == Some(1) && said.contains("none of ss, lsof or fuser"), "free-port on a taken port:\n{said}");
    let (code, said) = run("free-port", &[&free], &[], &path);
    assert!(code == Some(0) && said.contains("it is free"), "free-port on a free port:\n{said}");

    // `status` exits 3 when the server is not running, saying so on stdout.
    let status = script("dev-server", &["status", "--port", &free], &[], &path).unwrap();
    let (code, said) = (status.status.code(), text(&status));
    assert!(matches!(code, Some(0 | 3)) && !said.trim().is_empty(), "dev-server status: {code:?}\n{said}");
    let no_env = dir.path().join("no-env-file").display().to_string();
    let check_env = [("TEMPORAL_ADDRESS", nowhere.as_str()), ("LAB_ENV_FILE", no_env.as_str())];
    let (code, said) = run("check", &["module01"], &check_env, &path);
    assert!(code != Some(0) && said.contains("FAIL: "), "check with no Temporal server: {code:?}\n{said}");
    let (code, said) = run("solution-diff", &["module04"], &[], &path);
    assert_eq!(code, Some(0), "solution-diff:\n{said}");
}

fn which(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file()).expect("on PATH")
}
