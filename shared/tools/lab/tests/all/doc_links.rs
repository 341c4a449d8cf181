//! The project's Markdown (the README with its Codespaces button, the modules' READMEs, docs/,
//! the Instruqt pages, the lab image's notes) links the tree's files by relative paths: each
//! must lead to a file or folder that exists, or a reader who follows it on GitHub or in the
//! editor lands on nothing.

use std::path::{Path, PathBuf};

use testkit::pages::prose::{paragraphs, without_code};

/// Every `.md` file below `dir`, outside build output and hidden folders.
fn markdown_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let (path, name) = (entry.path(), entry.file_name().to_string_lossy().into_owned());
        if path.is_dir() {
            if !name.starts_with('.') && !["target", "node_modules"].contains(&name.as_str()) {
                markdown_files(&path, found);
            }
        } else if name.ends_with(".md") {
            found.push(path);
        }
    }
}

/// The targets of the links and images (`[text](target)`, `![alt](target)`) outside code.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for paragraph in paragraphs(&without_code(markdown)) {
        let prose: String = paragraph.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        for (at, _) in prose.match_indices("](") {
            let rest = &prose[at + 2..];
            let target = rest[..rest.find(')').unwrap_or(rest.len())].split_whitespace().next().unwrap_or_default();
            targets.push(target.trim_matches(['<', '>']).to_string());
        }
    }
    targets
}

/// The path a target names in the tree, or `None` for a web address, an anchor on the same
/// page or an Instruqt tab button (`tab-0`).
fn local_path(target: &str) -> Option<&str> {
    let external = target.contains("://") || target.starts_with("mailto:") || target.starts_with("tab-");
    let path = target.split(['#', '?']).next().unwrap_or_default();
    (!external && !path.is_empty()).then_some(path)
}

#[test]
fn every_relative_link_in_the_docs_leads_to_a_file_that_exists() {
    let root = workshop::paths::workspace_root();
    let mut files = Vec::new();
    markdown_files(&root, &mut files);
    assert!(files.contains(&root.join("README.md")), "{files:?}");
    let (mut checked, mut dead) = (0, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for target in link_targets(&text) {
            let Some(path) = local_path(&target) else { continue };
            let resolved = match path.strip_prefix('/') {
                Some(from_root) => root.join(from_root),
                None => file.parent().unwrap().join(path),
            };
            checked += 1;
            if !resolved.exists() {
                dead.push(format!("{}: ({target})", file.strip_prefix(&root).unwrap().display()));
            }
        }
    }
    println!("{checked} links into the tree in {} Markdown files", files.len());
    assert!(dead.is_empty(), "links to nothing:\n{}", dead.join("\n"));
    assert!(checked >= 10, "the docs link the modules' READMEs, docs/ and the diagrams: {checked} links found");
}

#[test]
fn links_are_read_outside_code_with_their_anchors_apart() {
    let text = "See [the module](exercises/module01/README.md#run) and ![a](../x.svg \"title\").\n\n\
                `[not](a-link)` in code, [a tab](tab-0), [docs](https://docs.temporal.io/x).\n\n\
                ```\n[not](either)\n```\n";
    let targets = link_targets(text);
    assert_eq!(targets, ["exercises/module01/README.md#run", "../x.svg", "tab-0", "https://docs.temporal.io/x"]);
    let local: Vec<_> = targets.iter().filter_map(|target| local_path(target)).collect();
    assert_eq!(local, ["exercises/module01/README.md", "../x.svg"]);
}
