//! `apigen generate`.

use super::Format;
use crate::report::{warn, CommandError};
use std::path::PathBuf;

/// Arguments of `apigen generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response style (`enveloped`, `plain`, `result`); defaults to the spec's `x-apigen-style`.
    #[arg(long)]
    pub style: Option<String>,
    /// The spec (YAML or JSON).
    pub spec: PathBuf,
    /// The crate directory to write.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The Cargo package name (default: from the spec's title).
    #[arg(long)]
    pub crate_name: Option<String>,
    /// Compare with the output directory instead of writing; exit 1 with a diff when it is stale.
    #[arg(long)]
    pub check: bool,
    /// Generate into a directory apigen did not generate (files apigen does not write are kept).
    #[arg(long)]
    pub force: bool,
    /// A directory of templates that shadow the built-in ones by relative name.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Fail instead of generating `serde_json::Value` for what cannot be expressed.
    #[arg(long)]
    pub deny_unsupported: bool,
    /// Depend on the runtime crate instead of copying its source into the crate: the
    /// dependency's value, e.g. `'{ path = "../apigen/crates/runtime" }'` or `'"0.1"'`
    /// (a whole `apigen-runtime = …` line is accepted too).
    #[arg(long, value_name = "DEPENDENCY", value_parser = apigen_gen::Runtime::dependency)]
    pub runtime_dep: Option<apigen_gen::Runtime>,
}

/// The style: `--style`, else the spec's `x-apigen-style`.
pub(crate) fn style_of(
    style: Option<&str>,
    loaded: &apigen_spec::Loaded,
) -> Result<&'static dyn apigen_gen::Style, CommandError> {
    apigen_spec::style::resolve(style, &loaded.spec).map_err(|d| {
        let mut diagnostics = vec![d];
        loaded.locate_all(&mut diagnostics);
        CommandError::Input(diagnostics)
    })
}

/// Loads the spec, or the load diagnostics as an input error.
pub(crate) fn load(
    spec: &std::path::Path,
    format: Format,
) -> Result<apigen_spec::Loaded, CommandError> {
    let loaded = apigen_spec::load(spec).map_err(CommandError::Input)?;
    warn(&loaded.warnings, format);
    Ok(loaded)
}

/// Maps a generator failure to the command's outcome (writing the dump of unparseable output);
/// the spec's problems are located in `loaded` when it is still there.
pub(crate) fn failure(
    error: apigen_gen::Error,
    loaded: Option<&apigen_spec::Loaded>,
    output: Option<&std::path::Path>,
) -> CommandError {
    match error {
        apigen_gen::Error::Input(mut diagnostics) => {
            if let Some(loaded) = loaded {
                loaded.locate_all(&mut diagnostics);
            }
            CommandError::Input(diagnostics)
        }
        apigen_gen::Error::Unparseable(ref u) => {
            let dump = output.map(|dir| apigen_gen::output::write_dump(dir, &u.path, &u.raw));
            match dump {
                Some(Ok(dump)) => CommandError::Internal(format!(
                    "{error}; the raw text is in {}",
                    dump.display()
                )),
                Some(Err(e)) => {
                    CommandError::Internal(format!("{error}; the raw text could not be kept: {e}"))
                }
                None => CommandError::Internal(error.to_string()),
            }
        }
        apigen_gen::Error::Template { .. } => CommandError::Internal(error.to_string()),
    }
}

/// Runs `apigen generate`.
pub fn run(args: Args, format: Format) -> Result<(), CommandError> {
    let loaded = load(&args.spec, format)?;
    let style = style_of(args.style.as_deref(), &loaded)?;
    let options = apigen_gen::Options {
        crate_name: args.crate_name,
        templates: args.templates,
        deny_unsupported: args.deny_unsupported,
        runtime: args.runtime_dep.unwrap_or_default(),
    };
    let (ir, mut warnings) = apigen_gen::build_ir(&loaded, style, &options)
        .map_err(|e| failure(e, Some(&loaded), Some(&args.output)))?;
    // The IR holds all that is left to do (rendering fails only through apigen's templates,
    // never for a spec location), so the loaded spec, most of the memory in use, goes first.
    // Locating and printing the warnings (a search of the spec's text) runs beside the
    // rendering; the scope ends, and the warnings are out, before anything else is printed.
    let locator = loaded.into_locator();
    let files = std::thread::scope(|scope| {
        scope.spawn(move || {
            locator.locate_all(&mut warnings);
            warn(&warnings, format);
        });
        apigen_gen::emit(ir, &options)
    })
    .map_err(|e| failure(e, None, Some(&args.output)))?;
    if let Some(unlisted) = crate::workspace::unlisted(&args.output) {
        let (message, help) = unlisted.message(&args.output);
        let diagnostic = apigen_spec::Diagnostic::warning("generate/workspace-unlisted", message)
            .with_help(help);
        warn(&[diagnostic], format);
    }
    if args.check {
        return match apigen_gen::output::check(&args.output, &files) {
            Ok(None) => Ok(()),
            Ok(Some(diff)) => {
                print!("{diff}");
                Err(CommandError::Failed(format!(
                    "{} is stale; run the same command without --check to regenerate it",
                    args.output.display()
                )))
            }
            Err(e) => Err(CommandError::Internal(e.to_string())),
        };
    }
    apigen_gen::output::write(&args.output, &files, args.force).map_err(|e| match e {
        apigen_gen::output::OutputError::NotGenerated(_) => CommandError::Failed(e.to_string()),
        apigen_gen::output::OutputError::Io(_) => CommandError::Internal(e.to_string()),
    })
}
