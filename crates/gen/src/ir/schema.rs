//! Schemas → named Rust types (the `types` module) and type expressions.
//!
//! The builder works on the spec as JSON (the loaded model serialised back), so JSON
//! pointers in diagnostics and [`Origin`]s are pointers into the bundled document and
//! `$ref`s resolve by pointer. Types live in an arena keyed by their (unique) Rust name
//! and come out sorted. Component schemas are named first, so inline schemas never take
//! a component's name; inline schemas are named after where they sit
//! (`CreateWidgetRequest`, `WidgetTagsItem`).

use super::names::{self, Namer, RESERVED_TYPE_NAMES};
use super::{
    Constraints, DefaultExpr, DefaultValue, EnumVariant, Features, Field, IntVariant, Num, Origin,
    Presence, TaggedVariant, TypeDef, TypeKind, UntaggedVariant, Validation,
};
use apigen_spec::diag::escape_pointer_token;
use apigen_spec::Diagnostic;
use foldhash::{HashMap, HashMapExt, HashSet};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// How many `$ref` hops are followed before a chain counts as a cycle.
const MAX_REF_HOPS: usize = 32;

/// How deep inline schemas may nest before the rest becomes `serde_json::Value`
/// (protects the stack against pathological input).
const MAX_DEPTH: usize = 64;

/// The name of the variant that holds values an enum does not list.
const FALLBACK: &str = "Unknown";

/// A Rust type expression, before it is written out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// A primitive or external type, written as is (`String`, `i64`, `::uuid::Uuid`).
    Prim(&'static str),
    /// A helper type defined in `types.rs` by apigen (`Base64Bytes`).
    Helper(&'static str),
    /// `::serde_json::Value`.
    Value,
    /// `::serde_json::Map<String, ::serde_json::Value>`.
    JsonMap,
    /// A named type in `types.rs`.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `::std::collections::BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Box<T>` (recursion).
    Boxed(Box<Ty>),
}

impl Ty {
    /// The type as written in `types.rs` (`qualified == false`) or elsewhere (`types::…`).
    pub(crate) fn render(&self, qualified: bool) -> String {
        let q = if qualified { "types::" } else { "" };
        match self {
            Ty::Prim(p) => (*p).to_string(),
            Ty::Helper(h) => format!("{q}{h}"),
            Ty::Value => "::serde_json::Value".to_string(),
            Ty::JsonMap => "::serde_json::Map<String, ::serde_json::Value>".to_string(),
            Ty::Named(n) => format!("{q}{n}"),
            Ty::Vec(t) => format!("Vec<{}>", t.render(qualified)),
            Ty::Map(t) => format!(
                "::std::collections::BTreeMap<String, {}>",
                t.render(qualified)
            ),
            Ty::Boxed(t) => format!("Box<{}>", t.render(qualified)),
        }
    }

    /// Named types this type contains without indirection (what recursion must box).
    fn direct_names(&self) -> Option<&str> {
        match self {
            Ty::Named(n) => Some(n),
            _ => None,
        }
    }

    /// Every named type this type mentions.
    fn all_names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Ty::Named(n) => out.push(n),
            Ty::Vec(t) | Ty::Map(t) | Ty::Boxed(t) => t.all_names(out),
            _ => {}
        }
    }

    /// Every named type this type mentions that `renames` has, renamed; whether there was one.
    fn rename(&mut self, renames: &HashMap<String, String>) -> bool {
        match self {
            Ty::Named(n) => match renames.get(n.as_str()) {
                Some(kept) => {
                    n.clone_from(kept);
                    true
                }
                None => false,
            },
            Ty::Vec(t) | Ty::Map(t) | Ty::Boxed(t) => t.rename(renames),
            _ => false,
        }
    }

    /// Whether the type (ignoring named types) implements `Eq` and `Hash`.
    fn eq_hash(&self) -> (bool, bool) {
        match self {
            Ty::Prim(p) => {
                let float = p.starts_with('f');
                (!float, !float)
            }
            Ty::Helper(_) | Ty::Named(_) => (true, true),
            Ty::Value | Ty::JsonMap => (true, false),
            Ty::Vec(t) | Ty::Map(t) | Ty::Boxed(t) => t.eq_hash(),
        }
    }
}

/// What a schema resolves to, with the facts gathered on the way.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub ty: Ty,
    pub nullable: bool,
    pub constraints: Constraints,
    pub value_kind: &'static str,
    pub default: Option<Value>,
}

impl Resolved {
    fn of(ty: Ty, value_kind: &'static str) -> Self {
        Self {
            ty,
            nullable: false,
            constraints: Constraints {
                is_empty: true,
                ..Constraints::default()
            },
            value_kind,
            default: None,
        }
    }
}

/// A type in the making (types still as [`Ty`], so recursion can be boxed at the end).
#[derive(Debug, Clone)]
struct Draft {
    doc: Option<String>,
    deprecated: bool,
    body: DraftBody,
    origin: Origin,
}

#[derive(Debug, Clone)]
enum DraftBody {
    Struct {
        fields: Vec<DraftField>,
        deny_unknown_fields: bool,
    },
    StringEnum {
        variants: Vec<EnumVariant>,
        fallback: String,
    },
    IntEnum {
        variants: Vec<IntVariant>,
        fallback: String,
    },
    Tagged {
        tag: String,
        variants: Vec<(String, String, Ty)>,
    },
    Untagged {
        variants: Vec<(String, Ty)>,
    },
    /// The aliased type, and whether the schema admits `null` (then `Option<T>`).
    Alias(Ty, bool),
}

/// A struct field in the making.
#[derive(Debug, Clone)]
pub(crate) struct DraftField {
    pub name: String,
    pub wire_name: String,
    pub ty: Ty,
    pub presence: Presence,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub default: Option<DefaultValue>,
    pub value_kind: &'static str,
    pub constraints: Constraints,
    pub origin: Origin,
}

/// A piece of a struct: an object whose properties are merged in, something that is
/// flattened beside them, or a `oneOf`/`anyOf` written next to properties.
enum Part<'a> {
    Object(&'a Value, String),
    Flatten(&'a Value, String),
    Union(&'a Value, String),
}

/// What a field is, besides its schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldOf<'s> {
    /// The JSON property (or parameter) name.
    pub wire: &'s str,
    /// Whether it must be present.
    pub required: bool,
    /// The owning type's name (for naming inline types and default functions).
    pub owner: &'s str,
    /// Whether `null` is representable (not for parameters).
    pub allow_null: bool,
}

/// A component schema's Rust name and whether it becomes a named type of its own.
#[derive(Debug, Clone)]
struct Component {
    name: String,
    nominal: bool,
}

/// Builds the `types` module.
pub(crate) struct TypeBuilder<'a> {
    root: &'a Value,
    file: String,
    namer: Namer,
    fn_namer: Namer,
    drafts: BTreeMap<String, Draft>,
    components: BTreeMap<String, Component>,
    expanding: Vec<String>,
    /// What the schema at each pointer resolved to, so a schema is resolved once however
    /// many `$ref`s reach it: specs converted from Swagger often point deep into other
    /// schemas, and resolving every reference anew grows exponentially with the nesting.
    expanded: HashMap<String, Resolved>,
    enum_reprs: HashMap<String, EnumRepr>,
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
            drafts: BTreeMap::new(),
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

    /// Reserves a type name (for types other stages add, like query structs).
    pub(crate) fn reserve_name(&mut self, base: &str) -> String {
        self.namer.unique(&names::pascal(base))
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
            let pointer = format!("#/components/schemas/{}", escape_pointer_token(key));
            let nominal = schemas
                .get(key.as_str())
                .is_some_and(|s| self.is_nominal(s));
            let name = self.namer.unique(&names::pascal(key));
            if nominal {
                if let Some(repr) = schemas
                    .get(key.as_str())
                    .and_then(enum_values)
                    .and_then(|v| enum_repr(&v))
                {
                    self.enum_reprs.insert(name.clone(), repr);
                }
            }
            self.components.insert(pointer, Component { name, nominal });
        }
        for key in keys {
            let pointer = format!("#/components/schemas/{}", escape_pointer_token(key));
            let Some(schema) = schemas.get(key.as_str()) else {
                continue;
            };
            let Some(component) = self.components.get(&pointer).cloned() else {
                continue;
            };
            if component.nominal {
                self.build_named(schema, &pointer, &component.name);
            } else {
                self.expanding.push(pointer.clone());
                let resolved = self.resolve(schema, &pointer, &component.name);
                self.expanding.pop();
                let draft = Draft {
                    doc: doc_of(schema),
                    deprecated: flag(schema, "deprecated"),
                    body: DraftBody::Alias(resolved.ty, resolved.nullable),
                    origin: self.origin(&pointer),
                };
                self.drafts.insert(component.name, draft);
            }
        }
    }

    /// Follows `$ref`s to the schema they name; `None` (with a warning) when a reference
    /// dangles or the chain does not end.
    fn follow(&mut self, schema: &'a Value, pointer: &str) -> Option<(&'a Value, String)> {
        let mut current = schema;
        let mut current_pointer = pointer.to_string();
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return Some((current, current_pointer));
            };
            let Some(target) = reference
                .strip_prefix('#')
                .and_then(|p| self.root.pointer(p))
            else {
                self.warn_at(
                    "gen/unresolved-ref",
                    &current_pointer,
                    format!("`$ref: {reference}` does not resolve; generated as serde_json::Value"),
                );
                return None;
            };
            current = target;
            current_pointer = reference.to_string();
        }
        self.unsupported(
            pointer,
            "a `$ref` chain that never ends",
            "serde_json::Value",
        );
        None
    }

    /// Whether a schema becomes a named type of its own (struct or enum) rather than an
    /// expression (`String`, `Vec<T>`, a map, or another type).
    fn is_nominal(&self, schema: &Value) -> bool {
        if schema.get("$ref").is_some() {
            return false;
        }
        if let Some(values) = enum_values(schema) {
            return enum_repr(&values).is_some_and(|r| r != EnumRepr::Bool);
        }
        if let Some(members) = union_members(schema) {
            let non_null = members.iter().filter(|m| !is_null_schema(m)).count();
            return non_null >= 2 || has_properties(schema);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            return meaningful_parts(parts) >= 2 || has_properties(schema);
        }
        has_properties(schema)
    }

    /// The type of the schema at `pointer`; named types are created on the way.
    pub(crate) fn resolve(&mut self, schema: &'a Value, pointer: &str, hint: &str) -> Resolved {
        if self.depth >= MAX_DEPTH {
            self.unsupported(pointer, "a schema nested this deeply", "serde_json::Value");
            return Resolved::of(Ty::Value, "any");
        }
        if let Some(r) = self.expanded.get(pointer) {
            return r.clone();
        }
        self.depth += 1;
        let resolved = self.resolve_inner(schema, pointer, hint);
        self.depth -= 1;
        self.expanded.insert(pointer.to_string(), resolved.clone());
        resolved
    }

    /// The name hint for a schema a `$ref` points into: the one resolving it in place
    /// would use (`#/components/schemas/Pet/properties/owner` → `PetOwner`), so the
    /// type's name does not depend on which reference reaches it first.
    fn hint_for(&self, pointer: &str) -> Option<String> {
        let rest = pointer.strip_prefix("#/components/schemas/")?;
        let mut tokens = rest.split('/');
        let first = tokens.next()?;
        let component = self
            .components
            .get(&format!("#/components/schemas/{first}"))?;
        let mut hint = component.name.clone();
        while let Some(token) = tokens.next() {
            match token {
                "properties" => {
                    if let Some(name) = tokens.next() {
                        let name = name.replace("~1", "/").replace("~0", "~");
                        hint.push_str(&names::pascal(&name));
                    }
                }
                "items" => hint.push_str("Item"),
                "additionalProperties" => hint.push_str("Value"),
                "allOf" | "anyOf" | "oneOf" => {
                    tokens.next();
                }
                other => hint.push_str(&names::pascal(other)),
            }
        }
        Some(hint)
    }

    fn resolve_inner(&mut self, schema: &'a Value, pointer: &str, hint: &str) -> Resolved {
        if !schema.is_object() {
            if schema.as_bool() == Some(false) {
                self.unsupported(pointer, "the schema `false`", "serde_json::Value");
            }
            return Resolved::of(Ty::Value, "any");
        }
        if schema.get("$ref").is_some() {
            let Some((target, target_pointer)) = self.follow(schema, pointer) else {
                return Resolved::of(Ty::Value, "any");
            };
            return self.resolve_target(target, &target_pointer, hint);
        }
        let nullable = flag(schema, "nullable");
        let default = schema.get("default").cloned();
        let mut r = self.resolve_shape(schema, pointer, hint);
        r.nullable |= nullable;
        if default.is_some() {
            r.default = default;
        }
        r
    }

    /// The type of the schema a `$ref` points at (`target`, at `target_pointer`): a nominal
    /// component by name; anything else resolved in place (once, see `expanded`), named
    /// after its own pointer, with `hint` (the referrer's) as the fallback.
    fn resolve_target(&mut self, target: &'a Value, target_pointer: &str, hint: &str) -> Resolved {
        let component = self.components.get(target_pointer).cloned();
        if let Some(component) = component.as_ref().filter(|c| c.nominal) {
            let mut r = Resolved::of(Ty::Named(component.name.clone()), self.kind_of(target));
            r.nullable = flag(target, "nullable");
            r.default = target.get("default").cloned();
            return r;
        }
        if self.expanding.iter().any(|p| p == target_pointer) {
            let construct = if component.is_some() {
                "a schema that contains itself without an object in between"
            } else {
                "a recursive inline schema"
            };
            self.unsupported(target_pointer, construct, "serde_json::Value");
            return Resolved::of(Ty::Value, "any");
        }
        let hint = match component {
            Some(c) => c.name,
            None => self
                .hint_for(target_pointer)
                .unwrap_or_else(|| hint.to_string()),
        };
        self.expanding.push(target_pointer.to_string());
        let r = self.resolve(target, target_pointer, &hint);
        self.expanding.pop();
        r
    }

    fn resolve_shape(&mut self, schema: &'a Value, pointer: &str, hint: &str) -> Resolved {
        if self.is_nominal(schema) {
            let name = self.namer.unique(&names::pascal(hint));
            let kind = self.kind_of(schema);
            let nullable = self.build_named(schema, pointer, &name);
            let mut r = Resolved::of(Ty::Named(name), kind);
            r.nullable = nullable;
            return r;
        }
        if let Some(values) = enum_values(schema) {
            // Not a string or integer enum: a boolean enum, an enum of nothing but null,
            // or one of other values (numbers, mixed), which keeps its declared type.
            let nullable = values.iter().any(Value::is_null);
            let typed = schema.get("type").and_then(Value::as_str).is_some();
            let repr = enum_repr(&values);
            if repr == Some(EnumRepr::Bool) || values.iter().all(Value::is_null) || !typed {
                let mut r = if repr == Some(EnumRepr::Bool) {
                    Resolved::of(Ty::Prim("bool"), "boolean")
                } else {
                    Resolved::of(Ty::Value, "any")
                };
                r.nullable = nullable;
                return r;
            }
        }
        if let Some(members) = union_members(schema) {
            // At most one member that is not null: the member itself, maybe nullable.
            let nullable = members.iter().any(is_null_schema);
            let member_pointer = union_pointer(schema, pointer);
            let mut r = match members.iter().enumerate().find(|(_, m)| !is_null_schema(m)) {
                Some((i, member)) => self.resolve(member, &format!("{member_pointer}/{i}"), hint),
                None => Resolved::of(Ty::Value, "any"),
            };
            r.nullable |= nullable;
            return r;
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            // One meaningful part (the others only describe): that part, with the
            // describing parts' nullability.
            let nullable = parts.iter().any(|p| flag(p, "nullable"));
            let mut r = match parts.iter().enumerate().find(|(_, p)| is_meaningful(p)) {
                Some((i, part)) => self.resolve(part, &format!("{pointer}/allOf/{i}"), hint),
                None => Resolved::of(Ty::Value, "any"),
            };
            r.nullable |= nullable;
            return r;
        }
        if schema.get("not").is_some() {
            self.unsupported(pointer, "`not`", "serde_json::Value");
            return Resolved::of(Ty::Value, "any");
        }
        let typ = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        match typ {
            Some("string") => {
                let ty = match format {
                    "date-time" => {
                        self.features.chrono = true;
                        Ty::Prim("::chrono::DateTime<::chrono::Utc>")
                    }
                    "date" => {
                        self.features.chrono = true;
                        Ty::Prim("::chrono::NaiveDate")
                    }
                    "uuid" => {
                        self.features.uuid = true;
                        Ty::Prim("::uuid::Uuid")
                    }
                    "byte" => {
                        self.features.base64 = true;
                        Ty::Helper("Base64Bytes")
                    }
                    "binary" => Ty::Prim("Vec<u8>"),
                    _ => Ty::Prim("String"),
                };
                let mut r = Resolved::of(ty, "string");
                r.constraints = self.constraints(schema, false);
                r
            }
            Some("integer") => {
                let ty = match format {
                    "int8" => "i8",
                    "int16" => "i16",
                    "int32" => "i32",
                    "uint8" => "u8",
                    "uint16" => "u16",
                    "uint32" => "u32",
                    "uint64" | "uint" => "u64",
                    _ => "i64",
                };
                let mut r = Resolved::of(Ty::Prim(ty), "integer");
                r.constraints = self.constraints(schema, true);
                r
            }
            Some("number") => {
                let ty = if format == "float" { "f32" } else { "f64" };
                let mut r = Resolved::of(Ty::Prim(ty), "number");
                r.constraints = self.constraints(schema, false);
                r
            }
            Some("boolean") => Resolved::of(Ty::Prim("bool"), "boolean"),
            Some("array") => {
                let item = match schema.get("items") {
                    Some(items) => {
                        let item_hint = format!("{hint}Item");
                        self.resolve(items, &format!("{pointer}/items"), &item_hint)
                            .ty
                    }
                    None => Ty::Value,
                };
                let mut r = Resolved::of(Ty::Vec(Box::new(item)), "array");
                r.constraints = self.constraints(schema, false);
                r
            }
            Some("object") | None if is_objectish(schema) => {
                let ty = match schema.get("additionalProperties") {
                    Some(extra @ Value::Object(_)) => {
                        let value_hint = format!("{hint}Value");
                        let value = self
                            .resolve(
                                extra,
                                &format!("{pointer}/additionalProperties"),
                                &value_hint,
                            )
                            .ty;
                        Ty::Map(Box::new(value))
                    }
                    _ => Ty::JsonMap,
                };
                Resolved::of(ty, "object")
            }
            None => Resolved::of(Ty::Value, "any"),
            Some("null") => {
                let mut r = Resolved::of(Ty::Value, "any");
                r.nullable = true;
                r
            }
            Some(other) => {
                let construct = format!("`type: {other}`");
                self.unsupported(pointer, &construct, "serde_json::Value");
                Resolved::of(Ty::Value, "any")
            }
        }
    }

    /// The value kind of a nominal schema.
    fn kind_of(&self, schema: &Value) -> &'static str {
        if enum_values(schema).is_some() {
            "enum"
        } else if union_members(schema).is_some() && !has_properties(schema) {
            "any"
        } else {
            "object"
        }
    }

    fn constraints(&mut self, schema: &Value, integer: bool) -> Constraints {
        let num = |key: &str| -> Option<Num> {
            let v = schema.get(key)?;
            if integer {
                v.as_i64()
                    .map(Num::Int)
                    .or_else(|| v.as_f64().map(Num::Float))
            } else {
                v.as_f64().map(Num::Float)
            }
        };
        let count = |key: &str| schema.get(key).and_then(Value::as_u64);
        let pattern = schema
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_string);
        if pattern.is_some() {
            self.features.regex = true;
        }
        let mut c = Constraints {
            min_length: count("minLength"),
            max_length: count("maxLength"),
            pattern,
            minimum: num("minimum"),
            maximum: num("maximum"),
            exclusive_minimum: flag(schema, "exclusiveMinimum"),
            exclusive_maximum: flag(schema, "exclusiveMaximum"),
            multiple_of: num("multipleOf"),
            min_items: count("minItems"),
            max_items: count("maxItems"),
            unique_items: flag(schema, "uniqueItems"),
            is_empty: false,
        };
        c.is_empty = c == Constraints::default();
        c
    }

    /// Builds the named type `name` for a nominal schema; returns whether the schema
    /// admits null (a `null` member or enum value).
    fn build_named(&mut self, schema: &'a Value, pointer: &str, name: &str) -> bool {
        let doc = doc_of(schema);
        let deprecated = flag(schema, "deprecated");
        let origin = self.origin(pointer);
        // Placeholder first, so a recursive reference finds the name taken.
        self.drafts.insert(
            name.to_string(),
            Draft {
                doc: doc.clone(),
                deprecated,
                body: DraftBody::Alias(Ty::Value, false),
                origin: origin.clone(),
            },
        );
        let mut nullable = false;
        let body = if let Some(values) = enum_values(schema) {
            nullable = values.iter().any(Value::is_null);
            if let Some(repr) = enum_repr(&values) {
                self.enum_reprs.insert(name.to_string(), repr);
            }
            self.enum_body(&values, pointer)
        } else if union_members(schema).is_some() && !has_properties(schema) {
            let (body, null) = self.union_body(schema, pointer, name);
            nullable = null;
            body
        } else {
            self.struct_body(schema, pointer, name)
        };
        self.drafts.insert(
            name.to_string(),
            Draft {
                doc,
                deprecated,
                body,
                origin,
            },
        );
        nullable
    }

    fn enum_body(&mut self, values: &[Value], pointer: &str) -> DraftBody {
        // The fallback variant is always `Unknown`, so code matching on it never changes
        // name; a value spelled `unknown` gets `Unknown2`.
        let mut namer = Namer::with_reserved(&[FALLBACK]);
        match enum_repr(values) {
            Some(EnumRepr::Int) => {
                let mut seen = BTreeSet::new();
                let variants = values
                    .iter()
                    .filter_map(Value::as_i64)
                    .filter(|v| seen.insert(*v))
                    .map(|value| {
                        let name = if value < 0 {
                            format!("VMinus{}", value.unsigned_abs())
                        } else {
                            format!("V{value}")
                        };
                        IntVariant {
                            name: namer.unique(&name),
                            value,
                        }
                    })
                    .collect();
                DraftBody::IntEnum {
                    variants,
                    fallback: FALLBACK.to_string(),
                }
            }
            Some(EnumRepr::Str) => {
                let mut seen = BTreeSet::new();
                let variants = values
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|v| seen.insert(*v))
                    .map(|value| EnumVariant {
                        name: namer.unique(&names::pascal(if value.is_empty() {
                            "empty"
                        } else {
                            value
                        })),
                        value: value.to_string(),
                    })
                    .collect();
                DraftBody::StringEnum {
                    variants,
                    fallback: FALLBACK.to_string(),
                }
            }
            _ => {
                self.unsupported(pointer, "an enum mixing value types", "serde_json::Value");
                DraftBody::Alias(Ty::Value, false)
            }
        }
    }

    /// `oneOf`/`anyOf` with two or more members: a tagged enum when there is a usable
    /// discriminator, else an untagged one.
    fn union_body(&mut self, schema: &'a Value, pointer: &str, name: &str) -> (DraftBody, bool) {
        let Some(members) = union_members(schema) else {
            return (DraftBody::Alias(Ty::Value, false), false);
        };
        let member_pointer = union_pointer(schema, pointer);
        let nullable = members.iter().any(is_null_schema);
        if let Some(body) = self.tagged_body(schema, members, &member_pointer, name) {
            return (body, nullable);
        }
        let mut namer = Namer::default();
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            if is_null_schema(member) {
                continue;
            }
            let variant_name = namer.unique(&self.variant_name(member));
            let hint = format!("{name}{variant_name}");
            let ty = self
                .resolve(member, &format!("{member_pointer}/{i}"), &hint)
                .ty;
            variants.push((variant_name, ty));
        }
        (DraftBody::Untagged { variants }, nullable)
    }

    fn tagged_body(
        &mut self,
        schema: &'a Value,
        members: &'a [Value],
        member_pointer: &str,
        name: &str,
    ) -> Option<DraftBody> {
        let tag = schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str)?;
        let mapping = schema
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object);
        // Every member must be a reference to an object schema.
        let mut refs = Vec::new();
        for member in members.iter().filter(|m| !is_null_schema(m)) {
            let reference = member.get("$ref").and_then(Value::as_str)?;
            let target = reference
                .strip_prefix('#')
                .and_then(|p| self.root.pointer(p))?;
            if !(has_properties(target) || target.get("allOf").is_some()) {
                return None;
            }
            refs.push(reference.to_string());
        }
        let mut tagged: Vec<(String, String)> = Vec::new();
        if let Some(mapping) = mapping {
            for (value, target) in mapping {
                let Some(target) = target.as_str() else {
                    continue;
                };
                let reference = if target.starts_with('#') {
                    target.to_string()
                } else {
                    format!("#/components/schemas/{}", escape_pointer_token(target))
                };
                tagged.push((value.clone(), reference));
            }
        }
        for reference in &refs {
            if !tagged.iter().any(|(_, r)| r == reference) {
                let implicit = reference.rsplit('/').next().unwrap_or(reference);
                let implicit = implicit.replace("~1", "/").replace("~0", "~");
                tagged.push((implicit, reference.clone()));
            }
        }
        let mut namer = Namer::default();
        let mut variants = Vec::new();
        for (value, reference) in tagged {
            let ty = self.resolve_reference(&reference, member_pointer, name);
            variants.push((namer.unique(&names::pascal(&value)), value, ty));
        }
        Some(DraftBody::Tagged {
            tag: tag.to_string(),
            variants,
        })
    }

    /// The type a local reference (a discriminator mapping target) names.
    fn resolve_reference(&mut self, reference: &str, pointer: &str, hint: &str) -> Ty {
        let root = self.root;
        match reference.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(target) => self.resolve_target(target, reference, hint).ty,
            None => {
                self.warn_at(
                    "gen/unresolved-ref",
                    pointer,
                    format!("discriminator mapping `{reference}` does not resolve; generated as serde_json::Value"),
                );
                Ty::Value
            }
        }
    }

    /// A variant name for a union member: the referenced schema's name, its title, or
    /// what kind of value it is.
    fn variant_name(&self, member: &Value) -> String {
        if let Some(reference) = member.get("$ref").and_then(Value::as_str) {
            if let Some(component) = self.components.get(reference) {
                return component.name.clone();
            }
            let last = reference.rsplit('/').next().unwrap_or(reference);
            return names::pascal(last);
        }
        if let Some(title) = member.get("title").and_then(Value::as_str) {
            return names::pascal(title);
        }
        let kind = match member.get("type").and_then(Value::as_str) {
            Some("string") => "String",
            Some("integer") => "Integer",
            Some("number") => "Number",
            Some("boolean") => "Boolean",
            Some("array") => "Array",
            Some("object") => "Object",
            _ if has_properties(member) => "Object",
            _ => "Value",
        };
        kind.to_string()
    }

    /// A struct from `properties` (and merged `allOf` parts); parts that cannot be
    /// merged and `oneOf`/`anyOf` beside properties are flattened.
    fn struct_body(&mut self, schema: &'a Value, pointer: &str, name: &str) -> DraftBody {
        let mut namer = Namer::default();
        let mut fields = Vec::new();
        let mut deny_unknown_fields = false;
        let mut required: BTreeSet<String> = BTreeSet::new();
        collect_required(schema, &mut required);
        let mut parts: Vec<Part<'a>> = Vec::new();
        self.collect_parts(schema, pointer, &mut parts, &mut required, 0);
        let mut seen_wire: BTreeSet<String> = BTreeSet::new();
        for part in parts {
            match part {
                Part::Object(part, part_pointer) => {
                    if let Some(props) = part.get("properties").and_then(Value::as_object) {
                        for (wire, prop) in props {
                            if !seen_wire.insert(wire.clone()) {
                                continue;
                            }
                            let prop_pointer =
                                format!("{part_pointer}/properties/{}", escape_pointer_token(wire));
                            let of = FieldOf {
                                wire,
                                required: required.contains(wire),
                                owner: name,
                                allow_null: true,
                            };
                            let field = self.field(prop, &prop_pointer, of, &mut namer);
                            fields.push(field);
                        }
                    }
                    let extra_pointer = format!("{part_pointer}/additionalProperties");
                    let extra_ty = match part.get("additionalProperties") {
                        Some(Value::Bool(false)) => {
                            deny_unknown_fields = true;
                            None
                        }
                        Some(extra @ Value::Object(_)) if is_meaningful(extra) => {
                            let value_hint = format!("{name}Value");
                            Some(self.resolve(extra, &extra_pointer, &value_hint).ty)
                        }
                        Some(Value::Bool(true)) | Some(Value::Object(_)) => Some(Ty::Value),
                        _ => None,
                    };
                    if let Some(value) = extra_ty {
                        let field_name = namer.unique("additional_properties");
                        fields.push(self.flat_field(
                            field_name,
                            Ty::Map(Box::new(value)),
                            &extra_pointer,
                        ));
                    }
                }
                Part::Flatten(part, part_pointer) => {
                    let hint = format!("{name}Part");
                    let resolved = self.resolve(part, &part_pointer, &hint);
                    if matches!(resolved.ty, Ty::Named(_) | Ty::Map(_) | Ty::JsonMap) {
                        let field_name = namer.unique("part");
                        fields.push(self.flat_field(field_name, resolved.ty, &part_pointer));
                    } else {
                        self.unsupported(
                            &part_pointer,
                            "an `allOf` part that is not an object",
                            "nothing (the part is left out of the struct)",
                        );
                    }
                }
                Part::Union(union, union_pointer) => {
                    let variant_name = self.namer.unique(&format!("{name}Variant"));
                    let (body, _) = self.union_body(union, &union_pointer, &variant_name);
                    self.drafts.insert(
                        variant_name.clone(),
                        Draft {
                            doc: None,
                            deprecated: false,
                            body,
                            origin: self.origin(&union_pointer),
                        },
                    );
                    let field_name = namer.unique("variant");
                    fields.push(self.flat_field(
                        field_name,
                        Ty::Named(variant_name),
                        &union_pointer,
                    ));
                }
            }
        }
        if fields.iter().any(|f| f.presence == Presence::Flattened) {
            deny_unknown_fields = false;
        }
        DraftBody::Struct {
            fields,
            deny_unknown_fields,
        }
    }

    /// The parts of a struct: the schema itself, its `allOf` parts (references to other
    /// objects are merged, recursively), and a `oneOf`/`anyOf` beside properties.
    fn collect_parts(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        parts: &mut Vec<Part<'a>>,
        required: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > MAX_REF_HOPS {
            self.unsupported(
                pointer,
                "an `allOf` that includes itself",
                "a struct without the repeated part",
            );
            return;
        }
        if has_properties(schema) || schema.get("additionalProperties").is_some() {
            parts.push(Part::Object(schema, pointer.to_string()));
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for (i, part) in all.iter().enumerate() {
                let part_pointer = format!("{pointer}/allOf/{i}");
                let Some((target, target_pointer)) = self.follow(part, &part_pointer) else {
                    continue;
                };
                collect_required(target, required);
                let mergeable = union_members(target).is_none() && enum_values(target).is_none();
                if mergeable && (is_objectish(target) || target.get("allOf").is_some()) {
                    self.collect_parts(target, &target_pointer, parts, required, depth + 1);
                } else if is_meaningful(target) {
                    parts.push(Part::Flatten(part, part_pointer));
                }
            }
        }
        if union_members(schema).is_some() {
            parts.push(Part::Union(schema, pointer.to_string()));
        }
    }

    fn flat_field(&self, name: String, ty: Ty, pointer: &str) -> DraftField {
        DraftField {
            name,
            wire_name: String::new(),
            ty,
            presence: Presence::Flattened,
            doc: None,
            deprecated: false,
            read_only: false,
            write_only: false,
            default: None,
            value_kind: "object",
            constraints: Constraints {
                is_empty: true,
                ..Constraints::default()
            },
            origin: self.origin(pointer),
        }
    }

    /// One struct field (also used for query parameters).
    pub(crate) fn field(
        &mut self,
        prop: &'a Value,
        pointer: &str,
        of: FieldOf<'_>,
        namer: &mut Namer,
    ) -> DraftField {
        let FieldOf {
            wire,
            required,
            owner,
            allow_null,
        } = of;
        let name = namer.unique(&names::snake(wire));
        let hint = format!("{owner}{}", names::pascal(wire));
        let resolved = self.resolve(prop, pointer, &hint);
        let mut presence = match (required, resolved.nullable && allow_null) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        };
        if presence == Presence::OptionalNullable {
            self.features.nullable = true;
        }
        let mut default = None;
        if presence == Presence::Optional {
            if let Some(value) = &resolved.default {
                let fn_name = self
                    .fn_namer
                    .unique(&names::snake(&format!("default {owner} {}", name)));
                match self.default_expr(&resolved.ty, value) {
                    Some(expr) => {
                        presence = Presence::Defaulted;
                        default = Some(DefaultValue {
                            fn_name,
                            value: expr,
                        });
                    }
                    None => self.warn_at(
                        "gen/default-ignored",
                        pointer,
                        format!(
                            "the default `{value}` of `{wire}` cannot be written as a Rust value of type {}; the field stays optional",
                            resolved.ty.render(false)
                        ),
                    ),
                }
            }
        }
        let doc_source = if prop.get("$ref").is_some() {
            None
        } else {
            doc_of(prop)
        };
        DraftField {
            name,
            wire_name: wire.to_string(),
            ty: resolved.ty,
            presence,
            doc: doc_source,
            deprecated: flag(prop, "deprecated"),
            read_only: flag(prop, "readOnly"),
            write_only: flag(prop, "writeOnly"),
            default,
            value_kind: resolved.value_kind,
            constraints: resolved.constraints,
            origin: self.origin(pointer),
        }
    }

    /// A plain string field (for parameters apigen cannot type).
    pub(crate) fn string_field(
        &mut self,
        wire: &str,
        pointer: &str,
        required: bool,
        namer: &mut Namer,
    ) -> DraftField {
        DraftField {
            name: namer.unique(&names::snake(wire)),
            wire_name: wire.to_string(),
            ty: Ty::Prim("String"),
            presence: if required {
                Presence::Required
            } else {
                Presence::Optional
            },
            doc: None,
            deprecated: false,
            read_only: false,
            write_only: false,
            default: None,
            value_kind: "string",
            constraints: Constraints {
                is_empty: true,
                ..Constraints::default()
            },
            origin: self.origin(pointer),
        }
    }

    fn default_expr(&self, ty: &Ty, value: &Value) -> Option<DefaultExpr> {
        match (ty, value) {
            (Ty::Prim("bool"), Value::Bool(b)) => Some(DefaultExpr::Bool { value: *b }),
            (Ty::Prim(p), Value::Number(n)) if p.starts_with('i') || p.starts_with('u') => {
                let v = n.as_i64()?;
                let fits = match *p {
                    "i8" => i8::try_from(v).is_ok(),
                    "i16" => i16::try_from(v).is_ok(),
                    "i32" => i32::try_from(v).is_ok(),
                    "u8" => u8::try_from(v).is_ok(),
                    "u16" => u16::try_from(v).is_ok(),
                    "u32" => u32::try_from(v).is_ok(),
                    "u64" => v >= 0,
                    _ => true,
                };
                fits.then_some(DefaultExpr::Int { value: v })
            }
            (Ty::Prim(p), Value::Number(n)) if p.starts_with('f') => {
                n.as_f64().map(|value| DefaultExpr::Float { value })
            }
            (Ty::Prim("String"), Value::String(s)) => Some(DefaultExpr::Str { value: s.clone() }),
            (Ty::Named(name), Value::String(s)) => match self.enum_reprs.get(name) {
                Some(EnumRepr::Str) => Some(DefaultExpr::StrEnum {
                    type_name: name.clone(),
                    value: s.clone(),
                }),
                _ => None,
            },
            (Ty::Named(name), Value::Number(n)) => match self.enum_reprs.get(name) {
                Some(EnumRepr::Int) => n.as_i64().map(|value| DefaultExpr::IntEnum {
                    type_name: name.clone(),
                    value,
                }),
                _ => None,
            },
            (Ty::Vec(_), Value::Array(items)) if items.is_empty() => Some(DefaultExpr::EmptyVec),
            _ => None,
        }
    }

    /// Adds a struct made by another stage (query parameters).
    pub(crate) fn add_struct(
        &mut self,
        name: &str,
        doc: Option<String>,
        fields: Vec<DraftField>,
        pointer: &str,
    ) {
        let origin = self.origin(pointer);
        self.drafts.insert(
            name.to_string(),
            Draft {
                doc,
                deprecated: false,
                body: DraftBody::Struct {
                    fields,
                    deny_unknown_fields: false,
                },
                origin,
            },
        );
    }

    /// Merges duplicate inline types, boxes recursion, works out `Eq`/`Hash`, and writes
    /// the types out. `pinned`: names the operations use (they stay as they are).
    pub(crate) fn finish(
        mut self,
        pinned: &HashSet<String>,
    ) -> (Vec<TypeDef>, Features, Vec<Diagnostic>) {
        self.merge_duplicates(pinned);
        self.box_recursion();
        let (eq, hash) = self.eq_hash();
        let types = self
            .drafts
            .iter()
            .map(|(name, draft)| {
                let eq = eq.get(name).copied().unwrap_or(false);
                let hash = hash.get(name).copied().unwrap_or(false);
                to_typedef(name, draft, eq, hash)
            })
            .collect();
        (types, self.features, self.warnings)
    }

    /// One type for inline schemas that are the same type under different names. Specs
    /// written without `$ref`s repeat an object wherever it appears (GitHub's webhook payloads
    /// repeat the same user, repository and app objects hundreds of times), and each copy
    /// would be a type of its own to write, render, format and compile. Two inline types are
    /// the same when everything but their names, docs and spec locations is (fields with
    /// their names, wire names, types, presence and constraints; variants; tags); types that
    /// hold them become the same in turn, so this runs to a fixpoint. The shortest name (then
    /// the first) is kept. Component schemas keep their own types (they are named by the spec),
    /// and so do the types operations use directly (`pinned`: query structs, bodies).
    fn merge_duplicates(&mut self, pinned: &HashSet<String>) {
        let fixed: HashSet<&str> = self
            .components
            .values()
            .map(|c| c.name.as_str())
            .chain(pinned.iter().map(String::as_str))
            .collect();
        // Each type's key, as a number (equal keys, equal numbers), computed again only when
        // a merge renamed something the type holds.
        let mut numbers: HashMap<String, usize> = HashMap::new();
        let mut number = |key: String| {
            let next = numbers.len();
            *numbers.entry(key).or_insert(next)
        };
        let mut keys: HashMap<String, usize> = self
            .drafts
            .iter()
            .filter(|(name, _)| !fixed.contains(name.as_str()))
            .map(|(name, draft)| (name.clone(), number(shape_key(&draft.body))))
            .collect();
        loop {
            let mut groups: HashMap<usize, Vec<&str>> = HashMap::new();
            for (name, key) in &keys {
                groups.entry(*key).or_default().push(name);
            }
            let mut renames: HashMap<String, String> = HashMap::new();
            for names in groups.values().filter(|names| names.len() > 1) {
                let keep = names
                    .iter()
                    .min_by_key(|name| (name.len(), **name))
                    .copied()
                    .unwrap_or_default();
                for name in names.iter().filter(|name| **name != keep) {
                    renames.insert((*name).to_string(), keep.to_string());
                }
            }
            if renames.is_empty() {
                return;
            }
            for name in renames.keys() {
                self.drafts.remove(name);
                keys.remove(name);
            }
            for (name, draft) in self.drafts.iter_mut() {
                if rename_in(&mut draft.body, &renames) {
                    if let Some(key) = keys.get_mut(name) {
                        *key = number(shape_key(&draft.body));
                    }
                }
            }
        }
    }

    fn tys(body: &DraftBody) -> Vec<&Ty> {
        match body {
            DraftBody::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
            DraftBody::Tagged { variants, .. } => variants.iter().map(|v| &v.2).collect(),
            DraftBody::Untagged { variants } => variants.iter().map(|v| &v.1).collect(),
            DraftBody::Alias(ty, _) => vec![ty],
            DraftBody::StringEnum { .. } | DraftBody::IntEnum { .. } => Vec::new(),
        }
    }

    fn tys_mut(body: &mut DraftBody) -> Vec<&mut Ty> {
        match body {
            DraftBody::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
            DraftBody::Tagged { variants, .. } => variants.iter_mut().map(|v| &mut v.2).collect(),
            DraftBody::Untagged { variants } => variants.iter_mut().map(|v| &mut v.1).collect(),
            DraftBody::Alias(..) | DraftBody::StringEnum { .. } | DraftBody::IntEnum { .. } => {
                Vec::new()
            }
        }
    }

    /// Boxes every direct reference that closes a cycle (a reference to a type in the
    /// same strongly connected component of the "contains without indirection" graph).
    fn box_recursion(&mut self) {
        let names: Vec<String> = self.drafts.keys().cloned().collect();
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let edges: Vec<Vec<usize>> = names
            .iter()
            .map(|n| {
                self.drafts
                    .get(n)
                    .map(|d| {
                        Self::tys(&d.body)
                            .into_iter()
                            .filter_map(|t| t.direct_names())
                            .filter_map(|t| index.get(t).copied())
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let component = strongly_connected(&edges);
        for (i, name) in names.iter().enumerate() {
            let Some(draft) = self.drafts.get_mut(name) else {
                continue;
            };
            for ty in Self::tys_mut(&mut draft.body) {
                let target = ty.direct_names().and_then(|t| index.get(t).copied());
                if let Some(target) = target {
                    let cyclic = target == i
                        || component
                            .get(target)
                            .is_some_and(|c| Some(c) == component.get(i));
                    if cyclic {
                        let inner = std::mem::replace(ty, Ty::Value);
                        *ty = Ty::Boxed(Box::new(inner));
                    }
                }
            }
        }
    }

    /// Which types can derive `Eq` and `Hash` (a fixpoint: a type can when all it
    /// contains can).
    fn eq_hash(&self) -> (HashMap<String, bool>, HashMap<String, bool>) {
        let mut eq: HashMap<String, bool> = self.drafts.keys().map(|n| (n.clone(), true)).collect();
        let mut hash = eq.clone();
        loop {
            let mut changed = false;
            for (name, draft) in &self.drafts {
                let mut e = true;
                let mut h = true;
                for ty in Self::tys(&draft.body) {
                    let (te, th) = ty.eq_hash();
                    e &= te;
                    h &= th;
                    let mut refs = Vec::new();
                    ty.all_names(&mut refs);
                    for r in refs {
                        e &= eq.get(r).copied().unwrap_or(true);
                        h &= hash.get(r).copied().unwrap_or(true);
                    }
                }
                if eq.get(name) != Some(&e) {
                    eq.insert(name.clone(), e);
                    changed = true;
                }
                if hash.get(name) != Some(&h) {
                    hash.insert(name.clone(), h);
                    changed = true;
                }
            }
            if !changed {
                return (eq, hash);
            }
        }
    }
}

/// Tarjan's algorithm, iteratively (deep type graphs must not overflow the stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0usize;
    let mut next_component = 0usize;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some((v, child)) = work.pop() {
            if child == 0 {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            let successors = edges.get(v).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&w) = successors.get(child) {
                work.push((v, child + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    component
}

/// What makes two inline types the same type (see `TypeBuilder::merge_duplicates`): the
/// body without docs and spec locations.
fn shape_key(body: &DraftBody) -> String {
    match body {
        DraftBody::Struct {
            fields,
            deny_unknown_fields,
        } => {
            let mut key = format!("struct {deny_unknown_fields}");
            for f in fields {
                // Writing to a String cannot fail.
                let _ = write!(
                    key,
                    "|{} {} {:?} {:?} {} {} {} {:?} {}",
                    f.name,
                    f.wire_name,
                    f.ty,
                    f.presence,
                    f.deprecated,
                    f.read_only,
                    f.write_only,
                    f.default,
                    f.value_kind,
                );
                // Most fields have no constraints: a short mark instead of every empty one.
                let _ = if f.constraints.is_empty {
                    write!(key, " -")
                } else {
                    write!(key, " {:?}", f.constraints)
                };
            }
            key
        }
        DraftBody::StringEnum { variants, fallback } => format!("str {variants:?} {fallback}"),
        DraftBody::IntEnum { variants, fallback } => format!("int {variants:?} {fallback}"),
        DraftBody::Tagged { tag, variants } => format!("tagged {tag} {variants:?}"),
        DraftBody::Untagged { variants } => format!("untagged {variants:?}"),
        DraftBody::Alias(ty, nullable) => format!("alias {ty:?} {nullable}"),
    }
}

/// Points every use of a merged type at the type kept in its place.
/// Whether anything was renamed.
fn rename_in(body: &mut DraftBody, renames: &HashMap<String, String>) -> bool {
    let mut renamed = false;
    match body {
        DraftBody::Struct { fields, .. } => {
            for f in fields {
                renamed |= f.ty.rename(renames);
                if let Some(DefaultValue {
                    value:
                        DefaultExpr::StrEnum { type_name, .. } | DefaultExpr::IntEnum { type_name, .. },
                    ..
                }) = &mut f.default
                {
                    if let Some(kept) = renames.get(type_name.as_str()) {
                        type_name.clone_from(kept);
                        renamed = true;
                    }
                }
            }
        }
        DraftBody::Tagged { variants, .. } => {
            for v in variants {
                renamed |= v.2.rename(renames);
            }
        }
        DraftBody::Untagged { variants } => {
            for v in variants {
                renamed |= v.1.rename(renames);
            }
        }
        DraftBody::Alias(t, _) => renamed = t.rename(renames),
        DraftBody::StringEnum { .. } | DraftBody::IntEnum { .. } => {}
    }
    renamed
}

fn to_typedef(name: &str, draft: &Draft, eq: bool, hash: bool) -> TypeDef {
    let mut derives: Vec<String> = vec!["Debug".into(), "Clone".into(), "PartialEq".into()];
    // Structs get theirs from `wire_object!`, but for those with a flattened field.
    let wire = match &draft.body {
        DraftBody::Struct { fields, .. } => {
            fields.iter().all(|f| f.presence != Presence::Flattened)
        }
        _ => false,
    };
    let serde_derives = !wire
        && matches!(
            draft.body,
            DraftBody::Struct { .. } | DraftBody::Untagged { .. }
        );
    let (eq, hash) = match draft.body {
        DraftBody::StringEnum { .. } | DraftBody::IntEnum { .. } => (true, true),
        _ => (eq, hash),
    };
    if eq {
        derives.push("Eq".into());
    }
    if hash {
        derives.push("Hash".into());
    }
    if serde_derives {
        derives.push("::serde::Serialize".into());
        derives.push("::serde::Deserialize".into());
    }
    let kind = match &draft.body {
        DraftBody::Struct {
            fields,
            deny_unknown_fields,
        } => TypeKind::Struct {
            fields: fields.iter().map(|f| to_field(f, false)).collect(),
            deny_unknown_fields: *deny_unknown_fields,
            wire,
        },
        DraftBody::StringEnum { variants, fallback } => TypeKind::StringEnum {
            variants: variants.clone(),
            fallback: fallback.clone(),
        },
        DraftBody::IntEnum { variants, fallback } => TypeKind::IntEnum {
            variants: variants.clone(),
            fallback: fallback.clone(),
        },
        DraftBody::Tagged { tag, variants } => TypeKind::Tagged {
            tag: tag.clone(),
            variants: variants
                .iter()
                .map(|(name, value, ty)| TaggedVariant {
                    name: name.clone(),
                    tag_value: value.clone(),
                    rust_type: ty.render(false),
                })
                .collect(),
        },
        DraftBody::Untagged { variants } => TypeKind::Untagged {
            variants: variants
                .iter()
                .map(|(name, ty)| UntaggedVariant {
                    name: name.clone(),
                    rust_type: ty.render(false),
                })
                .collect(),
        },
        DraftBody::Alias(ty, nullable) => {
            derives.clear();
            let rust_type = ty.render(false);
            TypeKind::Alias {
                rust_type: if *nullable {
                    format!("Option<{rust_type}>")
                } else {
                    rust_type
                },
            }
        }
    };
    TypeDef {
        name: name.to_string(),
        doc: draft.doc.clone(),
        deprecated: draft.deprecated,
        derives,
        kind,
        validation: Validation::None,
        origin: draft.origin.clone(),
    }
}

/// Writes a field out; `qualified` names schema types as `types::…`.
pub(crate) fn to_field(f: &DraftField, qualified: bool) -> Field {
    let inner = f.ty.render(qualified);
    let rust_type = match f.presence {
        Presence::Required | Presence::Defaulted | Presence::Flattened => inner.clone(),
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::OptionalNullable => {
            if qualified {
                format!("types::Nullable<{inner}>")
            } else {
                format!("Nullable<{inner}>")
            }
        }
    };
    Field {
        name: f.name.clone(),
        wire_name: f.wire_name.clone(),
        rust_type,
        inner_type: inner,
        presence: f.presence,
        flatten: f.presence == Presence::Flattened,
        doc: f.doc.clone(),
        deprecated: f.deprecated,
        read_only: f.read_only,
        write_only: f.write_only,
        default: f.default.clone(),
        value_kind: f.value_kind.to_string(),
        constraints: f.constraints.clone(),
        nested_validation: false,
        origin: f.origin.clone(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EnumRepr {
    Str,
    Int,
    Bool,
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
