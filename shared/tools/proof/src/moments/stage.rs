//! Modules 3 and 4 as a learner runs them: their programs on one Temporal server, on ports and
//! a bank database of their own (kept across restarts), the Money Transfer UI's buttons, and
//! what the histories say happened when.

use std::time::{Duration, Instant, SystemTime};

use contract::DAILY_BATCH;
use serde_json::{Value, json};
use temporalio_client::{UntypedWorkflow, WorkflowDescribeOptions, WorkflowExecutionDescription};
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use testkit::history::{Event, events};
use testkit::{Launch, Program, TempDir, TestServer, free_port};

pub(super) struct Stage {
    pub server: TestServer,
    api_port: String,
    ui_port: String,
    db: String,
    http: reqwest::Client,
    _dir: TempDir,
}

impl Stage {
    pub async fn start() -> anyhow::Result<Self> {
        let server = TestServer::start().await?;
        let dir = TempDir::new("moments")?;
        let db = dir.path().join("bank.db").display().to_string();
        let http = reqwest::Client::builder().no_proxy().build()?;
        Ok(Self { server, api_port: free_port()?.to_string(), ui_port: free_port()?.to_string(), db, http, _dir: dir })
    }

    /// `binary` with the stage's ports and bank, then `extra`, talking to the stage's server.
    /// Its output is read for as long as a case runs (module 4's waits are long).
    pub fn launch(&self, binary: &str, extra: &[&str]) -> anyhow::Result<Program> {
        let ports = ["--api-port", &self.api_port, "--ui-port", &self.ui_port, "--db", &self.db];
        Launch::new(binary)
            .args(ports)
            .args(extra)
            .without_temporal_env()
            .envs(&self.server.program_env())
            .patience(Duration::from_secs(20 * 60))
            .spawn()
    }

    /// `binary worker`, with the stage's bank.
    pub fn launch_worker(&self, binary: &str) -> anyhow::Result<Program> {
        let bank = format!("http://127.0.0.1:{}", self.api_port);
        Program::spawn(binary, &["worker", "--api-url", &bank], &self.server.program_env())
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let url = format!("http://127.0.0.1:{}{path}", self.ui_port);
        let response = self.http.post(&url).json(&body).send().await?;
        anyhow::ensure!(response.status().is_success(), "POST {url}: {}", response.status());
        Ok(response.json().await?)
    }

    /// The UI's Real World Mode switch.
    pub async fn real_world_mode(&self, enabled: bool) -> anyhow::Result<()> {
        self.post("/api/real-world-mode", json!({ "enabled": enabled })).await.map(drop)
    }

    /// The UI's "Start Daily Batch" button: its five transfers of $100, at once; their ids.
    pub async fn daily_batch(&self) -> anyhow::Result<Vec<String>> {
        let starts = DAILY_BATCH.map(|(from, to)| async move {
            let body = json!({ "from_account": from, "to_account": to, "amount": 100 });
            let started = self.post("/api/transfer", body).await?;
            started["workflow_id"].as_str().map(str::to_string).ok_or_else(|| anyhow::anyhow!("no id: {started}"))
        });
        futures::future::try_join_all(starts).await
    }

    pub async fn describe(&self, id: &str) -> anyhow::Result<WorkflowExecutionDescription> {
        let handle = self.server.client().get_workflow_handle::<UntypedWorkflow>(id);
        Ok(handle.describe(WorkflowDescribeOptions::default()).await?)
    }

    /// For each of `ids`, the time `found` reads in its history, once every history has one
    /// (read again every half second, for at most `patience`).
    pub async fn wait_in_histories(
        &self,
        ids: &[String],
        patience: Duration,
        found: impl Fn(&[HistoryEvent]) -> anyhow::Result<Option<SystemTime>>,
    ) -> anyhow::Result<Vec<SystemTime>> {
        let client = self.server.client();
        let deadline = Instant::now() + patience;
        let mut times = vec![None; ids.len()];
        loop {
            for (id, time) in ids.iter().zip(&mut times) {
                if time.is_none() {
                    *time = found(&events(&client, id).await?)?;
                }
            }
            if times.iter().all(Option::is_some) {
                return Ok(times.into_iter().flatten().collect());
            }
            let waiting: Vec<&String> = ids.iter().zip(&times).filter(|(_, t)| t.is_none()).map(|(id, _)| id).collect();
            anyhow::ensure!(Instant::now() < deadline, "not within {} s: {waiting:?}", patience.as_secs());
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

pub(super) use testkit::history::{system_time, time_of};

/// Seconds from `from` to `to` (negative when `to` came first).
pub(super) fn seconds_between(from: SystemTime, to: SystemTime) -> f64 {
    match to.duration_since(from) {
        Ok(after) => after.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    }
}

/// The activity type (`check_balance`, `withdraw`…) an activity event belongs to.
fn activity_of<'a>(history: &'a [HistoryEvent], event: &HistoryEvent) -> Option<&'a str> {
    let scheduled_id = match &event.attributes {
        Some(Attributes::ActivityTaskScheduledEventAttributes(_)) => event.event_id,
        Some(Attributes::ActivityTaskStartedEventAttributes(a)) => a.scheduled_event_id,
        Some(Attributes::ActivityTaskCompletedEventAttributes(a)) => a.scheduled_event_id,
        Some(Attributes::ActivityTaskFailedEventAttributes(a)) => a.scheduled_event_id,
        Some(Attributes::ActivityTaskTimedOutEventAttributes(a)) => a.scheduled_event_id,
        _ => return None,
    };
    history.iter().find(|e| e.event_id == scheduled_id).and_then(|e| match &e.attributes {
        // "BankActivities::withdraw"
        Some(Attributes::ActivityTaskScheduledEventAttributes(a)) => {
            a.activity_type.as_ref().and_then(|t| t.name.rsplit("::").next())
        }
        _ => None,
    })
}

/// The events of `kind` for activity `name`, oldest first.
pub(super) fn activity_events<'a>(history: &'a [HistoryEvent], kind: Event, name: &str) -> Vec<&'a HistoryEvent> {
    history.iter().filter(|e| e.event_type() == kind && activity_of(history, e) == Some(name)).collect()
}

/// Whether `event` closes its workflow (completed, failed, …).
pub(super) fn closes(event: &HistoryEvent) -> bool {
    matches!(
        event.event_type(),
        Event::WorkflowExecutionCompleted
            | Event::WorkflowExecutionFailed
            | Event::WorkflowExecutionTimedOut
            | Event::WorkflowExecutionCanceled
            | Event::WorkflowExecutionTerminated
            | Event::WorkflowExecutionContinuedAsNew
    )
}

/// The event that closed the workflow of `history`, if it has closed.
pub(super) fn closing_event(history: &[HistoryEvent]) -> Option<&HistoryEvent> {
    history.iter().find(|event| closes(event))
}

/// The largest of `seconds`.
pub(super) fn largest(seconds: &[f64]) -> f64 {
    seconds.iter().copied().fold(f64::MIN, f64::max)
}

/// "1.0, 2.5, 12.0".
pub(super) fn list(seconds: &[f64]) -> String {
    seconds.iter().map(|s| format!("{s:.1}")).collect::<Vec<_>>().join(", ")
}
