//! Structs: properties and merged `allOf` parts, flattened parts, fields and their
//! defaults (also the fields of query structs).

use super::model::{Draft, DraftBody, DraftField, FieldOf, Ty, TypeId};
use super::{
    collect_required, doc_of, enum_values, flag, has_properties, is_meaningful, is_objectish,
    union_members, EnumRepr, TypeBuilder,
};
use crate::ir::names::{self, Namer};
use crate::ir::{Constraints, DefaultExpr, DefaultValue, Presence};
use apigen_spec::pointer::escape;
use apigen_spec::reference::MAX_REF_HOPS;
use serde_json::Value;
use std::collections::BTreeSet;

/// A piece of a struct: an object whose properties are merged in, something that is
/// flattened beside them, or a `oneOf`/`anyOf` written next to properties.
enum Part<'a> {
    Object(&'a Value, String),
    Flatten(&'a Value, String),
    Union(&'a Value, String),
}

impl<'a> TypeBuilder<'a> {
    /// A struct from `properties` (and merged `allOf` parts); parts that cannot be
    /// merged and `oneOf`/`anyOf` beside properties are flattened.
    pub(super) fn struct_body(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        name: &str,
    ) -> DraftBody {
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
                                format!("{part_pointer}/properties/{}", escape(wire));
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
                    let variant = self.new_type(&format!("{name}Variant"));
                    let variant_name = self.name(variant).to_string();
                    let (body, _) = self.union_body(union, &union_pointer, &variant_name);
                    self.define(
                        variant,
                        Draft {
                            doc: None,
                            deprecated: false,
                            body,
                            origin: self.origin(&union_pointer),
                        },
                    );
                    let field_name = namer.unique("variant");
                    fields.push(self.flat_field(field_name, Ty::Named(variant), &union_pointer));
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
                            resolved.ty.render(&self.names, false)
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

    fn default_expr(&self, ty: &Ty, value: &Value) -> Option<DefaultExpr<TypeId>> {
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
            (Ty::Named(id), Value::String(s)) => match self.enum_reprs.get(id) {
                Some(EnumRepr::Str) => Some(DefaultExpr::StrEnum {
                    type_name: *id,
                    value: s.clone(),
                }),
                _ => None,
            },
            (Ty::Named(id), Value::Number(n)) => match self.enum_reprs.get(id) {
                Some(EnumRepr::Int) => n.as_i64().map(|value| DefaultExpr::IntEnum {
                    type_name: *id,
                    value,
                }),
                _ => None,
            },
            (Ty::Vec(_), Value::Array(items)) if items.is_empty() => Some(DefaultExpr::EmptyVec),
            _ => None,
        }
    }

    /// Defines a struct made by another stage (query parameters) as the type `id`
    /// ([`TypeBuilder::reserve`]).
    pub(crate) fn add_struct(
        &mut self,
        id: TypeId,
        doc: Option<String>,
        fields: Vec<DraftField>,
        pointer: &str,
    ) {
        let origin = self.origin(pointer);
        self.define(
            id,
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
}
