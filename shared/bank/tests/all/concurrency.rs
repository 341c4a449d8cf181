//! Many requests at once must not create or destroy a single cent.

use std::collections::BTreeSet;

use bank::Cents;
use tokio::task::JoinSet;

use crate::common::{initial_total, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_hundred_concurrent_requests_conserve_money_exactly() {
    let api = start().await;
    let dollar = Cents::dollars(1);
    let mut requests = JoinSet::new();
    for _ in 0..200 {
        let client = api.client.clone();
        requests.spawn(async move { client.withdraw("account_A", dollar, None).await.map(|r| ("A", r.new_balance)) });
        let client = api.client.clone();
        requests.spawn(async move { client.deposit("account_B", dollar, None).await.map(|r| ("B", r.new_balance)) });
    }

    let mut new_balances_a = BTreeSet::new();
    let mut new_balances_b = BTreeSet::new();
    while let Some(joined) = requests.join_next().await {
        let (account, new_balance) = joined.unwrap().expect("every request succeeds");
        let seen = if account == "A" { &mut new_balances_a } else { &mut new_balances_b };
        // Each request saw a different balance: none of them overwrote another.
        assert!(seen.insert(new_balance), "{account} reported {new_balance} twice");
    }

    let expected_a: BTreeSet<Cents> = (800..1000).map(Cents::dollars).collect();
    let expected_b: BTreeSet<Cents> = (501..=700).map(Cents::dollars).collect();
    assert_eq!(new_balances_a, expected_a);
    assert_eq!(new_balances_b, expected_b);

    assert_eq!(api.client.balance("account_A").await.unwrap(), Cents::dollars(800));
    assert_eq!(api.client.balance("account_B").await.unwrap(), Cents::dollars(700));
    assert_eq!(api.books().await, (initial_total(), 400));
    let ledger = api.client.ledger(Some("account_A")).await.unwrap();
    assert_eq!(ledger.len(), 200);
    assert!(ledger.iter().all(|entry| entry.previous_balance - entry.new_balance == dollar));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_overdraft_attempts_never_go_below_zero() {
    let api = start().await;
    // account_B holds $500: only five of these twenty $100 withdraws can succeed.
    let mut requests = JoinSet::new();
    for _ in 0..20 {
        let client = api.client.clone();
        requests.spawn(async move { client.withdraw("account_B", Cents::dollars(100), None).await });
    }
    let (mut succeeded, mut refused) = (0, 0);
    while let Some(joined) = requests.join_next().await {
        match joined.unwrap() {
            Ok(_) => succeeded += 1,
            Err(error) if error.is_insufficient_funds() => refused += 1,
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!((succeeded, refused), (5, 15));
    assert_eq!(api.balance_now("account_B").await, Cents::ZERO);
    assert_eq!(api.books().await, (initial_total() - Cents::dollars(500), 5));
}
