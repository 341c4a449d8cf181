//! A typed client for the account API.
//!
//! Its errors answer the one question a caller has to get right: *is it
//! worth trying again?* A business error (bad input, unknown account,
//! insufficient funds, a reused key) will fail the same way every time. A
//! transient error (5xx, timeout, no answer) might succeed on a retry — but
//! the first attempt may also have gone through, so retry with the same
//! `reference_id`.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use crate::db::{Account, LedgerEntry};
use crate::money::Cents;
use crate::real_world_mode::{RealWorldModeSettings, RealWorldModeUpdate};
use crate::wire::{
    DepositResponse, DiskFull, DiskFullUpdate, ErrorBody, Health, MoveMoneyRequest, ResetResponse, WithdrawResponse,
    codes,
};

/// How long the client waits for an answer unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The start-to-close timeout the workflows give each step (`step_options` in each workflow.rs).
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// How long an activity's call waits for the bank: less than [`STEP_TIMEOUT`], so that the
/// failure the learner sees is the call's own ("did not answer within 8s"), not a bare timeout.
pub const ACTIVITY_CALL_TIMEOUT: Duration = Duration::from_secs(8);

/// The account API this process's activities were given (`--api-url`): a call from an activity
/// that went elsewhere and failed says where the worker's bank is (see [`AccountClient::for_activities`]).
static ACTIVITIES_API_URL: OnceLock<String> = OnceLock::new();

/// Why a call to the account API failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// The API understood the request and said no (400, 404, 409, 422).
    /// Retrying the same request cannot help.
    #[error("account API refused the request ({status} {code}): {message}")]
    Business {
        /// The HTTP status of the refusal.
        status: u16,
        /// The API's error code ([`crate::wire::codes`]), e.g. `insufficient_funds`.
        code: String,
        /// The API's message for a person.
        message: String,
        /// Only for `insufficient_funds`.
        current_balance: Option<Cents>,
        /// Only for `insufficient_funds`.
        requested_amount: Option<Cents>,
    },

    /// The API failed or did not answer (5xx, timeout, connection refused), or something
    /// that is not the account API answered (a wrong URL). Worth retrying; a change may or
    /// may not have been applied.
    #[error("{message}")]
    Transient {
        /// `None` when no HTTP answer arrived at all.
        status: Option<u16>,
        /// The API's error code, when it sent one.
        code: Option<String>,
        /// What went wrong, for a person: the API's message or the transport's error.
        message: String,
    },

    /// A success answer we could not read (e.g. not the JSON we expected): a bug or the wrong
    /// server. Retryable too: once the code or the URL is fixed, the next attempt succeeds.
    #[error("unexpected answer from the account API: {message}")]
    Unexpected {
        /// What could not be read, and what arrived instead.
        message: String,
    },
}

impl ClientError {
    /// True for errors that a retry might fix: everything but the bank's own refusals.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, ClientError::Business { .. })
    }

    /// The API's machine-readable error code, if it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Business { code, .. } => Some(code),
            ClientError::Transient { code, .. } => code.as_deref(),
            ClientError::Unexpected { .. } => None,
        }
    }

    /// The HTTP status, if an HTTP answer arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Business { status, .. } => Some(*status),
            ClientError::Transient { status, .. } => *status,
            ClientError::Unexpected { .. } => None,
        }
    }

    /// Whether the bank refused a withdrawal for want of money: final, a retry will not help.
    pub fn is_insufficient_funds(&self) -> bool {
        self.code() == Some(codes::INSUFFICIENT_FUNDS)
    }
}

/// A client for one account API (e.g. [`DEFAULT_API_URL`](crate::DEFAULT_API_URL)).
///
/// # Examples
///
/// An account API in this process (port `0`: a free one; `:memory:`: a bank that goes with
/// it), and a withdrawal through the client:
///
/// ```
/// use bank::{AccountApiConfig, AccountClient, Cents};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> anyhow::Result<()> {
/// let config = AccountApiConfig { port: 0, db_path: ":memory:".into(), ..AccountApiConfig::default() };
/// let api = bank::bind(&config).await?;
/// let client = AccountClient::new(api.url());
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// let serving = tokio::spawn(api.serve(async {
///     let _ = stopped.await;
/// }));
///
/// let receipt = client.withdraw("account_A", Cents::dollars(100), Some("doc-1".into())).await?;
/// assert_eq!(receipt.new_balance, Cents::dollars(900));
/// // The same key again: the first answer, not a second withdrawal.
/// let again = client.withdraw("account_A", Cents::dollars(100), Some("doc-1".into())).await?;
/// assert_eq!(again.new_balance, Cents::dollars(900));
/// assert_eq!(client.balance("account_A").await?, Cents::dollars(900));
///
/// let _ = stop.send(());
/// serving.await??;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AccountClient {
    base_url: String,
    timeout: Duration,
    /// The step timeout this client's calls stop waiting before, when it serves activities.
    step_timeout: Option<Duration>,
    http: reqwest::Client,
}

impl AccountClient {
    /// A client with the [`DEFAULT_TIMEOUT`].
    pub fn new(base_url: impl Into<String>) -> AccountClient {
        AccountClient::with_timeout(base_url, DEFAULT_TIMEOUT)
    }

    /// # Panics
    /// If the HTTP client cannot be built, which for plain HTTP only
    /// happens when the system is out of resources.
    pub fn with_timeout(base_url: impl Into<String>, timeout: Duration) -> AccountClient {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            // The account API is local; a system proxy would only get in the way.
            .no_proxy()
            .build()
            .expect("building a plain-HTTP client");
        let base_url = base_url.into().trim_end_matches('/').to_string();
        AccountClient { base_url, timeout, step_timeout: None, http }
    }

    /// The client a worker's activities call the bank with: it stops waiting before the step's
    /// timeout, and it is the bank the worker was given, which a failed call to another URL
    /// names.
    pub fn for_activities(base_url: impl Into<String>) -> AccountClient {
        let client = AccountClient::with_timeout(base_url, ACTIVITY_CALL_TIMEOUT).stopping_before(STEP_TIMEOUT);
        let _ = ACTIVITIES_API_URL.set(client.base_url.clone()); // one worker's bank per process
        client
    }

    /// Says, when a call gets no answer in time, that it stopped waiting before `step_timeout`.
    pub fn stopping_before(mut self, step_timeout: Duration) -> AccountClient {
        self.step_timeout = Some(step_timeout);
        self
    }

    /// The account API's address, as given (`http://127.0.0.1:5000`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `GET /health`: whether the API answers, and whether Real World Mode is on.
    pub async fn health(&self) -> Result<Health, ClientError> {
        self.send(self.request(Method::GET, "/health")).await
    }

    /// An account's balance now; `Business` with `unknown_account` when there is no such account.
    pub async fn balance(&self, account_id: &str) -> Result<Cents, ClientError> {
        let path = format!("/accounts/{}", encode(account_id));
        let account: Account = self.send(self.request(Method::GET, &path)).await?;
        Ok(account.balance)
    }

    /// Every account with its balance, in id order.
    pub async fn list_accounts(&self) -> Result<Vec<Account>, ClientError> {
        self.send(self.request(Method::GET, "/accounts")).await
    }

    /// Takes `amount` out of an account. The same `reference_id` again returns the first answer instead of withdrawing twice.
    /// // An error says by its variant whether a retry can help: [`ClientError::Transient`] yes, [`ClientError::Business`] no.
    pub async fn withdraw(
        &self,
        account_id: &str,
        amount: Cents,
        reference_id: Option<String>,
    ) -> Result<WithdrawResponse, ClientError> {
        let path = format!("/accounts/{}/withdraw", encode(account_id));
        let body = MoveMoneyRequest { amount, reference_id };
        self.send(self.request(Method::POST, &path).json(&body)).await
    }

    /// Puts `amount` into an account; idempotent by `reference_id` like [`withdraw`](Self::withdraw).
    pub async fn deposit(
        &self,
        account_id: &str,
        amount: Cents,
        reference_id: Option<String>,
    ) -> Result<DepositResponse, ClientError> {
        let path = format!("/accounts/{}/deposit", encode(account_id));
        let body = MoveMoneyRequest { amount, reference_id };
        self.send(self.request(Method::POST, &path).json(&body)).await
    }

    /// Ledger entries, oldest first; only one account's if given.
    pub async fn ledger(&self, account_id: Option<&str>) -> Result<Vec<LedgerEntry>, ClientError> {
        let path = match account_id {
            Some(id) => format!("/ledger?account={}", encode(id)),
            None => "/ledger".to_string(),
        };
        self.send(self.request(Method::GET, &path)).await
    }

    /// Back to the initial balances with an empty ledger.
    pub async fn reset(&self) -> Result<ResetResponse, ClientError> {
        // An empty JSON object: the account API takes only JSON posts (see web::front_door).
        self.send(self.request(Method::POST, "/admin/reset").json(&serde_json::json!({}))).await
    }

    /// Real World Mode's settings in force now.
    pub async fn real_world_mode(&self) -> Result<RealWorldModeSettings, ClientError> {
        self.send(self.request(Method::GET, "/admin/real-world-mode")).await
    }

    /// Switches Real World Mode on or off, keeping its other settings.
    pub async fn set_real_world_mode(&self, enabled: bool) -> Result<RealWorldModeSettings, ClientError> {
        let update = RealWorldModeUpdate { enabled: Some(enabled), ..Default::default() };
        self.update_real_world_mode(&update).await
    }

    /// Changes any Real World Mode settings; fields left `None` stay as they are.
    pub async fn update_real_world_mode(
        &self,
        update: &RealWorldModeUpdate,
    ) -> Result<RealWorldModeSettings, ClientError> {
        self.send(self.request(Method::POST, "/admin/real-world-mode").json(update)).await
    }

    /// Whether the bank's database is kept full, and the changes refused since it filled.
    pub async fn disk_full(&self) -> Result<DiskFull, ClientError> {
        self.send(self.request(Method::GET, "/admin/disk-full")).await
    }

    /// Fills the bank's disk (`true`: the database may not grow) or frees it (`false`).
    pub async fn set_disk_full(&self, full: bool) -> Result<DiskFull, ClientError> {
        self.send(self.request(Method::POST, "/admin/disk-full").json(&DiskFullUpdate { full })).await
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base_url))
    }

    /// Sends, then sorts the outcome into success, business or transient.
    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ClientError> {
        let response = request.send().await.map_err(|error| self.no_answer(&error))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| self.no_answer(&error))?;

        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|error| {
                let elsewhere = workers_bank_elsewhere(&self.base_url).map(|e| format!(" ({e})")).unwrap_or_default();
                let message =
                    format!("{status} with a body we could not read ({error}){elsewhere}: {}", preview(&body));
                ClientError::Unexpected { message }
            });
        }
        let error_body: Option<ErrorBody> = serde_json::from_slice(&body).ok();
        Err(classify(status, error_body, &body, &self.base_url))
    }

    /// The learner-friendly message for a request that got no HTTP answer.
    fn no_answer(&self, error: &reqwest::Error) -> ClientError {
        let url = &self.base_url;
        let message = if error.is_timeout() {
            let limit = match self.step_timeout {
                Some(step) => format!("{:?} (a call stops waiting before the step's {step:?} timeout)", self.timeout),
                None => format!("{:?}", self.timeout),
            };
            format!("account API at {url} did not answer within {limit}; the request may or may not have been applied")
        } else if error.is_connect() {
            match workers_bank_elsewhere(url) {
                Some(elsewhere) => format!("account API at {url} did not answer, and {elsewhere}"),
                None => {
                    format!("account API at {url} did not answer: is it running? Start the account API and try again")
                }
            }
        } else {
            format!("account API at {url} could not be reached: {error}")
        };
        ClientError::Transient { status: None, code: None, message }
    }
}

/// For a call from a worker's activity to another URL than the worker's account API: where
/// that one is. A learner reading "did not answer" should look at the URL, not restart a bank.
fn workers_bank_elsewhere(url: &str) -> Option<String> {
    let workers = ACTIVITIES_API_URL.get().filter(|workers| workers.as_str() != url)?;
    Some(format!("the worker's account API is {workers}, not {url}: is the URL in the code right?"))
}

/// Only the bank's own refusals (a 4xx with its JSON error body) are business errors.
/// Everything else (5xx, "try later", or a 4xx from something that is not the account API,
/// such as a wrong URL) is transient: fix the cause and a retry can succeed.
fn classify(status: StatusCode, body: Option<ErrorBody>, raw: &[u8], base_url: &str) -> ClientError {
    match body {
        Some(body)
            if status.is_client_error()
                && !matches!(status, StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS) =>
        {
            ClientError::Business {
                status: status.as_u16(),
                code: body.code,
                message: body.error,
                current_balance: body.current_balance,
                requested_amount: body.requested_amount,
            }
        }
        Some(body) => ClientError::Transient {
            status: Some(status.as_u16()),
            code: Some(body.code),
            message: format!("account API answered {status}: {}", body.error),
        },
        None => ClientError::Transient {
            status: Some(status.as_u16()),
            code: None,
            message: match workers_bank_elsewhere(base_url) {
                Some(elsewhere) => format!(
                    "{base_url} answered {status}, and not like the account API: {elsewhere} It answered: {}",
                    preview(raw)
                ),
                None => {
                    format!("{base_url} answered {status}, and not like the account API (wrong URL?): {}", preview(raw))
                }
            },
        },
    }
}

/// The start of a response body, for error messages.
fn preview(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(200).collect()
}

/// Percent-encodes a path or query component, so an odd account id cannot
/// change which route is called.
fn encode(component: &str) -> String {
    let mut encoded = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_sort_into_business_and_transient() {
        let body = |code: &str| {
            Some(ErrorBody { error: "no".into(), code: code.into(), current_balance: None, requested_amount: None })
        };
        for status in [400, 404, 409, 422] {
            let error = classify(StatusCode::from_u16(status).unwrap(), body("x"), b"", "http://bank");
            assert!(!error.is_retryable(), "{status}");
            assert_eq!(error.status(), Some(status));
        }
        for status in [500, 502, 503, 504, 408, 429] {
            let error = classify(StatusCode::from_u16(status).unwrap(), body("x"), b"", "http://bank");
            assert!(error.is_retryable(), "{status}");
        }
        // A 404 page that is not the bank's JSON: some other server (a wrong URL). Retrying
        // helps once the URL is fixed.
        let plain = classify(StatusCode::NOT_FOUND, None, b"Not Found", "http://elsewhere:8080");
        assert!(plain.is_retryable());
        assert_eq!(plain.status(), Some(404));
        assert!(plain.to_string().contains("http://elsewhere:8080"), "the message names the URL: {plain}");
    }

    #[test]
    fn a_full_disk_answer_reads_as_the_chaos_run_counts_it() {
        let body = ErrorBody {
            error: "The bank's database is full".into(),
            code: crate::wire::codes::DISK_FULL.into(),
            current_balance: None,
            requested_amount: None,
        };
        let refused = classify(StatusCode::INSUFFICIENT_STORAGE, Some(body), b"", "http://bank");
        assert!(refused.is_retryable());
        assert!(refused.to_string().contains(crate::said::DISK_FULL_ANSWER), "{refused}");
    }

    #[test]
    fn encodes_odd_ids() {
        assert_eq!(encode("account_A"), "account_A");
        assert_eq!(encode("a/b c"), "a%2Fb%20c");
    }
}
