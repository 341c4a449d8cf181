//! The Money Transfer UI's integration tests, one binary (one link of the dependency graph
//! instead of one per file).

mod page_escaping;
mod program;
