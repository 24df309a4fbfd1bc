//! `lint`: rule-id'd diagnostics about what makes generation or a style worse.
//!
//! | rule | severity | what |
//! |---|---|---|
//! | `lint/missing-operation-id` | warning | an operation without `operationId` gets a synthetic name |
//! | `lint/inline-object-schema` | warning | an inline object as a request or success body forces a synthetic type name |
//! | `lint/success-without-schema` | warning | a success response (other than 204) has no body, so the style cannot wrap it |
//! | `lint/no-success-response` | warning | no 2xx (or `default`) response: the operation is assumed to answer 200 with no body |
//! | `lint/path-item-ref` | warning | a path item that is a `$ref` is skipped by apply and generation |
//! | `lint/invalid-collection-key` | warning | `x-apigen-collection` is not a non-empty string of letters, digits and `_` |
//! | `lint/pagination-param-clash` | warning | a list operation's own query parameter has the name of one of the style's pagination parameters |
//! | `lint/error-response-contradicts-style` | warning | a declared error response (with content) is not the style's error body |
//! | `lint/create-status` | warning | a create answers another status than the style's (`201` with `Location` in enveloped and plain), which the wire spec and the server use instead |
//! | `apply/component-clash` | error | the spec defines a component under a name the style's components use |
//!
//! The last four need a style (`--style`, or the spec's `x-apigen-style`). An error
//! response declared without content is no contradiction: `apply` gives it the style's
//! error body and keeps its description.

use crate::apply::{inline_plan, resource_names};
use crate::diag::Diagnostic;
use crate::pointer::JsonPointer;
use crate::shape::{self, OperationShape, COLLECTION_EXTENSION};
use crate::style::{error_response_name, Refs, Style};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

/// Every diagnostic about `spec`, checked against `style` when one is given.
pub fn lint(spec: &OpenAPI, style: Option<&dyn Style>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let refs = match style.map(|s| inline_plan(spec, s)) {
        Some(Ok(plan)) => {
            out.extend(plan.renamed);
            plan.refs
        }
        Some(Err(clashes)) => {
            out.extend(clashes);
            Refs::local()
        }
        None => Refs::local(),
    };
    for (path, item) in spec.paths.paths.iter() {
        let pointer = JsonPointer::from_tokens(["paths", path.as_str()]);
        match item {
            ReferenceOr::Item(item) => collection_key(&item.extensions, &pointer, &mut out),
            ReferenceOr::Reference { reference } => out.push(
                Diagnostic::warning(
                    "lint/path-item-ref",
                    format!("the path item of `{path}` is a `$ref` to `{reference}`, which apigen skips"),
                )
                .with_help("write the path item inline (apigen bundles `$ref`s inside it)")
                .at_pointer(pointer),
            ),
        }
    }
    for shape in shape::operations(spec) {
        let what = format!("{} {}", shape.method.to_uppercase(), shape.path);
        if shape
            .operation
            .operation_id
            .as_deref()
            .is_none_or(str::is_empty)
        {
            out.push(
                Diagnostic::warning(
                    "lint/missing-operation-id",
                    format!("{what} has no operationId, so its generated names are made from the method and path"),
                )
                .with_help("add an `operationId` such as `listWidgets` or `getWidget`")
                .at_pointer(shape.pointer.clone()),
            );
        }
        collection_key(&shape.operation.extensions, &shape.pointer, &mut out);
        bodies(spec, &shape, &what, &mut out);
        if let Some(style) = style {
            pagination(spec, &shape, style, &refs, &what, &mut out);
            error_responses(spec, &shape, style, &refs, &what, &mut out);
            create_status(&shape, style, &refs, &what, &mut out);
        }
    }
    out
}

fn collection_key(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(value) = extensions.get(COLLECTION_EXTENSION) else {
        return;
    };
    let valid = value
        .as_str()
        .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    if !valid {
        out.push(
            Diagnostic::warning(
                "lint/invalid-collection-key",
                format!("`{COLLECTION_EXTENSION}` is {value}, not a collection key; it is ignored"),
            )
            .with_help("use a non-empty string of letters, digits and `_`, such as `widgets`")
            .at_pointer(format!("{pointer}/{COLLECTION_EXTENSION}")),
        );
    }
}

fn bodies(spec: &OpenAPI, shape: &OperationShape<'_>, what: &str, out: &mut Vec<Diagnostic>) {
    let success = shape
        .operation
        .responses
        .responses
        .iter()
        .find_map(|(code, r)| match code {
            StatusCode::Code(c) if *c == shape.success_status => Some((c.to_string(), r)),
            StatusCode::Range(2) => Some(("2XX".to_string(), r)),
            _ => None,
        });
    let has_any_success = success.is_some() || shape.operation.responses.default.is_some();
    if !has_any_success {
        out.push(
            Diagnostic::warning(
                "lint/no-success-response",
                format!("{what} declares no 2xx or default response; it is assumed to answer 200 with no body"),
            )
            .with_help("declare the success response, e.g. `\"200\"` with an `application/json` schema")
            .at_pointer(format!("{}/responses", shape.pointer)),
        );
    } else if shape.success_schema.is_none()
        && shape.success_status != 204
        // A body of another media type (text, a file, events) travels as it is.
        && shape::success_response(spec, shape.operation)
            .1
            .is_none_or(|r| r.content.is_empty())
    {
        out.push(
            Diagnostic::warning(
                "lint/success-without-schema",
                format!(
                    "the {} response of {what} has no JSON schema, so the style cannot describe its body",
                    shape.success_status
                ),
            )
            .with_help("give it `content: {application/json: {schema: ...}}`, or answer 204 when there is no body")
            .at_pointer(match &success {
                Some((code, _)) => format!("{}/responses/{code}", shape.pointer),
                None => format!("{}/responses/default", shape.pointer),
            }),
        );
    }
    // Inline objects: only where the response (or request body) is written inline, so the
    // pointer leads to the schema itself.
    if let Some((code, ReferenceOr::Item(_))) = success {
        let base = format!(
            "{}/responses/{code}/content/application~1json/schema",
            shape.pointer
        );
        if let Some(s) = shape.success_schema {
            inline_object(s, &base, what, "success body", out);
        }
        if let Some(ReferenceOr::Item(item)) = shape.list_item {
            if matches!(shape.success_schema, Some(ReferenceOr::Item(_))) {
                inline_object_schema(item, &format!("{base}/items"), what, "list item", out);
            }
        }
    }
    if let (Some(ReferenceOr::Item(_)), Some(s)) =
        (&shape.operation.request_body, shape.request_schema)
    {
        let base = format!(
            "{}/requestBody/content/application~1json/schema",
            shape.pointer
        );
        inline_object(s, &base, what, "request body", out);
    }
}

fn inline_object(
    schema: &ReferenceOr<Schema>,
    pointer: &str,
    what: &str,
    role: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let ReferenceOr::Item(s) = schema {
        inline_object_schema(s, pointer, what, role, out);
    }
}

fn inline_object_schema(
    s: &Schema,
    pointer: &str,
    what: &str,
    role: &str,
    out: &mut Vec<Diagnostic>,
) {
    let is_object = match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::Any(a) => !a.properties.is_empty(),
        SchemaKind::AllOf { .. } => true,
        _ => false,
    };
    if is_object {
        out.push(
            Diagnostic::warning(
                "lint/inline-object-schema",
                format!("the {role} of {what} is an inline object schema, so its generated type gets a synthetic name"),
            )
            .with_help("move it to `components/schemas` under a name and `$ref` it")
            .at_pointer(pointer.to_string()),
        );
    }
}

fn pagination(
    spec: &OpenAPI,
    shape: &OperationShape<'_>,
    style: &dyn Style,
    refs: &Refs,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    if !(shape.is_list && shape.method == "get") {
        return;
    }
    let own = shape
        .operation
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("{}/parameters/{i}", shape.pointer), p))
        .chain(shape.path_item.parameters.iter().enumerate().map(|(i, p)| {
            let path_pointer = shape.pointer.rsplit_once('/').map_or("", |(p, _)| p);
            (format!("{path_pointer}/parameters/{i}"), p)
        }));
    for (pointer, param) in own {
        let resolved = match param {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => shape::component_name(reference, "parameters")
                .and_then(|n| spec.components.as_ref()?.parameters.get(n)?.as_item()),
        };
        let Some(Parameter::Query { parameter_data, .. }) = resolved else {
            continue;
        };
        let Some(theirs) = style
            .pagination()
            .iter()
            .find(|p| p.name == parameter_data.name)
        else {
            continue;
        };
        let is_styles_own = matches!(param, ReferenceOr::Reference { reference }
            if is_style_ref(reference, refs, "parameters", theirs.component));
        if !is_styles_own {
            out.push(
                Diagnostic::warning(
                    "lint/pagination-param-clash",
                    format!(
                        "{what} is a list operation and declares its own query parameter `{}`, which the `{}` style uses for pagination",
                        parameter_data.name,
                        style.name()
                    ),
                )
                .with_help(format!(
                    "rename the parameter, or remove it and let the style add its own (`{}`)",
                    style.pagination().iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
                ))
                .at_pointer(pointer),
            );
        }
    }
}

fn error_responses(
    spec: &OpenAPI,
    shape: &OperationShape<'_>,
    style: &dyn Style,
    refs: &Refs,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let declared = shape
        .operation
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(c) if *c >= 400 => Some((c.to_string(), Some(*c), r)),
            StatusCode::Range(r4) if *r4 >= 4 => Some((format!("{r4}XX"), None, r)),
            _ => None,
        })
        .chain(
            shape
                .operation
                .responses
                .default
                .iter()
                .map(|r| ("default".to_string(), None, r)),
        );
    for (key, status, response) in declared {
        // The style's own response, by reference (as `apply` writes it).
        if let (ReferenceOr::Reference { reference }, Some(expected)) =
            (response, status.and_then(error_response_name))
        {
            if is_style_ref(reference, refs, "responses", expected) {
                continue;
            }
        }
        let resolved = shape::resolve_response(spec, response);
        // Without content, `apply` gives it the style's error body.
        if resolved.is_some_and(|r| r.content.is_empty()) {
            continue;
        }
        let body = resolved.and_then(|r| shape::json_schema(&r.content));
        let wanted = status.map_or(style.error_schema(), |s| style.error_schema_for(s));
        let matches_style = matches!(body, Some(ReferenceOr::Reference { reference })
            if is_style_ref(reference, refs, "schemas", wanted));
        if !matches_style {
            out.push(
                Diagnostic::warning(
                    "lint/error-response-contradicts-style",
                    format!(
                        "the {key} response of {what} does not have the `{}` style's error body (`{wanted}`); servers of this style send that body for every failure",
                        style.name()
                    ),
                )
                .with_help(format!(
                    "remove it and let `apigen apply --style {}` add the style's error responses, or `$ref` `{}`",
                    style.name(),
                    refs.to("responses", status.and_then(error_response_name).unwrap_or("BadRequest"))
                ))
                .at_pointer(format!("{}/responses/{key}", shape.pointer)),
            );
        }
    }
}

/// A create (the style adds `Location` to its success) whose source status is not the
/// one the style answers with.
fn create_status(
    shape: &OperationShape<'_>,
    style: &dyn Style,
    refs: &Refs,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let wrap = style.wrap(shape, &resource_names(shape), refs);
    if !wrap.headers.contains(&"Location") || wrap.status == shape.success_status {
        return;
    }
    let key = [shape.success_status.to_string(), "2XX".to_string()]
        .into_iter()
        .find(|k| {
            shape
                .operation
                .responses
                .responses
                .keys()
                .any(|c| c.to_string() == *k)
        })
        .unwrap_or_else(|| "default".to_string());
    out.push(
        Diagnostic::warning(
            "lint/create-status",
            format!(
                "{what} creates a resource, which the `{}` style answers with {} and a `Location` header, not {}; the wire spec says {} and so do the style's servers",
                style.name(),
                wrap.status,
                shape.success_status,
                wrap.status
            ),
        )
        .with_help(format!(
            "declare the created resource under `\"{}\"` (the wire spec adds `Location`)",
            wrap.status
        ))
        .at_pointer(format!("{}/responses/{key}", shape.pointer)),
    );
}

/// Whether `reference` is the style's component `kind/name`: as inlined (under the name
/// `refs` gives it), or in a published components document (`URL#/components/kind/name`).
fn is_style_ref(reference: &str, refs: &Refs, kind: &str, name: &str) -> bool {
    reference == refs.to(kind, name)
        || reference.split_once('#').is_some_and(|(base, fragment)| {
            !base.is_empty() && fragment == format!("/components/{kind}/{name}")
        })
}
