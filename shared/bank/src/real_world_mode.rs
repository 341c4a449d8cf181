//! "Real World Mode": the account API misbehaves on purpose.
//!
//! Networks and services fail. When Real World Mode is on, each affected
//! request rolls the dice *before* anything changes:
//!
//! * `slow_rate` (10 %): wait `slow_secs` (30 s), then answer 504 — the
//!   caller's timeout usually fires first;
//! * `failure_rate` (40 %): answer 500 "Service temporarily unavailable".
//!
//! And, opt-in, *after* a change has committed, whether the mode is on or off:
//!
//! * `lost_response_rate` (0 by default): the money moved, but the caller
//!   gets a 500. A blind retry moves it again; only a `reference_id`
//!   (idempotency key) makes the retry safe. It is its own switch (a rate
//!   above 0), so a lesson can show lost answers alone, without the other
//!   failures in the way.
//!
//! A `seed` makes the dice reproducible. `/health`, `/ledger` and `/admin/*`
//! are never affected.

use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

/// The error message of a lost response: it names its switch, since a lost response stays on
/// with Real World Mode off and would otherwise read like one of the mode's own failures.
pub const LOST_RESPONSE_MESSAGE: &str =
    "Lost response (--lost-response-rate): the change was applied, this answer was dropped";

/// The knobs of Real World Mode, as shown by `GET /admin/real-world-mode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RealWorldModeSettings {
    /// Whether the injected failures happen at all; lost responses do not depend on it.
    pub enabled: bool,
    /// Share of requests that hang for `slow_secs` and then fail with 504.
    pub slow_rate: f64,
    /// Share of requests that fail at once with 500.
    pub failure_rate: f64,
    /// How long a slow request hangs before its 504.
    pub slow_secs: u64,
    /// Share of *committed* changes whose response is replaced by a 500, whether
    /// `enabled` or not.
    pub lost_response_rate: f64,
    /// Same seed, same sequence of outcomes. `None`: a fresh random sequence.
    pub seed: Option<u64>,
    /// Whether balance reads (`GET /accounts…`) fail too. Module 2 turns this
    /// on; modules 3 and 4 only make the money-moving calls flaky.
    pub inject_on_balance: bool,
}

impl Default for RealWorldModeSettings {
    fn default() -> Self {
        RealWorldModeSettings {
            enabled: false,
            slow_rate: 0.10,
            failure_rate: 0.40,
            slow_secs: 30,
            lost_response_rate: 0.0,
            seed: None,
            inject_on_balance: true,
        }
    }
}

impl RealWorldModeSettings {
    /// These settings with `update`'s fields in place of theirs (not validated).
    pub fn updated(&self, update: &RealWorldModeUpdate) -> RealWorldModeSettings {
        RealWorldModeSettings {
            enabled: update.enabled.unwrap_or(self.enabled),
            slow_rate: update.slow_rate.unwrap_or(self.slow_rate),
            failure_rate: update.failure_rate.unwrap_or(self.failure_rate),
            slow_secs: update.slow_secs.unwrap_or(self.slow_secs),
            lost_response_rate: update.lost_response_rate.unwrap_or(self.lost_response_rate),
            seed: update.seed.or(self.seed),
            inject_on_balance: update.inject_on_balance.unwrap_or(self.inject_on_balance),
        }
    }
}

/// A partial change, as sent to `POST /admin/real-world-mode`.
/// Fields left out keep their value; a new `seed` restarts the sequence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealWorldModeUpdate {
    /// Turns the mode on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// New share of requests that hang, then fail with 504 (0 to 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slow_rate: Option<f64>,
    /// New share of requests that fail at once with 500 (0 to 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_rate: Option<f64>,
    /// New hang, in seconds, of a slow request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slow_secs: Option<u64>,
    /// New share of committed changes whose answer is dropped (0 to 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_response_rate: Option<f64>,
    /// A seed that restarts the sequence of outcomes from its beginning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Whether balance reads fail too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inject_on_balance: Option<bool>,
}

impl RealWorldModeUpdate {
    /// The changes of `self`, then of `later`: a field `later` sets wins.
    pub fn then(&self, later: &RealWorldModeUpdate) -> RealWorldModeUpdate {
        RealWorldModeUpdate {
            enabled: later.enabled.or(self.enabled),
            slow_rate: later.slow_rate.or(self.slow_rate),
            failure_rate: later.failure_rate.or(self.failure_rate),
            slow_secs: later.slow_secs.or(self.slow_secs),
            lost_response_rate: later.lost_response_rate.or(self.lost_response_rate),
            seed: later.seed.or(self.seed),
            inject_on_balance: later.inject_on_balance.or(self.inject_on_balance),
        }
    }
}

/// What kind of request is rolling the dice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `GET /accounts` and `GET /accounts/{id}`.
    BalanceRead,
    /// Withdraw and deposit.
    Change,
}

/// A failure to inject before touching the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InjectedFailure {
    /// Sleep this many seconds, then answer 504 "Gateway timeout".
    Slow {
        /// How long to hang first.
        secs: u64,
    },
    /// Answer 500 "Service temporarily unavailable" at once.
    Unavailable,
}

/// Real World Mode, switchable while the API runs. Cheap to clone; clones
/// share the settings and the dice.
#[derive(Clone)]
pub struct RealWorldMode {
    state: Arc<Mutex<State>>,
}

struct State {
    settings: RealWorldModeSettings,
    dice: StdRng,
}

impl RealWorldMode {
    /// Real World Mode with these settings; `Err` says which rate or duration is out of range.
    pub fn new(settings: RealWorldModeSettings) -> Result<RealWorldMode, String> {
        validate(&settings)?;
        let dice = dice_for(settings.seed);
        Ok(RealWorldMode { state: Arc::new(Mutex::new(State { settings, dice })) })
    }

    /// The settings in force now.
    pub fn settings(&self) -> RealWorldModeSettings {
        self.lock().settings.clone()
    }

    /// Whether the injected failures are on now (what `GET /health` reports).
    pub fn is_enabled(&self) -> bool {
        self.lock().settings.enabled
    }

    /// Applies a partial change. Invalid values change nothing.
    pub fn update(&self, update: RealWorldModeUpdate) -> Result<RealWorldModeSettings, String> {
        let mut state = self.lock();
        let new = state.settings.updated(&update);
        validate(&new)?;
        if update.seed.is_some() {
            state.dice = dice_for(new.seed);
        }
        state.settings = new.clone();
        Ok(new)
    }

    /// Rolls for a failure before the request touches the bank.
    /// `None` means: go ahead normally.
    pub fn roll_before(&self, target: Target) -> Option<InjectedFailure> {
        let mut state = self.lock();
        let settings = state.settings.clone();
        let affected = match target {
            Target::BalanceRead => settings.inject_on_balance,
            Target::Change => true,
        };
        if !settings.enabled || !affected {
            return None;
        }
        // One roll, split into bands: [0, slow) slow, [slow, slow+fail) 500.
        let roll: f64 = state.dice.random();
        if roll < settings.slow_rate {
            Some(InjectedFailure::Slow { secs: settings.slow_secs })
        } else if roll < settings.slow_rate + settings.failure_rate {
            Some(InjectedFailure::Unavailable)
        } else {
            None
        }
    }

    /// Rolls, after a change committed, whether its response gets lost. Not tied to
    /// `enabled`: a rate above 0 is a switch of its own.
    pub fn roll_lost_response(&self) -> bool {
        let mut state = self.lock();
        let rate = state.settings.lost_response_rate;
        // No roll when the rate is 0, so enabling it later does not shift
        // the sequence of the before-change rolls that came earlier.
        rate > 0.0 && state.dice.random::<f64>() < rate
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is always consistent between statements; poison is harmless.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn dice_for(seed: Option<u64>) -> StdRng {
    match seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => rand::make_rng(),
    }
}

fn validate(settings: &RealWorldModeSettings) -> Result<(), String> {
    let rates = [
        ("slow_rate", settings.slow_rate),
        ("failure_rate", settings.failure_rate),
        ("lost_response_rate", settings.lost_response_rate),
    ];
    for (name, rate) in rates {
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("{name} must be between 0 and 1, got {rate}"));
        }
    }
    if settings.slow_rate + settings.failure_rate > 1.0 {
        return Err("slow_rate + failure_rate must not exceed 1".to_string());
    }
    if settings.slow_secs > 600 {
        return Err(format!("slow_secs must be at most 600, got {}", settings.slow_secs));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded(seed: u64) -> RealWorldMode {
        RealWorldMode::new(RealWorldModeSettings { enabled: true, seed: Some(seed), ..Default::default() }).unwrap()
    }

    fn outcomes(mode: &RealWorldMode, n: usize) -> Vec<Option<InjectedFailure>> {
        (0..n).map(|_| mode.roll_before(Target::Change)).collect()
    }

    #[test]
    fn same_seed_gives_the_same_sequence() {
        let first = outcomes(&seeded(7), 200);
        assert_eq!(first, outcomes(&seeded(7), 200));
        assert_ne!(first, outcomes(&seeded(8), 200));
        // With 10 % + 40 % failure odds, 200 rolls contain all three outcomes.
        assert!(first.contains(&None));
        assert!(first.contains(&Some(InjectedFailure::Unavailable)));
        assert!(first.contains(&Some(InjectedFailure::Slow { secs: 30 })));
    }

    #[test]
    fn disabled_mode_injects_no_slow_or_failed_request() {
        let mode =
            RealWorldMode::new(RealWorldModeSettings { slow_rate: 0.5, failure_rate: 0.5, ..Default::default() })
                .unwrap();
        assert!(outcomes(&mode, 100).iter().all(Option::is_none));
        assert!(!mode.roll_lost_response(), "a rate of 0 loses nothing");
    }

    #[test]
    fn lost_responses_follow_their_rate_with_the_mode_off() {
        let off = |lost_response_rate| {
            let settings = RealWorldModeSettings { lost_response_rate, seed: Some(5), ..Default::default() };
            RealWorldMode::new(settings).unwrap()
        };
        let always = off(1.0);
        assert!((0..20).all(|_| always.roll_lost_response()));
        let half = off(0.5);
        let lost = (0..1000).filter(|_| half.roll_lost_response()).count();
        assert!((400..=600).contains(&lost), "about half of 1000 answers lost, got {lost}");
        assert!(outcomes(&half, 100).iter().all(Option::is_none), "still no slow or failed request");
    }

    #[test]
    fn balance_reads_are_spared_unless_asked_for() {
        let mode = RealWorldMode::new(RealWorldModeSettings {
            enabled: true,
            failure_rate: 1.0,
            slow_rate: 0.0,
            inject_on_balance: false,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(mode.roll_before(Target::BalanceRead), None);
        assert_eq!(mode.roll_before(Target::Change), Some(InjectedFailure::Unavailable));
    }

    #[test]
    fn update_changes_only_given_fields_and_rejects_bad_values() {
        let mode = seeded(1);
        let after = mode.update(RealWorldModeUpdate { enabled: Some(false), ..Default::default() }).unwrap();
        assert!(!after.enabled);
        assert_eq!(after.seed, Some(1));
        assert_eq!(after.failure_rate, 0.40);

        let bad = mode.update(RealWorldModeUpdate { lost_response_rate: Some(1.5), ..Default::default() });
        assert_eq!(bad.unwrap_err(), "lost_response_rate must be between 0 and 1, got 1.5");
        assert_eq!(mode.settings(), after);
    }

    #[test]
    fn reseeding_restarts_the_sequence() {
        let mode = seeded(3);
        let first = outcomes(&mode, 50);
        mode.update(RealWorldModeUpdate { seed: Some(3), ..Default::default() }).unwrap();
        assert_eq!(outcomes(&mode, 50), first);
    }
}
