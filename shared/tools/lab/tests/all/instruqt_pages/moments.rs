//! Every wait a page promises ("within 30 s") is one the learner really meets: the moments
//! benchmark (`scripts/moments --record`) measured each "watch it happen" moment at a
//! learner's pace and wrote its cases into docs/benchmarks.md ("Moments"). A page may promise
//! only a wait the table shows for it, every case measured must fit its promise, and every
//! moment measured must be promised on its page's main path, where the learner waits.

use std::collections::BTreeSet;

use testkit::pages::Page;
use testkit::pages::prose::{without_code, without_details};

/// One measured case: the page, the moment, the case, the seconds and the promised bound.
#[derive(Debug)]
struct Case {
    page: String,
    moment: String,
    case: String,
    seconds: f64,
    bound: u32,
}

/// The `N` of each "within N s" in `text`.
fn promised_waits(text: &str) -> Vec<u32> {
    let lower = text.to_ascii_lowercase();
    lower
        .split("within ")
        .skip(1)
        .filter_map(|rest| {
            let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[number.len()..].starts_with(" s").then(|| number.parse().ok()).flatten()
        })
        .collect()
}

/// The table between the `moments` markers of docs/benchmarks.md.
fn measured() -> Vec<Case> {
    let path = workshop::paths::workspace_root().join("docs/benchmarks.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let section = text
        .split_once("<!-- moments:start -->")
        .and_then(|(_, rest)| rest.split_once("<!-- moments:end -->"))
        .map(|(section, _)| section)
        .unwrap_or_else(|| panic!("{}: no Moments table: run scripts/moments --record", path.display()));
    section
        .lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("| Page") && !line.starts_with("|---"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let [page, moment, case, seconds, says] = cells[..] else { panic!("a Moments row of 5 cells: {line}") };
            let bound = *promised_waits(says).first().unwrap_or_else(|| panic!("no \"within N s\" in: {line}"));
            Case {
                page: page.to_string(),
                moment: moment.to_string(),
                case: case.to_string(),
                seconds: seconds.trim_end_matches(" s").parse().unwrap_or_else(|_| panic!("seconds in: {line}")),
                bound,
            }
        })
        .collect()
}

#[test]
fn every_promised_wait_is_measured_and_kept() {
    let cases = measured();
    assert!(!cases.is_empty(), "the Moments table is empty: run scripts/moments --record");
    for case in &cases {
        assert!(
            case.seconds <= f64::from(case.bound),
            "{} {} ({}): {:.1} s measured, the page promises within {} s",
            case.page,
            case.moment,
            case.case,
            case.seconds,
            case.bound
        );
    }
    for page in Page::all() {
        let main_path = without_code(&without_details(&page.body));
        let promised: BTreeSet<u32> = promised_waits(&main_path).into_iter().collect();
        let shown: BTreeSet<u32> = cases.iter().filter(|c| c.page == page.name()).map(|c| c.bound).collect();
        let unmeasured: Vec<&u32> = promised.difference(&shown).collect();
        assert!(
            unmeasured.is_empty(),
            "{}: promises \"within N s\" for N in {unmeasured:?}, and no moment of the table shows it: measure it \
             (scripts/moments)",
            page.path.display()
        );
        let unsaid: Vec<&str> = cases
            .iter()
            .filter(|c| c.page == page.name() && !promised.contains(&c.bound))
            .map(|c| c.moment.as_str())
            .collect();
        assert!(
            unsaid.is_empty(),
            "{}: the moments {unsaid:?} were measured for a wait its main path never promises (\"within N s\")",
            page.path.display()
        );
    }
}

#[test]
fn a_promise_is_within_a_number_of_seconds() {
    assert_eq!(promised_waits("Within 30 s each transfer, within 10 s and within 2 minutes"), [30, 10]);
    assert_eq!(promised_waits("within reach, within s, within 5s"), Vec::<u32>::new());
}
