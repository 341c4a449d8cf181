//! Every command a learner runs has a terminal button before it, and that terminal is free:
//! not the one where the module's services (or a worker) run at that point of the page.
//!
//! The test follows the page like a learner: a command that starts a long-running program
//! takes its terminal; a paragraph that says **Ctrl-C** next to a terminal's button frees it.

use std::collections::BTreeMap;

use testkit::pages::prose::{buttons, paragraphs};
use testkit::pages::{Page, Segment};

use super::cargo_runs;

/// A program that runs until Ctrl-C: a bank, a UI, a worker, or a module's services.
fn long_running(command: &str) -> bool {
    command.contains("start_services.sh")
        || cargo_runs(command).iter().any(|run| match run.subcommand.as_deref() {
            Some(subcommand) => matches!(subcommand, "account-api" | "worker" | "ui"),
            // Modules 3 and 4 with no subcommand: the bank, the UI and the worker in one process.
            None => ["module03", "module04"].contains(&run.package.as_str()),
        })
}

/// For each runnable block of `page`, in order: what is wrong with its terminal, if anything.
fn terminal_problems(page: &Page) -> Vec<String> {
    let tabs = page.tabs();
    let mut busy: BTreeMap<usize, String> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut prose_before = String::new();
    for segment in page.segments() {
        let block = match segment {
            Segment::Prose(prose) => {
                for paragraph in paragraphs(&prose) {
                    if paragraph.contains("Ctrl-C") {
                        for button in buttons(&paragraph) {
                            busy.remove(&button.tab);
                        }
                    }
                }
                prose_before = prose;
                continue;
            }
            Segment::Block(block) => block,
        };
        if !block.info.starts_with("bash") {
            continue;
        }
        let command = block.lines.iter().map(|line| line.trim()).collect::<Vec<_>>().join("\n");
        let Some(button) = buttons(&prose_before).pop() else {
            problems.push(format!("`{command}` has no terminal button before it"));
            continue;
        };
        let is_terminal = tabs.get(button.tab).is_some_and(|(_, kind)| kind == "terminal");
        if !is_terminal {
            problems.push(format!("`{command}`: its button \"{}\" is not a terminal tab", button.label));
            continue;
        }
        if let Some(running) = busy.get(&button.tab) {
            problems.push(format!(
                "`{command}` is sent to {}, where `{running}` still runs: use a free terminal, or stop it (Ctrl-C) first",
                button.label
            ));
        }
        if long_running(&command) {
            busy.insert(button.tab, command);
        }
    }
    problems
}

#[test]
fn every_command_has_a_free_terminal() {
    for page in Page::all() {
        let problems = terminal_problems(&page);
        assert!(problems.is_empty(), "{}: {problems:#?}", page.path.display());
    }
}

#[test]
fn the_check_sees_busy_and_freed_terminals() {
    let button = |tab: usize| format!("[button label=\"Terminal {}\" background=\"#444CE7\"](tab-{tab})", tab + 1);
    let page = |body: String| Page {
        path: "x/assignment.md".into(),
        front_matter: "tabs:\n- title: Terminal 1\n  type: terminal\n- title: Terminal 2\n  type: terminal\n- title: \
                       UI\n  type: service"
            .into(),
        body,
    };
    let bank = "```bash,run\ncargo run -p module02 -- account-api\n```\n";
    let script = "```bash,run\ncargo run -p module02 -- move-money\n```\n";
    let fine = format!(
        "In {}:\n\n{bank}\nIn {}:\n\n{script}\nPress **Ctrl-C** in {}, then:\n\n{bank}",
        button(0),
        button(1),
        button(0)
    );
    assert_eq!(terminal_problems(&page(fine)), Vec::<String>::new());
    let same_terminal = format!("In {}:\n\n{bank}\nThen in {}:\n\n{script}", button(0), button(0));
    assert_eq!(terminal_problems(&page(same_terminal)).len(), 1, "the bank still runs in Terminal 1");
    let no_button = format!("In {}:\n\n{bank}\nThen:\n\n```\noutput\n```\n\n{script}", button(1));
    assert_eq!(terminal_problems(&page(no_button)).len(), 1, "the script has no button of its own");
    let not_a_terminal = format!("Open [button label=\"UI\"](tab-2):\n\n{script}");
    assert_eq!(terminal_problems(&page(not_a_terminal)).len(), 1);
    assert!(long_running("cargo run -p module03 -- --host 0.0.0.0 --no-worker"));
    assert!(long_running("cargo run -p module03 -- worker"));
    assert!(!long_running("cargo run -p module03 -- reset-db"));
    assert!(!long_running("cargo run -p module02 -- --amount 5000"));
}
