//! The solution runs the same programs as the exercise, so a learner (or the lab's solve
//! script) can swap one for the other. Having this test also makes `cargo test --workspace`
//! build the `module02-solution` binary.

#[test]
fn offers_the_exercise_programs() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_module02-solution")).arg("--help").output().unwrap();
    let text = String::from_utf8(help.stdout).unwrap();
    for program in
        ["account-api", "reset-db", "move-money", "move-money-retries", "worker", "start", "--amount", "--api-url"]
    {
        assert!(text.contains(program), "missing {program} in:\n{text}");
    }
}
