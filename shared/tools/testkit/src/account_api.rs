//! The bank's account API served from inside the test, on a free port, with its own database.

use bank::{AccountApiConfig, AccountClient, Bank, Cents, RealWorldMode, RealWorldModeSettings};
use tokio::sync::oneshot;

use crate::TempDir;

pub struct TestAccountApi {
    pub url: String,
    pub bank: Bank,
    pub real_world_mode: RealWorldMode,
    stop: Option<oneshot::Sender<()>>,
    _dir: TempDir,
}

impl TestAccountApi {
    /// Starts an API with these accounts and Real World Mode settings.
    pub async fn start(
        initial_balances: &[(&str, Cents)],
        real_world_mode: RealWorldModeSettings,
    ) -> anyhow::Result<Self> {
        Self::start_with_closed(initial_balances, &[], real_world_mode).await
    }

    /// Starts an API with these accounts, of which `closed_accounts` refuse any money move.
    pub async fn start_with_closed(
        initial_balances: &[(&str, Cents)],
        closed_accounts: &[&str],
        real_world_mode: RealWorldModeSettings,
    ) -> anyhow::Result<Self> {
        let config = AccountApiConfig {
            initial_balances: initial_balances.iter().map(|(id, c)| (id.to_string(), *c)).collect(),
            closed_accounts: closed_accounts.iter().map(|id| id.to_string()).collect(),
            real_world_mode,
            ..AccountApiConfig::default()
        };
        Self::start_configured(config).await
    }

    /// Starts an API with this configuration, but on a free loopback port with its own database.
    pub async fn start_configured(config: AccountApiConfig) -> anyhow::Result<Self> {
        let dir = TempDir::new("bank")?;
        let config =
            AccountApiConfig { host: "127.0.0.1".into(), port: 0, db_path: dir.path().join("bank.db"), ..config };
        let api = bank::bind(&config).await?;
        let (url, bank, real_world_mode) = (api.url(), api.bank(), api.real_world_mode());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(api.serve(async move {
            let _ = stopped.await;
        }));
        Ok(Self { url, bank, real_world_mode, stop: Some(stop), _dir: dir })
    }

    pub fn client(&self) -> AccountClient {
        AccountClient::new(&self.url)
    }

    /// `ACCOUNT_API_URL` for a workshop program.
    pub fn program_env(&self) -> (String, String) {
        ("ACCOUNT_API_URL".into(), self.url.clone())
    }

    pub fn balance(&self, account: &str) -> Cents {
        self.bank.balance(account).expect("balance")
    }
}

impl Drop for TestAccountApi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
