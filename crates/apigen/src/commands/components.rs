//! `apigen components`.

use super::Format;
use crate::report::CommandError;
use apigen_spec::style;
use std::path::{Path, PathBuf};

/// Arguments of `apigen components`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response style whose components to write (see `apigen styles`).
    #[arg(long)]
    pub style: String,
    /// Where to write the document (YAML, or JSON when the name ends in `.json`); stdout when left out.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Runs `apigen components`: the style's components as a standalone OpenAPI 3.0.3 document.
pub fn run(args: Args, _format: Format) -> Result<(), CommandError> {
    let style = style::find(&args.style).ok_or_else(|| {
        CommandError::Input(vec![apigen_spec::Diagnostic::error(
            "style/unknown",
            format!("unknown style `{}`", args.style),
        )
        .with_help(format!("use one of: {}", style::names()))])
    })?;
    write_document(
        &serde_json::to_value(style::components_document(style)).map_err(unserialisable)?,
        args.output.as_deref(),
    )
}

/// The error of a document that cannot be turned into JSON (`serde_json::to_value`).
pub(crate) fn unserialisable(e: serde_json::Error) -> CommandError {
    CommandError::Internal(format!("cannot serialise the document: {e}"))
}

/// Writes a document (an OpenAPI document, the IR) to `output` (JSON when its name ends in
/// `.json`, else YAML), or as YAML to stdout. The YAML reads back the same with YAML 1.1
/// and 1.2 readers alike (`apigen_spec::yaml`).
pub(crate) fn write_document(
    doc: &serde_json::Value,
    output: Option<&Path>,
) -> Result<(), CommandError> {
    let json = output
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let text = if json {
        serde_json::to_string_pretty(doc)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    } else {
        apigen_spec::yaml::to_string(doc).map_err(|e| e.to_string())
    }
    .map_err(|e| CommandError::Internal(format!("cannot serialise the document: {e}")))?;
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| CommandError::Internal(format!("cannot write {}: {e}", path.display()))),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
