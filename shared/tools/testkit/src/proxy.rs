//! The fault proxy: a TCP forwarder between two programs (in the chaos run: the worker and the
//! Temporal server, the worker and the account API, the UI and the Temporal server) that a
//! test can break on purpose. Each link is in one of three states:
//!
//! - **open**: bytes flow both ways;
//! - **cut**: every connection is reset and new ones are refused (reset at once), as when a
//!   router between the two says "no route": both ends learn it at once;
//! - **blackholed**: nothing is forwarded and nobody is told, the silent partition. Bytes
//!   sent into a connection open at that moment are dropped, and that connection stays
//!   silent for good, even after the heal, as when a firewall or NAT between the two lost
//!   its state: only a client that notices (a keepalive ping, a request timeout) and opens
//!   a new connection gets through again. New connections wait unanswered in the listen
//!   queue while the hole lasts, and are served once it heals.
//!
//! Healing opens the link again. Dropping a [`FaultProxy`] closes everything it carries.

use std::time::Duration;

use tokio::io::{AsyncReadExt, copy_bidirectional};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a link does with the bytes it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Open,
    Cut,
    Blackholed,
}

/// One proxied link: programs connect to [`FaultProxy::port`] instead of the real port.
pub struct FaultProxy {
    port: u16,
    state: watch::Sender<LinkState>,
    accepting: JoinHandle<()>,
}

impl FaultProxy {
    /// A link on a free loopback port, forwarding to `upstream` on loopback.
    pub async fn start(upstream: u16) -> anyhow::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (state, watching) = watch::channel(LinkState::Open);
        let accepting = tokio::spawn(accept(listener, upstream, watching));
        Ok(FaultProxy { port, state, accepting })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn set(&self, state: LinkState) {
        self.state.send_replace(state);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        // The connections see the sender go and close.
        self.accepting.abort();
    }
}

async fn accept(listener: TcpListener, upstream: u16, mut state: watch::Receiver<LinkState>) {
    loop {
        // While blackholed, new connections wait in the kernel's queue, unanswered.
        if state.wait_for(|s| *s != LinkState::Blackholed).await.is_err() {
            return;
        }
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            changed = state.changed() => match changed {
                Ok(()) => continue,
                Err(_) => return,
            },
        };
        let Ok((client, _)) = accepted else {
            // Out of file descriptors, say: try again in a moment.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        if *state.borrow() == LinkState::Cut {
            reset(client);
            continue;
        }
        tokio::spawn(carry(client, upstream, state.clone()));
    }
}

/// One connection: forwarded while the link is open; reset when it is cut; silent for good
/// once it has been blackholed.
async fn carry(mut client: TcpStream, upstream: u16, mut state: watch::Receiver<LinkState>) {
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream)).await else {
        // Nobody listens there (a program restarting): the client is refused, as it would be.
        reset(client);
        return;
    };
    let _ = (client.set_nodelay(true), server.set_nodelay(true));
    let broken = tokio::select! {
        // A change of state wins over bytes waiting to be carried.
        biased;
        broken = state.wait_for(|s| *s != LinkState::Open) => match broken {
            Ok(s) => *s,
            Err(_) => return,
        },
        _ = copy_bidirectional(&mut client, &mut server) => return,
    };
    if broken == LinkState::Blackholed {
        swallow(&mut client, &mut server, &mut state).await;
    }
    reset(client);
    reset(server);
}

/// A blackholed connection: whatever arrives is dropped, and neither end hears anything (not
/// even the other end hanging up), until the client gives up, the link is cut or the run ends.
async fn swallow(client: &mut TcpStream, server: &mut TcpStream, state: &mut watch::Receiver<LinkState>) {
    let (mut from_client, mut from_server) = ([0u8; 8192], [0u8; 8192]);
    let mut server_open = true;
    loop {
        tokio::select! {
            _ = state.wait_for(|s| *s == LinkState::Cut) => return,
            read = client.read(&mut from_client) => if matches!(read, Ok(0) | Err(_)) {
                return;
            },
            read = server.read(&mut from_server), if server_open => if matches!(read, Ok(0) | Err(_)) {
                server_open = false;
            },
        }
    }
}

/// Closes with a reset (RST), not a goodbye (FIN): the other end learns at once that the
/// connection is gone.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    /// An echo server on a free port.
    async fn echo() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (mut read, mut write) = stream.split();
                    let _ = tokio::io::copy(&mut read, &mut write).await;
                });
            }
        });
        port
    }

    async fn round_trip(stream: &mut TcpStream, text: &[u8]) -> std::io::Result<Vec<u8>> {
        stream.write_all(text).await?;
        let mut answer = vec![0; text.len()];
        stream.read_exact(&mut answer).await?;
        Ok(answer)
    }

    async fn within<T>(future: impl Future<Output = T>) -> Option<T> {
        tokio::time::timeout(Duration::from_millis(300), future).await.ok()
    }

    /// Sets the state and lets the link's tasks see it.
    async fn set(link: &FaultProxy, state: LinkState) {
        link.set(state);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    #[tokio::test]
    async fn open_carries_cut_resets_and_refuses_heal_carries_again() {
        let link = FaultProxy::start(echo().await).await.unwrap();
        let mut before = TcpStream::connect(("127.0.0.1", link.port())).await.unwrap();
        assert_eq!(round_trip(&mut before, b"ping").await.unwrap(), b"ping");

        set(&link, LinkState::Cut).await;
        assert!(within(round_trip(&mut before, b"ping")).await.unwrap().is_err(), "the open connection is reset");
        let mut during = TcpStream::connect(("127.0.0.1", link.port())).await.unwrap();
        assert!(within(round_trip(&mut during, b"ping")).await.unwrap().is_err(), "a new one is refused");

        set(&link, LinkState::Open).await;
        let mut after = TcpStream::connect(("127.0.0.1", link.port())).await.unwrap();
        assert_eq!(round_trip(&mut after, b"pong").await.unwrap(), b"pong");
    }

    #[tokio::test]
    async fn a_blackholed_connection_stays_silent_and_new_ones_wait_for_the_heal() {
        let link = FaultProxy::start(echo().await).await.unwrap();
        let mut caught = TcpStream::connect(("127.0.0.1", link.port())).await.unwrap();
        assert_eq!(round_trip(&mut caught, b"ping").await.unwrap(), b"ping");

        set(&link, LinkState::Blackholed).await;
        assert!(within(round_trip(&mut caught, b"ping")).await.is_none(), "no answer, no error");
        let mut waiting = TcpStream::connect(("127.0.0.1", link.port())).await.unwrap();
        let asked = tokio::spawn(async move { round_trip(&mut waiting, b"late").await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!asked.is_finished(), "a new connection waits while the hole lasts");

        set(&link, LinkState::Open).await;
        assert_eq!(within(asked).await.unwrap().unwrap().unwrap(), b"late", "served after the heal");
        assert!(within(round_trip(&mut caught, b"ping")).await.is_none(), "the caught one stays silent");
        let mut fresh = TcpStream::connect(("127.0.0.1", link.port())).await.unwrap();
        assert_eq!(round_trip(&mut fresh, b"pong").await.unwrap(), b"pong");
    }
}
