//! Links into the Temporal Web UI, so every message can point at what to look at.

/// The Web UI base URL: `TEMPORAL_UI_URL` when set (the lab sets its own), else the local
/// dev server's UI when the address is local, else Temporal Cloud's for a Cloud address.
pub fn base_url(address: &str) -> Option<String> {
    if let Ok(explicit) = std::env::var("TEMPORAL_UI_URL") {
        return Some(explicit.trim_end_matches('/').to_string());
    }
    let authority = address.trim_start_matches("http://").trim_start_matches("https://");
    let host = match authority.strip_prefix('[') {
        Some(ipv6) => ipv6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    match host {
        "localhost" | "127.0.0.1" | "0.0.0.0" | "::1" => Some("http://localhost:8233".into()),
        cloud if cloud.ends_with(".tmprl.cloud") => Some("https://cloud.temporal.io".into()),
        _ => None,
    }
}

/// The page of one workflow in the Web UI.
pub fn workflow_link(base: &str, namespace: &str, workflow_id: &str) -> String {
    format!("{base}/namespaces/{namespace}/workflows/{workflow_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_cloud_addresses_get_their_web_ui() {
        // (TEMPORAL_UI_URL unset in the test environment.)
        if std::env::var_os("TEMPORAL_UI_URL").is_some() {
            return;
        }
        assert_eq!(base_url("localhost:7233").as_deref(), Some("http://localhost:8233"));
        assert_eq!(base_url("http://[::1]:7233").as_deref(), Some("http://localhost:8233"));
        assert_eq!(base_url("my-ns.a1b2c.tmprl.cloud:7233").as_deref(), Some("https://cloud.temporal.io"));
        assert_eq!(base_url("temporal.internal:7233"), None);
        assert_eq!(workflow_link("http://x", "default", "w1"), "http://x/namespaces/default/workflows/w1");
    }
}
