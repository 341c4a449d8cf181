//! The solution of module 2 is the exercise with Real World Mode switched on, nothing else.

#[test]
fn the_solution_differs_from_the_exercise_only_by_the_fix() {
    testkit::drift::check_solution(
        "module02",
        &["-pub const REAL_WORLD_MODE: bool = false;", "+pub const REAL_WORLD_MODE: bool = true;"],
    );
}
