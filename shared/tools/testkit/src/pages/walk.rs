//! A test that walks a page as a learner would: it runs the page's commands in the page's
//! order, and at the end every line the page quotes must have appeared in what they printed.

use std::path::PathBuf;
use std::time::Instant;

use super::{Page, output_seen};
use crate::{Launch, Program, workspace_binary, workspace_example, workspace_test_binary};

pub struct Walk {
    page: Page,
    commands: Vec<String>,
    /// Which of the page's commands were run (or skipped, with a reason).
    walked: Vec<bool>,
    next: usize,
    env: Vec<(String, String)>,
    rewrites: Vec<(String, String)>,
    dir: PathBuf,
    transcript: String,
    /// The page's commands and waits are timed from here (`instruqt/page-times.json`).
    started: Instant,
    /// Time spent finding (and, when stale, building) test binaries: not the learner's wait.
    building: std::time::Duration,
    /// When each command was reached: its time runs until the next one's.
    reached: Vec<(String, Instant)>,
}

impl Walk {
    /// Walks `instruqt/<folder>/assignment.md`, with `env` for every command (the test's
    /// Temporal server). Commands run in the folder of the page's first terminal tab.
    pub fn new(folder: &str, env: Vec<(String, String)>) -> Self {
        let page = Page::load(folder);
        let commands = page.commands();
        let root = workshop::paths::workspace_root();
        let workdir = page.front_matter.lines().find_map(|line| line.trim().strip_prefix("workdir:"));
        let dir = workdir
            .and_then(|dir| dir.trim().split_once("failure-proof-rust").map(|(_, rest)| rest.trim_start_matches('/')))
            .map(|relative| root.join(relative))
            .unwrap_or(root);
        Self {
            walked: vec![false; commands.len()],
            page,
            commands,
            next: 0,
            env,
            rewrites: Vec::new(),
            dir,
            transcript: String::new(),
            started: Instant::now(),
            building: std::time::Duration::ZERO,
            reached: Vec::new(),
        }
    }

    /// `from` in the page's commands and quoted output stands for `to` in this test (e.g. the
    /// workshop's fixed ports → the test's free ones).
    pub fn rewrite(&mut self, from: &str, to: &str) {
        self.rewrites.push((from.into(), to.into()));
    }

    /// The page's next occurrence of `quoted` (at or after the last one walked), marked walked.
    fn take(&mut self, quoted: &str) -> String {
        let Some(offset) = self.commands[self.next..].iter().position(|command| command == quoted) else {
            panic!(
                "{}: `{quoted}` is not among the page's commands after `{}`; the page's commands: {:#?}",
                self.page.path.display(),
                self.next.checked_sub(1).map_or("the start", |i| self.commands[i].as_str()),
                self.commands
            );
        };
        let index = self.next + offset;
        self.reached.push((quoted.to_string(), Instant::now()));
        self.walked[index] = true;
        self.next = index + 1;
        self.rewritten(quoted)
    }

    fn rewritten(&self, text: &str) -> String {
        self.rewrites.iter().fold(text.to_string(), |text, (from, to)| text.replace(from, to))
    }

    /// The page's workshop port `page_port` (on localhost or 127.0.0.1) is the test's free
    /// `port`: the test never listens on the workshop's fixed ports.
    pub fn rewrite_port(&mut self, page_port: u16, port: u16) {
        for host in ["127.0.0.1", "localhost"] {
            self.rewrite(&format!("{host}:{page_port}"), &format!("{host}:{port}"));
        }
    }

    /// A command of the page this test cannot run as written, and why.
    pub fn skip(&mut self, quoted: &str, why: &str) {
        assert!(!why.is_empty(), "say why `{quoted}` is skipped");
        self.take(quoted);
    }

    /// Starts the page's command `quoted`, with `extra` arguments the test needs (free ports,
    /// a temporary database). `cargo run -p P -- args` runs P's built binary (`--example E`, its
    /// built example), `cargo test -p P
    /// --test T` P's built test T (building inside a test would rebuild with other features);
    /// anything else runs in bash, in the page's folder.
    pub fn spawn(&mut self, quoted: &str, extra: &[&str]) -> anyhow::Result<Program> {
        let command = self.take(quoted);
        let words: Vec<&str> = command.split_whitespace().collect();
        let option = |name: &str| {
            let value = words.iter().position(|w| *w == name).and_then(|i| words.get(i + 1));
            value.copied().unwrap_or_else(|| panic!("`{quoted}`: no {name}"))
        };
        let args = words.iter().position(|w| *w == "--").map_or(&[][..], |i| &words[i + 1..]);
        let launch = match words.get(..2) {
            Some(["cargo", "run"]) if words.contains(&"--example") => {
                Launch::new(workspace_example(option("--example"))?)
            }
            Some(["cargo", "run"]) => Launch::new(workspace_binary(option("-p"))?),
            Some(["cargo", "test"]) => {
                let building = Instant::now();
                let binary = workspace_test_binary(option("-p"), option("--test"))?;
                self.building += building.elapsed();
                Launch::new(binary)
            }
            _ => Launch::new("bash").args(["-c", &format!("{command} {}", extra.join(" "))]),
        };
        let launch = if words.first() == Some(&"cargo") { launch.args(args).args(extra) } else { launch };
        launch.current_dir(&self.dir).without_temporal_env().envs(&self.env).env("PATH", path_with_cli()).spawn()
    }

    /// Runs the page's command `quoted` to its end; returns what it printed (also recorded).
    pub async fn run(&mut self, quoted: &str, extra: &[&str]) -> anyhow::Result<String> {
        let mut program = self.spawn(quoted, extra)?;
        program.wait_exit().await?;
        // Let the output readers catch up with the end of the process.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        self.record(&program);
        Ok(program.transcript())
    }

    /// Adds what `program` printed so far to what the learner saw.
    pub fn record(&mut self, program: &Program) {
        self.saw(&program.transcript());
    }

    /// Adds text the learner saw some other way (a page, an HTTP answer).
    pub fn saw(&mut self, text: &str) {
        self.transcript.push_str(text);
        self.transcript.push('\n');
    }

    /// Every command of the page was walked, and every line the page quotes was seen. Prints
    /// how long the walk's commands and waits took; `PAGE_TIMES_WRITE=1` (`scripts/page-times`)
    /// also writes it into `instruqt/page-times.json`.
    pub fn finish(self) {
        let seconds = (self.started.elapsed() - self.building).as_secs_f64();
        println!(
            "page walk {}: its commands and waits took {seconds:.1} s (not counted: {:.1} s finding built test binaries)",
            self.page.name(),
            self.building.as_secs_f64()
        );
        let ends = self.reached.iter().skip(1).map(|(_, at)| *at).chain([Instant::now()]);
        for ((command, at), end) in self.reached.iter().zip(ends) {
            println!("  {:6.1} s  {command}", (end - *at).as_secs_f64());
        }
        let shown = self.page.path.display();
        let not_walked: Vec<&String> = self
            .commands
            .iter()
            .zip(&self.walked)
            .filter(|(_, walked)| !**walked)
            .map(|(command, _)| command)
            .collect();
        assert!(not_walked.is_empty(), "{shown}: the walk did not run these commands of the page: {not_walked:#?}");
        let unseen: Vec<String> = self
            .page
            .quoted_output()
            .into_iter()
            .filter(|line| !output_seen(&self.rewritten(line), &self.transcript))
            .collect();
        assert!(
            unseen.is_empty(),
            "{shown}: the page quotes lines the programs never printed: {unseen:#?}\n--- what they printed:\n{}",
            self.transcript
        );
        if std::env::var_os("PAGE_TIMES_WRITE").is_some() {
            super::times::record_walk(&self.page.name(), seconds);
        }
    }
}

/// PATH with the Temporal CLI's folder first, so a page's `temporal ...` commands run.
fn path_with_cli() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    match workshop::cli_tool::find_or_install().ok().and_then(|cli| cli.parent().map(PathBuf::from)) {
        Some(dir) => format!("{}:{path}", dir.display()),
        None => path,
    }
}
