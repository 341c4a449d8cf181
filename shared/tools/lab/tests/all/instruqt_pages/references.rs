//! What the prose says about the code is true: every file it names exists, every function or
//! constant it names is in the code (in the file named beside it, if any), and every line
//! reference (`line 160`, `lines 18 to 30`, `workflow.rs:32`) points at a line that holds the
//! name given with it.

use std::path::{Path, PathBuf};

use testkit::pages::Page;
use testkit::pages::prose::{code_spans, paragraphs, without_code};

/// A file named in prose: a span with a `/` or a known extension, and no spaces.
fn file_name(span: &str) -> Option<&str> {
    let path = span.split(':').next().unwrap_or(span);
    let is_file = [".rs", ".md", ".toml", ".json", ".sh", ".svg"].iter().any(|ext| path.ends_with(ext));
    (is_file && !span.contains(' ') && !span.contains("://")).then_some(path)
}

/// A name from the code: `snake_case_with_underscores`, `SCREAMING_CASE`, `Type::item`,
/// `ctx.method`, with or without `()`. Account names and other data are names too: they are
/// in the code as well.
fn code_name(span: &str) -> Option<&str> {
    let name = span.trim_end_matches("()").trim_start_matches('.');
    let identifier_like = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.'));
    let compound = name.contains('_') || name.contains("::") || name.contains('.') || span.ends_with("()");
    (identifier_like && compound && !name.is_empty() && file_name(span).is_none()).then_some(name)
}

/// A line reference and the paragraph it stands in.
#[derive(Debug, PartialEq, Eq)]
struct LineReference {
    file: Option<String>,
    first: usize,
    last: usize,
}

/// `line N`, `lines N to M` (or `N-M`), and `file.rs:N` in `paragraph`.
fn line_references(paragraph: &str) -> Vec<LineReference> {
    let files: Vec<String> = code_spans(paragraph).iter().filter_map(|s| file_name(s)).map(String::from).collect();
    let mut found = Vec::new();
    let words: Vec<&str> = paragraph.split_whitespace().collect();
    for (at, word) in words.iter().enumerate() {
        let number = |i: usize| -> Option<usize> {
            words.get(i).and_then(|w| w.trim_matches(|c: char| !c.is_ascii_digit()).parse().ok())
        };
        let word = word.trim_start_matches('(');
        if word == "line" {
            if let Some(n) = number(at + 1) {
                found.push(LineReference { file: files.first().cloned(), first: n, last: n });
            }
        } else if word == "lines"
            && let Some(first) = number(at + 1)
        {
            let last = if matches!(words.get(at + 2), Some(&"to" | &"and")) { number(at + 3) } else { None };
            found.push(LineReference { file: files.first().cloned(), first, last: last.unwrap_or(first) });
        }
    }
    for span in code_spans(paragraph) {
        if let Some((file, line)) = span.split_once(':')
            && file.ends_with(".rs")
            && let Ok(n) = line.parse()
        {
            found.push(LineReference { file: Some(file.to_string()), first: n, last: n });
        }
    }
    found
}

/// `named` as a path in the workspace: from the root, or from the page's module folder.
fn resolve(page: &Page, named: &str) -> Option<PathBuf> {
    let root = workshop::paths::workspace_root();
    let module = page
        .front_matter
        .lines()
        .find_map(|l| l.trim().strip_prefix("workdir:"))
        .and_then(|dir| dir.trim().split_once("failure-proof-rust/").map(|(_, relative)| root.join(relative)));
    let candidates = [Some(root.join(named)), module.map(|dir| dir.join(named))];
    candidates.into_iter().flatten().find(|path| path.exists())
}

/// Every `.rs` file of the workspace's code, read once.
fn all_rust_sources() -> String {
    fn walk(dir: &Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && path.file_name().is_some_and(|n| n != "target") {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    let root = workshop::paths::workspace_root();
    let mut sources = String::new();
    for dir in ["exercises", "solutions", "shared"] {
        walk(&root.join(dir), &mut sources);
    }
    sources
}

/// `name` occurs in `source`: whole, or for `Type::item` / `a.method` every part.
fn mentions(source: &str, name: &str) -> bool {
    source.contains(name) || name.split(['.', ':']).filter(|part| !part.is_empty()).all(|part| source.contains(part))
}

#[test]
fn every_file_name_and_line_the_prose_names_is_in_the_code() {
    let everything = all_rust_sources();
    let mut checked = (0, 0, 0);
    for page in Page::all() {
        let shown = page.path.display();
        for paragraph in paragraphs(&without_code(&page.body)) {
            let spans = code_spans(&paragraph);
            let mut files = Vec::new();
            for named in spans.iter().filter_map(|s| file_name(s)) {
                let path = resolve(&page, named).unwrap_or_else(|| panic!("{shown}: `{named}` does not exist"));
                files.push(std::fs::read_to_string(&path).unwrap_or_default());
                checked.0 += 1;
            }
            let names: Vec<&str> = spans.iter().filter_map(|s| code_name(s)).collect();
            for name in &names {
                let found = if files.is_empty() {
                    mentions(&everything, name)
                } else {
                    files.iter().any(|source| mentions(source, name))
                };
                assert!(found, "{shown}: `{name}` is not in the code it names:\n{paragraph}");
                checked.1 += 1;
            }
            for reference in line_references(&paragraph) {
                let file = reference.file.as_deref().unwrap_or_else(|| {
                    panic!("{shown}: a line reference must name its file (`src/x.rs`):\n{paragraph}")
                });
                let path = resolve(&page, file).unwrap_or_else(|| panic!("{shown}: `{file}` does not exist"));
                let source = std::fs::read_to_string(&path).unwrap();
                let lines: Vec<&str> = source.lines().collect();
                let range = lines.get(reference.first - 1..reference.last.min(lines.len())).unwrap_or_default();
                assert!(
                    !names.is_empty(),
                    "{shown}: say what is at {file}:{} (a `name` from the code beside the line number):\n{paragraph}",
                    reference.first
                );
                assert!(
                    names.iter().any(|name| range.iter().any(|line| mentions(line, name))),
                    "{shown}: {file} lines {}–{} hold none of {names:?}:\n{range:#?}",
                    reference.first,
                    reference.last
                );
                checked.2 += 1;
            }
        }
    }
    println!("checked {} file names, {} code names, {} line references", checked.0, checked.1, checked.2);
    assert!(checked.0 >= 8 && checked.1 >= 20, "the pages name the code they teach: {checked:?}");
}

#[test]
fn line_references_are_read_with_their_file() {
    let refs = line_references("`account_workflows` in `shared/transfer-ui/src/api.rs`, line 160, builds it.");
    assert_eq!(refs, [LineReference { file: Some("shared/transfer-ui/src/api.rs".into()), first: 160, last: 160 }]);
    let refs = line_references("a plain `for` loop in `src/workflow.rs` (lines 18 to 30)");
    assert_eq!(refs, [LineReference { file: Some("src/workflow.rs".into()), first: 18, last: 30 }]);
    let refs = line_references("type `module03/src/workflow.rs:51`");
    assert_eq!(refs, [LineReference { file: Some("module03/src/workflow.rs".into()), first: 51, last: 51 }]);
    assert_eq!(code_name("add_live_state"), Some("add_live_state"));
    assert_eq!(code_name("Listing::transfers"), Some("Listing::transfers"));
    assert_eq!(code_name(".unwrap()"), Some("unwrap"));
    assert_eq!(code_name("identity"), None, "a plain word is not checked");
    assert_eq!(code_name("src/workflow.rs"), None);
    assert_eq!(file_name("src/workflow.rs"), Some("src/workflow.rs"));
    assert_eq!(file_name("../../scripts/dev-server status"), None);
    assert!(mentions("impl Listing { pub async fn transfers(", "Listing::transfers"));
    assert!(!mentions("impl Listing {}", "Listing::transfers"));
}
