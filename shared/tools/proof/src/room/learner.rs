//! One learner of the room: module 3 (debug build, as a learner runs it) with their own
//! `WORKSHOP_LEARNER`, ports and bank, doing the Daily Batch through its UI and polling the
//! listing as the page does (every second), each poll timed.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testkit::{Launch, Program, TestServer};

/// The page polls `/api/workflows` this often (app.js, POLL_MS).
const POLL: Duration = Duration::from_secs(1);
/// The longest a batch may take before the run gives up (a hang guard, not a goal).
const PATIENCE: Duration = Duration::from_secs(600);

pub struct Learner {
    pub name: String,
    pub program: Program,
    ui_url: String,
    http: reqwest::Client,
}

/// What one learner saw.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// From the first click to the poll that showed all five transfers completed.
    pub batch: Duration,
    /// The listings the page asked for while the batch ran (each running transfer's card
    /// asks its worker for its state), and after (visibility and cached histories only).
    pub listings_running: Vec<Duration>,
    pub listings_done: Vec<Duration>,
}

impl Learner {
    /// Starts the learner's module 3 and waits until its UI is ready.
    pub async fn start(binary: &str, server: &TestServer, name: &str, dir: &Path) -> anyhow::Result<Self> {
        let db = dir.join(format!("{name}.db")).display().to_string();
        let program = Launch::new(binary)
            .args(["--api-port", "0", "--ui-port", "0", "--db", &db])
            .without_temporal_env()
            .env_remove("RUST_LOG")
            .envs(&server.program_env())
            .env("WORKSHOP_LEARNER", name)
            .log_to(dir.join(format!("{name}.log")))
            .patience(PATIENCE)
            .spawn()?;
        let mut learner = Self { name: name.into(), program, ui_url: String::new(), http: reqwest::Client::new() };
        let ready = learner.program.wait_for(workshop::said::UI_READY).await?;
        learner.ui_url = workshop::said::url_after(&ready, workshop::said::UI_READY)
            .map(str::to_string)
            .ok_or_else(|| anyhow::anyhow!("no URL in {ready:?}"))?;
        Ok(learner)
    }

    /// The Daily Batch (five transfers, started at once as the page's button does), then the
    /// page's polling until all five completed, and `after` more polls.
    pub async fn daily_batch(&self, after: usize) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        let clicks = contract::DAILY_BATCH.map(|(from, to)| {
            let body = json!({ "from_account": from, "to_account": to, "amount": 100 });
            self.http.post(format!("{}/api/transfer", self.ui_url)).json(&body).send()
        });
        for answer in futures::future::join_all(clicks).await {
            let answer = answer?;
            anyhow::ensure!(answer.status().is_success(), "{}: transfer refused: {}", self.name, answer.status());
        }
        let (mut running, mut done, mut batch, mut extra) = (Vec::new(), Vec::new(), None, 0);
        while batch.is_none() || extra < after {
            anyhow::ensure!(
                started.elapsed() < PATIENCE,
                "{}: the batch did not complete within {PATIENCE:?}",
                self.name
            );
            let asked = Instant::now();
            let workflows = self.listing().await?;
            let took = asked.elapsed();
            let completed = workflows.iter().filter(|view| view["status"] == "COMPLETED").count();
            anyhow::ensure!(
                workflows.len() <= 5,
                "{} sees {} transfers, not only their own",
                self.name,
                workflows.len()
            );
            if batch.is_some() {
                done.push(took);
                extra += 1;
            } else {
                // The poll that first shows all five completed reads their histories: still the batch's.
                running.push(took);
                if completed == 5 {
                    batch = Some(started.elapsed());
                }
            }
            tokio::time::sleep(POLL.saturating_sub(asked.elapsed())).await;
        }
        Ok(Outcome { batch: batch.expect("set"), listings_running: running, listings_done: done })
    }

    async fn listing(&self) -> anyhow::Result<Vec<Value>> {
        let answer = self.http.get(format!("{}/api/workflows", self.ui_url)).send().await?;
        anyhow::ensure!(answer.status().is_success(), "{}: /api/workflows: {}", self.name, answer.status());
        let body: Value = answer.json().await?;
        Ok(body["workflows"].as_array().cloned().unwrap_or_default())
    }
}
