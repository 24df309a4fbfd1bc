//! `plain`: objects and arrays as they are, `{kind, message}` errors, cursor pagination
//! with `Link`/`Has-More`/`Limit` headers (seed `001`).

use super::enveloped::creates;
use super::kit::{fill, header_name, static_header_name};
use super::{
    add_error_responses, parse_components, Body, ErrorCase, PaginationParameter, Refs,
    ResourceNames, SharedHeaders, Style, Wrap,
};
use crate::shape::OperationShape;
use apigen_runtime::plain as wire;
use openapiv3::Components;

/// The `plain` style.
#[derive(Debug, Clone, Copy)]
pub struct Plain;

const STATUSES: &[u16] = &[400, 401, 402, 403, 404, 405, 413, 429, 500, 503];

/// The header every response carries.
const REQUEST_ID: &str = "X-Request-Id";

const COMPONENTS: &str = r##"
components:
  schemas:
    Error:
      type: object
      description: Every plain error body.
      required: [kind, message]
      properties:
        kind:
          type: string
          description: "A snake_case code for programs: `request_invalid`, `token_missing`, `token_invalid`, `payment_required`, `forbidden`, `not_found` (or `<resource>_not_found`), `method_not_allowed`, `payload_too_large`, `rate_limited`, `internal_error`, `service_unavailable`."
          pattern: "^[a-z][a-z0-9_]*$"
          example: not_found
        message:
          type: string
          description: A sentence for people.
          example: no widget with id `wdg_9`
  parameters:
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
    After:
      name: {{AFTER_PARAM}}
      in: query
      required: false
      description: Return the items after the item with this id (the `Link` header's `rel="next"` sets it).
      schema:
        type: string
      example: wdg_2
    Before:
      name: {{BEFORE_PARAM}}
      in: query
      required: false
      description: Return the items before the item with this id (the `Link` header's `rel="prev"` sets it).
      schema:
        type: string
      example: wdg_3
    Order:
      name: {{ORDER_PARAM}}
      in: query
      required: false
      description: The order of the items.
      schema:
        type: string
        enum: [asc, desc]
        default: desc
      example: desc
  headers:
    X-Request-Id:
      description: The request's id, echoed from the request's `X-Request-Id` when it sent one, else generated.
      required: true
      schema:
        type: string
      example: req_01
    Link:
      description: 'RFC 8288 links: `rel="next"` when there are more results, `rel="prev"` when the request had a cursor; absent when there is neither.'
      required: false
      schema:
        type: string
      example: '</widgets?limit=2&after=wdg_2>; rel="next"'
    {{HAS_MORE_HEADER}}:
      description: Whether there are more results after this page.
      required: true
      schema:
        type: string
        enum: ["true", "false"]
      example: "true"
    {{LIMIT_HEADER}}:
      description: The page size applied.
      required: true
      schema:
        type: integer
        minimum: 1
        maximum: {{MAX_LIMIT}}
      example: {{DEFAULT_LIMIT}}
"##;

impl Style for Plain {
    fn name(&self) -> &'static str {
        "plain"
    }

    fn summary(&self) -> &'static str {
        "objects and arrays as they are; {kind, message} errors; cursor pagination with Link/Has-More/Limit headers"
    }

    fn components(&self) -> Components {
        let facts = [
            ("LIMIT_PARAM", wire::LIMIT_PARAM.to_string()),
            ("AFTER_PARAM", wire::AFTER_PARAM.to_string()),
            ("BEFORE_PARAM", wire::BEFORE_PARAM.to_string()),
            ("ORDER_PARAM", wire::ORDER_PARAM.to_string()),
            ("MAX_LIMIT", wire::MAX_LIMIT.to_string()),
            ("DEFAULT_LIMIT", wire::DEFAULT_LIMIT.to_string()),
            ("HAS_MORE_HEADER", header_name(wire::HAS_MORE_HEADER)),
            ("LIMIT_HEADER", header_name(wire::LIMIT_HEADER)),
        ];
        let yaml = fill(COMPONENTS, &facts);
        let mut c = parse_components(self.name(), &yaml, SharedHeaders::WithLocation);
        add_error_responses(&mut c, STATUSES, "Error", &[REQUEST_ID], example);
        c
    }

    fn pagination(&self) -> &'static [PaginationParameter] {
        &[
            PaginationParameter {
                component: "Limit",
                name: wire::LIMIT_PARAM,
            },
            PaginationParameter {
                component: "After",
                name: wire::AFTER_PARAM,
            },
            PaginationParameter {
                component: "Before",
                name: wire::BEFORE_PARAM,
            },
            PaginationParameter {
                component: "Order",
                name: wire::ORDER_PARAM,
            },
        ]
    }

    fn list_headers(&self) -> &'static [&'static str] {
        static HEADERS: std::sync::LazyLock<[&'static str; 3]> = std::sync::LazyLock::new(|| {
            [
                "Link",
                static_header_name(wire::HAS_MORE_HEADER),
                static_header_name(wire::LIMIT_HEADER),
            ]
        });
        &*HEADERS
    }

    fn error_headers(&self) -> &'static [&'static str] {
        &[REQUEST_ID]
    }

    fn error_schema(&self) -> &'static str {
        "Error"
    }

    fn statuses(&self) -> &'static [u16] {
        STATUSES
    }

    /// Bodies travel as they are; a create answers `201` with `Location`, whatever status
    /// the source wrote (`lint/create-status` says so).
    fn wrap(&self, shape: &OperationShape<'_>, _names: &ResourceNames, _refs: &Refs) -> Wrap {
        let mut headers = vec![REQUEST_ID];
        if shape.is_list && shape.method == "get" {
            headers.extend(self.list_headers());
        }
        let status = if creates(shape) {
            headers.push("Location");
            wire::CREATE_STATUS
        } else {
            shape.success_status
        };
        Wrap {
            status,
            body: Body::Keep,
            headers,
            request: None,
        }
    }
}

fn example(case: &ErrorCase) -> serde_json::Value {
    serde_json::json!({"kind": case.kind(), "message": case.message})
}
