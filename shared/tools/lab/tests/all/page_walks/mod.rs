//! Each Instruqt page walked as a learner walks it: its commands run in the page's order,
//! against a Temporal dev server and services on free ports, and every output line the page
//! quotes must appear in what the programs printed (`testkit::pages::Walk`).

mod module01;
mod module02;
mod module03;
mod module04;
