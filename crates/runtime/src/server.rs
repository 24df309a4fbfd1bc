//! The server runtime: what every generated axum server runs on.
//!
//! A generated crate prints only what its spec decides: the `Api` trait, the route table
//! ([`Route`]s), one small handler per operation and an [`Operations`] impl that ties them
//! together. Everything else lives here: the style-neutral [`ApiError`], the request
//! context, authentication plumbing, rate limiting, extraction of parameters and bodies,
//! the router with its style layer (request ids, restyled fallbacks, panics and body limits,
//! a `tracing` span per request with the `tracing` feature, the user's own layers inside it:
//! [`RouterBuilder::layer`]), and the [`ServerStyle`] interface that each response style
//! implements.
//!
//! This module never names the crate it is compiled in (only `super::`), so its source can
//! be copied verbatim into a generated crate as well as used from `apigen-runtime`.

#![allow(clippy::result_large_err)]

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Extensions, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, on_service, MethodFilter};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::body::{media_matches, Binary, BodyError, FilePart};
use super::headers::{DeclaredHeaders, HeaderPairs};
use super::validate::{Validate, Violation};

/// The default request body limit (1 MiB).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

/// Where [`RouterBuilder::serve_openapi`] serves the wire spec.
const OPENAPI_PATH: &str = "/openapi.json";

// ---------------------------------------------------------------------------------------
// What handlers see
// ---------------------------------------------------------------------------------------

/// A style-neutral error: the router renders it in the generated style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Overrides the error kind (`enveloped`/`plain`); default from the status.
    pub kind: Option<String>,
    /// Overrides the error type (`result`: `system`, `client`, `syntax`, `content`,
    /// `permission`, `validation`); default from the status.
    pub error_type: Option<String>,
    /// Overrides the error code (`result`); default: the status.
    pub code: Option<u16>,
    /// What went wrong, for people.
    pub message: String,
    /// The offending field or parameter.
    pub field: Option<String>,
    /// More detail (`result`).
    pub description: Option<String>,
    /// Seconds after which a retry may succeed (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with this status and message; the kind/type follow from the status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            kind: None,
            error_type: None,
            code: None,
            message: message.into(),
            field: None,
            description: None,
            retry_after: None,
        }
    }

    /// 400 `request_invalid` naming the offending field or parameter.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(StatusCode::BAD_REQUEST, message)
        }
    }

    /// 400 `request_invalid`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 400 for a body that cannot be parsed (`result`: type `syntax`).
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message).with_type(super::vocabulary::SYNTAX)
    }

    /// 401 `token_missing`.
    pub fn token_missing() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "this request needs credentials")
    }

    /// 401 `token_invalid`.
    pub fn token_invalid() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "the credentials were not accepted",
        )
        .with_kind(super::vocabulary::TOKEN_INVALID)
    }

    /// 401 with a message of your own (`token_invalid`).
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message).with_kind(super::vocabulary::TOKEN_INVALID)
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 429 `rate_limited` with `Retry-After`.
    pub fn rate_limited(retry_after_seconds: u64) -> Self {
        Self {
            retry_after: Some(retry_after_seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many requests; retry after {retry_after_seconds} s"),
            )
        }
    }

    /// 500 `internal_error`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 503 `service_unavailable`.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// Sets the kind (`enveloped`, `plain`), e.g. `widget_not_found`.
    pub fn with_kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }

    /// Sets the error type (`result`).
    pub fn with_type(mut self, error_type: impl Into<String>) -> Self {
        self.error_type = Some(error_type.into());
        self
    }

    /// Sets the error code (`result`).
    pub fn with_code(mut self, code: u16) -> Self {
        self.code = Some(code);
        self
    }

    /// Names the offending field.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Adds a description (`result`).
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The kind: the override, else the default for the status.
    pub fn kind(&self) -> &str {
        if let Some(kind) = &self.kind {
            return kind;
        }
        super::vocabulary::kind(self.status.as_u16())
    }

    /// Adds the headers this error implies (`Retry-After`) to a rendered response.
    pub fn finish(&self, mut response: Response) -> Response {
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.kind(),
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

/// An `ApiError` answers in the style of the apigen router it passes through: the response
/// carries the error in its extensions, and the router's style layer renders it (so a user
/// layer placed with [`RouterBuilder::layer`], or a handler of your own behind the router's
/// style, can answer `Err(ApiError::…)`). Outside any apigen router the response stands on
/// its own: the status, `Retry-After` when set, and a JSON body
/// `{"kind": …, "message": …}` (with `"field"` when set).
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Bare<'a> {
            kind: &'a str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            field: Option<&'a str>,
        }
        let body = Bare {
            kind: self.kind(),
            message: &self.message,
            field: self.field.as_deref(),
        };
        let mut response = match serde_json::to_vec(&body) {
            Ok(bytes) => {
                let mut response = Response::new(Body::from(bytes));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
            Err(_) => Response::new(Body::empty()),
        };
        *response.status_mut() = self.status;
        let mut response = self.finish(response);
        response.extensions_mut().insert(self);
        response
    }
}

/// Who made the request, as the generated `Api::authenticate` decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    /// The user or client id.
    pub subject: String,
    /// Reported as `meta.org_id` in the `enveloped` style.
    pub org_id: Option<String>,
    /// Reported as `meta.project_id` in the `enveloped` style.
    pub project_id: Option<String>,
    /// Whatever permissions the implementation tracks.
    pub scopes: Vec<String>,
}

impl Principal {
    /// A principal with this subject.
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            ..Self::default()
        }
    }
}

/// What kind of security scheme a spec declares (`components.securitySchemes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemeKind {
    /// `type: http, scheme: bearer`: `Authorization: Bearer <token>`.
    HttpBearer,
    /// `type: http, scheme: basic`: `Authorization: Basic <base64>`.
    HttpBasic,
    /// `type: http` with another scheme (its name is [`SecurityScheme::parameter`]): the
    /// whole `Authorization` value, when it names that scheme.
    Http,
    /// `type: apiKey, in: header`.
    ApiKeyHeader,
    /// `type: apiKey, in: query`.
    ApiKeyQuery,
    /// `type: apiKey, in: cookie`.
    ApiKeyCookie,
    /// `type: oauth2`: an access token as `Authorization: Bearer <token>`.
    OAuth2,
    /// `type: openIdConnect`: an access token as `Authorization: Bearer <token>`.
    OpenIdConnect,
    /// `type: mutualTLS`: the client certificate of the connection ([`PeerCertificate`]).
    MutualTls,
}

/// The client certificate a TLS connection presented (mutual TLS), DER-encoded, leaf
/// first. The router does not terminate TLS: the service's TLS acceptor (or a layer that
/// reads its connection info) inserts this into the request's extensions
/// (`request.extensions_mut().insert(PeerCertificate(chain))`). A request without it has
/// no credential for a `mutualTLS` scheme.
#[derive(Clone, PartialEq, Eq)]
pub struct PeerCertificate(pub Vec<Vec<u8>>);

impl std::fmt::Debug for PeerCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PeerCertificate({} certificates)", self.0.len())
    }
}

/// What a request presented for one security scheme.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// The token of `Authorization: Bearer <token>` (http bearer, oauth2, openIdConnect).
    Token(String),
    /// The base64 text of `Authorization: Basic <base64>`, not decoded.
    Basic(String),
    /// The whole `Authorization` value, for an http scheme other than bearer and basic.
    Authorization(String),
    /// An API key, from a header, a query parameter or a cookie.
    ApiKey(String),
    /// The connection's client certificate (mutualTLS).
    Certificate(PeerCertificate),
}

impl Secret {
    /// The text of a token, a basic credential, an `Authorization` value or an API key;
    /// `None` for a certificate.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Secret::Token(s) | Secret::Basic(s) | Secret::Authorization(s) | Secret::ApiKey(s) => {
                Some(s)
            }
            Secret::Certificate(_) => None,
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach logs.
        match self {
            Secret::Token(_) => f.write_str("Token(<redacted>)"),
            Secret::Basic(_) => f.write_str("Basic(<redacted>)"),
            Secret::Authorization(_) => f.write_str("Authorization(<redacted>)"),
            Secret::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Secret::Certificate(chain) => write!(f, "{chain:?}"),
        }
    }
}

/// A credential presented with a request, for one of the spec's security schemes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The security scheme's name in the spec.
    pub scheme: &'static str,
    /// The scheme's kind.
    pub kind: SchemeKind,
    /// The scopes (oauth2, openIdConnect; roles for other kinds) the operation's requirement
    /// lists for this scheme. The router checks them against [`Principal::scopes`].
    pub scopes: &'static [&'static str],
    /// What the request presented.
    pub secret: Secret,
}

/// What `Api::authenticate` is asked to check: the credentials of one security requirement
/// of the operation, every one of its schemes present (a requirement naming several schemes
/// needs all of them); or no credentials at all, when the request has no requirement
/// complete (refuse it with 401 `token_missing`, unless the service accepts anonymous
/// callers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    /// One credential per scheme of the requirement, in the requirement's order; empty
    /// when the request presented no complete requirement.
    pub credentials: Vec<Credential>,
}

impl AuthRequest {
    /// The credential for the scheme named `scheme` in the spec.
    pub fn get(&self, scheme: &str) -> Option<&Credential> {
        self.credentials.iter().find(|c| c.scheme == scheme)
    }

    /// The text of the credential for `scheme` (see [`Secret::as_str`]).
    pub fn secret(&self, scheme: &str) -> Option<&str> {
        self.get(scheme).and_then(|c| c.secret.as_str())
    }
}

/// One scheme of a security requirement, with the scopes the requirement lists for it.
#[derive(Debug)]
pub struct SchemeUse {
    /// The scheme's name in the spec.
    pub scheme: &'static str,
    /// The scopes (or roles) required.
    pub scopes: &'static [&'static str],
}

/// A security requirement: every scheme it names must be satisfied.
pub type Requirement = &'static [SchemeUse];

/// A request's id: its `X-Request-Id` as sent, else one the router generated. Reads as
/// a `&str` (`Deref`, [`RequestId::as_str`]); cloning shares the bytes instead of copying
/// them. An id sent by the client shares the buffer the request was received in: to keep
/// one after the request, keep a `String` (`id.to_string()`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The id carried by this `X-Request-Id` value; bytes that are not UTF-8 are replaced
    /// with U+FFFD.
    fn from_header(value: &HeaderValue) -> Self {
        if std::str::from_utf8(value.as_bytes()).is_ok() {
            return Self(value.clone());
        }
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        // Replacement characters and the bytes of a header value are valid in a header value.
        Self(
            HeaderValue::from_maybe_shared(Bytes::from(text))
                .unwrap_or_else(|_| HeaderValue::from_static("")),
        )
    }

    /// The id a request carries in `X-Request-Id` (the empty id when it has none).
    fn of(headers: &HeaderMap) -> Self {
        headers
            .get(REQUEST_ID)
            .map(Self::from_header)
            .unwrap_or_default()
    }

    /// The id's bytes (UTF-8).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        // Only UTF-8 is ever stored (`from_header`).
        std::str::from_utf8(self.0.as_bytes()).unwrap_or_default()
    }
}

impl Default for RequestId {
    /// The empty id.
    fn default() -> Self {
        Self(HeaderValue::from_static(""))
    }
}

impl std::ops::Deref for RequestId {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for RequestId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for RequestId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RequestId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<RequestId> for String {
    fn from(id: RequestId) -> Self {
        id.as_str().to_owned()
    }
}

impl Serialize for RequestId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What every operation receives besides its parameters: the request as it arrived (method,
/// URI, headers, cookies, peer address), the operation it was routed to, its id, the
/// authenticated principal, and the request's [`Extensions`](axum::http::Extensions).
///
/// The extensions hold whatever a layer in front of the handler inserted, which is how
/// your own axum middleware hands data to a handler: a middleware added with
/// `Router::layer` on the built router (or with [`RouterBuilder::layer`]) inserts a value
/// (`request.extensions_mut().insert(user)`), and the handler reads it back with
/// `ctx.extensions.get::<User>()` (or [`RequestContext::extension`]). The values must be
/// `Clone + Send + Sync + 'static`, as axum requires of extensions.
///
/// Nothing here is parsed before it is asked for: cookies are read from the `Cookie`
/// headers on each call of [`RequestContext::cookie`].
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The request id (`X-Request-Id`, else the trace id of a `traceparent`, else generated).
    pub request_id: RequestId,
    /// The authenticated principal; `None` on operations without security.
    pub principal: Option<Principal>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The request method.
    pub method: Method,
    /// The request URI, as received (path and query).
    pub uri: Uri,
    /// The operation's `operationId` (`<method> <path>` when the spec gives none).
    pub operation_id: &'static str,
    /// The request's extensions: what the layers in front of the handler inserted.
    pub extensions: Extensions,
    /// Headers the handler adds to its success response ([`RequestContext::response_headers`]).
    response_headers: ResponseHeaders,
}

impl RequestContext {
    /// Headers to add to the operation's success response (`ETag`, `Cache-Control`,
    /// `Set-Cookie`, `Location`, …): a handle that shares one header map, so it can be
    /// cloned and kept while the context moves on. The router writes them on the success
    /// response once the handler has answered, with the typed headers the spec declares for
    /// that response (which replace a header of the same name set here); the router's own
    /// headers win over both (see [`ResponseHeaders`]). Errors do not carry them.
    pub fn response_headers(&self) -> ResponseHeaders {
        self.response_headers.clone()
    }

    /// The route template the request matched (`/widgets/{widget_id}`; with the router
    /// nested under a prefix, the prefixed template).
    pub fn matched_path(&self) -> Option<&str> {
        self.extensions
            .get::<axum::extract::MatchedPath>()
            .map(axum::extract::MatchedPath::as_str)
    }

    /// The peer's address, when the server was started with
    /// `into_make_service_with_connect_info::<SocketAddr>()` (else `None`).
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| *addr)
    }

    /// A value a layer in front of the handler inserted into the request's extensions.
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.extensions.get::<T>()
    }

    /// The cookies the request carries (every `Cookie` header), as `(name, value)` pairs
    /// in the order sent; a pair that is not a cookie is skipped.
    pub fn cookies(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(cookie::Cookie::split_parse)
            .filter_map(|cookie| {
                let cookie = cookie.ok()?;
                Some((cookie.name_raw()?, cookie.value_raw()?))
            })
    }

    /// Moves the request's extensions into the context (generated handlers do, for an
    /// operation without a body, once its parameters are read).
    pub fn take_extensions(&mut self, parts: &mut Parts) {
        self.extensions = std::mem::take(&mut parts.extensions);
    }

    /// The value of the first cookie named `name` (as sent, not percent-decoded).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies()
            .find(|(candidate, _)| *candidate == name)
            .map(|(_, value)| value)
    }
}

/// Headers a handler adds to its success response: a handle on one header map, shared by
/// its clones ([`RequestContext::response_headers`]).
///
/// The router writes them on the success response, after the style has rendered it,
/// except where the style or the router decides the header: `Content-Type`,
/// `Content-Length`, `Transfer-Encoding` and `X-Request-Id` are never taken from here, nor
/// is a header the rendered response carries already (the `plain` style's `Link`,
/// `Has-More` and `Limit` on a list), with one exception: `Location`. A `Location` set here
/// is the created resource's URL, used by the style (in the `enveloped` body's
/// `links.self` too) instead of the one it derives from the item's `id`. Values added
/// with [`ResponseHeaders::append`] under one name are all sent. What is added after the
/// handler has answered is not sent.
#[derive(Debug, Clone, Default)]
pub struct ResponseHeaders(Arc<std::sync::Mutex<HeaderMap>>);

impl ResponseHeaders {
    fn map(&self) -> std::sync::MutexGuard<'_, HeaderMap> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sets a header, replacing the values it had here.
    pub fn insert(&self, name: HeaderName, value: HeaderValue) {
        self.map().insert(name, value);
    }

    /// Adds a value to a header (`Set-Cookie` twice), keeping the values it had here.
    pub fn append(&self, name: HeaderName, value: HeaderValue) {
        self.map().append(name, value);
    }

    /// Removes a header set here.
    pub fn remove(&self, name: &HeaderName) {
        self.map().remove(name);
    }

    /// The first value of a header set here.
    pub fn get(&self, name: &HeaderName) -> Option<HeaderValue> {
        self.map().get(name).cloned()
    }

    /// The headers set here, leaving none.
    fn take(&self) -> HeaderMap {
        std::mem::take(&mut *self.map())
    }
}

/// Headers the router sets itself and a handler never replaces.
const ROUTER_HEADERS: [HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    REQUEST_ID,
];

/// Finishes a success: `render` renders it in the style, with the headers the handler
/// added ([`ResponseHeaders`]) and the typed headers it declared (`declared`, a struct of
/// the spec's response headers) written on it. A `Location` among them is the created
/// resource's URL for the style ([`Exchange::location`]); a `201` of an operation that
/// addresses one item (an upsert) gets the request's path as its `Location` when neither
/// the style nor the handler set one. A declared header that cannot be sent (a line break
/// in its value) is a `500`. A response that declares no headers passes `()`.
pub fn respond<H: DeclaredHeaders>(
    ex: &mut Exchange,
    added: &ResponseHeaders,
    declared: H,
    render: impl FnOnce(&Exchange) -> Response,
) -> Response {
    let mut pairs = HeaderPairs::default();
    if let Err(e) = declared.write(&mut pairs) {
        return ex.reject(&ApiError::internal(format!(
            "the response headers cannot be sent: {e}"
        )));
    }
    let declared = pairs.pairs();
    let added = added.take();
    // A declared `Location` replaces one the handler added.
    let declared_location = declared.iter().find(|(name, _)| name == header::LOCATION);
    let location = declared_location
        .map(|(_, value)| value)
        .or_else(|| added.get(header::LOCATION));
    if let Some(location) = location.and_then(|v| v.to_str().ok()) {
        ex.location = Some(Arc::from(location));
    }
    let (has_location, declared_location) = (location.is_some(), declared_location.is_some());
    let mut response = render(ex);
    if !response.status().is_success() {
        return response;
    }
    let created = response.status() == StatusCode::CREATED;
    let headers = response.headers_mut();
    if created && ex.addresses_item() && !has_location && !headers.contains_key(header::LOCATION) {
        if let Ok(location) = HeaderValue::try_from(ex.path_link()) {
            headers.insert(header::LOCATION, location);
        }
    }
    // Straight onto the rendered response: the router's headers and the style's win, but
    // for `Location`; the declared ones, written first, win over the added ones. Most
    // responses carry no header of the style's (just `Content-Type`): nothing to look up.
    let styled = headers.keys().any(|name| !ROUTER_HEADERS.contains(name));
    for (name, value) in declared.drain(..) {
        let owned = ROUTER_HEADERS.contains(&name)
            || (styled && name != header::LOCATION && headers.contains_key(&name));
        if !owned {
            headers.insert(name, value);
        }
    }
    if added.is_empty() {
        return response;
    }
    let mut name = None;
    for (key, value) in added {
        // `HeaderMap`'s iterator names a header once, before all its values.
        if let Some(key) = key {
            let owned = ROUTER_HEADERS.contains(&key)
                || (headers.contains_key(&key) && (key != header::LOCATION || declared_location));
            if !owned {
                headers.remove(&key);
            }
            name = (!owned).then_some(key);
        }
        if let Some(name) = &name {
            headers.append(name.clone(), value);
        }
    }
    response
}

/// A success without content, in the style, answered with `status` (the status the style
/// answers this response with, see the wire spec) where the style's own differs.
pub fn render_empty<S: ServerStyle>(ex: &Exchange, status: u16) -> Response {
    let mut response = S::render_no_content(ex);
    match StatusCode::from_u16(status) {
        Ok(status) if status.is_success() => *response.status_mut() = status,
        _ => {}
    }
    response
}

/// What a generated crate tells the runtime about its API: the implementation's type, the
/// response style, the route table, the security schemes, and one handler per route.
pub trait Operations: Sized + 'static {
    /// The user's implementation of the generated `Api` trait.
    type App: Send + Sync + 'static;
    /// The response style every answer is rendered in.
    type Style: ServerStyle;
    /// The API version (`info.version`), reported by styles that carry it.
    const API_VERSION: &'static str;
    /// Every operation, in the order of [`Operations::handlers`].
    const ROUTES: &'static [Route];
    /// The security schemes the spec declares.
    const SECURITY_SCHEMES: &'static [SecurityScheme];
    /// The wire spec (the spec with its style applied) as JSON, served at `/openapi.json`
    /// by [`RouterBuilder::serve_openapi`].
    const OPENAPI_JSON: &'static str;

    /// Each operation's handler, in the order of [`Operations::ROUTES`].
    fn handlers() -> Vec<Handle<Self>>;

    /// Turns the credentials presented for one security requirement of a secured operation
    /// into a principal (the generated `Api::authenticate`).
    fn authenticate(
        app: &Self::App,
        request: AuthRequest,
    ) -> impl Future<Output = Result<Principal, ApiError>> + Send;
}

/// How a response style renders results and errors and reads write bodies. Each style
/// module of this crate has one implementation, its `Style`.
pub trait ServerStyle: Send + Sync + 'static {
    /// The pagination a list handler receives.
    type PageRequest: Clone + Send + Sync + 'static;
    /// One page of a list, as a list handler returns it.
    type Page<T>;

    /// Reads the pagination query parameters.
    fn page_request(query: Option<&str>) -> Result<Self::PageRequest, ApiError>;
    /// Renders one resource (a read, an update, a `202`).
    fn render_object<T: Serialize>(ex: &Exchange, status: StatusCode, item: &T) -> Response;
    /// Renders what a write saved; `created`: the write is a create (its item's URL is
    /// [`Exchange::location`]).
    fn render_written<T: Serialize>(
        ex: &Exchange,
        status: StatusCode,
        saved: Vec<T>,
        created: bool,
    ) -> Response;
    /// Renders one page of a list.
    fn render_page<T: Serialize>(
        ex: &Exchange,
        request: &Self::PageRequest,
        page: Self::Page<T>,
    ) -> Response;
    /// Renders a success without content.
    fn render_no_content(ex: &Exchange) -> Response;
    /// Renders an error.
    fn render_error(ex: &Exchange, error: &ApiError) -> Response;
    /// Renders a batch the handler refused items of (nothing was saved); `body`: the write's
    /// body as received. Styles without batches (a write carries one item) answer the
    /// first refusal as a `422` error naming its field.
    fn render_refused(ex: &Exchange, body: &[u8], refusals: Vec<ItemRefusal>) -> Response {
        let _ = body;
        let error = match refusals.into_iter().next() {
            Some(first) => {
                let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, first.message);
                match first.field {
                    Some(field) => error.with_field(field),
                    None => error,
                }
            }
            None => BatchError::empty_refusal(),
        };
        Self::render_error(ex, &error)
    }
    /// Reads a write's body into its items.
    fn decode_write<T: DeserializeOwned + Validate>(
        ex: &Exchange,
        body: &[u8],
    ) -> Result<Vec<T>, Response>;
}

// ---------------------------------------------------------------------------------------
// The router
// ---------------------------------------------------------------------------------------

/// Rate limiting. Requests that are not (or not yet) authenticated (open operations, unknown
/// routes, and secured operations whose credentials are missing or refused) are counted per
/// client address; authenticated requests per principal ([`Principal::subject`]), after
/// authentication. So a flood of made-up credentials from one address is answered `429`
/// once its address is over the rate, while a principal that authenticates keeps its own
/// budget, even from the same address. Refusals are `429 rate_limited` with `Retry-After`.
///
/// The client address is the connection's peer address (serve the router with
/// `into_make_service_with_connect_info::<SocketAddr>()`; without it every client shares one
/// address), IPv6 addresses by their `/64` network; behind a proxy you trust, set
/// [`RateLimit::forwarded_header`] to read the address the proxy appends instead.
///
/// Memory stays bounded whatever the number of distinct clients: idle keys (whose budget is
/// full again) are pruned every [`PRUNE_EVERY`] checks, and while more than
/// [`RateLimit::max_keys`] clients are active at once, requests that are not
/// authenticated are refused (`429`) rather than tracked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per second, per key.
    pub per_second: NonZeroU32,
    /// Requests allowed at once, per key.
    pub burst: NonZeroU32,
    /// A header set by a trusted reverse proxy with the client's address (such as
    /// `x-forwarded-for`: its last entry, the one the proxy appended, is used). `None`
    /// (the default): the peer address. Never set this without such a proxy: clients
    /// could pick their own key.
    pub forwarded_header: Option<HeaderName>,
    /// At most this many keys are tracked (default [`DEFAULT_MAX_KEYS`]).
    pub max_keys: usize,
}

/// How many rate-limit keys are tracked at most by default.
pub const DEFAULT_MAX_KEYS: usize = 65_536;

/// Idle rate-limit keys are pruned once per this many checks (a power of two).
pub const PRUNE_EVERY: usize = 1024;

impl RateLimit {
    /// `n` requests per second (burst `n`) per client address and per principal.
    pub fn per_second(n: NonZeroU32) -> Self {
        Self {
            per_second: n,
            burst: n,
            forwarded_header: None,
            max_keys: DEFAULT_MAX_KEYS,
        }
    }

    /// Allows bursts of `burst` requests.
    pub fn burst(mut self, burst: NonZeroU32) -> Self {
        self.burst = burst;
        self
    }

    /// Reads the client address from `header`, set by a trusted proxy (see
    /// [`RateLimit::forwarded_header`]).
    pub fn trust_forwarded_header(mut self, header: HeaderName) -> Self {
        self.forwarded_header = Some(header);
        self
    }

    /// Tracks at most `max_keys` keys (see [`RateLimit`]).
    pub fn max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys;
        self
    }
}

/// An operation as the layers added with [`RouterBuilder::layer`] see it.
pub type Endpoint = tower::util::BoxCloneSyncService<Request, Response, Infallible>;

/// A layer added with [`RouterBuilder::layer`], applied to each operation.
type UserLayer = Box<dyn Fn(Endpoint) -> Endpoint + Send + Sync>;

/// Builds the router with settings.
pub struct RouterBuilder<O: Operations> {
    api: O::App,
    body_limit: usize,
    rate_limit: Option<RateLimit>,
    base_url: Option<String>,
    layers: Vec<UserLayer>,
    serve_openapi: bool,
}

impl<O: Operations> RouterBuilder<O> {
    /// Starts from an implementation of the generated `Api` trait.
    pub fn new(api: O::App) -> Self {
        Self {
            api,
            body_limit: DEFAULT_BODY_LIMIT,
            rate_limit: None,
            base_url: None,
            layers: Vec::new(),
            serve_openapi: false,
        }
    }

    /// Request bodies larger than `bytes` are answered with `413`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Answers `429` with `Retry-After` beyond this rate.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Makes links absolute (`https://api.example.com`, no trailing slash needed).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_string());
        self
    }

    /// Wraps every operation in `layer` *inside* the style's handling: what the layer
    /// answers is rendered in the style, with the request id echoed, like the operation's
    /// own answers. A layer's error becomes a response too: tower's `Overloaded` (load
    /// shedding) a `503`, tower's `Elapsed` (timeout) a `408`, anything else a `500`.
    /// So a `tower_http::timeout::TimeoutLayer` answers a styled `408`, and
    /// `(LoadShedLayer::new(), ConcurrencyLimitLayer::new(n))` a styled `503` beyond `n`
    /// requests at once (counted per operation: each gets its own copy of the layer).
    ///
    /// Layers apply in the order added, each around the ones before (as with
    /// `Router::layer`); a tuple of layers applies its first one outermost (as with
    /// `ServiceBuilder`). A layer that answers `Err(ApiError)` (an `IntoResponse`) is
    /// rendered in the style as well. Without layers, operations are not boxed.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<Endpoint> + Send + Sync + 'static,
        L::Service: tower::Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<Request>>::Response: IntoResponse + Send + 'static,
        <L::Service as tower::Service<Request>>::Error: Into<tower::BoxError> + Send + 'static,
        <L::Service as tower::Service<Request>>::Future: Send + 'static,
    {
        self.layers.push(Box::new(move |inner| {
            Endpoint::new(axum::error_handling::HandleError::new(
                layer.layer(inner),
                |error: <L::Service as tower::Service<Request>>::Error| async move {
                    layer_error(error.into())
                },
            ))
        }));
        self
    }

    /// Serves the wire spec ([`Operations::OPENAPI_JSON`]) at `GET /openapi.json` (off by
    /// default). An operation of the spec at that path keeps it.
    pub fn serve_openapi(mut self) -> Self {
        self.serve_openapi = true;
        self
    }

    /// The finished router. It answers unknown routes and methods a route does not take
    /// itself, in the style (its own fallbacks): to merge it with a router that has a
    /// fallback of its own, nest it or reset one of the two fallbacks first.
    pub fn build(self) -> Router {
        let settings = Arc::new(Settings {
            base_url: self.base_url.map(Arc::from),
            body_limit: self.body_limit,
            api_version: O::API_VERSION,
            render_error: O::Style::render_error,
        });
        let app = Arc::new(App {
            api: self.api,
            settings: settings.clone(),
            limiter: self.rate_limit.map(Limiter::new),
        });
        // The style's layers wrap each operation's handler and the two fallbacks (unknown
        // route, wrong method), not the router: `Router::layer` would box every route
        // once more, and clone the boxes below it, on every request.
        let shared = Arc::new(StyleShared {
            settings,
            ids: RequestIds::new(),
        });
        let style_of = |_op: Option<&'static OpInfo>| StyleLayer {
            shared: shared.clone(),
            #[cfg(feature = "tracing")]
            op: _op,
        };
        let style = style_of(None);
        // The body limit wraps only the operations that read a body: the others (every
        // read) do not pay for it on each request.
        let body_limit = (
            tower_http::limit::RequestBodyLimitLayer::new(self.body_limit),
            axum::extract::DefaultBodyLimit::disable(),
        );
        let mut router = Router::new();
        for (route, handle) in O::ROUTES.iter().zip(O::handlers()) {
            let operation = Operation {
                op: &route.op,
                handle,
            };
            let style = style_of(Some(&route.op));
            let method_router = if !self.layers.is_empty() {
                let service = axum::handler::Handler::with_state(operation, app.clone());
                let endpoint = self
                    .layers
                    .iter()
                    .fold(Endpoint::new(service), |inner, layer| layer(inner));
                if route.body {
                    // The limit's body, back in axum's.
                    let body = tower::util::MapRequestLayer::new(|request: Request<_>| {
                        request.map(Body::new)
                    });
                    let layers = (style, body_limit, body);
                    on_service(route.method, tower::Layer::layer(&layers, endpoint))
                } else {
                    on_service(route.method, tower::Layer::layer(&style, endpoint))
                }
            } else if route.body {
                on(
                    route.method,
                    axum::handler::Handler::layer(operation, (style, body_limit)),
                )
            } else {
                let direct = Direct {
                    app: app.clone(),
                    operation,
                };
                on_service(route.method, style.wrap(direct))
            };
            router = router.route(route.path, method_router);
        }
        if self.serve_openapi && !O::ROUTES.iter().any(|route| route.path == OPENAPI_PATH) {
            router = router.route(
                OPENAPI_PATH,
                axum::routing::get(axum::handler::Handler::layer(
                    StyleLayer::openapi::<O>,
                    style.clone(),
                )),
            );
        }
        router
            .fallback(axum::handler::Handler::layer(
                StyleLayer::not_found::<O>,
                style.clone(),
            ))
            .method_not_allowed_fallback(axum::handler::Handler::layer(
                StyleLayer::method_not_allowed::<O>,
                style,
            ))
            .with_state(app)
    }
}

/// Request ids for requests that come without one: 16 random hex digits per router (the
/// random half of a UUID v4: 62 random bits) plus a counter (`<prefix>-<n>`), unique
/// without a random draw per request. They are written
/// [`ID_BATCH`] at a time into one buffer that they share (each id a reference-counted
/// slice of it), so that an id costs no allocation of its own, not even when it is
/// cloned for the response.
struct RequestIds {
    prefix: String,
    batch: std::sync::Mutex<IdBatch>,
}

/// How many request ids are written at once.
const ID_BATCH: u64 = 64;

/// The ids written and not handed out yet, and the counter of the next batch.
struct IdBatch {
    next: u64,
    ids: std::vec::IntoIter<HeaderValue>,
}

impl RequestIds {
    fn new() -> Self {
        Self {
            prefix: format!("{:016x}", uuid::Uuid::new_v4().as_u64_pair().1),
            batch: std::sync::Mutex::new(IdBatch {
                next: 0,
                ids: Vec::new().into_iter(),
            }),
        }
    }

    /// The next id.
    fn next(&self) -> HeaderValue {
        let mut batch = self
            .batch
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(id) = batch.ids.next() {
            return id;
        }
        // `<prefix>-<n>` without `format!`, which costs more than the rest of the layer.
        let first = batch.next;
        batch.next += ID_BATCH;
        let mut buffer = Vec::with_capacity(ID_BATCH as usize * (self.prefix.len() + 8));
        let mut ends = Vec::with_capacity(ID_BATCH as usize);
        for n in first..first + ID_BATCH {
            buffer.extend_from_slice(self.prefix.as_bytes());
            buffer.push(b'-');
            buffer.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            ends.push(buffer.len());
        }
        let buffer = Bytes::from(buffer);
        let mut start = 0;
        let mut ids = Vec::with_capacity(ends.len());
        for end in ends {
            let id = HeaderValue::from_maybe_shared(buffer.slice(start..end));
            ids.push(id.unwrap_or_else(|_| HeaderValue::from_static("-")));
            start = end;
        }
        batch.ids = ids.into_iter();
        batch
            .ids
            .next()
            .unwrap_or_else(|| HeaderValue::from_static("-"))
    }
}

/// A user layer's error as an answer: tower's `Overloaded` is `503`, tower's `Elapsed`
/// `408`, an `ApiError` itself, anything else `500`.
fn layer_error(error: tower::BoxError) -> ApiError {
    if error.is::<tower::load_shed::error::Overloaded>() {
        return ApiError::unavailable("the server is overloaded; retry later");
    }
    if error.is::<tower::timeout::error::Elapsed>() {
        return ApiError::new(StatusCode::REQUEST_TIMEOUT, "the request took too long");
    }
    match error.downcast::<ApiError>() {
        Ok(error) => *error,
        Err(_) => ApiError::internal("the server failed to handle the request"),
    }
}

struct Settings {
    base_url: Option<Arc<str>>,
    body_limit: usize,
    api_version: &'static str,
    /// The style's error renderer ([`ServerStyle::render_error`]).
    render_error: fn(&Exchange, &ApiError) -> Response,
}

/// The router's state: the implementation and the settings.
pub struct App<O: Operations> {
    /// The user's implementation of the generated `Api` trait.
    pub api: O::App,
    settings: Arc<Settings>,
    limiter: Option<Limiter>,
}

/// Marks a failure the style rendered; any other failure (4xx, 5xx) is re-rendered.
/// Successes are never re-rendered, so they go unmarked.
#[derive(Debug, Clone, Copy)]
pub struct Styled;

/// A JSON response, marked as rendered by the style when it is a failure.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    // Room for one resource in any style (`serde_json::to_vec` starts at 128 bytes and
    // grows by copying).
    let mut bytes = Vec::with_capacity(512);
    let written = serde_json::to_writer(&mut bytes, body).map(|()| bytes);
    Styled::response(status, written)
}

impl Styled {
    /// A response of JSON a style wrote, marked as rendered by the style when it is a failure.
    pub fn response(status: StatusCode, body: serde_json::Result<Vec<u8>>) -> Response {
        match body {
            Ok(bytes) => {
                let mut response = Response::new(Body::from(bytes));
                *response.status_mut() = status;
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                if status.is_client_error() || status.is_server_error() {
                    response.extensions_mut().insert(Styled);
                }
                response
            }
            // Only a `Serialize` impl that reports an error gets here; the restyle layer
            // renders the bare 500 in the style.
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

/// The style's own layer, around every handler and both fallbacks: gives the request its
/// id (`X-Request-Id` as sent, else a new one) and echoes it on the response, catches a
/// panic of the service it wraps (answered `500`), and renders every response that the
/// style did not render (the fallbacks' 404 and 405, a 413, a panic) in the style, keeping
/// `Allow`. One layer rather than five (request id, propagation, panics, rate limit,
/// restyling): each layer costs allocations on every request.
#[derive(Clone)]
struct StyleLayer {
    shared: Arc<StyleShared>,
    /// The operation it wraps (`None`: a fallback), for its span.
    #[cfg(feature = "tracing")]
    op: Option<&'static OpInfo>,
}

/// What the style layer keeps for every request: one reference-counted pointer to clone
/// per request rather than one per part.
struct StyleShared {
    settings: Arc<Settings>,
    ids: RequestIds,
}

// Associated functions rather than free ones: the free functions of this module are
// named after the operations.
impl StyleLayer {
    /// The wire spec ([`RouterBuilder::serve_openapi`]).
    async fn openapi<O: Operations>() -> Response {
        let mut response = Response::new(Body::from(O::OPENAPI_JSON));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }

    /// The fallback for an unknown route: a bare `404` the style layer renders (or `429`,
    /// when the client's address is over the rate limit).
    async fn not_found<O: Operations>(
        State(app): State<Arc<App<O>>>,
        request: Request,
    ) -> Response {
        if let Some(refusal) = app.limit_anonymous(&request) {
            return refusal;
        }
        StatusCode::NOT_FOUND.into_response()
    }

    /// The fallback for a method a route does not take: a bare `405` the style layer
    /// renders, with `Allow` as axum writes it (which it adds only after the layers); or
    /// `429`, when the client's address is over the rate limit.
    async fn method_not_allowed<O: Operations>(
        State(app): State<Arc<App<O>>>,
        request: Request,
    ) -> Response {
        if let Some(refusal) = app.limit_anonymous(&request) {
            return refusal;
        }
        let route = request.extensions().get::<axum::extract::MatchedPath>();
        // Nested (`Router::nest`), the matched template has the prefix and the URI has
        // not: the route's template is the matched one's last segments, as many as the
        // URI's path has.
        let segments = request.uri().path().matches('/').count();
        let allow = route.map_or_else(String::new, |route| {
            let route = route.as_str();
            let start = route
                .rmatch_indices('/')
                .nth(segments.saturating_sub(1))
                .map_or(0, |(at, _)| at);
            Self::allowed_methods(O::ROUTES, &route[start..])
        });
        let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
        if let Ok(allow) = HeaderValue::try_from(allow) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }

    /// The methods a route takes, as axum lists them in `Allow`: per route added, in order,
    /// its method (`GET` with `HEAD`), comma-separated. `route` is the matched template,
    /// with the prefix the router is nested under, if any.
    fn allowed_methods(routes: &[Route], route: &str) -> String {
        let mut allow = String::new();
        for candidate in routes {
            if candidate.path == route {
                if !allow.is_empty() {
                    allow.push(',');
                }
                allow.push_str(candidate.allow);
            }
        }
        allow
    }
}

impl<S> tower::Layer<S> for StyleLayer {
    type Service = StyleService<Layered<S>>;

    fn layer(&self, inner: S) -> Self::Service {
        self.wrap(Layered(inner))
    }
}

impl StyleLayer {
    fn wrap<I>(&self, inner: I) -> StyleService<I> {
        StyleService {
            inner,
            shared: self.shared.clone(),
            #[cfg(feature = "tracing")]
            op: self.op,
        }
    }
}

#[derive(Clone)]
struct StyleService<I> {
    inner: I,
    shared: Arc<StyleShared>,
    #[cfg(feature = "tracing")]
    op: Option<&'static OpInfo>,
}

/// What the style layer hands a request on to, with the id it gave the request.
trait Inner {
    type Response: IntoResponse;
    type Future: Future<Output = Result<Self::Response, Infallible>> + Unpin + Send + 'static;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>>;

    /// `sent`: the request carries the id in its `X-Request-Id` already.
    fn call(&mut self, request: Request, request_id: &HeaderValue, sent: bool) -> Self::Future;
}

/// A service under the style layer (user layers, the body limit, a fallback): the request
/// carries its id in `X-Request-Id`, where they and the operation read it.
#[derive(Clone)]
struct Layered<S>(S);

impl<S> Inner for Layered<S>
where
    S: tower::Service<Request, Error = Infallible>,
    S::Response: IntoResponse,
    S::Future: Unpin + Send + 'static,
{
    type Response = S::Response;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request, request_id: &HeaderValue, sent: bool) -> S::Future {
        if !sent {
            request.headers_mut().insert(REQUEST_ID, request_id.clone());
        }
        self.0.call(request)
    }
}

/// An operation with nothing between it and the style layer (it reads no body and the
/// router has no user layers): its handler is called with the request's id, which the
/// request then need not carry.
struct Direct<O: Operations> {
    app: Arc<App<O>>,
    operation: Operation<O>,
}

impl<O: Operations> Clone for Direct<O> {
    fn clone(&self) -> Self {
        Self {
            app: self.app.clone(),
            operation: self.operation,
        }
    }
}

impl<O: Operations> Inner for Direct<O> {
    type Response = Response;
    type Future = futures_util::future::Map<Handling, fn(Reply) -> Result<Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request, request_id: &HeaderValue, sent: bool) -> Self::Future {
        let answer: fn(Reply) -> Result<Response, Infallible> =
            |reply| Ok(reply.unwrap_or_else(|response| response));
        // An id the client did not send in `X-Request-Id` is a `traceparent`'s trace id
        // (hex digits) or one the router generated: text already.
        let request_id = if sent {
            RequestId::from_header(request_id)
        } else {
            RequestId(request_id.clone())
        };
        let routed = Routed {
            op: self.operation.op,
            request_id,
        };
        let handling = (self.operation.handle)(self.app.clone(), request, routed);
        futures_util::FutureExt::map(handling, answer)
    }
}

impl<I: Inner> tower::Service<Request> for StyleService<I> {
    type Response = Response;
    type Error = Infallible;
    type Future = StyleFuture<I::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let (request_id, sent) = match request.headers().get(REQUEST_ID) {
            Some(id) => (id.clone(), true),
            None => {
                let id = trace_id(request.headers()).unwrap_or_else(|| self.shared.ids.next());
                (id, false)
            }
        };
        #[cfg(feature = "tracing")]
        let trace = Trace::start(&request, self.op, &request_id);
        // Cheap clones (reference counted); the exchange is only built for a failure.
        let pending = Pending {
            shared: self.shared.clone(),
            uri: request.uri().clone(),
            method: request.method().clone(),
            request_id,
            #[cfg(feature = "tracing")]
            trace,
        };
        let called = {
            #[cfg(feature = "tracing")]
            let _entered = pending.trace.span.enter();
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.inner.call(request, &pending.request_id, sent)
            }))
        };
        let future = called.map_err(log_panic).ok();
        StyleFuture {
            future,
            pending: Some(pending),
        }
    }
}

/// Notes a panic of the service under the style layer (answered `500`): an `error` event,
/// with the `tracing` feature.
fn log_panic(panic: Box<dyn std::any::Any + Send>) {
    #[cfg(feature = "tracing")]
    {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(a panic without a message)");
        tracing::error!("the service panicked: {message}");
    }
    drop(panic);
}

/// The style layer's response future: the inner service's response (`500` when it
/// panicked), restyled when the style did not render it, with the request id echoed. Not
/// boxed: every future below the layer is `Unpin`, so this one is too.
struct StyleFuture<F> {
    /// The inner service's future; `None` once it panicked (or calling the service did).
    future: Option<F>,
    pending: Option<Pending>,
}

/// What the style layer needs once the inner service has answered.
struct Pending {
    shared: Arc<StyleShared>,
    uri: axum::http::Uri,
    method: axum::http::Method,
    request_id: HeaderValue,
    #[cfg(feature = "tracing")]
    trace: Trace,
}

/// The request's id from a W3C `traceparent` header (`00-<trace id>-<parent id>-<flags>`):
/// its trace id, when the header is well-formed and the id not all zeros.
fn trace_id(headers: &HeaderMap) -> Option<HeaderValue> {
    let value = headers.get(TRACEPARENT)?.as_bytes();
    let hex = |bytes: &[u8]| {
        bytes
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    };
    let fields: [&[u8]; 4] = [
        value.get(..2)?,
        value.get(3..35)?,
        value.get(36..52)?,
        value.get(53..55)?,
    ];
    let well_formed = fields.iter().all(|field| hex(field))
        && value.get(2) == Some(&b'-')
        && value.get(35) == Some(&b'-')
        && value.get(52) == Some(&b'-')
        && fields[0] != b"ff"
        && (value.len() == 55 || (fields[0] != b"00" && value.get(55) == Some(&b'-')))
        && fields[1].iter().any(|&b| b != b'0')
        && fields[2].iter().any(|&b| b != b'0');
    well_formed
        .then(|| HeaderValue::from_bytes(fields[1]).ok())
        .flatten()
}

/// The request's `tracing` span (`request`): the operation id, request id, method and
/// matched path when the request arrives, the status and latency (milliseconds) when the
/// answer is ready. Without a subscriber interested in it, the span is disabled and
/// nothing is measured; nor is anything read for its fields: `tracing`'s fallback to `log`
/// (its `log` feature, which axum's default features turn on) would otherwise compute them
/// for every request, to find that no logger wants them.
#[cfg(feature = "tracing")]
struct Trace {
    span: tracing::Span,
    started: Option<std::time::Instant>,
}

#[cfg(feature = "tracing")]
impl Trace {
    fn start(request: &Request, op: Option<&'static OpInfo>, request_id: &HeaderValue) -> Self {
        let span = tracing::info_span!(
            "request",
            operation_id = op.map_or("", |op| op.operation_id),
            request_id = tracing::field::display(Lazy(|f: &mut std::fmt::Formatter<'_>| {
                f.write_str(request_id.to_str().unwrap_or_default())
            })),
            method = request.method().as_str(),
            path = tracing::field::display(Lazy(|f: &mut std::fmt::Formatter<'_>| {
                let path = request.extensions().get::<axum::extract::MatchedPath>();
                f.write_str(path.map_or("", axum::extract::MatchedPath::as_str))
            })),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = (!span.is_disabled()).then(std::time::Instant::now);
        Self { span, started }
    }

    fn finish(&self, response: &Response) {
        if let Some(started) = self.started {
            self.span.record("status", response.status().as_u16());
            self.span
                .record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        }
    }
}

/// A span field computed only when a subscriber (or logger) records it.
#[cfg(feature = "tracing")]
struct Lazy<F>(F);

#[cfg(feature = "tracing")]
impl<F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result> std::fmt::Display for Lazy<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.0)(f)
    }
}

impl<F, R> Future for StyleFuture<F>
where
    F: Future<Output = Result<R, Infallible>> + Unpin,
    R: IntoResponse,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        #[cfg(feature = "tracing")]
        let entered = this
            .pending
            .as_ref()
            .map(|pending| pending.trace.span.enter());
        let response = match &mut this.future {
            Some(future) => {
                let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    Pin::new(future).poll(cx)
                }));
                match polled {
                    Ok(Poll::Ready(Ok(response))) => response.into_response(),
                    Ok(Poll::Ready(Err(never))) => match never {},
                    Ok(Poll::Pending) => return Poll::Pending,
                    Err(panic) => {
                        this.future = None;
                        log_panic(panic);
                        StatusCode::INTERNAL_SERVER_ERROR.into_response()
                    }
                }
            }
            None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
        #[cfg(feature = "tracing")]
        drop(entered);
        let Pending {
            shared,
            uri,
            method,
            request_id,
            #[cfg(feature = "tracing")]
            trace,
        } = this
            .pending
            .take()
            .expect("StyleFuture polled after completion");
        let response = restyle(&shared.settings, &uri, &request_id, &method, response);
        #[cfg(feature = "tracing")]
        trace.finish(&response);
        Poll::Ready(Ok(echo_request_id(response, request_id)))
    }
}

/// Sets `X-Request-Id` on a response (only this sets it: handlers' headers never do).
fn echo_request_id(mut response: Response, request_id: HeaderValue) -> Response {
    response.headers_mut().insert(REQUEST_ID, request_id);
    response
}

/// Renders a response in the style unless the style rendered it or it is a success.
fn restyle(
    settings: &Settings,
    uri: &axum::http::Uri,
    request_id: &HeaderValue,
    method: &axum::http::Method,
    response: Response,
) -> Response {
    let status = response.status();
    if response.extensions().get::<Styled>().is_some()
        || !(status.is_client_error() || status.is_server_error())
    {
        return response;
    }
    let ex = Exchange::build(RequestId::from_header(request_id), uri, settings, None);
    if let Some(error) = response.extensions().get::<ApiError>() {
        // An `ApiError` answered as a response (`IntoResponse`): rendered in the style,
        // keeping the headers its answer set besides the body's.
        let mut styled = ex.reject(error);
        let own: Vec<HeaderName> = styled.headers().keys().cloned().collect();
        for (name, value) in response.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && !own.contains(name)
            {
                styled.headers_mut().append(name, value.clone());
            }
        }
        return styled;
    }
    let path = ex.uri.path();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::not_found(format!("no operation at `{path}`")),
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed: Vec<&str> = response
                .headers()
                .get_all(header::ALLOW)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
                .collect();
            let allowed = allowed.join(", ");
            ApiError::new(
                status,
                format!("`{method}` is not allowed on `{path}`; allowed: {allowed}"),
            )
        }
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            format!(
                "the request body is larger than {} bytes",
                settings.body_limit
            ),
        ),
        StatusCode::INTERNAL_SERVER_ERROR => {
            ApiError::internal("the server failed to handle the request")
        }
        StatusCode::REQUEST_TIMEOUT => ApiError::new(status, "the request took too long"),
        StatusCode::SERVICE_UNAVAILABLE => {
            ApiError::unavailable("the server is overloaded; retry later")
        }
        _ => ApiError::new(
            status,
            status.canonical_reason().unwrap_or("request failed"),
        ),
    };
    let mut styled = ex.reject(&error);
    if let Some(allow) = response.headers().get(header::ALLOW) {
        styled.headers_mut().insert(header::ALLOW, allow.clone());
    }
    styled
}

/// What a rate-limit bucket is kept for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum LimitKey {
    /// A client address (IPv6: its `/64` network).
    Address(IpAddr),
    /// An authenticated principal's subject.
    Principal(Box<str>),
}

/// The rate limiter: governor's keyed limiter, pruned so that it stays bounded.
struct Limiter {
    limiter: governor::DefaultKeyedRateLimiter<LimitKey>,
    forwarded_header: Option<HeaderName>,
    max_keys: usize,
    /// Checks since the limiter was made, to prune once per [`PRUNE_EVERY`].
    checks: AtomicUsize,
    /// More than `max_keys` keys were active at the last pruning.
    full: AtomicBool,
}

impl Limiter {
    fn new(limit: RateLimit) -> Self {
        let quota = governor::Quota::per_second(limit.per_second).allow_burst(limit.burst);
        Self {
            limiter: governor::RateLimiter::dashmap(quota),
            forwarded_header: limit.forwarded_header,
            max_keys: limit.max_keys,
            checks: AtomicUsize::new(0),
            full: AtomicBool::new(false),
        }
    }

    /// The client address of a request: the trusted forwarded header's last entry when
    /// configured and readable, else the peer address; IPv6 addresses by their `/64`.
    fn address(&self, headers: &HeaderMap, extensions: &axum::http::Extensions) -> IpAddr {
        let forwarded = self.forwarded_header.as_ref().and_then(|name| {
            let value = headers.get_all(name).iter().next_back()?.to_str().ok()?;
            value.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        });
        let peer = || {
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
        };
        match forwarded
            .or_else(peer)
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
            .to_canonical()
        {
            IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
            v4 => v4,
        }
    }

    /// Counts a request that is not authenticated against its client address.
    fn check_address(
        &self,
        headers: &HeaderMap,
        extensions: &axum::http::Extensions,
    ) -> Result<(), ApiError> {
        self.prune();
        if self.full.load(Ordering::Relaxed) {
            return Err(ApiError::rate_limited(1));
        }
        self.check(&LimitKey::Address(self.address(headers, extensions)))
    }

    /// Counts an authenticated request against its principal.
    fn check_principal(&self, principal: &Principal) -> Result<(), ApiError> {
        self.prune();
        self.check(&LimitKey::Principal(principal.subject.as_str().into()))
    }

    /// `429` with the seconds to wait when this key is over its rate.
    fn check(&self, key: &LimitKey) -> Result<(), ApiError> {
        self.limiter.check_key(key).map_err(|not_until| {
            use governor::clock::{Clock, DefaultClock};
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds =
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0 || wait == Duration::ZERO);
            ApiError::rate_limited(seconds)
        })
    }

    /// Once per [`PRUNE_EVERY`] checks: drops the keys whose budget is full again, and
    /// notes whether more than `max_keys` are still active (then requests that are not
    /// authenticated are refused until the next pruning finds fewer).
    fn prune(&self) {
        // `PRUNE_EVERY` is a power of two.
        if self.checks.fetch_add(1, Ordering::Relaxed) & (PRUNE_EVERY - 1) != 0 {
            return;
        }
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
        self.full
            .store(self.limiter.len() > self.max_keys, Ordering::Relaxed);
    }
}

// ---------------------------------------------------------------------------------------
// One exchange: what the style needs to render a response
// ---------------------------------------------------------------------------------------

/// What an operation is, for the style: its collection key and place in the path tree.
#[derive(Debug)]
pub struct OpInfo {
    /// The `operationId` (`<method> <path>` when the spec gives none).
    pub operation_id: &'static str,
    /// The collection key (`result` style).
    pub collection_key: &'static str,
    /// Whether the operation addresses one item (`/widgets/{id}`).
    pub addresses_item: bool,
    /// The parent collection's path template, when the path has one.
    pub parent_path: Option<&'static str>,
    /// The security requirements, tried in order (any one satisfied is enough; each needs
    /// all its schemes); empty: the operation is open.
    pub security: &'static [Requirement],
}

/// One request as the style sees it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request's id: `X-Request-Id` as sent, else the trace id of a `traceparent`,
    /// else generated by the router.
    pub request_id: RequestId,
    /// The API version (`info.version`).
    pub api_version: &'static str,
    /// The principal's organisation.
    pub org_id: Option<String>,
    /// The principal's project.
    pub project_id: Option<String>,
    /// The request's URI (cloning shares its bytes: no copy per request).
    uri: axum::http::Uri,
    base_url: Option<Arc<str>>,
    op: Option<&'static OpInfo>,
    render_error: fn(&Exchange, &ApiError) -> Response,
    /// The `Location` the handler set ([`respond`]).
    location: Option<Arc<str>>,
}

impl Exchange {
    fn build(
        request_id: RequestId,
        uri: &axum::http::Uri,
        settings: &Settings,
        op: Option<&'static OpInfo>,
    ) -> Self {
        Self {
            request_id,
            api_version: settings.api_version,
            org_id: None,
            project_id: None,
            uri: uri.clone(),
            base_url: settings.base_url.clone(),
            op,
            render_error: settings.render_error,
            location: None,
        }
    }

    /// The error rendered in the router's style.
    pub fn reject(&self, error: &ApiError) -> Response {
        (self.render_error)(self, error)
    }

    fn url(&self, path_and_query: &str) -> String {
        self.url_from(&[path_and_query])
    }

    /// The base URL (when set) followed by `parts`, in one allocation.
    fn url_from(&self, parts: &[&str]) -> String {
        let base = self.base_url.as_deref().unwrap_or("");
        let mut url =
            String::with_capacity(base.len() + parts.iter().map(|p| p.len()).sum::<usize>());
        url.push_str(base);
        for part in parts {
            url.push_str(part);
        }
        url
    }

    /// The request's path and query as received (absolute with a base URL): borrowed from
    /// the request's URI unless a base URL is set.
    pub fn self_link(&self) -> Cow<'_, str> {
        if self.base_url.is_none() {
            if let Some(received) = self.uri.path_and_query().map(|pq| pq.as_str()) {
                if received.starts_with('/') {
                    return Cow::Borrowed(received);
                }
            }
        }
        Cow::Owned(match self.uri.query() {
            Some(q) => self.url_from(&[self.uri.path(), "?", q]),
            None => self.url_from(&[self.uri.path()]),
        })
    }

    /// The parent collection's URL, when the operation's path has one: the first segments
    /// of the request's path, borrowed from it unless a base URL is set or the path needs
    /// normalising (empty segments).
    pub fn parent_link(&self) -> Option<Cow<'_, str>> {
        let template = self.op?.parent_path?;
        // Byte loops: these strings are short; `str` patterns cost more than the search.
        let mut depth = 0;
        let mut before = b'/';
        for &b in template.as_bytes() {
            depth += usize::from(b != b'/' && before == b'/');
            before = b;
        }
        let path = self.uri.path();
        if self.base_url.is_none() && depth > 0 && path.starts_with('/') {
            // The path up to the slash after its `depth`-th segment, if no segment on
            // the way is empty (`//`): a slice of the path.
            let mut segments = 0;
            let mut before = 0u8;
            for (at, &b) in path.as_bytes().iter().enumerate() {
                if b == b'/' {
                    if before == b'/' {
                        break;
                    }
                    if segments == depth {
                        return Some(Cow::Borrowed(&path[..at]));
                    }
                } else if before == b'/' {
                    segments += 1;
                }
                before = b;
            }
        }
        let base = self.base_url.as_deref().unwrap_or("");
        let mut url = String::with_capacity(base.len() + path.len() + 1);
        url.push_str(base);
        for segment in path.split('/').filter(|s| !s.is_empty()).take(depth) {
            url.push('/');
            url.push_str(segment);
        }
        if url.len() == base.len() {
            url.push('/');
        }
        Some(Cow::Owned(url))
    }

    /// The request's URL with query parameters `set` (replaced where present, else
    /// appended in order) and `remove`d.
    pub fn link_with(&self, set: &[(&str, String)], remove: &[&str]) -> String {
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(self.uri.query().unwrap_or("")).unwrap_or_default();
        pairs.retain(|(k, _)| !remove.contains(&k.as_str()));
        for (key, value) in set {
            match pairs.iter().position(|(k, _)| k == key) {
                Some(at) => {
                    let mut seen = 0usize;
                    pairs.retain(|(k, _)| {
                        let keep = k != key || seen == 0;
                        if k == key {
                            seen += 1;
                        }
                        keep
                    });
                    if let Some(pair) = pairs.get_mut(at) {
                        pair.1 = value.clone();
                    }
                }
                None => pairs.push((key.to_string(), value.clone())),
            }
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        self.url(&format!("{}?{query}", self.uri.path()))
    }

    /// The request's path, without its query (absolute with a base URL): the collection a
    /// create writes to.
    pub fn path_link(&self) -> String {
        self.url(self.uri.path())
    }

    /// The operation's collection key (`result` style).
    pub fn collection_key(&self) -> &str {
        self.op.map_or("items", |op| op.collection_key)
    }

    /// Whether the operation addresses one item.
    pub fn addresses_item(&self) -> bool {
        self.op.is_some_and(|op| op.addresses_item)
    }

    /// The URL of the item a create saved: the `Location` the handler set, else from the
    /// item's `id`, the request's path plus the id as one more segment.
    pub fn location(&self, saved: Option<&impl Serialize>) -> Option<String> {
        if let Some(location) = &self.location {
            return Some(location.to_string());
        }
        let value = serde_json::to_value(saved?).ok()?;
        let id = match value.get("id")? {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let segment = percent_encoding::utf8_percent_encode(&id, super::vocabulary::PATH_SEGMENT);
        Some(self.url(&format!(
            "{}/{segment}",
            self.uri.path().trim_end_matches('/')
        )))
    }
}

// ---------------------------------------------------------------------------------------
// Reading requests
// ---------------------------------------------------------------------------------------

/// Parses a body as JSON: a failure is 400 (`result`: type `syntax`).
pub fn parse_json(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::malformed(format!("the body is not valid JSON: {e}")))
}

/// Decodes and validates one item; every problem found is reported.
pub fn decode_value<T: DeserializeOwned + Validate>(
    value: serde_json::Value,
) -> Result<T, Vec<Violation>> {
    let mut violations = Vec::new();
    T::validate_raw(&value, "", &mut violations);
    if !violations.is_empty() {
        return Err(violations);
    }
    let item: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let missing = inner
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
            .map(str::to_string);
        let at = (path != ".").then_some(path);
        let field = match (&at, missing) {
            (Some(at), Some(name)) => Some(format!("{at}.{name}")),
            (None, Some(name)) => Some(name),
            (at, None) => at.clone(),
        };
        let message = match at {
            Some(at) => format!("`{at}`: {inner}"),
            None => inner,
        };
        vec![Violation { field, message }]
    })?;
    item.validate("", &mut violations);
    if violations.is_empty() {
        Ok(item)
    } else {
        Err(violations)
    }
}

/// Parses, decodes and validates a body holding one item: any failure is 400 naming the field.
pub fn decode_body<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, ApiError> {
    decode_value(parse_json(body)?).map_err(invalid)
}

/// The error for a request value that broke its schema: 400 `request_invalid` (`result`: 422
/// `content`), every problem in the message, the first named field as its field.
fn invalid(violations: Vec<Violation>) -> ApiError {
    let message = violations
        .iter()
        .map(|v| v.message.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut error = ApiError::bad_request(message);
    error.field = violations.into_iter().find_map(|v| v.field);
    error
}

/// A handler's answer: `Err` too is an answer, already rendered in the style.
pub type Reply = Result<Response, Response>;

// Where every handler starts: it takes the request apart (`Request::into_parts`) and makes
// the exchange before making its future, so that the future holds the parts only, then
// authorizes the request (`App::authorize`) or, for an operation without security, opens
// it (`App::open`).
impl<O: Operations> App<O> {
    /// The exchange of a request routed to an operation: what the style renders its answers
    /// with.
    pub fn exchange(&self, parts: &Parts, routed: Routed) -> Exchange {
        Exchange::build(
            routed.request_id,
            &parts.uri,
            &self.settings,
            Some(routed.op),
        )
    }

    /// Authenticates the request (and counts it against the rate limit) and moves its
    /// headers into the context (no copy): later steps read them from there. The
    /// extensions follow once the parameters and the body are read. A refusal is already
    /// rendered in the style.
    pub async fn authorize(
        &self,
        ex: &mut Exchange,
        parts: &mut Parts,
    ) -> Result<RequestContext, Response> {
        let requirements = ex.op.map_or(&[][..], |op| op.security);
        if requirements.is_empty() {
            return self.admit(ex, parts);
        }
        let principal = match self.authenticate(requirements, parts).await {
            Ok((principal, by_credential)) => {
                if let Some(limiter) = &self.limiter {
                    // A principal accepted without credentials is not authenticated:
                    // counted by address.
                    let counted = if by_credential {
                        limiter.check_principal(&principal)
                    } else {
                        limiter.check_address(&parts.headers, &parts.extensions)
                    };
                    counted.map_err(|error| ex.reject(&error))?;
                }
                ex.org_id.clone_from(&principal.org_id);
                ex.project_id.clone_from(&principal.project_id);
                Some(principal)
            }
            Err(error) => {
                // Not authenticated: counted against the client's address, and over
                // its rate the answer is 429 rather than the refusal.
                if let Some(limiter) = &self.limiter {
                    limiter
                        .check_address(&parts.headers, &parts.extensions)
                        .map_err(|error| ex.reject(&error))?;
                }
                return Err(ex.reject(&error));
            }
        };
        Ok(Self::context(ex, parts, principal))
    }

    /// Admits a request to an operation without security (counted against the rate limit
    /// by the client's address), as [`App::authorize`] does, without a step to wait for: an
    /// open operation's future holds no authorization. An operation that has security is
    /// refused (`500`): it must be authorized.
    pub fn open(&self, ex: &mut Exchange, parts: &mut Parts) -> Result<RequestContext, Response> {
        if let Some(op) = ex.op.filter(|op| !op.security.is_empty()) {
            return Err(ex.reject(&ApiError::internal(format!(
                "`{}` has security: it must be authorized (`App::authorize`)",
                op.operation_id
            ))));
        }
        self.admit(ex, parts)
    }

    /// Admits a request to an operation without security: counted against the rate limit
    /// by the client's address.
    fn admit(&self, ex: &mut Exchange, parts: &mut Parts) -> Result<RequestContext, Response> {
        if let Some(limiter) = &self.limiter {
            limiter
                .check_address(&parts.headers, &parts.extensions)
                .map_err(|error| ex.reject(&error))?;
        }
        Ok(Self::context(ex, parts, None))
    }

    /// The context of an admitted request; its headers and URI move into it (no copy): the
    /// steps after it read the query from the exchange.
    fn context(ex: &Exchange, parts: &mut Parts, principal: Option<Principal>) -> RequestContext {
        RequestContext {
            request_id: ex.request_id.clone(),
            principal,
            headers: std::mem::take(&mut parts.headers),
            method: parts.method.clone(),
            uri: std::mem::take(&mut parts.uri),
            operation_id: ex.op.map_or("", |op| op.operation_id),
            // Moved in once the parameters and the body are read (axum reads both from
            // the extensions): `take_extensions`, `write_body`, `optional_write_body`.
            extensions: Extensions::new(),
            response_headers: ResponseHeaders::default(),
        }
    }

    /// Tries the operation's security requirements in order: the first one whose schemes
    /// all have a credential in the request, that `Api::authenticate` accepts, and whose
    /// scopes the principal holds, gives the principal (`true`: by credentials). When no
    /// requirement is complete, `authenticate` is asked once with no credentials (the
    /// generated default refuses: 401 `token_missing`), and a principal it gives must hold
    /// the scopes of one of the requirements (`false`: not by credentials). Otherwise the
    /// first refusal: `authenticate`'s error, or 403 `forbidden` for a missing scope. A
    /// scheme the router does not know is never satisfied.
    async fn authenticate(
        &self,
        requirements: &'static [Requirement],
        parts: &Parts,
    ) -> Result<(Principal, bool), ApiError> {
        let mut refusal: Option<ApiError> = None;
        let mut asked = false;
        for requirement in requirements {
            let credentials = requirement
                .iter()
                .map(|used| {
                    let scheme = O::SECURITY_SCHEMES
                        .iter()
                        .find(|scheme| scheme.name == used.scheme)?;
                    Some(Credential {
                        scheme: scheme.name,
                        kind: scheme.kind,
                        scopes: used.scopes,
                        secret: scheme.extract(parts)?,
                    })
                })
                .collect::<Option<Vec<_>>>();
            let Some(credentials) = credentials else {
                continue;
            };
            asked = true;
            match O::authenticate(&self.api, AuthRequest { credentials }).await {
                Ok(principal) => match missing_scope(requirement, &principal) {
                    None => return Ok((principal, true)),
                    Some(error) => {
                        refusal.get_or_insert(error);
                    }
                },
                Err(error) => {
                    refusal.get_or_insert(error);
                }
            }
        }
        if asked {
            return Err(refusal.unwrap_or_else(ApiError::token_missing));
        }
        let request = AuthRequest {
            credentials: Vec::new(),
        };
        let principal = O::authenticate(&self.api, request).await?;
        let mut scoped = requirements
            .iter()
            .map(|requirement| missing_scope(requirement, &principal));
        match scoped.find(Option::is_none) {
            Some(_) => Ok((principal, false)),
            None => {
                Err(missing_scope(requirements[0], &principal)
                    .unwrap_or_else(ApiError::token_missing))
            }
        }
    }

    /// `429` in the style when a request that is not authenticated (an unknown route, a
    /// method a route does not take) is over its address's rate.
    fn limit_anonymous(&self, request: &Request) -> Option<Response> {
        let limiter = self.limiter.as_ref()?;
        let error = limiter
            .check_address(request.headers(), request.extensions())
            .err()?;
        let ex = Exchange::build(
            RequestId::of(request.headers()),
            request.uri(),
            &self.settings,
            None,
        );
        Some(ex.reject(&error))
    }
}

/// 403 `forbidden` naming the first scope of `requirement` that `principal` does not hold.
fn missing_scope(requirement: Requirement, principal: &Principal) -> Option<ApiError> {
    let scope = requirement
        .iter()
        .flat_map(|used| used.scopes)
        .find(|scope| !principal.scopes.iter().any(|held| held == *scope))?;
    Some(ApiError::forbidden(format!(
        "this operation needs the scope `{scope}`"
    )))
}

/// A security scheme of the spec, as the router reads credentials for it.
#[derive(Debug)]
pub struct SecurityScheme {
    /// The scheme's name in the spec.
    pub name: &'static str,
    /// What kind of scheme it is.
    pub kind: SchemeKind,
    /// The header, query parameter or cookie of an API key; the scheme name of an http
    /// scheme other than bearer and basic.
    pub parameter: Option<&'static str>,
}

impl SecurityScheme {
    /// The credential the request presents for this scheme, if any.
    fn extract(&self, parts: &Parts) -> Option<Secret> {
        let authorization = || {
            let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
            let (scheme, rest) = value.split_once(' ')?;
            Some((value, scheme, rest.trim()))
        };
        let bearer = || match authorization()? {
            (_, scheme, token) if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() => {
                Some(Secret::Token(token.to_string()))
            }
            _ => None,
        };
        let non_empty = |value: String| (!value.is_empty()).then_some(value);
        match self.kind {
            SchemeKind::HttpBearer | SchemeKind::OAuth2 | SchemeKind::OpenIdConnect => bearer(),
            SchemeKind::HttpBasic => match authorization()? {
                (_, scheme, credentials)
                    if scheme.eq_ignore_ascii_case("basic") && !credentials.is_empty() =>
                {
                    Some(Secret::Basic(credentials.to_string()))
                }
                _ => None,
            },
            SchemeKind::Http => match authorization()? {
                (value, scheme, _) if scheme.eq_ignore_ascii_case(self.parameter?) => {
                    Some(Secret::Authorization(value.to_string()))
                }
                _ => None,
            },
            SchemeKind::ApiKeyHeader => {
                let value = parts.headers.get(self.parameter?)?;
                non_empty(String::from_utf8_lossy(value.as_bytes()).into_owned())
                    .map(Secret::ApiKey)
            }
            SchemeKind::ApiKeyQuery => {
                let name = self.parameter?;
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).ok()?;
                let key = pairs.into_iter().find(|(k, _)| k == name)?.1;
                non_empty(key).map(Secret::ApiKey)
            }
            SchemeKind::ApiKeyCookie => {
                let name = self.parameter?;
                parts
                    .headers
                    .get_all(header::COOKIE)
                    .iter()
                    .filter_map(|value| value.to_str().ok())
                    .flat_map(|value| value.split(';'))
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(key, _)| *key == name)
                    .and_then(|(_, value)| {
                        let value = value.trim();
                        let value = value
                            .strip_prefix('"')
                            .and_then(|v| v.strip_suffix('"'))
                            .unwrap_or(value);
                        non_empty(value.to_string())
                    })
                    .map(Secret::ApiKey)
            }
            SchemeKind::MutualTls => parts
                .extensions
                .get::<PeerCertificate>()
                .filter(|chain| !chain.0.is_empty())
                .cloned()
                .map(Secret::Certificate),
        }
    }
}

/// Decodes the path parameters (a tuple, in path order): a failure is 400.
pub async fn path_params<T: DeserializeOwned + Send>(
    ex: &Exchange,
    parts: &mut Parts,
) -> Result<T, Response> {
    match Path::<T>::from_request_parts(parts, &()).await {
        Ok(Path(params)) => Ok(params),
        Err(rejection) => {
            let message = format!("bad path parameter: {}", rejection.body_text());
            Err(ex.reject(&ApiError::bad_request(message).with_type(super::vocabulary::SYNTAX)))
        }
    }
}

/// Refuses a request whose parameters broke their schemas (`violations`, named by where
/// they travel: `path.id`, `query.limit`), as an invalid body is refused.
pub fn params_valid(ex: &Exchange, violations: Vec<Violation>) -> Result<(), Response> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ex.reject(&invalid(violations)))
    }
}

/// Decodes and validates the parameters that travel in `location` (`query`, `header`,
/// `cookie`) from form-encoded `(name, value)` pairs: an array repeats its name, unless it
/// is named in `non_exploded` (one comma-separated value). A value that does not parse is
/// 400 naming the parameter (`query.limit`; `result`: type `syntax`); one that breaks its
/// schema is refused as [`params_valid`] refuses.
fn decode_params<T: DeserializeOwned + Validate>(
    ex: &Exchange,
    location: &str,
    form: &str,
    non_exploded: &[&str],
) -> Result<T, Response> {
    let bad = |field: Option<String>, e: &dyn std::fmt::Display| {
        let message = match &field {
            Some(field) => format!("bad {location} parameter `{field}`: {e}"),
            None => format!("bad {location} parameter: {e}"),
        };
        let mut error = ApiError::bad_request(message).with_type(super::vocabulary::SYNTAX);
        error.field = field;
        ex.reject(&error)
    };
    let split;
    let form = if non_exploded.is_empty() {
        form
    } else {
        let pairs =
            serde_html_form::from_str::<Vec<(String, String)>>(form).map_err(|e| bad(None, &e))?;
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .flat_map(|(name, value)| {
                if non_exploded.contains(&name.as_str()) {
                    value
                        .split(',')
                        .map(|item| (name.clone(), item.trim().to_string()))
                        .collect()
                } else {
                    vec![(name, value)]
                }
            })
            .collect();
        split = serde_html_form::to_string(&pairs).map_err(|e| bad(None, &e))?;
        split.as_str()
    };
    let deserializer = serde_html_form::Deserializer::from_bytes(form.as_bytes());
    let value: T = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let missing = inner
            .to_string()
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
            .map(str::to_string);
        let field = match missing {
            Some(name) => Some(name),
            None => Some(path).filter(|p| p != "."),
        };
        bad(field.map(|f| format!("{location}.{f}")), &inner)
    })?;
    let mut violations = Vec::new();
    value.validate(location, &mut violations);
    params_valid(ex, violations)?;
    Ok(value)
}

/// Decodes and validates the query struct (see [`decode_params`]).
pub fn query_params<T: DeserializeOwned + Validate>(
    ex: &Exchange,
    non_exploded: &[&str],
) -> Result<T, Response> {
    decode_params(ex, "query", ex.uri.query().unwrap_or(""), non_exploded)
}

/// Decodes and validates the header struct, whose fields are the headers `names` (as the
/// spec writes them; header names are matched ignoring case). An array is one
/// comma-separated value (style `simple`: every array is in `non_exploded`), or several
/// header lines. A value that is not text is 400 naming the header.
pub fn header_params<T: DeserializeOwned + Validate>(
    ex: &Exchange,
    headers: &HeaderMap,
    names: &[&str],
    non_exploded: &[&str],
) -> Result<T, Response> {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for name in names {
        for value in headers.get_all(*name) {
            let Ok(value) = value.to_str() else {
                let error = ApiError::invalid(
                    format!("header.{name}"),
                    format!("the header `{name}` is not text"),
                )
                .with_type(super::vocabulary::SYNTAX);
                return Err(ex.reject(&error));
            };
            pairs.push((name, value.trim()));
        }
    }
    let form = serde_html_form::to_string(&pairs)
        .map_err(|e| ex.reject(&ApiError::bad_request(format!("bad header parameter: {e}"))))?;
    decode_params(ex, "header", &form, non_exploded)
}

/// Decodes and validates the cookie struct from the request's cookies
/// ([`RequestContext::cookies`]), whose names and values travel form-encoded (percent-encoded,
/// as the generated client sends them). An array repeats its cookie, or is one
/// comma-separated value when named in `non_exploded`.
pub fn cookie_params<T: DeserializeOwned + Validate>(
    ex: &Exchange,
    ctx: &RequestContext,
    non_exploded: &[&str],
) -> Result<T, Response> {
    // A `&` sent unencoded is part of the value, not a separator.
    let form = ctx
        .cookies()
        .map(|(name, value)| format!("{name}={value}").replace('&', "%26"))
        .collect::<Vec<_>>()
        .join("&");
    decode_params(ex, "cookie", &form, non_exploded)
}

/// Reads the style's pagination query parameters: a failure is 400.
pub fn page_request<S: ServerStyle>(ex: &Exchange) -> Result<S::PageRequest, Response> {
    S::page_request(ex.uri.query()).map_err(|e| ex.reject(&e))
}

/// Reads the body bytes: the content type must be JSON, the size within the limit. The
/// request's extensions move into the context.
async fn body_bytes(
    ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
) -> Result<Bytes, Response> {
    let bytes = read_bytes(ex, ctx, parts, body).await?;
    let json = ctx
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        });
    if !json && !bytes.is_empty() {
        let message = "the body must be sent as `application/json`";
        return Err(ex.reject(
            &ApiError::invalid("Content-Type", message).with_type(super::vocabulary::SYNTAX),
        ));
    }
    Ok(bytes)
}

/// The body as the router's limit lets it through (axum's own limit, disabled on these
/// routes, is applied as axum would); the request's extensions move into the context.
fn limited_body(ctx: &mut RequestContext, parts: Parts, body: Body) -> Body {
    let request = axum::RequestExt::with_limited_body(Request::from_parts(parts, body));
    let (mut parts, body) = request.into_parts();
    ctx.extensions = std::mem::take(&mut parts.extensions);
    body
}

/// Reads the whole body (within the limit); the request's extensions move into the context.
async fn read_bytes(
    ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
) -> Result<Bytes, Response> {
    let body = limited_body(ctx, parts, body);
    match http_body_util::BodyExt::collect(body).await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => Err(ex.reject(&body_error(&error))),
    }
}

/// What failed while a body was read: `413` past the body limit, else `400`.
fn body_error(error: &axum::Error) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        // The limit's error, maybe boxed on the way (which hides its type, not its text).
        if cause.is::<http_body_util::LengthLimitError>()
            || cause.to_string() == "length limit exceeded"
        {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is too large",
            );
        }
        source = cause.source();
    }
    ApiError::bad_request(format!("the request body could not be read: {error}"))
}

/// Reads a required write body into its items, as the style carries them; the request's
/// extensions move into the context.
pub async fn write_body<S: ServerStyle, T: DeserializeOwned + Validate>(
    ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
) -> Result<Vec<T>, Response> {
    let bytes = body_bytes(ex, ctx, parts, body).await?;
    if bytes.is_empty() {
        return Err(ex.reject(&ApiError::bad_request("this operation needs a JSON body")));
    }
    S::decode_write(ex, &bytes)
}

/// Reads an optional write body into its items (one `None` when there is no body); the
/// request's extensions move into the context.
pub async fn optional_write_body<S: ServerStyle, T: DeserializeOwned + Validate>(
    ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
) -> Result<Vec<Option<T>>, Response> {
    let bytes = body_bytes(ex, ctx, parts, body).await?;
    if bytes.is_empty() {
        return Ok(vec![None]);
    }
    Ok(S::decode_write(ex, &bytes)?.into_iter().map(Some).collect())
}

// ---------------------------------------------------------------------------------------
// Bodies that are not JSON (see `super::body`), and content negotiation
// ---------------------------------------------------------------------------------------

/// A body that went wrong while the handler read it: `413` past the body limit, else `400`.
impl From<BodyError> for ApiError {
    fn from(error: BodyError) -> Self {
        if error.is_too_large() {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is too large",
            )
        } else {
            ApiError::bad_request(error.to_string())
        }
    }
}

/// Which of the operation's request media types (`declared`, as the spec lists them) the
/// request's `Content-Type` is: its index. Another (or none) is `415`.
pub fn request_media(
    ex: &Exchange,
    headers: &HeaderMap,
    declared: &[&str],
) -> Result<usize, Response> {
    let sent = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(at) = declared.iter().position(|d| media_matches(d, sent)) {
        return Ok(at);
    }
    let message = format!(
        "the body must be sent as {}; got {}",
        declared.join(" or "),
        if sent.is_empty() {
            "no Content-Type"
        } else {
            sent
        }
    );
    Err(ex.reject(
        &ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message).with_field("Content-Type"),
    ))
}

/// Which of the operation's response media types (`offered`, as the spec lists them) the
/// request's `Accept` prefers (by quality, then the spec's order): its index. No `Accept`
/// takes the first; an `Accept` that none fits is `406`.
pub fn response_media(
    ex: &Exchange,
    headers: &HeaderMap,
    offered: &[&str],
) -> Result<usize, Response> {
    let ranges: Vec<(&str, f32)> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|range| {
            let mut params = range.split(';');
            let media = params.next()?.trim();
            let quality = params
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!media.is_empty()).then_some((media, quality))
        })
        .collect();
    if ranges.is_empty() {
        return Ok(0);
    }
    let quality = |offer: &str| {
        ranges
            .iter()
            .filter(|(range, _)| media_matches(range, offer) || media_matches(offer, range))
            .map(|(_, q)| *q)
            .fold(None, |best: Option<f32>, q| {
                Some(best.map_or(q, |b| b.max(q)))
            })
    };
    let mut best: Option<(usize, f32)> = None;
    for (at, offer) in offered.iter().enumerate() {
        if let Some(q) = quality(offer).filter(|q| *q > 0.0) {
            if best.is_none_or(|(_, b)| q > b) {
                best = Some((at, q));
            }
        }
    }
    match best {
        Some((at, _)) => Ok(at),
        None => {
            let message = format!("this operation answers {}", offered.join(" or "));
            Err(ex.reject(
                &ApiError::new(StatusCode::NOT_ACCEPTABLE, message)
                    .with_kind("not_acceptable")
                    .with_field("Accept"),
            ))
        }
    }
}

/// The request body as a stream of bytes, within the body limit (past it, the stream fails
/// with a [`BodyError`] that `?` turns into `413`); the request's extensions move into the
/// context.
pub async fn binary_body(
    _ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
) -> Result<Binary, Response> {
    let text = |name| {
        ctx.headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let content_type = text(header::CONTENT_TYPE).map(str::to_string);
    let length = text(header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    let body = limited_body(ctx, parts, body);
    let stream = futures_util::StreamExt::map(body.into_data_stream(), |chunk| {
        chunk.map_err(|error| {
            if body_error(&error).status == StatusCode::PAYLOAD_TOO_LARGE {
                BodyError::too_large(error)
            } else {
                BodyError::new(error)
            }
        })
    });
    let mut binary = Binary::from_stream(stream);
    if let Some(content_type) = content_type {
        binary = binary.with_content_type(content_type);
    }
    if let Some(length) = length {
        binary = binary.with_length(length);
    }
    Ok(binary)
}

/// The request body as text (UTF-8), within the body limit.
pub async fn text_body(
    ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
) -> Result<String, Response> {
    let bytes = read_bytes(ex, ctx, parts, body).await?;
    String::from_utf8(bytes.into())
        .map_err(|_| ex.reject(&ApiError::malformed("the body is not valid UTF-8 text")))
}

/// The request body as an `application/x-www-form-urlencoded` form of `T`, decoded and
/// validated: a failure is 400 naming the field.
pub async fn form_body<T: DeserializeOwned + Validate>(
    ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
) -> Result<T, Response> {
    let bytes = read_bytes(ex, ctx, parts, body).await?;
    let item: T = serde_html_form::from_bytes(&bytes).map_err(|e| {
        ex.reject(&ApiError::malformed(format!(
            "the form does not decode: {e}"
        )))
    })?;
    let mut violations = Vec::new();
    item.validate("", &mut violations);
    match violations.into_iter().next() {
        None => Ok(item),
        Some(first) => {
            let mut error = ApiError::bad_request(first.message);
            error.field = first.field;
            Err(ex.reject(&error))
        }
    }
}

/// The parts of a `multipart/form-data` body, read within the body limit: the files
/// (parts named in `files`, or sent with a file name) and the text of every other part.
/// `encoding`: the spec's `encoding` content types by field (a file of another type is
/// `415`). The request's extensions move into the context.
pub async fn multipart_body(
    ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
    files: &[&str],
    encoding: &[(&str, &str)],
) -> Result<FormParts, Response> {
    use axum::extract::FromRequest;
    let mut request = Request::from_parts(parts, body);
    if let Some(content_type) = ctx.headers.get(header::CONTENT_TYPE) {
        request
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    // The multipart reader applies the body limit from the extensions: they stay with the
    // request, and the context gets a copy.
    ctx.extensions = request.extensions().clone();
    let refuse = |status: StatusCode, message: String| ex.reject(&ApiError::new(status, message));
    let mut multipart = axum::extract::Multipart::from_request(request, &())
        .await
        .map_err(|e| refuse(e.status(), e.body_text()))?;
    let mut form = FormParts::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(refuse(e.status(), e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let is_file = file_name.is_some() || files.contains(&name.as_str());
        let bytes = field
            .bytes()
            .await
            .map_err(|e| refuse(e.status(), e.body_text()))?;
        if !is_file {
            let text = String::from_utf8(bytes.into()).map_err(|_| {
                ex.reject(&ApiError::invalid(
                    name.clone(),
                    format!("the part `{name}` is not valid UTF-8 text"),
                ))
            })?;
            form.texts.push((name, text));
            continue;
        }
        let declared = encoding.iter().find(|(field, _)| *field == name);
        if let (Some((_, declared)), Some(sent)) = (declared, &content_type) {
            if !declared.split(',').any(|d| media_matches(d.trim(), sent)) {
                let message = format!("the file `{name}` must be {declared}; got {sent}");
                return Err(ex.reject(
                    &ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message).with_field(name),
                ));
            }
        }
        let mut body = Binary::from_bytes(bytes);
        if let Some(content_type) = &content_type {
            body = body.with_content_type(content_type.clone());
        }
        form.files.push((
            name,
            FilePart {
                file_name,
                content_type,
                body,
            },
        ));
    }
    Ok(form)
}

/// The parts of a `multipart/form-data` body ([`multipart_body`]), taken apart into a
/// generated form struct by field name.
#[derive(Debug, Default)]
pub struct FormParts {
    texts: Vec<(String, String)>,
    files: Vec<(String, FilePart)>,
}

impl FormParts {
    /// A field's value from the text of its parts (several parts for an array, none for
    /// `None`), as a query parameter's: 400 naming the field when it does not decode.
    pub fn value<T: DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        #[derive(serde::Deserialize)]
        struct One<T> {
            v: T,
        }
        let pairs: Vec<(&str, &str)> = self
            .texts
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, text)| ("v", text.as_str()))
            .collect();
        let bad = |e: &dyn std::fmt::Display| {
            let message = format!("the part `{name}` {e}").replace("field `v`", "value");
            ApiError::invalid(name, message).with_type(super::vocabulary::SYNTAX)
        };
        let query = serde_html_form::to_string(&pairs).map_err(|e| bad(&e))?;
        serde_html_form::from_str::<One<T>>(&query)
            .map(|one| one.v)
            .map_err(|e| bad(&format_args!("does not decode: {e}")))
    }

    /// A field sent as JSON (an object in a form); `None` when it was not sent.
    pub fn optional_json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        let Some((_, text)) = self.texts.iter().find(|(n, _)| n == name) else {
            return Ok(None);
        };
        serde_json::from_str(text).map(Some).map_err(|e| {
            ApiError::invalid(name, format!("the part `{name}` is not valid JSON: {e}"))
                .with_type(super::vocabulary::SYNTAX)
        })
    }

    /// A required field sent as JSON.
    pub fn json<T: DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        self.optional_json(name)?
            .ok_or_else(|| ApiError::invalid(name, format!("the part `{name}` is required")))
    }

    /// The file sent as `name`, if any.
    pub fn optional_file(&mut self, name: &str) -> Option<FilePart> {
        let at = self.files.iter().position(|(n, _)| n == name)?;
        Some(self.files.remove(at).1)
    }

    /// The required file sent as `name`.
    pub fn file(&mut self, name: &str) -> Result<FilePart, ApiError> {
        self.optional_file(name)
            .ok_or_else(|| ApiError::invalid(name, format!("the file `{name}` is required")))
    }

    /// Every file sent as `name`, in order.
    pub fn files(&mut self, name: &str) -> Vec<FilePart> {
        let (named, rest) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|(n, _)| n == name);
        self.files = rest;
        named.into_iter().map(|(_, file)| file).collect::<Vec<_>>()
    }
}

/// The media type a response is sent as: the body's own, else the declared one (a range
/// such as `image/*` is not a media type: `application/octet-stream` then).
fn sent_media<'a>(own: Option<&'a str>, declared: &'a str) -> &'a str {
    own.unwrap_or(if declared.contains('*') {
        "application/octet-stream"
    } else {
        declared
    })
}

fn raw_response(status: StatusCode, media: &str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(media) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// A text success, sent as it is (no envelope in any style) as `media`.
pub fn text_response(status: StatusCode, media: &str, text: String) -> Response {
    let media = if media.contains("charset") || media.contains('*') {
        sent_media(None, media).to_string()
    } else {
        format!("{media}; charset=utf-8")
    };
    raw_response(status, &media, Body::from(text))
}

/// A success of bytes, streamed as they come (no envelope in any style), as the body's
/// media type or else `media`.
pub fn binary_response(status: StatusCode, media: &str, body: Binary) -> Response {
    let media = sent_media(body.content_type(), media).to_string();
    let length = body.length();
    let mut response = raw_response(status, &media, Body::from_stream(body));
    if let Some(length) = length {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

/// An `application/x-www-form-urlencoded` success (no envelope in any style).
pub fn form_response<T: Serialize>(ex: &Exchange, status: StatusCode, item: &T) -> Response {
    match serde_html_form::to_string(item) {
        Ok(form) => raw_response(
            status,
            "application/x-www-form-urlencoded",
            Body::from(form),
        ),
        Err(e) => ex.reject(&ApiError::internal(format!(
            "the answer cannot be written as a form: {e}"
        ))),
    }
}
/// A list operation with a body takes one item.
pub fn exactly_one<T>(ex: &Exchange, items: Vec<T>) -> Result<T, Response> {
    let count = items.len();
    let mut items = items.into_iter();
    match (items.next(), items.next()) {
        (Some(item), None) => Ok(item),
        _ => {
            let message = format!("this operation takes exactly one item, got {count}");
            Err(ex.reject(&ApiError::bad_request(message).with_type(super::vocabulary::CONTENT)))
        }
    }
}

/// The status of a declared success (200 when it is not one).
pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
}

// ---------------------------------------------------------------------------------------
// Batches: a write of many items, handed to the handler at once
// ---------------------------------------------------------------------------------------

/// One item of a batch that the handler refused (a duplicate, a missing reference, a
/// permission refused for that item). The style answers a failure naming it, and nothing of
/// the batch is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRefusal {
    /// The item's 0-based position in the request's collection.
    pub index: usize,
    /// What is wrong with it, for people.
    pub message: String,
    /// The offending field of the item.
    pub field: Option<String>,
}

impl ItemRefusal {
    /// Refuses the item at `index` (0-based, in request order).
    pub fn new(index: usize, message: impl Into<String>) -> Self {
        Self {
            index,
            message: message.into(),
            field: None,
        }
    }

    /// Names the offending field.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// Why a batch write saved nothing: the handler refused some of its items, or the request
/// failed as a whole. `?` turns an [`ApiError`] into [`BatchError::Error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchError {
    /// These items were refused (at least one): the style's failure (`422`) names each.
    Refused(Vec<ItemRefusal>),
    /// The request failed as a whole: rendered as any [`ApiError`].
    Error(ApiError),
}

impl BatchError {
    /// A `Refused` without any item is a handler bug: answered as a `500`.
    pub fn empty_refusal() -> ApiError {
        ApiError::internal("the batch was refused without naming an item")
    }
}

impl From<ApiError> for BatchError {
    fn from(error: ApiError) -> Self {
        Self::Error(error)
    }
}

impl From<ItemRefusal> for BatchError {
    fn from(refusal: ItemRefusal) -> Self {
        Self::Refused(vec![refusal])
    }
}

impl From<Vec<ItemRefusal>> for BatchError {
    fn from(refusals: Vec<ItemRefusal>) -> Self {
        Self::Refused(refusals)
    }
}

/// Reads a batch write's body: its items, and the body as received (for a failure's
/// `rawData`). Without a body, an optional one gives no items and a required one is `400`.
pub async fn write_batch<S: ServerStyle, T: DeserializeOwned + Validate>(
    ex: &Exchange,
    ctx: &mut RequestContext,
    parts: Parts,
    body: Body,
    required: bool,
) -> Result<(Vec<T>, Bytes), Response> {
    let bytes = body_bytes(ex, ctx, parts, body).await?;
    if bytes.is_empty() {
        if required {
            return Err(ex.reject(&ApiError::bad_request("this operation needs a JSON body")));
        }
        return Ok((Vec::new(), bytes));
    }
    let items = S::decode_write(ex, &bytes)?;
    Ok((items, bytes))
}

/// What a batch handler answered, as the router goes on with it: what it saved, or the
/// style's rendering of its refusal or error.
pub fn batch_outcome<S: ServerStyle, R>(
    ex: &Exchange,
    body: &[u8],
    outcome: Result<R, BatchError>,
) -> Result<R, Response> {
    match outcome {
        Ok(saved) => Ok(saved),
        Err(BatchError::Refused(refusals)) if refusals.is_empty() => {
            Err(ex.reject(&BatchError::empty_refusal()))
        }
        Err(BatchError::Refused(refusals)) => Err(S::render_refused(ex, body, refusals)),
        Err(BatchError::Error(error)) => Err(ex.reject(&error)),
    }
}

// ---------------------------------------------------------------------------------------
// The operations: a table of routes, and one handler each
// ---------------------------------------------------------------------------------------

/// An operation as the router sees it: where it is routed, and what it is for the style.
#[derive(Debug)]
pub struct Route {
    /// The axum route (`/widgets/{widget_id}`).
    pub path: &'static str,
    /// The HTTP method.
    pub method: MethodFilter,
    /// Its entry in `Allow`: the method (`GET` with `HEAD`).
    pub allow: &'static str,
    /// It reads a body (the body limit wraps it).
    pub body: bool,
    /// What the operation is, for the style.
    pub op: OpInfo,
}

/// An operation's handler: takes the request (with its operation and id), answers it.
pub type Handle<O> = fn(Arc<App<O>>, Request, Routed) -> Handling;

/// A request as the router hands it to its operation's handler: the operation it was
/// routed to, and the id the style layer gave it.
pub struct Routed {
    /// The operation's facts.
    pub op: &'static OpInfo,
    /// The request's id (`X-Request-Id` as sent, else the trace id of a `traceparent`,
    /// else generated).
    pub request_id: RequestId,
}

/// What a handler returns: the answer (`Err` too is an answer, rendered in the style).
pub type Handling = Pin<Box<dyn Future<Output = Reply> + Send>>;

/// One operation as an axum handler. Every operation is this one type (a table entry), so
/// the router is built in a loop rather than from one handler type per route, which is
/// what a crate with a thousand operations spends its compile time on.
struct Operation<O: Operations> {
    op: &'static OpInfo,
    handle: Handle<O>,
}

impl<O: Operations> Clone for Operation<O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O: Operations> Copy for Operation<O> {}

impl<O: Operations> axum::handler::Handler<(), Arc<App<O>>> for Operation<O> {
    type Future = futures_util::future::Map<Handling, fn(Reply) -> Response>;

    /// Under user layers or the body limit: the style layer wrote the request's id into
    /// its `X-Request-Id`.
    fn call(self, request: Request, app: Arc<App<O>>) -> Self::Future {
        let answer: fn(Reply) -> Response = |reply| reply.unwrap_or_else(|response| response);
        let routed = Routed {
            op: self.op,
            request_id: RequestId::of(request.headers()),
        };
        futures_util::FutureExt::map((self.handle)(app, request, routed), answer)
    }
}

impl Exchange {
    /// The exchange of a request the router did not answer: the server refused it (see
    /// [`super::serve`]). It has no operation, and the request id given (none: empty);
    /// its errors are rendered in `O`'s style.
    pub fn detached<O: Operations>(
        uri: &axum::http::Uri,
        request_id: Option<&HeaderValue>,
    ) -> Self {
        Self {
            request_id: request_id.map(RequestId::from_header).unwrap_or_default(),
            api_version: O::API_VERSION,
            org_id: None,
            project_id: None,
            uri: uri.clone(),
            base_url: None,
            op: None,
            render_error: O::Style::render_error,
            location: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ITEM: OpInfo = OpInfo {
        operation_id: "putThing",
        collection_key: "things",
        addresses_item: true,
        parent_path: Some("/things"),
        security: &[],
    };

    fn exchange(uri: &str, op: &'static OpInfo) -> Exchange {
        Exchange {
            request_id: RequestId::default(),
            api_version: "1",
            org_id: None,
            project_id: None,
            uri: uri.parse().unwrap(),
            base_url: None,
            op: Some(op),
            render_error: |_, error| error.clone().into_response(),
            location: None,
        }
    }

    /// A rendered page as a style writes it: JSON with a pagination header of its own.
    fn page(status: StatusCode) -> Response {
        let mut response = json_response(status, &[1, 2]);
        let headers = response.headers_mut();
        headers.insert("has-more", HeaderValue::from_static("false"));
        response
    }

    #[test]
    fn added_headers_never_replace_the_routers_or_the_styles() {
        let added = ResponseHeaders::default();
        let mine = |name: &'static str, value: &'static str| {
            added.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        };
        mine("content-type", "text/plain");
        mine("x-request-id", "forged");
        mine("has-more", "true");
        mine("cache-control", "no-store");
        mine("set-cookie", "a=1");
        mine("set-cookie", "b=2");
        let mut ex = exchange("/things", &ITEM);
        let response = respond(&mut ex, &added, (), |_| page(StatusCode::OK));
        let headers = response.headers();
        assert_eq!(headers["content-type"], "application/json");
        assert!(!headers.contains_key("x-request-id"));
        assert_eq!(headers["has-more"], "false");
        assert_eq!(headers["cache-control"], "no-store");
        let cookies: Vec<_> = headers.get_all("set-cookie").iter().collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
        // Taken: what is added after the answer is not sent.
        assert!(added.get(&header::CACHE_CONTROL).is_none());
    }

    #[test]
    fn declared_headers_replace_added_ones_and_an_error_carries_neither() {
        #[derive(Clone)]
        struct Declared {
            etag: &'static str,
            age: Option<u32>,
        }
        impl DeclaredHeaders for Declared {
            fn write(self, out: &mut HeaderPairs) -> Result<(), String> {
                out.text(header::ETAG, self.etag.to_string())?;
                out.value(header::AGE, &self.age)
            }
        }
        let added = ResponseHeaders::default();
        added.insert(header::ETAG, HeaderValue::from_static("\"added\""));
        let declared = Declared {
            etag: "\"declared\"",
            age: Some(7),
        };
        let mut ex = exchange("/things/t1", &ITEM);
        let response = respond(&mut ex, &added, declared.clone(), |_| page(StatusCode::OK));
        assert_eq!(response.headers()["etag"], "\"declared\"");
        assert_eq!(response.headers()["age"], "7");

        added.insert(header::ETAG, HeaderValue::from_static("\"added\""));
        let response = respond(&mut ex, &added, declared, |_| page(StatusCode::NOT_FOUND));
        assert!(!response.headers().contains_key("etag"));

        let bad = Declared {
            etag: "line\nbreak",
            age: None,
        };
        let response = respond(&mut ex, &added, bad, |_| page(StatusCode::OK));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);

        // A declared `Location` is the style's and replaces both the added one and the
        // style's own.
        struct Created {
            location: &'static str,
        }
        impl DeclaredHeaders for Created {
            fn write(self, out: &mut HeaderPairs) -> Result<(), String> {
                out.text(header::LOCATION, self.location.to_string())
            }
        }
        added.insert(header::LOCATION, HeaderValue::from_static("/things/added"));
        let declared = Created {
            location: "/things/declared",
        };
        let response = respond(&mut ex, &added, declared, |ex| {
            assert_eq!(
                ex.location(None::<&()>).as_deref(),
                Some("/things/declared")
            );
            let mut response = page(StatusCode::CREATED);
            let derived = HeaderValue::from_static("/things/derived");
            response.headers_mut().insert(header::LOCATION, derived);
            response
        });
        let locations: Vec<_> = response.headers().get_all("location").iter().collect();
        assert_eq!(locations, ["/things/declared"]);
    }

    #[test]
    fn a_location_set_by_the_handler_is_the_styles_and_an_upsert_gets_its_path() {
        let added = ResponseHeaders::default();
        added.insert(header::LOCATION, HeaderValue::from_static("/things/custom"));
        let mut ex = exchange("/things", &ITEM);
        let response = respond(&mut ex, &added, (), |ex| {
            let seen = ex.location(Some(&serde_json::json!({"id": "t9"})));
            assert_eq!(seen.as_deref(), Some("/things/custom"));
            let mut response = page(StatusCode::CREATED);
            let derived = HeaderValue::from_str(&seen.unwrap()).unwrap();
            response.headers_mut().insert(header::LOCATION, derived);
            response
        });
        assert_eq!(response.headers()["location"], "/things/custom");

        // A `201` of an operation addressing one item: its own URL, unless set.
        let mut ex = exchange("/things/t1", &ITEM);
        let none = ResponseHeaders::default();
        let response = respond(&mut ex, &none, (), |_| page(StatusCode::CREATED));
        assert_eq!(response.headers()["location"], "/things/t1");
        let response = respond(&mut ex, &none, (), |_| page(StatusCode::OK));
        assert!(!response.headers().contains_key("location"));
    }
}
