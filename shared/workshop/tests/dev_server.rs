//! The self-starting dev server, on free ports and a temporary folder (never 7233/8233).

use std::net::TcpListener;

use workshop::dev_server::{DevServer, Status};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn starts_detached_reports_status_and_stops() -> anyhow::Result<()> {
    let state_dir = std::env::temp_dir().join(format!("workshop-dev-server-test-{}", std::process::id()));
    let server = DevServer {
        ip: "127.0.0.1".into(),
        port: free_port(),
        ui_port: Some(free_port()),
        state_dir: state_dir.clone(),
    };
    assert_eq!(server.status(), Status::Stopped);

    let started = server.ensure_running().await;
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
        DevServer { ip: "127.0.0.1".into(), port: free_port(), ui_port: Some(port), state_dir: state_dir.clone() };
    let outcome = server.ensure_running().await;
    server.stop()?;
    let _ = std::fs::remove_dir_all(&state_dir);
    let error = outcome.expect_err("a taken UI port must fail the start");
    assert!(error.to_string().contains("stopped right after starting"), "{error:#}");
    Ok(())
}
