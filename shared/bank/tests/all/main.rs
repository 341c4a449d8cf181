//! The bank's integration tests, one binary (one link of the dependency graph instead of one
//! per file): a real account API on a free loopback port for each test.

mod common;

mod activity_client;
mod admin;
mod bad_input;
mod client_errors;
mod closed_account;
mod concurrency;
mod disk_full;
mod idempotency;
mod money_parsing;
mod real_world_mode;
mod real_world_mode_env;
mod shutdown;
