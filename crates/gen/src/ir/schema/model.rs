//! The type model: Rust type expressions ([`Ty`]) and the types in the making.

use crate::ir::{Constraints, DefaultValue, EnumVariant, IntVariant, Origin, Presence};
use foldhash::HashMap;
use serde_json::Value;

/// A named type: an index into the builder's type arena. Types refer to each other by id,
/// so the passes that follow references (the duplicate merge, recursion boxing, `Eq`/`Hash`,
/// validation marking) never read a type's name, and names are written into type
/// expressions only when the IR is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TypeId(u32);

impl TypeId {
    /// The id of the `index`th type in the arena.
    pub(super) fn new(index: usize) -> Self {
        // More than 4 billion types would not fit in memory first.
        Self(u32::try_from(index).unwrap_or(u32::MAX))
    }

    /// The position in the arena.
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

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
    Named(TypeId),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `::std::collections::BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Box<T>` (recursion).
    Boxed(Box<Ty>),
}

impl Ty {
    /// The type as written in `types.rs` (`qualified == false`) or elsewhere (`types::…`);
    /// `names` holds the name of each type id.
    pub(crate) fn render(&self, names: &[String], qualified: bool) -> String {
        let q = if qualified { "types::" } else { "" };
        match self {
            Ty::Prim(p) => (*p).to_string(),
            Ty::Helper(h) => format!("{q}{h}"),
            Ty::Value => "::serde_json::Value".to_string(),
            Ty::JsonMap => "::serde_json::Map<String, ::serde_json::Value>".to_string(),
            Ty::Named(id) => {
                let name = names.get(id.index()).map_or("", String::as_str);
                format!("{q}{name}")
            }
            Ty::Vec(t) => format!("Vec<{}>", t.render(names, qualified)),
            Ty::Map(t) => format!(
                "::std::collections::BTreeMap<String, {}>",
                t.render(names, qualified)
            ),
            Ty::Boxed(t) => format!("Box<{}>", t.render(names, qualified)),
        }
    }

    /// The named type this type is without indirection (what recursion must box).
    pub(super) fn direct(&self) -> Option<TypeId> {
        match self {
            Ty::Named(id) => Some(*id),
            _ => None,
        }
    }

    /// Every named type this type mentions.
    pub(crate) fn ids(&self, out: &mut Vec<TypeId>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Vec(t) | Ty::Map(t) | Ty::Boxed(t) => t.ids(out),
            _ => {}
        }
    }

    /// Whether the type mentions a named type for which `f` holds.
    pub(super) fn any(&self, f: &impl Fn(TypeId) -> bool) -> bool {
        match self {
            Ty::Named(id) => f(*id),
            Ty::Vec(t) | Ty::Map(t) | Ty::Boxed(t) => t.any(f),
            _ => false,
        }
    }

    /// Every named type this type mentions that `merged` has, replaced by the type kept in
    /// its place; whether there was one.
    pub(super) fn merge(&mut self, merged: &HashMap<TypeId, TypeId>) -> bool {
        match self {
            Ty::Named(id) => match merged.get(id) {
                Some(kept) => {
                    *id = *kept;
                    true
                }
                None => false,
            },
            Ty::Vec(t) | Ty::Map(t) | Ty::Boxed(t) => t.merge(merged),
            _ => false,
        }
    }

    /// Whether the type (ignoring named types) implements `Eq` and `Hash`.
    pub(super) fn eq_hash(&self) -> (bool, bool) {
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
    pub(super) fn of(ty: Ty, value_kind: &'static str) -> Self {
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
pub(super) struct Draft {
    pub(super) doc: Option<String>,
    pub(super) deprecated: bool,
    pub(super) body: DraftBody,
    pub(super) origin: Origin,
}

#[derive(Debug, Clone)]
pub(super) enum DraftBody {
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
    pub default: Option<DefaultValue<TypeId>>,
    pub value_kind: &'static str,
    pub constraints: Constraints,
    pub origin: Origin,
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

/// A component schema's type and whether it is a named type of its own (else an alias).
#[derive(Debug, Clone, Copy)]
pub(super) struct Component {
    pub(super) id: TypeId,
    pub(super) nominal: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EnumRepr {
    Str,
    Int,
    Bool,
}
