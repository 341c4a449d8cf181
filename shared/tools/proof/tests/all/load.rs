//! Hundreds of parallel requests (bounded, loopback only) against the account API and the
//! Money Transfer API: no lost update, no 5xx other than the injected ones, and every request
//! answers within the hang guard. No timing assertions.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use bank::{Cents, EntryKind, LedgerEntry, RealWorldModeSettings};
use futures::StreamExt;
use proof::http::HANG_GUARD;
use serde_json::{Value, json};
use testkit::{TestAccountApi, TestServer, TransferServices, eventually};
use transfer_ui::cli::INITIAL_BALANCES;

const PARALLEL: usize = 64;
/// The Money Transfer API's load: transfers, each among four reads of the page's calls, so many
/// at a time. Each listing asks every running transfer its state (a Query its worker answers):
/// this test runs beside the others of the suite, on two cores, within the hang guard.
const TRANSFERS: usize = 50;
const PAGE_PARALLEL: usize = 32;

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(HANG_GUARD).pool_max_idle_per_host(PARALLEL).build().unwrap()
}

/// Each account's ledger must be one unbroken chain from its initial balance.
fn assert_unbroken_chains(ledger: &[LedgerEntry], initial: &[(&str, Cents)]) -> BTreeMap<String, Cents> {
    let mut last: BTreeMap<String, Cents> = initial.iter().map(|(id, c)| (id.to_string(), *c)).collect();
    for entry in ledger {
        let previous = last[&entry.account_id];
        assert_eq!(entry.previous_balance, previous, "entry {} skips an update: {entry:?}", entry.id);
        let expected = match entry.kind {
            EntryKind::Withdraw => previous - entry.amount,
            EntryKind::Deposit => previous + entry.amount,
        };
        assert_eq!(entry.new_balance, expected, "entry {} computes wrongly: {entry:?}", entry.id);
        last.insert(entry.account_id.clone(), entry.new_balance);
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_api_under_load_and_injected_failures_loses_no_update() -> anyhow::Result<()> {
    // Half the changes fail before anything happens, a fifth of the committed ones lose
    // their answer; balance reads fail too.
    let settings = RealWorldModeSettings {
        enabled: true,
        slow_rate: 0.05,
        failure_rate: 0.3,
        slow_secs: 1,
        lost_response_rate: 0.2,
        seed: Some(42),
        inject_on_balance: true,
    };
    let api = TestAccountApi::start(INITIAL_BALANCES, settings).await?;
    let http = http();
    let injected = AtomicUsize::new(0);
    let replays = AtomicUsize::new(0);

    // 300 changes (withdraw $1 from A, deposit $1.01 into B, withdraw $0.50 from C), each
    // retried with its own reference_id until it is answered 200, plus 300 balance reads.
    let requests: Vec<(usize, &str, &str, &str)> = (0..600)
        .map(|n| match n % 4 {
            0 => (n, "POST", "/accounts/account_A/withdraw", "1"),
            1 => (n, "POST", "/accounts/account_B/deposit", "1.01"),
            2 => (n, "POST", "/accounts/account_C/withdraw", "0.5"),
            _ => (n, "GET", "/accounts/account_D", ""),
        })
        .collect();
    let outcomes: Vec<anyhow::Result<()>> = futures::stream::iter(requests)
        .map(|(n, method, path, amount)| {
            let (http, url, injected, replays) = (&http, &api.url, &injected, &replays);
            async move {
                loop {
                    let request = if method == "POST" {
                        http.post(format!("{url}{path}"))
                            .json(&json!({"amount": amount.parse::<f64>()?, "reference_id": format!("load-{n}")}))
                    } else {
                        http.get(format!("{url}{path}"))
                    };
                    // reqwest's timeout is the hang guard: an error here fails the test.
                    let answer = request.send().await?;
                    let status = answer.status().as_u16();
                    let replayed = answer.headers().contains_key(bank::api::REPLAYED_HEADER);
                    let body: Value = answer.json().await?;
                    match status {
                        200 => {
                            if replayed {
                                replays.fetch_add(1, Ordering::Relaxed);
                            }
                            return Ok(());
                        }
                        500 | 504 => {
                            let code = body["code"].as_str().unwrap_or_default();
                            anyhow::ensure!(
                                (status, code) == (500, "service_unavailable")
                                    || (status, code) == (504, "gateway_timeout"),
                                "a 5xx that Real World Mode did not inject: {status} {body}"
                            );
                            injected.fetch_add(1, Ordering::Relaxed);
                        }
                        other => anyhow::bail!("{method} {path}: unexpected {other} {body}"),
                    }
                }
            }
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for outcome in outcomes {
        outcome?;
    }

    assert!(injected.load(Ordering::Relaxed) > 50, "failures were injected");
    assert!(replays.load(Ordering::Relaxed) > 0, "lost responses were retried and answered as replays");
    let ledger = api.bank.ledger(None)?;
    assert_eq!(ledger.len(), 450, "each change applied exactly once");
    let last = assert_unbroken_chains(&ledger, INITIAL_BALANCES);
    assert_eq!(api.balance("account_A"), Cents::dollars(1000 - 150));
    assert_eq!(api.balance("account_B"), Cents::dollars(500) + Cents::new(150 * 101));
    assert_eq!(api.balance("account_C"), Cents::dollars(750) - Cents::new(150 * 50));
    for (account, balance) in last {
        assert_eq!(api.balance(&account), balance, "the ledger explains {account}'s balance");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_transfer_api_under_load_answers_everything_and_conserves_money() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let services = TransferServices::start(&proof::binaries::module03_binary()?, &server, &[]).await?;
    let (ui, bank_url) = (services.ui_url.replace("localhost", "127.0.0.1"), services.api_url.clone());
    let http = http();
    let accounts: Vec<&str> = INITIAL_BALANCES.iter().map(|(id, _)| *id).collect();

    // TRANSFERS transfers of at most $2 (no account can run dry), each among four reads of the
    // page's calls, PAGE_PARALLEL at a time.
    let calls: Vec<(usize, String, Option<Value>)> = (0..TRANSFERS * 5)
        .map(|n| match n % 5 {
            0 => {
                let (from, to) = (accounts[n % 10], accounts[(n / 5 + 3) % 10]);
                let to = if from == to { accounts[(n + 1) % 10] } else { to };
                let amount = 1.0 + (n % 100) as f64 / 100.0;
                (n, "/api/transfer".into(), Some(json!({"from_account": from, "to_account": to, "amount": amount})))
            }
            1 => (n, "/api/accounts".into(), None),
            2 => (n, format!("/api/accounts/{}/workflows", accounts[n % 10]), None),
            _ => (n, "/api/workflows".into(), None),
        })
        .collect();
    let answers: Vec<anyhow::Result<Option<(String, Value)>>> = futures::stream::iter(calls)
        .map(|(_, path, body)| {
            let (http, ui) = (&http, &ui);
            async move {
                let request = match &body {
                    Some(body) => http.post(format!("{ui}{path}")).json(body),
                    None => http.get(format!("{ui}{path}")),
                };
                let answer = request.send().await?;
                let status = answer.status().as_u16();
                let json: Value = answer.json().await?;
                anyhow::ensure!(status == 200, "{path}: {status} {json}");
                Ok(body.map(|b| (json["workflow_id"].as_str().unwrap_or_default().to_string(), b)))
            }
        })
        .buffer_unordered(PAGE_PARALLEL)
        .collect()
        .await;
    let mut started = Vec::new();
    for answer in answers {
        if let Some(transfer) = answer? {
            started.push(transfer);
        }
    }
    assert_eq!(started.len(), TRANSFERS);

    let listing = eventually("every transfer completed", || async {
        let list: Value = http.get(format!("{ui}/api/workflows")).send().await.ok()?.json().await.ok()?;
        let rows = list["workflows"].as_array()?.clone();
        (rows.len() == TRANSFERS && rows.iter().all(|w| w["status"] == "COMPLETED")).then_some(rows)
    })
    .await?;
    for (id, _) in &started {
        assert!(listing.iter().any(|w| w["workflow_id"] == id.as_str()), "{id} is listed");
    }

    let ledger: Vec<LedgerEntry> = http.get(format!("{bank_url}/ledger")).send().await?.json().await?;
    assert_eq!(ledger.len(), 2 * TRANSFERS, "one withdrawal and one deposit per transfer");
    let last = assert_unbroken_chains(&ledger, INITIAL_BALANCES);
    let mut expected: BTreeMap<String, Cents> = INITIAL_BALANCES.iter().map(|(id, c)| (id.to_string(), *c)).collect();
    for (_, body) in &started {
        let amount: Cents = serde_json::from_value(body["amount"].clone())?;
        let (from, to) = (body["from_account"].as_str().unwrap(), body["to_account"].as_str().unwrap());
        *expected.get_mut(from).unwrap() = expected[from] - amount;
        *expected.get_mut(to).unwrap() = expected[to] + amount;
    }
    assert_eq!(last, expected, "balances = initial + received − sent");
    let accounts: Value = http.get(format!("{ui}/api/accounts")).send().await?.json().await?;
    let total: Cents = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| serde_json::from_value::<Cents>(a["balance"].clone()).unwrap())
        .sum();
    assert_eq!(total, INITIAL_BALANCES.iter().map(|(_, c)| *c).sum::<Cents>(), "no cent created or lost");
    Ok(())
}
