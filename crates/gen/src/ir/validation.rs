//! Which types get a `Validate` impl in `validate.rs`, and which fields it checks.
//!
//! The server validates what it decodes: request bodies. So only the types a body holds
//! (transitively, through fields, union variants and aliases) need an impl. Of those, a
//! struct always checks something (its fields' constraints, an object rather than an array
//! on the wire, `null` for an optional field that is not nullable), an enum checks for
//! unknown values, and a union or alias checks what its variants or target check. A field
//! is validated recursively only when its type holds such a checking type; a field with no
//! constraints and no such type gets no code at all.

use super::{names, Operation, TypeDef, TypeKind, Validation};
use foldhash::HashMap;

/// Sets [`TypeDef::validation`] and [`super::Field::nested_validation`].
pub(crate) fn mark(types: &mut [TypeDef], operations: &[Operation]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let named = |rust_type: &str| -> Vec<usize> {
        names::type_words(rust_type)
            .filter_map(|word| index.get(word).copied())
            .collect()
    };
    let refs: Vec<Vec<usize>> = types
        .iter()
        .map(|t| type_strings(t).flat_map(&named).collect())
        .collect();

    let mut reached = vec![false; types.len()];
    let mut stack: Vec<usize> = operations
        .iter()
        .filter_map(|op| op.body.as_ref())
        .flat_map(|body| named(&body.rust_type))
        .collect();
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut reached[i], true) {
            stack.extend(&refs[i]);
        }
    }

    let mut checks: Vec<bool> = types
        .iter()
        .zip(&reached)
        .map(|(t, reached)| {
            *reached
                && matches!(
                    t.kind,
                    TypeKind::Struct { .. }
                        | TypeKind::StringEnum { .. }
                        | TypeKind::IntEnum { .. }
                )
        })
        .collect();
    loop {
        let grown: Vec<usize> = (0..types.len())
            .filter(|&i| reached[i] && !checks[i] && refs[i].iter().any(|&r| checks[r]))
            .collect();
        if grown.is_empty() {
            break;
        }
        for i in grown {
            checks[i] = true;
        }
    }

    for (i, t) in types.iter_mut().enumerate() {
        t.validation = match (&t.kind, reached[i], checks[i]) {
            (TypeKind::Alias { .. }, _, _) | (_, false, _) => Validation::None,
            (_, true, false) => Validation::Empty,
            (_, true, true) => Validation::Checks,
        };
        if t.validation != Validation::Checks {
            continue;
        }
        if let TypeKind::Struct { fields, .. } = &mut t.kind {
            for f in fields {
                f.nested_validation = named(&f.inner_type).iter().any(|&r| checks[r]);
            }
        }
    }
}

/// The type strings a type definition is made of.
fn type_strings(t: &TypeDef) -> Box<dyn Iterator<Item = &str> + '_> {
    match &t.kind {
        TypeKind::Struct { fields, .. } => Box::new(fields.iter().map(|f| f.inner_type.as_str())),
        TypeKind::Tagged { variants, .. } => {
            Box::new(variants.iter().map(|v| v.rust_type.as_str()))
        }
        TypeKind::Untagged { variants } => Box::new(variants.iter().map(|v| v.rust_type.as_str())),
        TypeKind::Alias { rust_type } => Box::new(std::iter::once(rust_type.as_str())),
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => Box::new(std::iter::empty()),
    }
}
