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
//!   [`Style::error_statuses`] names, unless it declares that status itself; an error
//!   response it declares without content gets the style's error body (its description
//!   kept);
//! - every response declares the `X-Request-Id` header ([`REQUEST_ID_HEADER`]);
//! - the output is OpenAPI 3.0.3 and records the style in the root `x-apigen-style`.
//!
//! **Idempotent**: a rewritten success response and request body carry
//! `x-apigen-style: <style>`, and everything else is only added when missing, so
//! applying the same style to a wire spec changes nothing.
//!
//! The style's components are inlined into `components` (only those the wire spec uses;
//! each marked `x-apigen-component: <style>/<name>`; under `<Style><Name>` when the spec
//! already uses the name for something else, see [`inline_plan`]), or, with
//! `components_ref = Some(url)`, referenced as `url#/components/...`.

use crate::diag::Diagnostic;
use crate::pointer::JsonPointer;
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
    let foreign = applied_in_other_styles(spec, style);
    if !foreign.is_empty() {
        return Err(foreign);
    }
    let mut out = spec.clone();
    out.openapi = WIRE_OPENAPI_VERSION.to_string();
    out.extensions.insert(
        STYLE_EXTENSION.to_string(),
        serde_json::Value::String(style.name().to_string()),
    );
    let (refs, added_by_style) = match components_ref {
        Some(url) => (Refs::external(url), BTreeSet::new()),
        None => {
            let plan = inline_plan(spec, style)?;
            let into = out.components.get_or_insert_with(Components::default);
            let added = merge_components(into, plan.components);
            (plan.refs, added)
        }
    };
    for shape in shape::operations(spec) {
        let Some(operation) = operation_mut(&mut out, shape.path, shape.method) else {
            continue;
        };
        let mut operation = std::mem::take(operation);
        let schemas = &mut out
            .components
            .get_or_insert_with(Components::default)
            .schemas;
        // The other success statuses are taken out first: the main one may move onto
        // one of their keys (a create answering `201`).
        let alternatives: Vec<_> = shape
            .alternatives(spec)
            .into_iter()
            .map(|alt| {
                let key = StatusCode::Code(alt.success_status);
                let source = operation.responses.responses.shift_remove(&key);
                (alt, source)
            })
            .collect();
        rewrite_success(spec, &shape, style, &refs, &mut operation, schemas);
        for (alt, source) in alternatives {
            let source = source
                .as_ref()
                .and_then(|r| shape::resolve_response(spec, r))
                .cloned();
            let (status, response) = wrap_success(&alt, style, &refs, source, schemas);
            // A status the style answers as another (`result` has no `201`) is answered as
            // that one, declared already.
            operation
                .responses
                .responses
                .entry(StatusCode::Code(status))
                .or_insert(ReferenceOr::Item(response));
        }
        rewrite_request(spec, &shape, style, &refs, &mut operation, schemas);
        if shape.is_list && shape.method == "get" {
            add_pagination(spec, &shape, style, &refs, &mut operation);
        }
        fill_error_bodies(spec, style, &refs, &mut operation);
        add_error_responses(&shape, style, &refs, &mut operation);
        sort_responses(&mut operation);
        if let Some(slot) = operation_mut(&mut out, shape.path, shape.method) {
            *slot = operation;
        }
    }
    declare_request_id(&mut out, &refs);
    prune_unused(&mut out, &added_by_style);
    Ok(out)
}

/// The response header every generated server sends on every response, in every style
/// (the request's id, echoed or generated); each style's components define it.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";

/// Declares [`REQUEST_ID_HEADER`] on every response of the wire spec that does not declare
/// it yet: inline responses of operations, and the spec's own `components/responses` they
/// refer to (the style's responses carry it already; a response in another file is left
/// as it is).
fn declare_request_id(out: &mut OpenAPI, refs: &Refs) {
    let header = || ReferenceOr::Reference {
        reference: refs.to("headers", REQUEST_ID_HEADER),
    };
    let mut referenced = BTreeSet::new();
    for item in out.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.options.as_mut(),
            item.head.as_mut(),
            item.patch.as_mut(),
            item.trace.as_mut(),
        ];
        for operation in operations.into_iter().flatten() {
            let responses = &mut operation.responses;
            for response in responses
                .responses
                .values_mut()
                .chain(responses.default.as_mut())
            {
                match response {
                    ReferenceOr::Item(r) => {
                        r.headers
                            .entry(REQUEST_ID_HEADER.to_string())
                            .or_insert_with(header);
                    }
                    ReferenceOr::Reference { reference } => {
                        if let Some(name) = shape::component_name(reference, "responses") {
                            referenced.insert(name.to_string());
                        }
                    }
                }
            }
        }
    }
    let Some(components) = out.components.as_mut() else {
        return;
    };
    for name in referenced {
        if let Some(ReferenceOr::Item(r)) = components.responses.get_mut(&name) {
            r.headers
                .entry(REQUEST_ID_HEADER.to_string())
                .or_insert_with(header);
        }
    }
}

/// Gives each error response the source declares without content (`"404": {description:
/// No such gadget}`) the style's error body, keeping its description and headers: a server
/// of the style answers every failure with that body. Also the error headers of the style
/// (and `Allow` on 405, `Retry-After` on 429), as the style's own error responses have them.
fn fill_error_bodies(spec: &OpenAPI, style: &dyn Style, refs: &Refs, operation: &mut Operation) {
    for (code, response) in operation.responses.responses.iter_mut() {
        let (status, schema) = match code {
            StatusCode::Code(c) if *c >= 400 => (Some(*c), style.error_schema_for(*c)),
            StatusCode::Range(r) if *r >= 4 => (None, style.error_schema()),
            _ => continue,
        };
        let Some(declared) = shape::resolve_response(spec, response) else {
            continue;
        };
        if !declared.content.is_empty() {
            continue;
        }
        let mut filled = declared.clone();
        filled.content = json_content(refs.schema(schema));
        let extra: &[&str] = match status {
            Some(405) => &["Allow"],
            Some(429) => &["Retry-After"],
            _ => &[],
        };
        for name in style.error_headers().iter().chain(extra) {
            filled
                .headers
                .entry(name.to_string())
                .or_insert_with(|| ReferenceOr::Reference {
                    reference: refs.to("headers", name),
                });
        }
        *response = ReferenceOr::Item(filled);
    }
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

/// Operations that an earlier `apply` already put in another style: wrapping them again
/// would nest one style's body in another's.
fn applied_in_other_styles(spec: &OpenAPI, style: &dyn Style) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for op in shape::operations(spec) {
        let marks = op
            .operation
            .responses
            .responses
            .iter()
            .filter_map(|(code, r)| Some((code, shape::resolve_response(spec, r)?)))
            .filter_map(|(code, r)| Some((code, r.extensions.get(STYLE_EXTENSION)?.as_str()?)));
        for (code, other) in marks {
            if other != style.name() {
                out.push(
                    Diagnostic::error(
                        "apply/already-applied",
                        format!(
                            "the {code} response of {} {} is already in the `{other}` style; this is a wire spec, not a source spec",
                            op.method.to_uppercase(),
                            op.path
                        ),
                    )
                    .with_help(format!(
                        "apply `--style {}` to the source spec the wire spec was made from",
                        style.name()
                    ))
                    .at_pointer(format!("{}/responses/{code}", op.pointer)),
                );
            }
        }
    }
    out.truncate(1);
    out
}

/// The extension that marks a component `apply` inlined from a style: `<style>/<name>`.
pub const COMPONENT_EXTENSION: &str = "x-apigen-component";

/// How a style's components are inlined into a spec.
#[derive(Debug, Clone)]
pub struct InlinePlan {
    /// References to the inlined components (under their chosen names).
    pub refs: Refs,
    /// The components as inlined: renamed where needed, references rewritten, each marked
    /// with [`COMPONENT_EXTENSION`].
    pub components: Components,
    /// A warning for each component inlined under another name.
    pub renamed: Vec<Diagnostic>,
}

const KINDS: [&str; 4] = ["schemas", "parameters", "headers", "responses"];

/// Plans how `style`'s components are inlined into `spec`: each under its own name, or,
/// when the spec already uses that name for something else, under `<Style><Name>`
/// (`Error` → `PlainError`). A component an earlier `apply` inlined (marked with
/// [`COMPONENT_EXTENSION`]) is the style's own, so applying again changes nothing. Fails
/// with `apply/component-clash` when the longer name is taken too.
pub fn inline_plan(spec: &OpenAPI, style: &dyn Style) -> Result<InlinePlan, Vec<Diagnostic>> {
    let theirs = serde_json::to_value(style.components()).map_err(internal)?;
    let mine =
        serde_json::to_value(spec.components.clone().unwrap_or_default()).map_err(internal)?;
    let prefix = style.name().to_upper_camel_case();
    let mut renames = std::collections::BTreeMap::new();
    let mut renamed = Vec::new();
    let mut clashes = Vec::new();
    for kind in KINDS {
        let Some(names) = theirs.get(kind).and_then(|v| v.as_object()) else {
            continue;
        };
        for (name, component) in names {
            let existing = mine.get(kind).and_then(|m| m.get(name));
            let free = |candidate: &str| {
                mine.get(kind)
                    .and_then(|m| m.get(candidate))
                    .is_none_or(|c| {
                        c.get(COMPONENT_EXTENSION).and_then(|v| v.as_str())
                            == Some(&format!("{}/{name}", style.name()))
                    })
            };
            if free(name) || existing == Some(component) {
                continue;
            }
            let longer = format!("{prefix}{name}");
            let pointer = JsonPointer::from_tokens(["components", kind, name.as_str()]);
            if free(&longer) {
                renamed.push(
                    Diagnostic::warning(
                        "apply/component-renamed",
                        format!(
                            "the spec's own `components/{kind}/{name}` differs from the `{}` style's, so the style's is inlined as `{longer}`",
                            style.name()
                        ),
                    )
                    .with_help(format!(
                        "nothing to do; rename the spec's `{name}` to keep the style's names, or reference the published components with `--components-ref URL`"
                    ))
                    .at_pointer(pointer),
                );
                renames.insert(format!("{kind}/{name}"), longer);
            } else {
                clashes.push(
                    Diagnostic::error(
                        "apply/component-clash",
                        format!(
                            "the spec defines both `components/{kind}/{name}` and `components/{kind}/{longer}`, and neither is the `{}` style's `{name}`",
                            style.name()
                        ),
                    )
                    .with_help(
                        "rename one of them, or reference the published components with `--components-ref URL`",
                    )
                    .at_pointer(pointer),
                );
            }
        }
    }
    if !clashes.is_empty() {
        return Err(clashes);
    }
    let components = rename_components(theirs, &renames, style)?;
    Ok(InlinePlan {
        refs: Refs::local_renamed(renames),
        components,
        renamed,
    })
}

/// Renames components (`kind/name` → new name), rewrites the `$ref`s to them, and marks
/// each with [`COMPONENT_EXTENSION`].
fn rename_components(
    mut value: serde_json::Value,
    renames: &std::collections::BTreeMap<String, String>,
    style: &dyn Style,
) -> Result<Components, Vec<Diagnostic>> {
    let targets: std::collections::BTreeMap<String, String> = renames
        .iter()
        .map(|(from, to)| {
            let kind = from.split('/').next().unwrap_or_default();
            (
                format!("#/components/{from}"),
                format!("#/components/{kind}/{to}"),
            )
        })
        .collect();
    rewrite_refs(&mut value, &targets);
    for kind in KINDS {
        let Some(map) = value.get_mut(kind).and_then(|v| v.as_object_mut()) else {
            continue;
        };
        let entries = std::mem::take(map);
        for (name, mut component) in entries {
            if let Some(obj) = component.as_object_mut() {
                obj.insert(
                    COMPONENT_EXTENSION.to_string(),
                    serde_json::Value::String(format!("{}/{name}", style.name())),
                );
            }
            let key = renames
                .get(&format!("{kind}/{name}"))
                .cloned()
                .unwrap_or(name);
            map.insert(key, component);
        }
    }
    serde_json::from_value(value).map_err(internal)
}

fn rewrite_refs(
    value: &mut serde_json::Value,
    targets: &std::collections::BTreeMap<String, String>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(r) if k == "$ref" => {
                        if let Some(t) = targets.get(r.as_str()) {
                            *r = t.clone();
                        }
                    }
                    other => rewrite_refs(other, targets),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, targets)),
        _ => {}
    }
}

fn internal(e: serde_json::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        "apply/internal",
        format!("apigen could not convert the style's components: {e}"),
    )]
}

/// Adds the components the spec lacks; returns their (kind, name).
fn merge_components(into: &mut Components, from: Components) -> BTreeSet<(&'static str, String)> {
    fn merge<T>(
        kind: &'static str,
        into: &mut IndexMap<String, T>,
        from: IndexMap<String, T>,
        added: &mut BTreeSet<(&'static str, String)>,
    ) {
        for (k, v) in from {
            if !into.contains_key(&k) {
                added.insert((kind, k.clone()));
                into.insert(k, v);
            }
        }
    }
    let mut added = BTreeSet::new();
    merge("schemas", &mut into.schemas, from.schemas, &mut added);
    merge(
        "parameters",
        &mut into.parameters,
        from.parameters,
        &mut added,
    );
    merge("headers", &mut into.headers, from.headers, &mut added);
    merge("responses", &mut into.responses, from.responses, &mut added);
    added
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
        .map(identifier)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            let words: Vec<&str> = shape
                .path
                .split('/')
                .map(|s| s.trim_matches(|c| c == '{' || c == '}'))
                .collect();
            identifier(&format!("{} {}", shape.method, words.join(" ")))
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
    let collection = Some(identifier(&shape.collection_key))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "Items".to_string());
    ResourceNames {
        item,
        collection,
        operation,
    }
}

/// PascalCase with only ASCII letters and digits, so it is a valid component name.
fn identifier(text: &str) -> String {
    text.to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
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
    if source
        .as_ref()
        .is_some_and(|r| is_marked(&r.extensions, style))
    {
        return;
    }
    let (status, response) = wrap_success(shape, style, refs, source, schemas);
    if let Some(k) = key {
        operation.responses.responses.shift_remove(&k);
    }
    operation
        .responses
        .responses
        .insert(StatusCode::Code(status), ReferenceOr::Item(response));
}

/// The status a style answers a success of `shape` with (see [`Style::wrap`]).
pub fn wire_status(shape: &OperationShape<'_>, style: &dyn Style) -> u16 {
    style
        .wrap(shape, &resource_names(shape), &Refs::local())
        .status
}

/// A success response (`source`, as declared) in the style: its status and the response,
/// marked as the style's. A response marked already is kept as it is.
fn wrap_success(
    shape: &OperationShape<'_>,
    style: &dyn Style,
    refs: &Refs,
    source: Option<Response>,
    schemas: &mut IndexMap<String, ReferenceOr<Schema>>,
) -> (u16, Response) {
    let mut response = source.unwrap_or_else(|| Response {
        description: "Success.".to_string(),
        ..Response::default()
    });
    if is_marked(&response.extensions, style) {
        return (shape.success_status, response);
    }
    let wrap = style.wrap(shape, &resource_names(shape), refs);
    // A body in another media type (a download) travels as it is in every style.
    let foreign = shape.success_schema.is_none() && !response.content.is_empty();
    match wrap.body {
        Body::Named(named) if !foreign => {
            let schema = refs_local(&add_named(schemas, *named));
            response.content = with_json(&response.content, schema);
        }
        _ => {}
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
    (wrap.status, response)
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
    body.content = with_json(&body.content, refs_local(&add_named(schemas, named)));
    mark(&mut body.extensions, style);
    operation.request_body = Some(ReferenceOr::Item(body));
}

/// A reference to a schema `apply` adds to the wire spec itself (always local).
fn refs_local(name: &str) -> ReferenceOr<Schema> {
    Refs::local().schema(name)
}

/// `content` with its JSON media types replaced by the style's `application/json` body
/// (first); bodies of other media types (text, forms, files) travel as they are in every
/// style.
fn with_json(
    content: &IndexMap<String, MediaType>,
    schema: ReferenceOr<Schema>,
) -> IndexMap<String, MediaType> {
    let mut out = json_content(schema);
    let others = content.iter().filter(|(media, _)| !shape::is_json(media));
    out.extend(others.map(|(media, object)| (media.clone(), object.clone())));
    out
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
