//! The run: module 3's processes on their own Temporal server and account API, the early
//! transfers, the faults at their times, the late transfers; then what came out.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use bank::{Bank, Cents, RealWorldModeSettings};
use temporalio_client::Client;
use testkit::{Program, TempDir, TestAccountApi, TestServer, free_port};
use transfer_ui::cli::INITIAL_BALANCES;

use super::faults::Workers;
use super::plan::schedule;
use super::{ChaosConfig, ChaosOutcome, FaultCounts, Planned, plan, transfers};

/// The system under chaos, as it is at the moment.
pub(super) struct Scene {
    pub port: u16,
    /// Temporal's database file: the restarted server finds its workflows in it.
    pub db: PathBuf,
    /// Where the dev server's output goes (it complains loudly while it restarts).
    pub server_log: PathBuf,
    pub server: Option<TestServer>,
    pub client: Client,
    pub workers: Workers,
    pub ui_url: String,
    pub http: reqwest::Client,
    pub plan: Vec<Planned>,
    /// Workflow id → index into `plan`, for every transfer started so far.
    pub ids: BTreeMap<String, usize>,
    pub late_started: bool,
    pub counts: FaultCounts,
    seed: u64,
    started: Instant,
    verbose: bool,
}

impl Scene {
    /// A line for a human, with the time since the start, when the run is verbose.
    pub fn say(&self, text: &str) {
        if self.verbose {
            self.print(text);
        }
    }

    /// A line for a human, always. The seed tells apart runs that print side by side.
    pub fn print(&self, text: &str) {
        println!("[seed {} {:6.1}s] {text}", self.seed, self.started.elapsed().as_secs_f64());
    }
}

/// Runs the whole scenario on its own Temporal server, account API and module 3 processes.
pub async fn run(config: &ChaosConfig) -> anyhow::Result<ChaosOutcome> {
    let started = Instant::now();
    let faults = schedule(config);
    let binary = crate::binaries::module03_binary()?;

    let dir = TempDir::new("chaos")?;
    let db: PathBuf = dir.path().join("temporal.db");
    let server_log = server_log_file(config.seed)?;
    let port = free_port()?;
    let server = TestServer::start_logging_to(port, Some(db.clone()), &server_log).await?;
    let client = server.client();
    let settings = RealWorldModeSettings {
        enabled: true,
        slow_rate: config.slow_rate,
        failure_rate: config.failure_rate,
        slow_secs: config.slow_secs,
        lost_response_rate: config.lost_response_rate,
        seed: Some(config.seed),
        inject_on_balance: false,
    };
    let api = TestAccountApi::start(INITIAL_BALANCES, settings).await?;
    let mut env = server.program_env();
    env.push(api.program_env());

    let mut workers = Workers::new(&binary, &env);
    workers.start().await?;
    let ui_port = free_port()?.to_string();
    let mut ui = Program::spawn(&binary, &["ui", "--port", &ui_port], &env)?;
    ui.wait_for("UI ready at").await?;
    let mut scene = Scene {
        port,
        db,
        server_log,
        server: Some(server),
        client,
        workers,
        ui_url: format!("http://127.0.0.1:{ui_port}"),
        http: reqwest::Client::builder().no_proxy().timeout(crate::http::HANG_GUARD).build()?,
        plan: plan(config),
        ids: BTreeMap::new(),
        late_started: false,
        counts: FaultCounts::default(),
        seed: config.seed,
        started,
        verbose: config.verbose,
    };
    scene.print(&format!("Temporal dev server log: {}", scene.server_log.display()));
    scene.say(&format!("Temporal on port {port} (database file), account API at {} with Real World Mode on", api.url));

    transfers::start_early(&mut scene).await?;
    scene.say(&format!(
        "{} transfers started; faults at {:?}",
        scene.ids.len(),
        faults.iter().map(|(at, f)| (at.as_secs_f64(), *f)).collect::<Vec<_>>()
    ));

    let faults_from = Instant::now();
    for (number, (at, fault)) in faults.iter().enumerate() {
        tokio::time::sleep_until((faults_from + *at).into()).await;
        scene.inject(*fault, number + 1, faults.len()).await?;
    }
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
    let statuses = transfers::temporal_statuses(&scene.client).await?;
    let ui_statuses = transfers::ui_listing(&scene.http, &scene.ui_url).await?;
    let retried_attempts =
        scene.workers.transcripts().iter().filter(|l| l.contains("failed, Temporal will retry")).count();
    let outcome = ChaosOutcome {
        ledger: api.bank.ledger(None)?,
        balances: balances(&api.bank)?,
        plan: std::mem::take(&mut scene.plan),
        ids: std::mem::take(&mut scene.ids),
        statuses,
        ui_statuses,
        faults: scene.counts,
        retried_attempts,
        elapsed: started.elapsed(),
    };
    drop(ui);
    drop(scene);
    Ok(outcome)
}

/// `<target>/chaos/temporal-seed-<seed>.log`, emptied: kept after the run, for a look.
fn server_log_file(seed: u64) -> anyhow::Result<PathBuf> {
    let folder = testkit::target_dir().join("chaos");
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let file = folder.join(format!("temporal-seed-{seed}.log"));
    std::fs::write(&file, "").with_context(|| format!("writing {}", file.display()))?;
    Ok(file)
}

fn balances(bank: &Bank) -> anyhow::Result<BTreeMap<String, Cents>> {
    Ok(bank.list_accounts()?.into_iter().map(|a| (a.id, a.balance)).collect())
}
