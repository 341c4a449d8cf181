//! A full disk under the account API: every change that needs room is refused whole with a
//! retryable 507 naming the cause, logged once; reads still work; once the room is back the
//! same request goes through, once.

use std::sync::{Arc, Mutex};

use bank::Cents;
use serde_json::json;

use crate::common::{initial_total, start};

/// What the account API logs while the test runs on this thread (the API's tasks run here too).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn lines_with(&self, text: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap()).lines().filter(|line| line.contains(text)).count()
    }
}

#[tokio::test]
async fn a_full_disk_refuses_changes_whole_and_they_succeed_once_there_is_room() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let api = start().await;
    let withdraw = |n: usize| format!(r#"{{"amount": 0.01, "reference_id": "w-{n:05}"}}"#);

    assert_eq!(
        api.post("/admin/disk-full", r#"{"full": true}"#).await.json,
        json!({"full": true, "refused_changes": 0})
    );
    // Changes that fit in the pages the database has still go through; then one needs room.
    let mut applied = 0;
    let refused = loop {
        let answer = api.post("/accounts/account_A/withdraw", &withdraw(applied)).await;
        if answer.status != 200 {
            break answer;
        }
        applied += 1;
        assert!(applied < 10_000, "the database never filled");
    };
    assert!(applied > 0, "changes that fit go through");
    assert_eq!(refused.status, 507, "{}", refused.json);
    assert_eq!(refused.json["code"], "disk_full");
    assert!(refused.json["error"].as_str().unwrap().contains("database is full"), "{}", refused.json);

    // Refused whole: no cent moved and no ledger row for it, however often it is asked.
    let books = (initial_total() - Cents::new(applied as i64), applied);
    for _ in 0..5 {
        assert_eq!(api.post("/accounts/account_A/withdraw", &withdraw(applied)).await.status, 507);
        assert_eq!(api.post("/accounts/account_B/deposit", r#"{"amount": 5}"#).await.status, 507);
    }
    assert_eq!(api.books().await, books);
    // A retryable failure for every client, and a replay of a change that went through is answered.
    let error = api.client.withdraw("account_A", Cents::new(1), Some("w-new".into())).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    let replay = api.post("/accounts/account_A/withdraw", &withdraw(0)).await;
    assert!(replay.status == 200 && replay.replayed, "{}", replay.json);
    // Reads are served.
    assert_eq!(api.get("/accounts/account_A").await.status, 200);
    assert_eq!(api.get("/ledger").await.json.as_array().unwrap().len(), applied);
    let status = api.get("/admin/disk-full").await.json;
    assert_eq!(status, json!({"full": true, "refused_changes": 12}));
    assert_eq!(log.lines_with(bank::said::DISK_FULL), 1, "said once for twelve refusals");

    // Room again: the refused request succeeds, once.
    assert_eq!(api.post("/admin/disk-full", r#"{"full": false}"#).await.json["full"], false);
    let again = api.post("/accounts/account_A/withdraw", &withdraw(applied)).await;
    assert!(again.status == 200 && !again.replayed, "{}", again.json);
    assert_eq!(api.post("/accounts/account_A/withdraw", &withdraw(applied)).await.status, 200);
    assert_eq!(api.books().await, (books.0 - Cents::new(1), applied + 1));
    assert_eq!(api.get("/admin/disk-full").await.json, json!({"full": false, "refused_changes": 0}));
    assert_eq!(log.lines_with("Disk space given back"), 1);

    // Bad input changes nothing.
    for body in [r#"{"full": "yes"}"#, r#"{"ful": true}"#, "{}"] {
        assert_eq!(api.post("/admin/disk-full", body).await.status, 400, "{body}");
    }
    assert_eq!(api.get("/admin/disk-full").await.json["full"], false);
}
