//! Links into the Temporal Web UI, so every message can point at what to look at.

/// The Web UI base URL: `TEMPORAL_UI_URL` when set (the lab sets its own), else the one
/// [`base_url_for`] derives from the address.
pub fn base_url(address: &str) -> Option<String> {
    base_url_for(address, std::env::var("TEMPORAL_UI_URL").ok().as_deref())
}

/// The Web UI for a server `address`: `explicit` when given, else the local dev server's
/// UI for a local address, Temporal Cloud's for a Cloud address, and none otherwise.
pub fn base_url_for(address: &str, explicit: Option<&str>) -> Option<String> {
    if let Some(explicit) = explicit {
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
        assert_eq!(base_url_for("localhost:7233", None).as_deref(), Some("http://localhost:8233"));
        assert_eq!(base_url_for("http://[::1]:7233", None).as_deref(), Some("http://localhost:8233"));
        assert_eq!(base_url_for("my-ns.a1b2c.tmprl.cloud:7233", None).as_deref(), Some("https://cloud.temporal.io"));
        assert_eq!(base_url_for("temporal.internal:7233", None), None);
        assert_eq!(workflow_link("http://x", "default", "w1"), "http://x/namespaces/default/workflows/w1");
    }

    #[test]
    fn an_explicit_web_ui_wins_whatever_the_address() {
        let lab_ui = Some("https://lab-host-8080.example/");
        assert_eq!(base_url_for("localhost:7233", lab_ui).as_deref(), Some("https://lab-host-8080.example"));
        assert_eq!(base_url_for("temporal.internal:7233", lab_ui).as_deref(), Some("https://lab-host-8080.example"));
    }
}
