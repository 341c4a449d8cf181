//! Module 4's page: Jerry's panic leaves a transfer stuck, his hot fix fails transfers for
//! good, the real fixes complete new ones, a reset brings a failed transfer back, and a second
//! reset reruns every step without the bank paying twice. The learner's edits are prebuilt:
//! each restart of the page runs the build its step leaves (Jerry's, his hot fix, the workflow
//! fixed, both fixed), on the same ports and bank database.

use anyhow::Context;
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
    program.wait_for("UI ready at").await?;
    Ok(program)
}

async fn stop(walk: &mut Walk, mut program: Program) -> anyhow::Result<()> {
    program.interrupt()?; // Ctrl-C
    program.wait_exit().await?;
    walk.record(&program);
    Ok(())
}

/// A transfer from the Money Transfer UI, as the learner's click sends it.
async fn send(ports: &Ports, dollars: u32) -> anyhow::Result<String> {
    let body = json!({ "from_account": "account_A", "to_account": "account_B", "amount": dollars });
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

    // Steps 1 and 2: Jerry's version; the first transfer is stuck on his panic.
    let mut jerrys = walk.spawn(START, &ports.args())?;
    jerrys.wait_for("UI ready at").await?;
    let stuck = send(&ports, 100).await?;
    jerrys.wait_for("PANIC at").await?;
    // The worker prints the panic before the server has recorded the failed task.
    eventually("the panic in the stuck transfer's history", || async {
        let failures = history::workflow_task_failures(&history::events(&client, &stuck).await.ok()?);
        failures.first().is_some_and(|failure| failure.contains("ParseIntError")).then_some(())
    })
    .await?;
    stop(&mut walk, jerrys).await?;

    // Step 3: Jerry's hot fix. A new transfer fails at once, for good.
    let hot_fix = restart_as(&mut walk, &build("jerrys_hot_fix"), "the hot fix is prebuilt", &ports, &server).await?;
    let failed = send(&ports, 100).await?;
    wait_for_status(&client, &failed, WorkflowExecutionStatus::Failed).await?;
    let failed_query = "temporal workflow list --query \"WorkflowType = 'Module04TransferWorkflow' AND ExecutionStatus = \
                        'Failed'\"";
    let listed = walk.run(failed_query, &[]).await?;
    assert!(listed.contains(&failed), "{listed}");
    stop(&mut walk, hot_fix).await?;

    // Step 4: the workflow fixed. Step 5: a new transfer retries the withdrawal on Jerry's
    // activity bug, until both fixes run and it completes.
    let why = "the learner's workflow fix is prebuilt";
    let mut half_fixed = restart_as(&mut walk, &build("only_the_workflow_fixed"), why, &ports, &server).await?;
    let third = send(&ports, 100).await?;
    let second_attempt = half_fixed.wait_for("[attempt 2] withdraw($100.00 from account_A): failed").await?;
    // Whatever answers on Jerry's port (nothing, or the lab's Temporal UI), the failure names
    // the bank the worker was given: the learner reads the URL instead of restarting a bank.
    let workers_bank = format!("the worker's account API is http://127.0.0.1:{}, not {jerrys_url}", ports.api);
    assert!(second_attempt.contains(&workers_bank), "{second_attempt}");
    stop(&mut walk, half_fixed).await?;
    let fixed_build = workspace_binary("module04-solution")?;
    let mut fixed = restart_as(&mut walk, &fixed_build, "both fixes are prebuilt", &ports, &server).await?;
    wait_for_status(&client, &third, WorkflowExecutionStatus::Completed).await?;
    let diff = walk.run("../../scripts/solution-diff module04", &[]).await?;
    // The diff shows Jerry's wrong URL as a line the learner removes.
    assert!(diff.contains(&format!("-{jerrys_line}")), "{diff}");

    // Step 6: the failed transfer, reset to its last workflow task, completes on the fixed code.
    walk.rewrite("<workflow-id>", &failed);
    let reset_command = "temporal workflow reset --workflow-id <workflow-id> --type LastWorkflowTask --reason \"rerun on the fixed code\"";
    walk.run(reset_command, &[]).await?;
    wait_for_status(&client, &failed, WorkflowExecutionStatus::Completed).await?;

    // Step 7: reset to the first workflow task; the steps run again, the bank pays once.
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
