//! `scripts/temporal` runs the `temporal` binary of this crate: the CLI found (or installed)
//! the way the workshop's programs find it, with the learner's arguments.

use std::process::Command;

use temporalio_client::{UntypedWorkflow, WorkflowStartOptions};
use temporalio_common::data_converters::RawValue;
use testkit::{TestServer, eventually};

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

/// `scripts/temporal` as a learner types it: the same CLI as the programs', its exit status,
/// and the server `TEMPORAL_ADDRESS` names (a test server here, with one workflow started and
/// no worker for it).
#[tokio::test]
async fn the_script_lists_the_workflows_of_the_server_the_environment_names() -> anyhow::Result<()> {
    let cli = workshop::cli_tool::find_or_install()?;
    let direct = Command::new(&cli).arg("--version").output()?;
    let script = |args: &[&str]| {
        let mut command = tokio::process::Command::from(testkit::script("temporal"));
        command.args(args).env_remove("TEMPORAL_CLI").kill_on_drop(true);
        command
    };
    let version = script(&["--version"]).output().await?;
    assert!(version.status.success(), "{}", String::from_utf8_lossy(&version.stderr));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        String::from_utf8_lossy(&direct.stdout),
        "the same CLI as the programs'"
    );
    let refused = script(&["workflow", "no-such-command"]).output().await?;
    assert!(!refused.status.success(), "the CLI's exit status comes through");

    let server = TestServer::start().await?;
    let id = format!("temporal-wrapper-{}", std::process::id());
    let options = WorkflowStartOptions::new("temporal-wrapper-test", id.clone()).build();
    server.client().start_workflow(UntypedWorkflow::new("NoWorkerWorkflow"), RawValue::new(vec![]), options).await?;
    // The list may lag the start by a moment: asked again while it answers without the id.
    let id = &id;
    let (listed, said) = eventually("the workflow in `scripts/temporal workflow list`", || {
        let list = script(&["workflow", "list"]).envs(server.program_env()).output();
        async move {
            let output = list.await.ok()?;
            let said =
                format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
            let listed = said.contains(id.as_str());
            (listed || !output.status.success()).then_some((listed, said))
        }
    })
    .await?;
    assert!(listed, "{id} is not in the list of the server at {}:\n{said}", server.address());
    Ok(())
}
