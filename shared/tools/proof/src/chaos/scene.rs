//! The system under chaos: module 3's account API, worker and UI, each a process of its own
//! on its own Temporal dev server, talking to each other through the fault proxies.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use bank::{AccountClient, RealWorldModeUpdate};
use temporalio_client::Client;
use testkit::{TempDir, TestServer, free_port};

use super::narrator::Narrator;
use super::outages::{Outages, Proxies};
use super::plan::{Wave, probe_route};
use super::probes::Probes;
use super::restartable::Restartable;
use super::transfers::Driver;
use super::{ChaosConfig, FaultCounts, Planned, plan};

/// The system under chaos, as it is at the moment.
pub(super) struct Scene {
    pub port: u16,
    /// Temporal's database file: the restarted server finds its workflows in it.
    pub db: PathBuf,
    /// Where the dev server's output goes (it complains loudly while it restarts).
    pub server_log: PathBuf,
    pub server: Option<TestServer>,
    pub client: Client,
    pub worker: Restartable,
    pub account_api: Restartable,
    pub ui: Restartable,
    pub bank: AccountClient,
    pub ui_url: String,
    pub driver: Driver,
    pub plan: Vec<Planned>,
    /// Workflow id → index into `plan`, for every transfer started so far.
    pub ids: BTreeMap<String, usize>,
    pub late_started: bool,
    pub counts: FaultCounts,
    /// The partitions and the full disk, which the kills and the restart must know about.
    pub outages: Arc<Outages>,
    pub config: ChaosConfig,
    pub narrator: Narrator,
    /// Keeps the databases until the run ends.
    _dir: TempDir,
}

impl Scene {
    /// Starts the Temporal server, the proxies and module 3's three programs; the bank's Real
    /// World Mode on.
    pub async fn start(config: &ChaosConfig, narrator: Narrator) -> anyhow::Result<Scene> {
        let binary = crate::binaries::module03_binary()?;
        let dir = TempDir::new("chaos")?;
        let db: PathBuf = dir.path().join("temporal.db");
        let server_log = server_log_file(config.seed)?;
        let server = TestServer::start_on_free_port(Some(db.clone()), Some(&server_log)).await?;
        let port = server.port();
        let (api_port, ui_port) = (free_port()?.to_string(), free_port()?.to_string());
        let api_url = format!("http://127.0.0.1:{api_port}");
        let bank_db = dir.path().join("bank.db").display().to_string();
        let proxies = Proxies::start(port, api_port.parse()?).await?;
        // Each program reaches the others through its proxies (the driver and this run do not).
        let through = |temporal: u16, bank: &str| {
            let mut env = server.program_env();
            env.retain(|(name, _)| name != "TEMPORAL_ADDRESS");
            env.push(("TEMPORAL_ADDRESS".into(), format!("127.0.0.1:{temporal}")));
            env.push(("ACCOUNT_API_URL".into(), bank.to_string()));
            env
        };
        let worker_env =
            through(proxies.worker_server.port(), &format!("http://127.0.0.1:{}", proxies.worker_bank.port()));
        let ui_env = through(proxies.ui_server.port(), &api_url);

        let account_args = ["account-api", "--port", &api_port, "--db", &bank_db];
        let mut account_api = Restartable::new(
            "account API",
            &binary,
            &account_args,
            &server.program_env(),
            workshop::said::ACCOUNT_API_READY,
        );
        let mut worker = Restartable::new("worker", &binary, &["worker"], &worker_env, workshop::said::WORKER_POLLING);
        let mut ui = Restartable::new("UI", &binary, &["ui", "--port", &ui_port], &ui_env, workshop::said::UI_READY);
        account_api.start().await?;
        worker.start().await?;
        ui.start().await?;

        let ui_url = format!("http://127.0.0.1:{ui_port}");
        let (client, bank, driver, plan) =
            (server.client(), AccountClient::new(&api_url), Driver::new(&ui_url)?, plan(config));
        let probes = Probes::new(config.seed, client.clone(), driver.clone(), probe_route(&plan));
        let outages = Arc::new(Outages::new(proxies, bank.clone(), probes, narrator.clone()));
        let scene = Scene {
            port,
            db,
            server_log,
            server: Some(server),
            client,
            worker,
            account_api,
            ui,
            bank,
            ui_url,
            driver,
            plan,
            ids: BTreeMap::new(),
            late_started: false,
            counts: FaultCounts::default(),
            outages,
            config: config.clone(),
            narrator,
            _dir: dir,
        };
        scene.bank_dice(0).await?;
        scene.print(&format!("Temporal dev server log: {}", scene.server_log.display()));
        scene.say(&format!(
            "Temporal on port {port} (database file), account API at {api_url} with Real World Mode on, UI at {}",
            scene.ui_url
        ));
        Ok(scene)
    }

    pub fn say(&self, text: &str) {
        self.narrator.say(text);
    }

    pub fn print(&self, text: &str) {
        self.narrator.print(text);
    }

    /// Transfers the UI has confirmed so far.
    pub fn started_so_far(&self) -> usize {
        self.driver.confirmed()
    }

    /// Sets the bank's Real World Mode dice; `round` counts the account API's restarts, so a
    /// restarted bank does not replay the same failures.
    pub async fn bank_dice(&self, round: u64) -> anyhow::Result<()> {
        let c = &self.config;
        let dice = RealWorldModeUpdate {
            enabled: Some(true),
            slow_rate: Some(c.slow_rate),
            failure_rate: Some(c.failure_rate),
            slow_secs: Some(c.slow_secs),
            lost_response_rate: Some(c.lost_response_rate),
            seed: Some(c.seed.wrapping_mul(1_000).wrapping_add(round)),
            inject_on_balance: Some(false),
        };
        self.bank.update_real_world_mode(&dice).await.context("setting Real World Mode on the account API")?;
        Ok(())
    }

    /// The storm is over: the bank stops failing on purpose, so every transfer still retrying
    /// goes through at its next attempt and the run's end does not hang on the dice's luck.
    pub async fn calm_bank(&self) -> anyhow::Result<()> {
        let calm = RealWorldModeUpdate { enabled: Some(false), lost_response_rate: Some(0.0), ..Default::default() };
        self.bank.update_real_world_mode(&calm).await.context("switching Real World Mode off")?;
        Ok(())
    }

    /// The transfers of `wave`, through the UI, remembered by their workflow ids.
    pub async fn ask_wave(&mut self, wave: Wave) -> anyhow::Result<Vec<String>> {
        let started = self.driver.ask_all(&self.plan, wave).await?;
        let ids = started.iter().map(|(_, id)| id.clone()).collect();
        self.ids.extend(started.into_iter().map(|(i, id)| (id, i)));
        Ok(ids)
    }

    /// The late transfers, right after the Temporal server came back; the id of the first.
    pub async fn start_late(&mut self) -> anyhow::Result<Option<String>> {
        let late = self.ask_wave(Wave::Late).await?;
        self.late_started = true;
        self.say(&format!("the UI started {} more transfers", late.len()));
        Ok(late.into_iter().next())
    }

    /// The last lines of the worker, the UI and the account API: evidence when the run fails.
    pub fn last_words(&self) -> String {
        [&self.worker, &self.ui, &self.account_api].map(|p| p.tail(15)).join("\n")
    }
}

/// `<target>/chaos/temporal-seed-<seed>.log`, emptied: kept after the run, for a look.
fn server_log_file(seed: u64) -> anyhow::Result<PathBuf> {
    let folder = testkit::target_dir().join("chaos");
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let file = folder.join(format!("temporal-seed-{seed}.log"));
    std::fs::write(&file, "").with_context(|| format!("writing {}", file.display()))?;
    Ok(file)
}
