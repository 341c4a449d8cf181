//! What the workshop's programs agree on, in one place: workers, starters, the Money
//! Transfer UI, the lab's checks and the tests all import these instead of spelling them out.
//!
//! - [`modules`]: each module's names in Temporal (task queue, workflow type, fixed id).
//! - [`transfer`]: the transfer workflow's input, result and the state its Query returns.
//! - [`money_move`]: the withdraw/deposit input with its idempotency key, and how a bank
//!   error becomes a retryable or a final activity failure.
//! - [`start`]: starting a transfer by workflow type, as the UI and the tests do.

pub mod modules;
pub mod money_move;
pub mod payload;
pub mod start;
pub mod transfer;

pub use modules::{MODULE01, MODULE02, MODULE03, MODULE04, Module};
pub use money_move::{MoneyMove, activity_error, report};
pub use start::start_transfer;
pub use transfer::{Balances, FROM_ACCOUNT, Step, TO_ACCOUNT, TransferInput, TransferResult, TransferState};
