//! Screenshots: on request, and of the page at a test's failure.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Browser, guard};

impl Browser {
    pub(super) async fn failure_screenshot(&self, name: &str) -> String {
        let path = screenshot_path(name);
        match self.screenshot(&path).await {
            Ok(()) => format!("screenshot of the page at failure: {}", path.display()),
            Err(err) => format!("could not save a failure screenshot to {}: {err:#}", path.display()),
        }
    }

    /// Saves a PNG of what the window shows now to `path` (folders are created).
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> anyhow::Result<()> {
        let png = guard("taking a screenshot", self.client.screenshot()).await?;
        write_png(path.as_ref(), &png)
    }

    /// Saves a PNG of the whole page: the window is made as tall as the page for the shot.
    pub async fn full_page_screenshot(&self, path: impl AsRef<Path>) -> anyhow::Result<()> {
        let (width, height) = guard("reading the window size", self.client.get_window_size()).await?;
        let page_height =
            self.execute("return Math.ceil(document.documentElement.scrollHeight);").await?.as_u64().unwrap_or(height);
        // The window includes a little chrome around the viewport even when headless.
        let wanted = (page_height + 100).clamp(200, 12_000) as u32;
        self.set_window_size(width as u32, wanted).await?;
        let shot = self.screenshot(path).await;
        self.set_window_size(width as u32, height as u32).await?;
        shot
    }
}

/// Where tests save screenshots: `<target dir>/browser-screenshots`.
pub fn screenshot_dir() -> PathBuf {
    // Test binaries run from <target>/<profile>/deps.
    if let Ok(exe) = std::env::current_exe()
        && let Some(deps) = exe.parent()
        && deps.file_name().is_some_and(|name| name == "deps")
        && let Some(target) = deps.parent().and_then(Path::parent)
    {
        return target.join("browser-screenshots");
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from)
        && dir.is_absolute()
    {
        return dir.join("browser-screenshots");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../target/browser-screenshots")
}

/// `target/browser-screenshots/<name>.png`, with `name` made safe as a file name.
pub fn screenshot_path(name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' })
        .collect();
    screenshot_dir().join(format!("{safe}.png"))
}

fn write_png(path: &Path, png: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
}
