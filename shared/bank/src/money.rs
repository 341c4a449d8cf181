//! Money as whole cents.
//!
//! Floating point cannot hold 0.10 exactly, so money lives in an `i64` of
//! cents. JSON speaks in dollars (`100.25`), so this module is the one place
//! that converts between the two — exactly, from the literal text, never via
//! a float on the way in.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// An amount of money in whole cents. The workshop's one money type.
///
/// Displays as `$1,000.00` and travels in JSON as a number of dollars
/// (`1000`, `100.5`, `0.25`).
///
/// # Examples
///
/// Parsing an amount the way the account API reads a request, and showing it:
///
/// ```
/// use bank::Cents;
///
/// let amount = Cents::parse_amount("100.25")?;
/// assert_eq!(amount, Cents::new(100_25));
/// assert_eq!(amount.to_string(), "$100.25");
/// assert_eq!(Cents::dollars(1000).to_string(), "$1,000.00");
///
/// // Exact or refused: no rounding, and nothing to move is not an amount.
/// assert!(Cents::parse_amount("1.005").is_err());
/// assert!(Cents::parse_amount("0").is_err());
///
/// // In JSON, a number of dollars.
/// assert_eq!(serde_json::to_string(&amount)?, "100.25");
/// assert_eq!(serde_json::from_str::<Cents>("1000")?, Cents::dollars(1000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(i64);

/// Why a piece of text is not a valid amount. The message is meant for humans.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MoneyError(String);

impl MoneyError {
    fn new(message: impl Into<String>) -> Self {
        MoneyError(message.into())
    }
}

impl Cents {
    /// No money: $0.00.
    pub const ZERO: Cents = Cents(0);

    /// The largest amount or balance the bank accepts: $1,000,000,000.00.
    /// Far below `i64::MAX`, so adding two of them can never overflow.
    pub const MAX: Cents = Cents(1_000_000_000 * 100);

    /// An amount in cents: `Cents::new(899_75)` is $899.75.
    pub const fn new(cents: i64) -> Cents {
        Cents(cents)
    }

    /// Whole dollars, e.g. `Cents::dollars(100)` is $100.00.
    pub const fn dollars(dollars: i64) -> Cents {
        Cents(dollars * 100)
    }

    /// The amount in cents, for storing (SQLite keeps it as an integer).
    pub const fn as_i64(self) -> i64 {
        self.0
    }

    /// Whether it is more than $0.00, as every amount moved must be.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// The sum, or `None` where it would overflow `i64`.
    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }

    /// The difference, or `None` where it would overflow `i64`.
    pub fn checked_sub(self, other: Cents) -> Option<Cents> {
        self.0.checked_sub(other.0).map(Cents)
    }

    /// Parses an amount to move (withdraw or deposit) from a JSON literal.
    ///
    /// Same rules as [`Cents::parse_decimal`], and the amount must also be
    /// greater than zero.
    pub fn parse_amount(literal: &str) -> Result<Cents, MoneyError> {
        let cents = Cents::parse_decimal(literal)?;
        if cents == Cents::ZERO {
            return Err(MoneyError::new("amount must be greater than zero"));
        }
        Ok(cents)
    }

    /// Parses a non-negative JSON number of dollars, exactly, from its text.
    ///
    /// Accepted: `100`, `100.5`, `100.25`, `0`.
    /// Rejected, each with its own message: strings, booleans, `null`,
    /// objects, arrays, negative numbers, more than two decimals (`1.005`,
    /// even `1.500`), exponent notation (`1e2` — no JSON encoder writes money
    /// that way, and refusing it keeps the rule simple), and anything above
    /// [`Cents::MAX`].
    pub fn parse_decimal(literal: &str) -> Result<Cents, MoneyError> {
        let text = literal.trim();
        if let Some(problem) = not_a_number(text) {
            return Err(MoneyError::new(problem));
        }
        if text.starts_with('-') {
            return Err(MoneyError::new(format!("amount must be positive, got {text}")));
        }
        if text.contains(['e', 'E']) {
            return Err(MoneyError::new(format!(
                "write the amount as a plain decimal like 100.25, not in exponent notation ({text})"
            )));
        }

        // "12.5" → ("12", Some("5")); "12" → ("12", None). Both parts, when
        // present, must be non-empty runs of digits: "1." and ".5" are not JSON.
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (text, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !fraction.is_none_or(digits) {
            return Err(MoneyError::new(format!("amount must be a number of dollars like 100.25, got {text}")));
        }
        let fraction = fraction.unwrap_or("");
        if fraction.len() > 2 {
            return Err(MoneyError::new(format!(
                "amount {text} has more than two decimal places; the smallest unit is one cent (0.01)"
            )));
        }

        let too_large = || MoneyError::new(format!("amount {text} is larger than the maximum of {}", Cents::MAX));
        // Read the digits as one integer of cents: "12.5" → "12" + "50" → 1250.
        // `checked_*` turns an absurdly long number into an error, not a panic.
        let padded_fraction = format!("{fraction:0<2}");
        let mut cents: i64 = 0;
        for digit in whole.bytes().chain(padded_fraction.bytes()) {
            cents = cents.checked_mul(10).and_then(|c| c.checked_add(i64::from(digit - b'0'))).ok_or_else(too_large)?;
        }
        if cents > Cents::MAX.0 {
            return Err(too_large());
        }
        Ok(Cents(cents))
    }
}

/// A message if the JSON literal is some other kind of value than a number.
fn not_a_number(text: &str) -> Option<String> {
    let message = match text.chars().next() {
        None => "amount is empty".to_string(),
        Some('"') => format!("amount must be a JSON number like 100.25, not a string ({text})"),
        Some('t' | 'f') => {
            format!("amount must be a JSON number like 100.25, not a boolean ({text})")
        }
        Some('n') => "amount must be a JSON number like 100.25, not null".to_string(),
        Some('{' | '[') => "amount must be a JSON number like 100.25, not an object or array".into(),
        Some(c) if c == '-' || c.is_ascii_digit() => return None,
        Some(_) => format!("amount must be a JSON number like 100.25, got {text}"),
    };
    Some(message)
}

/// `$1,234.56`, with a leading minus for negative values: `-$5.00`.
impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let whole = (magnitude / 100).to_string();
        let fraction = magnitude % 100;

        // Insert a comma every three digits, counting from the right.
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}${grouped}.{fraction:02}")
    }
}

/// Serializes as a JSON number of dollars: `100`, `100.5`, `100.25`.
///
/// Whole dollars go out as integers. Otherwise `cents / 100` as an `f64`:
/// for anything up to [`Cents::MAX`] (at most 15 significant digits) the
/// shortest text that reads back as that `f64` is exactly the 2-decimal value.
impl Serialize for Cents {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            serializer.serialize_i64(self.0 / 100)
        } else {
            serializer.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

/// Deserializes from a JSON number of dollars, exactly, using the literal
/// text (see [`Cents::parse_decimal`]). Zero is allowed here because a
/// balance can be zero; amounts to move are checked with
/// [`Cents::parse_amount`] and by the bank itself.
///
/// This needs `serde_json` (it reads a [`RawValue`]); other formats are not
/// supported.
impl<'de> Deserialize<'de> for Cents {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Cents::parse_decimal(raw.get()).map_err(D::Error::custom)
    }
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, other: Cents) -> Cents {
        Cents(self.0 + other.0)
    }
}

impl Sub for Cents {
    type Output = Cents;
    fn sub(self, other: Cents) -> Cents {
        Cents(self.0 - other.0)
    }
}

impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        iter.fold(Cents::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(cents: i64) -> String {
        serde_json::to_string(&Cents(cents)).unwrap()
    }

    #[test]
    fn displays_dollars_with_thousands_separators() {
        assert_eq!(Cents(0).to_string(), "$0.00");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(10_000).to_string(), "$100.00");
        assert_eq!(Cents(100_025).to_string(), "$1,000.25");
        assert_eq!(Cents(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(Cents::MAX.to_string(), "$1,000,000,000.00");
        assert_eq!(Cents(-500).to_string(), "-$5.00");
    }

    #[test]
    fn serializes_as_exact_dollar_numbers() {
        assert_eq!(json(10_000), "100");
        assert_eq!(json(10_050), "100.5");
        assert_eq!(json(100_025), "1000.25");
        assert_eq!(json(1), "0.01");
        assert_eq!(json(10), "0.1");
        assert_eq!(json(0), "0");
        assert_eq!(json(Cents::MAX.0), "1000000000");
        assert_eq!(json(Cents::MAX.0 - 1), "999999999.99");
    }

    #[test]
    fn every_cent_value_round_trips_through_json() {
        // A spread of values including every possible cents ending.
        let samples = (0..100_000).chain((0..10_000).map(|i| Cents::MAX.0 - i * 7_919));
        for cents in samples {
            let text = json(cents);
            let back: Cents = serde_json::from_str(&text).unwrap();
            assert_eq!(back, Cents(cents), "{text}");
        }
    }

    #[test]
    fn parses_plain_decimals_exactly() {
        assert_eq!(Cents::parse_amount("100"), Ok(Cents(10_000)));
        assert_eq!(Cents::parse_amount("100.5"), Ok(Cents(10_050)));
        assert_eq!(Cents::parse_amount("100.25"), Ok(Cents(10_025)));
        assert_eq!(Cents::parse_amount("0.01"), Ok(Cents(1)));
        assert_eq!(Cents::parse_amount(" 7.10 "), Ok(Cents(710)));
        assert_eq!(Cents::parse_amount("1000000000"), Ok(Cents::MAX));
    }

    fn rejection(literal: &str) -> String {
        Cents::parse_amount(literal).unwrap_err().to_string()
    }

    #[test]
    fn rejects_zero_and_negative_amounts() {
        assert!(rejection("0").contains("greater than zero"));
        assert!(rejection("0.00").contains("greater than zero"));
        assert!(rejection("-5").contains("must be positive"));
        assert!(rejection("-0").contains("must be positive"));
    }

    #[test]
    fn rejects_values_that_are_not_numbers() {
        assert!(rejection("\"100\"").contains("not a string"));
        assert!(rejection("true").contains("not a boolean"));
        assert!(rejection("false").contains("not a boolean"));
        assert!(rejection("null").contains("not null"));
        assert!(rejection("{}").contains("not an object"));
        assert!(rejection("[1]").contains("not an object or array"));
        assert!(rejection("NaN").contains("must be a JSON number"));
        assert!(rejection("Infinity").contains("must be a JSON number"));
        assert!(rejection("").contains("empty"));
        assert!(rejection("1.").contains("like 100.25"));
        assert!(rejection(".5").contains("like 100.25"));
        assert!(rejection("1.2.3").contains("like 100.25"));
    }

    #[test]
    fn rejects_fractions_of_a_cent() {
        assert!(rejection("1.005").contains("more than two decimal places"));
        assert!(rejection("1.500").contains("more than two decimal places"));
    }

    #[test]
    fn rejects_exponent_notation() {
        assert!(rejection("1e2").contains("exponent notation"));
        assert!(rejection("1E400").contains("exponent notation"));
    }

    #[test]
    fn rejects_amounts_above_the_maximum_and_overflow() {
        assert!(rejection("1000000000.01").contains("larger than the maximum of $1,000,000,000.00"));
        assert!(rejection("92233720368547758.08").contains("larger than the maximum"));
        assert!(rejection(&"9".repeat(400)).contains("larger than the maximum"));
    }

    #[test]
    fn deserialize_allows_zero_balances_but_not_bad_literals() {
        assert_eq!(serde_json::from_str::<Cents>("0").unwrap(), Cents::ZERO);
        assert_eq!(serde_json::from_str::<Cents>("12.34").unwrap(), Cents(1234));
        let error = serde_json::from_str::<Cents>("12.345").unwrap_err();
        assert!(error.to_string().contains("more than two decimal places"));
        assert!(serde_json::from_str::<Cents>("\"12\"").is_err());
        assert!(serde_json::from_str::<Cents>("-1").is_err());
    }

    #[test]
    fn deserializes_inside_structs_and_from_values() {
        #[derive(Deserialize)]
        struct Body {
            amount: Cents,
        }
        let body: Body = serde_json::from_slice(br#"{ "amount" : 100.25 }"#).unwrap();
        assert_eq!(body.amount, Cents(10_025));
        let from_value: Body = serde_json::from_value(serde_json::json!({"amount": 0.3})).unwrap();
        assert_eq!(from_value.amount, Cents(30));
    }

    #[test]
    fn arithmetic_helpers() {
        assert_eq!(Cents::dollars(3) + Cents(50) - Cents(25), Cents(325));
        assert_eq!([Cents(1), Cents(2)].into_iter().sum::<Cents>(), Cents(3));
        assert_eq!(Cents(i64::MAX).checked_add(Cents(1)), None);
        assert_eq!(Cents(5).checked_sub(Cents(7)), Some(Cents(-2)));
    }
}
