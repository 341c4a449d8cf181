//! What several lab tests do the same way: copy part of the workspace, do module 1 the
//! learner's way, send a transfer through the Money Transfer UI and wait for it.

use std::path::Path;

use serde_json::{Value, json};
use testkit::{Program, eventually};

/// Copies a file or a folder (without any `target` folder in it).
pub fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    if from.is_file() {
        std::fs::create_dir_all(to.parent().unwrap())?;
        std::fs::copy(from, to)?;
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_name() != "target" {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// POST /api/transfer (JSON); the new transfer's workflow id.
pub async fn post_transfer(ui: &str, from: &str, to: &str, amount: u32) -> anyhow::Result<String> {
    let body = json!({ "from_account": from, "to_account": to, "amount": amount });
    let response = reqwest::Client::new().post(format!("{ui}/api/transfer")).json(&body).send().await?;
    anyhow::ensure!(response.status().is_success(), "transfer refused: {}", response.status());
    let answer: Value = response.json().await?;
    Ok(answer["workflow_id"].as_str().unwrap().to_string())
}

/// Waits until the UI says transfer `id` finished; an error unless it completed.
pub async fn wait_until_completed(ui: &str, id: &str) -> anyhow::Result<()> {
    let status = eventually(&format!("{id} to finish"), || async {
        let view: Value = reqwest::get(format!("{ui}/api/workflows/{id}")).await.ok()?.json().await.ok()?;
        (view["status"] != "RUNNING" && !view["status"].is_null()).then(|| view["status"].to_string())
    })
    .await?;
    anyhow::ensure!(status == "\"COMPLETED\"", "{id} ended as {status}");
    Ok(())
}

/// Module 1 the learner's way: a worker, the starter, the worker killed half-way, a new worker
/// that finishes the workflow. `env` points the programs at a Temporal server.
pub async fn module01_with_a_worker_stopped_half_way(module01: &str, env: &[(String, String)]) -> anyhow::Result<()> {
    let mut first = Program::spawn(module01, &["worker"], env)?;
    first.wait_for(workshop::said::WORKER_POLLING).await?;
    let mut starter = Program::spawn(module01, &["start", "--delay-secs", "1"], env)?;
    first.wait_for("print_number(2)").await?;
    first.kill().await?;
    let _second = Program::spawn(module01, &["worker"], env)?;
    starter.wait_for("Workflow result: Workflow completed").await?;
    Ok(())
}
