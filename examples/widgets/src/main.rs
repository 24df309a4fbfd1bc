//! `widgets-example`: the widgets API served (and called) in any of apigen's styles.

use clap::{Parser, Subcommand};

mod client_cmd;

#[derive(Parser)]
#[command(about = "The apigen widgets example")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the widgets API from an in-memory store (or an SQLite database: `--db FILE`).
    Serve {
        #[command(flatten)]
        args: widgets_example::serve::ServeArgs,
        #[command(flatten)]
        limits: widgets_example::serve::LimitArgs,
    },
    /// Call a widgets server with the generated client.
    Client(client_cmd::ClientArgs),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve { args, limits } => widgets_example::serve::run(args, limits).await,
        Command::Client(args) => return client_cmd::run(args).await,
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
