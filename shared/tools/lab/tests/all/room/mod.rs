//! A room on one cluster: learners `ana` and `bo` (WORKSHOP_LEARNER) and one with no name do
//! modules 1 to 4 at the same time on one dev server. Each sees only their own workflows in
//! the Money Transfer UI (list, account history, cards), every activity of their workflows
//! ran in one of their own processes, and their books are exact. Then `lab room` counts what
//! each named learner completed.

mod books;
mod instructor_page;
mod learner;

use serde_json::Value;
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use testkit::{Program, TestServer, history};

use learner::{Learner, run_the_workshop};

#[tokio::test]
async fn learners_on_one_server_never_see_or_run_each_others_work() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let (ana, bo, nameless) = tokio::try_join!(
        run_the_workshop(&server, Some("ana")),
        run_the_workshop(&server, Some("bo")),
        run_the_workshop(&server, None),
    )?;
    let room = [&ana, &bo, &nameless];

    for learner in room {
        let others: Vec<&Learner> = room.into_iter().filter(|other| other.name != learner.name).collect();
        ran_on_their_own_workers(&server, learner).await?;
        if learner.name.is_some() {
            sees_only_their_own(learner, &others).await?;
        } else {
            // On this machine's server with no name: the pages' names, and an unmarked workflow.
            assert_eq!(learner.module01_id, "print-numbers-workflow");
            let events = history::events(&server.client(), &learner.module03[0].id).await?;
            assert_eq!(task_queue(&events), "module03-transfer-task-queue");
        }
        books_are_exact(learner).await?;
    }
    lab_room_counts_each_learners_work(&server).await
}

/// The UI's list, an account's history and the cards of modules 3 and 4: the learner's own.
async fn sees_only_their_own(learner: &Learner, others: &[&Learner]) -> anyhow::Result<()> {
    let who = learner.who();
    for (ui, own) in [(&learner.module03_ui, &learner.module03), (&learner.module04_ui, &learner.module04)] {
        let mut expected: Vec<&str> = own.iter().map(|transfer| transfer.id.as_str()).collect();
        expected.sort();
        assert_eq!(listed(&ui.ui_url, "/api/workflows").await?, expected, "{who}'s list at {}", ui.ui_url);
        let sent_by_a: Vec<&str> =
            own.iter().filter(|t| t.from == "account_A" || t.to == "account_A").map(|t| t.id.as_str()).collect();
        assert_eq!(listed(&ui.ui_url, "/api/accounts/account_A/workflows").await?, sent_by_a, "{who}'s account_A");
        for other in others {
            for transfer in other.module03.iter().chain(&other.module04) {
                let card = reqwest::get(format!("{}/api/workflows/{}", ui.ui_url, transfer.id)).await?;
                assert_eq!(card.status(), 404, "{who}'s UI shows {}'s card {}", other.who(), transfer.id);
            }
        }
    }
    Ok(())
}

/// The workflow ids a UI route lists, sorted.
async fn listed(ui_url: &str, route: &str) -> anyhow::Result<Vec<String>> {
    let answer: Value = reqwest::get(format!("{ui_url}{route}")).await?.json().await?;
    let mut ids: Vec<String> = answer["workflows"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|view| view["workflow_id"].as_str().expect("an id").to_string())
        .collect();
    ids.sort();
    Ok(ids)
}

/// Every activity and workflow task of the learner's workflows ran in one of the learner's
/// own processes (the SDK's identity is `pid@host`), on the learner's own task queue.
async fn ran_on_their_own_workers(server: &TestServer, learner: &Learner) -> anyhow::Result<()> {
    let client = server.client();
    let transfers = learner.module03.iter().chain(&learner.module04).map(|transfer| transfer.id.clone());
    let ids: Vec<String> =
        [learner.module01_id.clone(), learner.module02_id.clone()].into_iter().chain(transfers).collect();
    let own_pids: Vec<String> = learner.worker_pids.iter().map(|pid| format!("{pid}@")).collect();
    for id in ids {
        let events = history::events(&client, &id).await?;
        let queue = task_queue(&events);
        assert!(queue.ends_with(&learner.own("task-queue")) || learner.name.is_none(), "{id} on {queue}");
        let identities = identities(&events);
        assert!(identities.iter().any(|(kind, _)| *kind == "activity"), "{id}: no activity ran");
        for (kind, identity) in identities {
            assert!(
                own_pids.iter().any(|pid| identity.starts_with(pid)),
                "{}'s {id}: an {kind} ran on {identity}, not in one of their processes {own_pids:?}",
                learner.who()
            );
        }
    }
    Ok(())
}

/// The task queue the workflow was started on.
fn task_queue(events: &[HistoryEvent]) -> String {
    events
        .iter()
        .find_map(|event| match &event.attributes {
            Some(Attributes::WorkflowExecutionStartedEventAttributes(a)) => {
                a.task_queue.as_ref().map(|q| q.name.clone())
            }
            _ => None,
        })
        .expect("a start event")
}

/// Who ran each activity and each workflow task.
fn identities(events: &[HistoryEvent]) -> Vec<(&'static str, String)> {
    events
        .iter()
        .filter_map(|event| match &event.attributes {
            Some(Attributes::ActivityTaskStartedEventAttributes(a)) => Some(("activity", a.identity.clone())),
            Some(Attributes::WorkflowTaskCompletedEventAttributes(a)) => Some(("workflow task", a.identity.clone())),
            _ => None,
        })
        .collect()
}

async fn books_are_exact(learner: &Learner) -> anyhow::Result<()> {
    let who = learner.who();
    let module02 =
        [books::Transfer { id: learner.module02_id.clone(), from: "account_A", to: "account_B", cents: 100_00 }];
    for (bank, transfers) in [
        (&learner.module02_api, &module02[..]),
        (&learner.module03_ui, &learner.module03[..]),
        (&learner.module04_ui, &learner.module04[..]),
    ] {
        books::assert_exact(&who, &bank.api_url, &bank.initial, transfers).await?;
    }
    Ok(())
}

/// `lab room`: one line per named learner, one completed workflow of modules 1 and 2, the
/// five of the Daily Batch, module 4's two; the learner with no name is not counted.
async fn lab_room_counts_each_learners_work(server: &TestServer) -> anyhow::Result<()> {
    let mut room = Program::spawn(env!("CARGO_BIN_EXE_lab"), &["room"], &server.program_env())?;
    assert!(room.wait_exit().await?.success(), "{}", room.transcript());
    let lines: Vec<Vec<String>> =
        room.lines().iter().map(|line| line.split_whitespace().map(String::from).collect()).collect();
    let row = |name: &str| lines.iter().find(|line| line.first().is_some_and(|first| first == name)).cloned();
    assert_eq!(row("learner").expect("a header")[1..], ["module01", "module02", "module03", "module04", "running"]);
    for name in ["ana", "bo"] {
        assert_eq!(row(name).expect("a line per learner")[1..], ["1", "1", "5", "2", "0"], "{}", room.transcript());
    }
    assert_eq!(
        lines.iter().filter(|line| line.len() == 6).count(),
        3,
        "only the named learners:\n{}",
        room.transcript()
    );
    Ok(())
}
