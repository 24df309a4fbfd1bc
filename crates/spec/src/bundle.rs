//! Bundling: external `$ref`s (`./schemas.yaml#/Widget`, `common/errors.yaml#/components/responses/NotFound`,
//! `other.yaml`) are read, resolved relative to the file that refers to them, and copied
//! into the root document's `components`, in the section that matches where the ref
//! appears (a schema position → `schemas`, a response → `responses`, …). Refs are
//! rewritten to point at the copies. Path items (which OpenAPI 3.0 cannot keep in
//! `components`) are inlined instead. Every copy remembers where it came from, so a
//! pointer into the bundled document can be traced back to a file and a position.

// `Diagnostic` is the error of every stage; failing is the cold path, so a large `Err`
// costs nothing that matters and boxing would only add noise.
#![allow(clippy::result_large_err)]

use crate::diag::Diagnostic;
use crate::kind::Kind;
use crate::pointer::{percent_decode, JsonPointer};
use crate::source::SourceFile;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Where a part of the bundled document came from: the subtree at `prefix` (tokens
/// into the bundled document) is the node at `pointer` in `files[file]`.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub prefix: Vec<String>,
    pub file: usize,
    pub pointer: Vec<String>,
}

/// The result of bundling: every file read (the root first), where bundled parts came
/// from, and the problems found.
pub(crate) struct Bundled {
    pub files: Vec<Arc<SourceFile>>,
    pub origins: Vec<Origin>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

struct Bundler {
    files: Vec<Arc<SourceFile>>,
    /// Parsed files by canonical path: index into `files` and the value, or `None` when
    /// the file could not be read or parsed (already reported).
    parsed: HashMap<PathBuf, Option<(usize, Value)>>,
    /// The component given to each (file, pointer) already bundled.
    names: HashMap<(usize, String), String>,
    /// Names taken per section.
    taken: HashMap<&'static str, HashSet<String>>,
    /// Components to add, per section, in the order they were found.
    added: BTreeMap<&'static str, Vec<(String, Value)>>,
    origins: Vec<Origin>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// (file, pointer) of path items being inlined, to stop a cycle.
    inlining: Vec<(usize, String)>,
}

/// Where the walk is: the file the text comes from, the pointer in that file, and the
/// pointer in the bundled document.
struct Cursor {
    file: usize,
    source: Vec<String>,
    bundled: Vec<String>,
}

/// Bundles every external `$ref` reachable from `root` into `value`.
pub(crate) fn bundle(root: Arc<SourceFile>, value: &mut Value) -> Bundled {
    let mut b = Bundler {
        parsed: HashMap::new(),
        names: HashMap::new(),
        taken: HashMap::new(),
        added: BTreeMap::new(),
        origins: vec![Origin {
            prefix: Vec::new(),
            file: 0,
            pointer: Vec::new(),
        }],
        errors: Vec::new(),
        warnings: Vec::new(),
        inlining: Vec::new(),
        files: Vec::new(),
    };
    b.parsed.insert(canonical(&root.path), None);
    b.files.push(root);
    if let Some(Value::Object(components)) = value.get("components") {
        for (section, entries) in components {
            if let (Some(section), Value::Object(entries)) =
                (Kind::Components.child(section).element_section(), entries)
            {
                b.taken
                    .entry(section)
                    .or_default()
                    .extend(entries.keys().cloned());
            }
        }
    }
    let mut cursor = Cursor {
        file: 0,
        source: Vec::new(),
        bundled: Vec::new(),
    };
    b.walk(value, Kind::Root, &mut cursor);
    if !b.added.is_empty() {
        if !value.get("components").is_some_and(Value::is_object) {
            if let Some(obj) = value.as_object_mut() {
                obj.insert("components".into(), Value::Object(Map::new()));
            }
        }
        if let Some(Value::Object(components)) = value.get_mut("components") {
            for (section, entries) in std::mem::take(&mut b.added) {
                let slot = components
                    .entry(section)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(slot) = slot {
                    slot.extend(entries);
                }
            }
        }
    }
    Bundled {
        files: b.files,
        origins: b.origins,
        errors: b.errors,
        warnings: b.warnings,
    }
}

/// A ref's target: a file (`None` for the file the ref is in) and a fragment pointer.
enum Target {
    Local(String),
    External(String, String),
    Remote,
}

fn parse_ref(r: &str) -> Target {
    if r.starts_with("http://") || r.starts_with("https://") || r.starts_with("//") {
        return Target::Remote;
    }
    match r.split_once('#') {
        Some(("", frag)) => Target::Local(format!("#{frag}")),
        Some((file, frag)) => Target::External(file.to_string(), format!("#{frag}")),
        None => Target::External(r.to_string(), "#".into()),
    }
}

/// A path made absolute and tidied (`.` and `..` removed) without touching the disk
/// more than needed; used as the identity of a file.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let abs = std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `a/b/../c.yaml` → `a/c.yaml`, keeping the path relative when it was.
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A component name from `hint`: characters outside `[A-Za-z0-9._-]` become `_`.
fn component_name(hint: &str) -> String {
    let s: String = hint
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "Bundled".into()
    } else {
        s
    }
}

impl Bundler {
    fn walk(&mut self, value: &mut Value, kind: Kind, at: &mut Cursor) {
        if kind == Kind::Data {
            return;
        }
        if let Value::Object(obj) = value {
            if let Some(Value::String(r)) = obj.get("$ref") {
                let r = r.clone();
                if let Some(replacement) = self.reference(&r, kind, at) {
                    match replacement {
                        Replacement::Ref(new_ref) => {
                            obj.insert("$ref".into(), Value::String(new_ref));
                        }
                        Replacement::Inline(mut content, file, pointer) => {
                            // Siblings of the ref are kept where the target has no such key.
                            obj.remove("$ref");
                            if let Value::Object(target) = &mut content {
                                for (k, v) in std::mem::take(obj) {
                                    target.entry(k).or_insert(v);
                                }
                            }
                            let key = (file, JsonPointer::from_tokens(&pointer).into());
                            self.origins.push(Origin {
                                prefix: at.bundled.clone(),
                                file,
                                pointer: pointer.clone(),
                            });
                            self.inlining.push(key);
                            let mut inner = Cursor {
                                file,
                                source: pointer,
                                bundled: at.bundled.clone(),
                            };
                            self.walk(&mut content, kind, &mut inner);
                            self.inlining.pop();
                            *value = content;
                            return;
                        }
                    }
                }
            }
        }
        if kind == Kind::Schema {
            self.discriminator_mapping(value, at);
        }
        match value {
            Value::Object(obj) => {
                for (k, v) in obj.iter_mut() {
                    if k == "$ref" {
                        continue;
                    }
                    at.source.push(k.clone());
                    at.bundled.push(k.clone());
                    self.walk(v, kind.child(k), at);
                    at.source.pop();
                    at.bundled.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    at.source.push(i.to_string());
                    at.bundled.push(i.to_string());
                    self.walk(v, kind.element(), at);
                    at.source.pop();
                    at.bundled.pop();
                }
            }
            _ => {}
        }
    }

    /// `discriminator.mapping` values are refs written as strings; those that point to
    /// other files (or, in another file, into that file) follow their schemas.
    fn discriminator_mapping(&mut self, schema: &mut Value, at: &mut Cursor) {
        let Some(Value::Object(mapping)) = schema
            .get_mut("discriminator")
            .and_then(|d| d.get_mut("mapping"))
        else {
            return;
        };
        let mut dangling = Vec::new();
        for (key, target) in mapping.iter_mut() {
            let Value::String(r) = target else { continue };
            let is_file = r
                .split('#')
                .next()
                .is_some_and(|f| [".yaml", ".yml", ".json"].iter().any(|e| f.ends_with(e)));
            let is_foreign_local = r.starts_with('#') && at.file != 0;
            if !(is_file || is_foreign_local) {
                continue;
            }
            let r = r.clone();
            let errors_before = self.errors.len();
            match self.reference(&r, Kind::Schema, at) {
                Some(Replacement::Ref(new_ref)) => *target = Value::String(new_ref),
                _ => {
                    // A mapping is a hint (the discriminator value can still name the
                    // schema); one that leads nowhere is removed, with a warning, rather
                    // than failing the whole spec.
                    for d in self.errors.drain(errors_before..) {
                        self.warnings.push(Diagnostic {
                            severity: crate::diag::Severity::Warning,
                            message: format!(
                                "{} (a `discriminator.mapping` entry; it was removed)",
                                d.message
                            ),
                            ..d
                        });
                    }
                    dangling.push(key.clone());
                }
            }
        }
        for key in dangling {
            mapping.shift_remove(&key);
        }
    }

    fn error_at(&mut self, d: Diagnostic, at: &Cursor) {
        let mut source = at.source.clone();
        source.push("$ref".into());
        let location = self
            .files
            .get(at.file)
            .map(|f| f.locate(&JsonPointer::from_tokens(&source)));
        let mut bundled = at.bundled.clone();
        bundled.push("$ref".into());
        let mut d = d.at_pointer(JsonPointer::from_tokens(&bundled));
        if let Some(l) = location {
            d = d.with_location(l);
        }
        self.errors.push(d);
    }

    /// Handles one `$ref`; returns what to put in its place, or `None` to leave it.
    fn reference(&mut self, r: &str, kind: Kind, at: &mut Cursor) -> Option<Replacement> {
        let (file, fragment) = match parse_ref(r) {
            Target::Remote => {
                self.error_at(
                    Diagnostic::error(
                        "load/remote-ref",
                        format!(
                            "`{r}` is a remote reference; apigen does not fetch over the network"
                        ),
                    )
                    .with_help(
                        "download the document next to the spec and refer to it by a relative path",
                    ),
                    at,
                );
                return None;
            }
            // A local ref in the root stays as it is (checked once the document is whole).
            Target::Local(_) if at.file == 0 => return None,
            Target::Local(fragment) => (at.file, fragment),
            Target::External(path, fragment) => {
                let dir = self
                    .files
                    .get(at.file)
                    .and_then(|f| f.path.parent().map(Path::to_path_buf))
                    .unwrap_or_default();
                let path = tidy(&dir.join(&*percent_decode(&path)));
                match self.file(&path) {
                    Ok(Some(idx)) => (idx, fragment),
                    Ok(None) => return None,
                    Err(d) if d.code == "load/missing-file" => {
                        let d = Diagnostic::error(
                            "load/missing-file",
                            format!("`{r}` refers to {}, which does not exist", path.display()),
                        )
                        .with_help("check the file name; a relative `$ref` is resolved against the folder of the file it is written in");
                        self.error_at(d, at);
                        return None;
                    }
                    Err(d) => {
                        self.error_at(d, at);
                        return None;
                    }
                }
            }
        };
        if file == 0 {
            // Back into the root document: a plain local ref.
            return Some(Replacement::Ref(fragment));
        }
        let pointer = JsonPointer::from_ref(&fragment).unwrap_or_default();
        let tokens = pointer.to_tokens();
        let target = {
            let canonical_path = self.files.get(file).map(|f| canonical(&f.path));
            canonical_path
                .and_then(|p| self.parsed.get(&p))
                .and_then(|e| e.as_ref())
                .and_then(|(_, v)| pointer.lookup(v))
                .cloned()
        };
        let Some(content) = target else {
            let name = self
                .files
                .get(file)
                .map(|f| f.path.display().to_string())
                .unwrap_or_default();
            self.error_at(
                Diagnostic::error(
                    "load/unresolved-ref",
                    format!("`{r}` does not resolve: {name} has nothing at `{fragment}`"),
                )
                .with_help(format!(
                    "check the pointer after `#`; it must name a node that exists in {name}"
                )),
                at,
            );
            return None;
        };
        let key = (file, pointer.to_string());
        let Some(section) = kind.section() else {
            if self.inlining.contains(&key) {
                self.error_at(
                    Diagnostic::error("load/ref-cycle", format!("`{r}` includes itself"))
                        .with_help("a path item cannot include itself; break the cycle"),
                    at,
                );
                return None;
            }
            return Some(Replacement::Inline(content, file, tokens));
        };
        if let Some(name) = self.names.get(&key) {
            return Some(Replacement::Ref(format!("#/components/{section}/{name}")));
        }
        let hint = tokens.last().cloned().unwrap_or_else(|| {
            self.files
                .get(file)
                .and_then(|f| f.path.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .unwrap_or_default()
        });
        let base = component_name(&hint);
        let taken = self.taken.entry(section).or_default();
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(name.clone());
        self.names.insert(key, name.clone());
        let prefix = vec!["components".to_string(), section.to_string(), name.clone()];
        self.origins.push(Origin {
            prefix: prefix.clone(),
            file,
            pointer: tokens.clone(),
        });
        // Reserve the slot first, so components appear in the order they were found.
        let slots = self.added.entry(section).or_default();
        let slot = slots.len();
        slots.push((name.clone(), Value::Null));
        let mut content = content;
        let mut inner = Cursor {
            file,
            source: tokens,
            bundled: prefix,
        };
        self.walk(&mut content, kind, &mut inner);
        if let Some(entry) = self.added.get_mut(section).and_then(|s| s.get_mut(slot)) {
            entry.1 = content;
        }
        Some(Replacement::Ref(format!("#/components/{section}/{name}")))
    }

    /// Reads and parses a referenced file once; `Ok(None)` when it failed before.
    fn file(&mut self, path: &Path) -> Result<Option<usize>, Diagnostic> {
        let key = canonical(path);
        if let Some(entry) = self.parsed.get(&key) {
            return Ok(match entry {
                Some((idx, _)) => Some(*idx),
                // The root is stored without a value: refs into it become local refs.
                None if self
                    .files
                    .first()
                    .is_some_and(|f| canonical(&f.path) == key) =>
                {
                    Some(0)
                }
                None => None,
            });
        }
        let source = match SourceFile::read(path) {
            Ok(s) => s,
            Err(d) => {
                self.parsed.insert(key, None);
                return Err(d);
            }
        };
        match source.parse() {
            Ok(value) => {
                let idx = self.files.len();
                self.files.push(Arc::new(source));
                self.parsed.insert(key, Some((idx, value)));
                Ok(Some(idx))
            }
            Err(d) => {
                self.parsed.insert(key, None);
                self.errors.push(d);
                Ok(None)
            }
        }
    }
}

enum Replacement {
    Ref(String),
    Inline(Value, usize, Vec<String>),
}
