//! Free loopback ports for the tests' servers, safe to hand to a child process.
//!
//! The usual trick, binding port 0 and closing the socket, races: the kernel hands the very
//! same range out as the local port of every outgoing connection, and to the next `bind(0)` of
//! another test, so between the test choosing a port and its child binding it, someone else
//! may take it (the dev server then exits with "bind: address already in use"). So a port
//! here comes from *below* the kernel's ephemeral range, which the kernel never hands out by
//! itself, and is reserved among all the test processes of this machine for as long as the
//! process that chose it runs: it holds an abstract Unix socket named after the port (Linux),
//! which the kernel drops when the process ends, however it ends.
//!
//! Where the child can choose (a workshop program given port 0), the tests read the port back
//! from it instead; the Temporal dev server and chromedriver are started again on a new port
//! when they exit at start on a taken one.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::TcpListener;

/// Ports the workshop itself uses; a test never takes one of them.
pub const WORKSHOP_PORTS: [u16; 5] = [5000, 5001, 7233, 8233, 8080];
/// The lowest port handed out (below are the ports services usually take).
const LOWEST: u16 = 10_000;

/// A loopback port nobody listens on, that no other test process will be handed while this
/// one runs, and that the kernel does not hand out for outgoing connections.
pub fn free_port() -> anyhow::Result<u16> {
    let candidates = candidates();
    if candidates.is_empty() {
        // No room outside the ephemeral range (an unusual kernel setting): the old way.
        return Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port());
    }
    let start = RandomState::new().build_hasher().finish() as usize;
    for offset in 0..candidates.len() {
        let port = candidates[(start + offset) % candidates.len()];
        if reserve(port) && TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    anyhow::bail!("found no free loopback port between {LOWEST} and 65535")
}

/// Ports outside the kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`;
/// Linux's default 32768–60999 elsewhere), none of the workshop's.
fn candidates() -> Vec<u16> {
    let (low, high) = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|text| {
            let mut bounds = text.split_whitespace().map(|n| n.parse::<u16>().ok());
            Some((bounds.next()??, bounds.next()??))
        })
        .unwrap_or((32_768, 60_999));
    (LOWEST..=u16::MAX).filter(|port| !(low..=high).contains(port) && !WORKSHOP_PORTS.contains(port)).collect()
}

/// Reserves `port` for this process; false when another test process holds it.
#[cfg(target_os = "linux")]
fn reserve(port: u16) -> bool {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener};
    use std::sync::Mutex;
    /// The reservations of this process, held until it ends.
    static HELD: Mutex<Vec<UnixListener>> = Mutex::new(Vec::new());
    let Ok(name) = SocketAddr::from_abstract_name(format!("workshop-testkit-port-{port}")) else {
        return true;
    };
    match UnixListener::bind_addr(&name) {
        Ok(held) => {
            HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(held);
            true
        }
        Err(_) => false,
    }
}

/// Elsewhere only the range protects the port.
#[cfg(not(target_os = "linux"))]
fn reserve(_port: u16) -> bool {
    true
}

/// Whether `output` (a child's) says it could not listen because a port was taken.
pub fn port_taken(output: &str) -> bool {
    // Go's and Rust's "address already in use", chromedriver's "Address already in use", the
    // workshop programs' "port N is already in use".
    output.contains("already in use")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_outside_the_ephemeral_range_and_never_handed_out_twice() {
        let ports: Vec<u16> = (0..50).map(|_| free_port().unwrap()).collect();
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ports.len(), "a port was handed out twice: {ports:?}");
        let allowed = candidates();
        assert!(ports.iter().all(|port| allowed.contains(port)), "{ports:?}");
        assert!(ports.iter().all(|port| !WORKSHOP_PORTS.contains(port) && *port >= LOWEST), "{ports:?}");
    }

    #[test]
    fn a_reserved_port_is_refused_to_everyone_else() {
        let port = free_port().unwrap();
        // Held by this process: a second reservation (as another process would try) fails.
        assert!(!reserve(port) || !cfg!(target_os = "linux"), "port {port} was reserved twice");
    }
}
