//! A room on one cluster: when many learners share one Temporal namespace (Temporal Cloud, a
//! team's cluster), each needs names of their own, or one learner's worker would run
//! another's workflows against the wrong bank, and every list would show the whole room.
//!
//! `WORKSHOP_LEARNER=ana` (or `--learner ana` where a program takes flags) gives every task
//! queue and workflow id of that learner the suffix `-ana`, and with them every idempotency
//! key (made from the workflow id); [`crate::connect`] marks each workflow the learner starts
//! with the Keyword search attribute `learner = "ana"` and narrows every list and count to
//! it. With no learner on this machine's own server, the names are the pages' own. On a
//! server elsewhere with no learner set, the programs pick one from the user and host names
//! and say so: nobody shares by accident.

use std::sync::OnceLock;

use anyhow::bail;
use futures::future::BoxFuture;
use temporalio_client::errors::{ClientError, WorkflowStartError};
use temporalio_client::interceptors::{
    ClientInterceptor, CountWorkflowsInput, CountWorkflowsOutput, ListWorkflowsPageInput, ListWorkflowsPageOutput,
    Next, StartWorkflowInput, StartWorkflowOutput,
};
use temporalio_common::search_attributes::{SearchAttributeKey, SearchAttributes};

/// The search attribute that tells whose a workflow is.
pub const SEARCH_ATTRIBUTE: &str = "learner";

/// The environment variable that names the learner.
pub const VARIABLE: &str = "WORKSHOP_LEARNER";

static CHOSEN: OnceLock<Option<String>> = OnceLock::new();

/// `--learner NAME` for a program's command line (flatten it into the program's clap
/// `Parser`). The name takes effect as the flag is parsed, before anything connects; without
/// the flag, `WORKSHOP_LEARNER` decides.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LearnerFlag {
    /// Your name when several learners share one Temporal server (Temporal Cloud, a team's
    /// cluster): your task queues and workflows carry it, and you see only your own
    /// [default: WORKSHOP_LEARNER]
    #[arg(long, global = true, value_parser = choose, value_name = "NAME")]
    pub learner: Option<String>,
}

/// Sets the learner to `name`, checked (the `--learner` flag's parser).
pub fn choose(name: &str) -> Result<String, String> {
    let name = checked(name).map_err(|error| error.to_string())?;
    if CHOSEN.set(Some(name.clone())).is_err() && current() != Some(name.as_str()) {
        return Err(format!("the learner was already chosen ({:?})", current()));
    }
    Ok(name)
}

/// No learner for this program, whatever `WORKSHOP_LEARNER` says: the instructor's view of
/// the whole room (`lab room`), whose lists and counts must not be narrowed to one learner.
/// Call it before connecting; an error when `--learner` already chose one.
pub fn whole_room() -> anyhow::Result<()> {
    if CHOSEN.set(None).is_err()
        && let Some(learner) = current()
    {
        bail!("this program shows every learner's work; it takes no learner (got {learner:?})");
    }
    Ok(())
}

/// Decides the learner once, before the first name is used: the `--learner` flag, else
/// `WORKSHOP_LEARNER`, else, when `server_is_shared` (an address that is not this machine),
/// one made from the user and host names, printed. `Ok(None)`: this machine's own server,
/// the pages' names.
pub fn settle(server_is_shared: bool) -> anyhow::Result<Option<&'static str>> {
    if let Some(chosen) = CHOSEN.get() {
        return Ok(chosen.as_deref());
    }
    let name = match std::env::var(VARIABLE) {
        Ok(name) if !name.trim().is_empty() => Some(checked(&name)?),
        _ if server_is_shared => {
            let name = from_user_and_host();
            println!(
                "This Temporal server may be shared with other learners: your task queues and workflows carry the \
                 learner name {name:?}, so no one else's worker takes them. To choose the name yourself, set \
                 {VARIABLE}=<name> (letters, digits and '-')."
            );
            Some(name)
        }
        _ => None,
    };
    let _ = CHOSEN.set(name);
    Ok(current())
}

/// The learner, once settled (see [`settle`]); `None` when there is none.
pub fn current() -> Option<&'static str> {
    CHOSEN.get().and_then(|name| name.as_deref())
}

/// `name` for this learner: `name-ana`, or `name` with no learner.
pub fn own(name: &str) -> String {
    match current() {
        Some(learner) => format!("{name}-{learner}"),
        None => name.to_string(),
    }
}

/// A learner name as task queues and visibility queries take it: 1 to 32 lower-case letters,
/// digits and dashes, starting with a letter or digit.
pub fn checked(name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    let fits = !name.is_empty()
        && name.len() <= 32
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-');
    if !fits {
        bail!(
            "{VARIABLE} (or --learner) must be 1 to 32 lower-case letters, digits and '-', starting with a letter or \
             digit; got {name:?}. For example: {VARIABLE}=ana"
        );
    }
    Ok(name.to_string())
}

/// "ana-laptop" from `USER=Ana` on host `laptop.local`, within the allowed letters.
fn from_user_and_host() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "learner".into());
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let host = host.trim().split('.').next().unwrap_or_default().to_string();
    sanitized(&format!("{user}-{host}"))
}

fn sanitized(raw: &str) -> String {
    let mut name: String = raw
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' })
        .collect();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    let name: String = name.trim_matches('-').chars().take(32).collect();
    let name = name.trim_end_matches('-').to_string();
    if name.is_empty() { "learner".into() } else { name }
}

/// `query` narrowed to the learner's workflows (`query` may be empty: all of them).
pub fn narrowed(query: &str, learner: &str) -> String {
    let own = format!("{SEARCH_ATTRIBUTE} = '{learner}'");
    if query.trim().is_empty() { own } else { format!("({query}) AND {own}") }
}

/// What every client of a learner does on a shared server: it marks each workflow it starts
/// as the learner's, and lists and counts only the learner's (the Money Transfer UI, the
/// account history, the checks, any listing a program makes).
pub struct OwnWorkflows {
    learner: &'static str,
}

impl OwnWorkflows {
    /// The rules for the learner named `learner` (see [`crate::learner`]).
    pub fn new(learner: &'static str) -> Self {
        Self { learner }
    }
}

impl ClientInterceptor for OwnWorkflows {
    fn start_workflow<'a>(
        &'a self,
        mut input: StartWorkflowInput,
        next: Next<'a, StartWorkflowInput, BoxFuture<'a, Result<StartWorkflowOutput, WorkflowStartError>>>,
    ) -> BoxFuture<'a, Result<StartWorkflowOutput, WorkflowStartError>> {
        let mark = SearchAttributeKey::<String>::keyword(SEARCH_ATTRIBUTE).value_set(self.learner.to_string());
        match input.options.search_attributes.as_mut() {
            Some(attributes) => attributes.apply(mark),
            None => input.options.search_attributes = Some(SearchAttributes::new([mark])),
        }
        next.run(input)
    }

    fn list_workflows_page<'a>(
        &'a self,
        mut input: ListWorkflowsPageInput,
        next: Next<'a, ListWorkflowsPageInput, BoxFuture<'a, Result<ListWorkflowsPageOutput, ClientError>>>,
    ) -> BoxFuture<'a, Result<ListWorkflowsPageOutput, ClientError>> {
        input.query = narrowed(&input.query, self.learner);
        next.run(input)
    }

    fn count_workflows<'a>(
        &'a self,
        mut input: CountWorkflowsInput,
        next: Next<'a, CountWorkflowsInput, BoxFuture<'a, Result<CountWorkflowsOutput, ClientError>>>,
    ) -> BoxFuture<'a, Result<CountWorkflowsOutput, ClientError>> {
        input.query = narrowed(&input.query, self.learner);
        next.run(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_learner_name_is_checked_and_a_default_made_safe() {
        assert_eq!(checked(" ana-2 ").unwrap(), "ana-2");
        for bad in ["", "Ana", "ana b", "-ana", "a'; drop", &"a".repeat(33)] {
            assert!(checked(bad).is_err(), "{bad:?}");
        }
        assert_eq!(sanitized("Ana Lopez-laptop.local"), "ana-lopez-laptop-local");
        assert_eq!(sanitized("__"), "learner");
        assert!(checked(&sanitized(&format!("{}-host", "x".repeat(40)))).is_ok());
    }

    #[test]
    fn a_query_is_narrowed_to_the_learner() {
        assert_eq!(narrowed("", "ana"), "learner = 'ana'");
        assert_eq!(
            narrowed("WorkflowType = 'X' OR from_account = 'a'", "ana"),
            "(WorkflowType = 'X' OR from_account = 'a') AND learner = 'ana'"
        );
    }
}
