//! The run: module 3's processes on their own Temporal server, talking to each other through
//! fault proxies, the transfers asked for through the UI while the kills, the restart and the
//! outages happen at their times, the late transfers; then what came out.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bank::{AccountClient, Cents, RealWorldModeUpdate};
use temporalio_client::Client;
use testkit::{TempDir, TestServer, free_port};

use super::faults::Restartable;
use super::outages::{Outages, Proxies};
use super::plan::{Fault, outage_lanes, schedule};
use super::transfers::Driver;
use super::{ChaosConfig, ChaosOutcome, FaultCounts, Planned, plan, recovery, transfers};

/// Prints what happens, with the seed and the time since the start.
#[derive(Clone)]
pub(super) struct Narrator {
    seed: u64,
    verbose: bool,
    started: Instant,
}

impl Narrator {
    /// A line for a human, when the run is verbose.
    pub fn say(&self, text: &str) {
        if self.verbose {
            self.print(text);
        }
    }

    /// A line for a human, always. The seed tells apart runs that print side by side.
    pub fn print(&self, text: &str) {
        println!("[seed {} {:6.1}s] {text}", self.seed, self.started.elapsed().as_secs_f64());
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

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
    pub driver: Driver,
    pub plan: Vec<Planned>,
    /// Workflow id → index into `plan`, for every transfer started so far.
    pub ids: BTreeMap<String, usize>,
    pub late_started: bool,
    pub counts: FaultCounts,
    /// The partitions and the full disk, which the kills and the restart must know about.
    pub outages: Arc<Outages>,
    config: ChaosConfig,
    narrator: Narrator,
}

impl Scene {
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

    /// The faults, each at its time counted from `from`.
    async fn inject_all(&mut self, faults: &[(Duration, Fault)], from: Instant) -> anyhow::Result<()> {
        for (number, (at, fault)) in faults.iter().enumerate() {
            tokio::time::sleep_until((from + *at).into()).await;
            self.inject(*fault, number + 1, faults.len()).await?;
        }
        Ok(())
    }
}

/// Runs the whole scenario on its own Temporal server, with module 3's account API, UI and
/// worker as processes of their own, each talking to the others through a fault proxy.
pub async fn run(config: &ChaosConfig) -> anyhow::Result<ChaosOutcome> {
    let narrator = Narrator { seed: config.seed, verbose: config.verbose, started: Instant::now() };
    let faults = schedule(config);
    let [worker_lane, ui_lane] = outage_lanes(config);
    let binary = crate::binaries::module03_binary()?;

    let dir = TempDir::new("chaos")?;
    let db: PathBuf = dir.path().join("temporal.db");
    let server_log = server_log_file(config.seed)?;
    let server = TestServer::start_on_free_port(Some(db.clone()), Some(&server_log)).await?;
    let port = server.port();
    let client = server.client();
    let (api_port, ui_port) = (free_port()?, free_port()?.to_string());
    let api_url = format!("http://127.0.0.1:{api_port}");
    let bank_db = dir.path().join("bank.db").display().to_string();
    let proxies = Proxies::start(port, api_port).await?;
    // Each program reaches the others through its proxies (the driver and this run do not).
    let through = |temporal: u16, bank: &str| {
        let mut env = server.program_env();
        env.retain(|(name, _)| name != "TEMPORAL_ADDRESS");
        env.push(("TEMPORAL_ADDRESS".into(), format!("127.0.0.1:{temporal}")));
        env.push(("ACCOUNT_API_URL".into(), bank.to_string()));
        env
    };
    let worker_env = through(proxies.worker_server.port(), &format!("http://127.0.0.1:{}", proxies.worker_bank.port()));
    let ui_env = through(proxies.ui_server.port(), &api_url);

    let api_port = api_port.to_string();
    let account_args = ["account-api", "--port", &api_port, "--db", &bank_db];
    let mut account_api =
        Restartable::new("account API", &binary, &account_args, &server.program_env(), "Account API ready at");
    let mut worker = Restartable::new("worker", &binary, &["worker"], &worker_env, "Worker on");
    let mut ui = Restartable::new("UI", &binary, &["ui", "--port", &ui_port], &ui_env, "UI ready at");
    account_api.start().await?;
    worker.start().await?;
    ui.start().await?;
    let ui_url = format!("http://127.0.0.1:{ui_port}");
    let bank = AccountClient::new(&api_url);
    let outages = Arc::new(Outages::new(proxies, bank.clone(), client.clone(), narrator.clone()));
    let mut scene = Scene {
        port,
        db,
        server_log,
        server: Some(server),
        client,
        worker,
        account_api,
        ui,
        bank,
        driver: Driver::new(&ui_url)?,
        plan: plan(config),
        ids: BTreeMap::new(),
        late_started: false,
        counts: FaultCounts::default(),
        outages: outages.clone(),
        config: config.clone(),
        narrator,
    };
    scene.bank_dice(0).await?;
    scene.print(&format!("Temporal dev server log: {}", scene.server_log.display()));
    scene.say(&format!(
        "Temporal on port {port} (database file), account API at {api_url} with Real World Mode on, UI at {ui_url}; \
         faults at {:?}; outages, the worker's paths {:?}, the UI's {:?}",
        faults.iter().map(|(at, f)| (at.as_secs_f64(), *f)).collect::<Vec<_>>(),
        worker_lane.iter().map(|o| o.outage).collect::<Vec<_>>(),
        ui_lane.iter().map(|o| o.outage).collect::<Vec<_>>(),
    ));

    // The early transfers are asked for over the whole window, so the kills and the outages
    // land while requests are in flight.
    let (driver, plan) = (scene.driver.clone(), scene.plan.clone());
    let spread = Duration::from_secs_f64(config.fault_window_secs);
    let from = Instant::now();
    let (early, faulted, worker_outages, ui_outages) = tokio::join!(
        driver.ask_early(&plan, spread),
        scene.inject_all(&faults, from),
        outages.run_lane(worker_lane),
        outages.run_lane(ui_lane),
    );
    scene.ids.extend(early?.into_iter().map(|(i, id)| (id, i)));
    faulted?;
    let mut outage_records = worker_outages?;
    outage_records.extend(ui_outages?);
    outage_records.sort_by_key(|record| record.began);
    if !scene.late_started && config.late_transfers > 0 {
        transfers::start_late(&mut scene).await?;
    }
    anyhow::ensure!(
        scene.ids.len() == scene.plan.len(),
        "{} of {} transfers started",
        scene.ids.len(),
        scene.plan.len()
    );

    transfers::wait_all_closed(&scene.client, scene.plan.len()).await?;
    scene.say("every transfer is closed");
    let (statuses, listed_twice) = transfers::temporal_statuses(&scene.client).await?;
    let ui_statuses = transfers::ui_listing(&scene.driver.http, &ui_url).await?;
    let ids: Vec<String> = scene.ids.keys().cloned().collect();
    let most_attempts = recovery::measure(&scene.client, &ids, &mut outage_records).await?;
    for record in &outage_records {
        let recovered =
            record.recovery.map_or("no work since".into(), |r| format!("work again {:.1} s later", r.as_secs_f64()));
        scene.say(&format!(
            "{} at {:.1} s for {:.1} s: healed, {recovered} (from the histories)",
            record.outage.name(),
            record.began.as_secs_f64(),
            record.lasted.as_secs_f64()
        ));
    }
    let mut ended_by_itself = Vec::new();
    for process in [&mut scene.worker, &mut scene.account_api, &mut scene.ui] {
        process.check_alive();
        ended_by_itself.extend(process.ended_by_itself.iter().cloned());
    }
    // The worker's output, every process of it, kept beside the server's log for a look.
    let worker_log = scene.server_log.with_file_name(format!("worker-seed-{}.log", config.seed));
    std::fs::write(&worker_log, scene.worker.transcripts().join("\n"))
        .with_context(|| format!("writing {}", worker_log.display()))?;
    let retried_attempts =
        scene.worker.transcripts().iter().filter(|l| l.contains("failed, Temporal will retry")).count();
    let outcome = ChaosOutcome {
        ledger: scene.bank.ledger(None).await?,
        balances: balances(&scene.bank).await?,
        plan: std::mem::take(&mut scene.plan),
        ids: std::mem::take(&mut scene.ids),
        statuses,
        listed_twice,
        ui_statuses,
        faults: scene.counts,
        ended_by_itself,
        outages: outage_records,
        disk_full_refusals: scene.worker.transcripts().iter().filter(|l| l.contains(DISK_FULL_REFUSAL)).count(),
        disk_full_said: scene.account_api.transcripts().iter().filter(|l| l.contains(DISK_FULL_SAID)).count(),
        retried_attempts,
        most_attempts,
        resent_requests: scene.driver.resent(),
        // The UI says so when a key's transfer had been started by a request it never answered.
        answered_again: scene
            .ui
            .transcripts()
            .iter()
            .filter(|l| l.contains("started before with this Idempotency-Key"))
            .count(),
        elapsed: scene.narrator.elapsed(),
    };
    drop(scene);
    Ok(outcome)
}

/// What the account API logs when its database is full (`bank::api`'s disk module), once per
/// episode.
const DISK_FULL_SAID: &str = "The bank's database is full";

/// What a worker logs for each change refused by a full disk (the bank's 507 answer).
const DISK_FULL_REFUSAL: &str = "answered 507";

/// `<target>/chaos/temporal-seed-<seed>.log`, emptied: kept after the run, for a look.
fn server_log_file(seed: u64) -> anyhow::Result<PathBuf> {
    let folder = testkit::target_dir().join("chaos");
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let file = folder.join(format!("temporal-seed-{seed}.log"));
    std::fs::write(&file, "").with_context(|| format!("writing {}", file.display()))?;
    Ok(file)
}

async fn balances(bank: &AccountClient) -> anyhow::Result<BTreeMap<String, Cents>> {
    Ok(bank.list_accounts().await?.into_iter().map(|a| (a.id, a.balance)).collect())
}
