//! Jerry's hot fix (examples/jerrys_hot_fix) is module 4's workflow with one change: the
//! unwrap of the account number turned into a returned error. It must stay that, or the page
//! would show a hot fix that does not fit the learner's code.

use testkit::drift::changed_lines;

#[test]
fn the_hot_fix_is_the_exercise_workflow_plus_one_change() {
    let root = workshop::paths::workspace_root();
    let changed = changed_lines(
        &root.join("exercises/module04/src/workflow.rs"),
        &root.join("exercises/module04/examples/jerrys_hot_fix/workflow.rs"),
    );
    let expected = [
        "-//! Module 3's transfer workflow, plus what Jerry pushed on Friday afternoon. It compiles,",
        "-//! and his tests passed. Run a transfer and watch what happens.",
        "+//! Module 4's transfer workflow with Jerry's hot fix for his panic: the parse error becomes",
        "+//! a returned error, which fails the workflow itself (see ../main.rs).",
        r#"-        let account_number: u32 = from.trim_start_matches("account_").parse().unwrap();"#,
        r#"+        // Jerry's hot fix: "no more panics, a clean error instead"."#,
        "+        let account_number: u32 = from",
        r#"+            .trim_start_matches("account_")"#,
        "+            .parse()",
        r#"+            .map_err(|e| ApplicationFailure::non_retryable(format!("{from} has no account number ({e})")))?;"#,
    ];
    assert_eq!(changed, expected, "the hot fix drifted from module 4's workflow beyond its one change");
}
