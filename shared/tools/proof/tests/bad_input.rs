//! Bad input, generated: money parsing against an oracle built from integers, and every input
//! of the account API and the Money Transfer API. Anything invalid gets a 4xx with a JSON
//! `{error, code}` and changes nothing; nothing panics; nothing answers 5xx.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use bank::{Cents, RealWorldModeSettings};
use proof::http::{Answer, Connection, addr_of, encode_segment, once};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use testkit::{TestAccountApi, TestServer, TransferServices, eventually};
use transfer_ui::cli::INITIAL_BALANCES;

const MAX: u128 = 100_000_000_000; // Cents::MAX in cents

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

// ------------------------------------------------------------------ money parsing

/// An amount literal built from integers, with what it must parse to.
#[derive(Debug, Clone)]
struct Literal {
    text: String,
    /// `Some(cents)` when the text is a valid amount (any non-negative value, zero included).
    value: Option<u128>,
}

fn literal() -> impl Strategy<Value = Literal> {
    let whole = prop_oneof![
        0u128..10,
        0u128..100_000,
        0u128..=1_000_000_001,
        any::<u64>().prop_map(u128::from),
        Just(u128::MAX / 1000)
    ];
    (whole, 0usize..4, any::<u16>(), 0usize..3, "[ \t\n]{0,2}", "[ \t\n]{0,2}").prop_map(
        |(whole, decimals, fraction, zeros, before, after)| {
            let fraction = u128::from(fraction) % 10u128.pow(decimals as u32);
            let mut text = format!("{before}{}{whole}", "0".repeat(zeros));
            if decimals > 0 {
                text.push_str(&format!(".{fraction:0width$}", width = decimals));
            }
            text.push_str(&after);
            // More than two decimals is never an amount, even 1.500.
            let value = (decimals <= 2)
                .then(|| whole.checked_mul(100)?.checked_add(fraction * 10u128.pow(2 - decimals as u32)))
                .flatten()
                .filter(|cents| *cents <= MAX);
            Literal { text, value }
        },
    )
}

/// An independent reading of "a plain decimal with at most two places": digits, then
/// optionally a point and one or two digits; surrounding whitespace allowed.
fn oracle(text: &str) -> Option<u128> {
    let text = text.trim_matches(char::is_whitespace);
    let mut parts = text.splitn(2, '.');
    let whole = parts.next()?;
    let fraction = parts.next();
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f) || f.len() > 2) {
        return None;
    }
    let mut cents: u128 = 0;
    for digit in whole
        .chars()
        .chain(fraction.unwrap_or("").chars())
        .chain(std::iter::repeat_n('0', 2 - fraction.map_or(0, str::len)))
    {
        cents = cents.checked_mul(10)?.checked_add(u128::from(digit.to_digit(10)?))?;
    }
    (cents <= MAX).then_some(cents)
}

fn parsed(text: &str) -> Option<u128> {
    Cents::parse_amount(text).ok().map(|c| c.as_i64() as u128)
}

#[test]
fn amounts_built_from_integers_parse_exactly() {
    runner(256)
        .run(&literal(), |l| {
            let positive = l.value.filter(|v| *v > 0);
            prop_assert_eq!(parsed(&l.text), positive, "{:?}", l.text);
            prop_assert_eq!(oracle(&l.text), l.value, "the oracle agrees with the construction: {:?}", l.text);
            Ok(())
        })
        .unwrap();
}

#[test]
fn any_text_parses_exactly_when_the_oracle_says_so() {
    let text = prop_oneof![
        "[0-9.\\-+eE \"a-z,]{0,14}",
        "[0-9]{0,22}(\\.[0-9]{0,4})?",
        "-?[0-9]{1,4}(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?",
        any::<String>(),
    ];
    runner(256)
        .run(&text, |text| {
            let expected = oracle(&text).filter(|v| *v > 0);
            prop_assert_eq!(parsed(&text), expected, "{:?}", text);
            Ok(())
        })
        .unwrap();
}

/// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    if b.get(i) == Some(&b'0') {
        i += 1;
    } else if !matches!(b.get(i), Some(b'1'..=b'9')) || !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

#[test]
fn json_amounts_are_read_exactly_or_refused() {
    #[derive(serde::Deserialize)]
    struct Body {
        #[allow(dead_code)]
        amount: Cents,
    }
    let text = prop_oneof!["[-+0-9.eE]{1,14}", "(0|[1-9][0-9]{0,12})(\\.[0-9]{1,3})?"];
    runner(256)
        .run(&text, |text| {
            let body = format!("{{\"amount\": {text}}}");
            let read = serde_json::from_str::<Body>(&body).ok().map(|b| b.amount.as_i64() as u128);
            // Valid: a JSON number, not negative, no exponent, at most two decimals, ≤ MAX.
            let expected = if is_json_number(&text) && !text.contains(['-', 'e', 'E']) { oracle(&text) } else { None };
            prop_assert_eq!(read, expected, "{}", body);
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_amount_round_trips_through_json() {
    runner(256)
        .run(&(0i64..=100_000_000_000), |cents| {
            let text = serde_json::to_string(&Cents::new(cents)).unwrap();
            prop_assert_eq!(serde_json::from_str::<Cents>(&text).unwrap(), Cents::new(cents));
            prop_assert_eq!(oracle(&text), Some(cents as u128));
            Ok(())
        })
        .unwrap();
}

// ------------------------------------------------------------------ HTTP helpers

/// A 4xx in the JSON error shape.
fn is_json_error(answer: &Answer) -> bool {
    let body = answer.json().unwrap_or_default();
    (400..500).contains(&answer.status)
        && body["error"].as_str().is_some_and(|e| !e.is_empty())
        && body["code"].as_str().is_some_and(|c| !c.is_empty())
        && answer.header("content-type").is_some_and(|t| t.starts_with("application/json"))
}

fn check(condition: bool, message: String) -> Result<(), TestCaseError> {
    if condition { Ok(()) } else { Err(TestCaseError::fail(message)) }
}

/// Hostile ids: traversal, NUL, quotes, SQL, markup, unicode, too long.
const HOSTILE_IDS: &[&str] = &[
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

fn hostile_id() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(HOSTILE_IDS).prop_map(str::to_string),
        any::<String>()
            .prop_filter("not a valid id", |s| !bank::api::is_valid_account_id(s) && !s.is_empty())
            .prop_map(|s| encode_segment(&s)),
        "[a-z_]{65,80}",
    ]
}

// ------------------------------------------------------------------ the account API

#[derive(Debug, Clone)]
enum Amount {
    Valid(i64),
    Invalid(&'static str),
    Missing,
}

#[derive(Debug, Clone)]
enum Reference {
    Fresh,
    Invalid(&'static str),
    None,
}

#[derive(Debug, Clone)]
enum Id {
    Known(usize),
    Unknown(String),
    Hostile(String),
}

#[derive(Debug, Clone)]
struct MoveCase {
    deposit: bool,
    id: Id,
    amount: Amount,
    reference: Reference,
    unknown_field: bool,
    content_type: Option<&'static str>,
    /// Not a JSON object at all: these bytes instead.
    garbage: Option<Vec<u8>>,
}

const BAD_AMOUNTS: &[&str] = &[
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
const BAD_REFERENCES: &[&str] = &[
    "\"\"",
    "\"   \"",
    "7",
    "[\"a\"]",
    "\"tab\\tinside\"",
    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
];

fn move_case() -> impl Strategy<Value = MoveCase> {
    let id = prop_oneof![
        4 => (0usize..10).prop_map(Id::Known),
        1 => "[a-z0-9_-]{1,20}".prop_filter("unknown", |s| !s.starts_with("account_")).prop_map(Id::Unknown),
        2 => hostile_id().prop_map(Id::Hostile),
    ];
    let amount = prop_oneof![
        4 => prop_oneof![1i64..=5_000, 1i64..=100_000_000_000].prop_map(Amount::Valid),
        3 => proptest::sample::select(BAD_AMOUNTS).prop_map(Amount::Invalid),
        1 => Just(Amount::Missing),
    ];
    let reference = prop_oneof![3 => Just(Reference::Fresh), 1 => proptest::sample::select(BAD_REFERENCES).prop_map(Reference::Invalid), 1 => Just(Reference::None)];
    let content_type = prop_oneof![6 => Just(Some("application/json")), 1 => Just(Some("text/plain")), 1 => Just(None), 1 => Just(Some("application/x-www-form-urlencoded"))];
    let garbage = prop_oneof![6 => Just(None), 1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Some), 1 => Just(Some(b"[10]".to_vec())), 1 => Just(Some(b"{\"amount\": 10".to_vec()))];
    (any::<bool>(), id, amount, reference, proptest::bool::weighted(0.1), content_type, garbage).prop_map(
        |(deposit, id, amount, reference, unknown_field, content_type, garbage)| MoveCase {
            deposit,
            id,
            amount,
            reference,
            unknown_field,
            content_type,
            garbage,
        },
    )
}

impl MoveCase {
    fn body(&self, reference: &str) -> Vec<u8> {
        if let Some(garbage) = &self.garbage {
            return garbage.clone();
        }
        let mut fields = Vec::new();
        match &self.amount {
            Amount::Valid(cents) => {
                fields.push(format!("\"amount\": {}", serde_json::to_string(&Cents::new(*cents)).unwrap()))
            }
            Amount::Invalid(text) => fields.push(format!("\"amount\": {text}")),
            Amount::Missing => {}
        }
        match &self.reference {
            Reference::Fresh => fields.push(format!("\"reference_id\": \"{reference}\"")),
            Reference::Invalid(text) => fields.push(format!("\"reference_id\": {text}")),
            Reference::None => {}
        }
        if self.unknown_field {
            fields.push("\"referenceId\": \"x\"".into());
        }
        format!("{{{}}}", fields.join(", ")).into_bytes()
    }

    fn path(&self) -> String {
        let id = match &self.id {
            Id::Known(i) => INITIAL_BALANCES[*i].0.to_string(),
            Id::Unknown(id) => id.clone(),
            Id::Hostile(encoded) => encoded.clone(),
        };
        format!("/accounts/{id}/{}", if self.deposit { "deposit" } else { "withdraw" })
    }

    /// Valid input (whatever the bank then says about the money).
    fn well_formed(&self) -> bool {
        self.garbage.is_none()
            && self.content_type == Some("application/json")
            && matches!(self.amount, Amount::Valid(_))
            && !matches!(self.reference, Reference::Invalid(_))
            && !self.unknown_field
            && !matches!(self.id, Id::Hostile(_))
    }
}

#[test]
fn account_api_refuses_bad_changes_and_moves_only_valid_ones() {
    let rt = runtime();
    let api = rt.block_on(TestAccountApi::start(INITIAL_BALANCES, RealWorldModeSettings::default())).unwrap();
    let references = AtomicUsize::new(0);
    let statuses = std::cell::RefCell::new(BTreeMap::new());
    runner(192)
        .run(&move_case(), |case| {
            let reference = format!("prop-{}", references.fetch_add(1, Ordering::Relaxed));
            let before = api.bank.list_accounts().unwrap();
            let ledger_before = api.bank.ledger(None).unwrap().len();
            let answer = rt
                .block_on(once(&api.url, "POST", &case.path(), case.content_type, &case.body(&reference)))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            *statuses.borrow_mut().entry(answer.status).or_insert(0) += 1;
            let after = api.bank.list_accounts().unwrap();
            let ledger_after = api.bank.ledger(None).unwrap().len();

            let expected = match (&case.id, &case.amount) {
                _ if !case.well_formed() => None,
                (Id::Unknown(_), _) => Some(404),
                (Id::Known(i), Amount::Valid(cents)) => {
                    let balance = before[*i].balance.as_i64();
                    Some(match case.deposit {
                        true if balance + cents > 100_000_000_000 => 400,
                        false if *cents > balance => 422,
                        _ => 200,
                    })
                }
                _ => unreachable!(),
            };
            let text = format!("{case:?} → {} {}", answer.status, answer.text());
            if answer.status == 200 {
                check(expected == Some(200), text.clone())?;
                let (i, cents) = match (&case.id, &case.amount) {
                    (Id::Known(i), Amount::Valid(cents)) => (*i, *cents),
                    _ => unreachable!(),
                };
                let sign = if case.deposit { 1 } else { -1 };
                check(
                    after[i].balance.as_i64() == before[i].balance.as_i64() + sign * cents,
                    format!("moved the wrong amount: {text}"),
                )?;
                check(ledger_after == ledger_before + 1, format!("one ledger entry: {text}"))?;
            } else {
                check(is_json_error(&answer), format!("not a JSON 4xx: {text}"))?;
                match expected {
                    Some(status) => check(answer.status == status, format!("expected {status}: {text}"))?,
                    // Malformed ids may also miss the route (404); everything else is a 400.
                    None => check([400, 404].contains(&answer.status), format!("expected 400: {text}"))?,
                }
                check(
                    after == before && ledger_after == ledger_before,
                    format!("a refused request changed something: {text}"),
                )?;
            }
            Ok(())
        })
        .unwrap();
    let statuses = statuses.into_inner();
    println!("account API statuses over the generated cases: {statuses:?}");
    assert!(
        statuses.contains_key(&200) && statuses.contains_key(&400),
        "both valid and invalid cases ran: {statuses:?}"
    );
}

#[test]
fn real_world_mode_updates_apply_fully_or_not_at_all() {
    let rt = runtime();
    let api = rt.block_on(TestAccountApi::start(INITIAL_BALANCES, RealWorldModeSettings::default())).unwrap();
    let rate = || proptest::option::of(proptest::sample::select(&[-0.5, 0.0, 0.1, 0.45, 0.6, 1.0, 1.5, 1e-3][..]));
    let secs = proptest::option::of(proptest::sample::select(&["0", "1", "600", "601", "-1", "1.5", "\"3\""][..]));
    let case = (
        proptest::option::of(any::<bool>()),
        rate(),
        rate(),
        rate(),
        secs,
        proptest::option::of(any::<u64>()),
        proptest::bool::weighted(0.1),
    );
    runner(128)
        .run(&case, |(enabled, slow, failure, lost, slow_secs, seed, unknown)| {
            let before: Value =
                rt.block_on(once(&api.url, "GET", "/admin/real-world-mode", None, b"")).unwrap().json().unwrap();
            let mut body = serde_json::Map::new();
            let mut expected = before.clone();
            let mut put = |name: &str, value: Value| {
                body.insert(name.into(), value.clone());
                expected[name] = value;
            };
            if let Some(v) = enabled {
                put("enabled", json!(v));
            }
            for (name, value) in [("slow_rate", slow), ("failure_rate", failure), ("lost_response_rate", lost)] {
                if let Some(v) = value {
                    put(name, json!(v));
                }
            }
            let mut typed = true;
            if let Some(text) = slow_secs {
                let value: Value = serde_json::from_str(text).unwrap();
                typed &= value.as_u64().is_some();
                put("slow_secs", value);
            }
            if let Some(v) = seed {
                put("seed", json!(v));
            }
            if unknown {
                body.insert("failureRate".into(), json!(0.1));
            }
            let rate_ok = |name: &str| expected[name].as_f64().is_some_and(|r| (0.0..=1.0).contains(&r));
            let valid = typed
                && !unknown
                && ["slow_rate", "failure_rate", "lost_response_rate"].iter().all(|n| rate_ok(n))
                && expected["slow_rate"].as_f64().unwrap() + expected["failure_rate"].as_f64().unwrap() <= 1.0
                && expected["slow_secs"].as_u64().is_some_and(|s| s <= 600);
            let sent = Value::Object(body).to_string();
            let answer = rt
                .block_on(once(&api.url, "POST", "/admin/real-world-mode", Some("application/json"), sent.as_bytes()))
                .unwrap();
            let now: Value =
                rt.block_on(once(&api.url, "GET", "/admin/real-world-mode", None, b"")).unwrap().json().unwrap();
            let text = format!("{sent} → {} {}", answer.status, answer.text());
            if valid {
                check(
                    answer.status == 200 && now == expected,
                    format!("valid update not applied as sent: {text}; now {now}"),
                )?;
            } else {
                check(is_json_error(&answer) && answer.status == 400, format!("expected a JSON 400: {text}"))?;
                check(now == before, format!("a refused update changed the settings: {text}"))?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn account_ids_in_paths_never_reach_the_bank() {
    let rt = runtime();
    let api = rt.block_on(TestAccountApi::start(INITIAL_BALANCES, RealWorldModeSettings::default())).unwrap();
    runner(128)
        .run(&hostile_id(), |id| {
            for (method, path, body) in [
                ("GET", format!("/accounts/{id}"), ""),
                ("POST", format!("/accounts/{id}/withdraw"), r#"{"amount": 1}"#),
                ("GET", format!("/ledger?account={id}"), ""),
            ] {
                let content_type = (method == "POST").then_some("application/json");
                let answer = rt.block_on(once(&api.url, method, &path, content_type, body.as_bytes())).unwrap();
                let text = format!("{method} {path} → {} {}", answer.status, answer.text());
                if path.starts_with("/ledger") {
                    // A filter on an id that does not exist: an empty list, or a 400 for bytes that are not UTF-8.
                    check(answer.status == 200 && answer.json() == Some(json!([])) || is_json_error(&answer), text)?;
                } else {
                    check(is_json_error(&answer) && [400, 404].contains(&answer.status), text)?;
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(api.bank.ledger(None).unwrap().is_empty());
    let total: Cents = api.bank.list_accounts().unwrap().iter().map(|a| a.balance).sum();
    assert_eq!(total, INITIAL_BALANCES.iter().map(|(_, c)| *c).sum::<Cents>());
}

// ------------------------------------------------------------------ the Money Transfer API

#[derive(Debug, Clone)]
struct TransferCase {
    from: Value,
    to: Value,
    amount: Option<&'static str>,
    unknown_field: bool,
    content_type: Option<&'static str>,
}

fn account_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => (0usize..10).prop_map(|i| json!(INITIAL_BALANCES[i].0)),
        1 => Just(json!("account_Z")),
        1 => Just(json!("' OR 1=1 --")),
        1 => Just(json!("<script>alert(1)</script>")),
        1 => Just(json!("../account_A")),
        1 => Just(json!("")),
        1 => Just(json!(7)),
        1 => Just(Value::Null),
    ]
}

fn transfer_case() -> impl Strategy<Value = TransferCase> {
    let amount = prop_oneof![
        1 => Just(None),
        1 => Just(Some("0.01")),
        1 => Just(Some("2.5")),
        4 => proptest::sample::select(BAD_AMOUNTS).prop_map(Some),
    ];
    let content_type = prop_oneof![8 => Just(Some("application/json")), 1 => Just(Some("text/plain")), 1 => Just(None)];
    (account_value(), account_value(), amount, proptest::bool::weighted(0.1), content_type).prop_map(
        |(from, to, amount, unknown_field, content_type)| TransferCase {
            from,
            to,
            amount,
            unknown_field,
            content_type,
        },
    )
}

impl TransferCase {
    fn body(&self) -> String {
        let mut fields = vec![format!("\"from_account\": {}", self.from), format!("\"to_account\": {}", self.to)];
        if let Some(amount) = self.amount {
            fields.push(format!("\"amount\": {amount}"));
        }
        if self.unknown_field {
            fields.push("\"note\": \"hi\"".into());
        }
        format!("{{{}}}", fields.join(", "))
    }

    fn valid(&self) -> bool {
        let known = |v: &Value| v.as_str().is_some_and(|s| INITIAL_BALANCES.iter().any(|(id, _)| *id == s));
        known(&self.from)
            && known(&self.to)
            && self.from != self.to
            && matches!(self.amount, Some("0.01" | "2.5"))
            && !self.unknown_field
            && self.content_type == Some("application/json")
    }
}

#[test]
fn transfer_api_refuses_bad_input_and_starts_nothing_for_it() {
    let rt = runtime();
    let server = rt.block_on(TestServer::start()).unwrap();
    let binary = proof::binaries::module03_binary().unwrap();
    let services = rt.block_on(TransferServices::start(&binary, &server, &[])).unwrap();
    let ui = services.ui_url.replace("localhost", "127.0.0.1");
    let accepted = std::cell::RefCell::new(Vec::new());
    runner(96)
        .run(&transfer_case(), |case| {
            let answer =
                rt.block_on(once(&ui, "POST", "/api/transfer", case.content_type, case.body().as_bytes())).unwrap();
            let text = format!("{} → {} {}", case.body(), answer.status, answer.text());
            if case.valid() {
                check(answer.status == 200, format!("a valid transfer was refused: {text}"))?;
                accepted.borrow_mut().push(answer.json().unwrap()["workflow_id"].as_str().unwrap().to_string());
            } else {
                check(is_json_error(&answer) && answer.status == 400, format!("expected a JSON 400: {text}"))?;
            }
            Ok(())
        })
        .unwrap();
    let accepted = accepted.into_inner();

    // Exactly the accepted transfers exist, and only they moved money.
    let client = server.client();
    let listed = rt
        .block_on(eventually("the accepted transfers listed and completed", || async {
            let list: Value = reqwest::get(format!("{ui}/api/workflows")).await.ok()?.json().await.ok()?;
            let rows = list["workflows"].as_array()?.clone();
            (rows.len() == accepted.len() && rows.iter().all(|w| w["status"] == "COMPLETED")).then_some(rows)
        }))
        .unwrap();
    drop(client);
    for id in &accepted {
        assert!(listed.iter().any(|w| w["workflow_id"] == id.as_str()), "{id} listed");
    }
    let ledger: Vec<Value> =
        rt.block_on(async { reqwest::get(format!("{}/ledger", services.api_url)).await?.json().await }).unwrap();
    assert_eq!(ledger.len(), 2 * accepted.len(), "only accepted transfers moved money");
}

#[test]
fn transfer_api_ids_sizes_types_and_routes() {
    let rt = runtime();
    let server = rt.block_on(TestServer::start()).unwrap();
    let binary = proof::binaries::module03_binary().unwrap();
    let services = rt.block_on(TransferServices::start(&binary, &server, &[])).unwrap();
    let ui = services.ui_url.replace("localhost", "127.0.0.1");
    let send = |method: &str, path: &str, content_type: Option<&str>, body: &[u8]| {
        rt.block_on(once(&ui, method, path, content_type, body)).unwrap()
    };

    // Hostile account ids in the history route: a JSON 400 (or 404 when the route no longer matches).
    runner(96)
        .run(&hostile_id(), |id| {
            let answer = send("GET", &format!("/api/accounts/{id}/workflows"), None, b"");
            check(
                is_json_error(&answer) && [400, 404].contains(&answer.status),
                format!("{id} → {} {}", answer.status, answer.text()),
            )
        })
        .unwrap();
    // A well-formed id that is no account: an empty history, not an error.
    let unknown = send("GET", "/api/accounts/nobody_here/workflows", None, b"");
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.json().unwrap()["workflows"], json!([]));
    // Literal dot segments, never normalised on the way (a raw request line).
    let mut raw = rt.block_on(Connection::open(addr_of(&ui).unwrap())).unwrap();
    for target in [
        "/api/accounts/../workflows",
        "/api/accounts/%2e%2e/workflows",
        "/api/../api/workflows",
        "/api/accounts/account_A%00/workflows",
    ] {
        let answer = rt.block_on(raw.send("GET", target, None, b"")).unwrap();
        assert!(
            answer.status != 200 || target == "/api/../api/workflows",
            "{target} → {} {}",
            answer.status,
            answer.text()
        );
        assert!(answer.status < 500, "{target} → {}", answer.status);
        if answer.status >= 400 {
            assert!(is_json_error(&answer), "{target} → {} {}", answer.status, answer.text());
        }
    }

    // Oversized bodies: 413 in JSON, on every POST route.
    let padding = "x".repeat(20 * 1024);
    for path in ["/api/transfer", "/api/real-world-mode"] {
        let body =
            format!(r#"{{"from_account": "account_A", "to_account": "account_B", "amount": 1, "note": "{padding}"}}"#);
        let answer = send("POST", path, Some("application/json"), body.as_bytes());
        assert_eq!(answer.status, 413, "{path}: {}", answer.text());
        assert!(is_json_error(&answer) && answer.json().unwrap()["code"] == "payload_too_large", "{}", answer.text());
    }
    // Wrong content types: 400 in JSON.
    for content_type in
        [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data; boundary=x"), None]
    {
        let answer = send(
            "POST",
            "/api/transfer",
            content_type,
            br#"{"from_account": "account_A", "to_account": "account_B", "amount": 1}"#,
        );
        assert!(
            is_json_error(&answer) && answer.status == 400,
            "{content_type:?} → {} {}",
            answer.status,
            answer.text()
        );
        let answer = send("POST", "/api/real-world-mode", content_type, br#"{"enabled": true}"#);
        assert!(
            is_json_error(&answer) && answer.status == 400,
            "{content_type:?} → {} {}",
            answer.status,
            answer.text()
        );
    }
    // Real World Mode bodies: exactly {"enabled": bool}.
    for body in [
        r#"{"enabled": "yes"}"#,
        r#"{"enabled": 1}"#,
        "{}",
        r#"{"enabled": true, "failure_rate": 1}"#,
        "[true]",
        "true",
        "",
    ] {
        let answer = send("POST", "/api/real-world-mode", Some("application/json"), body.as_bytes());
        assert!(is_json_error(&answer) && answer.status == 400, "{body} → {} {}", answer.status, answer.text());
    }
    let mode: Value = rt
        .block_on(async { reqwest::get(format!("{}/admin/real-world-mode", services.api_url)).await?.json().await })
        .unwrap();
    assert_eq!(mode["enabled"], false, "no refused request switched Real World Mode");
    // Unknown routes and workflow ids: 404 in JSON.
    for path in [
        "/api/nothing",
        "/api/workflows/nope/extra",
        "/api/workflows/no-such-transfer",
        "/api/workflows/%27%20OR%201%3D1",
        "/admin/reset",
        "/.env",
    ] {
        let answer = send("GET", path, None, b"");
        assert!(is_json_error(&answer) && answer.status == 404, "{path} → {} {}", answer.status, answer.text());
    }

    let listed: Value = rt.block_on(async { reqwest::get(format!("{ui}/api/workflows")).await?.json().await }).unwrap();
    assert_eq!(listed["workflows"], json!([]), "nothing was started");
    let ledger: Vec<Value> =
        rt.block_on(async { reqwest::get(format!("{}/ledger", services.api_url)).await?.json().await }).unwrap();
    assert!(ledger.is_empty(), "nothing moved");
}
