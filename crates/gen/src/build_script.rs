//! Build-script mode: the generated crate as one Rust file, for a crate to `include!` into a
//! module of its own instead of depending on a generated crate.
//!
//! ```no_run
//! // build.rs, in `fn main`
//! let options = apigen_gen::Options::default();
//! if let Err(e) = apigen_gen::build_script::write("api/spec.yaml", "plain", "api", &options) {
//!     panic!("{e}"); // the spec's problems, located, as `apigen generate` prints them
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
//! # What the file holds
//!
//! The modules of the crate [`generate`] writes, each inline where the
//! crate has a file: `pub mod types { … }`, `pub mod style { … }` (or `pub use
//! runtime::<style> as style;`), `pub mod runtime { pub mod server { … } pub mod client { … }
//! … }` (the runtime's source files, verbatim), `pub mod validate { … }`, `pub mod server
//! { … }` and `pub mod client { … }`. The modules refer to each other through `super::`, so
//! they work at the root of a generated crate and inside the including module alike.
//!
//! The generated `lib.rs`'s crate-level attributes cannot stand in an included file: its
//! docs become a plain comment at the top, its other attributes (lint levels) are put on
//! each of its items but the `use`s. A module's docs are then partly outer (the
//! declaration's) and partly inner (its file's), which each inlined module allows
//! (`clippy::mixed_attributes_style`).
//!
//! # What the including crate provides
//!
//! - **The `server` and `client` features.** The server and client modules (the generated
//!   ones and the runtime's) keep their `#[cfg(feature = "server")]` and
//!   `#[cfg(feature = "client")]`, which then name the including crate's features: declare
//!   both, and enable the ones wanted (`default = ["server", "client"]`, `server = []`,
//!   `client = []`, or each tied to the optional dependencies it needs). Without them rustc
//!   warns of an unexpected `cfg` value and the modules are left out.
//! - **The dependencies** that the generated crate's `Cargo.toml` lists (`apigen generate`
//!   writes it): `serde`, `serde_json`, `axum`, `reqwest`, `futures-util` and, with the
//!   runtime vendored (the default, [`Runtime::Vendored`](crate::Runtime::Vendored)), what
//!   the runtime needs (`tokio`, `tower`, `tower-http`, `governor`, …), or with
//!   [`Runtime::Dependency`](crate::Runtime::Dependency) `apigen-runtime` with its matching
//!   features. `examples/build-script/Cargo.toml` in apigen's repository is a complete list
//!   for the widgets example.
//! - **A library to include it in.** The items are `pub` and documented, as in a generated
//!   crate; in a binary the ones it does not use are dead code (`#[allow(dead_code)]` on
//!   the module).
//!
//! The client's default `User-Agent` names the including crate (`CARGO_PKG_NAME`).

use crate::{generate, Error, GeneratedFile, Options, Style};
use apigen_spec::{Diagnostic, Loaded};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Generates the crate for `style` ([`generate`]) and returns it as one file of nested
/// modules, for `include!` into a module (see the [module docs](self)).
pub fn module(loaded: &Loaded, style: &dyn Style, options: &Options) -> Result<String, Error> {
    let generated = generate(loaded, style, options)?;
    nest(&generated.files)
}

/// Everything a `build.rs` does: loads `spec`, generates `style` ([`module`]) and writes
/// `$OUT_DIR/<name>.rs`, returning its path. Prints `cargo:rerun-if-changed` for every file
/// the spec was read from (and the [`Options::templates`] folder), and each warning as a
/// `cargo:warning`.
pub fn write(
    spec: impl AsRef<Path>,
    style: &str,
    name: &str,
    options: &Options,
) -> Result<PathBuf, BuildError> {
    let out_dir = std::env::var_os("OUT_DIR").ok_or(BuildError::NoOutDir)?;
    write_in(Path::new(&out_dir), spec.as_ref(), style, name, options)
}

/// [`write`] into `out_dir`.
fn write_in(
    out_dir: &Path,
    spec: &Path,
    style: &str,
    name: &str,
    options: &Options,
) -> Result<PathBuf, BuildError> {
    println!("cargo:rerun-if-changed={}", spec.display());
    if let Some(templates) = &options.templates {
        println!("cargo:rerun-if-changed={}", templates.display());
    }
    let style = apigen_spec::style::find(style).ok_or_else(|| BuildError::Style(style.into()))?;
    let loaded = apigen_spec::load(spec).map_err(|diagnostics| BuildError::Spec {
        spec: spec.to_path_buf(),
        diagnostics,
    })?;
    for file in loaded.files().skip(1) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let generated = match generate(&loaded, style, options) {
        Ok(generated) => generated,
        Err(Error::Input(mut diagnostics)) => {
            loaded.locate_all(&mut diagnostics);
            return Err(BuildError::Spec {
                spec: spec.to_path_buf(),
                diagnostics,
            });
        }
        Err(e) => return Err(BuildError::Generate(e)),
    };
    let mut warnings = loaded.warnings.clone();
    warnings.extend(generated.warnings.iter().cloned());
    loaded.locate_all(&mut warnings);
    for warning in &warnings {
        println!("cargo:warning={}", one_line(warning));
    }
    let text = nest(&generated.files).map_err(BuildError::Generate)?;
    let path = out_dir.join(format!("{name}.rs"));
    // Unchanged output keeps its modification time.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).map_err(|error| BuildError::Io {
            path: path.clone(),
            error,
        })?;
    }
    Ok(path)
}

/// Why [`write()`] failed. Its `Display` is written for a build script's panic message.
#[derive(Debug)]
pub enum BuildError {
    /// `OUT_DIR` is not set: not running as a build script.
    NoOutDir,
    /// No style has this name.
    Style(String),
    /// The spec does not load, or does not generate: its problems, located.
    Spec {
        /// The spec's path, as given.
        spec: PathBuf,
        /// The problems (errors first).
        diagnostics: Vec<Diagnostic>,
    },
    /// A template failed (apigen's fault, or a `--templates` override's).
    Generate(Error),
    /// The file could not be written.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::NoOutDir => write!(f, "OUT_DIR is not set: call this from a build script"),
            BuildError::Style(name) => write!(
                f,
                "there is no style `{name}` (the styles: {})",
                apigen_spec::style::names()
            ),
            BuildError::Spec { spec, diagnostics } => write!(
                f,
                "{} cannot be generated:\n{}",
                spec.display(),
                apigen_spec::render::render_with(
                    diagnostics,
                    apigen_spec::render::Format::Human,
                    false
                )
            ),
            BuildError::Generate(e) => write!(f, "{e}"),
            BuildError::Io { path, error } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Generate(e) => Some(e),
            BuildError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// A diagnostic on one line, for `cargo:warning`.
fn one_line(d: &Diagnostic) -> String {
    let at = d
        .location
        .as_ref()
        .map(|l| format!("{}:{}: ", l.file.display(), l.line))
        .unwrap_or_default();
    let text = format!("apigen: {at}{}: {}", d.code, d.message);
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The crate's `src/lib.rs` with every module declared in a file (`mod types;`) replaced by
/// that file's contents in braces, recursively (`src/runtime/mod.rs` declares the runtime's
/// modules).
pub(crate) fn nest(files: &[GeneratedFile]) -> Result<String, Error> {
    let by_path: HashMap<&Path, &str> = files
        .iter()
        .map(|f| (f.path.as_path(), f.contents.as_str()))
        .collect();
    let mut out = String::new();
    inline(&by_path, Path::new("src/lib.rs"), true, &mut out)?;
    Ok(out)
}

/// Appends the file at `path`, its outline modules inlined. At the crate root (`root`), the
/// inner attributes cannot stay: docs become a comment, the rest go on every item.
fn inline(
    files: &HashMap<&Path, &str>,
    path: &Path,
    root: bool,
    out: &mut String,
) -> Result<(), Error> {
    let fail = |message: String| Error::Template {
        template: template_of(path),
        message,
    };
    let text = files
        .get(path)
        .ok_or_else(|| fail(format!("the crate has no file {}", path.display())))?;
    let file = syn::parse_file(text)
        .map_err(|e| fail(format!("{} does not parse as Rust: {e}", path.display())))?;
    let outline = |item: &syn::Item| matches!(item, syn::Item::Mod(m) if m.content.is_none());
    if !root && !file.items.iter().any(outline) {
        // As written (with its comments); inner attributes may open an inline module.
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        return Ok(());
    }
    let (docs, others): (Vec<syn::Attribute>, Vec<syn::Attribute>) = file
        .attrs
        .into_iter()
        .partition(|a| a.path().is_ident("doc"));
    let moved: Vec<syn::Attribute> = if root {
        out.push_str(&header(&docs));
        others
            .into_iter()
            .map(|mut a| {
                a.style = syn::AttrStyle::Outer;
                a
            })
            .collect()
    } else {
        out.push_str(&unparse(docs.into_iter().chain(others).collect(), None));
        Vec::new()
    };
    let dir = children_dir(path);
    for mut item in file.items {
        if root {
            // The root's items (the crate's modules) apart, as in a file of their own.
            out.push('\n');
        }
        // Lint levels on a `use` are useless (`clippy::useless_attribute`).
        if !matches!(item, syn::Item::Use(_) | syn::Item::ExternCrate(_)) {
            if let Some(attrs) = item_attrs(&mut item) {
                attrs.extend(moved.iter().cloned());
            }
        }
        match item {
            syn::Item::Mod(mut m) if m.content.is_none() => {
                // The file's inner attributes (its docs, its lint levels) meet the
                // declaration's outer ones.
                m.attrs
                    .push(syn::parse_quote!(#[allow(clippy::mixed_attributes_style)]));
                let name = m.ident.to_string();
                let printed = unparse(Vec::new(), Some(syn::Item::Mod(m)));
                let declaration = printed.trim_end().strip_suffix(';').ok_or_else(|| {
                    fail(format!(
                        "the declaration of `mod {name}` printed as `{printed}`"
                    ))
                })?;
                let child = [
                    dir.join(format!("{name}.rs")),
                    dir.join(&name).join("mod.rs"),
                ]
                .into_iter()
                .find(|p| files.contains_key(p.as_path()))
                .ok_or_else(|| {
                    fail(format!(
                        "`mod {name};` in {} has no file {}",
                        path.display(),
                        dir.join(format!("{name}.rs")).display()
                    ))
                })?;
                out.push_str(declaration);
                out.push_str(" {\n");
                inline(files, &child, false, out)?;
                out.push_str("}\n");
            }
            item => out.push_str(&unparse(Vec::new(), Some(embed_wire_spec(files, item)))),
        }
    }
    Ok(())
}

/// The crate embeds its wire spec with `include_str!("../openapi.json")`, a path that does
/// not exist beside the one file written: the spec goes in as a string literal instead.
fn embed_wire_spec(files: &HashMap<&Path, &str>, mut item: syn::Item) -> syn::Item {
    if let syn::Item::Const(constant) = &mut item {
        if let syn::Expr::Macro(call) = constant.expr.as_ref() {
            let path = call.mac.tokens.to_string();
            let wire = Path::new(path.trim_matches('"'))
                .file_name()
                .and_then(|name| files.get(Path::new(name)));
            if call.mac.path.is_ident("include_str") && path.starts_with('"') {
                if let Some(wire) = wire {
                    let literal = syn::LitStr::new(wire, call.mac.bang_token.span);
                    *constant.expr = syn::Expr::Lit(syn::ExprLit {
                        attrs: Vec::new(),
                        lit: syn::Lit::Str(literal),
                    });
                }
            }
        }
    }
    item
}

/// The comment that opens the file: the crate docs, as text.
fn header(docs: &[syn::Attribute]) -> String {
    let mut out = String::from(
        "// Generated by apigen (build-script mode: `apigen_gen::build_script`); do not edit.\n\
         // Include it into a module: `pub mod api { include!(concat!(env!(\"OUT_DIR\"), \"/<name>.rs\")); }`.\n",
    );
    for attr in docs {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        else {
            continue;
        };
        let value = s.value();
        if value.is_empty() {
            out.push_str("//\n");
        }
        for line in value.lines() {
            // Nothing may end the comment or change the direction of the text.
            let line: String = line
                .chars()
                .filter(|c| {
                    !c.is_control()
                        && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
                })
                .collect();
            out.push_str("//");
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// prettyplease's text of these inner attributes and this item.
fn unparse(attrs: Vec<syn::Attribute>, item: Option<syn::Item>) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs,
        items: item.into_iter().collect(),
    })
}

/// Where the modules declared in `path` live: beside it for `lib.rs` and `mod.rs`, else
/// in the folder of its name.
fn children_dir(path: &Path) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(""));
    match path.file_stem().and_then(|s| s.to_str()) {
        Some("lib" | "mod") | None => parent.to_path_buf(),
        Some(stem) => parent.join(stem),
    }
}

/// The template that renders `path` (for errors).
fn template_of(path: &Path) -> String {
    let relative = path.strip_prefix("src").unwrap_or(path);
    format!("{}.jinja", relative.display())
}

/// The attributes of an item, for the kinds a `lib.rs` holds.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item::*;
    Some(match item {
        Const(i) => &mut i.attrs,
        Enum(i) => &mut i.attrs,
        ExternCrate(i) => &mut i.attrs,
        Fn(i) => &mut i.attrs,
        ForeignMod(i) => &mut i.attrs,
        Impl(i) => &mut i.attrs,
        Macro(i) => &mut i.attrs,
        Mod(i) => &mut i.attrs,
        Static(i) => &mut i.attrs,
        Struct(i) => &mut i.attrs,
        Trait(i) => &mut i.attrs,
        TraitAlias(i) => &mut i.attrs,
        Type(i) => &mut i.attrs,
        Union(i) => &mut i.attrs,
        Use(i) => &mut i.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: PathBuf::from(path),
            contents: contents.to_string(),
        }
    }

    #[test]
    fn modules_are_inlined_and_crate_attributes_move() {
        let files = [
            file("Cargo.toml", "[package]\n"),
            file(
                "src/lib.rs",
                "//! # Title\n#![allow(clippy::doc_lazy_continuation)]\n/// Types.\n#[allow(deprecated)]\npub mod types;\npub mod runtime;\npub use runtime::plain as style;\n",
            ),
            file("src/types.rs", "//! The types.\n// a comment\npub struct A;\n"),
            file("src/runtime/mod.rs", "//! Runtime.\n#[cfg(feature = \"server\")]\npub mod server;\npub mod plain;\n"),
            file("src/runtime/server.rs", "#![allow(clippy::result_large_err)]\nuse super::plain::P;\npub struct S(P);"),
            file("src/runtime/plain.rs", "pub struct P;\n"),
        ];
        let text = nest(&files).unwrap();
        let parsed = syn::parse_file(&text).unwrap();
        assert!(parsed.attrs.is_empty(), "{text}");
        assert!(text.starts_with("// Generated by apigen"), "{text}");
        assert!(text.contains("// # Title\n"), "{text}");
        assert!(text.contains("// a comment\n"), "{text}");
        assert!(
            text.contains("/// Types.\n#[allow(deprecated)]\n#[allow(clippy::doc_lazy_continuation)]\n#[allow(clippy::mixed_attributes_style)]\npub mod types {\n//! The types.\n"),
            "{text}"
        );
        assert!(
            text.contains("#[cfg(feature = \"server\")]\n#[allow(clippy::mixed_attributes_style)]\npub mod server {\n#![allow(clippy::result_large_err)]\nuse super::plain::P;\npub struct S(P);\n}\n"),
            "{text}"
        );
        assert!(
            text.contains("}\n\npub use runtime::plain as style;\n"),
            "{text}"
        );
    }

    #[test]
    fn write_puts_the_module_in_the_out_dir_and_explains_failures() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let spec = root.join("specs/examples/widgets.yaml");
        let dir = tempfile::tempdir().unwrap();
        let options = Options::default();
        let path = write_in(dir.path(), &spec, "plain", "widgets", &options).unwrap();
        assert_eq!(path, dir.path().join("widgets.rs"));
        let loaded = apigen_spec::load(&spec).unwrap();
        let style = apigen_spec::style::find("plain").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            module(&loaded, style, &options).unwrap()
        );

        let e = write_in(dir.path(), &spec, "fancy", "widgets", &options).unwrap_err();
        assert!(
            e.to_string().starts_with("there is no style `fancy`"),
            "{e}"
        );
        let broken = dir.path().join("broken.yaml");
        std::fs::write(&broken, "openapi: 3.0.3\ninfo: [\n").unwrap();
        let e = write_in(dir.path(), &broken, "plain", "broken", &options).unwrap_err();
        assert!(matches!(e, BuildError::Spec { .. }), "{e:?}");
        assert!(e.to_string().contains("broken.yaml"), "{e}");
        assert!(!dir.path().join("broken.rs").exists());
    }

    #[test]
    fn a_module_without_its_file_is_an_error() {
        let files = [file("src/lib.rs", "pub mod types;\n")];
        let e = nest(&files).unwrap_err();
        assert!(
            e.to_string()
                .contains("`mod types;` in src/lib.rs has no file src/types.rs"),
            "{e}"
        );
    }
}
