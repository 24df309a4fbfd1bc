//! Resolving a schema to a type expression: `$ref`s followed, primitives, arrays and maps
//! written as expressions, nominal schemas handed to the builders of named types.

use super::model::{Resolved, Ty};
use super::{
    enum_repr, enum_values, flag, has_properties, is_meaningful, is_null_schema, is_objectish,
    meaningful_parts, union_members, union_pointer, EnumRepr, TypeBuilder, MAX_DEPTH,
};
use crate::ir::names;
use crate::ir::{Constraints, Num};
use apigen_spec::pointer::JsonPointer;
use apigen_spec::reference::{follow_json, RefError};
use serde_json::Value;

impl<'a> TypeBuilder<'a> {
    /// Follows `$ref`s (with the spec crate's resolver) from the schema at `pointer` to the
    /// schema they name, and its pointer; `None` (with a warning) when a reference dangles
    /// or the chain does not end.
    pub(super) fn follow(
        &mut self,
        schema: &'a Value,
        pointer: &str,
    ) -> Option<(&'a Value, String)> {
        match follow_json(self.root, schema) {
            Ok((target, at)) => {
                Some((target, at.map_or_else(|| pointer.to_string(), String::from)))
            }
            Err(RefError::Dangling { reference, holder }) => {
                let at = holder.map_or_else(|| pointer.to_string(), String::from);
                self.warn_at(
                    "gen/unresolved-ref",
                    &at,
                    format!("`$ref: {reference}` does not resolve; generated as serde_json::Value"),
                );
                None
            }
            Err(RefError::Cycle) => {
                self.unsupported(
                    pointer,
                    "a `$ref` chain that never ends",
                    "serde_json::Value",
                );
                None
            }
        }
    }

    /// Whether a schema becomes a named type of its own (struct or enum) rather than an
    /// expression (`String`, `Vec<T>`, a map, or another type).
    pub(super) fn is_nominal(&self, schema: &Value) -> bool {
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
        let pointer = JsonPointer::parse(pointer)?;
        let mut tokens = pointer.tokens();
        if tokens.next()? != "components" || tokens.next()? != "schemas" {
            return None;
        }
        let first = tokens.next()?;
        let component = JsonPointer::from_tokens(["components", "schemas", first.as_ref()]);
        let component = self.components.get(component.as_str())?;
        let mut hint = self.name(component.id).to_string();
        while let Some(token) = tokens.next() {
            match token.as_ref() {
                "properties" => {
                    if let Some(name) = tokens.next() {
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
    pub(super) fn resolve_target(
        &mut self,
        target: &'a Value,
        target_pointer: &str,
        hint: &str,
    ) -> Resolved {
        let component = self.components.get(target_pointer).copied();
        if let Some(component) = component.filter(|c| c.nominal) {
            let mut r = Resolved::of(Ty::Named(component.id), self.kind_of(target));
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
            Some(c) => self.name(c.id).to_string(),
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
            let id = self.new_type(&names::pascal(hint));
            let kind = self.kind_of(schema);
            let nullable = self.build_named(schema, pointer, id);
            let mut r = Resolved::of(Ty::Named(id), kind);
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
}
