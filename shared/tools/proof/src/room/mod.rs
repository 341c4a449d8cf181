//! The room benchmark's parts: other learners' workflows filling the namespace
//! ([`fill`]), one learner's module 3 doing the Daily Batch as the page does ([`learner`]),
//! and the table ([`report`]).

pub mod fill;
pub mod learner;
pub mod report;
