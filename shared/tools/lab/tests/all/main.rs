//! The lab's integration tests, one binary (one link of the dependency graph instead of one
//! per file). The long ones (`instruqt_play::`, `lab_checks::`, `page_walks::`) have their
//! place in the run in .config/nextest.toml.

mod common;
mod stand_ins;

mod background_build;
mod dev_container;
mod doc_links;
mod every_module;
mod fresh_vm;
mod hot_fix_drift;
mod house_rules;
mod instruqt_pages;
mod instruqt_play;
mod lab_checks;
mod lints_and_docs;
mod page_walks;
mod room;
mod shell_scripts;
