//! A full disk under the bank. `POST /admin/disk-full {"full": true}` fills it on purpose (the
//! database may not grow, see [`Bank::set_disk_full`](crate::Bank::set_disk_full)); a real full
//! disk gives SQLite the same error. Either way each change that needs room is refused whole
//! with a 507 that says why, reads still work, and the log says so once per episode, not once
//! per request: a full disk refuses hundreds of requests a minute.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use tracing::{info, warn};
use web::{ApiError, JsonBody};

use super::AppState;
use crate::said::DISK_FULL;
use crate::wire::{DiskFull, DiskFullUpdate};

/// What the account API knows about the full-disk episode it is in, if any.
#[derive(Clone, Default)]
pub(super) struct DiskAlarm {
    state: Arc<Mutex<Episode>>,
}

#[derive(Default)]
struct Episode {
    /// Changes refused for want of room since the disk last filled.
    refused: u64,
    /// A refusal has been logged and no change has gone through since.
    said: bool,
}

impl DiskAlarm {
    /// A change (`what`) was refused for want of room. Logs the first refusal of an episode.
    pub fn refused(&self, what: &str) {
        let mut episode = self.lock();
        episode.refused += 1;
        if !std::mem::replace(&mut episode.said, true) {
            warn!(
                "{DISK_FULL}: {what} was refused with 507, and so is every change that needs \
                 room until disk space is freed (balances and the ledger can still be read). Said once, not per \
                 request."
            );
        }
    }

    /// A change went through: if changes were being refused, the room is back.
    pub fn changed(&self) {
        let mut episode = self.lock();
        if std::mem::take(&mut episode.said) {
            info!("The bank's database has room again: changes go through ({} were refused)", episode.refused);
        }
    }

    /// The disk was filled or freed on purpose: a new count, a new episode.
    fn restart(&self) {
        *self.lock() = Episode::default();
    }

    fn refused_so_far(&self) -> u64 {
        self.lock().refused
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Episode> {
        // Two plain fields, consistent between statements: a poisoned lock is safe to reuse.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `GET /admin/disk-full`.
pub(super) async fn show(State(app): State<AppState>) -> Result<Json<DiskFull>, ApiError> {
    let full = app.with_bank(|bank| bank.is_disk_full()).await?;
    Ok(Json(DiskFull { full, refused_changes: app.disk.refused_so_far() }))
}

/// `POST /admin/disk-full`.
pub(super) async fn set(
    State(app): State<AppState>,
    JsonBody(DiskFullUpdate { full }): JsonBody<DiskFullUpdate>,
) -> Result<Json<DiskFull>, ApiError> {
    app.with_bank(move |bank| bank.set_disk_full(full)).await?;
    app.disk.restart();
    if full {
        info!("Disk full, on purpose: the bank's database may not grow; changes that need room get a 507");
    } else {
        info!("Disk space given back: the bank's database may grow again");
    }
    Ok(Json(DiskFull { full, refused_changes: 0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_episode_counts_every_refusal_and_ends_with_the_next_change() {
        let alarm = DiskAlarm::default();
        for _ in 0..3 {
            alarm.refused("withdraw");
        }
        assert!(alarm.lock().said);
        assert_eq!(alarm.refused_so_far(), 3);
        alarm.changed();
        assert!(!alarm.lock().said, "the next refusal starts a new episode, said again");
        alarm.restart();
        assert_eq!(alarm.refused_so_far(), 0);
    }
}
