//! Loading a spec from disk into the [`openapiv3`] model.
//!
//! The stages, each collecting all the problems it finds:
//!
//! 1. **read and parse** the root file, JSON or YAML decided by its content
//!    ([`crate::source`]); positions are only computed when a diagnostic needs one;
//! 2. **check the version**: OpenAPI 3.0.x, 3.1.x or 3.2.x (Swagger 2.0 gets its own error);
//! 3. **bundle** relative `$ref`s to other files into the root's `components`
//!    (`crate::bundle`);
//! 4. **normalise** 3.2 and 3.1 into the 3.0 model, and repair common 3.0 deviations whose
//!    meaning is clear, with a warning for each (`crate::normalize`, `crate::compat`);
//! 5. **semantic checks**: unresolved refs, ref cycles, duplicate operationIds, path
//!    parameters (`crate::validate`);
//! 6. **deserialise** into [`openapiv3::OpenAPI`], once a linear walk has found no node that
//!    does not fit the model (`crate::mismatch`), else report the deepest such node.
//!
//! [`Loaded::locate`] maps a pointer into the bundled document back to the file and
//! line it came from.

// `Diagnostic` is the error of every stage; failing is the cold path, so a large `Err`
// costs nothing that matters and boxing would only add noise.
#![allow(clippy::result_large_err)]

use crate::bundle::{self, Origin};
use crate::diag::{Diagnostic, Location};
use crate::pointer::JsonPointer;
use crate::source::SourceFile;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A loaded, bundled and normalised spec.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The spec in the OpenAPI 3.0 model; external `$ref`s are bundled into its components.
    pub spec: openapiv3::OpenAPI,
    /// The same document as JSON, as it was deserialised into `spec`: bundled and normalised,
    /// with everything `spec` leaves out (unknown keys) and in the document's key order.
    pub document: Value,
    /// The root file.
    pub root: PathBuf,
    /// Warnings raised while loading (what could not be carried over, and so on), located.
    pub warnings: Vec<Diagnostic>,
    /// The OpenAPI version the document declared (`3.0.3`, `3.1.0`); `spec.openapi` is
    /// `3.0.3` after a 3.1 document has been normalised.
    pub source_version: String,
    locator: Locator,
}

/// Maps pointers into the bundled document back to source files (see [`Loaded::locate`]);
/// what is left of a [`Loaded`] to locate diagnostics once the spec itself is not needed
/// ([`Loaded::into_locator`]).
#[derive(Debug, Clone)]
pub struct Locator {
    files: Vec<Arc<SourceFile>>,
    origins: Vec<Origin>,
    /// Nodes moved while normalising: (new place, old place) in the bundled document.
    moves: Vec<(Vec<String>, Vec<String>)>,
}

impl Locator {
    /// As [`Loaded::locate`].
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let mut tokens = JsonPointer::parse(pointer)
            .map(|p| p.to_tokens())
            .unwrap_or_default();
        // Undo moves, newest first (a node may have moved more than once).
        for (to, from) in self.moves.iter().rev() {
            if let Some(rest) = tokens.strip_prefix(to.as_slice()) {
                tokens = from.iter().chain(rest).cloned().collect();
            }
        }
        let origin = self
            .origins
            .iter()
            .filter(|o| tokens.starts_with(&o.prefix))
            .max_by_key(|o| o.prefix.len())?;
        let mut source = origin.pointer.clone();
        source.extend(
            tokens
                .get(origin.prefix.len()..)
                .unwrap_or(&[])
                .iter()
                .cloned(),
        );
        let file = self.files.get(origin.file)?;
        Some(file.locate(&JsonPointer::from_tokens(&source)))
    }

    /// As [`Loaded::locate_all`].
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics.iter_mut() {
            if d.location.is_none() {
                if let Some(p) = &d.pointer {
                    d.location = self.locate(p);
                }
            }
        }
    }
}

impl Loaded {
    /// Where a JSON pointer into the bundled document came from: the file (the root or
    /// a file bundled into it), the pointer in that file, and the line and column. A
    /// pointer that does not exist in the text (it was made while normalising) is
    /// located at its nearest ancestor that does.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        self.locator.locate(pointer)
    }

    /// Fills in the location of every diagnostic that has a pointer but no location.
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        self.locator.locate_all(diagnostics);
    }

    /// Frees the spec and the document, keeping what locates diagnostics in the files.
    pub fn into_locator(self) -> Locator {
        self.locator
    }

    /// Every file the spec was read from, the root first.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.locator.files.iter().map(|f| f.path.as_path())
    }
}

/// Loads the spec at `path`. On failure, every problem found in the failing stage is
/// returned (errors first, then the warnings raised so far), each located.
pub fn load(path: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    load_source(SourceFile::read(path).map_err(|d| vec![d])?)
}

/// Loads a spec from `text` (YAML or JSON), as if it had been read from `path`: relative
/// `$ref`s to other files resolve against `path`'s folder, and diagnostics name `path`.
/// For specs that do not come from a file (standard input, a string in a test).
pub fn load_str(path: &Path, text: String) -> Result<Loaded, Vec<Diagnostic>> {
    load_source(SourceFile::new(path.to_path_buf(), text))
}

fn load_source(root: SourceFile) -> Result<Loaded, Vec<Diagnostic>> {
    let path = root.path.clone();
    let root = Arc::new(root);
    let mut doc = root.parse().map_err(|d| vec![d])?;
    let mut locator = Locator {
        files: vec![root.clone()],
        origins: vec![Origin {
            prefix: Vec::new(),
            file: 0,
            pointer: Vec::new(),
        }],
        moves: Vec::new(),
    };
    let fail = |locator: &Locator, mut errors: Vec<Diagnostic>, warnings: Vec<Diagnostic>| {
        errors.extend(warnings);
        locator.locate_all(&mut errors);
        errors
    };
    let source_version = check_version(&doc).map_err(|d| fail(&locator, vec![d], vec![]))?;

    let bundled = bundle::bundle(root.clone(), &mut doc);
    locator.files = bundled.files;
    locator.origins = bundled.origins;
    let mut warnings = bundled.warnings;
    let mut moves = Vec::new();
    if !bundled.errors.is_empty() {
        return Err(fail(&locator, bundled.errors, warnings));
    }

    if crate::normalize::is_32(&doc) {
        warnings.extend(crate::normalize::normalize_32(&mut doc));
    }
    if crate::normalize::is_31(&doc) {
        warnings.extend(crate::normalize::normalize_31(&mut doc, &mut moves));
    }
    warnings.extend(crate::compat::repair(&mut doc, &mut moves));
    locator.moves = moves
        .into_iter()
        .map(|(to, from)| {
            let tokens = |p: &str| {
                JsonPointer::parse(p)
                    .map(|p| p.to_tokens())
                    .unwrap_or_default()
            };
            (tokens(&to), tokens(&from))
        })
        .collect();

    // The checks and the typed model read the same document: one runs beside the other.
    let (mut errors, spec) = std::thread::scope(|scope| {
        let checks = scope.spawn(|| crate::validate::check(&doc));
        let spec = deserialize(&doc);
        let errors = checks
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (errors, spec)
    });
    let spec = match spec {
        Ok(spec) if errors.is_empty() => spec,
        Ok(_) => return Err(fail(&locator, errors, warnings)),
        Err(d) => {
            errors.push(d);
            return Err(fail(&locator, errors, warnings));
        }
    };
    locator.locate_all(&mut warnings);
    Ok(Loaded {
        spec,
        document: doc,
        root: path,
        warnings,
        source_version,
        locator,
    })
}

/// Checks the root is an OpenAPI 3.0.x, 3.1.x or 3.2.x document; returns the declared version.
fn check_version(doc: &Value) -> Result<String, Diagnostic> {
    let Value::Object(root) = doc else {
        let what = match doc {
            Value::Array(_) => "a list",
            Value::String(_) => "a single string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Err(Diagnostic::error(
            "load/not-openapi",
            format!("the document is {what}, not an OpenAPI document"),
        )
        .with_help("an OpenAPI document is a mapping with `openapi`, `info` and `paths`")
        .at_pointer("#"));
    };
    if let Some(v) = root.get("swagger") {
        return Err(Diagnostic::error(
            "load/swagger-2",
            format!(
                "this is a Swagger {} document; apigen reads OpenAPI 3.0, 3.1 and 3.2",
                v.as_str().unwrap_or("2.0")
            ),
        )
        .with_help("convert it first, e.g. `npx swagger2openapi spec.yaml -o spec.openapi3.yaml`")
        .at_pointer("#/swagger"));
    }
    match root.get("openapi") {
        None => Err(Diagnostic::error(
            "load/not-openapi",
            "the document has no `openapi` field, so it is not an OpenAPI document",
        )
        .with_help("start the document with `openapi: 3.0.3` (or 3.1.0)")
        .at_pointer("#")),
        Some(Value::String(v)) if ["3.0.", "3.1.", "3.2."].iter().any(|p| v.starts_with(p)) => {
            Ok(v.clone())
        }
        Some(v) => Err(Diagnostic::error(
            "load/openapi-version",
            format!("OpenAPI version {v} is not supported; apigen reads 3.0.x, 3.1.x and 3.2.x"),
        )
        .with_help(
            "write the version as a string, such as `openapi: 3.0.3` or `openapi: \"3.1.0\"`",
        )
        .at_pointer("#/openapi")),
    }
}

fn deserialize(doc: &Value) -> Result<openapiv3::OpenAPI, Diagnostic> {
    // Reading a document that does not fit the model can take `openapiv3` exponential time;
    // find where it does not first, in linear time.
    let (tokens, inner) = match crate::mismatch::find(doc) {
        None => match crate::typed::deserialize(doc) {
            Some(spec) => return Ok(spec),
            // The check and the model disagree (a bug): read the whole to say where.
            None => match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(doc) {
                Ok(spec) => return Ok(spec),
                Err(e) => (
                    crate::mismatch::path_tokens(e.path()),
                    e.into_inner().to_string(),
                ),
            },
        },
        Some(found) => (found.tokens, found.message),
    };
    let inner = in_yaml_terms(&inner);
    let pointer = JsonPointer::from_tokens(&tokens);
    let help = if inner.contains("untagged enum") {
        "this node matches none of the shapes OpenAPI 3.0 allows here (e.g. a `$ref` object or the object itself); check its fields against the specification".to_string()
    } else {
        "change the value to the type the OpenAPI specification gives for this field".to_string()
    };
    Err(Diagnostic::error(
        "load/schema",
        format!("{pointer} is not valid OpenAPI 3.0: {inner}"),
    )
    .with_help(help)
    .at_pointer(pointer))
}

/// serde speaks of sequences, maps and structs; a spec author writes lists and mappings.
fn in_yaml_terms(message: &str) -> String {
    let mut out = message
        .replace("invalid type: sequence", "invalid type: a list")
        .replace("invalid type: map", "invalid type: a mapping")
        .replace("expected a sequence", "expected a list");
    if let Some(i) = out.find("expected struct ") {
        let name = out
            .get(i + "expected struct ".len()..)
            .unwrap_or("")
            .to_string();
        out.truncate(i);
        out.push_str(&format!("expected a mapping (an OpenAPI {name} object)"));
    }
    out
}
