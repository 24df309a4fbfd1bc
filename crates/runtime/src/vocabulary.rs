//! The error vocabulary the styles share: for each status, the `kind` that `plain` and
//! `enveloped` errors carry and the `type` of the `result` style's errors. The published
//! components, the wire spec and the server all take them from here. Also how a value
//! travels as one path segment ([`PATH_SEGMENT`]), which the client and the server share.

/// What is percent-encoded in a value sent as one path segment: everything but the
/// unreserved characters (letters, digits, `-`, `_`, `.`, `~`), so that the server's
/// percent-decoding gives the value back whatever it holds (`/`, `?`, `%`, `+`, …).
#[cfg(any(feature = "server", feature = "client"))]
pub const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// One error status and its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorName {
    /// The HTTP status.
    pub status: u16,
    /// The snake_case `kind` of `plain` and `enveloped` errors.
    pub kind: &'static str,
    /// The `result` style's error `type`.
    pub result_type: &'static str,
}

/// Every status with a name of its own; [`kind`] and [`result_type`] name the others.
pub const ERROR_NAMES: &[ErrorName] = &[
    ErrorName {
        status: 400,
        kind: "request_invalid",
        result_type: "syntax",
    },
    ErrorName {
        status: 401,
        kind: "token_missing",
        result_type: "client",
    },
    ErrorName {
        status: 402,
        kind: "payment_required",
        result_type: "client",
    },
    ErrorName {
        status: 403,
        kind: "forbidden",
        result_type: "permission",
    },
    ErrorName {
        status: 404,
        kind: "not_found",
        result_type: "client",
    },
    ErrorName {
        status: 405,
        kind: "method_not_allowed",
        result_type: "client",
    },
    ErrorName {
        status: 408,
        kind: "request_timeout",
        result_type: "client",
    },
    ErrorName {
        status: 409,
        kind: "conflict",
        result_type: "client",
    },
    ErrorName {
        status: 413,
        kind: "payload_too_large",
        result_type: "content",
    },
    ErrorName {
        status: 415,
        kind: "unsupported_media_type",
        result_type: "syntax",
    },
    ErrorName {
        status: 422,
        kind: "request_invalid",
        result_type: "content",
    },
    ErrorName {
        status: 429,
        kind: "rate_limited",
        result_type: "client",
    },
    ErrorName {
        status: 431,
        kind: "headers_too_large",
        result_type: "client",
    },
    ErrorName {
        status: 500,
        kind: "internal_error",
        result_type: "system",
    },
    ErrorName {
        status: 503,
        kind: "service_unavailable",
        result_type: "system",
    },
];

/// The `kind` of 401 when credentials were sent but not accepted (401 without any is
/// `token_missing`).
pub const TOKEN_INVALID: &str = "token_invalid";

/// The `type` of one invalid item of a `result` batch (in a `422` failure).
pub const VALIDATION: &str = "validation";

/// The `type` of a request that cannot be understood (not JSON, the wrong content type, a
/// parameter that does not parse): `400`.
pub const SYNTAX: &str = "syntax";

/// The `type` of a request that is understood but whose content is wrong (the wrong
/// shape, the wrong item count, a parameter out of range): `422` in the `result` style.
pub const CONTENT: &str = "content";

/// The `kind` of an error with this status: its own, else `internal_error` (5xx) or
/// `request_invalid`.
pub fn kind(status: u16) -> &'static str {
    match ERROR_NAMES.iter().find(|n| n.status == status) {
        Some(name) => name.kind,
        None if status >= 500 => "internal_error",
        None => "request_invalid",
    }
}

/// The `result` style's `type` of an error with this status: its own, else `system`
/// (5xx) or `client`.
pub fn result_type(status: u16) -> &'static str {
    match ERROR_NAMES.iter().find(|n| n.status == status) {
        Some(name) => name.result_type,
        None if status >= 500 => "system",
        None => "client",
    }
}
