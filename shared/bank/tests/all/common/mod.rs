//! Test support: a real account API on a free loopback port, backed by a
//! fresh SQLite file in its own temporary directory.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use bank::{AccountApiConfig, AccountClient, Bank, Cents, RealWorldModeSettings};
use serde_json::Value;
use tokio::sync::oneshot;

/// A temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let unique = format!("bank-test-{label}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running account API. Stops when dropped.
pub struct TestApi {
    pub url: String,
    pub client: AccountClient,
    pub http: reqwest::Client,
    pub bank: Bank,
    stop: Option<oneshot::Sender<()>>,
    _dir: TempDir,
}

/// The balances every test server starts with: A $1,000, B $500.
pub fn initial_total() -> Cents {
    Cents::dollars(1500)
}

pub async fn start() -> TestApi {
    start_with(RealWorldModeSettings::default()).await
}

pub async fn start_with(real_world_mode: RealWorldModeSettings) -> TestApi {
    start_configured(AccountApiConfig { real_world_mode, ..AccountApiConfig::default() }).await
}

/// An API with this configuration, but on a free port and with its own database.
pub async fn start_configured(config: AccountApiConfig) -> TestApi {
    let dir = TempDir::new("api");
    let config = AccountApiConfig {
        port: 0, // any free port: never the workshop's real ones
        db_path: dir.0.join("bank.db"),
        ..config
    };
    let api = bank::bind(&config).await.expect("bind the account API");
    let url = api.url();
    let bank = api.bank();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(api.serve(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    TestApi { client: AccountClient::new(&url), url, http, bank, stop: Some(stop), _dir: dir }
}

impl Drop for TestApi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An HTTP answer: status, a few headers, and the body parsed as JSON.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub replayed: bool,
    pub json: Value,
}

impl TestApi {
    pub async fn get(&self, path: &str) -> Answer {
        answer(self.http.get(format!("{}{path}", self.url)).send().await.unwrap()).await
    }

    /// POSTs a JSON body (given as text, so it can be broken on purpose).
    pub async fn post(&self, path: &str, body: &str) -> Answer {
        self.post_as(path, Some("application/json"), body).await
    }

    pub async fn post_as(&self, path: &str, content_type: Option<&str>, body: &str) -> Answer {
        let mut request = self.http.post(format!("{}{path}", self.url)).body(body.to_string());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        answer(request.send().await.unwrap()).await
    }

    /// Total money and ledger length, straight from the database.
    pub async fn books(&self) -> (Cents, usize) {
        let bank = self.bank.clone();
        tokio::task::spawn_blocking(move || (bank.total_cents().unwrap(), bank.ledger(None).unwrap().len()))
            .await
            .unwrap()
    }

    pub async fn balance_now(&self, account: &str) -> Cents {
        let bank = self.bank.clone();
        let account = account.to_string();
        tokio::task::spawn_blocking(move || bank.balance(&account).unwrap()).await.unwrap()
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let header =
        |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let content_type = header("content-type");
    let replayed = header(bank::api::REPLAYED_HEADER) == "true";
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text:?}"));
    Answer { status, content_type, replayed, json }
}

/// Whether the test `path` (`concat!(module_path!(), "::name")`) has its process to itself, as
/// cargo-nextest runs every test (`scripts/test`). Under `cargo test` the other tests of this
/// binary run beside it on threads of the same process; then this runs the test again, alone
/// in a process of its own, fails if it fails there, and returns false: the caller returns.
pub fn alone_in_process(path: &str) -> bool {
    const ALONE: &str = "BANK_TEST_ALONE";
    let per_test = std::env::var("NEXTEST_EXECUTION_MODE").is_ok_and(|mode| mode == "process-per-test");
    if per_test || std::env::var_os(ALONE).is_some() {
        return true;
    }
    let name = path.split_once("::").map_or(path, |(_crate, test)| test);
    let output = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([name, "--exact", "--test-threads=1"])
        .env(ALONE, "1")
        .output()
        .expect("running this test binary");
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success() && printed.contains(" 1 passed"), "{name}, alone in its process:\n{printed}");
    false
}
