//! docs/room.md, the instructor's page: its commands create in a bare namespace exactly the
//! search attributes the workshop uses (`workshop::SEARCH_ATTRIBUTES`), its Temporal Cloud
//! commands name the same ones, and its count query is one the server takes.

use std::collections::BTreeSet;

use testkit::{Program, eventually, free_port};

fn page() -> String {
    std::fs::read_to_string(workshop::paths::workspace_root().join("docs/room.md")).expect("docs/room.md")
}

/// The page's command lines that start with `start`.
fn commands<'a>(page: &'a str, start: &str) -> Vec<&'a str> {
    page.lines().map(str::trim).filter(|line| line.starts_with(start)).collect()
}

fn used() -> BTreeSet<String> {
    workshop::SEARCH_ATTRIBUTES.iter().map(|name| name.to_string()).collect()
}

#[tokio::test]
async fn the_pages_commands_create_the_search_attributes_the_workshop_uses() -> anyhow::Result<()> {
    let cli = workshop::cli_tool::find_or_install()?.display().to_string();
    // A server with none of the workshop's settings: what a new namespace has.
    let port = free_port()?.to_string();
    let args = ["server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", &port, "--log-level", "error"];
    let _server = Program::spawn(&cli, &args, &[])?;
    let env = vec![("TEMPORAL_ADDRESS".to_string(), format!("127.0.0.1:{port}"))];
    eventually("the bare dev server to answer", || async {
        let mut health = Program::spawn(&cli, &["operator", "cluster", "health"], &env).ok()?;
        health.wait_exit().await.ok()?.success().then_some(())
    })
    .await?;

    let page = page();
    let creates = commands(&page, "temporal operator search-attribute create ");
    assert!(!creates.is_empty(), "docs/room.md has no `temporal operator search-attribute create`");
    for command in &creates {
        run(command, &env).await?;
    }
    let mut list = Program::spawn(&cli, &["operator", "search-attribute", "list"], &env)?;
    assert!(list.wait_exit().await?.success(), "{}", list.transcript());
    let created: BTreeSet<String> = list
        .lines()
        .iter()
        .filter_map(|line| match line.split_whitespace().collect::<Vec<_>>()[..] {
            [name, "Keyword"] if !name.starts_with(char::is_uppercase) => Some(name.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(created, used(), "the Keyword attributes docs/room.md's commands create");

    // The page's progress query, on the namespace it prepared.
    for command in commands(&page, "temporal workflow count ") {
        run(command, &env).await?;
    }
    Ok(())
}

#[test]
fn the_pages_temporal_cloud_commands_add_the_same_search_attributes() {
    let page = page();
    let adds = commands(&page, "tcld namespace search-attributes add ");
    let named: BTreeSet<String> = adds
        .iter()
        .flat_map(|command| command.split("--search-attribute ").skip(1))
        .map(|value| {
            let value = value.split_whitespace().next().unwrap_or_default().trim_matches('"');
            let (name, kind) = value.split_once('=').expect("NAME=TYPE");
            assert_eq!(kind, "Keyword", "{value}");
            name.to_string()
        })
        .collect();
    assert_eq!(named, used(), "the attributes docs/room.md's tcld commands add");
}

/// Runs a command line of the page through bash, with the workshop's `temporal` on the PATH.
async fn run(command: &str, env: &[(String, String)]) -> anyhow::Result<()> {
    let cli = workshop::cli_tool::find_or_install()?;
    let path = format!("{}:{}", cli.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let env = [env.to_vec(), vec![("PATH".to_string(), path)]].concat();
    let mut program = Program::spawn("bash", &["-c", command], &env)?;
    assert!(program.wait_exit().await?.success(), "`{command}` failed:\n{}", program.transcript());
    Ok(())
}
