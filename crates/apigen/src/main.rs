//! The `apigen` command line: argument definitions, one file per subcommand, exit codes.

mod commands;
mod report;

use clap::Parser;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    let outcome = commands::run(cli);
    ExitCode::from(outcome as u8)
}
