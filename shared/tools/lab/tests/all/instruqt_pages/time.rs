//! Each page says how long its module takes, and the figure comes from the page: reading its
//! main path, the commands and waits its walk measured, and an allowance per hands-on step
//! (`testkit::pages::times`). It fits the challenge's time limit with a quarter to spare, and
//! the track's limit holds every challenge's.

use testkit::pages::{Estimate, Page};

#[test]
fn every_page_says_the_time_its_module_takes() {
    for page in Page::all() {
        let shown = page.path.display();
        let estimate = Estimate::of(&page);
        let minutes = estimate.minutes();
        println!(
            "{}: {minutes:.1} min = reading {:.1} + walked {:.1} + not walked {:.1} + {} steps × {}",
            page.name(),
            estimate.reading_minutes,
            estimate.walked_minutes,
            estimate.not_walked_minutes,
            estimate.steps,
            testkit::pages::times::MINUTES_PER_STEP
        );
        assert!(estimate.walked_minutes > 0.0, "{shown}: no walk measured yet: run scripts/page-times");
        let stated = page.stated_minutes().unwrap_or_else(|| panic!("{shown}: the overview says \"about N minutes\""));
        assert!(
            (f64::from(stated) - minutes).abs() <= 5.0,
            "{shown}: says about {stated} minutes, the page's own figure is {minutes:.0}"
        );
        let limit = page.timelimit_secs().unwrap_or_else(|| panic!("{shown}: no timelimit")) as f64 / 60.0;
        assert!(
            minutes <= limit * 0.75,
            "{shown}: {minutes:.0} minutes does not fit its timelimit of {limit:.0} with a quarter to spare"
        );
    }
}

#[test]
fn the_track_holds_every_challenge() {
    let track = std::fs::read_to_string(workshop::paths::workspace_root().join("instruqt/track.yml")).unwrap();
    let value = |key: &str| -> u64 {
        let line = track.lines().find_map(|line| line.strip_prefix(&format!("{key}:")));
        line.unwrap_or_else(|| panic!("track.yml has no {key}")).trim().parse().unwrap()
    };
    let challenges: u64 = Page::all().iter().map(|page| page.timelimit_secs().expect("timelimit")).sum();
    assert!(value("timelimit") >= challenges, "track.yml's timelimit is less than the challenges' {challenges} s");
    // An instructor talks between modules, and a live event breaks for coffee: no sandbox ends then.
    assert!(value("idle_timeout") >= 3600, "track.yml's idle_timeout ends sandboxes during a break");
}
