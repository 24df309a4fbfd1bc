//! The response styles (see `DIALECTS.md`): one trait, one module each, one registry.
//!
//! A [`Style`] owns envelopes, errors, pagination and status conventions: its shared
//! OpenAPI components ([`Style::components`]), the pagination parameters of list
//! operations, the error statuses an operation answers with, and how `apply` wraps one
//! operation's success response and request body ([`Style::wrap`]). Nothing outside this
//! module matches on a style's name: code that needs a style calls [`find`] or
//! [`resolve`] and then asks the trait.
//!
//! Adding a style: write a module implementing [`Style`], add it to [`STYLES`], publish
//! its components (`apigen components --style NAME -o specs/components/NAME.yaml`).

use crate::diag::Diagnostic;
use crate::shape::OperationShape;
use indexmap::IndexMap;
use openapiv3::{
    ArrayType, Components, Header, ObjectType, OpenAPI, ReferenceOr, Schema, SchemaData,
    SchemaKind, StringType, Type,
};

pub mod enveloped;
pub mod plain;
pub mod result;

/// The root extension that names a spec's default style.
pub const STYLE_EXTENSION: &str = "x-apigen-style";

/// Every style apigen knows, in the order `apigen styles` lists them.
pub static STYLES: &[&dyn Style] = &[&enveloped::Enveloped, &plain::Plain, &result::ResultStyle];

/// The style called `name`.
pub fn find(name: &str) -> Option<&'static dyn Style> {
    STYLES.iter().copied().find(|s| s.name() == name)
}

/// The names of all styles, comma-separated (for messages).
pub fn names() -> String {
    STYLES
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The style to use: `--style` wins, else the root extension `x-apigen-style`, else an
/// error listing the styles.
// The signature is the interface other stages code against; a style is resolved once per
// run, so the size of the error does not matter.
#[allow(clippy::result_large_err)]
pub fn resolve(cli: Option<&str>, spec: &OpenAPI) -> Result<&'static dyn Style, Diagnostic> {
    if let Some(name) = cli {
        return find(name).ok_or_else(|| {
            Diagnostic::error("style/unknown", format!("unknown style `{name}`"))
                .with_help(format!("use one of: {}", names()))
        });
    }
    match spec.extensions.get(STYLE_EXTENSION) {
        Some(serde_json::Value::String(name)) => find(name).ok_or_else(|| {
            Diagnostic::error(
                "style/unknown",
                format!("the spec's `{STYLE_EXTENSION}` names an unknown style `{name}`"),
            )
            .with_help(format!("set it to one of: {}", names()))
            .at_pointer(format!("#/{STYLE_EXTENSION}"))
        }),
        Some(_) => Err(Diagnostic::error(
            "style/unknown",
            format!("the spec's `{STYLE_EXTENSION}` is not a string"),
        )
        .with_help(format!("set it to one of: {}", names()))
        .at_pointer(format!("#/{STYLE_EXTENSION}"))),
        None => Err(
            Diagnostic::error("style/missing", "no response style chosen").with_help(format!(
                "pass `--style <STYLE>` or set `{STYLE_EXTENSION}` at the spec's root; styles: {}",
                names()
            )),
        ),
    }
}

/// The style's components as a standalone OpenAPI 3.0.3 document, the form in which
/// they are published (`specs/components/<style>.yaml`) for other specs to `$ref`.
pub fn components_document(style: &dyn Style) -> OpenAPI {
    OpenAPI {
        openapi: crate::apply::WIRE_OPENAPI_VERSION.to_string(),
        info: openapiv3::Info {
            title: format!("apigen `{}` style components", style.name()),
            description: Some(format!(
                "The shared components of the `{}` response style: {}. Reference them from a spec as `<this file>#/components/...`, or let `apigen apply --style {} --components-ref <url>` do it.",
                style.name(),
                style.summary(),
                style.name()
            )),
            version: env!("CARGO_PKG_VERSION").to_string(),
            license: Some(openapiv3::License {
                name: "MIT OR Apache-2.0".to_string(),
                ..openapiv3::License::default()
            }),
            ..openapiv3::Info::default()
        },
        servers: vec![openapiv3::Server {
            url: "/".to_string(),
            description: Some(
                "None: this document only holds components for other specs to reference.".to_string(),
            ),
            ..openapiv3::Server::default()
        }],
        paths: openapiv3::Paths::default(),
        components: Some(style.components()),
        extensions: [(
            STYLE_EXTENSION.to_string(),
            serde_json::Value::String(style.name().to_string()),
        )]
        .into_iter()
        .collect(),
        ..OpenAPI::default()
    }
}

/// One pagination query parameter of a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaginationParameter {
    /// The key under `components/parameters`.
    pub component: &'static str,
    /// The query parameter's name.
    pub name: &'static str,
}

/// The names `apply` gives to what it adds for one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceNames {
    /// The item's schema name (`Widget`), or one made from the operation for inline schemas.
    pub item: String,
    /// The collection key in PascalCase (`Widgets`).
    pub collection: String,
    /// The operation in PascalCase (`CreateWidget`), from its operationId or method and path.
    pub operation: String,
}

/// Makes `$ref`s to the style's components: local (`#/components/...`) when the
/// components are inlined (under the names `apply` chose for them), or into a published
/// file (`URL#/components/...`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refs {
    base: String,
    /// `kind/name` → the name the component is inlined under, where that differs.
    renames: std::collections::BTreeMap<String, String>,
}

impl Refs {
    /// References into the spec's own components, each under its own name.
    pub fn local() -> Self {
        Self::default()
    }

    /// References into the spec's own components, some renamed: `kind/name` → new name.
    pub fn local_renamed(renames: std::collections::BTreeMap<String, String>) -> Self {
        Self {
            base: String::new(),
            renames,
        }
    }

    /// References into a published components document at `url`.
    pub fn external(url: &str) -> Self {
        Self {
            base: url.to_string(),
            renames: Default::default(),
        }
    }

    /// Whether the components are inlined into the spec.
    pub fn is_local(&self) -> bool {
        self.base.is_empty()
    }

    /// The name the component `kind/name` goes by.
    pub fn name<'a>(&'a self, kind: &str, name: &'a str) -> &'a str {
        self.renames
            .get(&format!("{kind}/{name}"))
            .map_or(name, String::as_str)
    }

    /// `$ref` text for `components/<kind>/<name>`.
    pub fn to(&self, kind: &str, name: &str) -> String {
        format!("{}#/components/{kind}/{}", self.base, self.name(kind, name))
    }

    /// A schema reference.
    pub fn schema(&self, name: &str) -> ReferenceOr<Schema> {
        ReferenceOr::Reference {
            reference: self.to("schemas", name),
        }
    }
}

/// A schema `apply` adds to the wire spec's components.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSchema {
    /// Names to try in order; the first that is free (or already holds this very schema) wins.
    pub names: Vec<String>,
    /// The schema.
    pub schema: Schema,
}

/// What becomes of a success response's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The source's content (JSON, another media type, or none) travels as it is.
    Keep,
    /// A named schema (added to the components) replaces the source's JSON content.
    Named(Box<NamedSchema>),
}

/// How `apply` rewrites one operation's success response and request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Wrap {
    /// The status the success response is declared under.
    pub status: u16,
    /// The success body.
    pub body: Body,
    /// Header components (`components/headers/<name>`) the success response carries.
    pub headers: Vec<&'static str>,
    /// The request body schema that replaces the source's, when the style wraps writes.
    pub request: Option<NamedSchema>,
}

/// A response style: envelopes, errors, pagination and status conventions.
pub trait Style: Sync {
    /// The name used with `--style` and `x-apigen-style`.
    fn name(&self) -> &'static str;

    /// One line saying what the style looks like on the wire.
    fn summary(&self) -> &'static str;

    /// The style's shared components: schemas, parameters, headers and error responses.
    fn components(&self) -> Components;

    /// The query parameters a list operation takes.
    fn pagination(&self) -> &'static [PaginationParameter];

    /// The header components every response of a list operation carries.
    fn list_headers(&self) -> &'static [&'static str];

    /// The header components every error response carries (beyond their own).
    fn error_headers(&self) -> &'static [&'static str] {
        &[]
    }

    /// The schema component that error bodies use (`Error`, `ErrorEnvelope`).
    fn error_schema(&self) -> &'static str;

    /// The schema component of the error body answered with `status` (the style's
    /// [`Style::error_schema`] unless the style has a special body for it).
    fn error_schema_for(&self, _status: u16) -> &'static str {
        self.error_schema()
    }

    /// Every status the style's components have an error response for.
    fn statuses(&self) -> &'static [u16];

    /// The error statuses one operation answers with.
    fn error_statuses(&self, shape: &OperationShape<'_>) -> Vec<u16> {
        common_error_statuses(shape)
    }

    /// How the operation's success response (and request body) travel in this style.
    fn wrap(&self, shape: &OperationShape<'_>, names: &ResourceNames, refs: &Refs) -> Wrap;
}

/// The error statuses every style answers an operation with: 400, 404 when the path has a
/// parameter (the item, or the item a nested collection hangs off, may not exist), 405,
/// 413 with a request body, 429, 500, 503, and 401/403 when the operation is secured.
pub fn common_error_statuses(shape: &OperationShape<'_>) -> Vec<u16> {
    let mut statuses = vec![400];
    if shape.secured {
        statuses.extend([401, 403]);
    }
    if shape.path.contains('{') {
        statuses.push(404);
    }
    statuses.push(405);
    if shape.has_body {
        statuses.push(413);
    }
    statuses.extend([429, 500, 503]);
    statuses
}

/// The `components/responses` key of the error response for `status`.
pub fn error_response_name(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        413 => "PayloadTooLarge",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        _ => return None,
    })
}

/// Parses a style's embedded components document (a compile-time constant whose
/// validity `tests::every_style_has_parseable_components` guards).
fn parse_components(name: &str, yaml: &str, shared: SharedHeaders) -> Components {
    #[derive(serde::Deserialize)]
    struct Doc {
        components: Components,
    }
    let mut components = match serde_yaml::from_str::<Doc>(yaml) {
        Ok(doc) => doc.components,
        Err(e) => unreachable!("the embedded components of style `{name}` do not parse: {e}"),
    };
    let mut fragments = Vec::new();
    if shared == SharedHeaders::WithLocation {
        fragments.push(LOCATION_HEADER);
    }
    fragments.push(STATUS_HEADERS);
    for fragment in fragments {
        match serde_yaml::from_str::<IndexMap<String, ReferenceOr<Header>>>(fragment) {
            Ok(headers) => components.headers.extend(headers),
            Err(e) => unreachable!("the shared headers do not parse: {e}"),
        }
    }
    components
}

/// Which of the headers every style documents the same way a style's components carry
/// (appended after the style's own headers, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SharedHeaders {
    /// `Location` (creates answer 201), then `Allow` and `Retry-After`.
    WithLocation,
    /// `Allow` and `Retry-After` only (the result style has no 201).
    StatusOnly,
}

/// `Location`, as every style with 201 responses documents it.
const LOCATION_HEADER: &str = r##"
Location:
  description: The URL of the created resource.
  required: true
  schema:
    type: string
  example: /widgets/wdg_1
"##;

/// `Allow` (405) and `Retry-After` (429, 503), the same in every style.
const STATUS_HEADERS: &str = r##"
Allow:
  description: The methods the path accepts, comma-separated.
  required: true
  schema:
    type: string
  example: GET, POST
Retry-After:
  description: Seconds to wait before retrying (clients also accept an HTTP-date).
  required: true
  schema:
    type: integer
    minimum: 0
  example: 30
"##;

/// One error status as every style names and documents it.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCase {
    /// The HTTP status.
    pub status: u16,
    /// What the response means, for its `description`.
    pub description: &'static str,
    /// The plain vocabulary's `kind` (also enveloped's `error.kind`).
    pub kind: &'static str,
    /// The result style's error `type`.
    pub result_type: &'static str,
    /// An example message.
    pub message: &'static str,
}

/// Every error status a style may use, with its vocabulary (DIALECTS.md, wire decisions 7–8).
pub const ERROR_CASES: &[ErrorCase] = &[
    ErrorCase { status: 400, description: "The request is malformed: a body that is not JSON, a missing or mistyped field, or a bad path or query parameter.", kind: "request_invalid", result_type: "content", message: "missing field `name`" },
    ErrorCase { status: 401, description: "No credentials were sent, or they are not valid.", kind: "token_missing", result_type: "client", message: "an Authorization header with a bearer token is required" },
    ErrorCase { status: 402, description: "The account must be paid up before this request can be served.", kind: "payment_required", result_type: "client", message: "the plan's quota is used up" },
    ErrorCase { status: 403, description: "The credentials are valid but do not allow this request.", kind: "forbidden", result_type: "permission", message: "this token may not change widgets" },
    ErrorCase { status: 404, description: "The resource (or route) does not exist.", kind: "not_found", result_type: "client", message: "no widget with id `wdg_9`" },
    ErrorCase { status: 405, description: "The path exists but does not accept this method; `Allow` lists the methods it does accept.", kind: "method_not_allowed", result_type: "client", message: "PUT is not allowed here" },
    ErrorCase { status: 413, description: "The request body is larger than the server accepts.", kind: "payload_too_large", result_type: "content", message: "the body exceeds 1 MiB" },
    ErrorCase { status: 422, description: "At least one item of the batch is invalid, so nothing was saved; `failures[i]` belongs to request item `metadata.invalidItems[i]`.", kind: "request_invalid", result_type: "validation", message: "`name` must not be empty" },
    ErrorCase { status: 429, description: "Too many requests; retry after the number of seconds in `Retry-After`.", kind: "rate_limited", result_type: "client", message: "rate limit exceeded, retry in 30 seconds" },
    ErrorCase { status: 500, description: "The server failed; the request may be retried.", kind: "internal_error", result_type: "system", message: "an internal error occurred" },
    ErrorCase { status: 503, description: "The service is temporarily unavailable; retry later.", kind: "service_unavailable", result_type: "system", message: "the service is down for maintenance" },
];

/// The [`ErrorCase`] of `status`.
pub fn error_case(status: u16) -> Option<&'static ErrorCase> {
    ERROR_CASES.iter().find(|c| c.status == status)
}

/// Adds a reusable error response for each of `statuses` to `components`: the body is
/// `components/schemas/<body_schema>` with the example `example(case)`, and the response
/// carries `headers` plus `Allow` on 405 and `Retry-After` on 429.
fn add_error_responses(
    components: &mut Components,
    statuses: &[u16],
    body_schema: &str,
    headers: &[&str],
    example: impl Fn(&ErrorCase) -> serde_json::Value,
) {
    for case in statuses.iter().filter_map(|s| error_case(*s)) {
        let Some(name) = error_response_name(case.status) else {
            continue;
        };
        let mut response_headers = indexmap::IndexMap::new();
        let extra: &[&str] = match case.status {
            405 => &["Allow"],
            429 => &["Retry-After"],
            _ => &[],
        };
        for h in headers.iter().chain(extra) {
            response_headers.insert(
                h.to_string(),
                ReferenceOr::Reference {
                    reference: format!("#/components/headers/{h}"),
                },
            );
        }
        let media = openapiv3::MediaType {
            schema: Some(Refs::local().schema(body_schema)),
            example: Some(example(case)),
            ..openapiv3::MediaType::default()
        };
        let response = openapiv3::Response {
            description: case.description.to_string(),
            headers: response_headers,
            content: [("application/json".to_string(), media)]
                .into_iter()
                .collect(),
            ..openapiv3::Response::default()
        };
        components
            .responses
            .insert(name.to_string(), ReferenceOr::Item(response));
    }
}

// Small typed builders for the schemas `wrap` produces (infallible, unlike parsing).

fn schema(kind: SchemaKind) -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: kind,
    }
}

fn described(mut s: Schema, description: String) -> Schema {
    s.schema_data.description = Some(description);
    s
}

fn object(required: &[&str], properties: Vec<(String, ReferenceOr<Schema>)>) -> Schema {
    schema(SchemaKind::Type(Type::Object(ObjectType {
        properties: properties.into_iter().map(|(k, v)| (k, boxed(v))).collect(),
        required: required.iter().map(|s| s.to_string()).collect(),
        ..ObjectType::default()
    })))
}

fn boxed(s: ReferenceOr<Schema>) -> ReferenceOr<Box<Schema>> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
        ReferenceOr::Item(s) => ReferenceOr::Item(Box::new(s)),
    }
}

fn unboxed(s: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
    }
}

fn array(items: ReferenceOr<Schema>, min: Option<usize>, max: Option<usize>) -> Schema {
    schema(SchemaKind::Type(Type::Array(ArrayType {
        items: Some(boxed(items)),
        min_items: min,
        max_items: max,
        unique_items: false,
    })))
}

fn string_const(value: &str) -> Schema {
    schema(SchemaKind::Type(Type::String(StringType {
        enumeration: vec![Some(value.to_string())],
        ..StringType::default()
    })))
}

/// A schema whose only value is `null` (OpenAPI 3.0 needs a `type` beside `nullable`).
fn always_null(description: &str) -> Schema {
    let mut s = schema(SchemaKind::Type(Type::String(StringType {
        enumeration: vec![None],
        ..StringType::default()
    })));
    s.schema_data.nullable = true;
    s.schema_data.description = Some(description.to_string());
    s
}

/// The item schema of an operation's success body: the list item for a list, else the body.
fn item_schema(shape: &OperationShape<'_>) -> Option<ReferenceOr<Schema>> {
    match (shape.list_item, shape.success_schema) {
        (Some(item), _) => Some(unboxed(item)),
        (None, Some(_)) if shape.is_list => Some(ReferenceOr::Item(schema(SchemaKind::Any(
            openapiv3::AnySchema::default(),
        )))),
        (None, body) => body.cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_are_unique_and_findable() {
        let mut seen = std::collections::BTreeSet::new();
        for style in STYLES {
            assert!(
                seen.insert(style.name()),
                "duplicate style {}",
                style.name()
            );
            assert_eq!(find(style.name()).map(|s| s.name()), Some(style.name()));
            assert!(!style.summary().is_empty());
        }
        assert_eq!(names(), "enveloped, plain, result");
        assert!(find("soap").is_none());
    }

    #[test]
    fn every_style_has_parseable_components_for_its_statuses() {
        for style in STYLES {
            let c = style.components();
            assert!(
                c.schemas.contains_key(style.error_schema()),
                "{}",
                style.name()
            );
            for status in style.statuses() {
                let name = error_response_name(*status).unwrap_or("?");
                assert!(
                    c.responses.contains_key(name),
                    "{} lacks response {name}",
                    style.name()
                );
            }
            for p in style.pagination() {
                assert!(
                    c.parameters.contains_key(p.component),
                    "{} {}",
                    style.name(),
                    p.component
                );
            }
            for h in style.list_headers().iter().chain(style.error_headers()) {
                assert!(c.headers.contains_key(*h), "{} {h}", style.name());
            }
            for h in ["Retry-After", "Allow"] {
                assert!(c.headers.contains_key(h), "{} {h}", style.name());
            }
        }
    }

    #[test]
    fn resolve_prefers_cli_then_extension_then_errors() {
        let mut spec: OpenAPI =
            serde_yaml::from_str("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
                .expect("parses");
        let missing = resolve(None, &spec).err().map(|d| d.code);
        assert_eq!(missing.as_deref(), Some("style/missing"));
        spec.extensions
            .insert(STYLE_EXTENSION.into(), serde_json::json!("plain"));
        assert_eq!(resolve(None, &spec).map(|s| s.name()).ok(), Some("plain"));
        assert_eq!(
            resolve(Some("result"), &spec).map(|s| s.name()).ok(),
            Some("result")
        );
        let unknown = resolve(Some("xml"), &spec).err();
        assert!(unknown.is_some_and(|d| d
            .help
            .unwrap_or_default()
            .contains("enveloped, plain, result")));
        spec.extensions
            .insert(STYLE_EXTENSION.into(), serde_json::json!(3));
        assert_eq!(
            resolve(None, &spec).err().map(|d| d.code).as_deref(),
            Some("style/unknown")
        );
    }

    /// The error examples in each style's components match the style's error body shape.
    #[test]
    fn error_response_examples_follow_the_style() {
        let body_keys = |name: &str| -> Vec<&'static str> {
            match name {
                "enveloped" => vec!["meta", "data", "error", "links"],
                "plain" => vec!["kind", "message"],
                _ => vec!["result"],
            }
        };
        for style in STYLES {
            let c = style.components();
            for status in style.statuses() {
                let name = error_response_name(*status).expect("named");
                let response = c.responses[name].as_item().expect("inline response");
                let example = response.content["application/json"]
                    .example
                    .as_ref()
                    .expect("example");
                for key in body_keys(style.name()) {
                    assert!(
                        example.get(key).is_some(),
                        "{} {name} lacks {key}",
                        style.name()
                    );
                }
                let headers: Vec<&str> = response.headers.keys().map(String::as_str).collect();
                match status {
                    405 => assert!(headers.contains(&"Allow")),
                    429 => assert!(headers.contains(&"Retry-After")),
                    _ => {}
                }
            }
        }
    }
}
