//! Money parsing, generated: amounts against an oracle built from integers, any text against
//! an independent reading of "a plain decimal with at most two places", and amounts in JSON
//! read exactly or refused.

use bank::Cents;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const MAX: u128 = 100_000_000_000; // Cents::MAX in cents

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}
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
