//! `scripts/dev-server`: start, stop or check the workshop's local Temporal dev server.

use clap::{Parser, Subcommand};
use workshop::dev_server::{DevServer, Status};
use workshop::paths;

#[derive(Parser)]
#[command(about = "Start, stop or check the workshop's local Temporal dev server")]
struct Cli {
    #[command(subcommand)]
    action: Action,
    /// Interface to listen on (the lab uses 0.0.0.0 so browser tabs can reach it).
    #[arg(long, global = true, default_value = "127.0.0.1")]
    ip: String,
    /// gRPC port.
    #[arg(long, global = true, default_value_t = 7233)]
    port: u16,
    /// Web UI port (the lab uses 8080).
    #[arg(long, global = true, default_value_t = 8233)]
    ui_port: u16,
    /// Run without the Web UI.
    #[arg(long, global = true)]
    headless: bool,
}

#[derive(Subcommand)]
enum Action {
    /// Start the server in the background (does nothing if one already answers).
    Start,
    /// Stop the server this checkout started.
    Stop,
    /// Say whether it is running; exit status 0 only when it is.
    Status,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let server = DevServer {
        ip: cli.ip,
        port: cli.port,
        ui_port: (!cli.headless).then_some(cli.ui_port),
        ..DevServer::default()
    };
    let code = match cli.action {
        Action::Start => match server.ensure_running().await {
            Ok(true) => {
                println!("{}", server.started_message());
                0
            }
            Ok(false) => {
                println!("A Temporal server already answers on {}: nothing to do.", server.local_address());
                0
            }
            Err(error) => {
                eprintln!("error: {error:#}");
                1
            }
        },
        Action::Stop => match server.stop() {
            Ok(true) => {
                println!("Stopped the dev server. Its database stays in {}.", paths::display(&server.db_file()));
                0
            }
            Ok(false) => {
                println!("No dev server started from this checkout is running.");
                0
            }
            Err(error) => {
                eprintln!("error: {error:#}");
                1
            }
        },
        Action::Status => match server.status() {
            Status::Running(pid) => {
                println!(
                    "Running (pid {pid}) on {}. Log: {}",
                    server.local_address(),
                    paths::display(&server.log_file())
                );
                0
            }
            Status::PortAnsweredByOther => {
                println!(
                    "A Temporal server answers on {}, but it was not started by this checkout.",
                    server.local_address()
                );
                0
            }
            Status::Stopped => {
                println!("Not running. Start it with: scripts/dev-server start");
                3
            }
        },
    };
    std::process::ExitCode::from(code)
}
