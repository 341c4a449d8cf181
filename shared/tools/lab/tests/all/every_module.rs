//! `workshop::modules::ALL` is the one list of modules; the places that cannot read it (Cargo's
//! workspace, the Instruqt challenges, the lab's background build) are held to it here, so a
//! new module that is missing from one of them fails a test that names the place.

use std::path::Path;
use std::process::Command;

use testkit::TempDir;
use workshop::modules::ALL;

use crate::instruqt_pages::workspace_packages;

#[test]
fn every_module_and_its_solution_is_a_package_of_the_workspace() {
    let root = workshop::paths::workspace_root();
    let packages = workspace_packages(&root);
    for module in ALL {
        assert!(packages.contains(module.name), "{}: add exercises/{0} to the workspace's members", module.name);
        if root.join("solutions").join(module.name).is_dir() {
            let solution = format!("{}-solution", module.name);
            assert!(packages.contains(&solution), "{solution}: add solutions/{} to the workspace", module.name);
        }
    }
}

/// What an Instruqt script of a challenge asks of `scripts/lab`, run against a stand-in that
/// says its arguments.
fn lab_call(script: &Path, stand_in: &Path) -> String {
    let output = Command::new("bash").arg(script).env("WORKSHOP_DIR", stand_in).output().unwrap();
    assert!(output.status.success(), "{}: {}", script.display(), String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn every_module_has_an_instruqt_challenge_that_checks_and_solves_it() {
    let root = workshop::paths::workspace_root();
    let stand_in = TempDir::new("lab-stand-in").unwrap();
    let lab = stand_in.path().join("scripts/lab");
    std::fs::create_dir_all(lab.parent().unwrap()).unwrap();
    std::fs::write(&lab, "#!/bin/sh\necho \"$@\"\n").unwrap();
    Command::new("chmod").arg("+x").arg(&lab).status().unwrap();

    let mut challenges: Vec<_> = std::fs::read_dir(root.join("instruqt"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("assignment.md").is_file())
        .collect();
    challenges.sort();
    let asked: Vec<(String, String)> = challenges
        .iter()
        .map(|challenge| {
            let check = lab_call(&challenge.join("check-workshop-host"), stand_in.path());
            (check, lab_call(&challenge.join("solve-workshop-host"), stand_in.path()))
        })
        .collect();
    let wanted: Vec<(String, String)> =
        ALL.iter().map(|module| (format!("check {}", module.name), format!("solve {}", module.name))).collect();
    assert_eq!(asked, wanted, "one challenge a module, in ALL's order: {challenges:?}");
}

#[test]
fn every_module_after_the_first_is_built_in_the_background() {
    let root = workshop::paths::workspace_root();
    let output = Command::new("bash")
        .arg(root.join("scripts/background-build"))
        .arg("packages")
        .env_remove("BACKGROUND_BUILD_PACKAGES")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let built: Vec<String> = String::from_utf8(output.stdout).unwrap().lines().map(str::to_string).collect();
    let packages = workspace_packages(&root);
    // Module 1 is built before the lab opens (lab-setup), so the first lesson never waits.
    for module in &ALL[1..] {
        let solution = format!("{}-solution", module.name);
        let solved = packages.contains(&solution).then_some(solution);
        for package in std::iter::once(module.name.to_string()).chain(solved) {
            assert!(built.contains(&package), "scripts/background-build does not build {package}: {built:?}");
        }
    }
}
