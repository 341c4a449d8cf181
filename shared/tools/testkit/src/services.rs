//! `moduleNN` with no subcommand (account API + UI + worker in one process), as a learner
//! runs it, but on free ports with a temporary database and the test's Temporal server; and
//! the UI's JSON API as the page calls it.

use serde_json::{Value, json};

use crate::{Program, TempDir, TestServer, eventually};

pub struct TransferServices {
    pub program: Program,
    /// e.g. http://localhost:40123
    pub ui_url: String,
    /// e.g. http://127.0.0.1:40124
    pub api_url: String,
    pub http: reqwest::Client,
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
        let db = dir.path().join("bank.db");
        // Port 0: the program binds whatever port is free and says which (see `ports`: a
        // port chosen here could be taken before the program binds it).
        let mut args = vec!["--api-port", "0", "--ui-port", "0", "--db", db.to_str().unwrap()];
        args.extend_from_slice(extra_args);
        let env = [server.program_env(), extra_env.to_vec()].concat();
        let mut program = Program::spawn(binary, &args, &env)?;
        let api_url =
            url_after(&program.wait_for(workshop::said::ACCOUNT_API_READY).await?, workshop::said::ACCOUNT_API_READY)?;
        let ui_url = url_after(&program.wait_for(workshop::said::UI_READY).await?, workshop::said::UI_READY)?;
        Ok(Self { program, ui_url, api_url, http: reqwest::Client::new(), _dir: dir })
    }

    /// GET `path` of the UI; its JSON answer (an error unless it is a success).
    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self.http.get(format!("{}{path}", self.ui_url)).send().await?;
        anyhow::ensure!(response.status().is_success(), "GET {path}: {}", response.status());
        Ok(response.json().await?)
    }

    /// POST a JSON `body` to `path` of the UI; the status and the JSON answer.
    pub async fn post(&self, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
        let response = self.http.post(format!("{}{path}", self.ui_url)).json(&body).send().await?;
        Ok((response.status().as_u16(), response.json().await?))
    }

    /// Asks the UI for a transfer, as the page's form does; its workflow id.
    pub async fn transfer(&self, from: &str, to: &str, amount: f64) -> anyhow::Result<String> {
        let (status, body) =
            self.post("/api/transfer", json!({"from_account": from, "to_account": to, "amount": amount})).await?;
        anyhow::ensure!(status == 200, "transfer refused: {body}");
        Ok(body["workflow_id"].as_str().unwrap().to_string())
    }

    /// The UI's view of transfer `id` once it is no longer running.
    pub async fn wait_until_closed(&self, id: &str) -> anyhow::Result<Value> {
        eventually(&format!("{id} to finish"), || async {
            let view = self.get(&format!("/api/workflows/{id}")).await.ok()?;
            (view["status"] != "RUNNING").then_some(view)
        })
        .await
    }

    /// The balance of `account` in dollars, as the UI lists it.
    pub async fn balance(&self, account: &str) -> anyhow::Result<f64> {
        let accounts = self.get("/api/accounts").await?;
        let found = accounts["accounts"].as_array().unwrap().iter().find(|a| a["account_number"] == account);
        Ok(found.and_then(|a| a["balance"].as_f64()).expect("account listed"))
    }

    /// Sets the bank's Real World Mode on the account API directly, as an operator would.
    pub async fn bank_admin(&self, body: Value) -> anyhow::Result<()> {
        let url = format!("{}/admin/real-world-mode", self.api_url);
        let response = self.http.post(url).json(&body).send().await?;
        anyhow::ensure!(response.status().is_success(), "admin: {}", response.status());
        Ok(())
    }
}

/// The URL that follows `label` in `line` ("UI ready at http://localhost:40123  (...)").
fn url_after(line: &str, label: &str) -> anyhow::Result<String> {
    let url = workshop::said::url_after(line, label);
    url.map(str::to_string).ok_or_else(|| anyhow::anyhow!("no URL after {label:?} in {line:?}"))
}
