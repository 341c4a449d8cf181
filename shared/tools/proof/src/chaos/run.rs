//! The run, in three acts: the storm (the transfers asked for through the UI while the kills,
//! the restart and the outages happen at their times, then the late transfers), the calm (the
//! bank stops failing on purpose, every transfer closes) and the reckoning (what came out).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use bank::{AccountClient, Cents};

use super::narrator::Narrator;
use super::plan::{outage_lanes, schedule};
use super::scene::Scene;
use super::transfers::{temporal_statuses, ui_listing, wait_all_closed};
use super::{ChaosConfig, ChaosOutcome, OutageRecord, recovery};

/// Runs the whole scenario on its own Temporal server, with module 3's account API, UI and
/// worker as processes of their own, each talking to the others through a fault proxy.
pub async fn run(config: &ChaosConfig) -> anyhow::Result<ChaosOutcome> {
    let mut scene = Scene::start(config, Narrator::new(config.seed, config.verbose)).await?;
    let outages = match storm(&mut scene).await {
        Ok(outages) => outages,
        Err(error) => return Err(error.context(scene.last_words())),
    };
    let storm_ended = scene.narrator.elapsed();
    scene.calm_bank().await?;
    // The probes join the plan, counted apart (their wave says so).
    for (planned, id) in scene.outages.probes.started() {
        scene.ids.insert(id, scene.plan.len());
        scene.plan.push(planned);
    }
    scene.say(&format!(
        "the storm is over: the bank stops failing on purpose; waiting for the last of {} transfers to close",
        scene.ids.len()
    ));
    wait_all_closed(&scene.client, scene.plan.len()).await.map_err(|error| error.context(scene.last_words()))?;
    scene.say("every transfer is closed");
    reckoning(scene, outages, storm_ended).await
}

/// The early transfers over the fault window, beside the kills, the restart and both lanes of
/// outages; then the late transfers, if the restart did not start them. The outages, healed.
async fn storm(scene: &mut Scene) -> anyhow::Result<Vec<OutageRecord>> {
    let config = scene.config.clone();
    let faults = schedule(&config);
    let [worker_lane, ui_lane] = outage_lanes(&config);
    scene.say(&format!(
        "faults at {:?}; outages, the worker's paths {:?}, the UI's {:?}",
        faults.iter().map(|(at, f)| (at.as_secs_f64(), *f)).collect::<Vec<_>>(),
        worker_lane.iter().map(|o| o.outage).collect::<Vec<_>>(),
        ui_lane.iter().map(|o| o.outage).collect::<Vec<_>>(),
    ));
    // The early transfers are asked for over the whole window, so the kills and the outages
    // land while requests are in flight.
    let (driver, plan, outages) = (scene.driver.clone(), scene.plan.clone(), scene.outages.clone());
    let spread = Duration::from_secs_f64(config.fault_window_secs);
    let from = Instant::now();
    let (early, (), mut records, ui_records) = tokio::try_join!(
        driver.ask_early(&plan, spread),
        scene.inject_all(&faults, from),
        outages.run_lane(worker_lane),
        outages.run_lane(ui_lane),
    )?;
    scene.ids.extend(early.into_iter().map(|(i, id)| (id, i)));
    records.extend(ui_records);
    records.sort_by_key(|record| record.began);
    if !scene.late_started && config.late_transfers > 0 {
        scene.start_late().await?;
    }
    anyhow::ensure!(
        scene.ids.len() == scene.plan.len(),
        "{} of {} transfers started",
        scene.ids.len(),
        scene.plan.len()
    );
    Ok(records)
}

/// What came out: the books, the statuses as Temporal and the UI list them, the recovery
/// times from the histories, the faults, what the programs said.
async fn reckoning(
    mut scene: Scene,
    mut outages: Vec<OutageRecord>,
    storm_ended: Duration,
) -> anyhow::Result<ChaosOutcome> {
    let (statuses, listed_twice) = temporal_statuses(&scene.client).await?;
    let ui_statuses = ui_listing(&scene.driver.http, &scene.ui_url).await?;
    let ids: Vec<String> = scene.ids.keys().cloned().collect();
    let most_attempts = recovery::measure(&scene.client, &ids, &mut outages).await?;
    for record in &outages {
        let recovered =
            record.recovery.map_or("no work since".into(), |r| format!("work again {:.1} s later", r.as_secs_f64()));
        scene.say(&format!(
            "{} at {:.1} s for {:.1} s: healed, {recovered} (from the histories)",
            record.outage.name(),
            record.began.as_secs_f64(),
            record.lasted.as_secs_f64()
        ));
    }
    let mut ended_by_itself = Vec::new();
    for process in [&mut scene.worker, &mut scene.account_api, &mut scene.ui] {
        process.check_alive();
        ended_by_itself.extend(process.ended_by_itself.iter().cloned());
    }
    // The worker's output, every process of it, kept beside the server's log for a look.
    let worker_log = scene.server_log.with_file_name(format!("worker-seed-{}.log", scene.config.seed));
    std::fs::write(&worker_log, scene.worker.transcripts().join("\n"))
        .with_context(|| format!("writing {}", worker_log.display()))?;
    let said = |lines: Vec<String>, what: &str| lines.iter().filter(|l| l.contains(what)).count();
    Ok(ChaosOutcome {
        ledger: scene.bank.ledger(None).await?,
        balances: balances(&scene.bank).await?,
        plan: std::mem::take(&mut scene.plan),
        ids: std::mem::take(&mut scene.ids),
        statuses,
        listed_twice,
        ui_statuses,
        faults: scene.counts,
        ended_by_itself,
        outages,
        disk_full_refusals: said(scene.worker.transcripts(), bank::said::DISK_FULL_ANSWER),
        disk_full_said: said(scene.account_api.transcripts(), bank::said::DISK_FULL),
        retried_attempts: said(scene.worker.transcripts(), workshop::said::WILL_RETRY),
        most_attempts,
        resent_requests: scene.driver.resent(),
        // The UI says so when a key's transfer had been started by a request it never answered.
        answered_again: said(scene.ui.transcripts(), workshop::said::STARTED_BEFORE),
        storm_ended,
        elapsed: scene.narrator.elapsed(),
    })
}

async fn balances(bank: &AccountClient) -> anyhow::Result<BTreeMap<String, Cents>> {
    Ok(bank.list_accounts().await?.into_iter().map(|a| (a.id, a.balance)).collect())
}
