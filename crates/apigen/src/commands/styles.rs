//! `apigen styles`.

use super::Format;
use crate::report::CommandError;
use apigen_spec::style::STYLES;

/// Arguments of `apigen styles`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `apigen styles`: one line per style, its name and what it looks like on the wire.
pub fn run(_args: Args, _format: Format) -> Result<(), CommandError> {
    let width = STYLES.iter().map(|s| s.name().len()).max().unwrap_or(0);
    for style in STYLES {
        println!("{:width$}  {}", style.name(), style.summary());
    }
    Ok(())
}
