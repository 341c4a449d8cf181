//! Pins the copies a learner must see in place. A solution holds only the files a learner
//! changes and compiles the rest from its exercise; module 4 is module 3 plus Jerry's lines.
//! These checks fail when such a copy drifts from its original anywhere but the lesson.

use std::path::Path;
use std::process::Command;

use workshop::paths::workspace_root;

/// The lines `diff` reports as removed (`-…`) or added (`+…`) going from `before` to
/// `after` (files or folders), without the `---`/`+++` headers.
pub fn changed_lines(before: &Path, after: &Path) -> Vec<String> {
    let output = Command::new("diff").arg("-ru").arg(before).arg(after).output().expect("running diff");
    assert!(output.status.code().is_some_and(|code| code <= 1), "diff failed: {output:?}");
    marked_lines(&String::from_utf8_lossy(&output.stdout))
}

fn marked_lines(diff: &str) -> Vec<String> {
    let marked =
        |l: &&str| (l.starts_with('-') || l.starts_with('+')) && !l.starts_with("---") && !l.starts_with("+++");
    diff.lines().filter(marked).map(str::to_string).collect()
}

/// Checks `solutions/<module>`: its `src/` differs from the exercise only by `fix` (the
/// changed lines, as `scripts/solution-diff` shows them); its crate root `main.rs` is the
/// exercise's `main.rs` plus `#[path]` lines that take every other file from the exercise;
/// its dependencies are the exercise's.
pub fn check_solution(module: &str, fix: &[&str]) {
    let root = workspace_root();
    let diff = Command::new(root.join("scripts/solution-diff")).arg(module).output().expect("solution-diff");
    assert!(diff.status.success(), "{}", String::from_utf8_lossy(&diff.stderr));
    let changed = marked_lines(&String::from_utf8_lossy(&diff.stdout));
    assert_eq!(changed, fix, "the solution of {module} differs from its exercise by more (or less) than the fix");

    let solution = root.join("solutions").join(module);
    let exercise = root.join("exercises").join(module);
    let fixed: Vec<String> = std::fs::read_dir(solution.join("src"))
        .expect("solution src/")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let crate_root = read(&solution.join("main.rs"));
    for path in crate_root.lines().filter_map(|l| l.trim().strip_prefix("#[path = \"")?.strip_suffix("\"]")) {
        let file = path.rsplit('/').next().unwrap_or_default();
        let expected = if fixed.iter().any(|f| f == file) {
            format!("src/{file}")
        } else {
            format!("../../exercises/{module}/src/{file}")
        };
        assert_eq!(path, expected, "solutions/{module}/main.rs takes {file} from the wrong place");
    }
    for file in &fixed {
        assert!(crate_root.contains(&format!("#[path = \"src/{file}\"]")), "main.rs does not compile src/{file}");
    }
    assert_eq!(
        code_only(&crate_root),
        code_only(&read(&exercise.join("src/main.rs"))),
        "solutions/{module}/main.rs must be the exercise's main.rs plus #[path] lines"
    );
    assert_eq!(
        dependencies(&read(&solution.join("Cargo.toml"))),
        dependencies(&read(&exercise.join("Cargo.toml"))),
        "solutions/{module}/Cargo.toml has other dependencies than the exercise"
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The code of a crate root: without its doc comment, `#[path]` attributes and blank lines.
fn code_only(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !(l.starts_with("//!") || l.starts_with("#[path") || l.trim().is_empty())).collect()
}

/// The `[dependencies]` table of a manifest, line by line.
fn dependencies(manifest: &str) -> Vec<&str> {
    manifest.lines().skip_while(|l| *l != "[dependencies]").take_while(|l| !l.is_empty()).collect()
}
