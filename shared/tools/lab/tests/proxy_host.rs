//! In the lab, Instruqt's service tabs reach the Money Transfer UI through a proxy that passes
//! on its own host name, `<hostname>-<port>-<participant id>.env.play.instruqt.com`. Started
//! with the environment `scripts/lab-setup --lab` writes for every terminal, the UI serves
//! the tab (its page and its posts) and still refuses other names.

use serde_json::json;
use testkit::{TestServer, TransferServices};

/// The `ALLOWED_HOSTS` the lab's environment file exports: lab-setup's default in lab mode.
fn lab_allowed_hosts() -> String {
    let script = std::fs::read_to_string(workshop::paths::workspace_root().join("scripts/lab-setup")).unwrap();
    assert!(script.contains("export ALLOWED_HOSTS=$ALLOWED_HOSTS"), "the lab's environment file passes it on");
    let defaults: Vec<&str> = script
        .lines()
        .filter_map(|line| line.trim().strip_prefix("ALLOWED_HOSTS=\"${ALLOWED_HOSTS:-")?.strip_suffix("}\""))
        .filter(|value| !value.is_empty())
        .collect();
    assert_eq!(defaults.len(), 1, "one lab default for ALLOWED_HOSTS in scripts/lab-setup: {defaults:?}");
    defaults[0].to_string()
}

#[tokio::test]
async fn the_ui_serves_instruqt_service_tabs_as_lab_setup_configures_it() -> anyhow::Result<()> {
    let env = [("ALLOWED_HOSTS".to_string(), lab_allowed_hosts())];
    let server = TestServer::start().await?;
    let binary = testkit::workspace_binary("module03")?;
    let services = TransferServices::start_with_env(&binary, &server, &[], &env).await?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let ui = &services.ui_url;
    // What Instruqt's proxy calls the UI's port: `<hostname>-<port>-<participant id>.env.play…`.
    let port = ui.rsplit(':').next().unwrap_or_default();
    let tab_host = format!("workshop-host-{port}-a1b2c3d4e5f6.env.play.instruqt.com");

    let page = http.get(format!("{ui}/")).header("host", &tab_host).send().await?;
    assert_eq!(page.status(), 200, "the tab shows the page");
    assert!(page.text().await?.contains("app.js"), "the page itself");

    let reset = http
        .post(format!("{ui}/api/reset"))
        .header("host", &tab_host)
        .header("origin", format!("https://{tab_host}"))
        .json(&json!({}))
        .send()
        .await?;
    assert_eq!(reset.status(), 200, "the page's posts go through: {}", reset.text().await?);

    let elsewhere = http.get(format!("{ui}/")).header("host", "evil.example").send().await?;
    assert_eq!(elsewhere.status(), 403, "other names are still refused");
    Ok(())
}
