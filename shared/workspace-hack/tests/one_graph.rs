//! One dependency graph for every package: each third-party crate is built with the same
//! features whichever package cargo builds, so after `cargo run -p module01` the `cargo run`
//! of any other module compiles nothing module 1 built already (the Temporal SDK above all),
//! and a test run shares every dependency with them.
//!
//! The `workspace-hack` crate does it (every package depends on it; cargo-hakari writes it).
//! A new dependency or feature can break it: then this test names the crates that would be
//! built twice and says how to regenerate the crate. It reads the feature sets from
//! `cargo tree`, the same resolution `cargo build -p <package>` and `cargo test` use, and
//! builds nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Third-party crate ("tokio v1.48.0") → the feature lists it is built with (one per
/// platform it is built for: the target, and the host when a build script or macro uses it).
type Features = BTreeMap<String, BTreeSet<String>>;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("the workspace root").to_path_buf()
}

fn cargo_tree(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .arg("tree")
        .args(args)
        .args(["--prefix", "none", "--format", "{p} [{f}]"])
        .current_dir(workspace_root())
        .output()
        .expect("running cargo tree");
    assert!(output.status.success(), "cargo tree {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("cargo tree prints UTF-8")
}

/// The third-party crates of a `cargo tree` listing and their features. A workspace
/// package's `{p}` carries its path ("bank v0.1.0 (/…/shared/bank)"); a crate from the
/// registry's does not.
fn third_party(tree: &str) -> Features {
    let mut found = Features::new();
    for line in tree.lines().map(|line| line.trim_end_matches(" (*)")) {
        let Some((package, features)) = line.rsplit_once(" [") else {
            continue; // a "[build-dependencies]" heading, or an empty line
        };
        if package.contains(" (") {
            continue;
        }
        found.entry(package.to_string()).or_default().insert(features.trim_end_matches(']').to_string());
    }
    found
}

fn workspace_packages() -> Vec<String> {
    let members = cargo_tree(&["--workspace", "--depth", "0", "--edges", "normal"]);
    let names: BTreeSet<String> = members
        .lines()
        .filter(|line| line.contains(" ("))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect();
    names.into_iter().collect()
}

#[test]
fn every_package_builds_each_dependency_with_the_features_of_the_whole_workspace() {
    // The whole workspace with its tests (`cargo test --workspace`): the union of everything.
    let whole = third_party(&cargo_tree(&["--workspace", "--edges", "normal,build,dev"]));
    let packages = workspace_packages();
    assert!(packages.len() >= 10 && packages.iter().any(|p| p == "module01"), "workspace members: {packages:?}");
    assert!(whole.keys().any(|name| name.starts_with("temporalio-sdk ")), "the SDK is in the graph");

    // Each package alone as `cargo run -p`/`cargo build -p` builds it (no dev-dependencies),
    // and as `cargo test -p` does; a few at a time.
    let views: Vec<(String, &str)> = packages
        .iter()
        .flat_map(|package| [(package.clone(), "normal,build"), (package.clone(), "normal,build,dev")])
        .collect();
    let whole = &whole;
    let differences: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<_> = views
            .chunks(views.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    let mut differences = Vec::new();
                    for (package, edges) in chunk {
                        let alone = third_party(&cargo_tree(&["--package", package, "--edges", edges]));
                        let command = if edges.contains("dev") { "cargo test -p" } else { "cargo build -p" };
                        for (name, features) in &alone {
                            let everywhere = whole.get(name);
                            if everywhere != Some(features) {
                                differences.push(format!(
                                    "`{command} {package}` builds {name} with {features:?}, the whole workspace with {everywhere:?}"
                                ));
                            }
                        }
                    }
                    differences
                })
            })
            .collect();
        chunks.into_iter().flat_map(|chunk| chunk.join().expect("a cargo tree thread")).collect()
    });
    assert!(
        differences.is_empty(),
        "these packages build a dependency with other features than the rest, so cargo would build it (and \
         everything above it) once more:\n{}\n\nUpdate the workspace-hack crate: `cargo install --locked \
         cargo-hakari` once, then `cargo hakari generate && cargo hakari manage-deps` (see shared/workspace-hack).",
        differences.join("\n")
    );
}
