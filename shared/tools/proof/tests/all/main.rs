//! proof's integration tests, one binary (one link of the dependency graph instead of one per
//! file). The heavy ones (`chaos::`, `bank_crash::`, `load::`) have their place in the run in
//! .config/nextest.toml.

mod common;

mod bad_input_account_moves;
mod bad_input_account_settings_and_paths;
mod bad_input_transfer_api;
mod bank_crash;
mod chaos;
mod cross_site_account_api;
mod cross_site_transfer_ui;
mod idempotent_start;
mod load;
