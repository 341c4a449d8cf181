//! Has the learner done what the module asks? Each check reads Temporal (and, where the
//! module is about changing code, the learner's source) and says what is still missing.

use temporalio_client::{Client, WorkflowExecutionStatus};
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;

use crate::settings::Settings;
use workshop::{MODULE01, MODULE02, MODULE03, MODULE04, Module};

use crate::{resets, temporal};

pub enum Verdict {
    /// Done; the message says what was seen.
    Passed(String),
    /// Not yet: what is missing, each with what to do about it.
    Missing(Vec<String>),
}

pub const MODULE03_TYPE: &str = MODULE03.workflow_type;
pub const MODULE04_TYPE: &str = MODULE04.workflow_type;
pub use contract::DAILY_BATCH;

pub async fn check(settings: &Settings, module: Module) -> anyhow::Result<Verdict> {
    let (client, _) = workshop::connect().await?;
    match module {
        MODULE01 => module01(&client).await,
        MODULE02 => module02(settings, &client).await,
        MODULE03 => module03(&client).await,
        MODULE04 => module04(settings, &client).await,
        other => anyhow::bail!("the lab has no check for {} yet (shared/tools/lab/src/checks.rs)", other.name),
    }
}

async fn module01(client: &Client) -> anyhow::Result<Verdict> {
    let id = workshop::MODULE01.fixed_workflow_id(); // this learner's
    let Some(events) = temporal::events(client, &id, None).await? else {
        return Ok(Verdict::Missing(vec![format!(
            "There is no {id} yet. Run `cargo run -p module01` in the module01 folder."
        )]));
    };
    // Any recent completed run will do: the optional step 3 starts a new run after the one
    // that passed, and watching it to the end must not undo the learner's step 2.
    if let Some(workers) = completed_with_workers(client, &events).await? {
        return Ok(Verdict::Passed(format!(
            "{id} completed, and {workers} different workers ran it: you stopped the worker and the \
             next one carried on where the first stopped."
        )));
    }
    let problem = match temporal::closed_as(&events) {
        None => format!(
            "{id} is still running, waiting for a worker. Run `cargo run -p module01` again: \
             it re-attaches and carries on with the next number."
        ),
        Some("Completed") => format!(
            "{id} completed, but a single worker ran it from start to end. Run \
             `cargo run -p module01` again, press Ctrl-C after a few numbers, then run it once more and let it finish."
        ),
        Some(other) => format!(
            "The latest run of {id} ended as {other}. Run `cargo run -p module01` for a new run, \
             stop it half-way with Ctrl-C, and run it again."
        ),
    };
    Ok(Verdict::Missing(vec![problem]))
}

/// How many workers ran the latest run (`latest`, its events) or one of the 20 completed runs
/// before it, the first that had at least two.
async fn completed_with_workers(client: &Client, latest: &[HistoryEvent]) -> anyhow::Result<Option<usize>> {
    let id = workshop::MODULE01.fixed_workflow_id(); // this learner's
    let workers = temporal::worker_identities(latest).len();
    if temporal::closed_as(latest) == Some("Completed") && workers >= 2 {
        return Ok(Some(workers));
    }
    let query = format!("WorkflowId = '{id}' AND ExecutionStatus = 'Completed'");
    for run in temporal::list(client, &query, 20).await? {
        if let Some(events) = temporal::events(client, &id, Some(run.run_id())).await? {
            let workers = temporal::worker_identities(&events).len();
            if workers >= 2 {
                return Ok(Some(workers));
            }
        }
    }
    Ok(None)
}

async fn module02(settings: &Settings, client: &Client) -> anyhow::Result<Verdict> {
    let id = workshop::MODULE02.fixed_workflow_id(); // this learner's
    let runs = temporal::list(client, &format!("WorkflowId = '{id}'"), 100).await?;
    let completed: Vec<_> =
        runs.iter().filter(|run| run.status() == WorkflowExecutionStatus::Completed).take(20).collect();
    let running = runs.iter().any(|run| run.status() == WorkflowExecutionStatus::Running);
    for run in &completed {
        if let Some(events) = temporal::events(client, &id, Some(run.run_id())).await? {
            let attempts = temporal::max_activity_attempt(&events);
            if attempts > 1 {
                return Ok(Verdict::Passed(format!(
                    "A transfer completed although the bank failed: one of its steps needed {attempts} attempts, \
                     and Temporal retried it for you."
                )));
            }
        }
    }
    let switch_file = settings.source("exercises/module02/src/account_api.rs");
    let switched_on = real_world_mode_in_source(&std::fs::read_to_string(&switch_file).unwrap_or_default());
    if switched_on && !completed.is_empty() {
        return Ok(Verdict::Passed(
            "Real World Mode is on in account_api.rs, and a transfer completed through Temporal.".into(),
        ));
    }
    let mut problems = Vec::new();
    if completed.is_empty() {
        let mut problem = format!(
            "No {id} has completed yet. Start the bank (`cargo run -p module02 -- account-api`) \
             in one terminal and run `cargo run -p module02` in another."
        );
        if running {
            problem.push_str(
                " One transfer is running right now: it finishes once the worker (`cargo run -p module02`) and \
                 the account API both run.",
            );
        }
        problems.push(problem);
    }
    if !switched_on {
        problems.push(format!(
            "No completed transfer met a failure of the bank yet. Switch Real World Mode on: set REAL_WORLD_MODE \
             to true in {}, restart the account API, and run `cargo run -p module02` again.",
            crate::settings::shown(settings, &switch_file)
        ));
    }
    Ok(Verdict::Missing(problems))
}

/// The value of `REAL_WORLD_MODE` in module 2's account_api.rs (`false` when not found).
pub fn real_world_mode_in_source(source: &str) -> bool {
    code_lines(source)
        .filter_map(|line| line.split_once("const REAL_WORLD_MODE"))
        .filter_map(|(_, rest)| rest.split_once('=').map(|(_, value)| value.trim().trim_end_matches(';').trim()))
        .any(|value| value == "true")
}

async fn module03(client: &Client) -> anyhow::Result<Verdict> {
    let mut missing = Vec::new();
    for (from, to) in DAILY_BATCH {
        let query = format!(
            "WorkflowType = '{MODULE03_TYPE}' AND ExecutionStatus = 'Completed' AND from_account = '{from}' AND \
             to_account = '{to}'"
        );
        if temporal::count(client, &query).await? == 0 {
            missing.push(format!("{from} → {to}"));
        }
    }
    if missing.is_empty() {
        return Ok(Verdict::Passed("The daily batch went through: A→F, B→G, C→H, D→I and E→J all completed.".into()));
    }
    let running =
        temporal::count(client, &format!("WorkflowType = '{MODULE03_TYPE}' AND ExecutionStatus = 'Running'")).await?;
    let mut problem = format!(
        "The daily batch has not completed yet; no completed transfer for {}. Start the services \
         (`cargo run -p module03 -- --host 0.0.0.0`, or `./start_services.sh --host 0.0.0.0`) and press \
         **Start Daily Batch** in the Money Transfer UI.",
        missing.join(", ")
    );
    if running > 0 {
        problem.push_str(&format!(
            " {running} transfer(s) are still running: keep the services running until they finish (with Real \
             World Mode on, retries take a while)."
        ));
    }
    Ok(Verdict::Missing(vec![problem]))
}

async fn module04(settings: &Settings, client: &Client) -> anyhow::Result<Verdict> {
    let mut problems = jerrys_bugs(settings);
    let running =
        temporal::count(client, &format!("WorkflowType = '{MODULE04_TYPE}' AND ExecutionStatus = 'Running'")).await?;
    let completed =
        temporal::count(client, &format!("WorkflowType = '{MODULE04_TYPE}' AND ExecutionStatus = 'Completed'")).await?;
    if running > 0 {
        let mut problem = format!(
            "{running} transfer(s) are still running. Once both bugs are fixed, restart the services so the fixed \
             code runs (Ctrl-C, then `cargo run -p module04 -- --host 0.0.0.0` again) and wait for them to finish."
        );
        let stuck = resets::stuck_on_workflow_task(client, MODULE04_TYPE).await?;
        if !stuck.is_empty() {
            problem.push_str(
                " Their workflow task keeps failing: once the fixed worker runs, each takes its next step within 40 s \
                 on the workshop's dev server (Temporal waits longer before each attempt; a server's default waits \
                 up to 10 minutes). To run one now on the fixed code, reset it:",
            );
            for id in &stuck {
                problem.push_str(&format!("\n    {}", reset_command(id, "LastWorkflowTask")));
            }
        }
        problems.push(problem);
    }
    let failed = resets::failed_by_code(client, MODULE04_TYPE).await?;
    if !failed.is_empty() {
        problems.push(failed_transfers(&failed));
    }
    if completed == 0 {
        problems.push(
            "No transfer of module 4 has completed yet. Start the services (`cargo run -p module04 -- --host \
             0.0.0.0`) and send a transfer from the Money Transfer UI."
                .into(),
        );
    }
    let reset = resets::completed_after_reset(client, MODULE04_TYPE).await?;
    if reset.is_none() && failed.is_empty() && completed > 0 {
        problems.push(no_reset_yet(client).await?);
    }
    match reset {
        Some(id) if problems.is_empty() => Ok(Verdict::Passed(format!(
            "Jerry's two bugs are fixed, nothing is stuck or failed, {completed} transfer run(s) completed, and \
             {id} completed after a reset: its steps kept their idempotency keys, so the bank applied each once."
        ))),
        _ => Ok(Verdict::Missing(problems)),
    }
}

/// What happened to transfers the workflow code failed, and the command that brings each back.
fn failed_transfers(failed: &[resets::FailedTransfer]) -> String {
    let first = &failed[0];
    let mut text = format!(
        "{} transfer(s) FAILED in the workflow code, e.g. {}: \"{}\". A returned Err (such as an \
         ApplicationFailure through `?`) fails the workflow for good; only a panic fails just the workflow task, \
         which Temporal retries. Deploying the fix does not bring a failed transfer back: reset it to its last \
         workflow task once the fixed code runs, and it carries on from there (or use Reset in the Temporal UI):",
        failed.len(),
        first.workflow_id,
        first.message
    );
    for transfer in failed {
        text.push_str(&format!("\n    {}", reset_command(&transfer.workflow_id, "LastWorkflowTask")));
    }
    text
}

/// No reset practised yet: the command for the latest completed transfer.
async fn no_reset_yet(client: &Client) -> anyhow::Result<String> {
    let query = format!("WorkflowType = '{MODULE04_TYPE}' AND ExecutionStatus = 'Completed'");
    let latest = temporal::list(client, &query, 1).await?;
    let id = latest.first().map(|run| run.id().to_string()).unwrap_or_else(|| "<workflow id>".into());
    Ok(format!(
        "No transfer has been reset yet. Practise the way back from a bad deploy: reset a completed transfer to \
         its first workflow task, watch it run its steps again, and check the bank's ledger:\n    {}",
        reset_command(&id, "FirstWorkflowTask")
    ))
}

/// The `temporal workflow reset` command a learner runs.
pub fn reset_command(workflow_id: &str, point: &str) -> String {
    format!("temporal workflow reset --workflow-id {workflow_id} --type {point} --reason \"rerun on the fixed code\"")
}

/// Jerry's two changes, when they are still in the learner's module 4.
pub fn jerrys_bugs(settings: &Settings) -> Vec<String> {
    let mut bugs = Vec::new();
    let workflow_file = settings.source("exercises/module04/src/workflow.rs");
    let activities_file = settings.source("exercises/module04/src/activities.rs");
    if unwraps_a_parse(&std::fs::read_to_string(&workflow_file).unwrap_or_default()) {
        bugs.push(format!(
            "{} still has Jerry's workflow bug: the workflow code panics right after the first balance check, on \
             every try (the worker prints PANIC, the card says Workflow code failing). Steps 2 and 3 of the page.",
            crate::settings::shown(settings, &workflow_file)
        ));
    }
    if returns_a_parse_error(&std::fs::read_to_string(&workflow_file).unwrap_or_default()) {
        bugs.push(format!(
            "{} returns an error where Jerry's code panicked (as his hot fix does): every transfer fails there, \
             for good. The transfers need code that gets past that point with neither a panic nor an error.",
            crate::settings::shown(settings, &workflow_file)
        ));
    }
    if calls_jerrys_bank(&std::fs::read_to_string(&activities_file).unwrap_or_default()) {
        bugs.push(format!(
            "{} still has Jerry's activity bug: every withdrawal fails, attempt after attempt (a card's last \
             failure and the Temporal UI's Pending Activities say why). Step 4 of the page.",
            crate::settings::shown(settings, &activities_file)
        ));
    }
    bugs
}

/// Source lines that are not whole-line comments.
fn code_lines(source: &str) -> impl Iterator<Item = &str> {
    source.lines().filter(|line| !line.trim_start().starts_with("//"))
}

/// True when the code calls `.parse()` (with or without a turbofish) and unwraps or expects
/// the result directly.
pub fn unwraps_a_parse(source: &str) -> bool {
    let code: String = code_lines(source).collect::<Vec<_>>().join("\n").split_whitespace().collect();
    code.match_indices(".parse").any(|(at, _)| {
        let mut rest = &code[at + ".parse".len()..];
        if let Some(after) = rest.strip_prefix("::<") {
            match after.find('>') {
                Some(end) => rest = &after[end + 1..],
                None => return false,
            }
        }
        rest.strip_prefix("()").is_some_and(|rest| rest.starts_with(".unwrap()") || rest.starts_with(".expect("))
    })
}

/// True when a statement parses and hands the error to `?` (Jerry's hot fix): the workflow
/// returns the error, which fails it for good.
pub fn returns_a_parse_error(source: &str) -> bool {
    let code: String = code_lines(source).collect::<Vec<_>>().join("\n").split_whitespace().collect();
    code.match_indices(".parse").any(|(at, _)| {
        let statement = code[at..].split(';').next().unwrap_or_default();
        statement.ends_with('?')
    })
}

/// True when the code still points at Jerry's bank on port 8080.
pub fn calls_jerrys_bank(source: &str) -> bool {
    code_lines(source).any(|line| line.contains("localhost:8080") || line.contains("127.0.0.1:8080"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_unwrapped_parse_in_any_spelling() {
        assert!(unwraps_a_parse("let n: u32 = from.trim_start_matches(\"account_\").parse().unwrap();"));
        assert!(unwraps_a_parse("let n = s.parse::<u32>()\n    .expect(\"number\");"));
        assert!(!unwraps_a_parse("let n: Result<u32, _> = s.parse();"));
        assert!(!unwraps_a_parse("// let n: u32 = s.parse().unwrap();"));
        assert!(!unwraps_a_parse("if let Ok(n) = s.parse::<u32>() { }"));
    }

    #[test]
    fn finds_a_parse_error_handed_to_the_question_mark() {
        let hot_fix = std::fs::read_to_string(
            workshop::paths::workspace_root().join("exercises/module04/examples/jerrys_hot_fix/workflow.rs"),
        )
        .unwrap();
        assert!(returns_a_parse_error(&hot_fix), "Jerry's hot fix");
        assert!(returns_a_parse_error("let n: u32 = s.parse().map_err(|e| fail(e))?;"));
        assert!(!returns_a_parse_error("let n: u32 = s.parse().unwrap();"));
        assert!(!returns_a_parse_error(
            "if s.parse::<u32>().is_ok_and(|n| n >= 9000) { return Err(refused().into()); }"
        ));
        assert!(!returns_a_parse_error("let step = run(ctx).await?;"));
    }

    #[test]
    fn finds_jerrys_bank_outside_comments() {
        assert!(calls_jerrys_bank("let bank = AccountClient::new(\"http://localhost:8080\");"));
        assert!(!calls_jerrys_bank("// was: http://localhost:8080"));
        assert!(!calls_jerrys_bank("let outcome = self.bank.withdraw(&op.account, op.amount, None).await;"));
    }

    #[test]
    fn reads_the_real_world_mode_switch() {
        assert!(real_world_mode_in_source("pub const REAL_WORLD_MODE: bool = true;"));
        assert!(!real_world_mode_in_source("pub const REAL_WORLD_MODE: bool = false;"));
        assert!(!real_world_mode_in_source("// pub const REAL_WORLD_MODE: bool = true;"));
    }
}
