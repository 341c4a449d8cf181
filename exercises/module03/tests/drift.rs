//! Module 3 calls the bank with module 2's activities: the learner reads them in place in
//! both modules, so they are a copy, and this test keeps the copy exact.

#[test]
fn module03_calls_the_bank_with_module02s_activities() {
    let exercises = workshop::paths::workspace_root().join("exercises");
    let changed = testkit::drift::changed_lines(
        &exercises.join("module02/src/activities.rs"),
        &exercises.join("module03/src/activities.rs"),
    );
    assert!(changed.is_empty(), "module03/src/activities.rs drifted from module02's:\n{}", changed.join("\n"));
}
