//! Module 4 is module 3 with its own names and Jerry's two changes: a learner reads the
//! whole module in place, so it is a copy, and this test keeps the copy honest.

use testkit::drift::changed_lines;

#[test]
fn module04_is_module03_plus_jerrys_changes() {
    let exercises = workshop::paths::workspace_root().join("exercises");
    let changed = changed_lines(&exercises.join("module03/src"), &exercises.join("module04/src"));
    let expected = [
        // activities.rs: Jerry's "local bank".
        r#"-        let outcome = self.bank.withdraw(&op.account, op.amount, Some(op.reference_id.clone())).await;"#,
        r#"+        // Jerry: "withdrawals go through my local bank, it's faster" (it worked on his machine)."#,
        r#"+        let bank = AccountClient::new("http://localhost:8080");"#,
        r#"+        let outcome = bank.withdraw(&op.account, op.amount, Some(op.reference_id.clone())).await;"#,
        // main.rs: the module's description and names.
        "-//! Module 3: a Money Transfer UI. Each transfer is a workflow; the page follows it with a",
        "-//! Query and finds an account's transfers through search attributes.",
        "+//! Module 4: the Money Transfer UI of module 3, after Jerry shipped two changes. Find his",
        "+//! bugs, fix them, restart the worker: the stuck transfers finish by themselves.",
        r#"-    let about = "Module 3: a Money Transfer UI over Temporal workflows";"#,
        "-    transfer_ui::cli::main(workshop::MODULE03, about, worker::build).await",
        r#"+    let about = "Module 4: fix Jerry's bugs while transfers wait";"#,
        "+    transfer_ui::cli::main(workshop::MODULE04, about, worker::build).await",
        // worker.rs: the module's task queue.
        "-use workshop::MODULE03;",
        "+use workshop::MODULE04;",
        "-    let options = WorkerOptions::new(MODULE03.task_queue())",
        "+    let options = WorkerOptions::new(MODULE04.task_queue())",
        // workflow.rs: the description, the workflow type and Jerry's fraud screen.
        "-//! The lesson: a transfer that reports its own progress. `get_state` is a Query: any client",
        "-//! (the page, the CLI, the Web UI) can ask a running workflow what it is doing. The search",
        r#"-//! attributes make "every transfer of account_A" one visibility query."#,
        "+//! Module 3's transfer workflow, plus what Jerry pushed on Friday afternoon. It compiles,",
        "+//! and his tests passed. Run a transfer and watch what happens.",
        r#"-    #[run(name = "Module03TransferWorkflow")]"#,
        r#"+    #[run(name = "Module04TransferWorkflow")]"#,
        r#"+        // Jerry: screen transfers from the fraud team's watch list (accounts 9000 and up)."#,
        r#"+        let account_number: u32 = from.trim_start_matches("account_").parse().unwrap();"#,
        "+        if account_number >= 9000 {",
        r#"+            return Err(ApplicationFailure::non_retryable(format!("{from} is on the fraud watch list")).into());"#,
        "+        }",
    ];
    assert_eq!(changed, expected, "module 4 drifted from module 3 beyond its names and Jerry's changes");
}
