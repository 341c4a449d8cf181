//! The Instruqt track played as Instruqt plays it, on this machine: the track's setup script
//! (`instruqt/track_scripts/setup-workshop-host`, with the host's bootstrap marker appearing
//! late), then for each challenge its `setup-`, `check-`, `solve-` scripts, with the learner's
//! steps in between. Instruqt's part is played by:
//!
//! - a clean environment, as config.yml gives one: a private HOME (so `~/.bashrc` is the
//!   test's), a private environment file, Temporal on free loopback ports;
//! - a `code-server` on PATH that answers and serves nothing, and in the sandbox's copy of the
//!   workshop a `scripts/code-server-service` that records how it was started (the real one's
//!   unit is pinned by `code_server_is_an_https_systemd_unit`);
//! - a `fail-message` on PATH that records what it is given and prints `FAIL: ` as Instruqt's does;
//! - a `cargo` on PATH that records every call. During setup it "builds" a package by linking the
//!   binary this test run built (a real cold build of the copy takes many minutes) and runs
//!   `cargo run --bin` from there; while a check runs it refuses to do anything, so a check
//!   that would compile fails the test. The real cargo is not on PATH at all.
//!
//! Needs the workspace's binaries: `cargo build --workspace --bins` (or `./scripts/test`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use testkit::pages::Page;
use testkit::{Program, TempDir, eventually, free_port};

use crate::common::{copy_tree, module01_with_a_worker_stopped_half_way, post_transfer, wait_until_completed};

/// One sandbox at a time: the solves stop the module programs they find running.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Sandbox {
    dir: TempDir,
    env: Vec<(String, String)>,
    temporal_address: String,
}

impl Sandbox {
    fn new() -> anyhow::Result<Self> {
        let dir = TempDir::new("instruqt-play")?;
        let root = workshop::paths::workspace_root();
        let workshop_dir = dir.path().join("workshop");
        for part in ["Cargo.toml", "scripts", "exercises", "solutions"] {
            copy_tree(&root.join(part), &workshop_dir.join(part))?;
        }
        let code_server_calls = dir.path().join("code-server-service-calls").display().to_string();
        write_script(
            &workshop_dir.join("scripts/code-server-service"),
            &format!("#!/bin/bash\necho \"CODE_SERVER_PORT=${{CODE_SERVER_PORT-}} $*\" >>'{code_server_calls}'\n"),
        )?;
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin)?;
        write_script(&bin.join("cargo"), &cargo_shim(dir.path())?)?;
        write_script(&bin.join("fail-message"), &fail_message_shim(dir.path()))?;
        write_script(&bin.join("code-server"), "#!/bin/bash\necho 4.0.0-stand-in\n")?;
        let cli = workshop::cli_tool::find_or_install()?;
        let path = format!("{}:{}:/usr/local/bin:/usr/bin:/bin", bin.display(), cli.parent().unwrap().display());
        let (port, ui_port) = (free_port()?, free_port()?);
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home)?;
        let at = |name: &str| dir.path().join(name).display().to_string();
        let env = [
            ("PATH", path),
            ("HOME", home.display().to_string()),
            ("WORKSHOP_DIR", workshop_dir.display().to_string()),
            ("CARGO_TARGET_DIR", at("target")),
            ("WORKSHOP_STATE_DIR", at("temporal")),
            ("LAB_ENV_FILE", at("failure-proof-rust.sh")),
            ("INSTRUQT_BOOTSTRAP_MARKER", at("bootstrap/host-bootstrap-completed")),
            ("BOOTSTRAP_WAIT_SECS", "60".into()),
            ("TEMPORAL_IP", "127.0.0.1".into()),
            ("TEMPORAL_PORT", port.to_string()),
            ("TEMPORAL_UI_PORT", ui_port.to_string()),
            ("ACCOUNT_API_URL", format!("http://127.0.0.1:{}", free_port()?)),
            ("TRANSFER_UI_URL", format!("http://127.0.0.1:{}", free_port()?)),
            ("LAB_LISTEN_HOST", "127.0.0.1".into()),
            ("LAB_TIMEOUT_SECS", "300".into()),
        ];
        let env = env.into_iter().map(|(name, value)| (name.to_string(), value)).collect();
        Ok(Self { dir, env, temporal_address: format!("127.0.0.1:{port}") })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn var(&self, name: &str) -> &str {
        &self.env.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// Runs one of the track's scripts (through bash, as Instruqt runs it) in the sandbox's
    /// environment, plus `extra`.
    async fn script(&self, script: &str, extra: &[(&str, &str)]) -> anyhow::Result<Output> {
        let path = workshop::paths::workspace_root().join("instruqt").join(script);
        let mut command = tokio::process::Command::new("bash");
        command.arg(&path).env_clear().envs(self.env.iter().map(|(n, v)| (n, v)));
        command.envs(extra.iter().copied()).current_dir(self.dir.path()).kill_on_drop(true);
        Ok(command.output().await?)
    }

    async fn setup(&self, script: &str) -> anyhow::Result<()> {
        let output = self.script(script, &[]).await?;
        assert!(output.status.success(), "{script} failed:\n{}", text(&output));
        Ok(())
    }

    /// Runs a challenge's check with cargo refusing to run; returns whether it passed, its
    /// stdout, and what `fail-message` was given.
    async fn check(&self, challenge: &str) -> anyhow::Result<(bool, String, Option<String>)> {
        let no_cargo = self.path("no-cargo");
        std::fs::write(&no_cargo, "")?;
        let before = std::fs::read_to_string(self.path("fail-messages")).unwrap_or_default();
        let started = Instant::now();
        let output = self.script(&format!("{challenge}/check-workshop-host"), &[]).await?;
        let took = started.elapsed();
        std::fs::remove_file(&no_cargo)?;
        // Instruqt stops a check after a minute: what keeps it short is that it never runs
        // cargo (asserted next); the time is printed for a look.
        println!("{challenge}: check took {took:?}");
        let calls = std::fs::read_to_string(self.path("cargo-calls")).unwrap_or_default();
        assert!(!calls.contains("DURING A CHECK"), "{challenge}: the check ran cargo:\n{calls}");
        let after = std::fs::read_to_string(self.path("fail-messages")).unwrap_or_default();
        let given = after.strip_prefix(before.as_str()).filter(|new| !new.is_empty()).map(str::to_string);
        Ok((output.status.success(), String::from_utf8_lossy(&output.stdout).to_string(), given))
    }

    /// The check fails, and says `missing` in a `FAIL: ` line on stdout, given to fail-message.
    async fn check_fails(&self, challenge: &str, missing: &str) -> anyhow::Result<()> {
        let (passed, stdout, given) = self.check(challenge).await?;
        assert!(!passed, "{challenge}: the check must fail here:\n{stdout}");
        let line = stdout.lines().find(|line| line.starts_with("FAIL: "));
        let line = line.unwrap_or_else(|| panic!("{challenge}: no FAIL: line on stdout:\n{stdout}"));
        let given = given.unwrap_or_else(|| panic!("{challenge}: fail-message was not used:\n{stdout}"));
        assert!(given.contains(missing), "{challenge}: fail-message should say {missing:?}:\n{given}");
        assert!(given.starts_with(&line["FAIL: ".len()..]), "{challenge}: the FAIL: line is fail-message's:\n{stdout}");
        assert_eq!(stdout.matches("FAIL: ").count(), 1, "{challenge}: one message:\n{stdout}");
        Ok(())
    }

    async fn check_passes(&self, challenge: &str) -> anyhow::Result<()> {
        let (passed, stdout, given) = self.check(challenge).await?;
        assert!(passed && given.is_none(), "{challenge}: the check must pass here:\n{stdout}\n{given:?}");
        Ok(())
    }

    /// The Skip button: the challenge's solve, with the modules' binaries as a rebuild of the
    /// solved source would make them (`LAB_BIN_DIR`).
    async fn skip(&self, challenge: &str) -> anyhow::Result<()> {
        let bins = self.path("solved-bin");
        if !bins.exists() {
            std::fs::create_dir_all(&bins)?;
            for (name, package) in [
                ("module01", "module01"),
                ("module02", "module02-solution"),
                ("module03", "module03"),
                ("module04", "module04-solution"),
            ] {
                std::os::unix::fs::symlink(testkit::workspace_binary(package)?, bins.join(name))?;
            }
        }
        let bins = bins.display().to_string();
        let output = self.script(&format!("{challenge}/solve-workshop-host"), &[("LAB_BIN_DIR", &bins)]).await?;
        assert!(output.status.success(), "{challenge}: the solve failed:\n{}", text(&output));
        Ok(())
    }

    /// Environment for a learner's program in a terminal of the lab: what a terminal's shell
    /// has after reading `~/.bashrc`, as the track's setup left it.
    fn learner_env(&self) -> anyhow::Result<Vec<(String, String)>> {
        let names = ["TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "ALLOWED_HOSTS"];
        let values: Vec<String> = names.iter().map(|name| format!("\"${name}\"")).collect();
        let script = format!(". \"$HOME/.bashrc\" && printf '%s\\0' {}", values.join(" "));
        let output = std::process::Command::new("bash")
            .args(["-c", &script])
            .env_clear()
            .envs(self.env.iter().map(|(n, v)| (n, v)))
            .output()?;
        anyhow::ensure!(output.status.success(), "a terminal's shell: {}", text(&output));
        let values = String::from_utf8(output.stdout)?;
        Ok(names.iter().map(|name| name.to_string()).zip(values.split('\0').map(str::to_string)).collect())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // The dev server lab-setup started lives in a session of its own.
        if let Ok(pid) = std::fs::read_to_string(self.path("temporal/dev-server.pid")) {
            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn write_script(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// The test's cargo (see the top of this file).
fn cargo_shim(dir: &Path) -> anyhow::Result<String> {
    // The real cargo's answer, taken now: the sandbox's HOME has no toolchain.
    let real = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let version = std::process::Command::new(real).arg("--version").output()?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let prebuilt = testkit::target_dir().join("debug");
    let (calls, no_cargo) = (dir.join("cargo-calls").display().to_string(), dir.join("no-cargo").display().to_string());
    Ok(format!(
        r#"#!/bin/bash
set -euo pipefail
if [ -e '{no_cargo}' ]; then
  echo "cargo $* DURING A CHECK" >>'{calls}'
  echo "cargo $*: a check must never compile" >&2
  exit 101
fi
echo "cargo $*" >>'{calls}'
target="${{CARGO_TARGET_DIR:?}}/debug"
case "${{1:-}}" in
  --version) echo '{version}' ;;
  build)
    package="" previous=""
    for argument in "$@"; do [ "$previous" = -p ] && package="$argument"; previous="$argument"; done
    mkdir -p "$target"
    ln -sfn '{prebuilt}'/"$package" "$target/$package" ;;
  run)
    binary="" previous=""
    while [ $# -gt 0 ]; do
      argument="$1"; shift
      [ "$argument" = -- ] && break
      case "$previous" in -p | --bin) binary="$argument" ;; esac
      previous="$argument"
    done
    exec '{prebuilt}'/"$binary" "$@" ;;
  *) echo "the test's cargo does not do: $*" >&2; exit 2 ;;
esac
"#,
        prebuilt = prebuilt.display(),
    ))
}

/// Instruqt's helper prints `FAIL: MESSAGE` (and may exit 1); this one also keeps each MESSAGE.
fn fail_message_shim(dir: &Path) -> String {
    let record = dir.join("fail-messages").display().to_string();
    format!("#!/bin/bash\nprintf '%s\\n' \"$*\" >>'{record}'\necho \"FAIL: $*\"\nexit 1\n")
}

/// The track's setup with the host still bootstrapping: it must wait, touching nothing, until
/// the marker appears; then it installs the lab (lab-setup --lab).
async fn track_setup(sandbox: &Sandbox, marker_after: Duration) -> anyhow::Result<()> {
    let marker = PathBuf::from(sandbox.var("INSTRUQT_BOOTSTRAP_MARKER"));
    let touched = [sandbox.path("home/.bashrc"), sandbox.path("failure-proof-rust.sh"), sandbox.path("target")];
    let bootstrap = {
        let (marker, touched) = (marker.clone(), touched.clone());
        tokio::spawn(async move {
            tokio::time::sleep(marker_after).await;
            let early: Vec<_> = touched.iter().filter(|path| path.exists()).cloned().collect();
            std::fs::create_dir_all(marker.parent().unwrap()).unwrap();
            std::fs::write(&marker, "").unwrap();
            early
        })
    };
    let started = Instant::now();
    let output = sandbox.script("track_scripts/setup-workshop-host", &[]).await?;
    println!("track setup took {:?}", started.elapsed());
    let early = bootstrap.await?;
    assert!(early.is_empty(), "the track setup changed {early:?} before the host's bootstrap finished");
    assert!(output.status.success(), "the track setup failed:\n{}", text(&output));
    let said = text(&output);
    if !marker_after.is_zero() {
        assert!(said.contains("Waiting for Instruqt to finish preparing the VM"), "{said}");
        let waited = said.split("(waited ").nth(1).and_then(|rest| rest.split('s').next()?.parse::<u64>().ok());
        assert!(waited.is_some_and(|secs| secs > 0), "the setup says it waited for the marker: {said}");
    }
    // The lab's terminals read its environment: the dev server the setup started.
    let env = sandbox.learner_env()?;
    let address = env.iter().find(|(name, _)| name == "TEMPORAL_ADDRESS").map(|(_, value)| value.as_str());
    assert_eq!(address, Some(sandbox.temporal_address.as_str()), "a terminal's TEMPORAL_ADDRESS: {env:?}");
    // code-server is started on the port of the pages' VS Code tab, which Instruqt's proxy
    // reaches over HTTPS (a port whose number contains 443).
    let started = std::fs::read_to_string(sandbox.path("code-server-service-calls"))?;
    let https_tabs = pages_https_tab_ports();
    assert!(!https_tabs.is_empty(), "the pages have a VS Code tab");
    let workshop_dir = sandbox.var("WORKSHOP_DIR");
    for port in https_tabs {
        assert_eq!(started, format!("CODE_SERVER_PORT={port} {workshop_dir}\n"), "code-server for the tab on {port}");
    }
    // The background build (the checks first, then the later modules) ends before any check,
    // so it is no check's cargo; it built the checks as they are run.
    let done = sandbox.path("workshop/.lab/done");
    eventually("the background build to finish", || async { done.exists().then_some(()) }).await?;
    let calls = std::fs::read_to_string(sandbox.path("cargo-calls"))?;
    assert!(calls.lines().any(|call| call == "cargo build -p lab"), "{calls}");
    assert!(sandbox.path("target/debug/lab").exists(), "lab-setup built no target/debug/lab");
    Ok(())
}

#[tokio::test]
async fn a_learner_plays_the_track_as_instruqt_runs_it() -> anyhow::Result<()> {
    let _one_at_a_time = SERIAL.lock().await;
    let sandbox = Sandbox::new()?;
    track_setup(&sandbox, Duration::from_secs(3)).await?;
    let env = sandbox.learner_env()?;

    // Module 1: a workflow whose worker is stopped half-way and started again.
    sandbox.setup("01-crash-proof/setup-workshop-host").await?;
    sandbox.check_fails("01-crash-proof", "There is no print-numbers-workflow yet").await?;
    // Without Instruqt's helper on PATH the same line goes straight to stdout.
    let plain_path = sandbox.var("PATH").replacen(&format!("{}:", sandbox.path("bin").display()), "", 1);
    let plain = sandbox.script("01-crash-proof/check-workshop-host", &[("PATH", &plain_path)]).await?;
    let stdout = String::from_utf8_lossy(&plain.stdout);
    assert!(!plain.status.success() && stdout.starts_with("FAIL: There is no print-numbers-workflow yet"), "{stdout}");
    let module01 = testkit::workspace_binary("module01")?;
    module01_with_a_worker_stopped_half_way(&module01, &env).await?;
    sandbox.check_passes("01-crash-proof").await?;

    // Module 2: the check names both things missing; here the learner skips it.
    sandbox.setup("02-unreliable-api/setup-workshop-host").await?;
    sandbox.check_fails("02-unreliable-api", "has completed yet").await?;
    sandbox.skip("02-unreliable-api").await?;
    sandbox.check_passes("02-unreliable-api").await?;

    // Module 3: the daily batch, sent through the Money Transfer UI.
    sandbox.setup("03-money-transfer-ui/setup-workshop-host").await?;
    sandbox.check_fails("03-money-transfer-ui", "account_A → account_F").await?;
    let (api_port, ui_port) = (free_port()?.to_string(), free_port()?.to_string());
    let db = sandbox.path("bank.db").display().to_string();
    let args = ["--api-port", &api_port, "--ui-port", &ui_port, "--db", &db];
    // Run from the sandbox's own target directory, as `cargo run` runs it in the lab: the
    // next challenge's setup finds it there, and stops it.
    let module03 = sandbox.path("target/debug/module03");
    // The background build's stand-in cargo may have left a symlink to the prebuilt binary
    // there: copying through it would truncate the prebuilt binary itself.
    let _ = std::fs::remove_file(&module03);
    std::fs::copy(testkit::workspace_binary("module03")?, &module03)?;
    let mut services = Program::spawn(&module03.display().to_string(), &args, &env)?;
    services.wait_for(workshop::said::UI_READY).await?;
    the_ui_serves_its_instruqt_tab(&ui_port).await?;
    let ui = format!("http://localhost:{ui_port}");
    let mut ids = Vec::new();
    for (from, to) in contract::DAILY_BATCH {
        ids.push(post_transfer(&ui, from, to, 100).await?);
    }
    for id in &ids {
        wait_until_completed(&ui, id).await?;
    }
    sandbox.check_passes("03-money-transfer-ui").await?;

    // Module 4: its setup stops module 3's services, which the learner left running; Jerry's
    // bugs are named; skipped here.
    sandbox.setup("04-jerrys-bugs/setup-workshop-host").await?;
    let stopped = tokio::time::timeout(Duration::from_secs(15), services.wait_exit()).await;
    assert!(stopped.is_ok(), "challenge 4's setup left module 3's services running:\n{}", services.transcript());
    for port in [&api_port, &ui_port] {
        assert!(std::net::TcpListener::bind(format!("127.0.0.1:{port}")).is_ok(), "port {port} is still taken");
    }
    sandbox.check_fails("04-jerrys-bugs", "still has Jerry's workflow bug").await?;
    sandbox.skip("04-jerrys-bugs").await?;
    sandbox.check_passes("04-jerrys-bugs").await
}

/// Instruqt's service tab reaches the Money Transfer UI on `port` through a proxy that passes
/// on its own host name, `<hostname>-<port>-<participant id>.env.play.instruqt.com`. Started
/// with a lab terminal's environment, the UI serves the tab (its page and its posts) and still
/// refuses other names.
async fn the_ui_serves_its_instruqt_tab(port: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().no_proxy().build()?;
    let ui = format!("http://127.0.0.1:{port}");
    let tab_host = format!("workshop-host-{port}-a1b2c3d4e5f6.env.play.instruqt.com");
    let page = http.get(format!("{ui}/")).header("host", &tab_host).send().await?;
    assert_eq!(page.status(), 200, "the tab shows the page");
    assert!(page.text().await?.contains("app.js"), "the page itself");
    // The bank is fresh: resetting it changes nothing the lesson sees.
    let reset = http
        .post(format!("{ui}/api/reset"))
        .header("host", &tab_host)
        .header("origin", format!("https://{tab_host}"))
        .json(&serde_json::json!({}))
        .send()
        .await?;
    assert_eq!(reset.status(), 200, "the page's posts go through: {}", reset.text().await?);
    let elsewhere = http.get(format!("{ui}/")).header("host", "evil.example").send().await?;
    assert_eq!(elsewhere.status(), 403, "other names are still refused");
    Ok(())
}

#[tokio::test]
async fn a_learner_skips_every_challenge_from_a_fresh_lab() -> anyhow::Result<()> {
    let _one_at_a_time = SERIAL.lock().await;
    let sandbox = Sandbox::new()?;
    track_setup(&sandbox, Duration::ZERO).await?;
    for challenge in ["01-crash-proof", "02-unreliable-api", "03-money-transfer-ui", "04-jerrys-bugs"] {
        sandbox.setup(&format!("{challenge}/setup-workshop-host")).await?;
        sandbox.skip(challenge).await?;
        sandbox.check_passes(challenge).await?;
    }
    Ok(())
}

#[test]
fn the_track_setup_gives_up_on_a_bootstrap_that_never_ends() {
    let dir = TempDir::new("instruqt-bootstrap").unwrap();
    let script = workshop::paths::workspace_root().join("instruqt/track_scripts/setup-workshop-host");
    let output = std::process::Command::new("bash")
        .arg(script)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir.path())
        .env("INSTRUQT_BOOTSTRAP_MARKER", dir.path().join("never"))
        .env("BOOTSTRAP_WAIT_SECS", "2")
        .env("WORKSHOP_DIR", dir.path().join("workshop"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{said}");
    assert!(said.contains("did not finish within 2s") && said.contains("nothing was changed"), "{said}");
    assert!(!dir.path().join("workshop").exists() && !dir.path().join(".bashrc").exists());
}

/// code-server as the lab runs it, with systemd and code-server played by recording stand-ins
/// (nothing answers, so the script ends saying so): a unit serving HTTPS with a self-signed
/// certificate on the port, no password, no workspace-trust question, enabled and started; cargo
/// on its PATH (a unit gets no login shell's); the workshop's editor settings in the user's, so
/// rust-analyzer builds into a target directory of its own and never holds the learner's build lock.
#[test]
fn code_server_is_an_https_systemd_unit() {
    let dir = TempDir::new("code-server-unit").unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = dir.path().join("systemctl-calls").display().to_string();
    write_script(&bin.join("systemctl"), &format!("#!/bin/bash\necho \"$*\" >>'{calls}'\n")).unwrap();
    write_script(&bin.join("code-server"), "#!/bin/bash\nexit 0\n").unwrap();
    std::fs::create_dir_all(dir.path().join("systemd-running")).unwrap();
    let port = free_port().unwrap().to_string();
    let root = workshop::paths::workspace_root();
    let folder = dir.path().join("workshop");
    copy_tree(&root.join(".vscode"), &folder.join(".vscode")).unwrap();
    let user_dir = dir.path().join("home/.local/share/code-server/User");
    std::fs::create_dir_all(&user_dir).unwrap();
    std::fs::write(user_dir.join("settings.json"), r#"{"editor.fontSize": 15}"#).unwrap();
    let script = root.join("scripts/code-server-service");
    let output = std::process::Command::new("bash")
        .arg(script)
        .arg(&folder)
        .env("HOME", dir.path().join("home"))
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("CODE_SERVER_PORT", &port)
        .env("CODE_SERVER_UNIT_DIR", dir.path().join("units"))
        .env("SYSTEMD_RUN_DIR", dir.path().join("systemd-running"))
        .env("CODE_SERVER_WAIT_SECS", "1")
        .output()
        .unwrap();
    let said = text(&output);
    assert!(
        !output.status.success() && said.contains(&format!("does not answer on https://127.0.0.1:{port}")),
        "{said}"
    );
    let unit = std::fs::read_to_string(dir.path().join("units/code-server.service")).unwrap();
    let exec = unit.lines().find(|line| line.starts_with("ExecStart=")).unwrap();
    for expected in [&format!("--bind-addr 0.0.0.0:{port}"), "--cert", "--auth none", "--disable-workspace-trust"] {
        assert!(exec.contains(expected), "the unit runs code-server with {expected}: {exec}");
    }
    assert!(unit.contains("Restart=always") && unit.contains("WantedBy=multi-user.target"), "{unit}");
    let path = unit.lines().find_map(|line| line.strip_prefix("Environment=PATH=")).expect("the unit sets PATH");
    let cargo_bin = dir.path().join("home/.cargo/bin").display().to_string();
    assert_eq!(path.split(':').next(), Some(cargo_bin.as_str()), "rustup's cargo comes first: {path}");
    let settings = std::fs::read_to_string(user_dir.join("settings.json")).unwrap();
    let settings: serde_json::Value = serde_json::from_str(&settings).unwrap();
    assert_eq!(settings["rust-analyzer.cargo.targetDir"], true, "target/rust-analyzer, not target/: {settings}");
    assert_eq!(settings["editor.fontSize"], 15, "the user's own settings are kept: {settings}");
    let calls = std::fs::read_to_string(dir.path().join("systemctl-calls")).unwrap();
    assert_eq!(calls, "daemon-reload\nenable --now code-server.service\n");
}

/// What Instruqt reads from the track's files: the Skip button runs the solves, and every tab's
/// path starts with `/`. (Instruqt reaches a service on a port containing 443 over HTTPS: the
/// track's setup starts code-server there, see `track_setup`.)
#[test]
fn the_track_files_meet_instruqts_rules() {
    let root = workshop::paths::workspace_root().join("instruqt");
    let track = std::fs::read_to_string(root.join("track.yml")).unwrap();
    assert!(track.lines().any(|line| line == "skipping_enabled: true"), "track.yml enables Skip");
    let mut tabs = 0;
    for challenge in ["01-crash-proof", "02-unreliable-api", "03-money-transfer-ui", "04-jerrys-bugs"] {
        let page = std::fs::read_to_string(root.join(challenge).join("assignment.md")).unwrap();
        for line in page.lines().map(str::trim).filter(|line| line.starts_with("path:")) {
            tabs += 1;
            assert!(line["path:".len()..].trim().starts_with('/'), "{challenge}: a tab path starts with /: {line}");
        }
    }
    assert!(tabs >= 8, "found {tabs} tab paths");
}

/// The ports of the pages' service tabs that Instruqt's proxy reaches over HTTPS: those whose
/// number contains 443.
fn pages_https_tab_ports() -> BTreeSet<String> {
    let pages = Page::all();
    let ports =
        pages.iter().flat_map(|page| page.front_matter.lines().filter_map(|line| line.trim().strip_prefix("port:")));
    ports.map(|port| port.trim().to_string()).filter(|port| port.contains("443")).collect()
}
