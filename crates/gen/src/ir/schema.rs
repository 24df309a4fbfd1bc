//! Schemas → named Rust types (the `types` module) and type expressions.
//!
//! The builder works on the spec as JSON (the loaded model serialised back), so JSON
//! pointers in diagnostics and [`Origin`]s are pointers into the bundled document and
//! `$ref`s resolve by pointer. Types live in an arena and refer to each other by
//! [`TypeId`]; each id's (unique) Rust name is chosen when the type is created, so names
//! never depend on what the finishing passes do with other types, but names are written
//! into type expressions only at the end, after the duplicate merge, and the types come
//! out sorted by name. Component schemas are named first, so inline schemas never take a
//! component's name; inline schemas are named after where they sit
//! (`CreateWidgetRequest`, `WidgetTagsItem`).

use super::names::{self, Namer, RESERVED_TYPE_NAMES};
use super::{Features, Origin};
use apigen_spec::pointer::JsonPointer;
use apigen_spec::Diagnostic;
use foldhash::{HashMap, HashMapExt};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

mod enums;
mod finish;
mod model;
mod resolve;
mod structs;

pub(crate) use finish::{to_field, Finished};
use model::{Component, Draft, DraftBody, EnumRepr, Resolved};
pub(crate) use model::{DraftField, FieldOf, Ty, TypeId};

/// How deep inline schemas may nest before the rest becomes `serde_json::Value`
/// (protects the stack against pathological input).
const MAX_DEPTH: usize = 64;

/// The name of the variant that holds values an enum does not list.
const FALLBACK: &str = "Unknown";

/// Builds the `types` module.
pub(crate) struct TypeBuilder<'a> {
    root: &'a Value,
    file: String,
    namer: Namer,
    fn_namer: Namer,
    /// The type arena: each type's name, by [`TypeId`].
    names: Vec<String>,
    /// Each type's definition, by [`TypeId`] (`None` until it is built, and once it is
    /// merged into another).
    drafts: Vec<Option<Draft>>,
    components: BTreeMap<String, Component>,
    expanding: Vec<String>,
    /// What the schema at each pointer resolved to, so a schema is resolved once however
    /// many `$ref`s reach it: specs converted from Swagger often point deep into other
    /// schemas, and resolving every reference anew grows exponentially with the nesting.
    expanded: HashMap<String, Resolved>,
    enum_reprs: HashMap<TypeId, EnumRepr>,
    depth: usize,
    warnings: Vec<Diagnostic>,
    features: Features,
}

impl<'a> TypeBuilder<'a> {
    pub(crate) fn new(root: &'a Value, file: &str) -> Self {
        Self {
            root,
            file: file.to_string(),
            namer: Namer::with_reserved(RESERVED_TYPE_NAMES),
            fn_namer: Namer::default(),
            names: Vec::new(),
            drafts: Vec::new(),
            components: BTreeMap::new(),
            expanding: Vec::new(),
            expanded: HashMap::new(),
            enum_reprs: HashMap::new(),
            depth: 0,
            warnings: Vec::new(),
            features: Features::default(),
        }
    }

    pub(crate) fn origin(&self, pointer: &str) -> Origin {
        Origin {
            file: self.file.clone(),
            pointer: pointer.to_string(),
        }
    }

    /// A new type in the arena, named `base` or, when that is taken, `base2`, `base3`, ….
    fn new_type(&mut self, base: &str) -> TypeId {
        let id = TypeId::new(self.names.len());
        self.names.push(self.namer.unique(base));
        self.drafts.push(None);
        id
    }

    /// The name of a type.
    fn name(&self, id: TypeId) -> &str {
        self.names.get(id.index()).map_or("", String::as_str)
    }

    /// Defines a type.
    fn define(&mut self, id: TypeId, draft: Draft) {
        if let Some(slot) = self.drafts.get_mut(id.index()) {
            *slot = Some(draft);
        }
    }

    /// Reserves a type named after `base` (for types other stages add, like query
    /// structs, defined with [`TypeBuilder::add_struct`]).
    pub(crate) fn reserve(&mut self, base: &str) -> TypeId {
        self.new_type(&names::pascal(base))
    }

    /// Records a warning about something that could not be expressed.
    pub(crate) fn unsupported(&mut self, pointer: &str, construct: &str, fallback: &str) {
        self.warnings.push(
            Diagnostic::warning(
                "gen/unsupported",
                format!("{construct} cannot be expressed in Rust; generated as {fallback}"),
            )
            .with_help("simplify the schema, or pass --deny-unsupported to make this an error")
            .at_pointer(pointer),
        );
    }

    /// Records a warning.
    pub(crate) fn warn_at(&mut self, code: &str, pointer: &str, message: String) {
        self.warnings
            .push(Diagnostic::warning(code, message).at_pointer(pointer));
    }

    /// Names every component schema (sorted by key, so names never depend on spec
    /// order), then builds each.
    pub(crate) fn add_components(&mut self) {
        let Some(schemas) = self
            .root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let mut keys: Vec<&String> = schemas.keys().collect();
        keys.sort();
        for key in &keys {
            let pointer: String =
                JsonPointer::from_tokens(["components", "schemas", key.as_str()]).into();
            let nominal = schemas
                .get(key.as_str())
                .is_some_and(|s| self.is_nominal(s));
            let id = self.new_type(&names::pascal(key));
            if nominal {
                if let Some(repr) = schemas
                    .get(key.as_str())
                    .and_then(enum_values)
                    .and_then(|v| enum_repr(&v))
                {
                    self.enum_reprs.insert(id, repr);
                }
            }
            self.components.insert(pointer, Component { id, nominal });
        }
        for key in keys {
            let pointer: String =
                JsonPointer::from_tokens(["components", "schemas", key.as_str()]).into();
            let Some(schema) = schemas.get(key.as_str()) else {
                continue;
            };
            let Some(component) = self.components.get(&pointer).copied() else {
                continue;
            };
            if component.nominal {
                self.build_named(schema, &pointer, component.id);
            } else {
                self.expanding.push(pointer.clone());
                let hint = self.name(component.id).to_string();
                let resolved = self.resolve(schema, &pointer, &hint);
                self.expanding.pop();
                let draft = Draft {
                    doc: doc_of(schema),
                    deprecated: flag(schema, "deprecated"),
                    body: DraftBody::Alias(resolved.ty, resolved.nullable),
                    origin: self.origin(&pointer),
                };
                self.define(component.id, draft);
            }
        }
    }

    /// Builds the named type `id` for a nominal schema; returns whether the schema admits
    /// null (a `null` member or enum value).
    fn build_named(&mut self, schema: &'a Value, pointer: &str, id: TypeId) -> bool {
        let doc = doc_of(schema);
        let deprecated = flag(schema, "deprecated");
        let origin = self.origin(pointer);
        let name = self.name(id).to_string();
        let mut nullable = false;
        let body = if let Some(values) = enum_values(schema) {
            nullable = values.iter().any(Value::is_null);
            if let Some(repr) = enum_repr(&values) {
                self.enum_reprs.insert(id, repr);
            }
            self.enum_body(&values, pointer)
        } else if union_members(schema).is_some() && !has_properties(schema) {
            let (body, null) = self.union_body(schema, pointer, &name);
            nullable = null;
            body
        } else {
            self.struct_body(schema, pointer, &name)
        };
        self.define(
            id,
            Draft {
                doc,
                deprecated,
                body,
                origin,
            },
        );
        nullable
    }
}

fn enum_values(schema: &Value) -> Option<Vec<Value>> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .filter(|values| !values.is_empty())
        .cloned()
}

/// How an enum's (non-null) values are represented; `None` when they mix kinds or
/// there are none.
fn enum_repr(values: &[Value]) -> Option<EnumRepr> {
    let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if non_null.is_empty() {
        return None;
    }
    if non_null.iter().all(|v| v.is_string()) {
        Some(EnumRepr::Str)
    } else if non_null.iter().all(|v| v.is_i64()) {
        Some(EnumRepr::Int)
    } else if non_null.iter().all(|v| v.is_boolean()) {
        Some(EnumRepr::Bool)
    } else {
        None
    }
}

fn union_members(schema: &Value) -> Option<&[Value]> {
    ["oneOf", "anyOf"].iter().find_map(|key| {
        schema
            .get(*key)
            .and_then(Value::as_array)
            .filter(|m| !m.is_empty())
            .map(Vec::as_slice)
    })
}

fn union_pointer(schema: &Value, pointer: &str) -> String {
    let key = if schema
        .get("oneOf")
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty())
    {
        "oneOf"
    } else {
        "anyOf"
    };
    format!("{pointer}/{key}")
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| !v.is_empty() && v.iter().all(Value::is_null))
}

fn has_properties(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

fn is_objectish(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        || schema.get("properties").is_some()
        || schema.get("additionalProperties").is_some()
}

/// A schema that only describes (no type, no structure): `{}`, `{nullable: true}`,
/// `{description: …}`.
fn is_meaningful(schema: &Value) -> bool {
    const STRUCTURAL: &[&str] = &[
        "$ref",
        "type",
        "properties",
        "additionalProperties",
        "items",
        "enum",
        "oneOf",
        "anyOf",
        "allOf",
        "not",
        "format",
    ];
    schema
        .as_object()
        .is_some_and(|m| STRUCTURAL.iter().any(|k| m.contains_key(*k)))
}

fn meaningful_parts(parts: &[Value]) -> usize {
    parts.iter().filter(|p| is_meaningful(p)).count()
}

fn collect_required(schema: &Value, required: &mut BTreeSet<String>) {
    if let Some(list) = schema.get("required").and_then(Value::as_array) {
        required.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The doc text of a schema: its title and description, as written.
fn doc_of(schema: &Value) -> Option<String> {
    let title = schema.get("title").and_then(Value::as_str).map(str::trim);
    let description = schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim);
    match (title, description) {
        (Some(t), Some(d)) if !t.is_empty() && !d.is_empty() => Some(format!("{t}\n\n{d}")),
        (Some(t), _) if !t.is_empty() => Some(t.to_string()),
        (_, Some(d)) if !d.is_empty() => Some(d.to_string()),
        _ => None,
    }
}
