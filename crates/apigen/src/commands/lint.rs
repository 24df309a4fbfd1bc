//! `apigen lint`.

use super::Format;
use crate::report::CommandError;
use apigen_spec::style::{self, STYLE_EXTENSION};
use std::path::PathBuf;

/// Arguments of `apigen lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Check the spec against this response style too (default: the spec's root
    /// `x-apigen-style`; without either, only the style-independent rules run).
    #[arg(long)]
    pub style: Option<String>,
    /// The spec to check (YAML or JSON, OpenAPI 3.0 or 3.1).
    pub spec: PathBuf,
    /// Exit 1 when there are warnings, not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Runs `apigen lint`: load errors and lint errors exit 1, warnings only with `--deny-warnings`.
pub fn run(args: Args, format: Format) -> Result<(), CommandError> {
    let loaded = apigen_spec::load(&args.spec).map_err(CommandError::Input)?;
    let mut diagnostics = loaded.warnings.clone();
    let wants_style = args.style.is_some() || loaded.spec.extensions.contains_key(STYLE_EXTENSION);
    let chosen = if wants_style {
        match style::resolve(args.style.as_deref(), &loaded.spec) {
            Ok(s) => Some(s),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        }
    } else {
        None
    };
    diagnostics.extend(apigen_spec::lint::lint(&loaded.spec, chosen));
    loaded.locate_all(&mut diagnostics);
    let errors = diagnostics.iter().any(|d| d.is_error());
    if errors || (args.deny_warnings && !diagnostics.is_empty()) {
        return Err(CommandError::Input(diagnostics));
    }
    if diagnostics.is_empty() {
        if format == Format::Human {
            println!("{}: no problems found", args.spec.display());
        }
    } else {
        crate::report::warn(&diagnostics, format);
    }
    Ok(())
}
