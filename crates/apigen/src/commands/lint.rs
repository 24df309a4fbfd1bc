//! `apigen lint`.

use super::Format;
use crate::report::CommandError;

/// Arguments of `apigen lint`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `apigen lint`.
pub fn run(_args: Args, _format: Format) -> Result<(), CommandError> {
    Err(CommandError::Internal(
        "`apigen lint` is not built yet".into(),
    ))
}
