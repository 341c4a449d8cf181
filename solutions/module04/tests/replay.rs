//! Module 4's replay cases (exercises/module04/tests/replay/) with the solution's workflow:
//! the fix replays Jerry's stuck transfers, so it is safe to deploy while they wait.

#[path = "../src/activities.rs"]
mod activities;
#[path = "../../../exercises/module04/tests/replay/cases.rs"]
mod cases;
#[path = "../src/workflow.rs"]
mod workflow;
