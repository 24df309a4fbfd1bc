//! `apigen ir`.

use super::generate::{failure, load, style_of};
use super::Format;
use crate::report::{warn, CommandError};
use std::path::PathBuf;

/// Arguments of `apigen ir`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response style; defaults to the spec's `x-apigen-style`.
    #[arg(long)]
    pub style: Option<String>,
    /// The spec (YAML or JSON).
    pub spec: PathBuf,
    /// The Cargo package name the IR carries (default: from the spec's title).
    #[arg(long)]
    pub crate_name: Option<String>,
    /// Where to write the IR (YAML, or JSON when the name ends in `.json`); stdout when left out.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Runs `apigen ir`: prints (or writes) the IR the templates see, as YAML (or JSON).
pub fn run(args: Args, format: Format) -> Result<(), CommandError> {
    let loaded = load(&args.spec, format)?;
    let style = style_of(args.style.as_deref(), &loaded)?;
    let options = apigen_gen::Options {
        crate_name: args.crate_name,
        ..apigen_gen::Options::default()
    };
    let (ir, mut warnings) = apigen_gen::build_ir(&loaded, style, &options)
        .map_err(|e| failure(e, Some(&loaded), None))?;
    loaded.locate_all(&mut warnings);
    warn(&warnings, format);
    let ir = serde_json::to_value(ir).map_err(super::components::unserialisable)?;
    super::components::write_document(&ir, args.output.as_deref())
}
