//! A worker whose first call to the server falls into a silent partition (the chaos run's
//! seed 2: a restarted worker blackholed 0.1 s after it said "Worker on") waits for the
//! network and then polls, instead of exiting while the workshop says it is on.

use std::time::Duration;

use temporalio_client::tonic::IntoRequest;
use temporalio_client::{Client, ClientOptions, ConnectionOptions, Url};
use temporalio_common::protos::temporal::api::enums::v1::TaskQueueType;
use temporalio_common::protos::temporal::api::taskqueue::v1::TaskQueue;
use temporalio_common::protos::temporal::api::workflowservice::v1::DescribeTaskQueueRequest;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{Worker, WorkerOptions};
use testkit::proxy::{FaultProxy, LinkState};
use testkit::{PATIENCE, TestServer, eventually};

const TASK_QUEUE: &str = "worker-start-test";

/// A worker needs something to run; nothing asks for it here.
pub struct Idle;

#[activities]
impl Idle {
    #[activity]
    // No workflow calls it, so the macro's handle for calling it (`Idle::idle`) stays unused.
    #[allow(dead_code)]
    pub async fn idle(_ctx: ActivityContext) -> Result<(), ActivityError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_worker_whose_first_call_is_blackholed_polls_after_the_heal() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let link = FaultProxy::start(server.port()).await?;
    let client = connect(&format!("127.0.0.1:{}", link.port()), "default").await?;
    let worker =
        Worker::new(workshop::runtime()?, client, WorkerOptions::new(TASK_QUEUE).register_activities(Idle).build())?;

    // Its first call (the namespace check) goes into the hole: the keepalive gives up on it
    // after 17 s, longer than the SDK retries one call by itself (10 s).
    link.set(LinkState::Blackholed);
    let healed_and_polled = async {
        tokio::time::sleep(Duration::from_secs(20)).await;
        link.set(LinkState::Open);
        eventually("the worker's pollers on its task queue, after the heal", || async {
            (pollers(&server.client()).await > 0).then_some(())
        })
        .await
    };
    // Before, the worker's run ended at 17 s: "worker validation failed … KeepAliveTimedOut".
    let ran = tokio::time::timeout(PATIENCE, workshop::run_beside_worker(worker, healed_and_polled)).await?;
    assert!(ran?.is_some(), "the job ran to its end, beside a worker that kept going");
    Ok(())
}

/// A client of `namespace` at `address`, its connection set up as the workshop's programs set
/// theirs (the keepalive that notices a silent connection).
async fn connect(address: &str, namespace: &str) -> anyhow::Result<Client> {
    let mut options = ConnectionOptions::new(Url::parse(&format!("http://{address}"))?).build();
    workshop::connection::notice_silent_connections(&mut options);
    let connection = temporal_connect::connect(options).await?;
    Ok(Client::new(connection, ClientOptions::new(namespace).build())?)
}

/// The pollers the server lists on the task queue (activities: all this worker runs).
async fn pollers(client: &Client) -> usize {
    let request = DescribeTaskQueueRequest {
        namespace: "default".into(),
        task_queue: Some(TaskQueue { name: TASK_QUEUE.into(), ..Default::default() }),
        task_queue_type: TaskQueueType::Activity as i32,
        ..Default::default()
    };
    let described = client.connection().workflow_service().describe_task_queue(request.into_request()).await;
    described.map(|d| d.into_inner().pollers.len()).unwrap_or(0)
}

/// The starter beside the worker fails (here at once, as when it cannot reach the server):
/// the run ends with its error, even while the worker still waits for the server.
#[tokio::test]
async fn a_job_that_fails_while_the_server_is_gone_ends_the_run() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let worker = Worker::new(
        workshop::runtime()?,
        server.client(),
        WorkerOptions::new(TASK_QUEUE).register_activities(Idle).build(),
    )?;
    server.shutdown().await?;
    let job = async { anyhow::Result::<()>::Err(anyhow::anyhow!("the starter could not reach the server")) };
    let ran = tokio::time::timeout(PATIENCE, workshop::run_beside_worker(worker, job)).await;
    let error = format!("{:#}", ran.expect("the run ended").expect_err("the job's error"));
    assert!(error.contains("the starter could not reach the server"), "{error}");
    Ok(())
}

/// A namespace the server does not have ends the worker at once (no retry), saying what to do.
#[tokio::test]
async fn an_unknown_namespace_ends_the_worker_with_what_to_do() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let client = connect(&server.address(), "nope").await?;
    let worker =
        Worker::new(workshop::runtime()?, client, WorkerOptions::new(TASK_QUEUE).register_activities(Idle).build())?;
    let waits_for_the_worker = std::future::pending::<anyhow::Result<()>>();
    let ran = tokio::time::timeout(PATIENCE, workshop::run_beside_worker(worker, waits_for_the_worker)).await;
    let error = format!("{:#}", ran.expect("the run ended").expect_err("no such namespace"));
    assert!(error.contains("has no namespace 'nope'"), "{error}");
    assert!(error.contains("scripts/temporal operator namespace create --namespace nope"), "{error}");
    Ok(())
}
