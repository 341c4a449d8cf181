//! Stopping the account API closes its database: no `-wal`/`-shm` files are left beside
//! `bank.db` (they showed up in `git status` of the exercise folders), and nothing is lost.

use bank::{AccountApiConfig, AccountClient, Bank, Cents};
use tokio::sync::oneshot;

use crate::common::TempDir;

#[tokio::test]
async fn a_stopped_api_leaves_only_its_database_file() {
    let dir = TempDir::new("shutdown");
    let db_path = dir.0.join("bank.db");
    let config = AccountApiConfig { port: 0, db_path: db_path.clone(), ..AccountApiConfig::default() };
    let api = bank::bind(&config).await.unwrap();
    let client = AccountClient::new(api.url());
    let still_held = api.bank(); // a handle that outlives the server, as in the all-in-one runner
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = tokio::spawn(api.serve(async {
        let _ = stopped.await;
    }));

    client.withdraw("account_A", Cents::dollars(7), Some("shutdown-1".into())).await.unwrap();
    assert!(dir.0.join("bank.db-wal").exists(), "while serving, SQLite writes ahead to the WAL");
    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();

    let mut left: Vec<String> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["bank.db"]);
    drop(still_held);
    let reopened = Bank::open(db_path, &[]).unwrap();
    assert_eq!(reopened.balance("account_A").unwrap(), Cents::dollars(993), "the withdrawal was kept");
}
