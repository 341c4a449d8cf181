//! The lab's checks and solves against real servers and the learner's real programs: for each
//! module the check fails first, passes after the learner's steps, and a solve turns a
//! failing check into a passing one. Solves run on a temporary copy of the source folders
//! they read or change, with prebuilt binaries, so the working tree is never touched.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use temporalio_common::protos::temporal::api::enums::v1::WorkflowTaskFailedCause;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use testkit::history::{self, Event};
use testkit::{Program, TempDir, TestServer, TransferServices, eventually, free_port};

use crate::common::{copy_tree, module01_with_a_worker_stopped_half_way, post_transfer, wait_until_completed};

const LAB: &str = env!("CARGO_BIN_EXE_lab");

/// A copy of the parts of the workspace a check or solve reads or changes.
struct Workspace {
    dir: TempDir,
}

impl Workspace {
    fn copy(folders: &[&str]) -> anyhow::Result<Self> {
        let dir = TempDir::new("lab-workspace")?;
        let root = workshop::paths::workspace_root();
        for folder in ["exercises/module01", "exercises/module02", "exercises/module03", "exercises/module04"] {
            std::fs::create_dir_all(dir.path().join(folder))?;
        }
        for folder in folders {
            copy_tree(&root.join(folder), &dir.path().join(folder))?;
        }
        Ok(Self { dir })
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_default()
    }
}

/// The module binaries, built once per test run with one cargo call (one feature resolution).
fn built() -> &'static Path {
    static TARGET: OnceLock<PathBuf> = OnceLock::new();
    TARGET.get_or_init(|| {
        let root = workshop::paths::workspace_root();
        // Without this test's own CARGO_* variables (see testkit::cargo): with them, ring's
        // build script would rerun and everything above it be rebuilt.
        let mut command = testkit::cargo();
        command.args(["build", "--quiet"]);
        for package in PACKAGES {
            command.args(["-p", package]);
        }
        assert!(command.status().expect("cargo build").success(), "building the module binaries failed");
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
        target.join("debug")
    })
}

const PACKAGES: [&str; 6] = ["module01", "module02", "module02-solution", "module03", "module04", "module04-solution"];

fn binary(package: &str) -> String {
    built().join(package).display().to_string()
}

/// LAB_BIN_DIR: the module binaries as a solve runs them; modules 2 and 4 as solved.
fn bin_dir() -> anyhow::Result<TempDir> {
    let dir = TempDir::new("lab-bin")?;
    for (name, package) in [
        ("module01", "module01"),
        ("module02", "module02-solution"),
        ("module03", "module03"),
        ("module04", "module04-solution"),
    ] {
        std::os::unix::fs::symlink(binary(package), dir.path().join(name))?;
    }
    Ok(dir)
}

struct Lab {
    env: Vec<(String, String)>,
    _bins: TempDir,
}

impl Lab {
    fn new(server: &TestServer, workspace: &Workspace) -> anyhow::Result<Self> {
        let bins = bin_dir()?;
        let mut env = server.program_env();
        env.push(("WORKSHOP_DIR".into(), workspace.dir.path().display().to_string()));
        env.push(("LAB_BIN_DIR".into(), bins.path().display().to_string()));
        env.push(("ACCOUNT_API_URL".into(), format!("http://127.0.0.1:{}", free_port()?)));
        env.push(("TRANSFER_UI_URL".into(), format!("http://127.0.0.1:{}", free_port()?)));
        env.push(("LAB_TIMEOUT_SECS".into(), "300".into()));
        Ok(Self { env, _bins: bins })
    }

    /// Runs `lab ACTION MODULE`; returns whether it succeeded, and its output.
    async fn run(&self, action: &str, module: &str) -> anyhow::Result<(bool, String)> {
        let mut lab = Program::spawn(LAB, &[action, module], &self.env)?;
        let status = lab.wait_exit().await?;
        // Let the output readers catch up with the end of the process.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        Ok((status.success(), lab.transcript()))
    }

    async fn check_fails(&self, module: &str, expected: &str) -> anyhow::Result<()> {
        let (passed, output) = self.run("check", module).await?;
        assert!(!passed, "the {module} check must fail here:\n{output}");
        assert!(output.contains(expected), "the {module} check should say {expected:?}:\n{output}");
        Ok(())
    }

    async fn check_passes(&self, module: &str) -> anyhow::Result<()> {
        let (passed, output) = self.run("check", module).await?;
        assert!(passed, "the {module} check must pass here:\n{output}");
        assert!(output.contains("done"), "{output}");
        Ok(())
    }

    async fn solve(&self, module: &str) -> anyhow::Result<()> {
        let (solved, output) = self.run("solve", module).await?;
        assert!(solved, "lab solve {module} failed:\n{output}");
        assert!(output.contains("solved"), "{output}");
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Module 1

#[tokio::test]
async fn module01_check_wants_a_restarted_worker() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&[])?;
    let lab = Lab::new(&server, &workspace)?;
    let module01 = binary("module01");
    let env = server.program_env();
    lab.check_fails("module01", "no print-numbers-workflow yet").await?;

    // One uninterrupted run is not the exercise.
    let mut straight = Program::spawn(&module01, &["--delay-secs", "0"], &env)?;
    assert!(straight.wait_exit().await?.success(), "{}", straight.transcript());
    lab.check_fails("module01", "a single worker ran it").await?;

    // The learner's way: a worker, the starter, the worker killed half-way, a new worker.
    module01_with_a_worker_stopped_half_way(&module01, &env).await?;
    lab.check_passes("module01").await?;

    // The optional step 3 watched to its end, the worker never stopped: a newer run, one
    // worker. The run before it still shows the exercise done.
    let mut watched = Program::spawn(&module01, &["--delay-secs", "0"], &env)?;
    assert!(watched.wait_exit().await?.success(), "{}", watched.transcript());
    lab.check_passes("module01").await
}

#[tokio::test]
async fn module01_solve_passes_the_check() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&[])?;
    let lab = Lab::new(&server, &workspace)?;
    lab.check_fails("module01", "no print-numbers-workflow yet").await?;
    lab.solve("module01").await?;
    lab.check_passes("module01").await
}

// ---------------------------------------------------------------------------------------------
// Module 2

#[tokio::test]
async fn module02_check_wants_a_transfer_that_met_failures() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&["exercises/module02/src"])?;
    let lab = Lab::new(&server, &workspace)?;
    let module02 = binary("module02");
    lab.check_fails("module02", "has completed yet").await?;

    // The bank in Real World Mode, its hangs shortened to 1 s; then the Temporal version.
    let bank_dir = TempDir::new("lab-bank")?;
    let db = bank_dir.path().join("bank.db");
    let port = free_port()?.to_string();
    let args = [
        "account-api",
        "--real-world-mode",
        "--slow-secs",
        "1",
        "--seed",
        "7",
        "--port",
        &port,
        "--db",
        db.to_str().unwrap(),
    ];
    let mut api = Program::spawn(&module02, &args, &[])?;
    api.wait_for(workshop::said::ACCOUNT_API_READY).await?;
    let api_url = format!("http://127.0.0.1:{port}");

    // A run meets no failure at all about once in 60: run again until one has (as a learner would).
    let mut passed = false;
    for _ in 0..5 {
        let mut run = Program::spawn(&module02, &["--api-url", &api_url], &server.program_env())?;
        assert!(run.wait_exit().await?.success(), "{}", run.transcript());
        let (ok, _) = lab.run("check", "module02").await?;
        if ok {
            passed = true;
            break;
        }
    }
    assert!(passed, "no run needed a retry in five runs");
    lab.check_passes("module02").await
}

#[tokio::test]
async fn module02_solve_passes_the_check() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&["exercises/module02/src", "solutions/module02/src", "scripts/solve"])?;
    let lab = Lab::new(&server, &workspace)?;
    lab.check_fails("module02", "REAL_WORLD_MODE").await?;
    lab.solve("module02").await?;
    lab.check_passes("module02").await?;
    assert!(
        workspace.read("exercises/module02/src/account_api.rs").contains("REAL_WORLD_MODE: bool = true"),
        "the solve switches Real World Mode on in the (copied) source"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Module 3

use contract::DAILY_BATCH;

#[tokio::test]
async fn module03_check_wants_the_daily_batch() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&[])?;
    let lab = Lab::new(&server, &workspace)?;
    lab.check_fails("module03", "account_A → account_F").await?;

    let services = TransferServices::start(&binary("module03"), &server, &[]).await?;
    // Four of the five are not the batch.
    let mut ids = Vec::new();
    for (from, to) in &DAILY_BATCH[..4] {
        ids.push(post_transfer(&services.ui_url, from, to, 100).await?);
    }
    for id in &ids {
        wait_until_completed(&services.ui_url, id).await?;
    }
    lab.check_fails("module03", "account_E → account_J").await?;

    let last = post_transfer(&services.ui_url, "account_E", "account_J", 100).await?;
    wait_until_completed(&services.ui_url, &last).await?;
    lab.check_passes("module03").await
}

#[tokio::test]
async fn module03_solve_passes_the_check() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&[])?;
    let lab = Lab::new(&server, &workspace)?;
    lab.check_fails("module03", "daily batch").await?;
    lab.solve("module03").await?;
    lab.check_passes("module03").await
}

// ---------------------------------------------------------------------------------------------
// Module 4

/// Module 4's programs as the page's steps leave them: Jerry's, Jerry's hot fix (the example
/// built with this package), and the learner's fixed version.
fn jerrys() -> String {
    binary("module04")
}

fn hot_fix() -> String {
    let path = testkit::target_dir().join("debug/examples/jerrys_hot_fix");
    assert!(
        path.is_file(),
        "{} is missing: `cargo test -p module04` builds it (or `cargo build -p module04 --examples`)",
        path.display()
    );
    path.display().to_string()
}

fn fixed() -> String {
    binary("module04-solution")
}

/// Jerry's module 4 running, with one transfer stuck on his workflow bug.
async fn stuck_transfer(server: &TestServer) -> anyhow::Result<(TransferServices, String)> {
    let services = TransferServices::start(&jerrys(), server, &[]).await?;
    let id = post_transfer(&services.ui_url, "account_A", "account_B", 25).await?;
    let client = server.client();
    eventually("the workflow task to fail on Jerry's bug", || async {
        let events = history::events(&client, &id).await.ok()?;
        (history::count(&events, Event::WorkflowTaskFailed) > 0).then_some(())
    })
    .await?;
    Ok((services, id))
}

/// Jerry's hot fix deployed over a stuck transfer: at its next attempt it fails for good.
async fn failed_by_the_hot_fix(server: &TestServer) -> anyhow::Result<String> {
    let (jerrys, id) = stuck_transfer(server).await?;
    drop(jerrys); // Ctrl-C
    let _hot_fix = TransferServices::start(&hot_fix(), server, &[]).await?;
    let client = server.client();
    eventually("the hot fix to fail the stuck transfer", || async {
        let events = history::events(&client, &id).await.ok()?;
        (history::count(&events, Event::WorkflowExecutionFailed) == 1).then_some(())
    })
    .await?;
    Ok(id)
}

/// The learner's fix: the solution's files in the (copied) exercise.
fn fix_both_bugs(workspace: &Workspace) -> anyhow::Result<()> {
    for file in ["workflow.rs", "activities.rs"] {
        let exercise = format!("exercises/module04/src/{file}");
        std::fs::copy(workspace.path(&exercise.replace("exercises", "solutions")), workspace.path(&exercise))?;
    }
    Ok(())
}

/// The line of `output` that resets `id`, run as a learner pastes it into a terminal.
async fn run_reset_command(server: &TestServer, output: &str, id: &str) -> anyhow::Result<String> {
    let command = output
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(&format!("temporal workflow reset --workflow-id {id} ")))
        .unwrap_or_else(|| panic!("no reset command for {id} in:\n{output}"));
    let cli = workshop::cli_tool::find_or_install()?;
    let dir = cli.parent().unwrap().display().to_string();
    let path = format!("{dir}:{}", std::env::var("PATH").unwrap_or_default());
    let mut env = server.program_env();
    env.push(("PATH".into(), path));
    let mut reset = Program::spawn("bash", &["-c", command], &env)?;
    assert!(reset.wait_exit().await?.success(), "`{command}` failed:\n{}", reset.transcript());
    Ok(command.to_string())
}

/// The latest run of `id` completed, and was started by a reset: its history carries the
/// workflow task the server failed with the cause "reset workflow" where the new run began.
async fn completed_after_a_reset(server: &TestServer, id: &str) -> anyhow::Result<()> {
    let client = server.client();
    let events = eventually(&format!("{id} to complete after its reset"), || async {
        let events = history::events(&client, id).await.ok()?;
        (history::count(&events, Event::WorkflowExecutionCompleted) == 1).then_some(events)
    })
    .await?;
    let reset_here = events.iter().any(|event| match &event.attributes {
        Some(Attributes::WorkflowTaskFailedEventAttributes(a)) => a.cause() == WorkflowTaskFailedCause::ResetWorkflow,
        _ => false,
    });
    assert!(reset_here, "{id}: the completed run was started by a reset");
    Ok(())
}

/// The bank applied `id` once: one withdrawal and one deposit, under the transfer's keys.
async fn applied_once(api_url: &str, id: &str) -> anyhow::Result<()> {
    let ledger: Vec<Value> = reqwest::get(format!("{api_url}/ledger")).await?.json().await?;
    let keys: Vec<(&str, &str)> = ledger
        .iter()
        .filter_map(|entry| Some((entry["kind"].as_str()?, entry["reference_id"].as_str()?)))
        .filter(|(_, key)| key.starts_with(id))
        .collect();
    let (withdraw, deposit) = (format!("{id}/withdraw"), format!("{id}/deposit"));
    assert_eq!(keys, [("withdraw", withdraw.as_str()), ("deposit", deposit.as_str())], "{id} in the ledger");
    Ok(())
}

const MODULE04_FOLDERS: [&str; 4] =
    ["exercises/module04/src", "exercises/module04/examples", "solutions/module04/src", "scripts/solve"];

/// The bank address Jerry's activity bug writes into the code (`host:port`), read from the
/// exercise: the check must not name it.
fn jerrys_bank_address() -> String {
    let path = workshop::paths::workspace_root().join("exercises/module04/src/activities.rs");
    let source = std::fs::read_to_string(&path).expect("module 4's activities");
    let url = source.split("AccountClient::new(\"").nth(1).and_then(|rest| rest.split('"').next());
    let url = url.expect("Jerry's activity bug: an AccountClient made from a literal URL");
    url.trim_start_matches("http://").to_string()
}

#[tokio::test]
async fn module04_check_wants_both_fixes_nothing_stuck_and_a_reset() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&MODULE04_FOLDERS)?;
    let lab = Lab::new(&server, &workspace)?;
    let (jerrys, id) = stuck_transfer(&server).await?;
    lab.check_fails("module04", "still running").await?;
    lab.check_fails("module04", "still has Jerry's activity bug").await?;
    // A failing check says what is missing, not how to fix it.
    let (_, before) = lab.run("check", "module04").await?;
    let jerrys_url = jerrys_bank_address();
    for answer in ["self.bank", jerrys_url.as_str(), "Remove the screening", "parse"] {
        assert!(!before.contains(answer), "the check gives the fix away ({answer:?}):\n{before}");
    }
    drop(jerrys); // the learner stops the services (Ctrl-C)

    // The learner fixes only the workflow: the activity bug is still reported.
    let workflow = "exercises/module04/src/workflow.rs";
    std::fs::copy(workspace.path(&workflow.replace("exercises", "solutions")), workspace.path(workflow))?;
    lab.check_fails("module04", "still has Jerry's activity bug").await?;
    fix_both_bugs(&workspace)?;

    // ...and restarts the services on the fixed code: the stuck transfer finishes.
    let fixed = TransferServices::start(&fixed(), &server, &[]).await?;
    wait_until_completed(&fixed.ui_url, &id).await?;

    // Reset not practised yet: the check says how, with this transfer's id.
    let (passed, output) = lab.run("check", "module04").await?;
    assert!(!passed && output.contains("No transfer has been reset yet"), "{output}");
    assert!(output.contains(&format!("--workflow-id {id} --type FirstWorkflowTask")), "{output}");

    // The learner runs that command: every step runs again, the bank applies none twice.
    run_reset_command(&server, &output, &id).await?;
    completed_after_a_reset(&server, &id).await?;
    applied_once(&fixed.api_url, &id).await?;
    let (passed, output) = lab.run("check", "module04").await?;
    assert!(passed, "the check passes after a reset:\n{output}");
    assert!(output.contains(&format!("{id} completed after a reset")), "{output}");
    Ok(())
}

#[tokio::test]
async fn module04_a_transfer_failed_by_the_hot_fix_is_reset_and_paid_once() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&MODULE04_FOLDERS)?;
    let lab = Lab::new(&server, &workspace)?;
    let id = failed_by_the_hot_fix(&server).await?;
    let (passed, output) = lab.run("check", "module04").await?;
    assert!(!passed, "{output}");
    for expected in [
        format!("1 transfer(s) FAILED in the workflow code, e.g. {id}"),
        "account_A has no account number (invalid digit found in string)".into(),
        "A returned Err (such as an ApplicationFailure through `?`) fails the workflow for good".into(),
        format!("temporal workflow reset --workflow-id {id} --type LastWorkflowTask"),
    ] {
        assert!(output.contains(&expected), "the check says {expected:?}:\n{output}");
    }

    // The learner's hot fix in the source is reported too; the real fix clears it.
    let workflow = "exercises/module04/src/workflow.rs";
    std::fs::copy(workspace.path("exercises/module04/examples/jerrys_hot_fix/workflow.rs"), workspace.path(workflow))?;
    lab.check_fails("module04", "returns an error where Jerry's code panicked").await?;
    fix_both_bugs(&workspace)?;

    // The fix deployed: the failed transfer stays failed until it is reset.
    let fixed = TransferServices::start(&fixed(), &server, &[]).await?;
    let (passed, output) = lab.run("check", "module04").await?;
    assert!(!passed && output.contains(&format!("e.g. {id}")), "still failed:\n{output}");
    run_reset_command(&server, &output, &id).await?;
    completed_after_a_reset(&server, &id).await?;
    applied_once(&fixed.api_url, &id).await?;
    let (passed, output) = lab.run("check", "module04").await?;
    assert!(passed, "{output}");
    assert!(output.contains(&format!("{id} completed after a reset")), "{output}");
    Ok(())
}

#[tokio::test]
async fn module04_solve_fixes_the_code_and_runs_the_stuck_transfer_now() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&MODULE04_FOLDERS)?;
    let lab = Lab::new(&server, &workspace)?;
    let (_jerrys, id) = stuck_transfer(&server).await?;
    lab.check_fails("module04", "still has Jerry's workflow bug").await?;

    lab.solve("module04").await?; // stops Jerry's running program, runs the fixed one
    lab.check_passes("module04").await?;
    // Stuck on a failing workflow task, the transfer was reset rather than left to its next attempt.
    completed_after_a_reset(&server, &id).await?;
    for file in ["workflow.rs", "activities.rs"] {
        assert_eq!(
            workspace.read(&format!("exercises/module04/src/{file}")),
            workspace.read(&format!("solutions/module04/src/{file}")),
            "the solve put the solution's {file} in place (in the copy)"
        );
    }
    Ok(())
}

#[tokio::test]
async fn module04_solve_reruns_a_completed_transfer_when_none_was_reset() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&MODULE04_FOLDERS)?;
    let lab = Lab::new(&server, &workspace)?;
    fix_both_bugs(&workspace)?;
    let fixed = TransferServices::start(&fixed(), &server, &[]).await?;
    let id = post_transfer(&fixed.ui_url, "account_C", "account_D", 5).await?;
    wait_until_completed(&fixed.ui_url, &id).await?;
    drop(fixed);
    lab.check_fails("module04", "No transfer has been reset yet").await?;

    lab.solve("module04").await?; // resets the completed transfer to its first workflow task
    lab.check_passes("module04").await?;
    completed_after_a_reset(&server, &id).await
}

#[tokio::test]
async fn module04_solve_resets_what_the_hot_fix_failed() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let workspace = Workspace::copy(&MODULE04_FOLDERS)?;
    let lab = Lab::new(&server, &workspace)?;
    let id = failed_by_the_hot_fix(&server).await?;
    lab.check_fails("module04", "FAILED in the workflow code").await?;
    lab.solve("module04").await?;
    lab.check_passes("module04").await?;
    completed_after_a_reset(&server, &id).await
}
