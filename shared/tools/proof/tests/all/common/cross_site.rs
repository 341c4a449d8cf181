//! What the cross-site tests of both servers share: the requests a hostile web page can send
//! (each with the refusal it must get), the same requests done right, and a sender that puts
//! exactly these headers on the wire.

use serde_json::Value;

/// Headers of one request; a `host` replaces the one reqwest would send.
pub type Headers = Vec<(&'static str, String)>;

/// A proxy's name for the server on `port` (`<host>-<port>-<participant>`), which the servers
/// are started to allow with a suffix pattern (`.instruqt.io`).
pub fn proxy_host(port: u16) -> String {
    format!("workshop-host-{port}-xyz.sandbox.instruqt.io")
}

fn json() -> (&'static str, String) {
    ("content-type", "application/json".into())
}

/// (what, headers, status, code): what a page on another site, or under a rebound name, can
/// send to a server on `port` without asking first, and how it is refused.
pub fn hostile_requests(port: u16) -> Vec<(&'static str, Headers, u16, &'static str)> {
    // A rebinding page is same-origin as far as the browser knows: only the Host gives it away.
    let rebound =
        vec![json(), ("host", format!("evil.example:{port}")), ("origin", format!("http://evil.example:{port}"))];
    vec![
        ("no content type", vec![], 415, "unsupported_media_type"),
        ("text/plain", vec![("content-type", "text/plain".into())], 415, "unsupported_media_type"),
        ("another site's page", vec![json(), ("origin", "http://evil.example".into())], 403, "cross_site_request"),
        ("a sandboxed page", vec![json(), ("origin", "null".into())], 403, "cross_site_request"),
        ("a rebound name", rebound, 403, "forbidden_host"),
    ]
}

/// (what, headers): the same requests from a program, the server's own page at `own_origin`,
/// and the lab's proxy for the server on `port`.
pub fn friendly_requests(own_origin: &str, port: u16) -> Vec<(&'static str, Headers)> {
    let proxy = proxy_host(port);
    vec![
        ("a program (no Origin)", vec![json()]),
        ("a JSON charset", vec![("content-type", "application/json; charset=utf-8".into())]),
        ("the own page", vec![json(), ("origin", own_origin.into())]),
        ("the lab's proxy", vec![json(), ("host", proxy.clone()), ("origin", format!("https://{proxy}"))]),
    ]
}

/// Sends one request; answers its status and JSON body.
pub async fn send(
    http: &reqwest::Client,
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: &str,
) -> anyhow::Result<(u16, Value)> {
    let mut request = http.request(reqwest::Method::from_bytes(method.as_bytes())?, url).body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let answer = request.send().await?;
    Ok((answer.status().as_u16(), answer.json().await?))
}

/// The port of an `http://host:port` URL.
pub fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().and_then(|port| port.trim_end_matches('/').parse().ok()).expect("a URL with a port")
}
