//! What a fresh cloud VM does to the lab's setup, played by stand-ins (fast; the real thing is
//! `scripts/play-bare-vm`, run by hand, see docs/benchmarks.md):
//!
//! - its own apt jobs (cloud-init, unattended-upgrades) hold apt's locks as the track starts:
//!   the setup waits for cloud-init, asks `apt-get update` again while its lock is held, and
//!   gives `apt-get install` a lock timeout;
//! - config.yml's `REPO_URL` left as the placeholder: the track's setup says so first (and which
//!   section of the README says what to put there) and stops;
//! - a VM made from the lab's baked image: the setup brings the baked tree up to date.

use std::path::Path;
use std::process::Command;

use testkit::TempDir;

use crate::stand_ins::{path_without, text, write_script};

/// The calls a recording stand-in made, one a line.
fn calls(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("calls")).unwrap_or_default();
    text.lines().map(str::to_string).collect()
}

#[test]
fn apt_waits_for_cloud_init_and_for_the_locks_of_the_vms_own_apt() {
    let dir = TempDir::new("fresh-vm-apt").unwrap();
    let record = dir.path().join("calls").display().to_string();
    let update_tries = dir.path().join("update-tries").display().to_string();
    // apt-get update finds its lock held twice (as while unattended-upgrades runs), then works;
    // nothing is really installed, so the setup stops right after, still missing its compiler.
    let apt_get = format!(
        r#"#!/bin/bash
echo "apt-get $*" >>'{record}'
if [[ " $* " == *" update "* ]]; then
  echo x >>'{update_tries}'
  if [ "$(wc -l <'{update_tries}')" -le 2 ]; then
    echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
    exit 100
  fi
fi
"#
    );
    let cloud_init = format!("#!/bin/bash\necho \"cloud-init $*\" >>'{record}'\n");
    let path = path_without(dir.path(), &["cc"], &[("apt-get", apt_get), ("cloud-init", cloud_init)]);
    let script = workshop::paths::workspace_root().join("scripts/lab-setup");
    let output = Command::new("bash")
        .arg(script)
        .arg("--lab")
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir.path())
        .env("LAB_SKIP_CODE_SERVER", "1")
        .env("WORKSHOP_DIR", dir.path().join("workshop"))
        .env("APT_LOCK_WAIT_SECS", "60")
        .output()
        .unwrap();
    let said = text(&output);
    assert!(!output.status.success() && said.contains("no C compiler"), "the stand-in installs nothing:\n{said}");
    let calls = calls(dir.path());
    assert_eq!(calls.first().map(String::as_str), Some("cloud-init status --wait"), "cloud-init first: {calls:?}");
    let updates: Vec<_> = calls.iter().filter(|call| call.contains(" update")).collect();
    assert_eq!(updates.len(), 3, "update is asked again while its lock is held: {calls:?}");
    let install = calls.iter().find(|call| call.contains(" install ")).expect("apt-get install was called");
    assert!(install.contains("build-essential"), "{install}");
    for call in updates.iter().copied().chain([install]) {
        assert!(call.starts_with("apt-get -o DPkg::Lock::Timeout=60 "), "every apt-get waits for dpkg's lock: {call}");
    }
    assert!(said.contains("holds apt's lock: waiting for it") && said.contains("apt's lock is free"), "{said}");
    assert!(!dir.path().join("workshop").exists(), "nothing else was done: {said}");
}

/// config.yml's value, as Instruqt passes it to the track's scripts.
fn config_repo_url() -> String {
    let config = std::fs::read_to_string(workshop::paths::workspace_root().join("instruqt/config.yml")).unwrap();
    let line =
        config.lines().map(str::trim).find(|line| line.starts_with("REPO_URL:")).expect("config.yml sets REPO_URL");
    line["REPO_URL:".len()..].trim().trim_matches('"').to_string()
}

#[test]
fn the_track_setup_refuses_the_placeholder_repo_url_before_anything_else() {
    let repo_url = config_repo_url();
    assert!(repo_url.contains("REPLACE-ME"), "config.yml's REPO_URL is the marked placeholder: {repo_url}");
    let dir = TempDir::new("fresh-vm-repo-url").unwrap();
    let script = workshop::paths::workspace_root().join("instruqt/track_scripts/setup-workshop-host");
    // The bootstrap marker never comes: a setup that did not stop at once would wait for it.
    let output = Command::new("bash")
        .arg(script)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir.path())
        .env("REPO_URL", &repo_url)
        .env("WORKSHOP_DIR", dir.path().join("workshop"))
        .env("INSTRUQT_BOOTSTRAP_MARKER", dir.path().join("never"))
        .env("BOOTSTRAP_WAIT_SECS", "600")
        .output()
        .unwrap();
    let said = text(&output);
    assert!(!output.status.success(), "{said}");
    let first = said.lines().next().unwrap_or_default();
    assert!(first.contains("REPO_URL") && first.contains("placeholder") && first.contains(&repo_url), "{said}");
    assert!(!said.contains("Waiting for Instruqt"), "it stopped before waiting for the VM: {said}");
    assert!(!dir.path().join("workshop").exists());
    // The section of the README it sends the publisher to, `(README.md, "<heading>")`, is there.
    let section = first.split("README.md, \"").nth(1).and_then(|rest| rest.split('"').next());
    let section = section.unwrap_or_else(|| panic!("it names the README's section on publishing: {first}"));
    let readme = std::fs::read_to_string(workshop::paths::workspace_root().join("README.md")).unwrap();
    let headings: Vec<&str> =
        readme.lines().filter(|line| line.starts_with('#')).map(|line| line.trim_start_matches('#').trim()).collect();
    assert!(headings.contains(&section), "README.md has no section \"{section}\": {headings:?}");
}

/// A VM made from the baked image already holds the workshop: the track's setup fetches the
/// published commit over it (cargo then rebuilds only what changed) and runs that commit's setup.
#[test]
fn a_baked_tree_is_brought_up_to_date_not_cloned_again() {
    let dir = TempDir::new("fresh-vm-baked").unwrap();
    let git = |args: &[&str], at: &Path| {
        let output = Command::new("git").args(args).current_dir(at).output().unwrap();
        assert!(output.status.success(), "git {args:?}: {}", text(&output));
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    // The published repository, and the image's tree cloned from it at an older commit.
    let published = dir.path().join("published");
    std::fs::create_dir_all(published.join("scripts")).unwrap();
    write_script(
        &published.join("scripts/lab-setup"),
        "#!/bin/bash\necho \"lab-setup $* at $(git -C \"$(dirname \"$0\")/..\" rev-parse --short HEAD)\"\n",
    );
    git(&["init", "--quiet", "--initial-branch=main"], &published);
    let identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"];
    git(&[&identity[..], &["add", "."]].concat(), &published);
    git(&[&identity[..], &["commit", "--quiet", "-m", "baked"]].concat(), &published);
    let tree = dir.path().join("workspace/failure-proof-rust");
    git(&["clone", "--quiet", published.to_str().unwrap(), tree.to_str().unwrap()], dir.path());
    std::fs::create_dir_all(tree.join(".lab")).unwrap();
    std::fs::write(tree.join(".lab/baked"), "").unwrap();
    std::fs::write(published.join("NEW"), "published after the bake\n").unwrap();
    git(&[&identity[..], &["add", "."]].concat(), &published);
    git(&[&identity[..], &["commit", "--quiet", "-m", "published"]].concat(), &published);
    let head = git(&["rev-parse", "--short", "HEAD"], &published);

    let marker = dir.path().join("marker");
    std::fs::write(&marker, "").unwrap();
    let script = workshop::paths::workspace_root().join("instruqt/track_scripts/setup-workshop-host");
    let output = Command::new("bash")
        .arg(script)
        .env("REPO_URL", &published)
        .env("WORKSHOP_DIR", &tree)
        .env("INSTRUQT_BOOTSTRAP_MARKER", &marker)
        .output()
        .unwrap();
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(said.contains(&format!("now at {head} published")), "{said}");
    assert!(tree.join("NEW").exists() && tree.join(".lab/baked").exists(), "{said}");
    // The updated tree's own setup runs (the one from the published commit).
    assert!(said.contains(&format!("lab-setup --lab at {head}")), "{said}");
}
