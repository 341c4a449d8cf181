//! A worker's activity that calls another URL than the worker's account API, and gets no
//! answer or a foreign one, says where the worker's bank is: the learner reads the URL instead
//! of restarting a bank that runs. (Alone in its process: the worker's bank is per process, and
//! the other tests' clients must not name it.)

use bank::client::{ACTIVITY_CALL_TIMEOUT, STEP_TIMEOUT};
use bank::{AccountClient, Cents};

use crate::common;

#[tokio::test]
async fn a_call_elsewhere_names_the_workers_account_api() {
    if !common::alone_in_process(concat!(module_path!(), "::a_call_elsewhere_names_the_workers_account_api")) {
        return;
    }
    let api = common::start().await;
    let workers = AccountClient::for_activities(&api.url);
    assert_eq!(workers.balance("account_A").await.unwrap(), Cents::dollars(1000), "the worker's own bank answers");

    // Nothing listens here (a port taken, then freed).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere = format!("http://127.0.0.1:{port}");
    let error = AccountClient::new(&nowhere).withdraw("account_A", Cents::dollars(1), None).await.unwrap_err();
    let expected = format!(
        "account API at {nowhere} did not answer, and the worker's account API is {}, not {nowhere}: is the URL \
         in the code right?",
        api.url
    );
    assert_eq!(error.to_string(), expected);
    assert!(error.is_retryable(), "fix the URL and the next attempt succeeds");

    // Something that is not the account API answers here (in the lab, port 8080 is the Temporal UI).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, axum::Router::new()).await });
    let error = AccountClient::new(&other).withdraw("account_A", Cents::dollars(1), None).await.unwrap_err();
    let named = format!(
        "{other} answered 404 Not Found, and not like the account API: the worker's account API is {}",
        api.url
    );
    assert!(error.to_string().starts_with(&named), "{error}");
}

/// The workflows give each step STEP_TIMEOUT (asserted on the histories of real transfers in
/// the tests of module 2, module 3 and module 4's fix): a call that gets no answer fails with
/// its own message ("did not answer within 8s") before the step times out.
#[test]
fn an_activity_call_stops_waiting_before_its_step_times_out() {
    assert!(ACTIVITY_CALL_TIMEOUT < STEP_TIMEOUT);
}
