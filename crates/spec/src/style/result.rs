//! `result`: every body has `result: success | failure | error`; items travel in a
//! collection keyed by the collection key, writes are atomic batches (seed `002`).

use super::kit::fill;
use super::{
    add_error_responses, array, common_error_statuses, described, item_schema, object,
    parse_components, string_const, Body, ErrorCase, NamedSchema, PaginationParameter, Refs,
    ResourceNames, SharedHeaders, Style, Wrap,
};
use crate::shape::OperationShape;
use apigen_runtime::result as wire;
use openapiv3::{Components, ReferenceOr, SchemaKind};

/// The `result` style.
#[derive(Debug, Clone, Copy)]
pub struct ResultStyle;

const STATUSES: &[u16] = &[400, 401, 402, 403, 404, 405, 413, 422, 429, 500, 503];

/// The header every response carries.
const REQUEST_ID: &str = "X-Request-Id";

const COMPONENTS: &str = r##"
components:
  schemas:
    Error:
      type: object
      description: One problem. `code` is the HTTP status unless the API defines its own codes.
      required: [type, code, message]
      properties:
        type:
          type: string
          description: "`syntax` for 400 (a request that cannot be understood: not JSON, a parameter that does not parse), `content` for a 422 whose request is understood but invalid (and for 413), `client` for 401/404/405/429, `permission` for 403, `system` for 5xx, `validation` for a problem with one item (with `field`)."
          enum: [system, client, syntax, content, permission, validation]
          example: client
        code:
          type: integer
          description: The HTTP status, unless the API defines its own codes. An integer of any size (no `format`), so a client decodes any integer.
          example: 404
        message:
          type: string
          description: A sentence for people.
          example: no widget with id `wdg_9`
        description:
          type: string
          description: More detail, when there is any.
          example: The widget may have been deleted.
        field:
          type: string
          description: The item's field the problem is about (validation problems).
          example: name
    ReadMetadata:
      type: object
      description: Paging facts of a read, all four present in every answer to a GET (a one-item read is page 1 of 1).
      required: [page, recordsPerPage, pagesCount, recordsCount]
      properties:
        page:
          type: integer
          minimum: 1
          description: The 1-based page number.
          example: 1
        recordsPerPage:
          type: integer
          minimum: 1
          description: The page size applied.
          example: 20
        pagesCount:
          type: integer
          minimum: 0
          description: How many pages there are.
          example: 3
        recordsCount:
          type: integer
          minimum: 0
          description: How many records there are.
          example: 5
    WriteMetadata:
      type: object
      description: Which items of a write were valid; indices are 0-based positions in the request's collection.
      required: [receivedItemsCount, validItems, invalidItems]
      properties:
        receivedItemsCount:
          type: integer
          minimum: 0
          description: How many items the request held.
          example: 2
        validItems:
          type: array
          description: The indices of the valid items.
          items:
            type: integer
            minimum: 0
          example: [0]
        invalidItems:
          type: array
          description: The indices of the invalid items (empty on success).
          items:
            type: integer
            minimum: 0
          example: [1]
    Failure:
      type: object
      description: Why one item of a write was rejected.
      required: [rawData, errors]
      properties:
        rawData:
          description: The item as it was received.
          example: {"color": "blue"}
        errors:
          type: array
          description: Every problem with the item.
          items:
            $ref: "#/components/schemas/Error"
    FailureEnvelope:
      type: object
      description: The body of a write in which at least one item was invalid (422); nothing was saved. `failures[i]` belongs to request item `metadata.invalidItems[i]`.
      required: [result, failures, metadata]
      properties:
        result:
          type: string
          enum: [failure]
        failures:
          type: array
          items:
            $ref: "#/components/schemas/Failure"
        metadata:
          $ref: "#/components/schemas/WriteMetadata"
    UnprocessableEnvelope:
      description: 'The body of a 422: a write with invalid items (`failure`; nothing was saved), or a request that is understood but whose content is wrong (an `error` of type `content`: the wrong body shape, the wrong item count, a parameter out of range).'
      oneOf:
        - $ref: "#/components/schemas/FailureEnvelope"
        - $ref: "#/components/schemas/ErrorEnvelope"
      discriminator:
        propertyName: result
        mapping:
          failure: "#/components/schemas/FailureEnvelope"
          error: "#/components/schemas/ErrorEnvelope"
    ErrorEnvelope:
      type: object
      description: The body of every error that is not about the items of a write.
      required: [result, error]
      properties:
        result:
          type: string
          enum: [error]
        error:
          $ref: "#/components/schemas/Error"
  parameters:
    Page:
      name: {{PAGE_PARAM}}
      in: query
      required: false
      description: The 1-based page to return.
      schema:
        type: integer
        minimum: 1
        default: 1
      example: 1
    RecordsPerPage:
      name: {{RECORDS_PER_PAGE_PARAM}}
      in: query
      required: false
      description: How many records a page holds.
      schema:
        type: integer
        minimum: 1
        default: {{DEFAULT_LIMIT}}
      example: {{DEFAULT_LIMIT}}
  headers:
    X-Request-Id:
      description: The request's id, echoed from the request's `X-Request-Id` when it sent one, else generated.
      required: true
      schema:
        type: string
      example: req_01
"##;

impl Style for ResultStyle {
    fn name(&self) -> &'static str {
        "result"
    }

    fn batch_writes(&self) -> bool {
        wire::BATCH_WRITES
    }

    fn summary(&self) -> &'static str {
        "every body has result: success|failure|error; items in a collection; atomic batch writes; page/recordsPerPage"
    }

    fn components(&self) -> Components {
        let facts = [
            ("PAGE_PARAM", wire::PAGE_PARAM.to_string()),
            (
                "RECORDS_PER_PAGE_PARAM",
                wire::RECORDS_PER_PAGE_PARAM.to_string(),
            ),
            ("DEFAULT_LIMIT", wire::DEFAULT_LIMIT.to_string()),
        ];
        let yaml = fill(COMPONENTS, &facts);
        let mut c = parse_components(self.name(), &yaml, SharedHeaders::StatusOnly);
        let errors: Vec<u16> = STATUSES.iter().copied().filter(|s| *s != 422).collect();
        add_error_responses(
            &mut c,
            &errors,
            "ErrorEnvelope",
            &[REQUEST_ID],
            error_example,
        );
        add_error_responses(
            &mut c,
            &[422],
            self.error_schema_for(422),
            &[REQUEST_ID],
            failure_example,
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
                component: "RecordsPerPage",
                name: wire::RECORDS_PER_PAGE_PARAM,
            },
        ]
    }

    fn list_headers(&self) -> &'static [&'static str] {
        &[]
    }

    fn error_headers(&self) -> &'static [&'static str] {
        &[REQUEST_ID]
    }

    fn error_schema(&self) -> &'static str {
        "ErrorEnvelope"
    }

    /// 422 answers a `FailureEnvelope` (which items failed and why).
    fn error_schema_for(&self, status: u16) -> &'static str {
        match status {
            422 => "UnprocessableEnvelope",
            _ => self.error_schema(),
        }
    }

    fn statuses(&self) -> &'static [u16] {
        STATUSES
    }

    /// The common statuses, plus 422 for writes (operations with a body), lists, and
    /// operations with parameters.
    fn error_statuses(&self, shape: &OperationShape<'_>) -> Vec<u16> {
        let mut statuses = common_error_statuses(shape);
        // A write's items may be invalid, a list's page parameters out of range, any
        // parameter may break its schema.
        let parameters =
            !shape.operation.parameters.is_empty() || !shape.path_item.parameters.is_empty();
        if shape.has_body || shape.is_list || parameters {
            statuses.push(422);
            statuses.sort_unstable();
        }
        statuses
    }

    /// Reads answer a page (`ReadMetadata`), writes the saved items (`WriteMetadata`);
    /// `201` and `204` become `200` (wire decision 1), `202` stays; write bodies are
    /// wrapped in the collection key (exactly one item when the path addresses an item or
    /// the operation answers events).
    fn wrap(&self, shape: &OperationShape<'_>, names: &ResourceNames, refs: &Refs) -> Wrap {
        let key = shape.collection_key.as_str();
        let read = matches!(shape.method, "get" | "head");
        let one = !shape.is_list && (read || shape.addresses_item);
        let status = match shape.success_status {
            201 => wire::CREATE_STATUS,
            204 => 200,
            s => s,
        };
        let (items, one, naming) = match item_schema(shape) {
            Some(item) => (item, one, if one { &names.item } else { &names.collection }),
            None => (
                ReferenceOr::Item(super::schema(SchemaKind::Any(Default::default()))),
                false,
                &names.collection,
            ),
        };
        let empty = shape.success_schema.is_none();
        let (metadata, suffix) = match (read, empty) {
            (_, true) => ("WriteMetadata", "EmptyResult"),
            (true, false) => ("ReadMetadata", "Result"),
            (false, false) => ("WriteMetadata", "WriteResult"),
        };
        let collection = if empty {
            array(items, None, Some(0))
        } else if one {
            array(items, Some(1), Some(1))
        } else {
            array(items, None, None)
        };
        let success = object(
            &["result", key, "metadata"],
            vec![
                ("result".into(), ReferenceOr::Item(string_const("success"))),
                (key.to_string(), ReferenceOr::Item(collection)),
                ("metadata".into(), refs.schema(metadata)),
            ],
        );
        let what = if empty {
            format!(
                "The result of `{}` (no items travel back).",
                names.operation
            )
        } else if one {
            format!("A one-element `{key}` collection of `{}`.", names.item)
        } else {
            format!("A `{key}` collection of `{}`.", names.item)
        };
        let body = Body::Named(Box::new(NamedSchema {
            names: vec![
                format!("{naming}{suffix}"),
                format!("{}{}{suffix}", names.collection, names.item),
                format!("{}{suffix}", names.operation),
            ],
            schema: described(success, what),
        }));
        let request = shape.request_schema.filter(|_| shape.has_body).map(|item| {
            // An operation answering events takes one item: its events are not a batch's.
            let single = shape.addresses_item || shape.streams_events;
            let wrapped = object(
                &[key],
                vec![(
                    key.to_string(),
                    ReferenceOr::Item(if single {
                        array(item.clone(), Some(1), Some(1))
                    } else {
                        array(item.clone(), None, None)
                    }),
                )],
            );
            let text = if single {
                format!("A write of exactly one item in a `{key}` collection.")
            } else {
                "An atomic batch write: every item is validated first; if any is invalid, nothing is saved (422).".to_string()
            };
            NamedSchema {
                names: vec![
                    format!("{}Request", names.operation),
                    format!("{}BatchRequest", names.operation),
                ],
                schema: described(wrapped, text),
            }
        });
        Wrap {
            status,
            body,
            headers: vec![REQUEST_ID],
            request,
        }
    }
}

fn error_example(case: &ErrorCase) -> serde_json::Value {
    // A 400 is a request that cannot be understood (`syntax`).
    let message = match case.status {
        400 => "the body is not valid JSON",
        _ => case.message,
    };
    let kind = case.result_type();
    serde_json::json!({
        "result": "error",
        "error": {"type": kind, "code": case.status, "message": message}
    })
}

fn failure_example(case: &ErrorCase) -> serde_json::Value {
    serde_json::json!({
        "result": "failure",
        "failures": [{
            "rawData": {"name": ""},
            "errors": [{"type": apigen_runtime::vocabulary::VALIDATION, "code": case.status, "message": case.message, "field": "name"}]
        }],
        "metadata": {"receivedItemsCount": 2, "validItems": [0], "invalidItems": [1]}
    })
}
