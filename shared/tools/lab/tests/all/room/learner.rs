//! One learner of the room doing modules 1 to 4 as the pages ask, on the room's server, each
//! program with the learner's `WORKSHOP_LEARNER` (or none): what they started, which of their
//! processes ran workers, and their banks.

use std::collections::BTreeMap;

use contract::DAILY_BATCH;
use testkit::{Program, TempDir, TestServer, eventually, free_port, history, workspace_binary};

use super::books::{self, Transfer};
use crate::common::post_transfer;

/// What one learner's run left: the workflows, the worker processes and the running services.
pub struct Learner {
    pub name: Option<&'static str>,
    /// Modules 1 and 2: the fixed workflow ids, and module 2's bank.
    pub module01_id: String,
    pub module02_id: String,
    /// Transfers of modules 3 and 4 (module 4's through Jerry's bug, then the fix).
    pub module03: Vec<Transfer>,
    pub module04: Vec<Transfer>,
    /// The pids of every program of this learner that ran a worker.
    pub worker_pids: Vec<u32>,
    pub module03_ui: Services,
    pub module04_ui: Services,
    pub module02_api: Services,
    _dir: TempDir,
}

/// A running program with a bank: its UI (empty for module 2's account API alone), its
/// account API, and the balances it started with.
pub struct Services {
    pub ui_url: String,
    pub api_url: String,
    pub initial: BTreeMap<String, i64>,
    program: Program,
}

impl Services {
    /// Ctrl-C, then waits until the program has exited (and so let go of its ports).
    async fn stop(&mut self) {
        self.program.stop(std::time::Duration::from_secs(10)).await;
    }
}

impl Learner {
    /// `WORKSHOP_LEARNER=name`, or none (the pages' own names), as `who` says in messages.
    pub fn who(&self) -> String {
        self.name.map_or("the learner with no name".into(), |name| format!("learner {name}"))
    }

    /// The name the learner's programs give `name` (`name-ana`, or `name`).
    pub fn own(&self, name: &str) -> String {
        self.name.map_or(name.to_string(), |learner| format!("{name}-{learner}"))
    }
}

fn env(server: &TestServer, name: Option<&str>) -> Vec<(String, String)> {
    let mut env = server.program_env();
    env.extend(name.map(|name| ("WORKSHOP_LEARNER".to_string(), name.to_string())));
    env
}

fn launch(binary: &str, args: &[&str], env: &[(String, String)]) -> anyhow::Result<Program> {
    Program::spawn(binary, args, env) // without the developer's own WORKSHOP_LEARNER
}

/// Modules 1 to 4, in the pages' order.
pub async fn run_the_workshop(server: &TestServer, name: Option<&'static str>) -> anyhow::Result<Learner> {
    let env = env(server, name);
    let dir = TempDir::new("room-learner")?;
    let own = |base: &str| name.map_or(base.to_string(), |learner| format!("{base}-{learner}"));
    let mut worker_pids = Vec::new();

    // Module 1: the worker and the starter in one program.
    let mut module01 = launch(&workspace_binary("module01")?, &["--delay-secs", "0"], &env)?;
    worker_pids.extend(module01.pid());
    assert!(module01.wait_exit().await?.success(), "{}", module01.transcript());

    // Module 2: the starter alone (no worker: it waits), then the worker and starter, which
    // re-attaches to the learner's own transfer.
    let module02 = workspace_binary("module02")?;
    let db = dir.path().join("module02.db").display().to_string();
    let port = free_port()?.to_string();
    let api = launch(&module02, &["account-api", "--port", &port, "--db", &db], &env)?;
    let module02_api = services(api, None, format!("http://127.0.0.1:{port}")).await?;
    let api_url = ["--api-url", module02_api.api_url.as_str()];
    let module02_id = own("money-transfer-workflow");
    let mut starter = launch(&module02, &[&api_url[..], &["start"]].concat(), &env)?;
    starter.wait_for(&format!("Started transfer {module02_id}:")).await?;
    let mut attached = launch(&module02, &api_url, &env)?;
    worker_pids.extend(attached.pid());
    attached.wait_for(&format!("Transfer {module02_id} is already running: re-attaching")).await?;
    for program in [&mut starter, &mut attached] {
        assert!(program.wait_exit().await?.success(), "{}", program.transcript());
    }

    // Module 3: the Daily Batch through the UI.
    let (module03_ui, pid) = transfer_services("module03", &dir, &env).await?;
    worker_pids.push(pid);
    let mut module03 = Vec::new();
    for (from, to) in DAILY_BATCH {
        let id = post_transfer(&module03_ui.ui_url, from, to, 100).await?;
        module03.push(Transfer { id, from, to, cents: 100_00 });
    }

    // Module 4: Jerry's build leaves transfers stuck on his workflow bug; the fixed build,
    // restarted on the same ports and bank, moves them on.
    let (mut jerrys, pid) = transfer_services("module04", &dir, &env).await?;
    worker_pids.push(pid);
    let mut module04 = Vec::new();
    for (from, to) in [("account_A", "account_B"), ("account_C", "account_D")] {
        let id = post_transfer(&jerrys.ui_url, from, to, 25).await?;
        module04.push(Transfer { id, from, to, cents: 25_00 });
    }
    let client = server.client();
    for transfer in &module04 {
        eventually("the workflow task to fail on Jerry's bug", || async {
            let events = history::events(&client, &transfer.id).await.ok()?;
            (history::count(&events, history::Event::WorkflowTaskFailed) > 0).then_some(())
        })
        .await?;
    }
    let initial = jerrys.initial.clone();
    jerrys.stop().await; // Ctrl-C, and its ports are free again
    let (mut module04_ui, pid) = transfer_services("module04-solution", &dir, &env).await?;
    module04_ui.initial = initial;
    worker_pids.push(pid);

    for (ui, transfers) in [(&module03_ui, &module03), (&module04_ui, &module04)] {
        for transfer in transfers {
            crate::common::wait_until_completed(&ui.ui_url, &transfer.id).await?;
        }
    }
    Ok(Learner {
        name,
        module01_id: own("print-numbers-workflow"),
        module02_id,
        module03,
        module04,
        worker_pids,
        module03_ui,
        module04_ui,
        module02_api,
        _dir: dir,
    })
}

/// `package` with no subcommand (account API, UI, worker) on ports of its own and the
/// learner's bank of that module (`<package>.db`, shared by module 4's two builds).
async fn transfer_services(package: &str, dir: &TempDir, env: &[(String, String)]) -> anyhow::Result<(Services, u32)> {
    let module = &package[..8];
    let db = dir.path().join(format!("{module}.db")).display().to_string();
    let ports = dir.path().join(format!("{module}.ports"));
    // The same ports for both builds of module 4: the learner's browser tab stays valid.
    let (api, ui) = match std::fs::read_to_string(&ports) {
        Ok(saved) => saved.split_once(' ').map(|(a, u)| (a.to_string(), u.to_string())).expect("saved ports"),
        Err(_) => (free_port()?.to_string(), free_port()?.to_string()),
    };
    std::fs::write(&ports, format!("{api} {ui}"))?;
    let args = ["--api-port", api.as_str(), "--ui-port", ui.as_str(), "--db", db.as_str()];
    let mut program = launch(&workspace_binary(package)?, &args, env)?;
    program.wait_for(workshop::said::UI_READY).await?;
    let pid = program.pid().expect("running");
    let services = services(program, Some(format!("http://127.0.0.1:{ui}")), format!("http://127.0.0.1:{api}")).await?;
    Ok((services, pid))
}

async fn services(mut program: Program, ui_url: Option<String>, api_url: String) -> anyhow::Result<Services> {
    if ui_url.is_none() {
        program.wait_for(workshop::said::ACCOUNT_API_READY).await?;
    }
    let initial = books::balances(&api_url).await?;
    Ok(Services { ui_url: ui_url.unwrap_or_default(), api_url, initial, program })
}
