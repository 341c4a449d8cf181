//! The workshop crate's integration tests, one binary (one link of the dependency graph
//! instead of one per file).

mod dev_server;
mod temporal_wrapper;
mod worker_start;
