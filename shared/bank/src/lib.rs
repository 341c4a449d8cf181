//! The workshop bank, shared by modules 2, 3 and 4.
//!
//! * [`money`] — [`Cents`], the one money type: exact, whole cents.
//! * [`db`] — [`Bank`], balances and a ledger in SQLite; idempotent by `reference_id`.
//! * [`real_world_mode`] — "Real World Mode": injected failures, switchable at run time.
//! * [`kept_mode`] — Real World Mode kept in the database across restarts (modules 3 and 4).
//! * [`api`] and [`server`] — the account API over HTTP.
//! * [`said`] — the lines of its log other programs count.
//! * [`client`] — [`AccountClient`], whose errors say whether a retry can help.
//!
//! Nothing here knows about Temporal: this is the unreliable outside world
//! that the workflows in the exercises have to cope with.

#![warn(missing_docs)]

pub mod api;
pub mod cli;
pub mod client;
pub mod db;
pub mod kept_mode;
pub mod money;
pub mod real_world_mode;
pub mod said;
pub mod server;
pub mod wire;

pub use client::{AccountClient, ClientError};
pub use db::{Account, Bank, BankError, EntryKind, LedgerEntry, Receipt};
pub use money::{Cents, MoneyError};
pub use real_world_mode::{RealWorldMode, RealWorldModeSettings, RealWorldModeUpdate};
pub use server::{AccountApiConfig, BoundAccountApi, DEFAULT_INITIAL_BALANCES, bind, serve};
pub use wire::{DepositResponse, ErrorBody, Health, MoveMoneyRequest, ResetResponse, WithdrawResponse};

/// Where the account API listens unless told otherwise.
pub const DEFAULT_API_URL: &str = "http://127.0.0.1:5000";
