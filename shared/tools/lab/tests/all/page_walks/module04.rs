//! Module 4's page: Jerry's panic leaves the Daily Batch stuck; the workflow fix moves every
//! stuck transfer on to the withdrawal, where Jerry's activity bug holds it; the activity fix
//! completes them; Jerry's hot fix, deployed, fails a new transfer for good; a reset brings it
//! back on the fixed code, and a second reset reruns every step without the bank paying twice.
//! The learner's edits are prebuilt: each restart of the page runs the build its step leaves
//! (Jerry's, the workflow fixed, both fixed), on the same ports and bank database.

use anyhow::Context;
use contract::DAILY_BATCH;
use serde_json::{Value, json};
use temporalio_client::{Client, WorkflowExecutionStatus};
use testkit::pages::{PAGE_ACCOUNT_API_PORT, PAGE_UI_PORT, Walk};
use testkit::{Launch, Program, TempDir, TestServer, eventually, free_port, history, target_dir, workspace_binary};

const START: &str = "cargo run -p module04 -- --host 0.0.0.0";

struct Ports {
    api: String,
    ui: String,
    db: String,
    _dir: TempDir,
}

impl Ports {
    fn new() -> anyhow::Result<Self> {
        let dir = TempDir::new("module04-walk")?;
        let db = dir.path().join("bank.db").display().to_string();
        Ok(Self { api: free_port()?.to_string(), ui: free_port()?.to_string(), db, _dir: dir })
    }

    fn args(&self) -> [&str; 6] {
        ["--api-port", &self.api, "--ui-port", &self.ui, "--db", &self.db]
    }

    fn ui_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.ui)
    }
}

/// The page's restart, run with the build the learner's edits of that step make.
async fn restart_as(
    walk: &mut Walk,
    build: &str,
    why: &str,
    ports: &Ports,
    server: &TestServer,
) -> anyhow::Result<Program> {
    walk.skip(START, why);
    let mut program =
        Launch::new(build).args(["--host", "127.0.0.1"]).args(ports.args()).envs(&server.program_env()).spawn()?;
    program.wait_for(workshop::said::UI_READY).await?;
    Ok(program)
}

async fn stop(walk: &mut Walk, mut program: Program) -> anyhow::Result<()> {
    program.interrupt()?; // Ctrl-C
    program.wait_exit().await?;
    walk.record(&program);
    Ok(())
}

/// A transfer from the Money Transfer UI, as the learner's click sends it.
async fn send(ports: &Ports, from: &str, to: &str, dollars: u32) -> anyhow::Result<String> {
    let body = json!({ "from_account": from, "to_account": to, "amount": dollars });
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/api/transfer", ports.ui_url()))
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    Ok(answer["workflow_id"].as_str().expect("a workflow id").to_string())
}

async fn wait_for_status(client: &Client, id: &str, wanted: WorkflowExecutionStatus) -> anyhow::Result<()> {
    eventually(&format!("{id} to be {wanted:?}"), || async {
        let handle = client.get_workflow_handle::<temporalio_client::UntypedWorkflow>(id);
        let status = handle.describe(Default::default()).await.ok()?.status();
        (status == wanted).then_some(())
    })
    .await
}

#[tokio::test]
async fn module04_page() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let client = server.client();
    let ports = Ports::new()?;
    let mut walk = Walk::new("04-jerrys-bugs", server.program_env());
    walk.rewrite("--host 0.0.0.0", "--host 127.0.0.1");
    walk.rewrite_port(PAGE_ACCOUNT_API_PORT, ports.api.parse()?);
    walk.rewrite_port(PAGE_UI_PORT, ports.ui.parse()?);
    let examples = target_dir().join("debug/examples");
    let build = |name: &str| {
        let path = examples.join(name);
        assert!(path.is_file(), "{} is missing: `cargo test -p lab` builds it", path.display());
        path.display().to_string()
    };

    // Jerry's bank URL, as his activity code has it (read, not quoted: the test never uses it).
    let exercise =
        std::fs::read_to_string(workshop::paths::workspace_root().join("exercises/module04/src/activities.rs"))?;
    let jerrys_line =
        exercise.lines().find(|line| line.contains("AccountClient::new(\"")).context("Jerry's URL line")?;
    let jerrys_url = jerrys_line.split('"').nth(1).context("Jerry's URL")?;

    // Steps 1 and 2: Jerry's version; the Daily Batch is stuck on his panic.
    let mut jerrys = walk.spawn(START, &ports.args())?;
    jerrys.wait_for(workshop::said::UI_READY).await?;
    let mut batch = Vec::new();
    for (from, to) in DAILY_BATCH {
        batch.push(send(&ports, from, to, 100).await?);
    }
    jerrys.wait_for("PANIC at").await?;
    // The worker prints the panic before the server has recorded the failed task.
    for stuck in &batch {
        eventually("the panic in each stuck transfer's history", || async {
            let failures = history::workflow_task_failures(&history::events(&client, stuck).await.ok()?);
            failures.first().is_some_and(|failure| failure.contains("ParseIntError")).then_some(())
        })
        .await?;
    }
    stop(&mut walk, jerrys).await?;

    // Step 3: the workflow fixed. Every stuck transfer carries on, to the withdrawal, where
    // Jerry's activity bug makes it retry.
    let why = "the learner's workflow fix is prebuilt";
    let mut half_fixed = restart_as(&mut walk, &build("only_the_workflow_fixed"), why, &ports, &server).await?;
    let second_attempt = half_fixed.wait_for("[attempt 2] withdraw($100.00 from account_A): failed").await?;
    // Whatever answers on Jerry's port (nothing, or the lab's Temporal UI), the failure names
    // the bank the worker was given: the learner reads the URL instead of restarting a bank.
    let workers_bank = format!("the worker's account API is http://127.0.0.1:{}, not {jerrys_url}", ports.api);
    assert!(second_attempt.contains(&workers_bank), "{second_attempt}");
    stop(&mut walk, half_fixed).await?;

    // Step 4: both fixes; the batch completes, each transfer once.
    let fixed_build = workspace_binary("module04-solution")?;
    let fixed = restart_as(&mut walk, &fixed_build, "both fixes are prebuilt", &ports, &server).await?;
    for id in &batch {
        wait_for_status(&client, id, WorkflowExecutionStatus::Completed).await?;
    }
    let diff = walk.run("../../scripts/solution-diff module04", &[]).await?;
    // The diff shows Jerry's wrong URL as a line the learner removes.
    assert!(diff.contains(&format!("-{jerrys_line}")), "{diff}");
    stop(&mut walk, fixed).await?;

    // Step 5: Jerry's hot fix, deployed. A new transfer fails at once, for good.
    let mut hot_fix = walk.spawn("cargo run -p module04 --example jerrys_hot_fix -- --host 0.0.0.0", &ports.args())?;
    hot_fix.wait_for(workshop::said::UI_READY).await?;
    let failed = send(&ports, "account_A", "account_B", 100).await?;
    wait_for_status(&client, &failed, WorkflowExecutionStatus::Failed).await?;
    stop(&mut walk, hot_fix).await?;

    // Step 6: the fixed build again; the failed transfer, reset to its last workflow task,
    // completes on it.
    let mut fixed = restart_as(&mut walk, &fixed_build, "both fixes are prebuilt", &ports, &server).await?;
    let failed_query = "temporal workflow list --query \"WorkflowType = 'Module04TransferWorkflow' AND ExecutionStatus = \
                        'Failed'\"";
    let listed = walk.run(failed_query, &[]).await?;
    assert!(listed.contains(&failed), "{listed}");
    walk.rewrite("<workflow-id>", &failed);
    let reset_command = "temporal workflow reset --workflow-id <workflow-id> --type LastWorkflowTask --reason \"rerun on the fixed code\"";
    walk.run(reset_command, &[]).await?;
    wait_for_status(&client, &failed, WorkflowExecutionStatus::Completed).await?;

    // Go further: reset to the first workflow task; the steps run again, the bank pays once.
    let rerun_command = "temporal workflow reset --workflow-id <workflow-id> --type FirstWorkflowTask --reason \"does the \
                         bank pay twice?\"";
    walk.run(rerun_command, &[]).await?;
    fixed.wait_for(&format!("reference_id \"{failed}/deposit\" was already applied")).await?;
    wait_for_status(&client, &failed, WorkflowExecutionStatus::Completed).await?;
    let ledger = walk
        .run(
            &format!("curl -s localhost:{PAGE_ACCOUNT_API_PORT}/ledger | python3 -m json.tool | grep reference_id"),
            &[],
        )
        .await?;
    for step in ["withdraw", "deposit"] {
        let key = format!("\"{failed}/{step}\"");
        assert_eq!(ledger.matches(&key).count(), 1, "{key} once in the ledger:\n{ledger}");
    }
    stop(&mut walk, fixed).await?;

    // Bonus: the replay tests, with `--nocapture` as the page suggests, for replay's reasons.
    walk.run("cargo test -p module04 --test replay", &["--nocapture"]).await?;
    walk.finish();
    Ok(())
}
