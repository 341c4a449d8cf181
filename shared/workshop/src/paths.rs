//! Where the workshop keeps its local state: all of it inside the checkout, ignored by git.

use std::path::PathBuf;

/// The workspace root (the folder with the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR")); // .../shared/workshop
    let root = here.join("../..");
    root.canonicalize().unwrap_or(root)
}

/// Dev server database, log and pid file. `WORKSHOP_STATE_DIR` moves it (tests, the lab).
pub fn state_dir() -> PathBuf {
    match std::env::var_os("WORKSHOP_STATE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join(".temporal"),
    }
}

/// Tools installed on demand (the Temporal CLI).
pub fn tools_dir() -> PathBuf {
    workspace_root().join(".tools")
}

/// A path relative to the current directory when it is below it: shorter to read on screen.
pub fn display(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(relative) => relative.display().to_string(),
        None => path.display().to_string(),
    }
}
