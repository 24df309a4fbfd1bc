//! Argument definitions and dispatch; one module per subcommand.

use crate::report::{CommandError, ExitStatus};
use clap::{Parser, Subcommand, ValueEnum};

/// The global options and the subcommand.
#[derive(Debug, Parser)]
#[command(
    name = "apigen",
    version,
    about = "OpenAPI code generator and spec toolkit: one response style for every service"
)]
pub struct Cli {
    /// How diagnostics are printed.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(subcommand)]
    pub command: Command,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rendered with a source snippet, for people.
    Human,
    /// One JSON document on stderr, for machines.
    Json,
}

pub mod apply;
pub mod components;
pub mod generate;
pub mod ir;
pub mod lint;
pub mod styles;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the response styles, one line each.
    #[command(after_help = "Example:\n  apigen styles")]
    Styles(styles::Args),
    /// Write a style's shared components as a standalone OpenAPI document.
    #[command(
        after_help = "Example:\n  apigen components --style enveloped -o specs/components/enveloped.yaml"
    )]
    Components(components::Args),
    /// Write the wire spec: the spec with a style applied (envelopes, errors, pagination).
    #[command(
        after_help = "Example:\n  apigen apply --style plain specs/examples/widgets.yaml -o widgets.wire.yaml"
    )]
    Apply(apply::Args),
    /// Check a spec for what makes generation or the style worse.
    #[command(after_help = "Example:\n  apigen lint --style result specs/examples/fieldwork.yaml")]
    Lint(lint::Args),
    /// Generate a Rust crate (types, axum server, reqwest client) speaking a style.
    #[command(
        after_help = "Examples:\n  apigen generate --style enveloped specs/examples/widgets.yaml -o out/widgets\n  apigen generate --style enveloped specs/examples/widgets.yaml -o out/widgets --check"
    )]
    Generate(generate::Args),
    /// Print the generator's intermediate representation as YAML, for template authors.
    #[command(after_help = "Example:\n  apigen ir --style plain specs/examples/widgets.yaml")]
    Ir(ir::Args),
}

/// Runs the command and reports its outcome.
pub fn run(cli: Cli) -> ExitStatus {
    let result: Result<(), CommandError> = match cli.command {
        Command::Styles(args) => styles::run(args, cli.format),
        Command::Components(args) => components::run(args, cli.format),
        Command::Apply(args) => apply::run(args, cli.format),
        Command::Lint(args) => lint::run(args, cli.format),
        Command::Generate(args) => generate::run(args, cli.format),
        Command::Ir(args) => ir::run(args, cli.format),
    };
    crate::report::finish(result, cli.format)
}
