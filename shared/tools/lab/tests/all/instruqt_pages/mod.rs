//! The Instruqt pages only quote what exists: every `cargo run -p PACKAGE [-- SUBCOMMAND
//! --flags]` names a workspace package, a subcommand and flags its `--help` lists; every
//! `scripts/...` exists; every tab's folder exists; every button points at a tab; every Rust
//! snippet is in the file it names. And they fit the learner's time: [`budget`] (words),
//! [`time`] (minutes), [`terminals`] (a free terminal for every command), [`references`]
//! (line references, files and names), [`pictures`] (a diagram each, and a wrap-up), [`terms`]
//! (each idea explained where it is first used), [`moments`] (every promised wait measured).

mod budget;
mod moments;
mod pictures;
mod references;
mod terminals;
mod terms;
mod time;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use testkit::pages::{Page, missing_snippet_lines};

const LAB_ROOT: &str = "/workspace/failure-proof-rust";

/// Text a learner may run: fenced code blocks, and inline `code` spans.
fn quoted_code(body: &str) -> Vec<String> {
    let mut quoted = Vec::new();
    let mut in_block = false;
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            quoted.push(line.to_string());
        } else {
            quoted.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
        }
    }
    quoted
}

/// A `cargo run -p PACKAGE -- ARGS` found in quoted code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CargoRun {
    package: String,
    subcommand: Option<String>,
    flags: Vec<String>,
}

fn cargo_runs(code: &str) -> Vec<CargoRun> {
    let mut runs = Vec::new();
    for (at, _) in code.match_indices("cargo run") {
        let tokens: Vec<&str> =
            code[at..].split_whitespace().skip(2).take_while(|t| !matches!(*t, "&&" | "|" | ";")).collect();
        let Some(package) = tokens.iter().position(|t| *t == "-p").and_then(|i| tokens.get(i + 1)) else {
            panic!("`{code}`: cargo run without -p");
        };
        let args: Vec<&str> = match tokens.iter().position(|t| *t == "--") {
            Some(i) => tokens[i + 1..].to_vec(),
            None => Vec::new(),
        };
        let subcommand = args.first().filter(|t| !t.starts_with('-')).map(|t| t.to_string());
        let flags =
            args.iter().filter(|t| t.starts_with("--")).map(|t| t.split('=').next().unwrap().to_string()).collect();
        runs.push(CargoRun { package: package.to_string(), subcommand, flags });
    }
    runs
}

/// `scripts/NAME` mentioned in quoted code.
fn scripts(code: &str) -> Vec<String> {
    code.match_indices("scripts/")
        .map(|(at, _)| {
            let name: String = code[at + "scripts/".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            format!("scripts/{name}")
        })
        .collect()
}

/// Values of `key: value` lines in the front matter (any indentation).
fn front_matter_values<'a>(front_matter: &'a str, key: &str) -> Vec<&'a str> {
    front_matter
        .lines()
        .filter_map(|line| line.trim_start().trim_start_matches("- ").strip_prefix(&format!("{key}:")))
        .map(str::trim)
        .collect()
}

pub fn workspace_packages(root: &Path) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("cargo metadata");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
}

/// The folder of the quoted packages' binaries. `cargo test --workspace` (`./scripts/test`)
/// has built them all (every quoted package has tests of its own); building them here would
/// resolve other dependency features and compile the whole tree a second time.
fn built_binaries(root: &Path, packages: &BTreeSet<&str>) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target")).join("debug");
    for package in packages {
        assert!(
            target.join(package).is_file(),
            "{} is missing: run the tests with `./scripts/test` (all packages), or `cargo build -p {package}` first",
            target.join(package).display()
        );
    }
    target
}

fn help(binary: &str, subcommand: Option<&str>) -> String {
    let mut command = Command::new(binary);
    command.args(subcommand).arg("--help");
    let output = command.output().expect("running --help");
    assert!(output.status.success(), "{binary} {subcommand:?} --help failed");
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[test]
fn every_quoted_command_exists() {
    let root = workshop::paths::workspace_root();
    let pages = Page::all();
    assert_eq!(pages.len(), 4, "one page per module");
    let packages = workspace_packages(&root);
    let mut runs: BTreeMap<CargoRun, String> = BTreeMap::new();
    for page in &pages {
        let code = quoted_code(&page.body);
        let workdir = front_matter_values(&page.front_matter, "workdir");
        for snippet in &code {
            for run in cargo_runs(snippet) {
                runs.entry(run).or_insert_with(|| page.path.display().to_string());
            }
            for script in scripts(snippet) {
                assert!(
                    root.join(&script).is_file(),
                    "{}: `{snippet}` names {script}, which does not exist",
                    page.path.display()
                );
            }
            if snippet.contains("./start_services.sh") {
                for dir in &workdir {
                    let local = root.join(dir.strip_prefix(LAB_ROOT).unwrap().trim_start_matches('/'));
                    assert!(
                        local.join("start_services.sh").is_file(),
                        "{}: no start_services.sh in {dir}",
                        page.path.display()
                    );
                }
            }
        }
    }
    assert!(runs.len() >= 10, "the pages quote the modules' programs: {runs:?}");
    for (run, page) in &runs {
        assert!(packages.contains(&run.package), "{page}: `cargo run -p {}`: no such workspace package", run.package);
    }
    let quoted: BTreeSet<&str> = runs.keys().map(|run| run.package.as_str()).collect();
    let target = built_binaries(&root, &quoted);
    for (run, page) in &runs {
        let binary = target.join(&run.package).display().to_string();
        let top = help(&binary, None);
        if let Some(subcommand) = &run.subcommand {
            assert!(
                top.lines().any(|line| line.trim_start().starts_with(&format!("{subcommand} "))),
                "{page}: `cargo run -p {} -- {subcommand}`: not a subcommand in its --help:\n{top}",
                run.package
            );
        }
        let options = help(&binary, run.subcommand.as_deref());
        for flag in &run.flags {
            assert!(
                options.contains(&format!("{flag} ")) || options.contains(&format!("{flag}\n")),
                "{page}: {flag} is not an option of `{} {}`:\n{options}",
                run.package,
                run.subcommand.as_deref().unwrap_or("")
            );
        }
    }
}

#[test]
fn every_tab_folder_and_button_exists() {
    let root = workshop::paths::workspace_root();
    for page in Page::all() {
        let shown = page.path.display().to_string();
        let mut folders: Vec<&str> = front_matter_values(&page.front_matter, "workdir");
        folders.extend(
            front_matter_values(&page.front_matter, "path").into_iter().filter_map(|p| p.split("folder=").nth(1)),
        );
        assert!(folders.len() >= 2, "{shown}: terminal and editor tabs open the module's folder");
        for folder in folders {
            let relative =
                folder.strip_prefix(LAB_ROOT).unwrap_or_else(|| panic!("{shown}: {folder} is outside {LAB_ROOT}"));
            let local = root.join(relative.trim_start_matches('/'));
            assert!(local.is_dir(), "{shown}: tab folder {folder} does not exist ({})", local.display());
        }

        let tabs = front_matter_values(&page.front_matter, "title").len() - 1; // minus the page's own title
        for (at, _) in page.body.match_indices("](tab-") {
            let number: usize =
                page.body[at + 6..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap();
            assert!(number < tabs, "{shown}: a button points at tab-{number}, but there are {tabs} tabs");
        }
        let folder = page.path.parent().unwrap();
        for script in ["setup-workshop-host", "check-workshop-host", "solve-workshop-host"] {
            assert!(folder.join(script).is_file(), "{shown}: {script} is missing beside it");
        }
        assert!(!page.body.contains("TODO"), "{shown}: unfinished");
    }
    for file in ["instruqt/track.yml", "instruqt/config.yml", "instruqt/track_scripts/setup-workshop-host"] {
        assert!(root.join(file).is_file(), "{file} is missing");
    }
}

#[test]
fn the_parser_finds_subcommands_and_flags() {
    let runs = cargo_runs("cargo run -p module02 -- account-api --lost-response-rate 0.5");
    assert_eq!(
        runs,
        vec![CargoRun {
            package: "module02".into(),
            subcommand: Some("account-api".into()),
            flags: vec!["--lost-response-rate".into()]
        }]
    );
    let runs = cargo_runs("cargo run -p module02 -- --amount 5000");
    assert_eq!(runs[0].subcommand, None);
    assert_eq!(quoted_code("run `cargo run -p module01` now"), vec!["cargo run -p module01".to_string()]);
    assert_eq!(scripts("../../scripts/solution-diff module04"), vec!["scripts/solution-diff".to_string()]);
}

#[test]
fn every_rust_snippet_is_in_the_file_it_names() {
    let root = workshop::paths::workspace_root();
    let mut checked = 0;
    for page in Page::all() {
        let shown = page.path.display().to_string();
        for snippet in page.rust_snippets() {
            let Some(file) = snippet.file() else {
                panic!(
                    "{shown}: a ```rust block must start with `// <file>` (see testkit::pages): {:?}",
                    snippet.header
                );
            };
            let source = std::fs::read_to_string(root.join(&file))
                .unwrap_or_else(|e| panic!("{shown}: the snippet names {}: {e}", file.display()));
            let missing = missing_snippet_lines(&snippet, &source);
            assert!(missing.is_empty(), "{shown}: not in {} (in this order): {missing:#?}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 1, "the pages quote code");
}

/// Each page sends the learner on to the Temporal documentation (two links at least), and the
/// track covers the topics the original linked: retry policies, activities, queries, search
/// attributes, reset, versioning.
#[test]
fn every_page_links_the_temporal_docs() {
    let mut all_links = BTreeSet::new();
    for page in Page::all() {
        let links: BTreeSet<&str> = page
            .body
            .match_indices("](https://docs.temporal.io/")
            .map(|(at, _)| {
                let link = &page.body[at + 2..];
                &link[..link.find(')').unwrap_or(link.len())]
            })
            .collect();
        assert!(
            links.len() >= 2,
            "{}: link two pages of docs.temporal.io at least, found {links:?}",
            page.path.display()
        );
        all_links.extend(links.into_iter().map(String::from));
    }
    for topic in ["retry-policies", "activities", "message-passing", "search-attribute", "#reset", "patching"] {
        assert!(all_links.iter().any(|link| link.contains(topic)), "no page links the docs on {topic}: {all_links:#?}");
    }
}
