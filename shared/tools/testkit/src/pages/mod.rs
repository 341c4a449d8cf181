//! The Instruqt pages as a test reads them: what a learner runs (```bash blocks), what the
//! page says they will see (``` blocks with no language), the code it quotes (```rust
//! blocks, each naming its file on its first line), its prose ([`prose`]) and the time it
//! takes ([`times`]).

use std::path::{Path, PathBuf};

pub mod prose;
mod snippets;
pub mod times;
mod walk;

pub use prose::{Button, Segment, WordCount};
pub use snippets::{Snippet, missing_snippet_lines};
pub use times::Estimate;
pub use walk::Walk;

pub struct Page {
    pub path: PathBuf,
    pub front_matter: String,
    pub body: String,
}

/// A fenced block: its info string (`bash,run`, `rust`, or empty) and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub info: String,
    pub lines: Vec<String>,
}

impl Page {
    /// `instruqt/<folder>/assignment.md` of the workspace.
    pub fn load(folder: &str) -> Self {
        Self::read(&workshop::paths::workspace_root().join("instruqt").join(folder).join("assignment.md"))
    }

    pub fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rest = text.strip_prefix("---\n").unwrap_or_else(|| panic!("{}: no front matter", path.display()));
        let (front_matter, body) =
            rest.split_once("\n---\n").unwrap_or_else(|| panic!("{}: unclosed front matter", path.display()));
        Self { path: path.to_path_buf(), front_matter: front_matter.into(), body: body.into() }
    }

    /// Every page of the track, in order.
    pub fn all() -> Vec<Self> {
        let dir = workshop::paths::workspace_root().join("instruqt");
        let mut pages: Vec<Self> = std::fs::read_dir(&dir)
            .expect("instruqt/ exists")
            .flatten()
            .map(|entry| entry.path().join("assignment.md"))
            .filter(|path| path.is_file())
            .map(|path| Self::read(&path))
            .collect();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        pages
    }

    pub fn name(&self) -> String {
        self.path.parent().and_then(Path::file_name).unwrap_or_default().to_string_lossy().into_owned()
    }

    pub fn blocks(&self) -> Vec<Block> {
        blocks(&self.body)
    }

    /// The commands a learner runs, in page order: each non-comment line of a ```bash block.
    pub fn commands(&self) -> Vec<String> {
        self.blocks()
            .into_iter()
            .filter(|block| block.info.starts_with("bash"))
            .flat_map(|block| block.lines)
            .map(|line| line.trim().to_string())
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    }

    /// The lines the page says a learner will see.
    pub fn quoted_output(&self) -> Vec<String> {
        self.blocks()
            .into_iter()
            .filter(|block| block.info.is_empty() || block.info == "text")
            .flat_map(|block| block.lines)
            .filter(|line| !line.trim().is_empty() && !matches!(line.trim(), "..." | "…"))
            .collect()
    }

    pub fn rust_snippets(&self) -> Vec<Snippet> {
        self.blocks().into_iter().filter(|block| block.info == "rust").map(|block| Snippet::new(block.lines)).collect()
    }
}

fn blocks(body: &str) -> Vec<Block> {
    prose::segments(body)
        .into_iter()
        .filter_map(|segment| match segment {
            Segment::Block(block) => Some(block),
            Segment::Prose(_) => None,
        })
        .collect()
}

/// Whether a quoted output line appears in the transcript: on one line, with runs of spaces
/// counted as one, and `...` (or `…`) standing for any text.
pub fn output_seen(quoted: &str, transcript: &str) -> bool {
    let quoted = squeeze(quoted).replace('…', "...");
    let parts: Vec<&str> = quoted.split("...").map(str::trim).filter(|part| !part.is_empty()).collect();
    transcript.lines().map(squeeze).any(|line| {
        let mut rest = line.as_str();
        parts.iter().all(|part| match rest.find(part) {
            Some(at) => {
                rest = &rest[at + part.len()..];
                true
            }
            None => false,
        })
    })
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The workshop's fixed ports as the pages quote them; a page walk maps them to free ports
/// ([`Walk::rewrite_port`]).
pub const PAGE_ACCOUNT_API_PORT: u16 = 5000;
pub const PAGE_UI_PORT: u16 = 5001;
/// The dev server's address as the pages quote it; a walk rewrites it to its test server's.
pub const PAGE_TEMPORAL_ADDRESS: &str = "127.0.0.1:7233";

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Run it:\n\n```bash,run\ncargo run -p module01\n# a comment\n```\n\nYou see:\n\n```\n  worker | \
                        [attempt 1] print_number(1) ...\n...\nDone.\n```\n\n```rust\n// exercises/x.rs\nfn main() {}\n```\n";

    #[test]
    fn blocks_are_told_apart_by_their_info_string() {
        let blocks = blocks(PAGE);
        assert_eq!(blocks.iter().map(|b| b.info.as_str()).collect::<Vec<_>>(), ["bash,run", "", "rust"]);
        let page = Page { path: "x/assignment.md".into(), front_matter: String::new(), body: PAGE.into() };
        assert_eq!(page.commands(), ["cargo run -p module01"]);
        assert_eq!(page.quoted_output(), ["  worker | [attempt 1] print_number(1) ...", "Done."]);
        assert_eq!(page.rust_snippets().len(), 1);
    }

    #[test]
    fn quoted_output_matches_with_wildcards_and_loose_spaces() {
        let transcript = "     worker | [attempt 1] print_number(1): ok\nDone.\n";
        assert!(output_seen("worker | [attempt 1] print_number(1) ...", transcript));
        assert!(output_seen("worker | ... print_number(1): ok", transcript));
        assert!(!output_seen("worker | [attempt 2] print_number(1)", transcript));
        assert!(!output_seen("print_number(1) ... Done.", transcript), "one line, not across lines");
        assert!(!output_seen("ok ... print_number", transcript), "in order");
    }
}
