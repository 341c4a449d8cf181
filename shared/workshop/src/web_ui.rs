//! Links into the Temporal Web UI, so every message can point at what to look at.

/// The Web UI base URL: `TEMPORAL_UI_URL` when set (the lab sets its own), else the local
/// dev server's UI when the address is local, else Temporal Cloud's for a Cloud address.
pub fn base_url(address: &str) -> Option<String> {
    if let Ok(explicit) = std::env::var("TEMPORAL_UI_URL") {
        return Some(explicit.trim_end_matches('/').to_string());
    }
    let host = address
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split(':')
        .next()
        .unwrap_or_default();
    match host {
        "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]" => Some("http://localhost:8233".into()),
        cloud if cloud.ends_with(".tmprl.cloud") => Some("https://cloud.temporal.io".into()),
        _ => None,
    }
}

/// The page of one workflow in the Web UI.
pub fn workflow_link(base: &str, namespace: &str, workflow_id: &str) -> String {
    format!("{base}/namespaces/{namespace}/workflows/{workflow_id}")
}
