//! `lab`: the lab's checks and solves, run the same way on a laptop and in the Instruqt track.
//!
//!   lab check module01    exit 0 when the module's goal is reached; otherwise exit non-zero
//!                         with one `FAIL: ` line saying what is missing and what to do, the
//!                         way Instruqt shows it (see `feedback.rs`); the full list on stderr
//!   lab solve module01    do what the learner would have done, so the check passes
//!   lab room              the instructor's view of a shared namespace: each learner's
//!                         completed workflows per module (docs/room.md)
//!
//! Everything it touches comes from the environment (see `settings.rs`), so tests can point
//! it at a test server, free ports, a copy of the source tree and prebuilt binaries.

mod checks;
mod feedback;
mod learner_processes;
mod resets;
mod room;
mod settings;
mod solves;
mod temporal;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use workshop::Module;

use crate::settings::Settings;

#[derive(Parser)]
#[command(
    name = "lab",
    about = "Check or solve a workshop module (used by the Instruqt track; works on a laptop too)",
    after_help = "Environment: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (Temporal), ACCOUNT_API_URL \
                  (default http://127.0.0.1:5000), TRANSFER_UI_URL (default http://127.0.0.1:5001), \
                  WORKSHOP_DIR (source tree, default: this workspace), LAB_BIN_DIR (prebuilt module \
                  binaries; default: build them with cargo), LAB_LISTEN_HOST (interface for services a \
                  solve starts, default 127.0.0.1), LAB_TIMEOUT_SECS (longest wait, default 600)."
)]
struct Cli {
    #[command(subcommand)]
    action: Action,
    #[command(flatten)]
    learner: workshop::learner::LearnerFlag,
}

#[derive(Subcommand)]
enum Action {
    /// Has the learner done what the module asks? Exit status 0 when yes.
    Check {
        #[arg(value_parser = module_parser())]
        module: Module,
    },
    /// Do the module's exercise, so that its check passes.
    Solve {
        #[arg(value_parser = module_parser())]
        module: Module,
    },
    /// For an instructor whose learners share one namespace: each learner's completed
    /// workflows per module, and how many still run (see docs/room.md).
    Room,
}

/// A module by its name ("module03"), one of `workshop::modules::ALL`.
fn module_parser() -> impl TypedValueParser<Value = Module> {
    let names = workshop::modules::ALL.map(|module| module.name);
    PossibleValuesParser::new(names).map(|name| Module::named(&name).expect("a name of ALL"))
}

// One thread: the children a solve starts are tied to the thread that started them (they are
// killed if this process dies), and one thread keeps that thread alive until the end.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cli = Cli::parse();
    let settings = Settings::from_env();
    let code = match cli.action {
        Action::Room => match room::print().await {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("error: {error:#}");
                2
            }
        },
        Action::Check { module } => match checks::check(&settings, module).await {
            Ok(checks::Verdict::Passed(message)) => {
                println!("✔ Module {} done. {message}", module.number());
                0
            }
            Ok(checks::Verdict::Missing(problems)) => {
                feedback::fail(&feedback::summary(module.number(), &problems));
                if problems.len() > 1 {
                    eprintln!("\nModule {} is not finished yet:", module.number());
                    for problem in problems {
                        eprintln!("\n- {problem}");
                    }
                }
                1
            }
            Err(error) => {
                feedback::fail(&format!(
                    "The check for module {} could not run: {error:#}. Is the Temporal dev server up? \
                     `scripts/dev-server status` says; start it with `scripts/dev-server start` (in the lab: \
                     `scripts/dev-server start --ip 0.0.0.0 --ui-port 8080`), then check again.",
                    module.number()
                ));
                2
            }
        },
        Action::Solve { module } => match solves::solve(&settings, module).await {
            Ok(()) => match checks::check(&settings, module).await {
                Ok(checks::Verdict::Passed(message)) => {
                    println!("✔ Module {} solved. {message}", module.number());
                    0
                }
                Ok(checks::Verdict::Missing(problems)) => {
                    eprintln!("The solve for module {} ran, but the check still fails:", module.number());
                    for problem in problems {
                        eprintln!("\n- {problem}");
                    }
                    1
                }
                Err(error) => {
                    eprintln!("The solve ran, but the check could not: {error:#}");
                    2
                }
            },
            Err(error) => {
                eprintln!("Solving module {} failed: {error:#}", module.number());
                1
            }
        },
    };
    std::process::exit(code);
}
