//! The `apigen` command line: argument definitions, one file per subcommand, exit codes.

mod commands;
mod report;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    let outcome = commands::run(cli);
    ExitCode::from(outcome as u8)
}
