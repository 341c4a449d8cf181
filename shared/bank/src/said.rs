//! The bank's lines that other programs count (the chaos run reads the account API's log and
//! the workers' terminals): written and matched from here. The other programs' lines are in
//! `workshop::said`; the bank knows nothing of that crate.

/// What the account API logs, once per episode, when its database is full.
pub const DISK_FULL: &str = "The bank's database is full";

/// What the account client's error says of a change refused for want of room (a 507), as a
/// worker prints it: "account API answered 507 Insufficient Storage: …".
pub const DISK_FULL_ANSWER: &str = "answered 507";
