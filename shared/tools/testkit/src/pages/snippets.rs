//! Code quoted on a page must be the code in the repository: a ```rust block names its file
//! on its first line (`// exercises/module02/src/workflow.rs`), and every other line occurs
//! in that file, in order. `// ...` skips any number of lines. A file named with
//! `, after your change` is the learner's file once fixed: the solution's copy is read.

use std::path::{Path, PathBuf};

const AFTER_CHANGE: &str = ", after your change";

#[derive(Debug, Clone)]
pub struct Snippet {
    /// The first line, as written.
    pub header: String,
    pub lines: Vec<String>,
}

impl Snippet {
    pub fn new(mut lines: Vec<String>) -> Self {
        let header = if lines.is_empty() { String::new() } else { lines.remove(0) };
        Self { header, lines }
    }

    /// The file the snippet must occur in, relative to the workspace root; `None` when the
    /// first line names none.
    pub fn file(&self) -> Option<PathBuf> {
        let named = self.header.trim().strip_prefix("//")?.trim();
        let (named, after_change) = match named.strip_suffix(AFTER_CHANGE) {
            Some(named) => (named, true),
            None => (named, false),
        };
        if named.contains(' ') || !named.ends_with(".rs") {
            return None;
        }
        match (after_change, named.strip_prefix("exercises/")) {
            (true, Some(rest)) => Some(Path::new("solutions").join(rest)),
            (true, None) => None,
            (false, _) => Some(PathBuf::from(named)),
        }
    }
}

/// The snippet's lines that are not in `source` in order (empty: the snippet is faithful).
/// Lines are compared trimmed; blank lines are ignored; `// ...` may skip lines.
pub fn missing_snippet_lines(snippet: &Snippet, source: &str) -> Vec<String> {
    let source: Vec<&str> = source.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    let lines: Vec<&str> = snippet.lines.iter().map(|line| line.trim()).filter(|line| !line.is_empty()).collect();
    misses(&lines, &source, 0, true) // the first line may be anywhere
}

/// The snippet's `lines` missing from `source[at..]`. A line that may skip (the first, one
/// after `// ...` or after a miss) tries each place it occurs and keeps the best match, so
/// a line that also occurs earlier (a helper call) does not throw the rest off.
fn misses(lines: &[&str], source: &[&str], at: usize, may_skip: bool) -> Vec<String> {
    let Some((&line, rest)) = lines.split_first() else { return Vec::new() };
    if line == "// ..." {
        return misses(rest, source, at, true);
    }
    let candidates: Vec<usize> = if may_skip {
        (at..source.len()).filter(|&index| source[index] == line).collect()
    } else {
        (source.get(at) == Some(&line)).then_some(at).into_iter().collect()
    };
    let best = candidates.into_iter().map(|index| misses(rest, source, index + 1, false)).min_by_key(Vec::len);
    best.unwrap_or_else(|| {
        // After a miss, resynchronise on the next line.
        let mut missing = vec![line.to_string()];
        missing.extend(misses(rest, source, at, true));
        missing
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str) -> Snippet {
        Snippet::new(text.lines().map(str::to_string).collect())
    }

    const SOURCE: &str = "fn run() {\n    let a = 1;\n\n    let b = 2;\n    let c = 3;\n}\n";

    #[test]
    fn names_its_file_or_the_solution_after_a_change() {
        let plain = snippet("// exercises/module02/src/workflow.rs\nlet a = 1;");
        assert_eq!(plain.file(), Some(PathBuf::from("exercises/module02/src/workflow.rs")));
        let changed = snippet("// exercises/module02/src/account_api.rs, after your change\nx");
        assert_eq!(changed.file(), Some(PathBuf::from("solutions/module02/src/account_api.rs")));
        assert_eq!(snippet("pub const X: bool = true;").file(), None);
        assert_eq!(snippet("// change this line\nx").file(), None);
    }

    #[test]
    fn lines_must_follow_each_other_unless_elided() {
        let check = |text: &str| missing_snippet_lines(&snippet(&format!("// f.rs\n{text}")), SOURCE);
        assert!(check("let a = 1;\nlet b = 2;").is_empty(), "blank lines in the file are ignored");
        assert!(check("fn run() {\n// ...\nlet c = 3;\n}").is_empty());
        assert_eq!(check("fn run() {\nlet c = 3;"), ["let c = 3;"], "a gap needs `// ...`");
        assert_eq!(check("let c = 3;\nlet a = 1;"), ["let a = 1;"], "in order");
        assert_eq!(check("let d = 4;"), ["let d = 4;"]);
    }

    #[test]
    fn a_first_line_that_occurs_twice_matches_where_the_rest_follows() {
        let source = "fn a() {\n    setup();\n    one();\n}\nfn b() {\n    setup();\n    two();\n}\n";
        let check = |text: &str| missing_snippet_lines(&snippet(&format!("// f.rs\n{text}")), source);
        assert!(check("setup();\ntwo();").is_empty());
        assert_eq!(check("setup();\nthree();"), ["three();"]);
    }
}
