//! Every idea the workshop leans on is explained where a learner first meets it: on the main
//! path of its page, in bold, in the sentence that first uses it (the overview may name it
//! among what the module teaches), and on no page before that one. Code and program output
//! do not count: a worker may print "task queue" before a page explains it.

use testkit::pages::Page;
use testkit::pages::prose::without_code;

/// Each term (as it starts in its forms: "replays", "task queues", "visibility queries"), the
/// page that explains it, and why the learner needs it there.
const TERMS: [(&str, &str, &str); 5] = [
    ("replay", "01-crash-proof", "a new worker carries on by replaying the history; modules 3 and 4 rely on it"),
    ("task queue", "01-crash-proof", "the worker's first line names the one it polls"),
    ("idempotency key", "02-unreliable-api", "each bank call carries one, and a lost answer proves why"),
    ("visibility quer", "03-money-transfer-ui", "an account's history on the page is one"),
    ("workflow task", "04-jerrys-bugs", "a panic fails the workflow task, not the workflow"),
];

/// Where `term` first appears in `text` (any case), as a whole-word start.
fn first_use(text: &str, term: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    lower.match_indices(term).map(|(at, _)| at).find(|&at| {
        let before = lower[..at].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
    })
}

/// The page's text after its overview ("Exercise Steps"), code and output left out.
fn steps_prose(page: &Page) -> String {
    let steps = page.body.split_once("Exercise Steps").map_or(page.body.as_str(), |(_, steps)| steps);
    without_code(steps)
}

#[test]
fn each_term_is_explained_where_it_is_first_used() {
    let pages = Page::all();
    for (term, home, why) in TERMS {
        let at = pages.iter().position(|page| page.name() == home).unwrap_or_else(|| panic!("no page {home}"));
        for earlier in &pages[..at] {
            let prose = without_code(&earlier.body);
            assert!(
                first_use(&prose, term).is_none(),
                "{}: uses \"{term}\" before {home} explains it ({why})",
                earlier.path.display()
            );
        }
        let page = &pages[at];
        let prose = steps_prose(page);
        let first = first_use(&prose, term).unwrap_or_else(|| {
            panic!("{}: never uses \"{term}\", which it should explain ({why})", page.path.display())
        });
        // Not inside a <details> (a hint or "Go further" is one click away), and in bold.
        let in_details = prose[..first].rfind("<details>") > prose[..first].rfind("</details>");
        let defined = !in_details && prose[..first].ends_with("**");
        assert!(
            defined,
            "{}: the first use of \"{term}\" must be on the main path, in bold, where the page explains it ({why})",
            page.path.display()
        );
    }
}

#[test]
fn a_term_is_found_in_its_forms_and_not_inside_other_words() {
    assert_eq!(first_use("The worker **replays** it", "replay"), Some(13));
    assert_eq!(first_use("two Task Queues", "task queue"), Some(4));
    assert_eq!(first_use("a sub-task queue or a_task queue", "task queue"), None);
    assert_eq!(first_use("```\nreplay\n```\nno", "replay").map(|_| ()), Some(()));
    assert_eq!(first_use(&without_code("```\nreplay\n```\nno"), "replay"), None);
}
