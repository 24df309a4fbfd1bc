//! `apply`: the wire spec, a source spec with a style applied.
//!
//! The source spec owns resources and operations; the style owns envelopes, errors,
//! pagination and status conventions. [`apply`] rewrites every operation so that the
//! spec describes exactly what a server of that style sends:
//!
//! - the success response becomes the style's body ([`Style::wrap`]): per-resource
//!   schemas with readable names are added to `components/schemas` (enveloped
//!   `WidgetEnvelope` / `WidgetListEnvelope`; result `WidgetsResult` for a page,
//!   `WidgetResult` for a single read, `WidgetsWriteResult` / `WidgetWriteResult` for
//!   writes, `WidgetsEmptyResult` for a write that answered no content, and
//!   `CreateWidgetRequest` for a wrapped request body); a name already holding a
//!   different schema falls back to a longer one;
//! - list `GET`s get the style's pagination parameters (unless the operation already
//!   has a query parameter of that name) and the style's list headers;
//! - every operation gets the style's error responses for the statuses
//!   [`Style::error_statuses`] names, unless it declares that status itself;
//! - the output is OpenAPI 3.0.3 and records the style in the root `x-apigen-style`.
//!
//! **Idempotent**: a rewritten success response and request body carry
//! `x-apigen-style: <style>`, and everything else is only added when missing, so
//! applying the same style to a wire spec changes nothing.
//!
//! The style's components are inlined into `components` (a name the spec already uses
//! for something else is an `apply/component-clash` error), or, with
//! `components_ref = Some(url)`, referenced as `url#/components/...`.

use crate::diag::{escape_pointer_token, Diagnostic};
use crate::shape::{self, OperationShape};
use crate::style::{
    error_response_name, Body, NamedSchema, Refs, ResourceNames, Style, STYLE_EXTENSION,
};
use heck::ToUpperCamelCase;
use indexmap::IndexMap;
use openapiv3::{
    Components, MediaType, OpenAPI, Operation, Parameter, ReferenceOr, Response, Schema, StatusCode,
};
use std::collections::BTreeSet;

/// The OpenAPI version every wire spec is written in.
pub const WIRE_OPENAPI_VERSION: &str = "3.0.3";

/// Writes the wire spec of `spec` in `style`. `components_ref` is the URL of the
/// published components document to `$ref` instead of inlining the components.
pub fn apply(
    spec: &OpenAPI,
    style: &dyn Style,
    components_ref: Option<&str>,
) -> Result<OpenAPI, Vec<Diagnostic>> {
    let refs = components_ref.map_or_else(Refs::local, Refs::external);
    let mut out = spec.clone();
    out.openapi = WIRE_OPENAPI_VERSION.to_string();
    out.extensions.insert(
        STYLE_EXTENSION.to_string(),
        serde_json::Value::String(style.name().to_string()),
    );
    if refs.is_local() {
        let clashes = component_clashes(spec, style);
        if !clashes.is_empty() {
            return Err(clashes);
        }
        merge_components(
            out.components.get_or_insert_with(Components::default),
            style.components(),
        );
    }
    let added_by_style = style_only_names(spec, style, &refs);
    for shape in shape::operations(spec) {
        let Some(operation) = operation_mut(&mut out, shape.path, shape.method) else {
            continue;
        };
        let mut operation = std::mem::take(operation);
        let schemas = &mut out
            .components
            .get_or_insert_with(Components::default)
            .schemas;
        rewrite_success(spec, &shape, style, &refs, &mut operation, schemas);
        rewrite_request(spec, &shape, style, &refs, &mut operation, schemas);
        if shape.is_list && shape.method == "get" {
            add_pagination(spec, &shape, style, &refs, &mut operation);
        }
        add_error_responses(&shape, style, &refs, &mut operation);
        sort_responses(&mut operation);
        if let Some(slot) = operation_mut(&mut out, shape.path, shape.method) {
            *slot = operation;
        }
    }
    prune_unused(&mut out, &added_by_style);
    Ok(out)
}

/// The (kind, name) of each style component `apply` inlines that the source spec lacks.
fn style_only_names(
    spec: &OpenAPI,
    style: &dyn Style,
    refs: &Refs,
) -> BTreeSet<(&'static str, String)> {
    let mut out = BTreeSet::new();
    if !refs.is_local() {
        return out;
    }
    let theirs = style.components();
    let mine = spec.components.clone().unwrap_or_default();
    let mut add = |kind: &'static str, names: Vec<&String>, has: &dyn Fn(&str) -> bool| {
        out.extend(
            names
                .into_iter()
                .filter(|n| !has(n))
                .map(|n| (kind, n.clone())),
        );
    };
    add("schemas", theirs.schemas.keys().collect(), &|n| {
        mine.schemas.contains_key(n)
    });
    add("parameters", theirs.parameters.keys().collect(), &|n| {
        mine.parameters.contains_key(n)
    });
    add("headers", theirs.headers.keys().collect(), &|n| {
        mine.headers.contains_key(n)
    });
    add("responses", theirs.responses.keys().collect(), &|n| {
        mine.responses.contains_key(n)
    });
    out
}

/// Removes the inlined style components nothing refers to (the wire spec carries only
/// what it uses; the full set is the published components document).
fn prune_unused(out: &mut OpenAPI, candidates: &BTreeSet<(&'static str, String)>) {
    loop {
        let Ok(value) = serde_json::to_value(&*out) else {
            return;
        };
        let mut used = BTreeSet::new();
        collect_refs(&value, &mut used);
        let unused: Vec<&(&str, String)> = candidates
            .iter()
            .filter(|(kind, name)| !used.contains(&format!("#/components/{kind}/{name}")))
            .collect();
        let Some(components) = out.components.as_mut() else {
            return;
        };
        let mut removed = false;
        for (kind, name) in unused {
            removed |= match *kind {
                "schemas" => components.schemas.shift_remove(name).is_some(),
                "parameters" => components.parameters.shift_remove(name).is_some(),
                "headers" => components.headers.shift_remove(name).is_some(),
                "responses" => components.responses.shift_remove(name).is_some(),
                _ => false,
            };
        }
        if !removed {
            return;
        }
    }
}

fn collect_refs(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", serde_json::Value::String(r)) => {
                        out.insert(r.clone());
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The style components whose names the spec already uses for something different.
pub fn component_clashes(spec: &OpenAPI, style: &dyn Style) -> Vec<Diagnostic> {
    let Some(mine) = spec.components.as_ref() else {
        return Vec::new();
    };
    let theirs = style.components();
    let mut out = Vec::new();
    let mut check = |kind: &str, names: Vec<&String>| {
        for name in names {
            out.push(
                Diagnostic::error(
                    "apply/component-clash",
                    format!(
                        "`components/{kind}/{name}` is defined by the spec and differs from the `{}` style's `{name}`",
                        style.name()
                    ),
                )
                .with_help(format!(
                    "rename the spec's `{name}` (the style's components are inlined under their own names), or keep them in their own file with `--components-ref URL`"
                ))
                .at_pointer(format!("#/components/{kind}/{}", escape_pointer_token(name))),
            );
        }
    };
    check("schemas", differing(&mine.schemas, &theirs.schemas));
    check(
        "parameters",
        differing(&mine.parameters, &theirs.parameters),
    );
    check("headers", differing(&mine.headers, &theirs.headers));
    check("responses", differing(&mine.responses, &theirs.responses));
    out
}

fn differing<'a, T: PartialEq>(
    mine: &'a IndexMap<String, T>,
    theirs: &IndexMap<String, T>,
) -> Vec<&'a String> {
    mine.iter()
        .filter(|(k, v)| theirs.get(*k).is_some_and(|t| t != *v))
        .map(|(k, _)| k)
        .collect()
}

fn merge_components(into: &mut Components, from: Components) {
    fn merge<T>(into: &mut IndexMap<String, T>, from: IndexMap<String, T>) {
        for (k, v) in from {
            into.entry(k).or_insert(v);
        }
    }
    merge(&mut into.schemas, from.schemas);
    merge(&mut into.parameters, from.parameters);
    merge(&mut into.headers, from.headers);
    merge(&mut into.responses, from.responses);
}

fn operation_mut<'a>(spec: &'a mut OpenAPI, path: &str, method: &str) -> Option<&'a mut Operation> {
    let ReferenceOr::Item(item) = spec.paths.paths.get_mut(path)? else {
        return None;
    };
    match method {
        "get" => item.get.as_mut(),
        "put" => item.put.as_mut(),
        "post" => item.post.as_mut(),
        "delete" => item.delete.as_mut(),
        "options" => item.options.as_mut(),
        "head" => item.head.as_mut(),
        "patch" => item.patch.as_mut(),
        "trace" => item.trace.as_mut(),
        _ => None,
    }
}

/// The names `apply` gives to what it adds for one operation.
pub fn resource_names(shape: &OperationShape<'_>) -> ResourceNames {
    let operation = shape
        .operation
        .operation_id
        .as_deref()
        .map(|id| id.to_upper_camel_case())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            let words: Vec<&str> = shape
                .path
                .split('/')
                .map(|s| s.trim_matches(|c| c == '{' || c == '}'))
                .collect();
            format!("{} {}", shape.method, words.join(" ")).to_upper_camel_case()
        });
    let referenced = match (shape.list_item, shape.success_schema) {
        (Some(ReferenceOr::Reference { reference }), _) => Some(reference.as_str()),
        (None, Some(ReferenceOr::Reference { reference })) if !shape.is_list => {
            Some(reference.as_str())
        }
        _ => None,
    };
    let item = referenced
        .and_then(|r| shape::component_name(r, "schemas"))
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        })
        .map(str::to_string)
        .unwrap_or_else(|| operation.clone());
    let collection = Some(shape.collection_key.to_upper_camel_case())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "Items".to_string());
    ResourceNames {
        item,
        collection,
        operation,
    }
}

fn is_marked(extensions: &IndexMap<String, serde_json::Value>, style: &dyn Style) -> bool {
    extensions.get(STYLE_EXTENSION).and_then(|v| v.as_str()) == Some(style.name())
}

fn mark(extensions: &mut IndexMap<String, serde_json::Value>, style: &dyn Style) {
    extensions.insert(
        STYLE_EXTENSION.to_string(),
        serde_json::Value::String(style.name().to_string()),
    );
}

/// The key of the operation's success response, as `shape` chose it.
fn success_key(operation: &Operation, status: u16) -> Option<StatusCode> {
    let code = StatusCode::Code(status);
    if operation.responses.responses.contains_key(&code) {
        return Some(code);
    }
    let range = StatusCode::Range(2);
    operation
        .responses
        .responses
        .contains_key(&range)
        .then_some(range)
}

fn rewrite_success(
    spec: &OpenAPI,
    shape: &OperationShape<'_>,
    style: &dyn Style,
    refs: &Refs,
    operation: &mut Operation,
    schemas: &mut IndexMap<String, ReferenceOr<Schema>>,
) {
    let key = success_key(operation, shape.success_status);
    let source = key
        .as_ref()
        .and_then(|k| operation.responses.responses.get(k))
        .or(operation.responses.default.as_ref())
        .and_then(|r| shape::resolve_response(spec, r))
        .cloned();
    let mut response = source.unwrap_or_else(|| Response {
        description: "Success.".to_string(),
        ..Response::default()
    });
    if is_marked(&response.extensions, style) {
        return;
    }
    let wrap = style.wrap(shape, &resource_names(shape), refs);
    if let Body::Named(named) = wrap.body {
        response.content = json_content(refs_local(&add_named(schemas, *named)));
    }
    for header in wrap.headers {
        response
            .headers
            .entry(header.to_string())
            .or_insert_with(|| ReferenceOr::Reference {
                reference: refs.to("headers", header),
            });
    }
    mark(&mut response.extensions, style);
    if let Some(k) = key {
        operation.responses.responses.shift_remove(&k);
    }
    operation
        .responses
        .responses
        .insert(StatusCode::Code(wrap.status), ReferenceOr::Item(response));
}

fn rewrite_request(
    spec: &OpenAPI,
    shape: &OperationShape<'_>,
    style: &dyn Style,
    refs: &Refs,
    operation: &mut Operation,
    schemas: &mut IndexMap<String, ReferenceOr<Schema>>,
) {
    let Some(mut body) = operation
        .request_body
        .as_ref()
        .and_then(|b| shape::resolve_request_body(spec, b))
        .cloned()
    else {
        return;
    };
    if is_marked(&body.extensions, style) {
        return;
    }
    let Some(named) = style.wrap(shape, &resource_names(shape), refs).request else {
        return;
    };
    body.content = json_content(refs_local(&add_named(schemas, named)));
    mark(&mut body.extensions, style);
    operation.request_body = Some(ReferenceOr::Item(body));
}

/// A reference to a schema `apply` adds to the wire spec itself (always local).
fn refs_local(name: &str) -> ReferenceOr<Schema> {
    Refs::local().schema(name)
}

fn json_content(schema: ReferenceOr<Schema>) -> IndexMap<String, MediaType> {
    [(
        "application/json".to_string(),
        MediaType {
            schema: Some(schema),
            ..MediaType::default()
        },
    )]
    .into_iter()
    .collect()
}

/// Adds `named` under the first candidate name that is free or already holds this very
/// schema (else the last candidate, numbered) and returns the name.
fn add_named(schemas: &mut IndexMap<String, ReferenceOr<Schema>>, named: NamedSchema) -> String {
    let fits = |schemas: &IndexMap<String, ReferenceOr<Schema>>, name: &str| match schemas.get(name)
    {
        None => true,
        Some(existing) => existing.as_item() == Some(&named.schema),
    };
    let base = named
        .names
        .last()
        .cloned()
        .unwrap_or_else(|| "Body".to_string());
    let name = named
        .names
        .iter()
        .find(|n| fits(schemas, n))
        .cloned()
        .or_else(|| {
            (2..10_000)
                .map(|i| format!("{base}{i}"))
                .find(|n| fits(schemas, n))
        })
        .unwrap_or(base);
    schemas
        .entry(name.clone())
        .or_insert(ReferenceOr::Item(named.schema));
    name
}

fn add_pagination(
    spec: &OpenAPI,
    shape: &OperationShape<'_>,
    style: &dyn Style,
    refs: &Refs,
    operation: &mut Operation,
) {
    for p in style.pagination() {
        let reference = refs.to("parameters", p.component);
        let declared = operation
            .parameters
            .iter()
            .chain(shape.path_item.parameters.iter())
            .any(|param| match param {
                ReferenceOr::Reference { reference: r } if *r == reference => true,
                other => resolve_parameter(spec, other).is_some_and(|d| {
                    d.parameter_data_ref().name == p.name && matches!(d, Parameter::Query { .. })
                }),
            });
        if !declared {
            operation
                .parameters
                .push(ReferenceOr::Reference { reference });
        }
    }
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    param: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match param {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = shape::component_name(reference, "parameters")?;
            spec.components.as_ref()?.parameters.get(name)?.as_item()
        }
    }
}

fn add_error_responses(
    shape: &OperationShape<'_>,
    style: &dyn Style,
    refs: &Refs,
    operation: &mut Operation,
) {
    for status in style.error_statuses(shape) {
        let Some(name) = error_response_name(status) else {
            continue;
        };
        operation
            .responses
            .responses
            .entry(StatusCode::Code(status))
            .or_insert_with(|| ReferenceOr::Reference {
                reference: refs.to("responses", name),
            });
    }
}

fn sort_responses(operation: &mut Operation) {
    fn rank(code: &StatusCode) -> (u16, u16) {
        match code {
            StatusCode::Code(c) => (*c / 100, *c),
            StatusCode::Range(r) => (*r, 1000),
        }
    }
    operation
        .responses
        .responses
        .sort_by(|a, _, b, _| rank(a).cmp(&rank(b)));
}
