//! The workshop in a browser IDE (GitHub Codespaces, VS Code's dev containers):
//! `.devcontainer/devcontainer.json` runs the laptop's setup, forwards the workshop's ports with
//! their names, and lets the forwarded names in. Nobody here can open a Codespace: this checks
//! what the file asks for against what the workshop has. (The README's button opens the
//! repository GitHub serves it from, with this file at its default path; nothing here can
//! follow it. The README's links into the tree are checked by doc_links.rs.)

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

fn dev_container() -> Value {
    let path = workshop::paths::workspace_root().join(".devcontainer/devcontainer.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).expect("devcontainer.json is plain JSON")
}

/// The workshop's ports a browser opens: the Temporal Web UI (the dev server's on a laptop),
/// the account API and the Money Transfer UI; and the dev server's gRPC port, named but quiet.
const BROWSER_PORTS: [u16; 3] = [8233, 5000, 5001];
const TEMPORAL_PORT: u16 = 7233;

#[test]
fn the_dev_container_runs_the_laptops_setup_from_the_workspace() {
    let config = dev_container();
    let root = workshop::paths::workspace_root();
    for (hook, script) in [("postCreateCommand", "scripts/lab-setup"), ("postStartCommand", "scripts/dev-server")] {
        let command = config[hook].as_str().unwrap_or_else(|| panic!("{hook} is a command line"));
        assert!(command.starts_with(script), "{hook} runs {script}: {command}");
        let mode = std::fs::metadata(root.join(script)).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{script} is executable");
    }
    // lab-setup needs pip for the Temporal CLI; the image is Debian's, which ships it apart.
    let on_create = config["onCreateCommand"].as_str().unwrap();
    assert!(on_create.contains("python3-pip"), "{on_create}");
    let extensions = &config["customizations"]["vscode"]["extensions"];
    assert!(extensions.as_array().unwrap().iter().any(|id| id == "rust-lang.rust-analyzer"), "{extensions}");
}

#[test]
fn the_dev_container_forwards_and_names_the_workshops_ports() {
    let config = dev_container();
    let forwarded: BTreeSet<u64> =
        config["forwardPorts"].as_array().unwrap().iter().map(|p| p.as_u64().unwrap()).collect();
    let expected: BTreeSet<u64> = BROWSER_PORTS.iter().map(|&p| u64::from(p)).collect();
    assert_eq!(forwarded, expected, "the ports a learner opens in the browser");
    let attributes = config["portsAttributes"].as_object().unwrap();
    for port in BROWSER_PORTS.into_iter().chain([TEMPORAL_PORT]) {
        let label = attributes[&port.to_string()]["label"].as_str().unwrap_or_default();
        assert!(!label.is_empty(), "port {port} has a label");
    }
    assert!(attributes["8233"]["label"].as_str().unwrap().contains("Temporal Web UI"));
    assert!(attributes["5001"]["label"].as_str().unwrap().contains("Money Transfer UI"));
    assert!(attributes["5000"]["label"].as_str().unwrap().contains("Account API"));
    let unknown: Vec<_> =
        attributes.keys().filter(|port| !["8233", "5000", "5001", "7233"].contains(&port.as_str())).collect();
    assert!(unknown.is_empty(), "only the workshop's ports: {unknown:?}");
    // Codespaces serves a forwarded port as https://<name>-<port>.app.github.dev and passes that
    // Host on: the account API and the UI must allow it.
    let allowed = config["containerEnv"]["ALLOWED_HOSTS"].as_str().unwrap_or_default();
    assert!(allowed.split(',').any(|host| host == ".app.github.dev"), "{allowed}");
}
