//! The lines a program prints that another program waits for or counts: the tests, the lab's
//! solves and the proof tools read a terminal as a learner would. Printers build these lines
//! here and readers match them from here, so a changed word changes both (the tests below hold
//! each printer to its reader).
//!
//! The bank knows nothing of Temporal nor of this crate: its own lines are in `bank::said`.

use std::fmt::Display;

/// What the account API prints once it listens, before its URL.
pub const ACCOUNT_API_READY: &str = "Account API ready at";
/// What the Money Transfer UI prints once it listens, before its URL.
pub const UI_READY: &str = "UI ready at";
/// What every worker prints once it polls, before its task queue (module 1 says "polling task
/// queue …", the others "polling …").
pub const WORKER_POLLING: &str = "polling";
/// What a worker prints for each attempt of a bank call that Temporal will retry.
pub const WILL_RETRY: &str = "failed, Temporal will retry";
/// What the workshop's worker runner prints once its worker has stopped after Ctrl-C.
pub const WORKER_STOPPED: &str = "Worker stopped.";
/// How a worker's line about one attempt of an activity begins: "[attempt 3] …".
pub const ATTEMPT: &str = "[attempt ";
/// What the Money Transfer UI prints when a key's transfer was started by a request it never
/// answered, and a repeat finds it.
pub const STARTED_BEFORE: &str = "started before with this Idempotency-Key";

/// "Account API ready at URL (database PATH)".
pub fn account_api_ready(url: impl Display, database: impl Display) -> String {
    format!("{ACCOUNT_API_READY} {url} (database {database})")
}

/// "UI ready at URL".
pub fn ui_ready(url: impl Display) -> String {
    format!("{UI_READY} {url}")
}

/// "polling TASK_QUEUE": how a worker names the queue it serves.
pub fn polling(task_queue: impl Display) -> String {
    format!("{WORKER_POLLING} {task_queue}")
}

/// "[attempt N]": which attempt of an activity a worker's line is about.
pub fn attempt(number: u32) -> String {
    format!("{ATTEMPT}{number}]")
}

/// The attempt a worker's line is about, if it names one.
pub fn attempt_of(line: &str) -> Option<u32> {
    line.split_once(ATTEMPT)?.1.split(']').next()?.parse().ok()
}

/// The URL a ready line names after its label (`ACCOUNT_API_READY` or `UI_READY`).
pub fn url_after<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    line.split_once(label).and_then(|(_, rest)| rest.split_whitespace().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ready_line_gives_its_url_back() {
        let api = account_api_ready("http://127.0.0.1:5000", "bank.db");
        assert_eq!(url_after(&api, ACCOUNT_API_READY), Some("http://127.0.0.1:5000"));
        let ui = format!("\n{}  (Temporal Web UI: http://localhost:8233)", ui_ready("http://localhost:5001"));
        assert_eq!(url_after(&ui, UI_READY), Some("http://localhost:5001"));
        assert_eq!(url_after(&ui, ACCOUNT_API_READY), None, "the UI's line is not the account API's");
    }

    #[test]
    fn an_attempt_line_gives_its_number_back() {
        let line = format!("     worker | {} withdraw($1.00 from account_A): {WILL_RETRY}: boom", attempt(12));
        assert_eq!(attempt_of(&line), Some(12));
        assert_eq!(attempt_of("     worker | withdraw: ok"), None);
    }

}
