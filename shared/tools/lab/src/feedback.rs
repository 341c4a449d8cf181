//! How a check that fails speaks to the learner: one short message saying what is missing and
//! what to do. Instruqt shows a check's feedback only from stdout lines prefixed `FAIL: `, or
//! from its `fail-message` helper (which prints such a line); stderr is never shown. So the
//! message goes through `fail-message` when it is on PATH, else straight to stdout. Every
//! failing check (and the launcher script, when there is no binary) says it this way.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The message for the learner: the first thing missing, and how many more there are.
pub fn summary(module: u8, problems: &[String]) -> String {
    let first = problems.first().map(String::as_str).unwrap_or("the check found nothing done yet");
    match problems.len() {
        0 | 1 => first.to_string(),
        n => format!(
            "{first}\n(and {} more: run `scripts/check module{module:02}` in a terminal to see them all)",
            n - 1
        ),
    }
}

/// Shows `message` as the check's feedback: `fail-message MESSAGE` when Instruqt's helper is on
/// PATH (it prints `FAIL: MESSAGE`; its exit status says nothing about that, some versions exit
/// 1), else the same line on stdout.
pub fn fail(message: &str) {
    if let Some(helper) = on_path("fail-message")
        && Command::new(&helper).arg(message).status().is_ok()
    {
        return;
    }
    println!("FAIL: {message}");
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_problem_is_the_message_more_are_counted() {
        assert_eq!(summary(1, &["Run it.".into()]), "Run it.");
        let two = summary(4, &["Fix the bug.".into(), "Reset a transfer.".into()]);
        assert!(two.starts_with("Fix the bug.\n(and 1 more: run `scripts/check module04`"), "{two}");
    }
}
