//! Enums and unions: string and integer enums, tagged (discriminated) and untagged
//! `oneOf`/`anyOf`.

use super::model::{DraftBody, Ty};
use super::{
    enum_repr, has_properties, is_null_schema, union_members, union_pointer, EnumRepr, TypeBuilder,
    FALLBACK,
};
use crate::ir::names::{self, Namer};
use crate::ir::{EnumVariant, IntVariant};
use apigen_spec::pointer::JsonPointer;
use serde_json::Value;
use std::collections::BTreeSet;

impl<'a> TypeBuilder<'a> {
    pub(super) fn enum_body(&mut self, values: &[Value], pointer: &str) -> DraftBody {
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
    pub(super) fn union_body(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        name: &str,
    ) -> (DraftBody, bool) {
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
            let target = JsonPointer::from_ref(reference)?.lookup(self.root)?;
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
                    JsonPointer::from_tokens(["components", "schemas", target]).into()
                };
                tagged.push((value.clone(), reference));
            }
        }
        for reference in &refs {
            if !tagged.iter().any(|(_, r)| r == reference) {
                let implicit = JsonPointer::from_ref(reference)
                    .and_then(|p| p.last().map(|last| last.into_owned()))
                    .unwrap_or_default();
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
        let target = JsonPointer::from_ref(reference).and_then(|p| Some((p.lookup(root)?, p)));
        match target {
            Some((target, at)) => self.resolve_target(target, &at, hint).ty,
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
            let pointer = JsonPointer::from_ref(reference);
            if let Some(component) = pointer
                .as_ref()
                .and_then(|p| self.components.get(p.as_str()))
            {
                return self.name(component.id).to_string();
            }
            return match pointer.as_ref().and_then(JsonPointer::last) {
                Some(last) => names::pascal(&last),
                // Another document's: the last step of the URL.
                None => names::pascal(reference.rsplit('/').next().unwrap_or(reference)),
            };
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
}
