//! The race of issue 22, with real dev servers: the port handed to a test server is taken
//! before the server binds it. Here rather than among testkit's unit tests, which start nothing
//! (`scripts/test --fast`).

use anyhow::Context;
use testkit::ports::port_taken;
use testkit::{TestServer, free_port};

/// The server exits at start saying its port is taken, and the harness starts it again on
/// the next port.
#[tokio::test]
async fn a_server_whose_port_was_taken_starts_again_on_another() -> anyhow::Result<()> {
    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let taken_port = taken.local_addr()?.port();
    let mut handed = vec![];
    let server = TestServer::start_trying(
        || {
            let port = if handed.is_empty() { taken_port } else { free_port()? };
            handed.push(port);
            Ok(port)
        },
        None,
        None,
    )
    .await?;
    assert_eq!(handed.len(), 2, "one launch on the taken port, then one more: {handed:?}");
    assert_eq!(server.port(), handed[1]);
    tokio::net::TcpStream::connect(("127.0.0.1", server.port())).await.context("the server listens")?;
    Ok(())
}

/// Taken on every try: it gives up after `ATTEMPTS` launches and says why.
#[tokio::test]
async fn a_port_taken_on_every_try_is_reported() -> anyhow::Result<()> {
    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = taken.local_addr()?.port();
    let mut launches = 0;
    let started = TestServer::start_trying(
        || {
            launches += 1;
            Ok(port)
        },
        None,
        None,
    )
    .await;
    let error = format!("{:#}", started.err().expect("no server on a taken port"));
    assert!(port_taken(&error), "{error}");
    assert_eq!(launches, TestServer::ATTEMPTS);
    Ok(())
}
