//! The main path of each page is as lean as the original's: at most 1.2 times its prose
//! (outside `<details>`, code blocks not counted). Depth moves one click away, into
//! `<details>`, but a page's prose in all does not grow past what it was before that move.

use testkit::pages::Page;

/// Per page: the original workshop's prose words on its main path (its module 2 page is
/// summarised in `../shared/reference/python-workshop.md`), and this page's prose in all
/// when the budget was set (issue 21).
const ORIGINAL: [(&str, usize, usize); 4] = [
    ("01-crash-proof", 462, 786),
    ("02-unreliable-api", 784, 1217),
    ("03-money-transfer-ui", 645, 1495),
    ("04-jerrys-bugs", 1038, 1759),
];

#[test]
fn every_page_keeps_its_reading_budget() {
    let pages = Page::all();
    assert_eq!(pages.len(), ORIGINAL.len(), "a budget for every page");
    for page in pages {
        let (_, original, all_before) = ORIGINAL
            .iter()
            .find(|(name, ..)| *name == page.name())
            .unwrap_or_else(|| panic!("no budget for {}", page.name()));
        let budget = original * 12 / 10;
        let words = page.words();
        println!(
            "{}: {} words on the main path (budget {budget}), {} in <details>",
            page.name(),
            words.main_path,
            words.details
        );
        assert!(
            words.main_path <= budget,
            "{}: {} words of prose on the main path, over its budget of {budget} (1.2 × the original's {original}): \
             move depth into a <details> or the module README",
            page.path.display(),
            words.main_path
        );
        assert!(
            words.all() <= *all_before,
            "{}: {} words of prose in all, more than the {all_before} it had: moving depth is fine, adding more is not",
            page.path.display(),
            words.all()
        );
    }
}

/// What a learner needs to pass the check is on the main path: the check's section is not
/// hidden, and no `<details>` holds a step.
#[test]
fn details_hold_only_hints_and_going_further() {
    for page in Page::all() {
        let mut rest = page.body.as_str();
        while let Some(start) = rest.find("<summary>") {
            let summary = &rest[start + "<summary>".len()..];
            let summary = &summary[..summary.find("</summary>").expect("closed <summary>")];
            assert!(
                ["Hint", "Go further", "Questions for thought"].iter().any(|kind| summary.starts_with(kind)),
                "{}: a <details> is a hint, a \"Go further\" or questions, not {summary:?}",
                page.path.display()
            );
            rest = &rest[start + 1..];
        }
        let main = testkit::pages::prose::without_details(&page.body);
        assert!(main.contains("## Check"), "{}: the check's section is on the main path", page.path.display());
    }
}
