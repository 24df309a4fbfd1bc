//! The finishing passes, all over type ids: duplicate inline types merged, recursion
//! boxed, `Eq`/`Hash` worked out, what `validate.rs` checks marked; then the types are
//! written out as [`TypeDef`]s, their type expressions named only now.

use super::model::{Draft, DraftBody, DraftField, Ty, TypeId};
use super::TypeBuilder;
use crate::ir::validation::{self, Marks, Role};
use crate::ir::{
    DefaultExpr, DefaultValue, Features, Field, Presence, TaggedVariant, TypeDef, TypeKind,
    UntaggedVariant, Validation,
};
use apigen_spec::Diagnostic;
use foldhash::{HashMap, HashMapExt, HashSet};
use std::fmt::Write as _;

impl TypeBuilder<'_> {
    /// Merges duplicate inline types, boxes recursion, works out `Eq`/`Hash`, marks what
    /// `validate.rs` checks, and writes the types out. `pinned`: the types the operations
    /// use (they stay as they are); `bodies` and `params`: the types the server validates
    /// (request bodies; path parameters and the query, header and cookie structs).
    pub(crate) fn finish(
        mut self,
        pinned: &HashSet<TypeId>,
        bodies: &[TypeId],
        params: &[TypeId],
    ) -> Finished {
        self.merge_duplicates(pinned);
        self.box_recursion();
        let (eq, hash) = self.eq_hash();
        let graph: Vec<Option<(Role, Vec<TypeId>)>> = self
            .drafts
            .iter()
            .map(|d| d.as_ref().map(|d| (role(&d.body), holds(&d.body))))
            .collect();
        let roots: Vec<TypeId> = bodies.iter().chain(params).copied().collect();
        let marks = validation::mark(&graph, &roots);
        let json = validation::mark(&graph, bodies);
        let mut live: Vec<(TypeId, &Draft)> = self
            .drafts
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.as_ref().map(|d| (TypeId::new(i), d)))
            .collect();
        live.sort_by(|a, b| self.names[a.0.index()].cmp(&self.names[b.0.index()]));
        let types = live
            .into_iter()
            .map(|(id, draft)| {
                let i = id.index();
                let validation = marks.validation(id, role(&draft.body));
                let json = json.reached(id);
                to_typedef(
                    &self.names,
                    i,
                    draft,
                    (eq[i], hash[i]),
                    (validation, json),
                    &marks,
                )
            })
            .collect();
        Finished {
            types,
            names: self.names,
            features: self.features,
            warnings: self.warnings,
        }
    }

    /// One type for inline schemas that are the same type under different names. Specs
    /// written without `$ref`s repeat an object wherever it appears (GitHub's webhook payloads
    /// repeat the same user, repository and app objects hundreds of times), and each copy
    /// would be a type of its own to write, render, format and compile. Two inline types are
    /// the same when everything but their names, docs and spec locations is (fields with
    /// their names, wire names, types, presence and constraints; variants; tags); types that
    /// hold them become the same in turn, so this runs to a fixpoint. The shortest name (then
    /// the first) is kept, and a merged type's id is named after it. Component schemas keep
    /// their own types (they are named by the spec), and so do the types operations use
    /// directly (`pinned`: query structs, bodies).
    fn merge_duplicates(&mut self, pinned: &HashSet<TypeId>) {
        let fixed: HashSet<TypeId> = self
            .components
            .values()
            .map(|c| c.id)
            .chain(pinned.iter().copied())
            .collect();
        // Each type's key, as a number (equal keys, equal numbers), computed again only when
        // a merge changed something the type holds.
        let mut numbers: HashMap<String, usize> = HashMap::new();
        let mut number = |key: String| {
            let next = numbers.len();
            *numbers.entry(key).or_insert(next)
        };
        let mut keys: HashMap<TypeId, usize> = self
            .drafts
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((TypeId::new(i), d.as_ref()?)))
            .filter(|(id, _)| !fixed.contains(id))
            .map(|(id, draft)| (id, number(shape_key(&draft.body))))
            .collect();
        // Every merged type → the type kept in its place (which may be merged later).
        let mut kept_for: HashMap<TypeId, TypeId> = HashMap::new();
        loop {
            let mut groups: HashMap<usize, Vec<TypeId>> = HashMap::new();
            for (id, key) in &keys {
                groups.entry(*key).or_default().push(*id);
            }
            let mut merged: HashMap<TypeId, TypeId> = HashMap::new();
            for ids in groups.values().filter(|ids| ids.len() > 1) {
                let Some(keep) = ids.iter().copied().min_by(|a, b| {
                    let (a, b) = (&self.names[a.index()], &self.names[b.index()]);
                    (a.len(), a).cmp(&(b.len(), b))
                }) else {
                    continue;
                };
                for id in ids.iter().filter(|id| **id != keep) {
                    merged.insert(*id, keep);
                }
            }
            if merged.is_empty() {
                break;
            }
            for id in merged.keys() {
                self.drafts[id.index()] = None;
                keys.remove(id);
            }
            for (i, draft) in self.drafts.iter_mut().enumerate() {
                let Some(draft) = draft else {
                    continue;
                };
                if merge_in(&mut draft.body, &merged) {
                    if let Some(key) = keys.get_mut(&TypeId::new(i)) {
                        *key = number(shape_key(&draft.body));
                    }
                }
            }
            kept_for.extend(merged);
        }
        for (&gone, &kept) in &kept_for {
            let mut kept = kept;
            while let Some(&next) = kept_for.get(&kept) {
                kept = next;
            }
            self.names[gone.index()] = self.names[kept.index()].clone();
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
        let edges: Vec<Vec<usize>> = self
            .drafts
            .iter()
            .map(|d| {
                d.as_ref()
                    .map(|d| {
                        Self::tys(&d.body)
                            .into_iter()
                            .filter_map(Ty::direct)
                            .map(TypeId::index)
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let component = strongly_connected(&edges);
        for (i, draft) in self.drafts.iter_mut().enumerate() {
            let Some(draft) = draft else {
                continue;
            };
            for ty in Self::tys_mut(&mut draft.body) {
                if let Some(target) = ty.direct().map(TypeId::index) {
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

    /// Which types can derive `Eq` and `Hash`, by type id (a fixpoint: a type can when all
    /// it contains can).
    fn eq_hash(&self) -> (Vec<bool>, Vec<bool>) {
        let mut eq = vec![true; self.drafts.len()];
        let mut hash = eq.clone();
        let mut refs = Vec::new();
        loop {
            let mut changed = false;
            for (i, draft) in self.drafts.iter().enumerate() {
                let Some(draft) = draft else {
                    continue;
                };
                let mut e = true;
                let mut h = true;
                for ty in Self::tys(&draft.body) {
                    let (te, th) = ty.eq_hash();
                    e &= te;
                    h &= th;
                    refs.clear();
                    ty.ids(&mut refs);
                    for r in &refs {
                        e &= eq.get(r.index()).copied().unwrap_or(true);
                        h &= hash.get(r.index()).copied().unwrap_or(true);
                    }
                }
                if eq[i] != e || hash[i] != h {
                    eq[i] = e;
                    hash[i] = h;
                    changed = true;
                }
            }
            if !changed {
                return (eq, hash);
            }
        }
    }
}

/// The types written out, with what the rest of the IR needs from the arena.
pub(crate) struct Finished {
    /// The types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Every type id's name (a merged type's is the name of the type kept in its place), to
    /// write the operations' types with.
    pub names: Vec<String>,
    /// What the types need.
    pub features: Features,
    /// What could not be expressed.
    pub warnings: Vec<Diagnostic>,
}

/// What a type is to validation marking.
fn role(body: &DraftBody) -> Role {
    match body {
        DraftBody::Struct { .. } | DraftBody::StringEnum { .. } | DraftBody::IntEnum { .. } => {
            Role::Checks
        }
        DraftBody::Tagged { .. } | DraftBody::Untagged { .. } => Role::Holds,
        DraftBody::Alias(..) => Role::Alias,
    }
}

/// The types a type holds (fields, variants, the aliased type).
fn holds(body: &DraftBody) -> Vec<TypeId> {
    let mut out = Vec::new();
    for ty in TypeBuilder::tys(body) {
        ty.ids(&mut out);
    }
    out
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

/// Points every use of a merged type at the type kept in its place; whether there was one.
fn merge_in(body: &mut DraftBody, merged: &HashMap<TypeId, TypeId>) -> bool {
    let mut changed = false;
    match body {
        DraftBody::Struct { fields, .. } => {
            for f in fields {
                changed |= f.ty.merge(merged);
                if let Some(DefaultValue {
                    value:
                        DefaultExpr::StrEnum { type_name, .. } | DefaultExpr::IntEnum { type_name, .. },
                    ..
                }) = &mut f.default
                {
                    if let Some(kept) = merged.get(type_name) {
                        *type_name = *kept;
                        changed = true;
                    }
                }
            }
        }
        DraftBody::Tagged { variants, .. } => {
            for v in variants {
                changed |= v.2.merge(merged);
            }
        }
        DraftBody::Untagged { variants } => {
            for v in variants {
                changed |= v.1.merge(merged);
            }
        }
        DraftBody::Alias(t, _) => changed = t.merge(merged),
        DraftBody::StringEnum { .. } | DraftBody::IntEnum { .. } => {}
    }
    changed
}

/// Writes the type `names[i]` out.
fn to_typedef(
    names: &[String],
    i: usize,
    draft: &Draft,
    (eq, hash): (bool, bool),
    (validation, json): (Validation, bool),
    marks: &Marks,
) -> TypeDef {
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
            fields: fields
                .iter()
                .map(|f| {
                    let mut field = to_field(f, names, false);
                    // Only the checks of a type that has checks recurse.
                    field.nested_validation =
                        validation == Validation::Checks && f.ty.any(&|id| marks.checks(id));
                    field
                })
                .collect(),
            deny_unknown_fields: *deny_unknown_fields,
            wire,
            json,
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
                    rust_type: ty.render(names, false),
                })
                .collect(),
        },
        DraftBody::Untagged { variants } => TypeKind::Untagged {
            variants: variants
                .iter()
                .map(|(name, ty)| UntaggedVariant {
                    name: name.clone(),
                    rust_type: ty.render(names, false),
                })
                .collect(),
        },
        DraftBody::Alias(ty, nullable) => {
            derives.clear();
            let rust_type = ty.render(names, false);
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
        name: names.get(i).cloned().unwrap_or_default(),
        doc: draft.doc.clone(),
        deprecated: draft.deprecated,
        derives,
        kind,
        validation,
        origin: draft.origin.clone(),
    }
}

/// Writes a field out with the types' `names`; `qualified` names schema types as `types::…`.
pub(crate) fn to_field(f: &DraftField, names: &[String], qualified: bool) -> Field {
    let inner = f.ty.render(names, qualified);
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
        default: f.default.as_ref().map(|d| DefaultValue {
            fn_name: d.fn_name.clone(),
            value: named_default(&d.value, names),
        }),
        value_kind: f.value_kind.to_string(),
        constraints: f.constraints.clone(),
        nested_validation: false,
        origin: f.origin.clone(),
    }
}

/// A default with its enum type (if any) named.
fn named_default(value: &DefaultExpr<TypeId>, names: &[String]) -> DefaultExpr {
    let name = |id: &TypeId| names.get(id.index()).cloned().unwrap_or_default();
    match value {
        DefaultExpr::Bool { value } => DefaultExpr::Bool { value: *value },
        DefaultExpr::Int { value } => DefaultExpr::Int { value: *value },
        DefaultExpr::Float { value } => DefaultExpr::Float { value: *value },
        DefaultExpr::Str { value } => DefaultExpr::Str {
            value: value.clone(),
        },
        DefaultExpr::StrEnum { type_name, value } => DefaultExpr::StrEnum {
            type_name: name(type_name),
            value: value.clone(),
        },
        DefaultExpr::IntEnum { type_name, value } => DefaultExpr::IntEnum {
            type_name: name(type_name),
            value: *value,
        },
        DefaultExpr::EmptyVec => DefaultExpr::EmptyVec,
    }
}
