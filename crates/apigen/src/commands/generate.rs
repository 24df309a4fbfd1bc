//! `apigen generate`.

use super::Format;
use crate::report::CommandError;

/// Arguments of `apigen generate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `apigen generate`.
pub fn run(_args: Args, _format: Format) -> Result<(), CommandError> {
    Err(CommandError::Internal(
        "`apigen generate` is not built yet".into(),
    ))
}
