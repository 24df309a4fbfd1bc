//! `widgets-example`: the widgets API served (and called) in any of apigen's styles.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "The apigen widgets example")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the widgets API from an in-memory store.
    Serve(widgets_example::serve::ServeArgs),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => widgets_example::serve::run(args).await,
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
