//! `cargo run -p proof --bin doc_section -- FILE NAME < BODY`: puts the text read from stdin
//! between the `NAME` markers of FILE (`proof::doc_section`), for the scripts that measure in
//! shell (`scripts/bench-build`), so one piece of code writes every section of
//! docs/benchmarks.md.

use std::io::Read;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Writes stdin between the <!-- NAME:start --> and <!-- NAME:end --> markers of FILE")]
struct Args {
    file: PathBuf,
    name: String,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut body = String::new();
    std::io::stdin().read_to_string(&mut body)?;
    proof::doc_section::write(&args.file, &args.name, &body)
}
