//! The front door of the workshop's two local servers, the account API and the Money Transfer
//! UI. They run on a learner's laptop while the learner browses the web, so without it any
//! page could drive them:
//!
//! - A cross-site form or `fetch` may POST to `127.0.0.1` without asking first. So every
//!   state-changing request must say `Content-Type: application/json`, which a browser only
//!   sends cross-site after a CORS preflight (never granted here), and a request that carries
//!   an `Origin` must come from the server's own origin.
//! - A DNS-rebinding page reaches us under its own name. So the `Host` must be a loopback
//!   name, the address we listen on, or a host allowed with `--allowed-host` / `ALLOWED_HOSTS`.
//!
//! Programs (curl, reqwest, the workflows' activities) send no `Origin`, and pass.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use clap::Args;
use tracing::warn;

use crate::error::{ApiError, codes};

/// The flag that allows another host (`--allowed-host`, repeatable), and its environment
/// variable (comma-separated); see [`AllowedHostsArgs`].
pub const ALLOWED_HOST_FLAG: &str = "allowed-host";
/// The environment variable read when `--allowed-host` is not given: hosts separated by commas.
pub const ALLOWED_HOSTS_ENV: &str = "ALLOWED_HOSTS";

/// The hosts a server answers to besides its loopback names and its listen address: the same
/// flag for the account API and the Money Transfer UI.
#[derive(Args, Debug, Clone, Default)]
pub struct AllowedHostsArgs {
    /// Also answer to this host name (repeatable; `ALLOWED_HOSTS` takes a comma-separated list).
    /// `.example.com` or `*.example.com` allows every name under example.com, e.g. a proxy's.
    #[arg(long = ALLOWED_HOST_FLAG, env = ALLOWED_HOSTS_ENV, value_delimiter = ',', value_name = "HOST")]
    pub hosts: Vec<String>,
}

/// Which hosts a server answers to. Put in front of a router with
/// `.layer(axum::middleware::from_fn_with_state(door, front_door::admit))`.
#[derive(Clone, Debug)]
pub struct FrontDoor {
    listen_ip: IpAddr,
    /// Lower-case names; `.example.com` and `*.example.com` stand for every name under example.com.
    allowed: Arc<[String]>,
}

impl FrontDoor {
    /// The door of a server listening on `listen_ip` that also answers to `allowed_hosts`.
    pub fn new(listen_ip: IpAddr, allowed_hosts: &[String]) -> FrontDoor {
        let allowed = allowed_hosts
            .iter()
            .map(|pattern| pattern.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|pattern| !pattern.is_empty())
            .collect();
        FrontDoor { listen_ip, allowed }
    }

    /// Whether a `Host` header value (with or without its port) names this server.
    pub fn allows_host(&self, host: &str) -> bool {
        host_name(host).is_some_and(|name| self.allows_name(&name))
    }

    fn allows_name(&self, name: &str) -> bool {
        if let Ok(ip) = name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            // Listening on every interface, each of this machine's addresses is ours; and an
            // address, unlike a name, cannot be rebound to another machine.
            return ip.is_loopback() || self.listen_ip.is_unspecified() || ip == self.listen_ip;
        }
        name == "localhost" || name.ends_with(".localhost") || self.allowed.iter().any(|p| matches(p, name))
    }

    /// The refusal for a request, if it gets one. Reads only headers: a refusal changes nothing.
    fn check(&self, method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
        let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
        if !self.allows_host(host) {
            return Err(forbidden_host(host));
        }
        if method.is_safe() {
            return Ok(());
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = String::from_utf8_lossy(origin.as_bytes());
            if !same_origin(&origin, host) {
                let message = format!(
                    "cross-site request refused: it comes from a page at {origin}, not from this server's own \
                     page (http://{host})"
                );
                return Err(ApiError::new(StatusCode::FORBIDDEN, codes::CROSS_SITE_REQUEST, message));
            }
        }
        if !is_json(headers) {
            let message = format!(
                "{method} needs Content-Type: application/json and a JSON body (e.g. curl -H 'Content-Type: \
                 application/json' -d '{{}}'): a web page cannot send that to another site without asking first"
            );
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::UNSUPPORTED_MEDIA_TYPE, message));
        }
        Ok(())
    }
}

/// The middleware: refused requests never reach a handler.
pub async fn admit(State(door): State<FrontDoor>, request: Request, next: Next) -> Response {
    match door.check(request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            warn!("{} {} refused: {}", request.method(), request.uri().path(), refusal.body.error);
            refusal.into_response()
        }
    }
}

fn forbidden_host(host: &str) -> ApiError {
    let name = host_name(host).unwrap_or_else(|| host.to_string());
    let message = format!(
        "this server does not answer to the host {host:?}: it answers to localhost, 127.0.0.1, [::1], \
         *.localhost, the address it listens on and the hosts you allow (a page under another name may be a \
         DNS-rebinding attack). To allow this one, start the server with --{ALLOWED_HOST_FLAG} {name} or set \
         {ALLOWED_HOSTS_ENV}={name} (comma-separated; .example.com allows every name under example.com)"
    );
    ApiError::new(StatusCode::FORBIDDEN, codes::FORBIDDEN_HOST, message)
}

/// The lower-case name of a `Host` value, without its port (`[::1]` keeps its brackets).
fn host_name(host: &str) -> Option<String> {
    let authority: Authority = host.parse().ok()?;
    // A user part (`evil@localhost`) or a port that is no number is not a host a browser sends.
    if authority.as_str().contains('@') {
        return None;
    }
    let port = &authority.as_str()[authority.host().len()..];
    if !port.is_empty() && port.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()).is_none() {
        return None;
    }
    Some(authority.host().trim_end_matches('.').to_ascii_lowercase())
}

/// `*suffix` and `.suffix` match longer names ending in the suffix; anything else, the name itself.
fn matches(pattern: &str, name: &str) -> bool {
    let suffix = match pattern.strip_prefix('*') {
        Some(suffix) => suffix,
        None if pattern.starts_with('.') => pattern,
        None => return pattern == name,
    };
    name.len() > suffix.len() && name.ends_with(suffix)
}

/// Whether `origin` (`scheme://host[:port]`) is the origin of a page served under `host`. The
/// scheme is not compared: behind the lab's HTTPS proxy our own page is `https://`, while we
/// speak plain HTTP. A `Host` without a port means the origin scheme's default port.
fn same_origin(origin: &str, host: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else { return false };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        "https" => 443,
        _ => return false,
    };
    let (Ok(origin), Ok(host)) = (authority.parse::<Authority>(), host.parse::<Authority>()) else { return false };
    host_name(origin.as_str()).is_some_and(|name| Some(name) == host_name(host.as_str()))
        && origin.port_u16().unwrap_or(default_port) == host.port_u16().unwrap_or(default_port)
}

/// `application/json`, with or without parameters such as `charset`.
fn is_json(headers: &HeaderMap) -> bool {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn door(listen: &str, allowed: &[&str]) -> FrontDoor {
        let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        FrontDoor::new(listen.parse().unwrap(), &allowed)
    }

    #[test]
    fn loopback_names_and_addresses_are_always_allowed() {
        let door = door("127.0.0.1", &[]);
        for host in ["localhost", "localhost:5001", "LOCALHOST.", "app.localhost:5000", "127.0.0.1", "127.0.0.1:5000"] {
            assert!(door.allows_host(host), "{host}");
        }
        for host in ["[::1]", "[::1]:5001", "127.0.0.2:80"] {
            assert!(door.allows_host(host), "{host}");
        }
    }

    #[test]
    fn other_names_and_addresses_are_refused() {
        let door = door("127.0.0.1", &[]);
        for host in ["evil.example", "evil.example:5000", "localhost.evil.example", "notlocalhost", "10.0.0.5:5000"] {
            assert!(!door.allows_host(host), "{host}");
        }
        for host in ["", "evil@localhost", "localhost:port", "a b"] {
            assert!(!door.allows_host(host), "{host:?}");
        }
    }

    #[test]
    fn the_listen_address_is_allowed_and_every_address_when_listening_on_all() {
        assert!(door("192.168.1.5", &[]).allows_host("192.168.1.5:5001"));
        assert!(!door("192.168.1.5", &[]).allows_host("192.168.1.6:5001"));
        assert!(door("0.0.0.0", &[]).allows_host("10.0.0.5:5001"));
        assert!(door("::", &[]).allows_host("[fd00::5]:5001"));
        assert!(!door("0.0.0.0", &[]).allows_host("evil.example"), "names still need allowing");
    }

    #[test]
    fn allowed_hosts_are_names_or_suffix_patterns() {
        let door = door("127.0.0.1", &["bank.example", ".instruqt.io", "*.env.play.instruqt.com", " Mixed.Case "]);
        for host in [
            "bank.example:5000",
            "host-1.abc.instruqt.io",
            "workshop-host-5001-xyz.env.play.instruqt.com",
            "workshop-host-5001-xyz.env.play.instruqt.com:443",
            "mixed.case",
        ] {
            assert!(door.allows_host(host), "{host}");
        }
        for host in
            ["sub.bank.example", "instruqt.io", "evilinstruqt.io", "env.play.instruqt.com", "x.instruqt.io.evil"]
        {
            assert!(!door.allows_host(host), "{host}");
        }
        assert!(matches("*-xyz.env.play.instruqt.com", "host-5001-xyz.env.play.instruqt.com"));
        assert!(!matches("*-xyz.env.play.instruqt.com", "host-5001-abc.env.play.instruqt.com"));
    }

    #[test]
    fn the_own_origin_is_the_hosts_name_and_port_whatever_the_scheme() {
        assert!(same_origin("http://localhost:5001", "localhost:5001"));
        assert!(same_origin("http://127.0.0.1:5000", "127.0.0.1:5000"));
        assert!(same_origin("http://[::1]:5001", "[::1]:5001"));
        assert!(same_origin("https://host-5001-xyz.env.play.instruqt.com", "host-5001-xyz.env.play.instruqt.com"));
        assert!(same_origin("https://host-5001-xyz.env.play.instruqt.com", "host-5001-xyz.env.play.instruqt.com:443"));
        assert!(same_origin("http://localhost", "localhost:80"));
        assert!(!same_origin("http://evil.example", "localhost:5001"));
        assert!(!same_origin("http://localhost:5000", "localhost:5001"));
        assert!(!same_origin("http://127.0.0.1:5001", "localhost:5001"));
        assert!(!same_origin("null", "localhost:5001"));
        assert!(!same_origin("file://", "localhost:5001"));
        assert!(!same_origin("http://localhost", "localhost:5001"));
    }

    #[test]
    fn json_content_types() {
        let with = |value: &str| HeaderMap::from_iter([(header::CONTENT_TYPE, value.parse().unwrap())]);
        assert!(is_json(&with("application/json")));
        assert!(is_json(&with("Application/JSON; charset=utf-8")));
        assert!(!is_json(&with("text/plain")));
        assert!(!is_json(&with("application/x-www-form-urlencoded")));
        assert!(!is_json(&with("multipart/form-data; boundary=x")));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn a_refused_host_is_told_how_to_allow_it() {
        let message = forbidden_host("evil.example:5000").body.error;
        assert!(message.contains("--allowed-host evil.example "), "{message}");
        assert!(message.contains("ALLOWED_HOSTS=evil.example "), "{message}");
    }
}
