//! The chaos run: many transfers between module 3's ten accounts, some above the balance,
//! while
//!
//! - the bank fails before changes (500, slow 504) and loses responses *after* committing,
//! - the worker process (`module03 worker`) is SIGKILLed and restarted at random moments,
//! - the Temporal dev server is stopped and started again on the same port and database,
//!
//! followed by the books check ([`verify`]): every workflow closed, overdrafts moved
//! nothing, every completed transfer is in the ledger exactly once as one withdrawal and one
//! deposit, no cent created or lost, and each balance is its initial value plus what it
//! received minus what it sent. One seed drives the plan, the kill times and the bank's dice,
//! so a run can be repeated (the interleaving of concurrent requests still varies).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bank::{Bank, Cents, EntryKind, LedgerEntry, RealWorldModeSettings};
use contract::TransferInput;
use futures::{StreamExt, TryStreamExt};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use temporalio_client::{Client, WorkflowCountOptions, WorkflowExecutionStatus, WorkflowListOptions};
use testkit::{Program, TempDir, TestAccountApi, TestServer, free_port};
use transfer_ui::cli::INITIAL_BALANCES;

use crate::MODULE03;

/// What to do to the system, all of it derived from `seed`.
#[derive(Debug, Clone)]
pub struct ChaosConfig {
    pub seed: u64,
    pub transfers: usize,
    /// Of these, how many are started through the Money Transfer UI right after the Temporal
    /// server came back (the rest go straight to Temporal at the start).
    pub late_transfers: usize,
    pub worker_kills: usize,
    pub restart_server: bool,
    /// Share of transfers asking for more than the sender can ever have.
    pub overdraft_share: f64,
    pub slow_rate: f64,
    pub failure_rate: f64,
    pub lost_response_rate: f64,
    pub slow_secs: u64,
    /// The kills and the restart happen within this many seconds of the start.
    pub fault_window_secs: f64,
    /// Print what happens, as it happens.
    pub verbose: bool,
}

impl ChaosConfig {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            transfers: 200,
            late_transfers: 20,
            worker_kills: 5,
            restart_server: true,
            overdraft_share: 0.1,
            slow_rate: 0.05,
            failure_rate: 0.15,
            lost_response_rate: 0.1,
            slow_secs: 1,
            fault_window_secs: 25.0,
            verbose: false,
        }
    }
}

/// One transfer of the plan.
#[derive(Debug, Clone)]
pub struct Planned {
    pub from: String,
    pub to: String,
    pub amount: Cents,
    /// More than `from` can ever hold: must fail and move nothing.
    pub overdraft: bool,
    pub late: bool,
}

/// The seeded plan: who sends what to whom.
pub fn plan(config: &ChaosConfig) -> Vec<Planned> {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let accounts: Vec<&str> = INITIAL_BALANCES.iter().map(|(id, _)| *id).collect();
    let mut transfers: Vec<Planned> = (0..config.transfers)
        .map(|i| {
            let from = rng.random_range(0..accounts.len());
            let to = (from + rng.random_range(1..accounts.len())) % accounts.len();
            Planned {
                from: accounts[from].into(),
                to: accounts[to].into(),
                amount: Cents::new(rng.random_range(1..=2_000)),
                overdraft: rng.random::<f64>() < config.overdraft_share,
                late: i >= config.transfers - config.late_transfers.min(config.transfers),
            }
        })
        .collect();
    // An overdraft asks for more than the initial balance plus everything the ordinary
    // transfers could ever bring in: it fails whatever the order of events.
    let mut ceiling: HashMap<String, Cents> = INITIAL_BALANCES.iter().map(|(id, c)| (id.to_string(), *c)).collect();
    for t in transfers.iter().filter(|t| !t.overdraft) {
        *ceiling.get_mut(&t.to).unwrap() = ceiling[&t.to] + t.amount;
    }
    for t in transfers.iter_mut().filter(|t| t.overdraft) {
        t.amount = ceiling[&t.from] + Cents::new(rng.random_range(1..=10_000));
    }
    transfers
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    KillWorker { down_ms: u64 },
    RestartServer,
}

fn schedule(config: &ChaosConfig) -> Vec<(Duration, Fault)> {
    // A different stream from the plan's, so changing the transfer count keeps the timing.
    let mut rng = StdRng::seed_from_u64(config.seed ^ 0x5eed_f417);
    let window = config.fault_window_secs;
    let mut faults: Vec<(Duration, Fault)> = (0..config.worker_kills)
        .map(|_| {
            let at = Duration::from_secs_f64(rng.random_range(0.5..window));
            (at, Fault::KillWorker { down_ms: rng.random_range(0..1500) })
        })
        .collect();
    if config.restart_server {
        let at = Duration::from_secs_f64(rng.random_range(0.15 * window..0.5 * window));
        faults.push((at, Fault::RestartServer));
    }
    faults.sort_by_key(|(at, _)| *at);
    faults
}

/// What happened, and what the books look like afterwards.
#[derive(Debug)]
pub struct ChaosOutcome {
    pub plan: Vec<Planned>,
    /// Workflow id → index into `plan`.
    pub ids: BTreeMap<String, usize>,
    /// Workflow id → final status, as listed by Temporal.
    pub statuses: BTreeMap<String, WorkflowExecutionStatus>,
    /// Workflow id → status as the Money Transfer UI lists it (after the server restart).
    pub ui_statuses: BTreeMap<String, String>,
    pub ledger: Vec<LedgerEntry>,
    pub balances: BTreeMap<String, Cents>,
    pub worker_kills: usize,
    pub server_restarts: usize,
    /// Whether the worker had to be restarted because it did not resume after the server
    /// restart by itself.
    pub worker_restarted_for_server: bool,
    /// Attempts the workers reported as failed and retried.
    pub retried_attempts: usize,
    pub elapsed: Duration,
}

impl ChaosOutcome {
    pub fn count(&self, status: WorkflowExecutionStatus) -> usize {
        self.statuses.values().filter(|s| **s == status).count()
    }
}

/// Runs the whole scenario on its own Temporal server, account API and module 3 processes.
pub async fn run(config: &ChaosConfig) -> anyhow::Result<ChaosOutcome> {
    let started = Instant::now();
    let say = |text: String| {
        if config.verbose {
            println!("[{:6.1}s] {text}", started.elapsed().as_secs_f64());
        }
    };
    let plan = plan(config);
    let faults = schedule(config);
    let binary = crate::procs::module03_binary()?;

    let dir = TempDir::new("chaos")?;
    let db: PathBuf = dir.path().join("temporal.db");
    let port = free_port()?;
    let mut server = Some(TestServer::start_with(port, Some(db.clone())).await?);
    let mut client = server.as_ref().unwrap().client();
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
    let mut env = server.as_ref().unwrap().program_env();
    env.push(api.program_env());
    say(format!("Temporal on port {port} (database file), account API at {} with Real World Mode on", api.url));

    let mut workers = Workers { binary: binary.clone(), env: env.clone(), current: None, retired: Vec::new() };
    workers.start().await?;
    let ui_port = free_port()?.to_string();
    let mut ui = Program::spawn(&binary, &["ui", "--port", &ui_port], &env)?;
    ui.wait_for("UI ready at").await?;
    let ui_url = format!("http://127.0.0.1:{ui_port}");
    let http = reqwest::Client::builder().no_proxy().timeout(crate::http::HANG_GUARD).build()?;

    // The early transfers, straight to Temporal, 16 at a time.
    let mut ids = BTreeMap::new();
    let early: Vec<(usize, TransferInput)> =
        plan.iter().enumerate().filter(|(_, t)| !t.late).map(|(i, t)| (i, input_of(t))).collect();
    let started_ids: Vec<(usize, String)> = futures::stream::iter(early)
        .map(|(i, input)| {
            let client = client.clone();
            async move { contract::start_transfer(&client, &MODULE03, &input).await.map(|id| (i, id)) }
        })
        .buffer_unordered(16)
        .try_collect()
        .await?;
    ids.extend(started_ids.into_iter().map(|(i, id)| (id, i)));
    say(format!(
        "{} transfers started; faults at {:?}",
        ids.len(),
        faults.iter().map(|(at, f)| (at.as_secs_f64(), *f)).collect::<Vec<_>>()
    ));

    let faults_from = Instant::now();
    let mut outcome_flags = (0usize, 0usize, false); // kills, restarts, worker restarted for server
    let mut late_started = false;
    for (at, fault) in faults {
        tokio::time::sleep_until((faults_from + at).into()).await;
        match fault {
            Fault::KillWorker { down_ms } => {
                workers.kill().await?;
                outcome_flags.0 += 1;
                say(format!("worker SIGKILLed ({} so far); down for {down_ms} ms", outcome_flags.0));
                tokio::time::sleep(Duration::from_millis(down_ms)).await;
                workers.start().await?;
                say("worker restarted".into());
            }
            Fault::RestartServer => {
                server.take().unwrap().shutdown().await?;
                say("Temporal server stopped".into());
                server = Some(restart_server(port, &db).await?);
                client = server.as_ref().unwrap().client();
                outcome_flags.1 += 1;
                say("Temporal server started again on the same port and database".into());
                // The UI reconnects by itself: it starts the late transfers.
                let late = start_through_ui(&http, &ui_url, &plan)
                    .await
                    .context("starting transfers through the UI after the server restart")?;
                late_started = true;
                say(format!("the UI started {} more transfers after the restart", late.len()));
                let probe = late.first().map(|(_, id)| id.clone());
                ids.extend(late.into_iter().map(|(i, id)| (id, i)));
                // Does the same worker process carry on? Proof: it runs the first step of a
                // transfer that did not exist before the restart.
                if let Some(probe) = probe
                    && !worker_picked_up(&client, &probe, Duration::from_secs(45)).await
                {
                    say("the worker did not resume after the server restart: restarting it".into());
                    outcome_flags.2 = true;
                    workers.kill().await?;
                    workers.start().await?;
                    anyhow::ensure!(
                        worker_picked_up(&client, &probe, Duration::from_secs(60)).await,
                        "even a new worker did not pick up work after the server restart"
                    );
                } else {
                    say("the worker resumed by itself after the server restart".into());
                }
            }
        }
    }
    if !late_started && config.late_transfers > 0 {
        let late = start_through_ui(&http, &ui_url, &plan).await?;
        ids.extend(late.into_iter().map(|(i, id)| (id, i)));
    }
    anyhow::ensure!(ids.len() == plan.len(), "{} of {} transfers started", ids.len(), plan.len());

    // Wait (hang guard) until Temporal has closed every one of them.
    let everything = format!("WorkflowType = '{}'", MODULE03.workflow_type);
    let running = format!("{everything} AND ExecutionStatus = 'Running'");
    let guard = Instant::now();
    loop {
        let open = client.count_workflows(running.clone(), WorkflowCountOptions::default()).await.map(|c| c.count());
        let all = client.count_workflows(everything.clone(), WorkflowCountOptions::default()).await.map(|c| c.count());
        if let (Ok(0), Ok(all)) = (&open, &all)
            && *all >= plan.len()
        {
            break;
        }
        if guard.elapsed() > Duration::from_secs(420) {
            bail!("transfers still running after 7 minutes: {open:?} of {all:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    say("every transfer is closed".into());

    let mut statuses = BTreeMap::new();
    let mut listed = client.list_workflows(everything, WorkflowListOptions::default());
    while let Some(execution) = listed.try_next().await? {
        if statuses.insert(execution.id().to_string(), execution.status()).is_some() {
            bail!("Temporal lists {} twice", execution.id());
        }
    }
    let ui_statuses = ui_listing(&http, &ui_url).await?;
    let retried_attempts = workers.transcripts().iter().filter(|l| l.contains("failed, Temporal will retry")).count();
    let outcome = ChaosOutcome {
        ledger: api.bank.ledger(None)?,
        balances: balances(&api.bank)?,
        plan,
        ids,
        statuses,
        ui_statuses,
        worker_kills: outcome_flags.0,
        server_restarts: outcome_flags.1,
        worker_restarted_for_server: outcome_flags.2,
        retried_attempts,
        elapsed: started.elapsed(),
    };
    drop(ui);
    drop(workers);
    drop(server);
    Ok(outcome)
}

fn input_of(t: &Planned) -> TransferInput {
    TransferInput { from_account: t.from.clone(), to_account: t.to.clone(), amount: t.amount }
}

fn balances(bank: &Bank) -> anyhow::Result<BTreeMap<String, Cents>> {
    Ok(bank.list_accounts()?.into_iter().map(|a| (a.id, a.balance)).collect())
}

/// The worker process of the moment, and the transcripts of the killed ones.
struct Workers {
    binary: String,
    env: Vec<(String, String)>,
    current: Option<Program>,
    retired: Vec<Vec<String>>,
}

impl Workers {
    async fn start(&mut self) -> anyhow::Result<()> {
        let mut worker = Program::spawn(&self.binary, &["worker"], &self.env)?;
        worker.wait_for("Worker on").await?;
        self.current = Some(worker);
        Ok(())
    }

    async fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut worker) = self.current.take() {
            worker.kill().await?;
            self.retired.push(worker.lines());
        }
        Ok(())
    }

    fn transcripts(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.retired.iter().flatten().cloned().collect();
        lines.extend(self.current.as_ref().map(Program::lines).unwrap_or_default());
        lines
    }
}

/// The same port can take a moment to be free again.
async fn restart_server(port: u16, db: &std::path::Path) -> anyhow::Result<TestServer> {
    let mut last = None;
    for _ in 0..20 {
        match TestServer::start_with(port, Some(db.to_path_buf())).await {
            Ok(server) => return Ok(server),
            Err(error) => last = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(last.unwrap()).context("restarting the Temporal server on the same port")
}

/// Starts the late transfers with `POST /api/transfer`, 8 at a time. The UI may answer 502
/// while its connection to Temporal comes back: that is retried (within a hang guard).
async fn start_through_ui(http: &reqwest::Client, ui: &str, plan: &[Planned]) -> anyhow::Result<Vec<(usize, String)>> {
    let late: Vec<(usize, &Planned)> = plan.iter().enumerate().filter(|(_, t)| t.late).collect();
    futures::stream::iter(late)
        .map(|(i, t)| async move {
            let body = serde_json::json!({"from_account": t.from, "to_account": t.to, "amount": t.amount});
            let guard = Instant::now();
            loop {
                let answer = http.post(format!("{ui}/api/transfer")).json(&body).send().await?;
                let status = answer.status().as_u16();
                let json: serde_json::Value = answer.json().await?;
                if status == 200 {
                    let id = json["workflow_id"].as_str().context("no workflow_id")?.to_string();
                    return anyhow::Ok((i, id));
                }
                if status != 502 || guard.elapsed() > Duration::from_secs(60) {
                    bail!("POST /api/transfer {body}: {status} {json}");
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
        .buffer_unordered(8)
        .try_collect()
        .await
}

/// Whether a worker ran the first workflow task of `id` (its first activity got scheduled)
/// within `limit`.
async fn worker_picked_up(client: &Client, id: &str, limit: Duration) -> bool {
    use testkit::history::{Event, count, events};
    let guard = Instant::now();
    while guard.elapsed() < limit {
        if let Ok(events) = events(client, id).await
            && count(&events, Event::ActivityTaskScheduled) > 0
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// Workflow id → status, as the page sees it.
async fn ui_listing(http: &reqwest::Client, ui: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let listing: serde_json::Value =
        http.get(format!("{ui}/api/workflows")).send().await?.error_for_status()?.json().await?;
    let rows = listing["workflows"].as_array().context("no workflows array")?;
    Ok(rows
        .iter()
        .filter_map(|w| Some((w["workflow_id"].as_str()?.to_string(), w["status"].as_str()?.to_string())))
        .collect())
}

/// Everything that must hold after the run; an empty list means the books are right.
pub fn verify(outcome: &ChaosOutcome) -> Vec<String> {
    let mut problems = Vec::new();
    let initial: BTreeMap<String, Cents> = INITIAL_BALANCES.iter().map(|(id, c)| (id.to_string(), *c)).collect();

    // Temporal: exactly our workflows, all closed, each completed or failed.
    if outcome.statuses.len() != outcome.ids.len() {
        problems.push(format!(
            "Temporal lists {} transfers, {} were started",
            outcome.statuses.len(),
            outcome.ids.len()
        ));
    }
    for id in outcome.ids.keys() {
        match outcome.statuses.get(id) {
            None => problems.push(format!("{id} is not listed by Temporal")),
            Some(WorkflowExecutionStatus::Completed | WorkflowExecutionStatus::Failed) => {}
            Some(other) => problems.push(format!("{id} ended {other:?}, not completed or failed")),
        }
        let want = outcome.statuses.get(id).map(|s| transfer_ui_status(*s));
        if outcome.ui_statuses.get(id).map(String::as_str) != want {
            problems.push(format!("the UI lists {id} as {:?}, Temporal as {want:?}", outcome.ui_statuses.get(id)));
        }
    }

    // The ledger, grouped by transfer: every entry belongs to one of our steps.
    let mut steps: HashMap<&str, BTreeMap<&str, &LedgerEntry>> = HashMap::new();
    for entry in &outcome.ledger {
        let Some((id, step)) = entry.reference_id.as_deref().and_then(|r| r.rsplit_once('/')) else {
            problems.push(format!("ledger entry {} has no transfer reference: {entry:?}", entry.id));
            continue;
        };
        if !outcome.ids.contains_key(id) || !["withdraw", "deposit", "refund"].contains(&step) {
            problems.push(format!("ledger entry {} belongs to no transfer step: {entry:?}", entry.id));
            continue;
        }
        if steps.entry(id).or_default().insert(step, entry).is_some() {
            problems.push(format!("{id}/{step} is in the ledger twice"));
        }
    }

    let mut expected = initial.clone();
    for (id, index) in &outcome.ids {
        let t = &outcome.plan[*index];
        let status = outcome.statuses.get(id).copied();
        let recorded = steps.remove(id.as_str()).unwrap_or_default();
        let has = |step: &str, account: &str, kind: EntryKind| {
            recorded.get(step).is_some_and(|e| e.account_id == account && e.kind == kind && e.amount == t.amount)
        };
        let names: Vec<&str> = recorded.keys().copied().collect();
        match status {
            Some(WorkflowExecutionStatus::Completed) => {
                if t.overdraft {
                    problems.push(format!("{id} asked for {} from {} and completed", t.amount, t.from));
                }
                let exact = names == ["deposit", "withdraw"]
                    && has("withdraw", &t.from, EntryKind::Withdraw)
                    && has("deposit", &t.to, EntryKind::Deposit);
                if !exact {
                    problems.push(format!("{id} completed but its ledger entries are {names:?}"));
                }
                *expected.get_mut(&t.from).unwrap() = expected[&t.from] - t.amount;
                *expected.get_mut(&t.to).unwrap() = expected[&t.to] + t.amount;
            }
            _ => {
                // Failed: nothing moved, or a withdrawal and its refund.
                let nothing = names.is_empty();
                let refunded = names == ["refund", "withdraw"]
                    && has("withdraw", &t.from, EntryKind::Withdraw)
                    && has("refund", &t.from, EntryKind::Deposit);
                if !(nothing || refunded) || (t.overdraft && !nothing) {
                    problems.push(format!("{id} failed but its ledger entries are {names:?}"));
                }
            }
        }
    }

    let total = |b: &BTreeMap<String, Cents>| b.values().copied().sum::<Cents>();
    if total(&outcome.balances) != total(&initial) {
        problems.push(format!("the bank holds {}, it started with {}", total(&outcome.balances), total(&initial)));
    }
    if outcome.balances != expected {
        problems.push(format!("balances {:?} differ from initial + received − sent {:?}", outcome.balances, expected));
    }

    // Each account's ledger is one unbroken chain: no update was lost or applied twice.
    let mut last: HashMap<&str, Cents> = initial.iter().map(|(id, c)| (id.as_str(), *c)).collect();
    for entry in &outcome.ledger {
        let previous = last.get(entry.account_id.as_str()).copied();
        let moved = match entry.kind {
            EntryKind::Withdraw => entry.previous_balance - entry.amount,
            EntryKind::Deposit => entry.previous_balance + entry.amount,
        };
        if previous != Some(entry.previous_balance) || moved != entry.new_balance {
            problems
                .push(format!("ledger entry {} does not follow the one before it on {}", entry.id, entry.account_id));
        }
        last.insert(entry.account_id.as_str(), entry.new_balance);
    }
    problems
}

fn transfer_ui_status(status: WorkflowExecutionStatus) -> &'static str {
    match status {
        WorkflowExecutionStatus::Completed => "COMPLETED",
        WorkflowExecutionStatus::Failed => "FAILED",
        WorkflowExecutionStatus::Running => "RUNNING",
        WorkflowExecutionStatus::Terminated => "TERMINATED",
        WorkflowExecutionStatus::Canceled => "CANCELED",
        WorkflowExecutionStatus::TimedOut => "TIMED_OUT",
        _ => "OTHER",
    }
}

/// A few lines for a human.
pub fn summary(outcome: &ChaosOutcome) -> String {
    use WorkflowExecutionStatus::{Completed, Failed};
    let overdrafts = outcome.plan.iter().filter(|t| t.overdraft).count();
    let refunds =
        outcome.ledger.iter().filter(|e| e.reference_id.as_deref().is_some_and(|r| r.ends_with("/refund"))).count();
    format!(
        "{} transfers in {:.1} s: {} completed, {} failed ({} of them overdrafts by design, {} refunded); \
         {} ledger entries; worker SIGKILLed {} times, Temporal server restarted {} time(s){}; \
         {} failed attempts retried by Temporal",
        outcome.ids.len(),
        outcome.elapsed.as_secs_f64(),
        outcome.count(Completed),
        outcome.count(Failed),
        overdrafts,
        refunds,
        outcome.ledger.len(),
        outcome.worker_kills,
        outcome.server_restarts,
        if outcome.worker_restarted_for_server {
            " (the worker had to be restarted after it)"
        } else {
            " (the worker and the UI reconnected by themselves)"
        },
        outcome.retried_attempts,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A consistent outcome of three transfers: one completed, one overdraft, one refunded.
    fn books() -> ChaosOutcome {
        let planned = |from: &str, to: &str, cents: i64, overdraft: bool| Planned {
            from: from.into(),
            to: to.into(),
            amount: Cents::new(cents),
            overdraft,
            late: false,
        };
        let plan = vec![
            planned("account_A", "account_B", 1_050, false),
            planned("account_E", "account_A", 9_999_999, true),
            planned("account_C", "account_D", 700, false),
        ];
        let ids: BTreeMap<String, usize> =
            [("t-1", 0), ("t-2", 1), ("t-3", 2)].map(|(id, i)| (id.to_string(), i)).into();
        let statuses = [
            ("t-1", WorkflowExecutionStatus::Completed),
            ("t-2", WorkflowExecutionStatus::Failed),
            ("t-3", WorkflowExecutionStatus::Failed),
        ]
        .map(|(id, s)| (id.to_string(), s))
        .into();
        let ui_statuses = [("t-1", "COMPLETED"), ("t-2", "FAILED"), ("t-3", "FAILED")]
            .map(|(id, s)| (id.to_string(), s.to_string()))
            .into();
        let entry = |id: i64, reference: &str, account: &str, kind: EntryKind, cents: i64, previous: i64| {
            let new = if kind == EntryKind::Withdraw { previous - cents } else { previous + cents };
            LedgerEntry {
                id,
                reference_id: Some(reference.into()),
                account_id: account.into(),
                kind,
                amount: Cents::new(cents),
                previous_balance: Cents::new(previous),
                new_balance: Cents::new(new),
                created_at: String::new(),
            }
        };
        let ledger = vec![
            entry(1, "t-1/withdraw", "account_A", EntryKind::Withdraw, 1_050, 100_000),
            entry(2, "t-1/deposit", "account_B", EntryKind::Deposit, 1_050, 50_000),
            entry(3, "t-3/withdraw", "account_C", EntryKind::Withdraw, 700, 75_000),
            entry(4, "t-3/refund", "account_C", EntryKind::Deposit, 700, 74_300),
        ];
        let mut balances: BTreeMap<String, Cents> =
            INITIAL_BALANCES.iter().map(|(id, c)| (id.to_string(), *c)).collect();
        balances.insert("account_A".into(), Cents::new(98_950));
        balances.insert("account_B".into(), Cents::new(51_050));
        ChaosOutcome {
            plan,
            ids,
            statuses,
            ui_statuses,
            ledger,
            balances,
            worker_kills: 0,
            server_restarts: 0,
            worker_restarted_for_server: false,
            retried_attempts: 0,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn consistent_books_pass() {
        assert_eq!(verify(&books()), Vec::<String>::new());
    }

    #[test]
    fn every_kind_of_wrong_books_is_caught() {
        let mutations: Vec<(&str, fn(&mut ChaosOutcome))> = vec![
            ("a deposit applied twice", |o| {
                let mut twice = o.ledger[1].clone();
                twice.id = 5;
                twice.reference_id = None;
                o.ledger.push(twice);
            }),
            ("a lost deposit", |o| {
                o.ledger.remove(1);
            }),
            ("a cent created", |o| {
                *o.balances.get_mut("account_J").unwrap() = o.balances["account_J"] + Cents::new(1);
            }),
            ("an overdraft that completed", |o| {
                o.statuses.insert("t-2".into(), WorkflowExecutionStatus::Completed);
            }),
            ("a transfer still running", |o| {
                o.statuses.insert("t-1".into(), WorkflowExecutionStatus::Running);
            }),
            ("a refund missing", |o| {
                o.ledger.remove(3);
            }),
            ("the UI disagreeing with Temporal", |o| {
                o.ui_statuses.insert("t-1".into(), "RUNNING".into());
            }),
            ("a transfer Temporal does not know", |o| {
                o.statuses.remove("t-3");
            }),
        ];
        for (what, mutate) in mutations {
            let mut outcome = books();
            mutate(&mut outcome);
            assert!(!verify(&outcome).is_empty(), "not caught: {what}");
        }
    }

    #[test]
    fn the_plan_is_reproducible_and_overdrafts_are_impossible() {
        let config = ChaosConfig::new(9);
        let (first, again) = (plan(&config), plan(&config));
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_ne!(format!("{first:?}"), format!("{:?}", plan(&ChaosConfig::new(10))));
        assert_eq!(schedule(&config), schedule(&config));
        let everything: Cents = INITIAL_BALANCES.iter().map(|(_, c)| *c).sum::<Cents>()
            + first.iter().filter(|t| !t.overdraft).map(|t| t.amount).sum::<Cents>();
        for t in first.iter().filter(|t| t.overdraft) {
            let incoming: Cents = first.iter().filter(|o| !o.overdraft && o.to == t.from).map(|o| o.amount).sum();
            let initial = INITIAL_BALANCES.iter().find(|(id, _)| *id == t.from).unwrap().1;
            assert!(t.amount > initial + incoming && t.amount < everything);
        }
    }
}
