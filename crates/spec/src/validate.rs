//! Semantic checks on the bundled, normalised document, before it is deserialised:
//! unresolved local `$ref`s, `$ref` chains that only point back to themselves,
//! duplicate `operationId`s, and path template parameters that are not declared (or
//! declared path parameters that are not in the template). All problems are collected.

use crate::diag::Diagnostic;
use crate::kind::Kind;
use crate::pointer::JsonPointer;
use crate::reference::follow_json;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Runs every check; returns the errors found.
pub(crate) fn check(doc: &Value) -> Vec<Diagnostic> {
    let mut refs = Vec::new();
    let mut pointer = JsonPointer::root();
    collect_refs(doc, Kind::Root, &mut pointer, &mut refs);
    let mut errors = Vec::new();
    unresolved_refs(doc, &refs, &mut errors);
    ref_cycles(&refs, &mut errors);
    duplicate_operation_ids(doc, &mut errors);
    path_parameters(doc, &mut errors);
    errors
}

/// What a local ref (`#/a/b`) names in `doc`.
fn resolve_local<'v>(doc: &'v Value, r: &str) -> Option<&'v Value> {
    JsonPointer::from_ref(r)?.lookup(doc)
}

/// A `$ref` in the document: the pointer of the object holding it, the ref, and whether
/// the object holds nothing else.
struct Ref {
    at: String,
    target: String,
    bare: bool,
}

fn collect_refs(v: &Value, kind: Kind, pointer: &mut JsonPointer, out: &mut Vec<Ref>) {
    if kind == Kind::Data {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(Ref {
                    at: pointer.to_string(),
                    target: r.clone(),
                    bare: m.len() == 1,
                });
            }
            for (k, child) in m {
                pointer.push(k);
                collect_refs(child, kind.child(k), pointer, out);
                pointer.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointer.push_index(i);
                collect_refs(child, kind.element(), pointer, out);
                pointer.pop();
            }
        }
        _ => {}
    }
}

fn unresolved_refs(doc: &Value, refs: &[Ref], errors: &mut Vec<Diagnostic>) {
    for r in refs {
        // External refs left in place were reported while bundling.
        if !r.target.starts_with('#') || resolve_local(doc, &r.target).is_some() {
            continue;
        }
        let mut d = Diagnostic::error(
            "load/unresolved-ref",
            format!(
                "`{}` does not resolve: nothing in the document is at that pointer",
                r.target
            ),
        )
        .at_pointer(format!("{}/$ref", r.at));
        d = d.with_help(match suggestion(doc, &r.target) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "define the target, or fix the pointer after `#`".to_string(),
        });
        errors.push(d);
    }
}

/// A sibling of the missing target whose name differs only in case, `_`/`-`, or a
/// prefix/suffix — the usual typo.
fn suggestion(doc: &Value, target: &str) -> Option<String> {
    let target = JsonPointer::from_ref(target)?;
    let last = target.last()?;
    let parent = target.parent()?;
    let Value::Object(siblings) = parent.lookup(doc)? else {
        return None;
    };
    let simplify = |s: &str| s.to_ascii_lowercase().replace(['_', '-'], "");
    let want = simplify(&last);
    siblings
        .keys()
        .find(|k| simplify(k) == want)
        .or_else(|| {
            siblings.keys().find(|k| {
                !want.is_empty() && (simplify(k).contains(&want) || want.contains(&simplify(k)))
            })
        })
        .map(|k| parent.child(k).into())
}

fn ref_cycles(refs: &[Ref], errors: &mut Vec<Diagnostic>) {
    let bare: HashMap<&str, &str> = refs
        .iter()
        .filter(|r| r.bare)
        .map(|r| (r.at.as_str(), r.target.as_str()))
        .collect();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut starts: Vec<&str> = bare.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        let mut chain = vec![start];
        let mut at = start;
        while let Some(&next) = bare.get(at) {
            if let Some(i) = chain.iter().position(|&p| p == next) {
                let cycle: Vec<&str> = chain.get(i..).map(<[_]>::to_vec).unwrap_or_default();
                let first = cycle.iter().min().copied().unwrap_or(next);
                if reported.insert(first.to_string()) {
                    let path = cycle
                        .iter()
                        .chain(std::iter::once(&next))
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" → ");
                    let d = if cycle.len() == 1 {
                        Diagnostic::error(
                            "load/ref-cycle",
                            format!("`{first}` is only a `$ref` to itself"),
                        )
                        .with_help("give it a definition (a type, properties, …) or refer to another schema")
                    } else {
                        Diagnostic::error(
                            "load/ref-cycle",
                            format!("`$ref` cycle with nothing but references: {path}"),
                        )
                        .with_help("one of these must define something (a type, properties, …) instead of only referring on")
                    };
                    errors.push(d.at_pointer(format!("{first}/$ref")));
                }
                break;
            }
            chain.push(next);
            at = next;
        }
    }
}

fn operations(doc: &Value) -> Vec<(String, String, &str, &serde_json::Map<String, Value>)> {
    let mut out = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return out;
    };
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        for &method in METHODS {
            if let Some(Value::Object(op)) = item.get(method) {
                let pointer = JsonPointer::from_tokens(["paths", path.as_str(), method]).into();
                out.push((path.clone(), pointer, method, op));
            }
        }
    }
    out
}

fn duplicate_operation_ids(doc: &Value, errors: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, (String, String)> = HashMap::new();
    for (path, pointer, method, op) in operations(doc) {
        let Some(Value::String(id)) = op.get("operationId") else {
            continue;
        };
        let here = format!("{} {path}", method.to_uppercase());
        if let Some((first_pointer, first)) = seen.get(id.as_str()) {
            errors.push(
                Diagnostic::error(
                    "load/duplicate-operation-id",
                    format!(
                        "operationId `{id}` of {here} is already used by {first} ({first_pointer})"
                    ),
                )
                .with_help(
                    "operationIds name the generated functions and must be unique; rename one",
                )
                .at_pointer(format!("{pointer}/operationId")),
            );
        } else {
            seen.insert(id, (pointer, here));
        }
    }
}

/// The names in a path template: `/a/{id}/b/{x}` → `{id, x}`.
fn template_names(path: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        names.insert(after.get(..close).unwrap_or("").to_string());
        rest = after.get(close + 1..).unwrap_or("");
    }
    names
}

/// Path parameters declared in a `parameters` list: name → pointer of the declaration.
fn declared_path_params(
    doc: &Value,
    list: Option<&Value>,
    base: &JsonPointer,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(Value::Array(params)) = list else {
        return out;
    };
    for (i, p) in params.iter().enumerate() {
        let Ok((p, _)) = follow_json(doc, p) else {
            continue;
        };
        if p.get("in").and_then(Value::as_str) == Some("path") {
            if let Some(name) = p.get("name").and_then(Value::as_str) {
                let mut at = base.child("parameters");
                at.push_index(i);
                out.insert(name.to_string(), at.into());
            }
        }
    }
    out
}

fn path_parameters(doc: &Value, errors: &mut Vec<Diagnostic>) {
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    for (path, item) in paths {
        let Value::Object(item_map) = item else {
            continue;
        };
        let template = template_names(path);
        let item_ptr = JsonPointer::from_tokens(["paths", path.as_str()]);
        let shared = declared_path_params(doc, item_map.get("parameters"), &item_ptr);
        let unknown = |name: &str, pointer: &str, what: String| {
            Diagnostic::error(
                "load/unknown-path-param",
                format!("{what} {path}: path parameter `{name}` is declared but the path has no `{{{name}}}`"),
            )
            .with_help(format!("add `{{{name}}}` to the path, or change the parameter's `in`"))
            .at_pointer(pointer)
        };
        for (name, pointer) in &shared {
            if !template.contains(name) {
                errors.push(unknown(name, pointer, "path item".into()));
            }
        }
        for &method in METHODS {
            let Some(op @ Value::Object(_)) = item_map.get(method) else {
                continue;
            };
            let op_ptr = item_ptr.child(method);
            let own = declared_path_params(doc, op.get("parameters"), &op_ptr);
            for name in &template {
                if !shared.contains_key(name) && !own.contains_key(name) {
                    errors.push(
                        Diagnostic::error(
                            "load/undeclared-path-param",
                            format!("{} {path}: the path has `{{{name}}}` but no path parameter `{name}` is declared", method.to_uppercase()),
                        )
                        .with_help(format!("add `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}` to the operation's or the path's `parameters`"))
                        .at_pointer(op_ptr.to_string()),
                    );
                }
            }
            for (name, pointer) in &own {
                if !template.contains(name) {
                    errors.push(unknown(name, pointer, method.to_uppercase()));
                }
            }
        }
    }
}
