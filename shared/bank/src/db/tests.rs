//! The books' tests: money moves, idempotency, closed accounts and a full disk, on an in-memory bank.

use super::*;

fn bank() -> Bank {
    Bank::in_memory(&[("account_A", Cents::dollars(1000)), ("account_B", Cents::dollars(500))]).unwrap()
}

#[test]
fn withdraw_and_deposit_move_money_and_write_the_ledger() {
    let bank = bank();
    let out = bank.withdraw("account_A", Cents::dollars(100), None).unwrap();
    assert_eq!(out.entry.previous_balance, Cents::dollars(1000));
    assert_eq!(out.entry.new_balance, Cents::dollars(900));
    assert!(!out.replayed);
    let back = bank.deposit("account_B", Cents::new(2550), Some("d-1")).unwrap();
    assert_eq!(back.entry.new_balance, Cents::new(52_550));
    assert_eq!(back.entry.reference_id.as_deref(), Some("d-1"));

    assert_eq!(bank.balance("account_A").unwrap(), Cents::dollars(900));
    let ledger = bank.ledger(None).unwrap();
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger[0].kind, EntryKind::Withdraw);
    assert_eq!(bank.ledger(Some("account_B")).unwrap(), vec![back.entry]);
    assert_eq!(bank.total_cents().unwrap(), Cents::dollars(1500) - Cents::dollars(100) + Cents::new(2550));
}

#[test]
fn same_reference_id_is_applied_once() {
    let bank = bank();
    let first = bank.withdraw("account_A", Cents::dollars(10), Some("w-1")).unwrap();
    let again = bank.withdraw("account_A", Cents::dollars(10), Some("w-1")).unwrap();
    assert!(again.replayed);
    assert_eq!(again.entry, first.entry);
    assert_eq!(bank.balance("account_A").unwrap(), Cents::dollars(990));
    assert_eq!(bank.ledger(None).unwrap().len(), 1);
}

#[test]
fn reused_reference_id_with_other_content_is_a_conflict() {
    let bank = bank();
    bank.withdraw("account_A", Cents::dollars(10), Some("w-1")).unwrap();
    for attempt in [
        bank.withdraw("account_A", Cents::dollars(11), Some("w-1")),
        bank.withdraw("account_B", Cents::dollars(10), Some("w-1")),
        bank.deposit("account_A", Cents::dollars(10), Some("w-1")),
    ] {
        assert!(matches!(attempt, Err(BankError::IdempotencyConflict { ref reference_id }) if reference_id == "w-1"));
    }
    assert_eq!(bank.balance("account_A").unwrap(), Cents::dollars(990));
    assert_eq!(bank.ledger(None).unwrap().len(), 1);
}

#[test]
fn without_reference_id_every_call_applies() {
    let bank = bank();
    bank.withdraw("account_A", Cents::dollars(10), None).unwrap();
    bank.withdraw("account_A", Cents::dollars(10), None).unwrap();
    assert_eq!(bank.balance("account_A").unwrap(), Cents::dollars(980));
}

#[test]
fn refuses_overdrafts_unknown_accounts_and_bad_amounts() {
    let bank = bank();
    let overdraft = bank.withdraw("account_B", Cents::new(50_001), Some("big"));
    assert!(matches!(
        overdraft,
        Err(BankError::InsufficientFunds { current, requested })
            if current == Cents::dollars(500) && requested == Cents::new(50_001)
    ));
    assert!(
        matches!(bank.deposit("nobody", Cents::dollars(1), None), Err(BankError::UnknownAccount(id)) if id == "nobody")
    );
    assert!(matches!(bank.balance("nobody"), Err(BankError::UnknownAccount(_))));
    assert!(matches!(bank.deposit("account_A", Cents::ZERO, None), Err(BankError::InvalidAmount(_))));
    assert!(matches!(bank.withdraw("account_A", Cents::new(-1), None), Err(BankError::InvalidAmount(_))));
    assert!(matches!(bank.deposit("account_A", Cents::MAX, None), Err(BankError::InvalidAmount(_))));
    // A refused request leaves no trace, so its reference_id is still free.
    assert_eq!(bank.ledger(None).unwrap(), vec![]);
    assert_eq!(bank.total_cents().unwrap(), Cents::dollars(1500));
    bank.withdraw("account_B", Cents::dollars(5), Some("big")).unwrap();
}

#[test]
fn reset_restores_initial_balances_and_clears_the_ledger() {
    let bank = bank();
    bank.withdraw("account_A", Cents::dollars(999), Some("r")).unwrap();
    bank.deposit("account_B", Cents::dollars(1), None).unwrap();
    bank.reset().unwrap();
    assert_eq!(
        bank.list_accounts().unwrap(),
        vec![
            Account { id: "account_A".into(), balance: Cents::dollars(1000) },
            Account { id: "account_B".into(), balance: Cents::dollars(500) },
        ]
    );
    assert!(bank.ledger(None).unwrap().is_empty());
}

#[test]
fn a_full_disk_refuses_a_change_whole_and_reads_go_on() {
    let bank = bank();
    bank.set_disk_full(true).unwrap();
    assert!(bank.is_disk_full().unwrap());
    let mut applied = 0;
    let key = |n: i64| format!("w-{n:05}");
    while bank.withdraw("account_A", Cents::new(1), Some(&key(applied))).is_ok() {
        applied += 1;
    }
    assert!(matches!(bank.withdraw("account_A", Cents::new(1), Some(&key(applied))), Err(BankError::DiskFull)));
    assert_eq!(bank.balance("account_A").unwrap(), Cents::dollars(1000) - Cents::new(applied));
    assert_eq!(bank.ledger(None).unwrap().len() as i64, applied);

    bank.set_disk_full(false).unwrap();
    assert!(!bank.is_disk_full().unwrap());
    assert!(!bank.withdraw("account_A", Cents::new(1), Some(&key(applied))).unwrap().replayed);
    assert_eq!(bank.ledger(None).unwrap().len() as i64, applied + 1);
}

fn bank_with_a_closed_account() -> Bank {
    let initial = [("account_A", Cents::dollars(1000)), ("closed", Cents::dollars(5))];
    Bank::setup(Connection::open_in_memory().unwrap(), &initial, &["closed"]).unwrap()
}

#[test]
fn a_closed_account_refuses_every_move_and_keeps_its_balance() {
    let bank = bank_with_a_closed_account();
    let deposit = bank.deposit("closed", Cents::dollars(1), Some("d-1"));
    assert!(matches!(
        deposit,
        Err(BankError::AccountClosed { ref account, kind: EntryKind::Deposit }) if account == "closed"
    ));
    let withdraw = bank.withdraw("closed", Cents::dollars(1), None);
    assert!(matches!(withdraw, Err(BankError::AccountClosed { kind: EntryKind::Withdraw, .. })));
    assert_eq!(bank.balance("closed").unwrap(), Cents::dollars(5));
    assert_eq!(bank.ledger(None).unwrap(), vec![]);
    bank.deposit("account_A", Cents::dollars(1), Some("d-1")).unwrap(); // the key is still free

    bank.reset().unwrap();
    assert!(matches!(bank.deposit("closed", Cents::dollars(1), None), Err(BankError::AccountClosed { .. })));
    assert_eq!(bank.balance("account_A").unwrap(), Cents::dollars(1000));
}

#[test]
fn only_a_starting_account_can_be_closed() {
    let setup = Bank::setup(Connection::open_in_memory().unwrap(), &[("account_A", Cents::ZERO)], &["nobody"]);
    assert!(matches!(setup, Err(BankError::UnknownAccount(id)) if id == "nobody"));
}

#[test]
fn a_database_from_before_closed_accounts_gets_them() {
    let path = std::env::temp_dir().join(format!("bank-migrate-{}.db", std::process::id()));
    {
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE accounts (id TEXT PRIMARY KEY, balance_cents INTEGER NOT NULL);
             INSERT INTO accounts VALUES ('account_A', 70000);",
        )
        .unwrap();
    }
    let initial = [("account_A", Cents::dollars(1000)), ("closed", Cents::ZERO)];
    let bank = Bank::open_with_closed(&path, &initial, &["closed"]).unwrap();
    assert_eq!(bank.balance("account_A").unwrap(), Cents::dollars(700), "existing balances stay");
    bank.withdraw("account_A", Cents::dollars(1), None).unwrap();
    assert!(matches!(bank.deposit("closed", Cents::dollars(1), None), Err(BankError::AccountClosed { .. })));
    drop(bank);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn reopening_a_file_keeps_balances() {
    let path = std::env::temp_dir().join(format!("bank-reopen-{}.db", std::process::id()));
    let initial = [("account_A", Cents::dollars(1000))];
    {
        let bank = Bank::open(&path, &initial).unwrap();
        bank.withdraw("account_A", Cents::dollars(1), None).unwrap();
    }
    let bank = Bank::open(&path, &initial).unwrap();
    assert_eq!(bank.balance("account_A").unwrap(), Cents::dollars(999));
    assert_eq!(bank.ledger(None).unwrap().len(), 1);
    drop(bank);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
