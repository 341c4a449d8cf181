//! Real World Mode kept in the bank's database, for modules 3 and 4: their page switches it,
//! and a learner who restarts the bank (step 4 of module 3 runs it again without its worker)
//! expects the switch where they left it, as the balances are.
//!
//! What is kept is every change made at run time (`POST /admin/real-world-mode`, the page's
//! switch), merged into one [`RealWorldModeUpdate`]; a bank that starts on the same database
//! applies it on top of its flags' settings. `--real-world-mode` switches the mode on, and
//! that is kept too. Module 2 keeps nothing: its switch is a constant in its source.

use tracing::warn;

use crate::db::{Bank, BankError};
use crate::real_world_mode::{RealWorldModeSettings, RealWorldModeUpdate};

/// The setting's name in the bank's `settings` table.
pub const SETTING: &str = "real_world_mode";

/// The changes kept in `bank`, if any. An unreadable value is left out, with a warning: the
/// bank then starts with its flags' settings.
pub fn load(bank: &Bank) -> Option<RealWorldModeUpdate> {
    let text = match bank.setting(SETTING) {
        Ok(text) => text?,
        Err(error) => {
            warn!("could not read the kept Real World Mode settings: {error}");
            return None;
        }
    };
    serde_json::from_str(&text)
        .inspect_err(|error| warn!("ignoring the kept Real World Mode settings {text:?}: {error}"))
        .ok()
}

/// Adds `update` to the changes kept in `bank`.
pub fn keep(bank: &Bank, update: &RealWorldModeUpdate) -> Result<(), BankError> {
    let kept = load(bank).unwrap_or_default().then(update);
    let text = serde_json::to_string(&kept).expect("settings serialise");
    bank.set_setting(SETTING, &text)
}

/// The settings a bank starts with: its flags', then the changes kept in its database; the
/// flags' `enabled` switches the mode on whatever was kept. Kept changes that the flags make
/// invalid are left out, with a warning.
pub fn starting_settings(flags: &RealWorldModeSettings, kept: Option<&RealWorldModeUpdate>) -> RealWorldModeSettings {
    let Some(kept) = kept else { return flags.clone() };
    let mut settings = flags.updated(kept);
    settings.enabled |= flags.enabled;
    if let Err(problem) = crate::RealWorldMode::new(settings.clone()) {
        warn!("ignoring the kept Real World Mode settings: {problem}");
        return flags.clone();
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cents;

    fn bank() -> Bank {
        Bank::in_memory(&[("account_A", Cents::dollars(1000))]).unwrap()
    }

    fn switch(on: bool) -> RealWorldModeUpdate {
        RealWorldModeUpdate { enabled: Some(on), ..Default::default() }
    }

    #[test]
    fn nothing_kept_starts_with_the_flags() {
        let bank = bank();
        assert_eq!(load(&bank), None);
        let flags = RealWorldModeSettings { slow_secs: 2, ..Default::default() };
        assert_eq!(starting_settings(&flags, load(&bank).as_ref()), flags);
    }

    #[test]
    fn changes_add_up_and_the_latest_wins() {
        let bank = bank();
        keep(&bank, &RealWorldModeUpdate { failure_rate: Some(1.0), slow_rate: Some(0.0), ..switch(true) }).unwrap();
        keep(&bank, &switch(false)).unwrap();
        keep(&bank, &switch(true)).unwrap();
        let kept = load(&bank).unwrap();
        assert_eq!(kept, RealWorldModeUpdate { failure_rate: Some(1.0), slow_rate: Some(0.0), ..switch(true) });
        let started = starting_settings(&RealWorldModeSettings::default(), Some(&kept));
        assert!(started.enabled);
        assert_eq!((started.failure_rate, started.slow_rate, started.slow_secs), (1.0, 0.0, 30));
    }

    #[test]
    fn the_flag_switches_the_mode_on_whatever_was_kept() {
        let flags = RealWorldModeSettings { enabled: true, ..Default::default() };
        assert!(starting_settings(&flags, Some(&switch(false))).enabled);
    }

    #[test]
    fn a_reset_keeps_the_switch() {
        let bank = bank();
        keep(&bank, &switch(true)).unwrap();
        bank.reset().unwrap();
        assert_eq!(load(&bank), Some(switch(true)));
    }

    #[test]
    fn kept_changes_the_flags_make_invalid_are_left_out() {
        let kept = RealWorldModeUpdate { slow_rate: Some(0.8), ..switch(true) };
        let flags = RealWorldModeSettings { failure_rate: 0.4, ..Default::default() };
        assert_eq!(starting_settings(&flags, Some(&kept)), flags);
        let unreadable = bank();
        unreadable.set_setting(SETTING, "not json").unwrap();
        assert_eq!(load(&unreadable), None);
    }
}
