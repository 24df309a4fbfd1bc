//! What kind of operation each operation is, as every stage (apply, lint, gen) sees it.
//!
//! [`operations`] walks a spec's paths once and answers the questions the styles ask of
//! an operation: which status means success and what it carries, whether it is a list,
//! which collection key it travels under, whether it creates, whether it is secured.
//! The answers follow `DIALECTS.md` ("list operation", "collection key") so that apply,
//! lint and the generator never disagree about an operation's shape.

use crate::pointer::JsonPointer;
use crate::reference::follow;
use indexmap::IndexMap;
use openapiv3::{
    OpenAPI, Operation, PathItem, ReferenceOr, RequestBody, Response, Schema, SchemaKind,
    StatusCode, Type,
};

/// The extension (on an operation or a path item) that names the collection key.
pub const COLLECTION_EXTENSION: &str = "x-apigen-collection";

/// What kind of operation this is, as every stage (apply, lint, gen) sees it.
#[derive(Debug, Clone)]
pub struct OperationShape<'a> {
    /// The path template, e.g. `/widgets/{widget_id}`.
    pub path: &'a str,
    /// The lowercase HTTP method: `get`, `post`, `put`, `patch`, `delete`, ...
    pub method: &'static str,
    /// The JSON pointer of the operation, e.g. `#/paths/~1widgets~1{widget_id}/get`.
    pub pointer: JsonPointer,
    /// The operation itself.
    pub operation: &'a Operation,
    /// The path item the operation belongs to (for path-level parameters and extensions).
    pub path_item: &'a PathItem,
    /// The lowest declared 2xx status (200 when only `2XX` or `default` is declared).
    pub success_status: u16,
    /// The JSON body schema of that success response; `None` means no content.
    pub success_schema: Option<&'a ReferenceOr<Schema>>,
    /// The item schema when the success schema is an array (after `$ref` resolution).
    pub list_item: Option<&'a ReferenceOr<Box<Schema>>>,
    /// Whether the success schema is an array (a list operation).
    pub is_list: bool,
    /// `x-apigen-collection` on the operation or path item, else the last literal path
    /// segment (`/widgets/{id}/parts` → `parts`); `items` for a path with no literal segment.
    pub collection_key: String,
    /// Whether the path ends in a `{parameter}` segment.
    pub addresses_item: bool,
    /// The parent collection: the path with its last segment removed when what remains
    /// ends in a literal segment (`/widgets/{widget_id}` → `/widgets`,
    /// `/files/{file_id}/tasks/{task_id}` → `/files/{file_id}/tasks`); `None` for
    /// `/widgets` and for `/files/{file_id}/tasks` (whose parent is an item, not a collection).
    pub parent_path: Option<String>,
    /// A `POST` to a path that does not address an item (and does not answer events).
    pub is_create: bool,
    /// The success response is a stream of server-sent events (`text/event-stream`, and no
    /// JSON alternative).
    pub streams_events: bool,
    /// The success status is 202.
    pub accepted: bool,
    /// The operation has a JSON request body.
    pub has_body: bool,
    /// The schema of that JSON request body, when it has one.
    pub request_schema: Option<&'a ReferenceOr<Schema>>,
    /// The effective security (the operation's, else the root's) requires something:
    /// at least one requirement is listed and none of the alternatives is empty (`{}`).
    pub secured: bool,
}

/// Every operation of `spec`, sorted by path, then method.
///
/// Path items that are `$ref`s (which the loader bundles away) are skipped.
pub fn operations(spec: &OpenAPI) -> Vec<OperationShape<'_>> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(path_item) = item else {
            continue;
        };
        for (method, operation) in methods(path_item) {
            out.push(shape_of(spec, path, method, path_item, operation));
        }
    }
    out.sort_by(|a, b| a.path.cmp(b.path).then(a.method.cmp(b.method)));
    out
}

/// The operations of a path item with their lowercase method names.
pub fn methods(item: &PathItem) -> Vec<(&'static str, &Operation)> {
    [
        ("get", item.get.as_ref()),
        ("put", item.put.as_ref()),
        ("post", item.post.as_ref()),
        ("delete", item.delete.as_ref()),
        ("options", item.options.as_ref()),
        ("head", item.head.as_ref()),
        ("patch", item.patch.as_ref()),
        ("trace", item.trace.as_ref()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

fn shape_of<'a>(
    spec: &'a OpenAPI,
    path: &'a str,
    method: &'static str,
    path_item: &'a PathItem,
    operation: &'a Operation,
) -> OperationShape<'a> {
    let pointer = JsonPointer::from_tokens(["paths", path, method]);
    let (success_status, success_response) = success_response(spec, operation);
    let success_schema = success_response.and_then(|r| json_schema(&r.content));
    let streams_events = success_schema.is_none()
        && success_response.is_some_and(|r| r.content.keys().any(|m| is_event_stream(m)));
    let array_items = list_items(spec, success_schema);
    let is_list = array_items.is_some();
    let list_item = array_items.flatten();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let addresses_item = segments.last().is_some_and(|s| is_parameter(s));
    let collection_key = extension_str(&operation.extensions)
        .or_else(|| extension_str(&path_item.extensions))
        .map(str::to_string)
        .or_else(|| {
            segments
                .iter()
                .rev()
                .find(|s| !is_parameter(s))
                .map(|s| s.to_string())
        })
        .unwrap_or_else(|| "items".to_string());
    let parent_path = match segments.split_last() {
        Some((_, rest)) if rest.last().is_some_and(|s| !is_parameter(s)) => {
            Some(format!("/{}", rest.join("/")))
        }
        _ => None,
    };
    let request_body = operation
        .request_body
        .as_ref()
        .and_then(|b| resolve_request_body(spec, b));
    let has_body = request_body.is_some_and(|b| b.content.keys().any(|m| is_json(m)));
    let request_schema = request_body.and_then(|b| json_schema(&b.content));
    let security = operation.security.as_ref().or(spec.security.as_ref());
    let secured =
        security.is_some_and(|reqs| !reqs.is_empty() && reqs.iter().all(|r| !r.is_empty()));
    OperationShape {
        path,
        method,
        pointer,
        operation,
        path_item,
        success_status,
        success_schema,
        list_item,
        is_list,
        collection_key,
        addresses_item,
        parent_path,
        is_create: method == "post" && !addresses_item && !streams_events,
        streams_events,
        accepted: success_status == 202,
        has_body,
        request_schema,
        secured,
    }
}

impl<'a> OperationShape<'a> {
    /// The operation as it answers each of its other declared 2xx statuses (besides
    /// [`OperationShape::success_status`]), in ascending order: the same shape with that
    /// status, its body schema and whether that body is a list.
    pub fn alternatives(&self, spec: &'a OpenAPI) -> Vec<OperationShape<'a>> {
        let mut codes: Vec<(u16, &'a ReferenceOr<Response>)> = self
            .operation
            .responses
            .responses
            .iter()
            .filter_map(|(code, r)| match code {
                StatusCode::Code(c) if (200..300).contains(c) && *c != self.success_status => {
                    Some((*c, r))
                }
                _ => None,
            })
            .collect();
        codes.sort_by_key(|(c, _)| *c);
        codes
            .into_iter()
            .map(|(code, response)| {
                let schema = resolve_response(spec, response).and_then(|r| json_schema(&r.content));
                let items = list_items(spec, schema);
                OperationShape {
                    success_status: code,
                    success_schema: schema,
                    list_item: items.flatten(),
                    is_list: items.is_some(),
                    accepted: code == 202,
                    ..self.clone()
                }
            })
            .collect()
    }
}

/// The item schema of a success schema that is an array (`Some(None)`: an array without
/// `items`); `None` when it is not an array.
fn list_items<'a>(
    spec: &'a OpenAPI,
    schema: Option<&'a ReferenceOr<Schema>>,
) -> Option<Option<&'a ReferenceOr<Box<Schema>>>> {
    schema
        .and_then(|s| resolve_schema(spec, s))
        .and_then(|s| match &s.schema_kind {
            SchemaKind::Type(Type::Array(array)) => Some(array.items.as_ref()),
            _ => None,
        })
}

/// The success status and its response: the lowest declared 2xx code, else `2XX`,
/// else `default` (both answered as 200).
pub(crate) fn success_response<'a>(
    spec: &'a OpenAPI,
    op: &'a Operation,
) -> (u16, Option<&'a Response>) {
    let lowest = op
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(c) if (200..300).contains(c) => Some((*c, r)),
            _ => None,
        })
        .min_by_key(|(c, _)| *c);
    if let Some((code, r)) = lowest {
        return (code, resolve_response(spec, r));
    }
    let range = op
        .responses
        .responses
        .iter()
        .find(|(code, _)| matches!(code, StatusCode::Range(2)))
        .map(|(_, r)| r)
        .or(op.responses.default.as_ref());
    (200, range.and_then(|r| resolve_response(spec, r)))
}

/// The schema of the JSON media type in `content` (`application/json`, or any `…+json`).
pub fn json_schema(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<&ReferenceOr<Schema>> {
    content
        .get("application/json")
        .or_else(|| {
            content
                .iter()
                .find(|(m, _)| is_json(m))
                .map(|(_, media)| media)
        })
        .and_then(|media| media.schema.as_ref())
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`, ...).
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or(media_type)
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Whether a media type is `text/event-stream` (server-sent events).
pub fn is_event_stream(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .unwrap_or(media_type)
        .trim()
        .eq_ignore_ascii_case("text/event-stream")
}

fn is_parameter(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

fn extension_str(extensions: &indexmap::IndexMap<String, serde_json::Value>) -> Option<&str> {
    extensions
        .get(COLLECTION_EXTENSION)
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
}

/// The name of a local component reference of the given kind:
/// `#/components/schemas/Widget` → `Widget` for kind `schemas`.
pub fn component_name<'r>(reference: &'r str, kind: &str) -> Option<&'r str> {
    reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(kind))
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|name| !name.contains('/'))
}

/// Follows local `#/components/schemas/…` references to a schema; `None` when a
/// reference dangles, is not local, or the chain does not end.
pub fn resolve_schema<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Option<&'a Schema> {
    follow_components(spec, schema, "schemas", |c| &c.schemas)
}

/// [`resolve_schema`] for the boxed references used by properties and array items.
pub fn resolve_boxed_schema<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Box<Schema>>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => {
            let target = JsonPointer::from_ref(reference)?;
            let schemas = |c: &'a openapiv3::Components| &c.schemas;
            resolve_schema(spec, component(spec, &target, "schemas", schemas)?)
        }
    }
}

/// Follows local `#/components/responses/…` references to a response.
pub fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
) -> Option<&'a Response> {
    follow_components(spec, response, "responses", |c| &c.responses)
}

/// Follows local `#/components/requestBodies/…` references to a request body.
pub fn resolve_request_body<'a>(
    spec: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
) -> Option<&'a RequestBody> {
    follow_components(spec, body, "requestBodies", |c| &c.request_bodies)
}

/// Follows references to `components/<kind>` (the map `map` picks) with the one resolver.
fn follow_components<'a, T>(
    spec: &'a OpenAPI,
    start: &'a ReferenceOr<T>,
    kind: &str,
    map: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
) -> Option<&'a T> {
    let reference = |r: &'a ReferenceOr<T>| match r {
        ReferenceOr::Reference { reference } => Some(reference.as_str()),
        ReferenceOr::Item(_) => None,
    };
    let lookup = |p: &JsonPointer| component(spec, p, kind, &map);
    match follow(start, reference, lookup).ok()?.0 {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The component a pointer `#/components/<kind>/<name>` names.
fn component<'a, T>(
    spec: &'a OpenAPI,
    pointer: &JsonPointer,
    kind: &str,
    map: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
) -> Option<&'a ReferenceOr<T>> {
    let mut tokens = pointer.tokens();
    let (Some(components), Some(section), Some(name), None) =
        (tokens.next(), tokens.next(), tokens.next(), tokens.next())
    else {
        return None;
    };
    if components != "components" || section != kind {
        return None;
    }
    spec.components.as_ref().map(map)?.get(name.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDGETS: &str = include_str!("../../../specs/examples/widgets.yaml");

    fn parse(text: &str) -> OpenAPI {
        serde_yaml::from_str(text).expect("test spec parses")
    }

    fn find<'a>(
        shapes: &'a [OperationShape<'a>],
        path: &str,
        method: &str,
    ) -> &'a OperationShape<'a> {
        shapes
            .iter()
            .find(|s| s.path == path && s.method == method)
            .expect("operation present")
    }

    #[test]
    fn widgets_operations_are_sorted_and_classified() {
        let spec = parse(WIDGETS);
        let shapes = operations(&spec);
        let order: Vec<(&str, &str)> = shapes.iter().map(|s| (s.path, s.method)).collect();
        assert_eq!(
            order,
            [
                ("/widgets", "get"),
                ("/widgets", "post"),
                ("/widgets/{widget_id}", "delete"),
                ("/widgets/{widget_id}", "get"),
                ("/widgets/{widget_id}", "patch"),
                ("/widgets/{widget_id}", "put"),
            ]
        );

        // The upsert answers `200`, or `201` with the same body: its alternative.
        let put = find(&shapes, "/widgets/{widget_id}", "put");
        assert_eq!(put.success_status, 200);
        let alternatives = put.alternatives(&spec);
        assert_eq!(alternatives.len(), 1);
        assert_eq!(alternatives[0].success_status, 201);
        assert!(alternatives[0].success_schema.is_some() && !alternatives[0].is_list);
        assert!(!alternatives[0].accepted && !alternatives[0].is_create);
        assert!(find(&shapes, "/widgets", "get")
            .alternatives(&spec)
            .is_empty());

        let list = find(&shapes, "/widgets", "get");
        assert!(list.is_list);
        assert!(
            matches!(list.list_item, Some(ReferenceOr::Reference { reference }) if reference == "#/components/schemas/Widget")
        );
        assert_eq!(list.success_status, 200);
        assert_eq!(list.collection_key, "widgets");
        assert!(!list.addresses_item);
        assert_eq!(list.parent_path, None);
        assert!(!list.is_create && !list.has_body && list.secured);
        assert_eq!(list.pointer, "#/paths/~1widgets/get");

        let create = find(&shapes, "/widgets", "post");
        assert!(create.is_create && create.has_body && !create.is_list);
        assert_eq!(create.success_status, 201);
        assert!(create.success_schema.is_some());
        assert!(create.list_item.is_none());

        let get = find(&shapes, "/widgets/{widget_id}", "get");
        assert!(get.addresses_item && !get.is_list && !get.is_create);
        assert_eq!(get.parent_path.as_deref(), Some("/widgets"));
        assert_eq!(get.collection_key, "widgets");
        assert_eq!(get.pointer, "#/paths/~1widgets~1{widget_id}/get");

        let update = find(&shapes, "/widgets/{widget_id}", "patch");
        assert!(update.has_body && !update.is_create && update.addresses_item);

        let delete = find(&shapes, "/widgets/{widget_id}", "delete");
        assert_eq!(delete.success_status, 204);
        assert!(delete.success_schema.is_none());
        assert!(!delete.is_list && !delete.has_body && !delete.accepted);
    }

    #[test]
    fn referenced_array_response_is_a_list() {
        let spec = parse(
            r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /parts:
    get:
      responses:
        "2XX":
          $ref: "#/components/responses/Parts"
components:
  responses:
    Parts:
      description: parts
      content:
        application/json:
          schema: {$ref: "#/components/schemas/PartList"}
  schemas:
    PartList:
      $ref: "#/components/schemas/PartArray"
    PartArray:
      type: array
      items: {$ref: "#/components/schemas/Part"}
    Part: {type: object}
"##,
        );
        let shapes = operations(&spec);
        let list = find(&shapes, "/parts", "get");
        assert_eq!(list.success_status, 200);
        assert!(list.is_list);
        assert!(
            matches!(list.list_item, Some(ReferenceOr::Reference { reference }) if reference == "#/components/schemas/Part")
        );
        assert!(!list.secured);
    }

    #[test]
    fn collection_extension_wins_on_operation_then_path_item() {
        let spec = parse(
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
security: [{}]
paths:
  /people/{person_id}:
    x-apigen-collection: users
    get:
      responses: {"200": {description: ok}}
    put:
      x-apigen-collection: members
      security: [{key: []}]
      responses: {"202": {description: accepted}}
"#,
        );
        let shapes = operations(&spec);
        let get = find(&shapes, "/people/{person_id}", "get");
        assert_eq!(get.collection_key, "users");
        assert!(!get.secured, "an empty requirement makes security optional");
        let put = find(&shapes, "/people/{person_id}", "put");
        assert_eq!(put.collection_key, "members");
        assert!(put.accepted && put.secured);
    }

    #[test]
    fn nested_collection_under_an_item() {
        let spec = parse(
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /files/{file_id}/tasks:
    post:
      requestBody:
        content:
          application/vnd.task+json:
            schema: {type: object}
      responses:
        "202":
          description: accepted
          content:
            application/json:
              schema: {type: object}
  /files/{file_id}/tasks/{task_id}:
    get:
      responses: {default: {description: ok}}
"#,
        );
        let shapes = operations(&spec);
        let create = find(&shapes, "/files/{file_id}/tasks", "post");
        assert_eq!(create.collection_key, "tasks");
        assert!(create.is_create && create.accepted && create.has_body);
        assert!(!create.addresses_item);
        assert_eq!(create.parent_path, None);
        let get = find(&shapes, "/files/{file_id}/tasks/{task_id}", "get");
        assert_eq!(get.collection_key, "tasks");
        assert_eq!(get.success_status, 200);
        assert_eq!(get.parent_path.as_deref(), Some("/files/{file_id}/tasks"));
        assert_eq!(
            get.pointer,
            "#/paths/~1files~1{file_id}~1tasks~1{task_id}/get"
        );
    }

    #[test]
    fn reference_cycles_and_dangling_refs_do_not_hang() {
        let spec = parse(
            r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /loop:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
  /dangling:
    get:
      requestBody: {$ref: "#/components/requestBodies/Nope"}
      responses:
        "200": {$ref: "#/components/responses/Nope"}
components:
  schemas:
    A: {$ref: "#/components/schemas/B"}
    B: {$ref: "#/components/schemas/A"}
"##,
        );
        let shapes = operations(&spec);
        let looped = find(&shapes, "/loop", "get");
        assert!(looped.success_schema.is_some() && !looped.is_list);
        let dangling = find(&shapes, "/dangling", "get");
        assert!(dangling.success_schema.is_none() && !dangling.has_body);
        assert_eq!(dangling.collection_key, "dangling");
    }
}
