//! Where a document does not fit [`openapiv3`]'s model, found in time linear in its size.
//!
//! `openapiv3` reads a `$ref`-or-object by trying the object and, when that fails, trying it
//! once more for its message (`ReferenceOr`'s `Deserialize`). A mistake under n nested
//! `$ref`-or-objects (schemas in `not`, `items`, `allOf`, …) is therefore read 2ⁿ times: a
//! 20-deep one held the loader for minutes. This walk checks every `$ref`-or-object on its
//! own, with the `$ref`-or-objects inside it replaced by a `$ref` (which each of them
//! accepts), deepest first, so every node is read a bounded number of times and the first
//! failure found is the deepest. A document with no mismatch is one `openapiv3` reads (the
//! tests hold the two to the same verdict).

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The first node that does not fit the model: its pointer tokens and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mismatch {
    pub(crate) tokens: Vec<String>,
    pub(crate) message: String,
}

/// The deepest place (first in document order among equals) where `doc` does not fit
/// [`openapiv3::OpenAPI`]; `None` when it fits.
pub(crate) fn find(doc: &Value) -> Option<Mismatch> {
    // The path items and the components' entries are independent of one another: each is
    // checked on its own, on every core, then the rest of the document with a `$ref` in
    // their place.
    let Value::Object(root) = doc else {
        return check(Vec::new(), doc, Model::OpenApi, false);
    };
    let mut entries: Vec<(Vec<String>, &Value, Model)> = Vec::new();
    let mut rest = Map::with_capacity(root.len());
    for (key, value) in root {
        let value = match (key.as_str(), value) {
            ("paths", Value::Object(paths)) => Value::Object(
                paths
                    .iter()
                    .map(|(path, item)| {
                        // Anything but a mapping is read (and refused at once) with the rest.
                        if !path.starts_with('/') || !item.is_object() {
                            return (path.clone(), item.clone());
                        }
                        let tokens = vec![key.clone(), path.clone()];
                        entries.push((tokens, item, Model::PathItem));
                        (path.clone(), placeholder())
                    })
                    .collect(),
            ),
            ("components", Value::Object(components)) => Value::Object(
                components
                    .iter()
                    .map(
                        |(section, map)| match (slot(Model::Components, section), map) {
                            (Some(Slot::Each(model, true)), Value::Object(map)) => {
                                let held = map.iter().map(|(name, entry)| {
                                    if !entry.is_object() {
                                        return (name.clone(), entry.clone());
                                    }
                                    let tokens = vec![key.clone(), section.clone(), name.clone()];
                                    entries.push((tokens, entry, model));
                                    (name.clone(), placeholder())
                                });
                                (section.clone(), Value::Object(held.collect()))
                            }
                            _ => (section.clone(), map.clone()),
                        },
                    )
                    .collect(),
            ),
            _ => value.clone(),
        };
        rest.insert(key.clone(), value);
    }
    crate::parallel::map(&entries, |(tokens, value, model)| {
        check(tokens.clone(), value, *model, true)
    })
    .into_iter()
    .flatten()
    .next()
    .or_else(|| check(Vec::new(), &Value::Object(rest), Model::OpenApi, false))
}

/// The first mismatch in `value`, a `model` node at `tokens`.
fn check(tokens: Vec<String>, value: &Value, model: Model, referable: bool) -> Option<Mismatch> {
    let mut walk = Walk {
        tokens,
        found: None,
    };
    walk.node(value, model, referable);
    walk.found
}

/// The `openapiv3` types a node can be read as, where something can nest under them.
///
/// Not [`crate::kind::Kind`]: that one knows every place OpenAPI 3.0–3.2 puts an object (for
/// bundling and normalising); this one follows exactly what `openapiv3` reads, and nothing it
/// ignores (a 3.1 keyword left in a schema is not read, so it cannot fail).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Model {
    OpenApi,
    Paths,
    PathItem,
    Operation,
    Responses,
    Callback,
    Components,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    Schema,
    Example,
    Link,
    SecurityScheme,
}

/// What the value under a key holds, in the model.
enum Slot {
    /// One node; `true` when it may be a `$ref` instead (`ReferenceOr`).
    One(Model, bool),
    /// A map of nodes; `true` when each may be a `$ref` instead.
    Each(Model, bool),
    /// A list of nodes; `true` when each may be a `$ref` instead.
    List(Model, bool),
}

fn slot(model: Model, key: &str) -> Option<Slot> {
    use Model::*;
    use Slot::{Each, List, One};
    Some(match (model, key) {
        (OpenApi, "paths") => One(Paths, false),
        (OpenApi, "components") => One(Components, false),
        (Paths, k) if k.starts_with('/') => One(PathItem, true),
        (PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") => {
            One(Operation, false)
        }
        (PathItem | Operation, "parameters") => List(Parameter, true),
        (Operation, "requestBody") => One(RequestBody, true),
        (Operation, "responses") => One(Responses, false),
        (Operation, "callbacks") => Each(Callback, false),
        (Responses, "default") => One(Response, true),
        (Responses, k) if is_status(k) => One(Response, true),
        (Callback, _) => One(PathItem, false),
        (Components, "schemas") => Each(Schema, true),
        (Components, "responses") => Each(Response, true),
        (Components, "parameters") => Each(Parameter, true),
        (Components, "examples") => Each(Example, true),
        (Components, "requestBodies") => Each(RequestBody, true),
        (Components, "headers") => Each(Header, true),
        (Components, "securitySchemes") => Each(SecurityScheme, true),
        (Components, "links") => Each(Link, true),
        (Components, "callbacks") => Each(Callback, true),
        (Parameter | Header | MediaType, "schema") => One(Schema, true),
        (Parameter | Header | RequestBody | Response, "content") => Each(MediaType, false),
        (Parameter | Header | MediaType, "examples") => Each(Example, true),
        (Response | Encoding, "headers") => Each(Header, true),
        (Response, "links") => Each(Link, true),
        (MediaType, "encoding") => Each(Encoding, false),
        (Schema, "properties") => Each(Schema, true),
        (Schema, "allOf" | "oneOf" | "anyOf") => List(Schema, true),
        (Schema, "items" | "not" | "additionalProperties") => One(Schema, true),
        _ => return None,
    })
}

/// Whether `openapiv3` reads `key` of a responses object as a status (`200`, `2XX`).
fn is_status(key: &str) -> bool {
    openapiv3::StatusCode::deserialize(Value::String(key.to_string())).is_ok()
}

struct Walk {
    tokens: Vec<String>,
    found: Option<Mismatch>,
}

impl Walk {
    /// Checks `value` as a `model` node (and everything under it), returning what stands for
    /// it in its parent's check: a `$ref` for a checked `$ref`-or-object, else its skeleton.
    fn node(&mut self, value: &Value, model: Model, referable: bool) -> Value {
        let Value::Object(map) = value else {
            if !value.is_null() && self.found.is_none() {
                // Nothing but a mapping is any of these objects; reading it fails at once.
                if let Some(message) = failure(model, value) {
                    self.fail(Vec::new(), message);
                }
            }
            return value.clone();
        };
        if referable && matches!(map.get("$ref"), Some(Value::String(_))) {
            return placeholder();
        }
        let mut skeleton = Map::with_capacity(map.len());
        for (key, child) in map {
            if self.found.is_some() {
                return Value::Null;
            }
            let held = match (slot(model, key), child) {
                // `additionalProperties: true` is not a schema.
                (Some(Slot::One(_, _)), Value::Bool(_)) if model == Model::Schema => child.clone(),
                (Some(Slot::One(inner, may_ref)), _) => {
                    self.tokens.push(key.clone());
                    let held = self.node(child, inner, may_ref);
                    self.tokens.pop();
                    held
                }
                (Some(Slot::Each(inner, may_ref)), Value::Object(entries)) => {
                    self.tokens.push(key.clone());
                    let mut held = Map::with_capacity(entries.len());
                    for (k, v) in entries {
                        self.tokens.push(k.clone());
                        held.insert(k.clone(), self.node(v, inner, may_ref));
                        self.tokens.pop();
                    }
                    self.tokens.pop();
                    Value::Object(held)
                }
                (Some(Slot::List(inner, may_ref)), Value::Array(items)) => {
                    self.tokens.push(key.clone());
                    let mut held = Vec::with_capacity(items.len());
                    for (i, v) in items.iter().enumerate() {
                        self.tokens.push(i.to_string());
                        held.push(self.node(v, inner, may_ref));
                        self.tokens.pop();
                    }
                    self.tokens.pop();
                    Value::Array(held)
                }
                _ => child.clone(),
            };
            skeleton.insert(key.clone(), held);
        }
        let skeleton = Value::Object(skeleton);
        if !(referable || model == Model::OpenApi) {
            // Checked as part of the nearest node above that is.
            return skeleton;
        }
        if self.found.is_none() {
            if let Some((path, message)) = located_failure(model, &skeleton) {
                self.fail(path, message);
            }
        }
        placeholder()
    }

    fn fail(&mut self, path: Vec<String>, message: String) {
        let mut tokens = self.tokens.clone();
        tokens.extend(path);
        self.found = Some(Mismatch { tokens, message });
    }
}

/// What stands for a checked `$ref`-or-object in its parent: every one accepts a `$ref`.
fn placeholder() -> Value {
    let mut map = Map::with_capacity(1);
    map.insert("$ref".to_string(), Value::String("#".to_string()));
    Value::Object(map)
}

/// Why `value` is not a `model`, if it is not (its path inside `value` lost).
fn failure(model: Model, value: &Value) -> Option<String> {
    located_failure(model, value).map(|(_, message)| message)
}

/// Why `value` is not a `model`, with the path inside `value` where reading it failed.
fn located_failure(model: Model, value: &Value) -> Option<(Vec<String>, String)> {
    fn read<T: DeserializeOwned>(value: &Value) -> Option<(Vec<String>, String)> {
        // Tracking the path costs time on every node; only a node that fails needs it.
        T::deserialize(value).err()?;
        let error = serde_path_to_error::deserialize::<_, T>(value).err()?;
        let mut path = path_tokens(error.path());
        if let (true, Value::Object(map)) = (path.is_empty(), value) {
            // `serde` loses the path inside flattened and tagged objects (a schema, a
            // parameter): the field to blame is the one without which the object fits.
            let culprit = map.keys().find(|key| {
                let mut rest = map.clone();
                rest.shift_remove(*key);
                T::deserialize(&Value::Object(rest)).is_ok()
            });
            path.extend(culprit.cloned());
        }
        Some((path, error.into_inner().to_string()))
    }
    use openapiv3 as o;
    match model {
        Model::OpenApi => read::<o::OpenAPI>(value),
        Model::Paths => read::<o::Paths>(value),
        Model::PathItem => read::<o::PathItem>(value),
        Model::Operation => read::<o::Operation>(value),
        Model::Responses => read::<o::Responses>(value),
        Model::Callback => read::<o::Callback>(value),
        Model::Components => read::<o::Components>(value),
        Model::Parameter => read::<o::Parameter>(value),
        Model::RequestBody => read::<o::RequestBody>(value),
        Model::Response => read::<o::Response>(value),
        Model::Header => read::<o::Header>(value),
        Model::MediaType => read::<o::MediaType>(value),
        Model::Encoding => read::<o::Encoding>(value),
        Model::Schema => read::<o::Schema>(value),
        Model::Example => read::<o::Example>(value),
        Model::Link => read::<o::Link>(value),
        Model::SecurityScheme => read::<o::SecurityScheme>(value),
    }
}

/// The pointer tokens of a `serde_path_to_error` path.
pub(crate) fn path_tokens(path: &serde_path_to_error::Path) -> Vec<String> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::find;
    use crate::pointer::JsonPointer;
    use serde_json::{json, Value};

    /// Every pointer of `value`'s nodes, parents before children.
    fn pointers(value: &Value, tokens: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(tokens.clone());
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return,
        };
        for (key, child) in children {
            tokens.push(key);
            pointers(child, tokens, out);
            tokens.pop();
        }
    }

    fn fits(doc: &Value) -> bool {
        serde_json::from_value::<openapiv3::OpenAPI>(doc.clone()).is_ok()
    }

    /// Every node of the example specs replaced, one at a time, by each of a few wrong values:
    /// the walk and `openapiv3` agree whether the document fits, and the walk points at the
    /// replaced node, inside it or above it.
    #[test]
    fn the_walk_and_the_model_agree_on_every_single_change() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/examples");
        let replacements = [
            json!(""),
            json!(7),
            json!(-1.5),
            json!([]),
            json!([{}]),
            json!(null),
            json!(true),
            json!({}),
            json!({"$ref": 1}),
            json!({"type": 1}),
        ];
        let mut checked = 0;
        for name in ["widgets.yaml", "photos.yaml"] {
            let loaded = crate::load(&root.join(name)).expect("the example loads");
            let doc = loaded.document;
            assert_eq!(find(&doc), None, "{name} fits");
            let mut all = Vec::new();
            pointers(&doc, &mut Vec::new(), &mut all);
            for tokens in all.iter().filter(|t| !t.is_empty()) {
                for replacement in &replacements {
                    let mut changed = doc.clone();
                    let pointer = JsonPointer::from_tokens(tokens);
                    let path: String = tokens
                        .iter()
                        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
                        .collect();
                    *changed.pointer_mut(&path).expect("a node") = replacement.clone();
                    let found = find(&changed);
                    assert_eq!(
                        found.is_none(),
                        fits(&changed),
                        "{name}: {pointer} = {replacement}: the walk found {found:?}"
                    );
                    if let Some(found) = found {
                        assert!(
                            tokens.starts_with(&found.tokens) || found.tokens.starts_with(tokens),
                            "{name}: {pointer} = {replacement}: reported at {:?}",
                            found.tokens
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000, "only {checked} changes");
    }

    /// A schema nested `depth` times under `keyword`, around `leaf`.
    fn nested(keyword: &str, depth: usize, leaf: Value) -> Value {
        (0..depth).fold(leaf, |inner, _| match keyword {
            "allOf" | "oneOf" | "anyOf" => json!({ keyword: [{"type": "object"}, inner] }),
            "properties" => json!({"type": "object", "properties": {"p": inner}}),
            _ => json!({ keyword: inner }),
        })
    }

    /// Mistakes 40 schemas deep are found where they are; `openapiv3` alone would read the
    /// innermost one 2⁴⁰ times.
    #[test]
    fn a_mistake_deep_in_nested_schemas_is_found_where_it_is() {
        for keyword in [
            "not",
            "items",
            "additionalProperties",
            "allOf",
            "oneOf",
            "anyOf",
            "properties",
        ] {
            let doc = json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {"/a": {"get": {
                    "parameters": [{"name": "h", "in": "header", "schema": nested(keyword, 40, json!(""))}],
                    "responses": {"200": {"description": "ok"}}
                }}},
                "components": {"schemas": {"S": nested(keyword, 40, json!({"minLength": "one"}))}}
            });
            let found = find(&doc).expect("a mismatch");
            let depth = |t: &[String]| t.iter().filter(|t| *t == keyword).count();
            assert_eq!(depth(&found.tokens), 40, "{keyword}: {found:?}");
            assert_eq!(
                found.tokens[..4],
                ["paths", "/a", "get", "parameters"],
                "{keyword}"
            );
        }
    }

    #[test]
    fn references_and_extensions_are_not_read_as_objects() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"x-not-a-path": 1, "/a": {"$ref": "#/x", "get": 5}},
            "components": {
                "schemas": {"S": {"$ref": "#/components/schemas/T", "type": 5}, "T": {"additionalProperties": false}},
                "responses": {"R": {"description": "r", "x-data": {"schema": ""}}}
            }
        });
        assert_eq!(find(&doc), None);
        assert!(fits(&doc));
    }
}
