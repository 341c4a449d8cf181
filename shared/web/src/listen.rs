//! Binding a server's port, with a message that says what to do when it is taken.

use std::io::ErrorKind;
use std::path::Path;

use anyhow::anyhow;
use tokio::net::TcpListener;

/// Binds `host:port` for a server (`what`: "account API", "Money Transfer UI"). A taken port
/// gets a message that says how to free it and which flag of this program moves it.
pub async fn listen(host: &str, port: u16, what: &str, port_flag: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind((host, port)).await.map_err(|error| {
        if error.kind() == ErrorKind::AddrInUse {
            anyhow!(
                "port {port} is already in use: is another {what} running? Stop it (Ctrl-C in its terminal, or: \
                 {}), or pass {port_flag} to use another port",
                free_port_command(port)
            )
        } else {
            anyhow!("could not listen on {host}:{port}: {error}")
        }
    })
}

/// `scripts/free-port PORT`, spelled to work from the current directory.
fn free_port_command(port: u16) -> String {
    // The workspace root, two levels above this crate (as `workshop::paths` finds it; this
    // crate builds without the workshop crate).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().unwrap_or(root);
    let cwd = std::env::current_dir().ok().and_then(|cwd| cwd.canonicalize().ok());
    let script = match cwd.as_deref().and_then(|cwd| cwd.strip_prefix(&root).ok()) {
        Some(below) => format!("{}scripts/free-port", "../".repeat(below.components().count())),
        None => root.join("scripts/free-port").display().to_string(),
    };
    format!("{script} {port}")
}
