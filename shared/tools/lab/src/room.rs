//! `lab room`: the instructor's view of a room on one namespace: for each learner, how many
//! workflows of each module completed (and how many still run).
//!
//! The server will not `GROUP BY learner` (only `ExecutionStatus` can be grouped, on the dev
//! server as on Temporal Cloud), so it reads one paged listing of the workflows marked with a
//! learner and counts them here.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use temporalio_client::{Client, WorkflowExecutionStatus, WorkflowListOptions};
use temporalio_common::search_attributes::SearchAttributeKey;
use workshop::learner::SEARCH_ATTRIBUTE;
use workshop::modules::ALL;

/// Per module (in `ALL`'s order), the completed and the running workflows of one learner.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Progress {
    pub completed: [usize; ALL.len()],
    pub running: usize,
}

/// The visibility query of every learner's workshop workflows.
pub fn query() -> String {
    let types: Vec<String> = ALL.iter().map(|module| format!("'{}'", module.workflow_type)).collect();
    format!("{SEARCH_ATTRIBUTE} IS NOT NULL AND WorkflowType IN ({})", types.join(", "))
}

/// Each learner's progress, read from the server.
pub async fn progress(client: &Client) -> anyhow::Result<BTreeMap<String, Progress>> {
    let learner = SearchAttributeKey::<String>::keyword(SEARCH_ATTRIBUTE);
    let mut executions = client.list_workflows(query(), WorkflowListOptions::default());
    let mut room: BTreeMap<String, Progress> = BTreeMap::new();
    while let Some(execution) = executions.try_next().await? {
        let Some(name) = execution.search_attributes().get(&learner) else { continue };
        let Some(module) = ALL.iter().position(|module| module.workflow_type == execution.workflow_type()) else {
            continue;
        };
        let progress = room.entry(name).or_default();
        match execution.status() {
            WorkflowExecutionStatus::Completed => progress.completed[module] += 1,
            WorkflowExecutionStatus::Running => progress.running += 1,
            _ => {}
        }
    }
    Ok(room)
}

/// The table `lab room` prints: a line per learner, a column per module.
pub fn table(room: &BTreeMap<String, Progress>) -> String {
    let width = room.keys().map(String::len).max().unwrap_or(0).max("learner".len());
    let mut text = format!("{:<width$}", "learner");
    for module in ALL {
        text.push_str(&format!("  {:>8}", module.name));
    }
    text.push_str(&format!("  {:>8}\n", "running"));
    for (name, progress) in room {
        text.push_str(&format!("{name:<width$}"));
        for completed in progress.completed {
            text.push_str(&format!("  {completed:>8}"));
        }
        text.push_str(&format!("  {:>8}\n", progress.running));
    }
    text
}

/// Connects without a learner (the whole room) and prints the table.
pub async fn print() -> anyhow::Result<()> {
    workshop::learner::whole_room()?;
    let (client, target) = workshop::connect().await?;
    let room = progress(&client).await?;
    if room.is_empty() {
        println!("No learner's workflow on {target} yet (none marked with the `{SEARCH_ATTRIBUTE}` search attribute).");
        return Ok(());
    }
    println!("Completed workflows per learner and module on {target}:\n");
    print!("{}", table(&room));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_line_per_learner_and_a_column_per_module() {
        let room = BTreeMap::from([
            ("ana".to_string(), Progress { completed: [1, 1, 5, 0], running: 2 }),
            ("bo-laptop".to_string(), Progress::default()),
        ]);
        let table = table(&room);
        let lines: Vec<Vec<&str>> = table.lines().map(|line| line.split_whitespace().collect()).collect();
        assert_eq!(lines[0], ["learner", "module01", "module02", "module03", "module04", "running"]);
        assert_eq!(lines[1], ["ana", "1", "1", "5", "0", "2"]);
        assert_eq!(lines[2], ["bo-laptop", "0", "0", "0", "0", "0"]);
    }
}
