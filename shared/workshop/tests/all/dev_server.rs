//! The self-starting dev server, on free ports and a temporary folder (never 7233/8233).

use std::net::TcpListener;
use std::path::Path;

use testkit::free_port;
use testkit::ports::port_taken;
use workshop::dev_server::{DevServer, Status};

/// A server on free ports, started; again on other ports when one the server binds (its own,
/// or one it picks inside) was taken before it bound it.
async fn start_on_free_ports(state_dir: &Path) -> (DevServer, anyhow::Result<bool>) {
    let mut attempt = 1;
    loop {
        let server = DevServer {
            ip: "127.0.0.1".into(),
            port: free_port().unwrap(),
            ui_port: Some(free_port().unwrap()),
            state_dir: state_dir.to_path_buf(),
        };
        assert_eq!(server.status(), Status::Stopped);
        match server.ensure_running().await {
            Err(error) if attempt < 5 && port_taken(&format!("{error:#}")) => attempt += 1,
            started => return (server, started),
        }
    }
}

#[tokio::test]
async fn starts_detached_reports_status_and_stops() -> anyhow::Result<()> {
    let state_dir = std::env::temp_dir().join(format!("workshop-dev-server-test-{}", std::process::id()));
    let (server, started) = start_on_free_ports(&state_dir).await;
    let status_while_running = server.status();
    let second_call = server.ensure_running().await;
    let message = server.started_message();
    let stopped = server.stop();
    let status_after = server.status();
    let _ = std::fs::remove_dir_all(&state_dir);

    assert!(started?, "the first call starts it");
    assert!(matches!(status_while_running, Status::Running(_)), "{status_while_running:?}");
    assert!(!second_call?, "the second call finds it running and starts nothing");
    assert!(message.contains("Web UI:") && message.contains("scripts/dev-server stop"), "{message}");
    assert!(stopped?, "stop finds the server it started");
    assert_eq!(status_after, Status::Stopped);
    Ok(())
}

#[tokio::test]
async fn a_server_that_cannot_start_is_reported_with_its_log() -> anyhow::Result<()> {
    // Occupy the port so the dev server exits at once.
    let taken = TcpListener::bind("127.0.0.1:0")?;
    let port = taken.local_addr()?.port();
    let state_dir = std::env::temp_dir().join(format!("workshop-dev-server-fail-{}", std::process::id()));
    let server =
        DevServer { ip: "127.0.0.1".into(), port: free_port()?, ui_port: Some(port), state_dir: state_dir.clone() };
    let outcome = server.ensure_running().await;
    server.stop()?;
    let _ = std::fs::remove_dir_all(&state_dir);
    let error = outcome.expect_err("a taken UI port must fail the start");
    assert!(error.to_string().contains("stopped right after starting"), "{error:#}");
    Ok(())
}
