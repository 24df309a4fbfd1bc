//! `apigen apply`.

use super::Format;
use crate::report::CommandError;

/// Arguments of `apigen apply`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `apigen apply`.
pub fn run(_args: Args, _format: Format) -> Result<(), CommandError> {
    Err(CommandError::Internal(
        "`apigen apply` is not built yet".into(),
    ))
}
