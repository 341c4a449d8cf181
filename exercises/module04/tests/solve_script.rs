//! `scripts/solve`, the lab's "skip" button, on a copy of the tree (never the real one).

use std::path::Path;
use std::process::Command;

use testkit::TempDir;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn solve_applies_the_solution_and_restore_gives_the_learner_their_code_back() {
    let real = workshop::paths::workspace_root();
    let tmp = TempDir::new("solve").unwrap();
    let root = tmp.path();
    copy_dir(&real.join("scripts"), &root.join("scripts"));
    copy_dir(&real.join("exercises/module04/src"), &root.join("exercises/module04/src"));
    copy_dir(&real.join("solutions/module04/src"), &root.join("solutions/module04/src"));
    // The learner has started editing: their change must survive solve + restore.
    let workflow = root.join("exercises/module04/src/workflow.rs");
    let learners = format!("{}\n// my notes\n", read(&workflow));
    std::fs::write(&workflow, &learners).unwrap();
    let solve = |args: &[&str]| Command::new(root.join("scripts/solve")).args(args).output().unwrap();

    let diff = || {
        let shown = Command::new(root.join("scripts/solution-diff")).arg("module04").output().unwrap();
        assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
        String::from_utf8_lossy(&shown.stdout).into_owned()
    };
    let same = "No difference: your exercises/module04/src matches the solution.";
    let before = diff();
    assert!(before.contains("+++ solutions/module04/src/workflow.rs") && !before.contains(same), "{before}");

    let applied = solve(&["module04"]);
    assert!(applied.status.success(), "{}", String::from_utf8_lossy(&applied.stderr));
    assert_eq!(diff(), format!("{same}\n"), "once the code matches, solution-diff says so");
    for file in ["workflow.rs", "activities.rs"] {
        let exercise = read(&root.join("exercises/module04/src").join(file));
        assert_eq!(exercise, read(&root.join("solutions/module04/src").join(file)), "{file} is the solution's");
    }
    let untouched = read(&root.join("exercises/module04/src/worker.rs"));
    assert_eq!(untouched, read(&real.join("exercises/module04/src/worker.rs")), "files the fix does not touch stay");

    let restored = solve(&["--restore", "module04"]);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    assert_eq!(read(&workflow), learners, "the learner's own version is back");

    let again = solve(&["--restore", "module04"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("Nothing to restore"));
    let unknown = solve(&["module99"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("usage"));
}
