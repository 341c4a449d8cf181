//! Replay: is a change to the workflow safe to deploy while transfers are in flight?
//!
//! A worker that picks up a running transfer replays its history: it runs the workflow code
//! from the start and checks that the code asks for the same steps, in the same order, as
//! the ones the history recorded. `WorkflowReplayer` does the same here, without a server,
//! with the histories of Jerry's stuck transfers (tests/fixtures/) and today's workflow code.
//!
//! How the fixtures were made: `scripts/record-replay-fixtures` ran the exercise as
//! committed (Jerry's code) with `module04` against an isolated dev server, started three
//! transfers through the UI's API, waited until Jerry's panic had failed each one's workflow
//! task, and saved each history with the SDK's `WorkflowHistory::to_json`
//! (tests/record_replay_fixtures.rs). Not with `temporal workflow show --output json`: that
//! writes proto JSON, which `WorkflowHistory::from_json` of SDK 1.1 cannot read.
//!
//! The cases are in replay/cases.rs, shared with the solution's own replay test.

#[path = "../src/activities.rs"]
mod activities;
#[path = "replay/cases.rs"]
mod cases;
#[path = "../src/workflow.rs"]
mod workflow;
