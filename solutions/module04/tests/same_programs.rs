//! The solution runs the same programs as the exercise, so a learner (or the lab's solve
//! script) can swap one for the other. Having this test also makes `cargo test --workspace`
//! build the `module04-solution` binary that module 4's tests run as the fixed worker.

#[test]
fn offers_the_exercise_programs() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_module04-solution")).arg("--help").output().unwrap();
    let text = String::from_utf8(help.stdout).unwrap();
    for program in ["account-api", "ui", "worker", "reset-db", "--api-port", "--ui-port", "--db"] {
        assert!(text.contains(program), "missing {program} in:\n{text}");
    }
}
