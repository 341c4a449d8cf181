//! Bad input to the account API's money moves, generated: deposits and withdrawals with bad
//! amounts, references, ids, content types and bodies. Anything invalid gets a 4xx with a JSON
//! `{error, code}` and changes nothing; a valid move changes exactly its balance and the ledger.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use bank::{Cents, RealWorldModeSettings};
use proof::http::once;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use testkit::TestAccountApi;
use transfer_ui::cli::INITIAL_BALANCES;

use crate::common::{BAD_AMOUNTS, check, hostile_id, is_json_error, runner, runtime};

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
                    // The front door refuses a body that is not JSON before routing (415).
                    None if case.content_type != Some("application/json") => {
                        check(answer.status == 415, format!("expected 415: {text}"))?
                    }
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
