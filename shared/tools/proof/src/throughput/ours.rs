//! Ours: module 3 as a learner runs it (`target/debug/module03`, account API + UI + worker in
//! one process), on free ports, a temporary bank and the benchmark's Temporal server; its
//! transfers started through the page's API, `POST /api/transfer`.

use anyhow::Context;
use serde_json::{Value, json};
use testkit::{Launch, Program, TempDir, TestServer, free_port};

pub struct Module03 {
    pub ui_url: String,
    http: reqwest::Client,
    program: Program,
    _dir: TempDir,
}

impl Module03 {
    /// Starts `target/debug/module03` (build it first: `cargo build -p module03`; a nested
    /// build from here would resolve features differently and rebuild half the dependencies)
    /// with its output in `<dir>/module03.log`, and waits until the UI is ready.
    /// `binary` overrides which module03 runs (to compare two builds).
    pub async fn start(server: &TestServer, binary: Option<&str>) -> anyhow::Result<Self> {
        let binary = match binary {
            Some(path) => path.to_string(),
            None => testkit::workspace_binary("module03")?,
        };
        let dir = TempDir::new("throughput")?;
        let (api_port, ui_port) = (free_port()?.to_string(), free_port()?.to_string());
        let db = dir.path().join("bank.db");
        let args = ["--api-port", &api_port, "--ui-port", &ui_port, "--db", db.to_str().context("temp path")?];
        let mut program = Launch::new(binary)
            .args(args)
            .without_temporal_env()
            .env_remove("RUST_LOG")
            .envs(&server.program_env())
            .log_to(dir.path().join("module03.log"))
            .spawn()?;
        program.wait_for(workshop::said::UI_READY).await?;
        let http = reqwest::Client::builder().no_proxy().build()?;
        Ok(Self { ui_url: format!("http://127.0.0.1:{ui_port}"), http, program, _dir: dir })
    }

    pub fn pid(&self) -> Option<u32> {
        self.program.pid()
    }

    /// The n-th $1 transfer, between two accounts that never run dry; returns its workflow id.
    pub async fn start_transfer(&self, n: usize) -> anyhow::Result<String> {
        let (from, to) = super::accounts(n);
        let body = json!({"from_account": from, "to_account": to, "amount": 1});
        let answer = self.http.post(format!("{}/api/transfer", self.ui_url)).json(&body).send().await?;
        let status = answer.status();
        let body: Value = answer.json().await?;
        anyhow::ensure!(status.is_success(), "POST /api/transfer: {status} {body}");
        body["workflow_id"].as_str().map(str::to_string).context("no workflow_id in the answer")
    }
}
