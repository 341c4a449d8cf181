//! `moduleNN` with no subcommand (account API + UI + worker in one process), as a learner
//! runs it, but on free ports with a temporary database and the test's Temporal server.

use crate::{Program, TempDir, TestServer, free_port};

pub struct TransferServices {
    pub program: Program,
    /// e.g. http://localhost:40123
    pub ui_url: String,
    /// e.g. http://127.0.0.1:40124
    pub api_url: String,
    _dir: TempDir,
}

impl TransferServices {
    /// Starts `binary` and waits until it says the UI is ready. `extra_args` go after the ports.
    pub async fn start(binary: &str, server: &TestServer, extra_args: &[&str]) -> anyhow::Result<Self> {
        Self::start_with_env(binary, server, extra_args, &[]).await
    }

    /// [`TransferServices::start`] with more environment variables, e.g. the lab's.
    pub async fn start_with_env(
        binary: &str,
        server: &TestServer,
        extra_args: &[&str],
        extra_env: &[(String, String)],
    ) -> anyhow::Result<Self> {
        let dir = TempDir::new("services")?;
        let (api_port, ui_port) = (free_port()?, free_port()?);
        let db = dir.path().join("bank.db");
        let (api_port_text, ui_port_text) = (api_port.to_string(), ui_port.to_string());
        let mut args = vec!["--api-port", &api_port_text, "--ui-port", &ui_port_text, "--db", db.to_str().unwrap()];
        args.extend_from_slice(extra_args);
        let env = [server.program_env(), extra_env.to_vec()].concat();
        let mut program = Program::spawn(binary, &args, &env)?;
        program.wait_for("UI ready at").await?;
        Ok(Self {
            program,
            ui_url: format!("http://localhost:{ui_port}"),
            api_url: format!("http://127.0.0.1:{api_port}"),
            _dir: dir,
        })
    }
}
