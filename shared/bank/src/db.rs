//! The bank's books: account balances and an append-only ledger in SQLite.
//!
//! Every withdraw or deposit is one SQLite transaction that checks the
//! account, changes its balance and appends a ledger row — all or nothing. A
//! `reference_id` (idempotency key) makes a retried request harmless: the
//! bank recognises it and hands back the first result instead of moving the
//! money again.
//!
//! An account can be *closed*: the bank still knows it and reads its balance,
//! but refuses to move money in or out of it, a refusal no retry can change.
//!
//! A *full disk* (SQLite's `SQLITE_FULL`, from the file system or from
//! [`Bank::set_disk_full`], which stops the file from growing) refuses every
//! change that needs room, as a whole, and leaves reads working; the same
//! request succeeds once there is room again.
//!
//! rusqlite is blocking. From async code, call [`Bank`] inside
//! `tokio::task::spawn_blocking` so a slow disk never stalls the runtime.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::money::Cents;

/// Everything that can go wrong with a bank operation.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    /// No account with that id (404).
    #[error("account '{0}' does not exist")]
    UnknownAccount(String),

    /// The account exists but takes no more moves of this kind (409; final).
    #[error("account '{account}' is closed: it accepts no {}", kind.plural())]
    AccountClosed {
        /// The closed account.
        account: String,
        /// The move it refused.
        kind: EntryKind,
    },

    /// A withdrawal of more than the balance (422; final).
    #[error("insufficient funds: the balance is {current}, the request was for {requested}")]
    InsufficientFunds {
        /// The balance.
        current: Cents,
        /// The amount asked for.
        requested: Cents,
    },

    /// Not an amount to move: zero, negative, or beyond [`Cents::MAX`] (400).
    #[error("invalid amount: {0}")]
    InvalidAmount(String),

    /// The `reference_id` was already used for a different move (409; final).
    #[error(
        "reference_id '{reference_id}' was already used for a different request; \
         use a new reference_id for a new operation"
    )]
    IdempotencyConflict {
        /// The key used twice.
        reference_id: String,
    },

    /// The database may not grow (a full disk, on purpose): nothing changed; a retry succeeds once it is freed (507).
    #[error(
        "the bank's database is full: nothing was changed; the same request will succeed once disk space is \
         freed"
    )]
    DiskFull,

    /// SQLite failed otherwise (500).
    #[error("bank storage error: {0}")]
    Storage(rusqlite::Error),
}

impl From<rusqlite::Error> for BankError {
    fn from(error: rusqlite::Error) -> BankError {
        // SQLite has already rolled the statement back; the open transaction rolls back too.
        if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            BankError::DiskFull
        } else {
            BankError::Storage(error)
        }
    }
}

/// Which way the money moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// Money left the account.
    Withdraw,
    /// Money went into the account.
    Deposit,
}

impl EntryKind {
    /// The word stored in the ledger and shown in messages: `"withdraw"` or `"deposit"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Withdraw => "withdraw",
            EntryKind::Deposit => "deposit",
        }
    }

    /// "deposits", "withdrawals": for messages.
    pub fn plural(self) -> &'static str {
        match self {
            EntryKind::Withdraw => "withdrawals",
            EntryKind::Deposit => "deposits",
        }
    }

    fn from_db(text: &str) -> EntryKind {
        // The CHECK constraint in the schema allows only these two.
        if text == "deposit" { EntryKind::Deposit } else { EntryKind::Withdraw }
    }
}

/// One account and its balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The account's id (`account_A`); `account_number` in JSON.
    #[serde(rename = "account_number")]
    pub id: String,
    /// What it holds now.
    pub balance: Cents,
}

/// One row of the ledger: a withdraw or deposit that really happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// The ledger's row number: entries are in the order they happened.
    pub id: i64,
    /// The idempotency key of the request that made it, if it had one.
    pub reference_id: Option<String>,
    /// The account it moved money in or out of.
    #[serde(rename = "account_number")]
    pub account_id: String,
    /// Whether the money left or went in.
    pub kind: EntryKind,
    /// How much moved.
    pub amount: Cents,
    /// The account's balance before.
    pub previous_balance: Cents,
    /// The account's balance after.
    pub new_balance: Cents,
    /// UTC, ISO 8601 (e.g. `2025-01-31T12:00:00.000Z`).
    pub created_at: String,
}

/// What a withdraw or deposit hands back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The ledger entry of the move (the first one, for a replay).
    pub entry: LedgerEntry,
    /// True when this was a retry of an already-applied `reference_id`:
    /// nothing changed, `entry` is the original result.
    pub replayed: bool,
}

/// A handle to the bank database. Cheap to clone; all clones share one
/// connection, so operations from one process run one at a time.
#[derive(Clone)]
pub struct Bank {
    connection: Arc<Mutex<Connection>>,
    initial_balances: Arc<Vec<(String, Cents)>>,
    /// Accounts among `initial_balances` that start closed, and are closed again by a reset.
    closed_accounts: Arc<Vec<String>>,
    /// SQLite's page limit when the bank opened: what [`Bank::set_disk_full`]`(false)` gives back.
    roomy_page_limit: i64,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS accounts (
        id            TEXT PRIMARY KEY,
        balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0),
        closed        INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1))
    );
    CREATE TABLE IF NOT EXISTS ledger (
        id             INTEGER PRIMARY KEY,
        reference_id   TEXT UNIQUE,
        account_id     TEXT NOT NULL REFERENCES accounts(id),
        kind           TEXT NOT NULL CHECK (kind IN ('withdraw', 'deposit')),
        amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
        previous_cents INTEGER NOT NULL,
        new_cents      INTEGER NOT NULL,
        created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE TABLE IF NOT EXISTS settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
";

/// Databases made before accounts could be closed get the column, all accounts open.
const ADD_CLOSED_COLUMN: &str =
    "ALTER TABLE accounts ADD COLUMN closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1))";

const LEDGER_COLUMNS: &str = "id, reference_id, account_id, kind, amount_cents, previous_cents, new_cents, created_at";

impl Bank {
    /// Opens (or creates) the bank database file. Accounts from
    /// `initial_balances` that do not exist yet are created with that
    /// balance; existing accounts keep theirs, so restarting the API never
    /// loses money. [`Bank::reset`] goes back to exactly these balances.
    pub fn open(path: impl AsRef<Path>, initial_balances: &[(&str, Cents)]) -> Result<Bank, BankError> {
        Bank::open_with_closed(path, initial_balances, &[])
    }

    /// Like [`Bank::open`], and the accounts named in `closed_accounts` (each one of
    /// `initial_balances`) are created closed: known, readable, but no money moves in or out.
    pub fn open_with_closed(
        path: impl AsRef<Path>,
        initial_balances: &[(&str, Cents)],
        closed_accounts: &[&str],
    ) -> Result<Bank, BankError> {
        let connection = Connection::open(path)?;
        // WAL lets readers (e.g. a learner running `sqlite3 bank.db`) work
        // while the API writes; busy_timeout waits for a lock instead of failing.
        connection.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        // In WAL mode, NORMAL syncs at checkpoints instead of on every commit: a killed
        // process loses nothing (the WAL is in the OS already); only a power cut or OS crash
        // could roll back the last commits. Several times faster than FULL on a real disk.
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        Bank::setup(connection, initial_balances, closed_accounts)
    }

    /// Folds the write-ahead log back into the database file and leaves WAL mode, so no
    /// `bank.db-wal` / `bank.db-shm` stay beside the database once the API has stopped, even
    /// while a clone of this handle is still alive. The next [`Bank::open`] turns WAL on again.
    pub fn close(&self) -> Result<(), BankError> {
        let connection = self.lock();
        connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        connection.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        Ok(())
    }

    /// A private in-memory bank, handy for tests.
    pub fn in_memory(initial_balances: &[(&str, Cents)]) -> Result<Bank, BankError> {
        Bank::setup(Connection::open_in_memory()?, initial_balances, &[])
    }

    fn setup(
        connection: Connection,
        initial_balances: &[(&str, Cents)],
        closed_accounts: &[&str],
    ) -> Result<Bank, BankError> {
        if let Some(stranger) =
            closed_accounts.iter().find(|id| !initial_balances.iter().any(|(known, _)| known == *id))
        {
            return Err(BankError::UnknownAccount(stranger.to_string()));
        }
        connection.busy_timeout(Duration::from_secs(5))?;
        connection.pragma_update(None, "foreign_keys", true)?;
        connection.execute_batch(SCHEMA)?;
        let roomy_page_limit = connection.query_row("PRAGMA max_page_count", [], |row| row.get(0))?;
        let bank = Bank {
            connection: Arc::new(Mutex::new(connection)),
            initial_balances: Arc::new(
                initial_balances.iter().map(|(id, balance)| (id.to_string(), *balance)).collect(),
            ),
            closed_accounts: Arc::new(closed_accounts.iter().map(|id| id.to_string()).collect()),
            roomy_page_limit,
        };
        bank.write(|tx| {
            if !has_closed_column(tx)? {
                tx.execute(ADD_CLOSED_COLUMN, [])?;
            }
            bank.insert_initial_accounts(tx, "INSERT OR IGNORE")
        })?;
        Ok(bank)
    }

    /// The starting accounts, each with its balance and whether it is closed.
    fn insert_initial_accounts(&self, tx: &Transaction<'_>, insert: &str) -> Result<(), BankError> {
        let sql = format!("{insert} INTO accounts (id, balance_cents, closed) VALUES (?1, ?2, ?3)");
        for (id, balance) in self.initial_balances.iter() {
            let closed = self.closed_accounts.contains(id);
            tx.execute(&sql, params![id, balance.as_i64(), closed])?;
        }
        Ok(())
    }

    /// The current balance of one account.
    pub fn balance(&self, account_id: &str) -> Result<Cents, BankError> {
        let connection = self.lock();
        current_balance(&connection, account_id)
    }

    /// All accounts, sorted by id.
    pub fn list_accounts(&self) -> Result<Vec<Account>, BankError> {
        let connection = self.lock();
        let mut statement = connection.prepare("SELECT id, balance_cents FROM accounts ORDER BY id")?;
        let accounts = statement
            .query_map([], |row| Ok(Account { id: row.get(0)?, balance: Cents::new(row.get(1)?) }))?
            .collect::<Result<_, _>>()?;
        Ok(accounts)
    }

    /// The sum of all balances. Withdraws and deposits change it; nothing
    /// else may — a handy invariant for tests.
    pub fn total_cents(&self) -> Result<Cents, BankError> {
        let connection = self.lock();
        let total: i64 =
            connection.query_row("SELECT COALESCE(SUM(balance_cents), 0) FROM accounts", [], |row| row.get(0))?;
        Ok(Cents::new(total))
    }

    /// Ledger entries, oldest first; only one account's if `account_id` is given.
    pub fn ledger(&self, account_id: Option<&str>) -> Result<Vec<LedgerEntry>, BankError> {
        let connection = self.lock();
        let sql = format!("SELECT {LEDGER_COLUMNS} FROM ledger WHERE ?1 IS NULL OR account_id = ?1 ORDER BY id");
        let mut statement = connection.prepare(&sql)?;
        let entries = statement.query_map([account_id], ledger_entry)?.collect::<Result<_, _>>()?;
        Ok(entries)
    }

    /// Takes `amount` out of an account. Fails with `InsufficientFunds`
    /// rather than going below zero.
    pub fn withdraw(&self, account_id: &str, amount: Cents, reference_id: Option<&str>) -> Result<Receipt, BankError> {
        self.apply(EntryKind::Withdraw, account_id, amount, reference_id)
    }

    /// Puts `amount` into an account.
    pub fn deposit(&self, account_id: &str, amount: Cents, reference_id: Option<&str>) -> Result<Receipt, BankError> {
        self.apply(EntryKind::Deposit, account_id, amount, reference_id)
    }

    /// Back to the initial balances (and closed accounts) with an empty ledger, in one
    /// transaction. Accounts that were not in the initial balances are removed.
    pub fn reset(&self) -> Result<(), BankError> {
        self.write(|tx| {
            tx.execute("DELETE FROM ledger", [])?;
            tx.execute("DELETE FROM accounts", [])?;
            self.insert_initial_accounts(tx, "INSERT")
        })
    }

    /// A setting kept in the database across restarts (modules 3 and 4 keep Real World
    /// Mode's switch here: `bank::kept_mode`), or `None` when it was never set.
    pub fn setting(&self, name: &str) -> Result<Option<String>, BankError> {
        let connection = self.lock();
        let value =
            connection.query_row("SELECT value FROM settings WHERE name = ?1", [name], |row| row.get(0)).optional()?;
        Ok(value)
    }

    /// Sets a setting kept across restarts. [`Bank::reset`] leaves the settings alone.
    pub fn set_setting(&self, name: &str, value: &str) -> Result<(), BankError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = ?2",
                params![name, value],
            )?;
            Ok(())
        })
    }

    /// A full disk, on purpose: with `true` the database may not grow by a single page (SQLite's
    /// `max_page_count`, for this connection), so every change that needs a new page fails
    /// with [`BankError::DiskFull`] while changes that fit in the pages it has, and all reads,
    /// still work, as on a real full disk. `false` gives the room back.
    pub fn set_disk_full(&self, full: bool) -> Result<(), BankError> {
        let connection = self.lock();
        // SQLite never sets the limit below the pages in use: 1 means "exactly what it has now".
        let limit = if full { 1 } else { self.roomy_page_limit };
        connection.query_row(&format!("PRAGMA max_page_count = {limit}"), [], |_| Ok(()))?;
        Ok(())
    }

    /// Whether [`Bank::set_disk_full`] has stopped the database from growing.
    pub fn is_disk_full(&self) -> Result<bool, BankError> {
        let limit: i64 = self.lock().query_row("PRAGMA max_page_count", [], |row| row.get(0))?;
        Ok(limit < self.roomy_page_limit)
    }

    /// The one place money moves. Check, change and record happen in a
    /// single transaction, so a crash can never leave half a withdrawal.
    fn apply(
        &self,
        kind: EntryKind,
        account_id: &str,
        amount: Cents,
        reference_id: Option<&str>,
    ) -> Result<Receipt, BankError> {
        if !amount.is_positive() {
            return Err(BankError::InvalidAmount(format!("amount must be greater than zero, got {amount}")));
        }
        if amount > Cents::MAX {
            return Err(BankError::InvalidAmount(format!(
                "amount {amount} is larger than the maximum of {}",
                Cents::MAX
            )));
        }

        self.write(|tx| {
            // Seen this key before? Then this is a retry: answer as the first time.
            if let Some(key) = reference_id
                && let Some(first) = entry_by_reference(tx, key)?
            {
                let same_request = first.account_id == account_id && first.kind == kind && first.amount == amount;
                if !same_request {
                    let reference_id = key.to_string();
                    return Err(BankError::IdempotencyConflict { reference_id });
                }
                return Ok(Receipt { entry: first, replayed: true });
            }

            let (previous, closed) = account_state(tx, account_id)?;
            if closed {
                return Err(BankError::AccountClosed { account: account_id.to_string(), kind });
            }
            let new = match kind {
                EntryKind::Withdraw if amount > previous => {
                    let (current, requested) = (previous, amount);
                    return Err(BankError::InsufficientFunds { current, requested });
                }
                EntryKind::Withdraw => previous - amount,
                EntryKind::Deposit => {
                    previous.checked_add(amount).filter(|new| *new <= Cents::MAX).ok_or_else(|| {
                        BankError::InvalidAmount(format!(
                            "this deposit would take the balance above the maximum of {}",
                            Cents::MAX
                        ))
                    })?
                }
            };

            tx.execute("UPDATE accounts SET balance_cents = ?1 WHERE id = ?2", params![new.as_i64(), account_id])?;
            tx.execute(
                "INSERT INTO ledger
                     (reference_id, account_id, kind, amount_cents, previous_cents, new_cents)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![reference_id, account_id, kind.as_str(), amount.as_i64(), previous.as_i64(), new.as_i64()],
            )?;
            let entry = tx.query_row(
                &format!("SELECT {LEDGER_COLUMNS} FROM ledger WHERE id = ?1"),
                [tx.last_insert_rowid()],
                ledger_entry,
            )?;
            Ok(Receipt { entry, replayed: false })
        })
    }

    /// Runs `work` in a `BEGIN IMMEDIATE` transaction: the write lock is
    /// taken up front, so two writers (even in two processes) queue up
    /// instead of both reading the old balance. Commits on `Ok`, rolls back
    /// on `Err`.
    fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T, BankError>) -> Result<T, BankError> {
        let mut connection = self.lock();
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let result = work(&tx)?;
        tx.commit()?;
        Ok(result)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done change:
        // the transaction rolls back when dropped. So a poisoned lock is safe to reuse.
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn current_balance(connection: &Connection, account_id: &str) -> Result<Cents, BankError> {
    account_state(connection, account_id).map(|(balance, _closed)| balance)
}

/// An account's balance, and whether it is closed.
fn account_state(connection: &Connection, account_id: &str) -> Result<(Cents, bool), BankError> {
    connection
        .query_row("SELECT balance_cents, closed FROM accounts WHERE id = ?1", [account_id], |row| {
            Ok((Cents::new(row.get(0)?), row.get(1)?))
        })
        .optional()?
        .ok_or_else(|| BankError::UnknownAccount(account_id.to_string()))
}

fn has_closed_column(connection: &Connection) -> Result<bool, BankError> {
    let mut statement = connection.prepare("SELECT 1 FROM pragma_table_info('accounts') WHERE name = 'closed'")?;
    Ok(statement.exists([])?)
}

fn entry_by_reference(connection: &Connection, reference_id: &str) -> Result<Option<LedgerEntry>, BankError> {
    let sql = format!("SELECT {LEDGER_COLUMNS} FROM ledger WHERE reference_id = ?1");
    Ok(connection.query_row(&sql, [reference_id], ledger_entry).optional()?)
}

fn ledger_entry(row: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        id: row.get(0)?,
        reference_id: row.get(1)?,
        account_id: row.get(2)?,
        kind: EntryKind::from_db(&row.get::<_, String>(3)?),
        amount: Cents::new(row.get(4)?),
        previous_balance: Cents::new(row.get(5)?),
        new_balance: Cents::new(row.get(6)?),
        created_at: row.get(7)?,
    })
}

#[cfg(test)]
mod tests;
