//! A learner's bank, read over its account API: balances and ledger, to check the books.

use std::collections::BTreeMap;

use serde_json::Value;

/// One money move a learner asked for.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub id: String,
    pub from: &'static str,
    pub to: &'static str,
    pub cents: i64,
}

/// Every account's balance in cents.
pub async fn balances(api_url: &str) -> anyhow::Result<BTreeMap<String, i64>> {
    let accounts: Vec<Value> = reqwest::get(format!("{api_url}/accounts")).await?.json().await?;
    Ok(accounts
        .iter()
        .map(|account| {
            let cents = (account["balance"].as_f64().expect("a balance") * 100.0).round() as i64;
            (account["account_number"].as_str().expect("an account number").to_string(), cents)
        })
        .collect())
}

/// The books are exact: every balance is what it was plus what it received minus what it
/// sent, and the ledger holds one withdrawal and one deposit per transfer, nothing else.
pub async fn assert_exact(
    who: &str,
    api_url: &str,
    before: &BTreeMap<String, i64>,
    transfers: &[Transfer],
) -> anyhow::Result<()> {
    let mut expected = before.clone();
    for transfer in transfers {
        *expected.get_mut(transfer.from).expect("a known account") -= transfer.cents;
        *expected.get_mut(transfer.to).expect("a known account") += transfer.cents;
    }
    assert_eq!(balances(api_url).await?, expected, "{who}'s balances at {api_url}");

    let ledger: Vec<Value> = reqwest::get(format!("{api_url}/ledger")).await?.json().await?;
    assert_eq!(ledger.len(), 2 * transfers.len(), "{who}'s ledger, one entry per step: {ledger:#?}");
    for transfer in transfers {
        let steps: Vec<(&str, &str)> = ledger
            .iter()
            .filter(|entry| entry["reference_id"].as_str().is_some_and(|key| key.starts_with(&transfer.id)))
            .filter_map(|entry| Some((entry["kind"].as_str()?, entry["account_number"].as_str()?)))
            .collect();
        assert_eq!(steps, [("withdraw", transfer.from), ("deposit", transfer.to)], "{who}'s {}", transfer.id);
    }
    Ok(())
}
