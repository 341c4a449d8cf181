//! A bounded load generator: `threads` OS threads drive `connections` keep-alive
//! connections until `requests` have been sent or `max_time` has passed, whichever comes
//! first. Loopback only; every request has the [`HANG_GUARD`](crate::http::HANG_GUARD).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::http::Connection;

/// One request to send: method, target, content type, body.
pub struct Request {
    pub method: &'static str,
    pub target: String,
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
pub struct LoadSpec {
    pub threads: usize,
    pub connections: usize,
    pub requests: usize,
    pub max_time: Duration,
}

#[derive(Debug, Clone)]
pub struct LoadReport {
    pub sent: usize,
    pub elapsed: Duration,
    pub statuses: BTreeMap<u16, usize>,
    /// Requests that got no answer (connection error or hang guard).
    pub failures: Vec<String>,
    latencies: Vec<Duration>,
}

impl LoadReport {
    pub fn per_second(&self) -> f64 {
        self.sent as f64 / self.elapsed.as_secs_f64()
    }

    /// The `p`-th percentile (0..=100) of the latencies.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * (self.latencies.len() - 1) as f64).round() as usize;
        self.latencies[rank.min(self.latencies.len() - 1)]
    }
}

/// Runs the load on its own runtime (so it never shares threads with the caller's).
/// `make(n)` builds the n-th request.
pub async fn run(
    addr: SocketAddr,
    spec: LoadSpec,
    make: impl Fn(usize) -> Request + Send + Sync + 'static,
) -> anyhow::Result<LoadReport> {
    let make = Arc::new(make);
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(spec.threads).enable_all().build()?;
        runtime.block_on(drive(addr, spec, make))
    });
    tokio::task::spawn_blocking(move || thread.join().map_err(|_| anyhow::anyhow!("load thread panicked"))?).await?
}

async fn drive(
    addr: SocketAddr,
    spec: LoadSpec,
    make: Arc<dyn Fn(usize) -> Request + Send + Sync>,
) -> anyhow::Result<LoadReport> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + spec.max_time;
    let mut tasks = Vec::new();
    for _ in 0..spec.connections {
        let (next, make) = (next.clone(), make.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut statuses = BTreeMap::new();
            let mut failures = Vec::new();
            let mut connection = match Connection::open(addr).await {
                Ok(c) => Some(c),
                Err(e) => {
                    failures.push(format!("connect: {e}"));
                    None
                }
            };
            while let Some(conn) = connection.as_mut() {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= spec.requests || Instant::now() >= deadline {
                    break;
                }
                let request = make(n);
                let sent = Instant::now();
                match conn.send(request.method, &request.target, request.content_type, &request.body).await {
                    Ok(answer) => {
                        latencies.push(sent.elapsed());
                        *statuses.entry(answer.status).or_insert(0) += 1;
                    }
                    Err(error) => {
                        failures.push(format!("{} {}: {error}", request.method, request.target));
                        connection = Connection::open(addr).await.ok();
                    }
                }
            }
            (latencies, statuses, failures)
        }));
    }
    let mut report = LoadReport {
        sent: 0,
        elapsed: Duration::ZERO,
        statuses: BTreeMap::new(),
        failures: Vec::new(),
        latencies: Vec::new(),
    };
    for task in tasks {
        let (latencies, statuses, failures) = task.await?;
        report.latencies.extend(latencies);
        for (status, count) in statuses {
            *report.statuses.entry(status).or_insert(0) += count;
        }
        report.failures.extend(failures);
    }
    report.elapsed = started.elapsed();
    report.sent = report.latencies.len();
    report.latencies.sort();
    Ok(report)
}
