//! The lesson: a workflow whose progress lives in the Temporal server, not in this process.

use std::time::Duration;

use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{ActivityOptions, WorkflowContext, WorkflowResult};

#[workflow]
#[derive(Default)]
pub struct PrintNumbersWorkflow;

#[workflow_methods]
impl PrintNumbersWorkflow {
    /// Prints 1..10, one activity per number, with a durable timer in between.
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>, delay_secs: u64) -> WorkflowResult<String> {
        for number in 1..=10u32 {
            ctx.execute_activity(
                PrintActivities::print_number,
                number,
                ActivityOptions::start_to_close_timeout(Duration::from_secs(5)),
            )
            .await?;
            if number < 10 {
                // A durable timer: the server keeps it, so it survives this worker dying.
                // (Never tokio::time::sleep in workflow code: the server would not know.)
                ctx.timer(Duration::from_secs(delay_secs)).await;
            }
        }
        Ok("Workflow completed".to_string())
    }
}

pub struct PrintActivities;

#[activities]
impl PrintActivities {
    /// The side effect: prints the number on the worker's terminal.
    #[activity]
    pub async fn print_number(ctx: ActivityContext, number: u32) -> Result<(), ActivityError> {
        let attempt = ctx.info().attempt;
        let retry = if attempt > 1 { format!(" (attempt {attempt})") } else { String::new() };
        println!("print_number({number}) -> {number}{retry}");
        Ok(())
    }
}
