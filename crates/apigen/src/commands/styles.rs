//! `apigen styles`.

use super::Format;
use crate::report::CommandError;

/// Arguments of `apigen styles`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `apigen styles`.
pub fn run(_args: Args, _format: Format) -> Result<(), CommandError> {
    Err(CommandError::Internal(
        "`apigen styles` is not built yet".into(),
    ))
}
