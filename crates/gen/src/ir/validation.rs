//! Which types get a `Validate` impl in `validate.rs`, and which fields it checks.
//!
//! The server validates what it decodes: request bodies, path parameters and the query,
//! header and cookie structs (the roots). So only the types a root holds (transitively,
//! through fields, union variants and aliases) need an impl. Of those, a
//! struct always checks something (its fields' constraints, an object rather than an array
//! on the wire, `null` for an optional field that is not nullable), an enum checks for
//! unknown values, and a union or alias checks what its variants or target check. A field
//! is validated recursively only when its type holds such a checking type; a field with no
//! constraints and no such type gets no code at all.
//!
//! Types are followed by [`TypeId`], never by name.

use super::schema::TypeId;
use super::Validation;

/// What a type is to validation marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A struct or enum: checks something whenever a request body holds it.
    Checks,
    /// A union: checks what its variants check.
    Holds,
    /// An alias: checked as what it names, without an impl of its own.
    Alias,
}

/// Which types a root holds and which of those check something, by type id.
pub(crate) struct Marks {
    reached: Vec<bool>,
    checks: Vec<bool>,
}

impl Marks {
    /// What `validate.rs` generates for the type `id`, a `role`.
    pub(crate) fn validation(&self, id: TypeId, role: Role) -> Validation {
        match (role, self.reached(id), self.checks(id)) {
            (Role::Alias, _, _) | (_, false, _) => Validation::None,
            (_, true, false) => Validation::Empty,
            (_, true, true) => Validation::Checks,
        }
    }

    /// Whether a root holds the type `id`.
    pub(crate) fn reached(&self, id: TypeId) -> bool {
        self.reached.get(id.index()).copied().unwrap_or(false)
    }

    /// Whether the type `id`'s validation checks something (so a field holding it is
    /// validated recursively).
    pub(crate) fn checks(&self, id: TypeId) -> bool {
        self.checks.get(id.index()).copied().unwrap_or(false)
    }
}

/// Marks the types. `types[i]` is the role of the type with id `i` and the types it holds
/// (`None` for an id that is no type any more); `roots` are the types the server
/// validates (request bodies, path parameters, the parameter structs).
pub(crate) fn mark(types: &[Option<(Role, Vec<TypeId>)>], roots: &[TypeId]) -> Marks {
    let holds = |i: usize| -> &[TypeId] {
        types
            .get(i)
            .and_then(Option::as_ref)
            .map_or(&[], |(_, holds)| holds.as_slice())
    };
    let mut reached = vec![false; types.len()];
    let mut stack: Vec<usize> = roots.iter().map(|id| id.index()).collect();
    while let Some(i) = stack.pop() {
        if reached.get(i) == Some(&false) {
            reached[i] = true;
            stack.extend(holds(i).iter().map(|id| id.index()));
        }
    }

    let mut checks: Vec<bool> = types
        .iter()
        .zip(&reached)
        .map(|(t, reached)| *reached && matches!(t, Some((Role::Checks, _))))
        .collect();
    loop {
        let grown: Vec<usize> = (0..types.len())
            .filter(|&i| {
                reached[i]
                    && !checks[i]
                    && holds(i)
                        .iter()
                        .any(|r| checks.get(r.index()).copied().unwrap_or(false))
            })
            .collect();
        if grown.is_empty() {
            break;
        }
        for i in grown {
            checks[i] = true;
        }
    }
    Marks { reached, checks }
}
