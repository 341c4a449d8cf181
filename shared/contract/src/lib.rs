//! What the transfer's programs agree on, in one place: the workers and starters of modules
//! 2 to 4, the Money Transfer UI, the lab's checks and the tests import these instead of
//! spelling them out. (Each module's names in Temporal are in `workshop::modules`: module 1
//! needs them too, and builds without the bank.)
//!
//! - [`transfer`]: the transfer workflow's input, result and the state its Query returns.
//! - [`money_move`]: the withdraw/deposit input with its idempotency key, and how a bank
//!   error becomes a retryable or a final activity failure.
//! - [`failure`]: the words of a failure a person should see (its innermost message).
//! - [`start`]: starting a transfer by workflow type, as the UI and the tests do.

#![warn(missing_docs)]

pub mod failure;
pub mod money_move;
pub mod payload;
pub mod start;
pub mod transfer;

pub use failure::innermost_message;
pub use money_move::{BankAnswer, MoneyMove, activity_error, report};
pub use start::{StartOnce, keyed_workflow_id, start_transfer, start_transfer_once};
pub use transfer::{
    Balances, DAILY_BATCH, FROM_ACCOUNT, Step, TO_ACCOUNT, TransferInput, TransferResult, TransferState,
};
