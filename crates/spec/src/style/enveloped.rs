//! `enveloped`: every body is `{meta, data, error, links}` (seed `000`).

use super::kit::fill;
use super::{
    add_error_responses, always_null, array, described, item_schema, object, parse_components,
    Body, ErrorCase, NamedSchema, PaginationParameter, Refs, ResourceNames, SharedHeaders, Style,
    Wrap,
};
use crate::shape::OperationShape;
use apigen_runtime::enveloped as wire;
use openapiv3::{Components, ObjectType, ReferenceOr, Schema, SchemaKind, Type};

/// The `enveloped` style.
#[derive(Debug, Clone, Copy)]
pub struct Enveloped;

const STATUSES: &[u16] = &[400, 401, 402, 403, 404, 405, 413, 429, 500, 503];

const COMPONENTS: &str = r##"
components:
  schemas:
    Meta:
      type: object
      description: Facts about the request and the body, present in every enveloped body.
      required: [request_id, version, type]
      properties:
        request_id:
          type: string
          description: The request's id, from the incoming `X-Request-Id` header when present, else generated; also sent in the `X-Request-Id` response header.
          example: req_01
        org_id:
          type: string
          description: The organisation the request acted for, when the service has one.
          example: org_7
        project_id:
          type: string
          description: The project the request acted in, when the service has one.
          example: prj_3
        version:
          type: string
          description: The API version (the spec's `info.version` unless the handler sets it).
          example: "2025-01-01"
        type:
          type: string
          description: What `data` holds.
          enum: [object, list, error]
          example: object
    ObjectMeta:
      type: object
      description: The `meta` of a body whose `data` is one object.
      required: [request_id, version, type]
      properties:
        request_id:
          type: string
          description: The request's id (see `Meta`).
          example: req_01
        org_id:
          type: string
          description: The organisation the request acted for, when the service has one.
        project_id:
          type: string
          description: The project the request acted in, when the service has one.
        version:
          type: string
          description: The API version.
          example: "2025-01-01"
        type:
          type: string
          enum: [object]
    ListMeta:
      type: object
      description: The `meta` of a body whose `data` is a page of a list.
      required: [request_id, version, type, limit, page]
      properties:
        request_id:
          type: string
          description: The request's id (see `Meta`).
          example: req_01
        org_id:
          type: string
          description: The organisation the request acted for, when the service has one.
        project_id:
          type: string
          description: The project the request acted in, when the service has one.
        version:
          type: string
          description: The API version.
          example: "2025-01-01"
        type:
          type: string
          enum: [list]
        limit:
          type: integer
          minimum: 1
          maximum: {{MAX_LIMIT}}
          description: The page size applied.
          example: 20
        page:
          type: integer
          minimum: 1
          description: The 1-based page number; a page past the end is an empty list.
          example: 1
        total:
          type: integer
          minimum: 0
          description: How many items there are in all, when known.
          example: 5
        pages:
          type: integer
          minimum: 0
          description: How many pages there are in all, when the total is known.
          example: 1
    ErrorMeta:
      type: object
      description: The `meta` of an error body.
      required: [request_id, version, type]
      properties:
        request_id:
          type: string
          description: The request's id (see `Meta`).
          example: req_01
        org_id:
          type: string
          description: The organisation the request acted for, when the service has one.
        project_id:
          type: string
          description: The project the request acted in, when the service has one.
        version:
          type: string
          description: The API version.
          example: "2025-01-01"
        type:
          type: string
          enum: [error]
    Links:
      type: object
      description: Links of a body about one object (or of an error body). Every key is a possible one (the seed's word), so a client accepts a body without any of them.
      properties:
        self:
          type: string
          description: The resource's own URL (for a create, the new resource's, the same as `Location`); in an error body, the request's path and query as received. Absolute when the server knows its base URL.
          example: /widgets/wdg_1
        parent:
          type: string
          description: The collection the object belongs to, when the path has one.
          example: /widgets
    ListLinks:
      type: object
      description: Links of a page of a list; `prev` is null on the first page and `next` on the last. Every key is a possible one (the seed's word), so a client accepts a body without any of them.
      properties:
        self:
          type: string
          description: The request's path and query as received.
          example: /widgets?limit=2&page=1
        first:
          type: string
          description: The first page.
          example: /widgets?limit=2&page=1
        prev:
          type: string
          nullable: true
          description: The previous page; null on the first page.
          example: null
        next:
          type: string
          nullable: true
          description: The next page; null on the last page.
          example: /widgets?limit=2&page=2
        last:
          type: string
          description: The last page, when the total is known.
          example: /widgets?limit=2&page=3
    Error:
      type: object
      description: What went wrong.
      required: [message]
      properties:
        message:
          type: string
          description: A sentence for people.
          example: no widget with id `wdg_9`
        kind:
          type: string
          description: "A snake_case code for programs: `request_invalid`, `token_missing`, `token_invalid`, `payment_required`, `forbidden`, `not_found` (or `<resource>_not_found`), `method_not_allowed`, `payload_too_large`, `rate_limited`, `internal_error`, `service_unavailable`."
          example: not_found
    ErrorEnvelope:
      type: object
      description: Every enveloped error body; `data` is null and `error` says what went wrong.
      required: [meta, data, error, links]
      properties:
        meta:
          $ref: "#/components/schemas/ErrorMeta"
        data:
          type: object
          description: Always null in an error body.
          nullable: true
          maxProperties: 0
        error:
          $ref: "#/components/schemas/Error"
        links:
          $ref: "#/components/schemas/Links"
  parameters:
    Page:
      name: {{PAGE_PARAM}}
      in: query
      required: false
      description: The 1-based page to return; a page past the end is an empty list.
      schema:
        type: integer
        minimum: 1
        default: 1
      example: 1
    Limit:
      name: {{LIMIT_PARAM}}
      in: query
      required: false
      description: How many items a page holds.
      schema:
        type: integer
        minimum: 1
        maximum: {{MAX_LIMIT}}
        default: {{DEFAULT_LIMIT}}
      example: {{DEFAULT_LIMIT}}
  headers:
    X-Request-Id:
      description: The request's id (echoed from the request's `X-Request-Id`, else generated); the same as `meta.request_id`.
      required: true
      schema:
        type: string
      example: req_01
"##;

impl Style for Enveloped {
    fn name(&self) -> &'static str {
        "enveloped"
    }

    fn summary(&self) -> &'static str {
        "every body is {meta, data, error, links}; page/limit pagination; X-Request-Id echoed"
    }

    fn components(&self) -> Components {
        let facts = [
            ("PAGE_PARAM", wire::PAGE_PARAM.to_string()),
            ("LIMIT_PARAM", wire::LIMIT_PARAM.to_string()),
            ("MAX_LIMIT", wire::MAX_LIMIT.to_string()),
            ("DEFAULT_LIMIT", wire::DEFAULT_LIMIT.to_string()),
        ];
        let yaml = fill(COMPONENTS, &facts);
        let mut c = parse_components(self.name(), &yaml, SharedHeaders::WithLocation);
        add_error_responses(
            &mut c,
            STATUSES,
            "ErrorEnvelope",
            &["X-Request-Id"],
            example,
        );
        c
    }

    fn pagination(&self) -> &'static [PaginationParameter] {
        &[
            PaginationParameter {
                component: "Page",
                name: wire::PAGE_PARAM,
            },
            PaginationParameter {
                component: "Limit",
                name: wire::LIMIT_PARAM,
            },
        ]
    }

    fn list_headers(&self) -> &'static [&'static str] {
        &["X-Request-Id"]
    }

    fn error_headers(&self) -> &'static [&'static str] {
        &["X-Request-Id"]
    }

    fn error_schema(&self) -> &'static str {
        "ErrorEnvelope"
    }

    fn statuses(&self) -> &'static [u16] {
        STATUSES
    }

    /// Every success travels in an envelope: one object, a page of a list, or (for a
    /// success the source declares without content) `data: null` under `200` where the
    /// source said `204`, since every response carries the envelope. A create answers `201`
    /// with `Location`, whatever status the source wrote (`lint/create-status` says so).
    fn wrap(&self, shape: &OperationShape<'_>, names: &ResourceNames, refs: &Refs) -> Wrap {
        let mut headers = vec!["X-Request-Id"];
        let status = if creates(shape) {
            headers.push("Location");
            wire::CREATE_STATUS
        } else if shape.success_status == 204 {
            200
        } else {
            shape.success_status
        };
        let error = (
            "error".to_string(),
            ReferenceOr::Item(null_only("Always null in a success body.")),
        );
        let body = match item_schema(shape) {
            Some(item) => {
                let (meta, data, links, suffix, what) = if shape.is_list {
                    (
                        "ListMeta",
                        ReferenceOr::Item(array(item, None, None)),
                        "ListLinks",
                        "ListEnvelope",
                        "a page of",
                    )
                } else {
                    ("ObjectMeta", item, "Links", "Envelope", "one")
                };
                let schema = object(
                    &["meta", "data", "error", "links"],
                    vec![
                        ("meta".into(), refs.schema(meta)),
                        ("data".into(), data),
                        error,
                        ("links".into(), refs.schema(links)),
                    ],
                );
                NamedSchema {
                    names: vec![
                        format!("{}{suffix}", names.item),
                        format!("{}{}{suffix}", names.operation, names.item),
                    ],
                    schema: described(
                        schema,
                        format!("The enveloped body of {what} `{}`.", names.item),
                    ),
                }
            }
            // The same schema for every such operation, so one component serves them all.
            None => NamedSchema {
                names: vec!["EmptyEnvelope".to_string()],
                schema: described(
                    object(
                        &["meta", "data", "error", "links"],
                        vec![
                            ("meta".into(), refs.schema("ObjectMeta")),
                            (
                                "data".into(),
                                ReferenceOr::Item(null_only(
                                    "Always null: this success carries no resource.",
                                )),
                            ),
                            error,
                            ("links".into(), refs.schema("Links")),
                        ],
                    ),
                    "The enveloped body of a success without a resource (a delete): `data` is null.".to_string(),
                ),
            },
        };
        Wrap {
            status,
            body: Body::Named(Box::new(body)),
            headers,
            request: None,
        }
    }
}

/// A create in the sense of the wire contract: a `POST` to a collection that answers the
/// created resource (not a `202`, not a list).
pub(crate) fn creates(shape: &OperationShape<'_>) -> bool {
    shape.is_create && !shape.accepted && !shape.is_list && shape.success_schema.is_some()
}

/// A property that is always null, in a form other generators read: `type: object,
/// nullable: true, maxProperties: 0` (null, or an object with nothing in it). The
/// `type: string, nullable: true, enum: [null]` form that [`always_null`] builds is exact,
/// but openapi-generator's `typescript-fetch` cannot generate a model holding it and its
/// `python` generator logs errors; `nullable` without a `type` has no effect in OpenAPI
/// 3.0.3 (Redocly flags it). `scripts/wire-clients.sh` generates both clients.
fn null_only(description: &str) -> Schema {
    let mut s = always_null(description);
    s.schema_kind = SchemaKind::Type(Type::Object(ObjectType {
        max_properties: Some(0),
        ..ObjectType::default()
    }));
    s
}

fn example(case: &ErrorCase) -> serde_json::Value {
    serde_json::json!({
        "meta": {"request_id": "req_01", "version": "2025-01-01", "type": "error"},
        "data": null,
        "error": {"kind": case.kind(), "message": case.message},
        "links": {"self": "/widgets/wdg_9"}
    })
}
