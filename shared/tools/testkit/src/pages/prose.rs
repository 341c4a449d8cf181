//! A page's prose as a reader meets it: the text around the fenced code blocks, the main path
//! (what is left outside `<details>`), its paragraphs, inline `code` spans and tab buttons.

use super::{Block, Page};

/// Words a learner reads, code blocks not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordCount {
    /// Outside every `<details>`: what everyone reads.
    pub main_path: usize,
    /// Inside `<details>`: hints and "Go further", one click away.
    pub details: usize,
}

impl WordCount {
    pub fn all(&self) -> usize {
        self.main_path + self.details
    }
}

/// The body, or a piece of it, in page order: prose between fenced blocks, and the blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Prose(String),
    Block(Block),
}

/// A tab button: `[button label="Terminal 2" ...](tab-1)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub tab: usize,
}

impl Page {
    /// The issue's count: the body with every `<details>…</details>` and every fenced code
    /// block removed, split on whitespace (the main path); the `<details>` apart.
    pub fn words(&self) -> WordCount {
        let all = words(&without_code(&self.body));
        let main_path = words(&without_code(&without_details(&self.body)));
        WordCount { main_path, details: all - main_path }
    }

    pub fn segments(&self) -> Vec<Segment> {
        segments(&self.body)
    }

    /// The minutes the overview says the module takes ("about 25 minutes").
    pub fn stated_minutes(&self) -> Option<u32> {
        let overview = self.body.split("Exercise Steps").next()?;
        let (_, rest) = overview.split_once("about ")?;
        let rest = rest.trim_start_matches('*');
        let (number, unit) = rest.split_once(' ')?;
        unit.trim_start().starts_with("minutes").then(|| number.parse().ok()).flatten()
    }

    /// The hands-on steps: the `## Step N` headings of the main path.
    pub fn steps(&self) -> usize {
        without_details(&self.body).lines().filter(|line| line.starts_with("## Step ")).count()
    }

    /// The challenge's `timelimit` in seconds (front matter, top level).
    pub fn timelimit_secs(&self) -> Option<u64> {
        self.front_matter.lines().find_map(|line| line.strip_prefix("timelimit:")).and_then(|v| v.trim().parse().ok())
    }

    /// The front matter's tabs, in order (`tab-0` first): their titles and types.
    pub fn tabs(&self) -> Vec<(String, String)> {
        let mut tabs: Vec<(String, String)> = Vec::new();
        let mut in_tabs = false;
        for line in self.front_matter.lines() {
            if !line.starts_with(' ') && !line.starts_with('-') {
                in_tabs = line.starts_with("tabs:");
                continue;
            }
            if !in_tabs {
                continue;
            }
            if let Some(title) = line.strip_prefix("- title:") {
                tabs.push((unquote(title), String::new()));
            } else if let (Some(kind), Some(tab)) = (line.trim().strip_prefix("type:"), tabs.last_mut()) {
                tab.1 = kind.trim().to_string();
            }
        }
        tabs
    }

    /// Images the page shows (`![alt](path)`), their paths as written.
    pub fn images(&self) -> Vec<String> {
        self.body
            .match_indices("![")
            .filter_map(|(at, _)| {
                let rest = &self.body[at..];
                let open = rest.find("](")?;
                let close = rest[open..].find(')')?;
                Some(rest[open + 2..open + close].to_string())
            })
            .collect()
    }
}

fn unquote(value: &str) -> String {
    value.trim().trim_matches(|c| c == '\'' || c == '"').to_string()
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// `text` without its fenced code blocks.
pub fn without_code(text: &str) -> String {
    segments(text)
        .into_iter()
        .filter_map(|segment| match segment {
            Segment::Prose(prose) => Some(prose),
            Segment::Block(_) => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` without its `<details>…</details>` blocks.
pub fn without_details(text: &str) -> String {
    let mut kept = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<details>") {
        kept.push_str(&rest[..start]);
        rest = match rest[start..].find("</details>") {
            Some(end) => &rest[start + end + "</details>".len()..],
            None => "",
        };
    }
    kept.push_str(rest);
    kept
}

/// Prose and fenced blocks, in order.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut found = Vec::new();
    let mut prose = String::new();
    let mut open: Option<Block> = None;
    for line in text.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, None) => {
                prose.push_str(line);
                prose.push('\n');
            }
            (None, Some(info)) => {
                found.push(Segment::Prose(std::mem::take(&mut prose)));
                open = Some(Block { info: info.trim().to_string(), lines: Vec::new() });
            }
            (Some(block), None) => block.lines.push(line.to_string()),
            (Some(_), Some(_)) => found.push(Segment::Block(open.take().expect("open block"))),
        }
    }
    found.push(Segment::Prose(prose));
    found
}

/// Paragraphs: runs of lines between blank lines.
pub fn paragraphs(prose: &str) -> Vec<String> {
    prose.split("\n\n").map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

/// The inline `code` spans of a piece of prose.
pub fn code_spans(prose: &str) -> Vec<String> {
    prose.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The tab buttons in a piece of prose, in order.
pub fn buttons(prose: &str) -> Vec<Button> {
    prose
        .match_indices("[button label=\"")
        .filter_map(|(at, start)| {
            let rest = &prose[at + start.len()..];
            let label = rest[..rest.find('"')?].to_string();
            let tab = rest.split_once("](tab-")?.1;
            let tab = tab[..tab.find(')')?].parse().ok()?;
            Some(Button { label, tab })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "# Overview\n\nIt takes **about 15 minutes**.\n\nExercise Steps\n===\n\n## Step 1: Run\n\nIn \
                        [button label=\"Terminal 1\" background=\"#444CE7\"](tab-0), run `it`:\n\n```bash,run\ncargo \
                        run -p module01\n```\n\n<details>\n<summary>Hint: one two</summary>\n\nthree ![x](../assets/a.svg)\n\n```\nnot \
                        counted\n```\n\n</details>\n\n## Step 2: Done\n";

    fn page() -> Page {
        let front_matter = "slug: x\ntabs:\n- title: Terminal 1\n  type: terminal\n- title: 'VS Code'\n  type: \
                            service\ndifficulty: basic\ntimelimit: 1800";
        Page { path: "x/assignment.md".into(), front_matter: front_matter.into(), body: BODY.into() }
    }

    #[test]
    fn words_leave_code_out_and_details_apart() {
        let count = page().words();
        // Main: "# Overview | It takes **about 15 minutes**. | Exercise Steps === | ## Step 1: Run |
        // In [button label="Terminal 1" background="#444CE7"](tab-0), run `it`: | ## Step 2: Done"
        assert_eq!(count.main_path, 2 + 5 + 3 + 4 + 7 + 4);
        assert_eq!(count.details, 7, "<details> <summary>Hint: one two</summary> three ![x](…) </details>");
    }

    #[test]
    fn reads_time_steps_tabs_and_images() {
        let page = page();
        assert_eq!(page.stated_minutes(), Some(15));
        assert_eq!(page.steps(), 2);
        assert_eq!(page.timelimit_secs(), Some(1800));
        assert_eq!(
            page.tabs(),
            [("Terminal 1".to_string(), "terminal".to_string()), ("VS Code".to_string(), "service".to_string())]
        );
        assert_eq!(page.images(), ["../assets/a.svg"]);
    }

    #[test]
    fn segments_buttons_and_spans() {
        let segments = segments(BODY);
        assert_eq!(segments.iter().filter(|s| matches!(s, Segment::Block(_))).count(), 2);
        let Segment::Prose(before) = &segments[0] else { panic!("prose first") };
        assert_eq!(buttons(before), [Button { label: "Terminal 1".into(), tab: 0 }]);
        assert_eq!(code_spans(before), ["it"]);
        assert_eq!(paragraphs("a\nb\n\n\nc\n").len(), 2);
        assert!(!without_details(BODY).contains("Hint"));
    }
}
