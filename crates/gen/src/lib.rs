//! # apigen-gen
//!
//! apigen's generator: an OpenAPI spec (already loaded by [`apigen_spec::load`]) becomes
//! a Rust crate — schema types, an axum server and a reqwest client — speaking one of
//! the response styles.
//!
//! ## How the pipeline flows
//!
//! [`generate`] is a pure function. [`ir::build`] turns the spec into the [`ir::Ir`]:
//! plain data in which every name is already a valid, unique Rust identifier and every
//! type is already a Rust type string. The templates (minijinja, embedded in this crate,
//! overridable from a directory) see only the IR and print it; the text they produce is
//! parsed with `syn` and printed with `prettyplease`. The result is a list of
//! [`GeneratedFile`]s. Only the [`output`] module touches the file system: it writes a
//! crate atomically, or compares it with what is on disk (`--check`).
//!
//! ## Usage from a build script
//!
//! [`build_script`] renders the crate as one file of nested modules (`types`, `style`,
//! `runtime`, `validate`, `server`, `client`) for a crate to `include!` into a module of
//! its own. The including crate declares the `server` and `client` features and the
//! dependencies of the generated `Cargo.toml` (see [`build_script`]).
//!
//! ```no_run
//! // build.rs, in `fn main`: writes $OUT_DIR/api.rs, reruns when the spec changes
//! let options = apigen_gen::Options::default();
//! if let Err(e) = apigen_gen::build_script::write("api/spec.yaml", "plain", "api", &options) {
//!     panic!("{e}");
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod api {
//!     include!(concat!(env!("OUT_DIR"), "/api.rs"));
//! }
//! ```
//!
//! ## Errors
//!
//! Problems in the spec come back as [`apigen_spec::Diagnostic`]s with a JSON pointer
//! ([`Error::Input`]); locate them with [`apigen_spec::Loaded::locate_all`]. What apigen
//! cannot express in Rust degrades to `serde_json::Value` with a warning (code
//! `gen/unsupported`); [`Options::deny_unsupported`] turns those warnings into errors.
//! A template that fails, or renders text that is not Rust, is apigen's fault
//! ([`Error::Template`], [`Error::Unparseable`]); the latter keeps the raw text so it
//! can be written beside the output as `<file>.dump`.
#![warn(missing_docs)]

pub mod build_script;
mod format;
pub mod ir;
pub mod output;
mod render;
pub mod runtime;

use apigen_spec::{Diagnostic, Loaded};
use std::path::PathBuf;

pub use apigen_spec::style::Style;
pub use render::embedded_templates;
pub use runtime::Runtime;

/// What [`generate`] can be asked to do differently.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The Cargo package name; derived from `info.title` when `None`.
    pub crate_name: Option<String>,
    /// A directory whose templates shadow the embedded ones (by relative name).
    pub templates: Option<PathBuf>,
    /// Turn `gen/unsupported` warnings into errors.
    pub deny_unsupported: bool,
    /// Where the generated crate's runtime comes from: copied into it, or a dependency.
    pub runtime: Runtime,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path relative to the crate root (`src/types.rs`).
    pub path: PathBuf,
    /// The contents.
    pub contents: String,
}

/// A generated crate, not yet written.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Warnings (what degraded, what was left out).
    pub warnings: Vec<Diagnostic>,
}

/// Why generation failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The spec is at fault (or uses something unsupported under `deny_unsupported`).
    Input(Vec<Diagnostic>),
    /// A template failed to load or render.
    Template {
        /// The template's name (`types.rs.jinja`).
        template: String,
        /// What went wrong, with the template line when known.
        message: String,
    },
    /// A template rendered text that is not valid Rust.
    Unparseable(Box<Unparseable>),
}

/// Rendered text that does not parse as Rust.
#[derive(Debug, Clone, PartialEq)]
pub struct Unparseable {
    /// The template's name.
    pub template: String,
    /// The file it was rendering (`src/types.rs`).
    pub path: PathBuf,
    /// The 1-based line of the rendered text where the item that fails to parse starts.
    pub line: usize,
    /// That line's text.
    pub line_text: String,
    /// The parser's message.
    pub message: String,
    /// The whole rendered text, for `<file>.dump`.
    pub raw: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Input(diagnostics) => {
                write!(f, "the spec has {} problem(s)", diagnostics.len())
            }
            Error::Template { template, message } => {
                write!(f, "template `{template}` failed: {message}")
            }
            Error::Unparseable(u) => write!(
                f,
                "template `{}` rendered {} that does not parse as Rust: {}, in the item at line {}: `{}`",
                u.template,
                u.path.display(),
                u.message,
                u.line,
                u.line_text.trim()
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Builds the IR for `style`, applying `deny_unsupported`.
pub fn build_ir(
    loaded: &Loaded,
    style: &dyn Style,
    options: &Options,
) -> Result<(ir::Ir, Vec<Diagnostic>), Error> {
    let build_options = ir::BuildOptions {
        crate_name: options.crate_name.clone(),
    };
    let (ir, warnings) = ir::build(loaded, style, &build_options).map_err(Error::Input)?;
    if options.deny_unsupported {
        let unsupported: Vec<Diagnostic> = warnings
            .iter()
            .filter(|w| w.code == "gen/unsupported")
            .map(|w| {
                let mut e = Diagnostic::error(w.code.clone(), w.message.clone());
                e.help =
                    Some("remove --deny-unsupported to generate serde_json::Value here".into());
                e.pointer = w.pointer.clone();
                e
            })
            .collect();
        if !unsupported.is_empty() {
            return Err(Error::Input(unsupported));
        }
    }
    Ok((ir, warnings))
}

/// Generates the crate for `style`: spec → IR → templates → formatted files
/// ([`build_ir`], then [`emit`]).
pub fn generate(loaded: &Loaded, style: &dyn Style, options: &Options) -> Result<Generated, Error> {
    let (ir, warnings) = build_ir(loaded, style, options)?;
    let files = emit(ir, options)?;
    Ok(Generated { files, warnings })
}

/// Renders and formats every file of the crate from the IR, and adds its wire spec
/// (`openapi.json`, [`ir::Ir::openapi_json`]). The IR is dropped once the
/// templates' view of it exists; the files are rendered and formatted on as many threads as
/// there are cores, each taking the next file of the plan (so formatting a large file overlaps
/// rendering the next one).
pub fn emit(mut ir: ir::Ir, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    let renderer = render::Renderer::new(options.templates.clone());
    let context = renderer.context(&ir, &options.runtime);
    let plan = renderer.plan(&ir.style, &options.runtime);
    let vendored = match options.runtime {
        Runtime::Vendored => {
            let own_style = renderer.style_template_exists(&ir.style);
            runtime::vendored_files((!own_style).then_some(ir.style.as_str()), &ir.features)
        }
        Runtime::Dependency(_) => Vec::new(),
    };
    let wire_spec = GeneratedFile {
        path: PathBuf::from("openapi.json"),
        contents: std::mem::take(&mut ir.openapi_json),
    };
    drop(ir);
    let mut files = apigen_spec::parallel::map(&plan, |(template, path)| {
        rendered(&renderer, &context, template.clone(), path.clone()).and_then(format)
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    files.push(wire_spec);
    files.extend(vendored);
    Ok(files)
}

/// One file as its template printed it, before [`format`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// The template that produced it (`types.rs.jinja`).
    pub template: String,
    /// The path relative to the crate root (`src/types.rs`).
    pub path: PathBuf,
    /// The unformatted text.
    pub text: String,
    /// The template wrote the text already formatted (an embedded template that does so,
    /// not shadowed by `--templates`): [`format`] only checks the items that may not fit.
    pub preformatted: bool,
}

/// The render stage of [`generate`]: prints every file of the crate from the IR, unformatted.
/// Exposed so the stages can be measured separately (`crates/gen/benches/stages.rs`).
pub fn render(ir: &ir::Ir, options: &Options) -> Result<Vec<RenderedFile>, Error> {
    let renderer = render::Renderer::new(options.templates.clone());
    let context = renderer.context(ir, &options.runtime);
    renderer
        .plan(&ir.style, &options.runtime)
        .into_iter()
        .map(|(template, path)| rendered(&renderer, &context, template, path))
        .collect()
}

/// Renders one file of the plan.
fn rendered(
    renderer: &render::Renderer,
    context: &minijinja::Value,
    template: String,
    path: PathBuf,
) -> Result<RenderedFile, Error> {
    let text = renderer.render(&template, context)?;
    Ok(RenderedFile {
        preformatted: renderer.preformatted(&template),
        template,
        path,
        text,
    })
}

/// The format stage of [`generate`]: `.rs` files are parsed with `syn` and printed with
/// `prettyplease` (of a pre-formatted file, only the items that may need a line broken);
/// other files pass through unchanged.
pub fn format(file: RenderedFile) -> Result<GeneratedFile, Error> {
    let RenderedFile {
        template,
        path,
        text,
        preformatted,
    } = file;
    if path.extension().is_none_or(|e| e != "rs") {
        return Ok(GeneratedFile {
            path,
            contents: text,
        });
    }
    match format::rust(&text, preformatted) {
        Ok(contents) => Ok(GeneratedFile { path, contents }),
        Err((line, message)) => Err(Error::Unparseable(Box::new(Unparseable {
            line_text: text
                .lines()
                .nth(line.saturating_sub(1))
                .unwrap_or_default()
                .to_string(),
            template,
            path,
            line,
            message,
            raw: text,
        }))),
    }
}
