//! `apigen ir`.

use super::Format;
use crate::report::CommandError;

/// Arguments of `apigen ir`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `apigen ir`.
pub fn run(_args: Args, _format: Format) -> Result<(), CommandError> {
    Err(CommandError::Internal(
        "`apigen ir` is not built yet".into(),
    ))
}
