//! Module 2's page: the naive script, Real World Mode (the script stops between its two calls),
//! hand-made retries, and lost answers they pay twice; the balances reset, the Temporal version
//! (lost answers paid once, then a Ctrl-C), a business error, the refund of a transfer to a
//! closed account, seen in the ledger.
//!
//! The page's failures are random; here the test sets the bank's dice through its admin
//! API (`/admin/real-world-mode`) so that each step meets the failure the page describes,
//! and lets the next attempt through at once: nothing waits on luck.

use bank::real_world_mode::Target;
use bank::{RealWorldMode, RealWorldModeSettings};
use serde_json::{Value, json};
use testkit::pages::{PAGE_ACCOUNT_API_PORT, Walk};
use testkit::{Program, TempDir, TestServer, free_port};

/// The bank's dice, as a learner's bank would be switched at run time.
struct Dice {
    url: String,
    http: reqwest::Client,
}

impl Dice {
    async fn set(&self, settings: Value) -> anyhow::Result<()> {
        let answer = self.http.post(format!("{}/admin/real-world-mode", self.url)).json(&settings).send().await?;
        anyhow::ensure!(answer.status().is_success(), "setting the dice to {settings}: {}", answer.text().await?);
        Ok(())
    }

    /// Every request fails at once with 500.
    async fn fail_all(&self) -> anyhow::Result<()> {
        self.set(json!({"failure_rate": 1.0, "slow_rate": 0.0})).await
    }

    /// Every request goes through (lost answers too are switched off).
    async fn pass_all(&self) -> anyhow::Result<()> {
        self.set(json!({"failure_rate": 0.0, "slow_rate": 0.0, "lost_response_rate": 0.0})).await
    }

    /// The withdrawal goes through and the deposit fails: the naive script stops between its
    /// two calls. Balance reads roll no dice; the seed's first two rolls are found here, by the
    /// bank's own dice, so a new version of `rand` finds another seed.
    async fn fail_the_deposit(&self) -> anyhow::Result<()> {
        let settings = |seed| RealWorldModeSettings {
            enabled: true,
            failure_rate: 0.5,
            slow_rate: 0.0,
            inject_on_balance: false,
            seed: Some(seed),
            ..RealWorldModeSettings::default()
        };
        let seed = (0..1000u64)
            .find(|&seed| {
                let dice = RealWorldMode::new(settings(seed)).expect("valid settings");
                dice.roll_before(Target::Change).is_none() && dice.roll_before(Target::Change).is_some()
            })
            .expect("a seed among 1000");
        self.set(json!({"seed": seed, "failure_rate": 0.5, "slow_rate": 0.0, "inject_on_balance": false})).await
    }
}

#[tokio::test]
async fn module02_page() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let port = free_port()?.to_string();
    let url = format!("http://127.0.0.1:{port}");
    let dir = TempDir::new("module02-page")?;
    let db = dir.path().join("bank.db");
    let db_arg = db.display().to_string();
    let bank_args = ["--port", port.as_str(), "--db", db_arg.as_str()];

    let mut env = server.program_env();
    env.push(("ACCOUNT_API_URL".into(), url.clone()));
    let mut walk = Walk::new("02-unreliable-api", env.clone());
    walk.rewrite_port(PAGE_ACCOUNT_API_PORT, port.parse()?);
    walk.rewrite("(database bank.db)", &format!("(database {})", db.display()));
    let dice = Dice { url: url.clone(), http: reqwest::Client::builder().no_proxy().build()? };

    // Step 1 and 2: the bank, and the naive script while nothing fails.
    let mut bank = walk.spawn("cargo run -p module02 -- account-api", &bank_args)?;
    bank.wait_for("account API listening").await?;
    walk.run("cargo run -p module02 -- move-money", &[]).await?;

    // Step 3: Real World Mode (the flag stands in for the edit of the switch); the script stops
    // between its two calls, as the learner runs it until it does.
    let bank =
        restart(&mut walk, bank, "cargo run -p module02 -- account-api", &bank_args, &["--real-world-mode"]).await?;
    dice.fail_the_deposit().await?;
    let naive = walk.run("cargo run -p module02 -- move-money", &[]).await?;
    assert!(naive.contains("FAILED: account API answered 500"), "{naive}");
    dice.set(json!({"inject_on_balance": true})).await?;

    // Step 4: the hand-made retries get through a failure...
    dice.fail_all().await?;
    let mut retries = walk.spawn("cargo run -p module02 -- move-money-retries", &[])?;
    retries.wait_for("attempt 1 failed").await?;
    dice.pass_all().await?;
    retries.wait_exit().await?;
    walk.record(&retries);

    // ... but a lost answer makes them pay twice.
    let lost_answers = "cargo run -p module02 -- account-api --lost-response-rate 0.5";
    let mut bank = restart(&mut walk, bank, lost_answers, &bank_args, &["--real-world-mode"]).await?;
    dice.set(json!({"lost_response_rate": 1.0, "failure_rate": 0.0, "slow_rate": 0.0})).await?;
    let mut twice = walk.spawn("cargo run -p module02 -- move-money-retries", &[])?;
    twice.wait_for("withdraw: attempt 1 failed").await?;
    dice.pass_all().await?;
    twice.wait_exit().await?;
    walk.record(&twice);

    // Step 5: the balances put back, then the workflow: a failed attempt, then every answer
    // lost, and the key makes each retry harmless: account_A pays $100.00 once.
    walk.run("cargo run -p module02 -- reset-db", &["--db", &db_arg]).await?;
    dice.fail_all().await?;
    let mut transfer = walk.spawn("cargo run -p module02", &[])?;
    transfer.wait_for(workshop::said::WILL_RETRY).await?;
    dice.set(json!({"lost_response_rate": 1.0, "failure_rate": 0.0, "slow_rate": 0.0})).await?;
    assert!(transfer.wait_exit().await?.success(), "{}", transfer.transcript());
    assert!(transfer.transcript().contains("Lost response"), "an answer was lost:\n{}", transfer.transcript());
    walk.record(&transfer);

    // Ctrl-C while a step retries; the next run re-attaches and finishes the transfer.
    dice.fail_all().await?;
    let mut stopped = walk.spawn("cargo run -p module02", &[])?;
    stopped.wait_for(workshop::said::WILL_RETRY).await?;
    stopped.interrupt()?;
    stopped.wait_for("Stopped.").await?;
    stopped.wait_exit().await?;
    walk.record(&stopped);
    dice.pass_all().await?;
    let resumed = walk.run("cargo run -p module02", &[]).await?;
    assert!(resumed.contains("Transfer of $100.00 completed."), "{resumed}");

    // A business error: refused at once, not retried.
    walk.run("cargo run -p module02 -- --amount 5000", &[]).await?;

    // Step 6: the deposit into the closed account is refused for good; the workflow refunds.
    let refunded = walk.run("cargo run -p module02 -- --to account_closed", &[]).await?;
    assert!(refunded.contains("was refunded"), "{refunded}");
    let ledger = walk
        .run(
            &format!("curl -s 'localhost:{PAGE_ACCOUNT_API_PORT}/ledger?account=account_A' | python3 -m json.tool"),
            &[],
        )
        .await?;

    let balances: Value = dice.http.get(format!("{url}/accounts")).send().await?.json().await?;
    assert_eq!(
        balances,
        json!([
            {"account_number": "account_A", "balance": 800},
            {"account_number": "account_B", "balance": 700},
            {"account_number": "account_closed", "balance": 0}
        ]),
        "after the reset, A paid for two transfers, once each; the refund came back:\n{ledger}"
    );

    bank.interrupt()?;
    bank.wait_exit().await?;
    walk.record(&bank);
    walk.finish();
    Ok(())
}

/// Ctrl-C on the running bank, then the page's `command` to start it again.
async fn restart(
    walk: &mut Walk,
    mut bank: Program,
    command: &str,
    bank_args: &[&str],
    extra: &[&str],
) -> anyhow::Result<Program> {
    bank.interrupt()?;
    bank.wait_exit().await?;
    walk.record(&bank);
    let args: Vec<&str> = bank_args.iter().chain(extra).copied().collect();
    let mut bank = walk.spawn(command, &args)?;
    bank.wait_for("account API listening").await?;
    Ok(bank)
}
