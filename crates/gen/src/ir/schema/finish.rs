//! The finishing passes: duplicate inline types merged, recursion boxed, `Eq`/`Hash`
//! worked out, and the types written out as [`TypeDef`]s.

use super::model::{Draft, DraftBody, DraftField, Ty};
use super::TypeBuilder;
use crate::ir::{
    DefaultExpr, DefaultValue, Features, Field, Presence, TaggedVariant, TypeDef, TypeKind,
    UntaggedVariant, Validation,
};
use apigen_spec::Diagnostic;
use foldhash::{HashMap, HashMapExt, HashSet};
use std::fmt::Write as _;

impl<'a> TypeBuilder<'a> {
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
    pub(super) fn eq_hash(&self) -> (HashMap<String, bool>, HashMap<String, bool>) {
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
