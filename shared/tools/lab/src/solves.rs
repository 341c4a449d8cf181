//! The lab's "skip" button: each solve does what a learner does in the module, with the same
//! programs, and stops whatever it started before it returns.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use testkit::processes::stop_all;
use testkit::{Launch, Program};
use workshop::{MODULE01, MODULE02, MODULE03, MODULE04, Module};

use crate::checks::{self, DAILY_BATCH, MODULE04_TYPE};
use crate::learner_processes::module_processes;
use crate::resets::{self, ResetPoint};
use crate::settings::{Settings, port_of};
use crate::temporal;

/// How long a program a solve started gets to stop after Ctrl-C.
const STOP_GRACE: Duration = Duration::from_secs(20);

pub async fn solve(settings: &Settings, module: Module) -> anyhow::Result<()> {
    match module {
        MODULE01 => module01(settings).await,
        MODULE02 => module02(settings).await,
        MODULE03 => module03(settings).await,
        MODULE04 => module04(settings).await,
        other => bail!("the lab has no solve for {} yet (shared/tools/lab/src/solves.rs)", other.name),
    }
}

/// Worker, start, kill the worker after two numbers, a new worker, wait for the end.
async fn module01(settings: &Settings) -> anyhow::Result<()> {
    let binary = settings.binary("module01")?;
    for round in 1..=2 {
        let mut first = start("worker 1", &binary, &["worker"], settings)?;
        first.next_line(|line| line.contains(workshop::said::WORKER_POLLING)).await?;
        let mut starter = start("start", &binary, &["start", "--delay-secs", "1"], settings)?;
        let printed = |line: &str| line.starts_with("print_number(");
        let mut numbers = 0;
        let mut finished = None;
        while numbers < 2 && finished.is_none() {
            tokio::select! {
                line = first.next_line(printed) => {
                    if line?.is_none() {
                        bail!("the module01 worker ended by itself; its output is above");
                    }
                    numbers += 1;
                }
                status = starter.wait_exit() => finished = Some(status?),
            }
        }
        let status = match finished {
            Some(status) => {
                first.stop(STOP_GRACE).await;
                status
            }
            None => {
                first.kill().await?;
                let mut second = start("worker 2", &binary, &["worker"], settings)?;
                let status = starter.wait_exit().await?;
                second.stop(STOP_GRACE).await;
                status
            }
        };
        if !status.success() {
            bail!("`module01 start` failed ({status}); its output is above");
        }
        // A run that was nearly finished before this solve may have needed only one worker.
        if round == 1 && matches!(checks::check(settings, MODULE01).await?, checks::Verdict::Passed(_)) {
            return Ok(());
        }
    }
    Ok(())
}

/// Real World Mode on (source and bank), then the Temporal version to completion.
/// Real World Mode with a fixed seed: failures that show retries, never a run of bad luck
/// long enough for the backoff to make the solve wait minutes.
const SOLVE_SEED: u64 = 7;

async fn module02(settings: &Settings) -> anyhow::Result<()> {
    let switch_file = settings.source("exercises/module02/src/account_api.rs");
    if !checks::real_world_mode_in_source(&std::fs::read_to_string(&switch_file).unwrap_or_default()) {
        apply_solution(settings, "module02")?;
    }
    let binary = settings.binary("module02")?;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?;
    let api = &settings.account_api_url;
    let mut started_api = None;
    if answers(&http, &format!("{api}/health")).await {
        println!("An account API answers at {api}: switching its Real World Mode on.");
        let response = http
            .post(format!("{api}/admin/real-world-mode"))
            .json(&json!({ "enabled": true, "seed": SOLVE_SEED }))
            .send()
            .await
            .with_context(|| format!("switching Real World Mode on at {api}"))?;
        if !response.status().is_success() {
            bail!("{api}/admin/real-world-mode answered {}", response.status());
        }
    } else {
        let db = settings.source("exercises/module02/bank.db");
        let args: Vec<String> = vec![
            "account-api".into(),
            "--real-world-mode".into(),
            "--slow-secs".into(),
            "1".into(),
            "--seed".into(),
            SOLVE_SEED.to_string(),
            "--host".into(),
            settings.listen_host.clone(),
            "--port".into(),
            port_of(api)?.to_string(),
            "--db".into(),
            db.display().to_string(),
        ];
        let mut child = start("account-api", &binary, &args, settings)?;
        if child.next_line(|line| line.contains(workshop::said::ACCOUNT_API_READY)).await?.is_none() {
            bail!("the account API did not start (its output is above; is port {} free?)", port_of(api)?);
        }
        started_api = Some(child);
    }
    let mut transfer = start("module02", &binary, &["--api-url", api], settings)?;
    let status = transfer.wait_exit().await;
    if let Some(mut api) = started_api {
        api.stop(STOP_GRACE).await;
    }
    let status = status?;
    if !status.success() {
        bail!("`cargo run -p module02` did not complete the transfer ({status}); its output is above");
    }
    Ok(())
}

/// The daily batch, through the Money Transfer UI.
async fn module03(settings: &Settings) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?;
    let ui = &settings.transfer_ui_url;
    let services = ensure_services(settings, &http, "module03").await?;
    let mut ids = Vec::new();
    for (from, to) in DAILY_BATCH {
        ids.push(post_transfer(&http, ui, from, to, 100).await?);
    }
    let outcome = wait_for_transfers(settings, &http, &ids).await;
    if let Some(mut services) = services {
        services.stop(STOP_GRACE).await;
    }
    outcome
}

/// Jerry's bugs fixed, the module's programs restarted on the fixed code, nothing stuck, and
/// the way back from a bad deploy practised: transfers the workflow code failed are reset, or
/// else a completed one is reset to its first workflow task and runs again.
async fn module04(settings: &Settings) -> anyhow::Result<()> {
    if !checks::jerrys_bugs(settings).is_empty() {
        apply_solution(settings, "module04")?;
    }
    let binary = settings.binary("module04")?; // built from the fixed source unless LAB_BIN_DIR is set
    let http = reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?;
    match module_processes("module04") {
        Some(old) if !old.is_empty() => {
            println!("Stopping the running module04 program(s) (pid {old:?}) so the fixed code takes over.");
            stop_all(&old, STOP_GRACE).await;
        }
        Some(_) => {}
        // macOS: no /proc to find the learner's programs by. Their UI answering means one runs,
        // maybe on Jerry's code, and the solve would wait on its worker's failures.
        None if ui_module(&http, &settings.transfer_ui_url).await.as_deref() == Some("module04") => bail!(
            "module04 is running (its UI answers at {}), and this machine has no /proc to tell which code it runs: \
             stop it (Ctrl-C in its terminal, or scripts/stop-services) and run this again; the solve starts the fixed one.",
            settings.transfer_ui_url
        ),
        None => println!(
            "This machine has no /proc: if a module04 worker still runs on Jerry's code, stop it (Ctrl-C in its terminal, \
             or scripts/stop-services), or it fails the transfers the fixed one should finish."
        ),
    }
    let services = ensure_services_with(settings, &http, "module04", &binary).await?;
    let outcome = async {
        let (client, _) = workshop::connect().await?;
        let count = |status: &'static str| {
            let client = client.clone();
            async move {
                temporal::count(&client, &format!("WorkflowType = '{MODULE04_TYPE}' AND ExecutionStatus = '{status}'"))
                    .await
            }
        };
        // A transfer stuck on Jerry's panic for a while waits minutes for its next attempt:
        // a reset hands it to the fixed worker now.
        for id in resets::stuck_on_workflow_task(&client, MODULE04_TYPE).await? {
            resets::reset(&client, &id, ResetPoint::LastWorkflowTask, "lab solve: run it on the fixed code now")
                .await?;
            println!("Reset {id}, stuck on Jerry's panic: the fixed worker runs it now.");
        }
        if count("Running").await? == 0 && count("Completed").await? == 0 {
            post_transfer(&http, &settings.transfer_ui_url, "account_A", "account_B", 10).await?;
        }
        wait_until(settings, "every module 4 transfer to finish", || async {
            Ok(count("Running").await? == 0 && count("Completed").await? > 0)
        })
        .await?;
        let mut reset = Vec::new();
        for failed in resets::failed_by_code(&client, MODULE04_TYPE).await? {
            reset.push((failed.workflow_id, ResetPoint::LastWorkflowTask));
        }
        if reset.is_empty() && resets::completed_after_reset(&client, MODULE04_TYPE).await?.is_none() {
            let query = format!("WorkflowType = '{MODULE04_TYPE}' AND ExecutionStatus = 'Completed'");
            let latest = temporal::list(&client, &query, 1).await?;
            let id = latest.first().context("no completed transfer to reset")?.id().to_string();
            reset.push((id, ResetPoint::FirstWorkflowTask));
        }
        for (id, point) in &reset {
            resets::reset(&client, id, *point, "lab solve: rerun on the fixed code").await?;
            println!("Reset {id} to its {point:?}: it runs again on the fixed code.");
        }
        wait_until(settings, "the reset transfers to complete", || async {
            let mut done = true;
            for (id, _) in &reset {
                let events = temporal::events(&client, id, None).await?.unwrap_or_default();
                done &= temporal::closed_as(&events) == Some("Completed");
            }
            Ok(done)
        })
        .await
    }
    .await;
    if let Some(mut services) = services {
        services.stop(STOP_GRACE).await;
    }
    outcome
}

/// Starts a program of the module in this process's environment, its output shown with
/// `label`. It dies with this process, so an interrupted solve leaves nothing running.
fn start<S: AsRef<str>>(label: &str, binary: &Path, args: &[S], settings: &Settings) -> anyhow::Result<Program> {
    Launch::new(binary).args(args).echo(label).die_with_parent().patience(settings.patience).spawn()
}

/// `scripts/solve MODULE` of the source tree: the solution replaces the exercise's `src/`.
fn apply_solution(settings: &Settings, module: &str) -> anyhow::Result<()> {
    let script = settings.source("scripts/solve");
    let status = Command::new("bash")
        .arg(&script)
        .arg(module)
        .status()
        .with_context(|| format!("running {}", script.display()))?;
    if !status.success() {
        bail!("{} {module} failed ({status})", script.display());
    }
    Ok(())
}

async fn answers(http: &reqwest::Client, url: &str) -> bool {
    http.get(url).send().await.is_ok_and(|response| response.status().is_success())
}

/// The module whose Money Transfer UI answers at `ui`, if one does.
async fn ui_module(http: &reqwest::Client, ui: &str) -> Option<String> {
    let config: Value = http.get(format!("{ui}/api/config")).send().await.ok()?.json().await.ok()?;
    config["module"].as_str().map(str::to_string)
}

/// Uses the Money Transfer UI at TRANSFER_UI_URL when it is this module's, else starts the
/// module's services (account API, UI, worker) on the ports of the configured URLs.
async fn ensure_services(settings: &Settings, http: &reqwest::Client, module: &str) -> anyhow::Result<Option<Program>> {
    let binary = settings.binary(module)?;
    ensure_services_with(settings, http, module, &binary).await
}

async fn ensure_services_with(
    settings: &Settings,
    http: &reqwest::Client,
    module: &str,
    binary: &Path,
) -> anyhow::Result<Option<Program>> {
    let ui = &settings.transfer_ui_url;
    if let Ok(response) = http.get(format!("{ui}/api/config")).send().await {
        let config: Value = response.json().await.unwrap_or_default();
        return match config["module"].as_str() {
            Some(name) if name == module => {
                println!("The Money Transfer UI of {module} answers at {ui}: using it.");
                Ok(None)
            }
            other => bail!(
                "{ui} is answered by something else ({}). Stop it (Ctrl-C in its terminal) and run this again.",
                other.map(|name| format!("the UI of {name}")).unwrap_or_else(|| "not this module's UI".into())
            ),
        };
    }
    let db = settings.source(&format!("exercises/{module}/bank.db"));
    let args: Vec<String> = vec![
        "--host".into(),
        settings.listen_host.clone(),
        "--api-port".into(),
        port_of(&settings.account_api_url)?.to_string(),
        "--ui-port".into(),
        port_of(ui)?.to_string(),
        "--db".into(),
        db.display().to_string(),
    ];
    let mut services = start(module, binary, &args, settings)?;
    if services.next_line(|line| line.contains(workshop::said::UI_READY)).await?.is_none() {
        bail!(
            "the {module} services did not start (their output is above; are ports {} and {} free?)",
            port_of(&settings.account_api_url)?,
            port_of(ui)?
        );
    }
    Ok(Some(services))
}

/// POST /api/transfer; returns the workflow id.
async fn post_transfer(http: &reqwest::Client, ui: &str, from: &str, to: &str, dollars: u32) -> anyhow::Result<String> {
    let body = json!({ "from_account": from, "to_account": to, "amount": dollars });
    let response = http.post(format!("{ui}/api/transfer")).json(&body).send().await?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        bail!("the UI refused the transfer {from} → {to} ({status}): {answer}");
    }
    let id = answer["workflow_id"].as_str().context("the UI's answer has no workflow_id")?.to_string();
    println!("Started {id}: ${dollars} from {from} to {to}");
    Ok(id)
}

async fn wait_for_transfers(settings: &Settings, http: &reqwest::Client, ids: &[String]) -> anyhow::Result<()> {
    let ui = &settings.transfer_ui_url;
    for id in ids {
        let status = wait_until_value(settings, &format!("{id} to finish"), || async {
            let view: Value = http.get(format!("{ui}/api/workflows/{id}")).send().await?.json().await?;
            let status = view["status"].as_str().unwrap_or("RUNNING").to_string();
            Ok((status != "RUNNING").then_some((status, view)))
        })
        .await?;
        if status.0 != "COMPLETED" {
            bail!("{id} ended as {}: {}", status.0, status.1["error"]);
        }
        println!("{id} completed");
    }
    Ok(())
}

/// Polls `condition` every second until it is true, within the settings' patience.
async fn wait_until<F, Fut>(settings: &Settings, what: &str, mut condition: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    wait_until_value(settings, what, || {
        let next = condition();
        async move { Ok(next.await?.then_some(())) }
    })
    .await
}

async fn wait_until_value<T, F, Fut>(settings: &Settings, what: &str, mut poll: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = Instant::now() + settings.patience;
    println!("Waiting for {what} ...");
    loop {
        match poll().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(error) if Instant::now() > deadline => return Err(error),
            Err(_) => {}
        }
        if Instant::now() > deadline {
            bail!("gave up waiting for {what} after {} s", settings.patience.as_secs());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
