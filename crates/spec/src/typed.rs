//! The bundled document deserialised into [`openapiv3`]'s model, its large maps in pieces
//! on every core.
//!
//! `openapiv3` buffers every object that has extensions (`#[serde(flatten)]`) and every
//! `$ref`-or-object (`#[serde(untagged)]`) before it reads it, so deserialising GitHub's spec
//! takes longer than parsing its text. The path items and the components are independent of
//! one another: each is deserialised on its own, on every core, and put in its place in a
//! model read from the rest of the document (the same model, as `tests` checks against
//! deserialising the whole document at once). Anything unexpected in the shape of those maps
//! gives `None`, and the caller deserialises the whole document to report where it fails.

use crate::parallel;
use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, ReferenceOr};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

/// `doc` as the `openapiv3` model; `None` when it is not one (deserialise the whole document
/// to learn why).
pub(crate) fn deserialize(doc: &Value) -> Option<OpenAPI> {
    let root = doc.as_object()?;
    let paths = root.get("paths").map(Value::as_object);
    let components = root.get("components").map(Value::as_object);
    // The rest of the document: the two maps without the entries read on their own (all of
    // `components` is maps of entries but its extensions).
    let mut rest = Map::new();
    for (key, value) in root {
        let value = match (key.as_str(), value) {
            ("paths", Value::Object(map)) => except(map, |k| k.starts_with('/')),
            ("components", Value::Object(map)) => except(map, |k| !k.starts_with("x-")),
            _ => value.clone(),
        };
        rest.insert(key.clone(), value);
    }
    let mut spec = OpenAPI::deserialize(&Value::Object(rest)).ok()?;
    if let Some(paths) = paths {
        spec.paths.paths = entries(paths?, |k| k.starts_with('/'))?;
    }
    if let Some(map) = components {
        let map = map?;
        let c = spec.components.get_or_insert_with(Components::default);
        c.schemas = section(map, "schemas")?;
        c.responses = section(map, "responses")?;
        c.parameters = section(map, "parameters")?;
        c.examples = section(map, "examples")?;
        c.request_bodies = section(map, "requestBodies")?;
        c.headers = section(map, "headers")?;
        c.security_schemes = section(map, "securitySchemes")?;
        c.links = section(map, "links")?;
        c.callbacks = section(map, "callbacks")?;
    }
    Some(spec)
}

/// `map` without the entries whose key is `taken`.
fn except(map: &Map<String, Value>, taken: impl Fn(&str) -> bool) -> Value {
    Value::Object(
        map.iter()
            .filter(|(k, _)| !taken(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// The map `components.<key>` (empty when absent), entry by entry.
fn section<T: DeserializeOwned + Send>(
    components: &Map<String, Value>,
    key: &str,
) -> Option<IndexMap<String, ReferenceOr<T>>> {
    match components.get(key) {
        None => Some(IndexMap::new()),
        Some(map) => entries(map.as_object()?, |_| true),
    }
}

/// The entries of `map` whose key is `kept`, each deserialised on its own, in order.
fn entries<T: DeserializeOwned + Send>(
    map: &Map<String, Value>,
    kept: impl Fn(&str) -> bool,
) -> Option<IndexMap<String, ReferenceOr<T>>> {
    let items: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| kept(k)).collect();
    parallel::map(&items, |(key, value)| {
        let entry = ReferenceOr::<T>::deserialize(*value).ok()?;
        Some(((*key).clone(), entry))
    })
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// The model of the whole document read at once.
    fn whole(doc: &serde_json::Value) -> Option<openapiv3::OpenAPI> {
        serde::Deserialize::deserialize(doc).ok()
    }

    #[test]
    fn pieces_make_the_same_model_as_the_whole() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1", "x-logo": {"url": "u"}},
            "paths": {
                "/a": {"get": {"responses": {"200": {"description": "ok"}}}, "x-a": 1},
                "x-paths": true,
                "/b": {"$ref": "#/components/x"},
                "ignored": {}
            },
            "components": {
                "schemas": {
                    "S": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/T"}}},
                    "T": {"type": "string", "nullable": true, "x-t": [1]}
                },
                "parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "integer"}}},
                "securitySchemes": {"k": {"type": "apiKey", "name": "k", "in": "header"}},
                "x-c": "c"
            },
            "x-webhooks": {"w": {}}
        });
        let pieces = super::deserialize(&doc).expect("a valid document");
        assert_eq!(Some(&pieces), whole(&doc).as_ref());
        assert_eq!(
            pieces.paths.paths.keys().collect::<Vec<_>>(),
            ["/a", "/b"],
            "path order is the document's"
        );
        assert!(pieces.paths.extensions.contains_key("x-paths"));
        assert!(pieces
            .components
            .as_ref()
            .unwrap()
            .extensions
            .contains_key("x-c"));
    }

    #[test]
    fn documents_without_the_maps_or_with_bad_ones() {
        let bare = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}});
        assert_eq!(super::deserialize(&bare), whole(&bare));
        assert!(super::deserialize(&bare).unwrap().components.is_none());
        for bad in [
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": []}),
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": 1}}),
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": []}}),
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"S": {"type": 1}}}}),
            json!({"openapi": "3.0.3", "paths": {}}),
        ] {
            assert_eq!(super::deserialize(&bad), None, "{bad}");
            assert_eq!(whole(&bad), None, "{bad}");
        }
    }
}
