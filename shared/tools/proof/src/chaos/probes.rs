//! Probes: transfers the run starts itself, so that work must cross a path that just healed,
//! whatever the plan's transfers are doing by then (all of them may have closed). Each moves
//! one cent along a route that never bounces, under a key of its own, and is counted apart
//! in the books. The run waits for the probe's work, never for a fixed time, and fails with
//! what the probe's history shows when that work does not come.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use contract::{StartOnce, TransferInput, keyed_workflow_id, start_transfer_once};
use temporalio_client::{Client, WorkflowCountOptions};
use testkit::history::events;

use super::plan::probe;
use super::recovery::work_in;
use super::transfers::Driver;
use super::{Outage, Planned};
use crate::MODULE03;

/// The run's own transfers, started straight at the Temporal server or through the UI.
pub(super) struct Probes {
    seed: u64,
    route: (String, String),
    /// Straight to the server: no proxy, no UI in the way.
    client: Client,
    driver: Driver,
    next: AtomicUsize,
    started: Mutex<Vec<(Planned, String)>>,
}

impl Probes {
    pub fn new(seed: u64, client: Client, driver: Driver, route: (String, String)) -> Self {
        Self { seed, route, client, driver, next: AtomicUsize::new(0), started: Mutex::default() }
    }

    fn next(&self) -> Planned {
        probe(self.seed, self.next.fetch_add(1, Ordering::SeqCst), &self.route)
    }

    fn remember(&self, planned: Planned, id: &str) {
        self.started.lock().expect("never poisoned: one push").push((planned, id.to_string()));
    }

    /// Starts the next probe straight at the Temporal server, as the UI would (its worker then
    /// runs it over the worker's paths); asks again while the server restarts. Its workflow id.
    pub async fn start(&self, guard: Duration) -> anyhow::Result<String> {
        let planned = self.next();
        let id = keyed_workflow_id(&planned.key);
        let input = TransferInput {
            from_account: planned.from.clone(),
            to_account: planned.to.clone(),
            amount: planned.amount,
        };
        let since = Instant::now();
        loop {
            match start_transfer_once(&self.client, &MODULE03, &input, &id).await {
                Ok(StartOnce::Started | StartOnce::AlreadyStarted) => break,
                Err(error) if since.elapsed() > guard => {
                    return Err(error)
                        .with_context(|| format!("starting probe {id}: the Temporal server did not answer"));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        self.remember(planned, &id);
        Ok(id)
    }

    /// Asks the UI for the next probe, as a person would (the UI's path to the server); done
    /// once the UI has started it.
    pub async fn ask_ui(&self, guard: Duration) -> anyhow::Result<String> {
        let planned = self.next();
        let asked = tokio::time::timeout(guard, self.driver.ask(&planned)).await;
        let id = asked.map_err(|_| anyhow::anyhow!("the UI started no probe ({}) within {guard:?}", planned.key))??;
        self.remember(planned, &id);
        Ok(id)
    }

    /// Waits until the history of probe `id` shows work that had to cross `outage`'s path.
    pub async fn crossed(&self, id: &str, outage: Outage, guard: Duration) -> anyhow::Result<()> {
        let since = Instant::now();
        loop {
            let history = events(&self.client, id).await.unwrap_or_default();
            if work_in(&history).iter().any(|(_, work)| outage.crossed_by(*work)) {
                return Ok(());
            }
            if since.elapsed() > guard {
                let last: Vec<String> = history.iter().rev().take(4).map(|e| format!("{:?}", e.event_type())).collect();
                bail!(
                    "no work crossed the healed path within {guard:?}: probe {id} has {} events, the last {:?}",
                    history.len(),
                    last
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Resolves once the UI has answered one more of the driver's requests than now (it must
    /// have reached the server to start it); never fails.
    pub fn ui_answered(&self) -> impl Future<Output = ()> + '_ {
        let before = self.driver.confirmed();
        async move {
            while self.driver.confirmed() <= before {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }

    /// A future that resolves once Temporal lists more closed transfers than now: a worker
    /// completed a transfer's last workflow task since. Never fails (the server may restart).
    pub async fn closed_after_now(&self) -> impl Future<Output = ()> + '_ {
        let closed = format!("WorkflowType = '{}' AND ExecutionStatus != 'Running'", MODULE03.workflow_type);
        let count = move |query: String| async move {
            self.client.count_workflows(query, WorkflowCountOptions::default()).await.ok().map(|c| c.count())
        };
        let before = count(closed.clone()).await;
        async move {
            loop {
                if let (Some(before), Some(now)) = (before, count(closed.clone()).await)
                    && now > before
                {
                    return;
                }
                if before.is_none() {
                    // The count failed at the start: rely on the probe alone.
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }

    /// Every probe started, with its workflow id.
    pub fn started(&self) -> Vec<(Planned, String)> {
        self.started.lock().expect("never poisoned: one push").clone()
    }

    pub fn count(&self) -> usize {
        self.started.lock().expect("never poisoned: one push").len()
    }
}
