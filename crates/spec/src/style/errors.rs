//! The error table: every error status a style may answer with, how each is named and
//! documented, and which of them an operation answers with.

use crate::shape::OperationShape;

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

/// One error status as every style names and documents it.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCase {
    /// The HTTP status.
    pub status: u16,
    /// What the response means, for its `description`.
    pub description: &'static str,
    /// An example message.
    pub message: &'static str,
}

/// Every error status a style may use, with its vocabulary (DIALECTS.md, wire decisions 7–8).
pub const ERROR_CASES: &[ErrorCase] = &[
    ErrorCase { status: 400, description: "The request is malformed: a body that is not JSON, a missing or mistyped field, or a bad path or query parameter.", message: "missing field `name`" },
    ErrorCase { status: 401, description: "No credentials were sent, or they are not valid.", message: "an Authorization header with a bearer token is required" },
    ErrorCase { status: 402, description: "The account must be paid up before this request can be served.", message: "the plan's quota is used up" },
    ErrorCase { status: 403, description: "The credentials are valid but do not allow this request.", message: "this token may not change widgets" },
    ErrorCase { status: 404, description: "The resource (or route) does not exist.", message: "no widget with id `wdg_9`" },
    ErrorCase { status: 405, description: "The path exists but does not accept this method; `Allow` lists the methods it does accept.", message: "PUT is not allowed here" },
    ErrorCase { status: 413, description: "The request body is larger than the server accepts.", message: "the body exceeds 1 MiB" },
    ErrorCase { status: 422, description: "At least one item of the batch is invalid, so nothing was saved; `failures[i]` belongs to request item `metadata.invalidItems[i]`.", message: "`name` must not be empty" },
    ErrorCase { status: 429, description: "Too many requests; retry after the number of seconds in `Retry-After`.", message: "rate limit exceeded, retry in 30 seconds" },
    ErrorCase { status: 500, description: "The server failed; the request may be retried.", message: "an internal error occurred" },
    ErrorCase { status: 503, description: "The service is temporarily unavailable; retry later.", message: "the service is down for maintenance" },
];

impl ErrorCase {
    /// The `kind` of `plain` and `enveloped` errors with this status (the runtime's
    /// vocabulary, which the server answers with).
    pub fn kind(&self) -> &'static str {
        apigen_runtime::vocabulary::kind(self.status)
    }

    /// The `result` style's error `type` for this status (the runtime's vocabulary).
    pub fn result_type(&self) -> &'static str {
        apigen_runtime::vocabulary::result_type(self.status)
    }
}

/// The [`ErrorCase`] of `status`.
pub fn error_case(status: u16) -> Option<&'static ErrorCase> {
    ERROR_CASES.iter().find(|c| c.status == status)
}
