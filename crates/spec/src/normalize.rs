//! OpenAPI 3.2 → 3.1 → the 3.0 model, on the JSON value, before deserialising.
//!
//! What has a 3.0 equivalent is rewritten (type arrays with `"null"` → `nullable`,
//! `const` → a one-value `enum`, `examples` → `example`, numeric exclusive bounds,
//! `$ref` with siblings → `allOf`, `$defs` → `components/schemas`, a `mutualTLS` security
//! scheme → an http scheme marked `x-apigen-type: mutualTLS`, …). What has none is
//! removed and named in a warning (`load/dropped-31`), never dropped silently.

use crate::diag::Diagnostic;
use crate::kind::Kind;
use crate::pointer::{escape, JsonPointer};
use serde_json::{json, Map, Value};

/// JSON Schema keywords with no OpenAPI 3.0 equivalent; removed with a warning.
const DROPPED_KEYWORDS: &[&str] = &[
    "prefixItems",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "$id",
    "$schema",
    "$anchor",
    "$comment",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "contentSchema",
];

/// The OpenAPI 3.1 security scheme type with no 3.0 equivalent.
pub(crate) const MUTUAL_TLS: &str = "mutualTLS";

/// The extension that marks a 3.1 `mutualTLS` scheme carried in the 3.0 model (as
/// `type: http, scheme: mutualTLS`).
pub(crate) const MUTUAL_TLS_MARK: &str = "x-apigen-type";

/// True when the document declares OpenAPI 3.1.x.
pub(crate) fn is_31(value: &Value) -> bool {
    value
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"))
}

/// Rewrites a 3.1 document into the 3.0 model; returns the warnings. Nodes moved to
/// another place (`$defs` → `components/schemas`) are recorded in `moves` as
/// (new pointer, old pointer), so they can still be located.
pub(crate) fn normalize_31(doc: &mut Value, moves: &mut Vec<(String, String)>) -> Vec<Diagnostic> {
    let mut n = Normalizer {
        warnings: Vec::new(),
        hoisted: Vec::new(),
    };
    let Some(root) = doc.as_object_mut() else {
        return n.warnings;
    };
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    // `paths` is optional in 3.1 (a document may hold only components or webhooks).
    root.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    for key in ["webhooks", "jsonSchemaDialect"] {
        if root.remove(key).is_some() {
            n.drop_warning(&format!("#/{key}"), key, "OpenAPI 3.0 has no equivalent");
        }
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        if info.remove("summary").is_some() {
            n.drop_warning(
                "#/info/summary",
                "summary",
                "OpenAPI 3.0 `info` has no summary",
            );
        }
        if let Some(Value::Object(license)) = info.get_mut("license") {
            if license.remove("identifier").is_some() {
                n.drop_warning(
                    "#/info/license/identifier",
                    "identifier",
                    "OpenAPI 3.0 licenses have only a name and a url",
                );
            }
        }
    }
    // `mutualTLS` (3.1) has no 3.0 type: it is carried as an http scheme named after it,
    // marked `x-apigen-type: mutualTLS`, which the generator reads as mutual TLS.
    if let Some(Value::Object(schemes)) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
    {
        for scheme in schemes.values_mut() {
            if let Some(scheme) = scheme.as_object_mut() {
                if scheme.get("type").and_then(Value::as_str) == Some(MUTUAL_TLS) {
                    scheme.insert("type".into(), json!("http"));
                    scheme.insert("scheme".into(), json!(MUTUAL_TLS));
                    scheme.insert(MUTUAL_TLS_MARK.into(), json!(MUTUAL_TLS));
                }
            }
        }
    }
    let path_items = match root.get_mut("components") {
        Some(Value::Object(components)) => components.remove("pathItems"),
        _ => None,
    };
    if let Some(Value::Object(path_items)) = path_items {
        // Path items refer to `#/components/pathItems/X`: inline them, as 3.0 would.
        let mut used = std::collections::BTreeSet::new();
        if let Some(Value::Object(paths)) = root.get_mut("paths") {
            for item in paths.values_mut() {
                let Some(Value::Object(obj)) = Some(item) else {
                    continue;
                };
                let tokens = obj
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(JsonPointer::from_ref)
                    .map(|p| p.to_tokens())
                    .unwrap_or_default();
                if let [c, section, name] = tokens.as_slice() {
                    if let (true, Some(Value::Object(target))) = (
                        c == "components" && section == "pathItems",
                        path_items.get(name),
                    ) {
                        obj.remove("$ref");
                        for (k, v) in target {
                            obj.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                        used.insert(name.clone());
                    }
                }
            }
        }
        for name in path_items.keys().filter(|k| !used.contains(*k)) {
            n.drop_warning(
                &JsonPointer::from_tokens(["components", "pathItems", name]),
                "pathItems",
                "OpenAPI 3.0 cannot keep path items in components; this one is not used by any path, so it was dropped",
            );
        }
    }
    let mut pointer = JsonPointer::root();
    n.walk(doc, Kind::Root, &mut pointer);
    n.hoist_defs(doc, moves);
    n.warnings
}

struct Normalizer {
    warnings: Vec<Diagnostic>,
    /// `$defs` found: (pointer of the `$defs` entry, its schema), to move to components.
    hoisted: Vec<(String, String, Value)>,
}

impl Normalizer {
    fn drop_warning(&mut self, pointer: &str, what: &str, why: &str) {
        self.warnings.push(
            Diagnostic::warning(
                "load/dropped-31",
                format!("`{what}` (OpenAPI 3.1) was dropped: {why}"),
            )
            .with_help("apigen works in the OpenAPI 3.0 model; express this in a way 3.0 can carry, or accept that generated code ignores it")
            .at_pointer(pointer),
        );
    }

    fn walk(&mut self, value: &mut Value, kind: Kind, pointer: &mut JsonPointer) {
        if kind == Kind::Data {
            return;
        }
        if kind == Kind::Schema {
            if let Value::Object(obj) = value {
                self.schema(obj, pointer);
            }
        }
        if kind == Kind::Operation {
            if let Value::Object(obj) = value {
                // 3.1 made `responses` optional; 3.0 requires the object, which may be empty.
                obj.entry("responses")
                    .or_insert_with(|| Value::Object(Map::new()));
            }
        }
        match value {
            Value::Object(obj) => {
                for (k, v) in obj.iter_mut() {
                    let child = kind.child(k);
                    // `additionalProperties` takes a boolean in 3.0 too.
                    if child == Kind::Schema && k != "additionalProperties" {
                        boolean_schema(v);
                    }
                    pointer.push(k);
                    self.walk(v, child, pointer);
                    pointer.pop();
                }
            }
            Value::Array(items) => {
                let element = kind.element();
                for (i, v) in items.iter_mut().enumerate() {
                    if element == Kind::Schema {
                        boolean_schema(v);
                    }
                    pointer.push_index(i);
                    self.walk(v, element, pointer);
                    pointer.pop();
                }
            }
            _ => {}
        }
    }

    fn schema(&mut self, obj: &mut Map<String, Value>, pointer: &str) {
        // `$ref` with siblings: in 3.1 the siblings apply too; in 3.0 they would be ignored.
        if obj.contains_key("$ref") && obj.len() > 1 {
            if let Some(r) = obj.remove("$ref") {
                let reference = json!({ "$ref": r });
                match obj.get_mut("allOf") {
                    Some(Value::Array(all)) => all.insert(0, reference),
                    _ => {
                        obj.insert("allOf".into(), Value::Array(vec![reference]));
                    }
                }
            }
        }
        // type arrays and `type: "null"`.
        let mut null = false;
        let mut only_null = false;
        match obj.get("type").cloned() {
            Some(Value::Array(types)) => {
                let rest: Vec<Value> = types
                    .into_iter()
                    .filter(|t| {
                        let is_null = t.as_str() == Some("null");
                        null |= is_null;
                        !is_null
                    })
                    .collect();
                match rest.as_slice() {
                    [] => {
                        only_null = null;
                        obj.remove("type");
                    }
                    [one] => {
                        obj.insert("type".into(), one.clone());
                    }
                    several => {
                        obj.remove("type");
                        let any: Vec<Value> =
                            several.iter().map(|t| json!({ "type": t })).collect();
                        obj.insert("anyOf".into(), Value::Array(any));
                    }
                }
            }
            Some(Value::String(t)) if t == "null" => {
                null = true;
                only_null = true;
                obj.remove("type");
            }
            _ => {}
        }
        // oneOf/anyOf with a `{type: "null"}` member: the null member becomes `nullable`.
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = obj.get_mut(key) {
                let before = members.len();
                members.retain(|m| !is_null_schema(m));
                if members.len() != before {
                    null = true;
                }
            }
        }
        if null {
            obj.insert("nullable".into(), Value::Bool(true));
            if only_null && !obj.contains_key("enum") {
                // `type: "null"` alone: only `null` is allowed.
                obj.insert("enum".into(), json!([null]));
            }
        }
        if let Some(c) = obj.remove("const") {
            if obj.contains_key("enum") {
                self.drop_warning(
                    &format!("{pointer}/const"),
                    "const",
                    "the schema already has an `enum`",
                );
            } else {
                obj.insert("enum".into(), Value::Array(vec![c]));
            }
        }
        if let Some(examples) = obj.remove("examples") {
            match examples {
                Value::Array(mut items) if !items.is_empty() => {
                    if items.len() > 1 {
                        self.warnings.push(
                            Diagnostic::warning(
                                "load/dropped-31",
                                format!(
                                    "`examples` has {} values; an OpenAPI 3.0 schema has one `example`, so only the first was kept",
                                    items.len()
                                ),
                            )
                            .with_help("move the other values to the media type's `examples` map if they matter")
                            .at_pointer(format!("{pointer}/examples")),
                        );
                    }
                    let first = items.swap_remove(0);
                    obj.entry("example").or_insert(first);
                }
                Value::Array(_) => {}
                other => {
                    obj.entry("example").or_insert(other);
                }
            }
        }
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(Value::Number(n)) = obj.get(exclusive).cloned() {
                obj.insert(bound.into(), Value::Number(n));
                obj.insert(exclusive.into(), Value::Bool(true));
            }
        }
        let encoding = obj.remove("contentEncoding");
        let media = obj.remove("contentMediaType");
        match (&encoding, &media) {
            (Some(Value::String(e)), _) if e.eq_ignore_ascii_case("base64") => {
                obj.insert("format".into(), Value::String("byte".into()));
            }
            (None, Some(Value::String(_))) => {
                obj.insert("format".into(), Value::String("binary".into()));
            }
            (Some(e), _) => self.drop_warning(
                &format!("{pointer}/contentEncoding"),
                "contentEncoding",
                &format!("only base64 maps to a 3.0 format (`byte`), not {e}"),
            ),
            (None, _) => {}
        }
        if let Some(Value::Object(defs)) = obj.remove("$defs") {
            for (name, schema) in defs {
                self.hoisted
                    .push((format!("{pointer}/$defs/{}", escape(&name)), name, schema));
            }
        }
        for key in DROPPED_KEYWORDS {
            if obj.remove(*key).is_some() {
                self.drop_warning(
                    &format!("{pointer}/{}", escape(key)),
                    key,
                    "JSON Schema keyword with no OpenAPI 3.0 equivalent",
                );
            }
        }
    }

    /// Moves `$defs` schemas into `components/schemas` and rewrites refs to them.
    fn hoist_defs(&mut self, doc: &mut Value, moves: &mut Vec<(String, String)>) {
        if self.hoisted.is_empty() {
            return;
        }
        let mut renames = Vec::new();
        let mut pending = std::mem::take(&mut self.hoisted);
        // A hoisted schema may itself contain `$defs`; normalise it (which collects
        // them again) until none are left.
        while !pending.is_empty() {
            for (old, name, mut schema) in pending {
                let Some(root) = doc.as_object_mut() else {
                    return;
                };
                let components = root
                    .entry("components")
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(components) = components else {
                    return;
                };
                let schemas = components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(schemas) = schemas else {
                    return;
                };
                let base: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let mut new_name = base.clone();
                let mut i = 2;
                while schemas.contains_key(&new_name) {
                    new_name = format!("{base}_{i}");
                    i += 1;
                }
                let new_pointer =
                    JsonPointer::from_tokens(["components", "schemas", new_name.as_str()]);
                let mut p = new_pointer.clone();
                self.walk(&mut schema, Kind::Schema, &mut p);
                schemas.insert(new_name, schema);
                moves.push((new_pointer.to_string(), old.clone()));
                renames.push((old, new_pointer.into()));
            }
            pending = std::mem::take(&mut self.hoisted);
        }
        rewrite_refs(doc, &renames);
    }
}

/// A boolean schema (JSON Schema 2020-12) as the 3.0 schema object that means the same:
/// `true` accepts anything (`{}`), `false` nothing (`{not: {}}`).
fn boolean_schema(v: &mut Value) {
    if let Value::Bool(accept) = *v {
        *v = if accept {
            json!({})
        } else {
            json!({ "not": {} })
        };
    }
}

fn is_null_schema(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.len() == 1 && m.get("type").and_then(Value::as_str) == Some("null"),
        _ => false,
    }
}

fn rewrite_refs(v: &mut Value, renames: &[(String, String)]) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                for (old, new) in renames {
                    if let Some(rest) = r.strip_prefix(old.as_str()) {
                        if rest.is_empty() || rest.starts_with('/') {
                            *r = format!("{new}{rest}");
                            break;
                        }
                    }
                }
            }
            for (_, child) in m.iter_mut() {
                rewrite_refs(child, renames);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| rewrite_refs(c, renames)),
        _ => {}
    }
}

/// True when the document declares OpenAPI 3.2.x.
pub(crate) fn is_32(value: &Value) -> bool {
    value
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.2"))
}

/// Media types whose `itemSchema` describes each item of a stream (OpenAPI 3.2).
const SEQUENTIAL_MEDIA_TYPES: &[&str] = &[
    "application/jsonl",
    "application/x-ndjson",
    "application/json-seq",
    "text/event-stream",
    "multipart/mixed",
];

/// Rewrites what OpenAPI 3.2 adds over 3.1 into 3.1 (which [`normalize_31`] then takes to
/// the 3.0 model); returns the warnings. Documentation-only additions (tag `summary`,
/// server `name`, `deprecated` schemes, …) stay in the document, where the 3.0 model
/// ignores them; what would change the generated code and cannot be carried is removed
/// and named in a warning (`load/dropped-32`).
pub(crate) fn normalize_32(doc: &mut Value) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let Some(root) = doc.as_object_mut() else {
        return warnings;
    };
    root.insert("openapi".into(), Value::String("3.1.1".into()));
    if root.remove("$self").is_some() {
        warnings.push(dropped_32(
            "#/$self",
            "`$self` (the document's own URI) was dropped",
            "references are resolved against the file's location",
        ));
    }
    if let Some(Value::Array(tags)) = root.get("tags") {
        if let Some(i) = tags.iter().position(|t| t.get("parent").is_some()) {
            warnings.push(dropped_32(
                &format!("#/tags/{i}/parent"),
                "tag hierarchy (`parent`) is not carried into the generated code's documentation",
                "the tags stay in the document; the generated code lists operations without the hierarchy",
            ));
        }
    }
    // `components/mediaTypes`: inline the media types that content maps refer to.
    let media_types = match root.get_mut("components") {
        Some(Value::Object(components)) => components.remove("mediaTypes"),
        _ => None,
    };
    let media_types = match media_types {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    // The schemas an event stream's `itemSchema` may refer to (to see through its envelope).
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut pointer = JsonPointer::root();
    let known = Known {
        media_types: &media_types,
        schemas: &schemas,
    };
    walk_32(doc, Kind::Root, &mut pointer, &known, &mut warnings);
    warnings
}

/// What the 3.2 walk looks things up in: `components/mediaTypes` (removed from the
/// document) and `components/schemas`.
struct Known<'a> {
    media_types: &'a Map<String, Value>,
    schemas: &'a Map<String, Value>,
}

/// The fields of a server-sent event, as a 3.2 `itemSchema` describes one.
const EVENT_FIELDS: &[&str] = &["data", "event", "id", "retry"];

/// The payload schema of the events an `itemSchema` on `text/event-stream` describes: the
/// schema of its `data` property (its `contentSchema` when the data is string-encoded JSON)
/// when the item is the event itself (an object of `data`, `event`, `id` and `retry`, as
/// OpenAPI 3.2 writes it), else the item.
fn event_payload(item: &Value, schemas: &Map<String, Value>) -> Value {
    let resolved = item
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| schemas.get(&*crate::pointer::unescape(name)))
        .unwrap_or(item);
    let properties = resolved.get("properties").and_then(Value::as_object);
    let envelope = properties
        .filter(|p| p.contains_key("data") && p.keys().all(|k| EVENT_FIELDS.contains(&k.as_str())));
    match envelope.and_then(|p| p.get("data")) {
        Some(data) => data.get("contentSchema").unwrap_or(data).clone(),
        None => item.clone(),
    }
}

fn dropped_32(pointer: &str, message: &str, help: &str) -> Diagnostic {
    Diagnostic::warning("load/dropped-32", message.to_string())
        .with_help(help.to_string())
        .at_pointer(pointer)
}

fn walk_32(
    value: &mut Value,
    kind: Kind,
    pointer: &mut JsonPointer,
    known: &Known<'_>,
    warnings: &mut Vec<Diagnostic>,
) {
    if kind == Kind::Data || kind == Kind::Schema {
        return;
    }
    let Value::Object(obj) = value else {
        if let (Value::Array(items), Kind::ParamList) = (value, kind) {
            let mut i = 0;
            items.retain(|p| {
                let keep = p.get("in").and_then(Value::as_str) != Some("querystring");
                if !keep {
                    warnings.push(dropped_32(
                        &format!("{pointer}/{i}"),
                        "a parameter `in: querystring` (OpenAPI 3.2) is not generated; it was dropped",
                        "declare the query's fields as `in: query` parameters to have them generated",
                    ));
                }
                i += 1;
                keep
            });
            for (i, item) in items.iter_mut().enumerate() {
                pointer.push_index(i);
                walk_32(item, Kind::Parameter, pointer, known, warnings);
                pointer.pop();
            }
        }
        return;
    };
    match kind {
        Kind::PathItem => {
            for (key, what) in [
                ("query", "the QUERY method (OpenAPI 3.2)"),
                (
                    "additionalOperations",
                    "`additionalOperations` (OpenAPI 3.2)",
                ),
            ] {
                if obj.remove(key).is_some() {
                    warnings.push(dropped_32(
                        &format!("{pointer}/{key}"),
                        &format!("{what} is not generated; it was dropped"),
                        "apigen generates the methods of OpenAPI 3.0 and 3.1 (GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE)",
                    ));
                }
            }
        }
        // `style: cookie` (3.2) is the cookie form of `form` without percent-encoding.
        Kind::Parameter if obj.get("style").and_then(Value::as_str) == Some("cookie") => {
            obj.insert("style".into(), Value::String("form".into()));
        }
        Kind::Response => {
            // 3.2 made `description` optional and added `summary`.
            let summary = obj.remove("summary");
            if !obj.contains_key("description") && !obj.contains_key("$ref") {
                let text = summary.unwrap_or_else(|| Value::String(String::new()));
                obj.insert("description".into(), text);
            }
        }
        Kind::Content => {
            for (name, media) in obj.iter_mut() {
                let target = media
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/mediaTypes/"))
                    .and_then(|n| known.media_types.get(&*crate::pointer::unescape(n)));
                if let Some(target) = target {
                    *media = target.clone();
                }
                let Value::Object(media) = media else {
                    continue;
                };
                let base = name.split(';').next().unwrap_or(name).trim();
                // Server-sent events: each item is an event; the stream is the array of
                // their payloads, which is how a 3.0 or 3.1 `schema` names the event type.
                if base.eq_ignore_ascii_case("text/event-stream") && !media.contains_key("schema") {
                    if let Some(item) = media.remove("itemSchema") {
                        let payload = event_payload(&item, known.schemas);
                        let stream = serde_json::json!({"type": "array", "items": payload});
                        media.insert("schema".into(), stream);
                    }
                }
                for key in ["itemSchema", "itemEncoding", "prefixEncoding"] {
                    if media.remove(key).is_some() && key == "itemSchema" {
                        let why = if base.eq_ignore_ascii_case("text/event-stream") {
                            "the media type's `schema` names the events"
                        } else if SEQUENTIAL_MEDIA_TYPES.contains(&base) {
                            "streamed items are not generated yet; the body is handled as a whole"
                        } else {
                            "give the body a `schema`"
                        };
                        warnings.push(dropped_32(
                            &format!("{pointer}/{}/itemSchema", escape(name)),
                            "`itemSchema` (OpenAPI 3.2) was dropped",
                            why,
                        ));
                    }
                }
            }
        }
        Kind::Example => {
            if let Some(data) = obj.remove("dataValue") {
                obj.entry("value").or_insert(data);
            }
            obj.remove("serializedValue");
        }
        _ => {}
    }
    for (k, v) in obj.iter_mut() {
        let child = kind.child(k);
        pointer.push(k);
        walk_32(v, child, pointer, known, warnings);
        pointer.pop();
    }
}
