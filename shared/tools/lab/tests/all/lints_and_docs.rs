//! `scripts/rustc-lints-and-docs`, the compiler cargo runs for the workspace's crates in
//! `./scripts/test`: it fails the build on a clippy lint and on a rustdoc warning, and writes
//! the documentation `cargo doc --no-deps` writes (libraries, and programs with their private
//! items; not tests or examples). Each case builds a small crate of its own, in a folder of its own.

use std::path::{Path, PathBuf};
use std::process::Output;

use testkit::TempDir;

use crate::stand_ins::text;

const CLEAN_LIB: &str = "//! A crate that passes.\n\n/// Adds one; see [`twice`].\npub fn add_one(n: u32) -> u32 {\n    n + 1\n}\n\n/// Twice [`add_one`].\npub fn twice(n: u32) -> u32 {\n    add_one(add_one(n))\n}\n";

fn clippy_driver() -> PathBuf {
    if let Some(driver) = std::env::var_os("CLIPPY_DRIVER") {
        return driver.into();
    }
    let found = std::process::Command::new("rustup").args(["which", "clippy-driver"]).output().unwrap();
    assert!(found.status.success(), "clippy-driver is missing: rustup component add clippy");
    String::from_utf8(found.stdout).unwrap().trim().into()
}

const CLEAN_MAIN: &str = "//! The program.\n\nfn main() {\n    println!(\"{}\", tiny::add_one(1));\n}\n";

/// A crate `tiny` with `lib` as its library, `main` as a program of another name, an example
/// and an integration test, built with its tests as scripts/test builds the workspace.
fn build(dir: &Path, lib: &str, main: &str) -> Output {
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[[bin]]\nname = \"tiny-cli\"\npath = \"src/main.rs\"\n\n[workspace]\n",
        ),
        ("src/lib.rs", lib),
        ("src/main.rs", main),
        ("examples/sample.rs", "fn main() {}\n"),
        ("tests/works.rs", "#[test]\nfn works() {\n    assert_eq!(tiny::add_one(1), 2);\n}\n"),
    ];
    for (path, content) in files {
        std::fs::create_dir_all(dir.join(path).parent().unwrap()).unwrap();
        std::fs::write(dir.join(path), content).unwrap();
    }
    let wrapper = workshop::paths::workspace_root().join("scripts/rustc-lints-and-docs");
    testkit::cargo()
        .current_dir(dir)
        .args(["test", "--no-run", "--all-targets", "--offline", "--target-dir"])
        .arg(dir.join("target"))
        .env_remove("CARGO_TARGET_DIR")
        .env("RUSTC_WORKSPACE_WRAPPER", wrapper)
        .env("CLIPPY_DRIVER", clippy_driver())
        .env("CLIPPY_ARGS", "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap()
}

#[test]
fn a_clean_crate_builds_with_the_documentation_cargo_doc_writes() {
    let dir = TempDir::new("lints-clean").unwrap();
    let output = build(dir.path(), CLEAN_LIB, CLEAN_MAIN);
    assert!(output.status.success(), "{}", text(&output));
    let doc = dir.path().join("target/doc");
    let index = std::fs::read_to_string(doc.join("tiny/index.html")).unwrap_or_default();
    assert!(index.contains("add_one") && index.contains("twice"), "the library's documentation names its items");
    assert!(doc.join("tiny/fn.twice.html").exists(), "each item has its page");
    let mut written: Vec<String> = std::fs::read_dir(&doc)
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().join("index.html").exists())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["tiny", "tiny_cli"], "the library and the program, not the example or the test");
}

/// Builds the crate with `lib` and `main`; the build must fail, and say `named` about it.
fn assert_build_fails_naming(label: &str, lib: &str, main: &str, named: &str) {
    let dir = TempDir::new(label).unwrap();
    let output = build(dir.path(), lib, main);
    let said = text(&output);
    assert!(!output.status.success(), "the build passed ({label}):\n{said}");
    assert!(said.contains(named), "{said}");
}

#[test]
fn a_broken_doc_link_fails_the_build_and_names_the_link() {
    let lib = CLEAN_LIB.replace("[`twice`]", "[`thrice`]");
    assert_build_fails_naming("lints-link", &lib, CLEAN_MAIN, "unresolved link to `thrice`");
}

#[test]
fn a_broken_doc_link_on_a_programs_private_item_fails_the_build() {
    let main = format!("{CLEAN_MAIN}\n/// Called by nobody; see [`nowhere`].\n#[allow(dead_code)]\nfn helper() {{}}\n");
    assert_build_fails_naming("lints-program", CLEAN_LIB, &main, "unresolved link to `nowhere`");
}

#[test]
fn a_public_item_linking_to_a_private_one_fails_the_build() {
    let lib = format!(
        "{CLEAN_LIB}\n/// Uses [`hidden`].\npub fn shown() -> u32 {{\n    hidden()\n}}\n\nfn hidden() -> u32 {{\n    1\n}}\n"
    );
    assert_build_fails_naming("lints-private", &lib, CLEAN_MAIN, "links to private item `hidden`");
}

#[test]
fn a_clippy_lint_fails_the_build() {
    let lib = CLEAN_LIB.replace("    n + 1\n", "    return n + 1;\n");
    assert_build_fails_naming("lints-clippy", &lib, CLEAN_MAIN, "clippy::needless_return");
}
