//! `apigen apply`.

use super::Format;
use crate::report::CommandError;
use apigen_spec::style;
use std::path::PathBuf;

/// Arguments of `apigen apply`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response style (default: the spec's root `x-apigen-style`; see `apigen styles`).
    #[arg(long)]
    pub style: Option<String>,
    /// The source spec (YAML or JSON, OpenAPI 3.0 or 3.1).
    pub spec: PathBuf,
    /// Where to write the wire spec (YAML, or JSON when the name ends in `.json`); stdout when left out.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// `$ref` the style's components at this URL (`URL#/components/...`) instead of inlining them.
    #[arg(long, value_name = "URL")]
    pub components_ref: Option<String>,
}

/// Runs `apigen apply`: writes the wire spec (OpenAPI 3.0.3).
pub fn run(args: Args, format: Format) -> Result<(), CommandError> {
    let loaded = apigen_spec::load(&args.spec).map_err(CommandError::Input)?;
    crate::report::warn(&loaded.warnings, format);
    let style = style::resolve(args.style.as_deref(), &loaded.spec).map_err(|d| {
        let mut diags = vec![d];
        loaded.locate_all(&mut diags);
        CommandError::Input(diags)
    })?;
    let wire = apigen_spec::apply::apply(&loaded.spec, style, args.components_ref.as_deref())
        .map_err(|mut diags| {
            loaded.locate_all(&mut diags);
            CommandError::Input(diags)
        })?;
    let wire = serde_json::to_value(wire).map_err(super::components::unserialisable)?;
    super::components::write_document(&wire, args.output.as_deref())
}
