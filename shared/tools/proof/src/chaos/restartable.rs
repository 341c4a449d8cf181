//! One of module 3's programs under the run: started, SIGKILLed, started again with the same
//! arguments, its output kept across its lives.

use std::time::Duration;

use anyhow::Context;
use testkit::Program;

/// One of module 3's processes as it is at the moment (started again after each kill, with
/// the same arguments), and the transcripts of its killed predecessors.
pub(super) struct Restartable {
    pub name: &'static str,
    binary: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// The line it prints once it serves.
    ready: &'static str,
    current: Option<Program>,
    retired: Vec<Vec<String>>,
    /// The last line of each process of it that ended before the run killed it.
    pub ended_by_itself: Vec<String>,
}

impl Restartable {
    pub fn new(name: &'static str, binary: &str, args: &[&str], env: &[(String, String)], ready: &'static str) -> Self {
        Self {
            name,
            binary: binary.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: env.to_vec(),
            ready,
            current: None,
            retired: Vec::new(),
            ended_by_itself: Vec::new(),
        }
    }

    /// Starts it, again on the same port if a killed one held it a moment ago.
    pub async fn start(&mut self) -> anyhow::Result<()> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let mut last = None;
        for _ in 0..20 {
            let mut program = Program::spawn(&self.binary, &args, &self.env)?;
            match program.wait_for(self.ready).await {
                Ok(_) => {
                    self.current = Some(program);
                    return Ok(());
                }
                Err(error) => last = Some(error.context(program.transcript())),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(last.context("no attempt made")?).with_context(|| format!("starting the {} again", self.name))
    }

    /// SIGKILLs it; returns its pid.
    pub async fn kill(&mut self) -> anyhow::Result<Option<u32>> {
        let Some(mut program) = self.current.take() else {
            return Ok(None);
        };
        let pid = program.pid();
        self.note_if_ended(&mut program);
        program.kill().await?;
        // Reads what it printed before it died, to the end.
        program.wait_exit().await?;
        self.retired.push(program.lines());
        Ok(pid)
    }

    /// Whether the current process ended by itself (a crash, or an exit the run did not ask
    /// for): the run would otherwise wait for work from a process that is gone.
    pub fn check_alive(&mut self) {
        if let Some(mut program) = self.current.take() {
            self.note_if_ended(&mut program);
            self.current = Some(program);
        }
    }

    fn note_if_ended(&mut self, program: &mut Program) {
        if program.has_exited() {
            let last = program.lines().last().cloned().unwrap_or_default();
            self.ended_by_itself.push(format!("{}: {last}", self.name));
        }
    }

    pub fn transcripts(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.retired.iter().flatten().cloned().collect();
        lines.extend(self.current.as_ref().map(Program::lines).unwrap_or_default());
        lines
    }
}

impl Restartable {
    /// Its last `n` lines, all its lives together: evidence when something did not recover.
    pub fn tail(&self, n: usize) -> String {
        let lines = self.transcripts();
        format!("last lines of the {}:\n  {}", self.name, lines[lines.len().saturating_sub(n)..].join("\n  "))
    }
}
