//! `apigen components`.

use super::Format;
use crate::report::CommandError;

/// Arguments of `apigen components`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `apigen components`.
pub fn run(_args: Args, _format: Format) -> Result<(), CommandError> {
    Err(CommandError::Internal(
        "`apigen components` is not built yet".into(),
    ))
}
