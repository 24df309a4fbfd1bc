//! The shared component kit: what the styles build their components and wrappers from
//! (the embedded components parser, the headers every style documents the same way, the
//! error responses made from the error table, and small typed schema builders).

use super::errors::{error_case, error_response_name, ErrorCase};
use super::Refs;
use crate::shape::OperationShape;
use indexmap::IndexMap;
use openapiv3::{
    ArrayType, Components, Header, ObjectType, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringType, Type,
};

/// Parses a style's embedded components document (a compile-time constant whose
/// validity `tests::every_style_has_parseable_components` guards).
pub(super) fn parse_components(name: &str, yaml: &str, shared: SharedHeaders) -> Components {
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
pub(super) enum SharedHeaders {
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

/// Adds a reusable error response for each of `statuses` to `components`: the body is
/// `components/schemas/<body_schema>` with the example `example(case)`, and the response
/// carries `headers` plus `Allow` on 405 and `Retry-After` on 429.
pub(super) fn add_error_responses(
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

pub(super) fn schema(kind: SchemaKind) -> Schema {
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: kind,
    }
}

pub(super) fn described(mut s: Schema, description: String) -> Schema {
    s.schema_data.description = Some(description);
    s
}

pub(super) fn object(required: &[&str], properties: Vec<(String, ReferenceOr<Schema>)>) -> Schema {
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

pub(super) fn array(items: ReferenceOr<Schema>, min: Option<usize>, max: Option<usize>) -> Schema {
    schema(SchemaKind::Type(Type::Array(ArrayType {
        items: Some(boxed(items)),
        min_items: min,
        max_items: max,
        unique_items: false,
    })))
}

pub(super) fn string_const(value: &str) -> Schema {
    schema(SchemaKind::Type(Type::String(StringType {
        enumeration: vec![Some(value.to_string())],
        ..StringType::default()
    })))
}

/// A schema whose only value is `null` (OpenAPI 3.0 needs a `type` beside `nullable`).
pub(super) fn always_null(description: &str) -> Schema {
    let mut s = schema(SchemaKind::Type(Type::String(StringType {
        enumeration: vec![None],
        ..StringType::default()
    })));
    s.schema_data.nullable = true;
    s.schema_data.description = Some(description.to_string());
    s
}

/// The item schema of an operation's success body: the list item for a list, else the body.
pub(super) fn item_schema(shape: &OperationShape<'_>) -> Option<ReferenceOr<Schema>> {
    match (shape.list_item, shape.success_schema) {
        (Some(item), _) => Some(unboxed(item)),
        (None, Some(_)) if shape.is_list => Some(ReferenceOr::Item(schema(SchemaKind::Any(
            openapiv3::AnySchema::default(),
        )))),
        (None, body) => body.cloned(),
    }
}

/// `yaml` with each `{{NAME}}` of `facts` replaced by its value: a style's components text
/// takes its wire facts (parameter names, limits, header names) from the runtime's style
/// module, where they are written once.
pub(super) fn fill(yaml: &str, facts: &[(&str, String)]) -> String {
    let mut text = yaml.to_string();
    for (name, value) in facts {
        text = text.replace(&format!("{{{{{name}}}}}"), value);
    }
    assert!(
        !text.contains("{{"),
        "a style's components name a fact that is not filled in"
    );
    text
}

/// A header name as the specs write it (`Has-More`) from the runtime's (`has-more`).
pub(super) fn header_name(name: &str) -> String {
    heck::ToTrainCase::to_train_case(name)
}

/// [`header_name`] for a list that lives as long as the program (made once per style).
pub(super) fn static_header_name(name: &str) -> &'static str {
    Box::leak(header_name(name).into_boxed_str())
}
