//! Small rooms in the shared crates and tools: no source file over 600 lines, no function over
//! 80 lines outside tests. A long function is where the next maintainer's change goes wrong;
//! split it by what its parts do.
//!
//! The scan leans on rustfmt (CI checks every file is formatted): a function's closing brace
//! stands alone on a line at the indentation of its `fn` line.

use std::path::{Path, PathBuf};

const MOST_LINES_IN_A_FILE: usize = 600;
const MOST_LINES_IN_A_FUNCTION: usize = 80;

/// Every `.rs` file below a `src` folder of `dir`, leaving out tests' own files.
fn sources(dir: &Path, in_src: bool, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let (path, name) = (entry.path(), entry.file_name().to_string_lossy().into_owned());
        if path.is_dir() {
            if !name.starts_with('.') && !["target", "tests"].contains(&name.as_str()) {
                sources(&path, in_src || name == "src", found);
            }
        } else if in_src && name.ends_with(".rs") && name != "tests.rs" {
            found.push(path);
        }
    }
}

/// A function's name, its first line (1-based) and how many lines it spans.
#[derive(Debug, PartialEq)]
struct Function {
    name: String,
    line: usize,
    lines: usize,
}

/// The name a line declares a function with a body, if it does (`pub async fn run(` → `run`).
fn declared_fn(line: &str) -> Option<&str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let fn_at = words.iter().position(|word| *word == "fn")?;
    let modifiers = ["pub", "pub(crate)", "pub(super)", "async", "const", "unsafe", "extern", "\"C\""];
    if !words[..fn_at].iter().all(|word| modifiers.contains(word)) {
        return None;
    }
    let name = words.get(fn_at + 1)?.split(['(', '<']).next()?;
    (!name.is_empty()).then_some(name)
}

/// The functions of one file outside `#[test]` functions and `#[cfg(test)]` modules.
fn functions(source: &str) -> Vec<Function> {
    let lines: Vec<&str> = source.lines().collect();
    let closing_line = |from: usize, indent: &str| {
        let closing = format!("{indent}}}");
        (from..lines.len()).find(|&at| lines[at] == closing)
    };
    let (mut found, mut at) = (Vec::new(), 0);
    while at < lines.len() {
        let line = lines[at];
        let indent = &line[..line.len() - line.trim_start().len()];
        let attribute = at.checked_sub(1).map(|before| lines[before].trim());
        let in_test = matches!(attribute, Some("#[test]" | "#[cfg(test)]" | "#[tokio::test]"))
            || attribute.is_some_and(|a| a.starts_with("#[tokio::test("));
        let item = line.trim_start().starts_with("mod ") || declared_fn(line).is_some();
        if in_test && item && !line.trim_end().ends_with(';') {
            at = closing_line(at + 1, indent).unwrap_or(at) + 1;
            continue;
        } else if let Some(name) = declared_fn(line) {
            let one_line = line.trim_end().ends_with('}') || line.trim_end().ends_with(';');
            let body = lines[at..].iter().position(|l| l.trim_end().ends_with(';') || l.trim_end().ends_with('{'));
            let declaration_only = body.is_some_and(|b| lines[at + b].trim_end().ends_with(';'));
            if !one_line
                && !declaration_only
                && let Some(end) = closing_line(at + 1, indent)
            {
                found.push(Function { name: name.to_string(), line: at + 1, lines: end - at + 1 });
            }
        }
        at += 1;
    }
    found
}

#[test]
fn the_scan_finds_functions_and_leaves_out_tests() {
    let source = "\
pub async fn run(
    a: u8,
) -> u8 {
    let b = {
        a
    };
    b
}

fn short() -> u8 { 1 }

trait T {
    fn declared(&self);
    fn provided(&self) {
        body();
    }
}

#[test]
fn a_test() {
    body();
}

#[cfg(test)]
mod tests {
    fn helper() {
        body();
    }
}
";
    let found = functions(source);
    assert_eq!(
        found,
        vec![
            Function { name: "run".into(), line: 1, lines: 8 },
            Function { name: "provided".into(), line: 14, lines: 3 },
        ]
    );
}

fn shared_sources() -> Vec<PathBuf> {
    let root = workshop::paths::workspace_root();
    let mut files = Vec::new();
    sources(&root.join("shared"), false, &mut files);
    assert!(files.contains(&root.join("shared/bank/src/db.rs")), "{files:?}");
    files
}

#[test]
fn no_function_of_the_shared_crates_is_over_80_lines_outside_tests() {
    let root = workshop::paths::workspace_root();
    let mut long = Vec::new();
    for file in shared_sources() {
        for function in functions(&std::fs::read_to_string(&file).unwrap()) {
            if function.lines > MOST_LINES_IN_A_FUNCTION {
                let path = file.strip_prefix(&root).unwrap().display().to_string();
                long.push(format!("{path}:{} {} ({} lines)", function.line, function.name, function.lines));
            }
        }
    }
    assert!(long.is_empty(), "over {MOST_LINES_IN_A_FUNCTION} lines, split by what the parts do:\n{}", long.join("\n"));
}

#[test]
fn no_source_file_of_the_shared_crates_is_over_600_lines() {
    let root = workshop::paths::workspace_root();
    let large: Vec<String> = shared_sources()
        .into_iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            let path = file.strip_prefix(&root).unwrap().display();
            (lines > MOST_LINES_IN_A_FILE).then(|| format!("{path} ({lines} lines)"))
        })
        .collect();
    assert!(large.is_empty(), "over {MOST_LINES_IN_A_FILE} lines, split by concern:\n{}", large.join("\n"));
}
