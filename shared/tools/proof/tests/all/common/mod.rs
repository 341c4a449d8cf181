//! What the bad-input tests share: the proptest runner, a runtime for the servers, the JSON
//! error shape every refusal must have, and hostile account ids; and the cross-site requests.

pub mod cross_site;

use proof::http::{Answer, encode_segment};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

pub fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A 4xx in the JSON error shape.
pub fn is_json_error(answer: &Answer) -> bool {
    let body = answer.json().unwrap_or_default();
    (400..500).contains(&answer.status)
        && body["error"].as_str().is_some_and(|e| !e.is_empty())
        && body["code"].as_str().is_some_and(|c| !c.is_empty())
        && answer.header("content-type").is_some_and(|t| t.starts_with("application/json"))
}

pub fn check(condition: bool, message: String) -> Result<(), TestCaseError> {
    if condition { Ok(()) } else { Err(TestCaseError::fail(message)) }
}

/// Hostile ids: traversal, NUL, quotes, SQL, markup, unicode, too long.
pub const HOSTILE_IDS: &[&str] = &[
    "..%2F..%2Fetc%2Fpasswd",
    "..%2F",
    "%2E%2E",
    "account_A%00",
    "%00",
    "account_A%27",
    "%27%20OR%201%3D1",
    "%27%20OR%20%271%27%3D%271",
    "account_A%22",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%C3%A4",
    "%FF%FE",
    "a%20b",
    "account_A;DROP%20TABLE%20accounts",
    "account_A%0D%0ASet-Cookie:x=1",
];

pub fn hostile_id() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(HOSTILE_IDS).prop_map(str::to_string),
        any::<String>()
            .prop_filter("not a valid id", |s| !bank::api::is_valid_account_id(s) && !s.is_empty())
            .prop_map(|s| encode_segment(&s)),
        "[a-z_]{65,80}",
    ]
}

/// Amounts no request may carry: zero, negative, not numbers, too precise, too big.
pub const BAD_AMOUNTS: &[&str] = &[
    "0",
    "0.00",
    "-1",
    "-0.01",
    "\"10\"",
    "true",
    "null",
    "{}",
    "[1]",
    "1.001",
    "1.500",
    "1e2",
    "1E-2",
    "1e400",
    "1000000000.01",
    "99999999999999999999999",
    "0.0000001",
];
