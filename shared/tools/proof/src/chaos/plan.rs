//! The seeded plan: who sends what to whom, when which fault happens, and which outages
//! (partitions, a full disk) come in which order and last how long.

use std::collections::HashMap;
use std::time::Duration;

use bank::Cents;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use transfer_ui::cli::INITIAL_BALANCES;

use super::ChaosConfig;

/// When a transfer is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wave {
    /// Spread over the fault window.
    Early,
    /// Right after the Temporal server came back.
    Late,
    /// Started by the run itself when an outage heals, so that work must cross the healed path
    /// (counted apart from the plan's transfers).
    Probe,
}

/// One transfer of the plan.
#[derive(Debug, Clone)]
pub struct Planned {
    pub from: String,
    pub to: String,
    pub amount: Cents,
    /// More than `from` can ever hold: must fail and move nothing.
    pub overdraft: bool,
    pub wave: Wave,
    /// The `Idempotency-Key` the driver sends with it, every time it asks.
    pub key: String,
    /// The driver drops the UI's first answer, as a browser whose connection broke, and asks
    /// again: the key must bring back the transfer already started.
    pub first_answer_lost: bool,
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
                wave: if i >= config.transfers - config.late_transfers.min(config.transfers) {
                    Wave::Late
                } else {
                    Wave::Early
                },
                key: format!("chaos-{}-{i}", config.seed),
                first_answer_lost: false,
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
    // Its own stream, so the share leaves the transfers as they were.
    let mut lost = StdRng::seed_from_u64(config.seed ^ 0x1057_a45e);
    for t in &mut transfers {
        t.first_answer_lost = lost.random::<f64>() < config.lost_answer_share;
    }
    transfers
}
/// Where the probes send their cent: from the account with the most to spare once every
/// ordinary transfer of the plan has left it (so a probe never bounces, whatever the order of
/// events), to the next account.
pub fn probe_route(plan: &[Planned]) -> (String, String) {
    let spare = |account: &str, initial: Cents| {
        let sent: Cents = plan.iter().filter(|t| !t.overdraft && t.from == account).map(|t| t.amount).sum();
        initial - sent
    };
    let richest = (0..INITIAL_BALANCES.len())
        .max_by_key(|&i| spare(INITIAL_BALANCES[i].0, INITIAL_BALANCES[i].1))
        .expect("module 3 has accounts");
    let next = (richest + 1) % INITIAL_BALANCES.len();
    (INITIAL_BALANCES[richest].0.to_string(), INITIAL_BALANCES[next].0.to_string())
}

/// Probe number `n` of seed `seed`: one cent along `route`, under a key of its own.
pub fn probe(seed: u64, n: usize, route: &(String, String)) -> Planned {
    Planned {
        from: route.0.clone(),
        to: route.1.clone(),
        amount: Cents::new(1),
        overdraft: false,
        wave: Wave::Probe,
        key: format!("chaos-{seed}-probe-{n}"),
        first_answer_lost: false,
    }
}

/// One fault of the schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Fault {
    KillWorker { down_ms: u64 },
    KillAccountApi { down_ms: u64 },
    KillUi { down_ms: u64 },
    RestartServer,
}
/// A connection between two of the run's programs, through a fault proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Link {
    WorkerServer,
    WorkerBank,
    UiServer,
}

impl Link {
    pub fn name(self) -> &'static str {
        match self {
            Link::WorkerServer => "worker ↔ Temporal server",
            Link::WorkerBank => "worker ↔ account API",
            Link::UiServer => "UI ↔ Temporal server",
        }
    }
}

/// Something that stops part of the system for a while, then heals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outage {
    /// Every connection reset, new ones refused.
    Cut(Link),
    /// Nothing forwarded, nobody told (see `proxy`).
    Blackhole(Link),
    /// The bank's database may not grow.
    DiskFull,
}

impl Outage {
    pub fn name(self) -> String {
        match self {
            Outage::Cut(link) => format!("{} cut", link.name()),
            Outage::Blackhole(link) => format!("{} blackholed", link.name()),
            Outage::DiskFull => "bank's disk full".into(),
        }
    }

    /// How long it lasts, at random: the silent partition of the worker 4–10 s (a connection
    /// caught in it stays silent until the keepalive gives up on it, 17 s after the hole
    /// began, whatever its length), the cuts and the UI's silent partition 1.5–4 s, the bank's
    /// only 1.5–3 s, while money moves. Each failed bank call doubles Temporal's wait before
    /// the next attempt (1 s, 2 s, 4 s…): a longer outage adds little proof and a long tail.
    fn length(self, rng: &mut StdRng) -> Duration {
        let secs = match self {
            Outage::Blackhole(Link::WorkerServer) => rng.random_range(4.0..10.0),
            Outage::Cut(Link::WorkerServer | Link::UiServer) | Outage::Blackhole(Link::UiServer) => {
                rng.random_range(1.5..4.0)
            }
            Outage::Cut(Link::WorkerBank) | Outage::Blackhole(Link::WorkerBank) | Outage::DiskFull => {
                rng.random_range(1.5..3.0)
            }
        };
        Duration::from_secs_f64(secs)
    }

    /// Outages on the worker's paths run one after another, each after the one before has
    /// recovered, so each recovery time is its own; the UI's run beside them.
    fn on_ui_path(self) -> bool {
        matches!(self, Outage::Cut(Link::UiServer) | Outage::Blackhole(Link::UiServer))
    }
}

/// One outage of the plan: it begins `after` the one before it in its lane has recovered
/// (the first one, after the transfers start), and lasts `lasts`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedOutage {
    pub outage: Outage,
    pub after: Duration,
    pub lasts: Duration,
}

/// The outages in two lanes, the worker's and the UI's, in a seeded order.
pub(super) fn outage_lanes(config: &ChaosConfig) -> [Vec<PlannedOutage>; 2] {
    // Its own stream, so adding an outage keeps the kills where they were.
    let mut rng = StdRng::seed_from_u64(config.seed ^ 0x0de7_a9e5);
    let mut all: Vec<Outage> =
        config.outages.iter().flat_map(|(outage, times)| std::iter::repeat_n(*outage, *times)).collect();
    // A seeded shuffle (Fisher–Yates).
    for i in (1..all.len()).rev() {
        all.swap(i, rng.random_range(0..=i));
    }
    let (ui, worker): (Vec<Outage>, Vec<Outage>) = all.into_iter().partition(|o| o.on_ui_path());
    let window = config.fault_window_secs;
    let mut lane = |outages: Vec<Outage>, first: std::ops::Range<f64>| -> Vec<PlannedOutage> {
        outages
            .into_iter()
            .enumerate()
            .map(|(i, outage)| {
                let after = if i == 0 { rng.random_range(first.clone()) } else { rng.random_range(1.0..2.5) };
                PlannedOutage { outage, after: Duration::from_secs_f64(after), lasts: outage.length(&mut rng) }
            })
            .collect()
    };
    // The worker's lane starts soon (it has the most to do); the UI's while transfers are asked for.
    [lane(worker, 1.5..3.0), lane(ui, 0.1 * window..0.4 * window)]
}

/// When each fault happens, counted from the moment the early transfers are started.
pub(super) fn schedule(config: &ChaosConfig) -> Vec<(Duration, Fault)> {
    // A different stream from the plan's, so changing the transfer count keeps the timing.
    let mut rng = StdRng::seed_from_u64(config.seed ^ 0x5eed_f417);
    let window = config.fault_window_secs;
    let mut faults = Vec::new();
    type Kill = fn(u64) -> Fault;
    let kills: [(usize, Kill); 3] = [
        (config.worker_kills, |down_ms| Fault::KillWorker { down_ms }),
        (config.account_api_kills, |down_ms| Fault::KillAccountApi { down_ms }),
        (config.ui_kills, |down_ms| Fault::KillUi { down_ms }),
    ];
    for (times, kill) in kills {
        for _ in 0..times {
            let at = Duration::from_secs_f64(rng.random_range(0.5..window));
            faults.push((at, kill(rng.random_range(0..1500))));
        }
    }
    if config.restart_server {
        let at = Duration::from_secs_f64(rng.random_range(0.15 * window..0.5 * window));
        faults.push((at, Fault::RestartServer));
    }
    faults.sort_by_key(|(at, _)| *at);
    faults
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_reproducible_and_overdrafts_are_impossible() {
        let config = ChaosConfig::new(9);
        let (first, again) = (plan(&config), plan(&config));
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_ne!(format!("{first:?}"), format!("{:?}", plan(&ChaosConfig::new(10))));
        assert_eq!(schedule(&config), schedule(&config));
        let kinds = |f: fn(&Fault) -> bool| schedule(&config).iter().filter(|(_, fault)| f(fault)).count();
        assert_eq!(kinds(|f| matches!(f, Fault::KillWorker { .. })), config.worker_kills);
        assert_eq!(kinds(|f| matches!(f, Fault::KillAccountApi { .. })), config.account_api_kills);
        assert_eq!(kinds(|f| matches!(f, Fault::KillUi { .. })), config.ui_kills);
        let lanes = outage_lanes(&config);
        assert_eq!(lanes, outage_lanes(&config));
        let planned: usize = config.outages.values().sum();
        assert_eq!(lanes[0].len() + lanes[1].len(), planned);
        assert!(lanes[1].iter().all(|p| p.outage.on_ui_path()) && !lanes[0].iter().any(|p| p.outage.on_ui_path()));
        let silent = Outage::Blackhole(Link::WorkerServer);
        for p in lanes[0].iter().filter(|p| p.outage == silent) {
            assert!((4.0..10.0).contains(&p.lasts.as_secs_f64()), "{p:?}");
        }
        let keys: std::collections::HashSet<&str> = first.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys.len(), first.len(), "one key per transfer");
        let everything: Cents = INITIAL_BALANCES.iter().map(|(_, c)| *c).sum::<Cents>()
            + first.iter().filter(|t| !t.overdraft).map(|t| t.amount).sum::<Cents>();
        for t in first.iter().filter(|t| t.overdraft) {
            let incoming: Cents = first.iter().filter(|o| !o.overdraft && o.to == t.from).map(|o| o.amount).sum();
            let initial = INITIAL_BALANCES.iter().find(|(id, _)| *id == t.from).unwrap().1;
            assert!(t.amount > initial + incoming && t.amount < everything);
        }
    }

    #[test]
    fn a_probe_never_bounces() {
        for seed in 0..100 {
            let plan = plan(&ChaosConfig::new(seed));
            let route = probe_route(&plan);
            let initial = INITIAL_BALANCES.iter().find(|(id, _)| *id == route.0).unwrap().1;
            let sent: Cents = plan.iter().filter(|t| !t.overdraft && t.from == route.0).map(|t| t.amount).sum();
            let probes: Cents = (0..100).map(|n| probe(seed, n, &route).amount).sum();
            assert!(initial - sent > probes, "seed {seed}: {route:?} has {} to spare", initial - sent);
            assert_ne!(route.0, route.1);
            assert!(plan.iter().all(|t| t.key != probe(seed, 0, &route).key), "a key of its own");
        }
    }
}
