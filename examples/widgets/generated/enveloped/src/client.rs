//! The HTTP client (reqwest).
//!
//! [`Client::new`](crate::client::Client::new) or [`Client::builder`](crate::client::Client::builder) makes a client; it has one async method per operation of
//! the API. Methods return the resource itself; each has a `*_with_meta` twin returning a
//! [`Response`](crate::client::Response) with the status, headers, request id and the response style's [`Metadata`](crate::client::Metadata).
//!
//! List operations take a [`PageRequest`](crate::client::PageRequest) and return one [`Page`](crate::client::Page); [`Client::next_page`](crate::client::Client::next_page) fetches the
//! page after it and the `*_stream` twin yields every item of every page.
//!
//! Writes that create resources also have a `*_batch` twin taking many items. Where the response
//! style accepts a collection in one request, the batch is one atomic request whose
//! invalid items come back as [`Error::Failure`](crate::client::Error::Failure); elsewhere the items are sent one request at a
//! time, in order, stopping at the first error (earlier items stay saved).
//!
//! Every failure is one [`Error`](crate::client::Error). Retries are off unless a [`RetryPolicy`](crate::client::RetryPolicy) is set.
use std::fmt;
use std::time::Duration;
use futures_util::{Stream, TryStreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use crate::style::client as wire;
pub use crate::style::client::{Metadata, PageRequest};
#[allow(unused_imports)]
use crate::types;
/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] replaces it.
pub const DEFAULT_USER_AGENT: &str = concat!(
    env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")
);
/// The request header that carries a request id, echoed by the server.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// How many bytes of an undecodable body [`DecodeError::excerpt`] keeps.
const EXCERPT_LEN: usize = 512;
/// A client of the API.
#[derive(Clone, Debug)]
pub struct Client {
    base_url: Url,
    http: reqwest::Client,
    credentials: Vec<(&'static str, Credential)>,
    headers: HeaderMap,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}
/// Configures a [`Client`]; made by [`Client::builder`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    http: Option<reqwest::Client>,
    secrets: Vec<(&'static str, &'static str, Option<&'static str>, String)>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    user_agent: String,
    retry: RetryPolicy,
}
/// A credential for one security scheme, ready to attach to a request.
#[derive(Clone)]
enum Credential {
    Header(HeaderName, HeaderValue),
    Query(String, String),
    Basic(String, Option<String>),
}
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Header(name, _) => write!(f, "Header({name}, <redacted>)"),
            Credential::Query(name, _) => write!(f, "Query({name}, <redacted>)"),
            Credential::Basic(user, _) => write!(f, "Basic({user}, <redacted>)"),
        }
    }
}
impl Credential {
    /// Builds the credential for a scheme of `kind` (`bearer`, `basic`, `api_key_header`,
    /// `api_key_query`); `name` is the header or query parameter of an API key.
    fn new(kind: &str, name: Option<&str>, secret: &str) -> Result<Self, Error> {
        let invalid = |what: &str| Error::InvalidRequest(
            format!(
                "the {what} cannot be sent in an HTTP header (it holds a line break or a control character)"
            ),
        );
        match (kind, name) {
            ("bearer", _) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {secret}"))
                    .map_err(|_| invalid("bearer token"))?;
                value.set_sensitive(true);
                Ok(Credential::Header(reqwest::header::AUTHORIZATION, value))
            }
            ("basic", _) => {
                Ok(
                    match secret.split_once(':') {
                        Some((user, password)) => {
                            Credential::Basic(user.to_owned(), Some(password.to_owned()))
                        }
                        None => Credential::Basic(secret.to_owned(), None),
                    },
                )
            }
            ("api_key_header", Some(name)) => {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| invalid("API key header name"))?;
                let mut value = HeaderValue::from_str(secret)
                    .map_err(|_| invalid("API key"))?;
                value.set_sensitive(true);
                Ok(Credential::Header(name, value))
            }
            ("api_key_query", Some(name)) => {
                Ok(Credential::Query(name.to_owned(), secret.to_owned()))
            }
            _ => {
                Err(
                    Error::InvalidRequest(
                        format!(
                            "security scheme kind `{kind}` is not supported by this client"
                        ),
                    ),
                )
            }
        }
    }
}
/// When and how often a request is sent again.
///
/// Retried: answers `429 Too Many Requests` and `503 Service Unavailable`, waiting as long as their
/// `Retry-After` header says (seconds or an HTTP date) or, without one, an exponential backoff from
/// [`RetryPolicy::base_delay`]; and connection failures or timeouts. Only idempotent methods (`GET`,
/// `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`) are retried unless
/// [`RetryPolicy::retry_non_idempotent`] is set. A wait longer than [`RetryPolicy::max_wait`] is not
/// taken: the error is returned at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; `1` never retries.
    pub max_attempts: u32,
    /// The longest single wait the client accepts before an attempt.
    pub max_wait: Duration,
    /// The first backoff when the server gives no `Retry-After`; doubled on each attempt.
    pub base_delay: Duration,
    /// Whether `POST` and `PATCH` are retried too (only safe when the server deduplicates them).
    pub retry_non_idempotent: bool,
}
impl Default for RetryPolicy {
    /// No retries.
    fn default() -> Self {
        RetryPolicy::retries(0)
    }
}
impl RetryPolicy {
    /// Retry up to `retries` times (so `retries + 1` attempts), waiting at most 60 s at a time.
    pub fn retries(retries: u32) -> Self {
        RetryPolicy {
            max_attempts: retries.saturating_add(1),
            max_wait: Duration::from_secs(60),
            base_delay: Duration::from_millis(200),
            retry_non_idempotent: false,
        }
    }
    /// Sets [`RetryPolicy::max_wait`].
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }
    /// Sets [`RetryPolicy::base_delay`].
    pub fn base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }
    /// Sets [`RetryPolicy::retry_non_idempotent`].
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_wait)
    }
}
impl ClientBuilder {
    /// Sends requests with this `reqwest::Client` (its connection pool, proxies, TLS settings).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }
    /// Adds a header to every request.
    pub fn default_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Gives up on a request (each attempt) after this long.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// Replaces the `User-Agent` header ([`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }
    /// Retries failed requests as `policy` says.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Authenticates with the security scheme "bearerAuth" (bearer).
    pub fn bearer_auth(mut self, secret: impl Into<String>) -> Self {
        self.secrets.push(("bearerAuth", "bearer", None, secret.into()));
        self
    }
    /// Makes the client; fails when the base URL, a header or a credential cannot be used.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = Url::parse(&self.base_url)
            .map_err(|e| Error::InvalidRequest(
                format!("base URL {:?} is not a URL: {e}", self.base_url),
            ))?;
        if base_url.cannot_be_a_base() || !matches!(base_url.scheme(), "http" | "https")
        {
            return Err(
                Error::InvalidRequest(
                    format!(
                        "base URL {:?} must be an http:// or https:// URL", self.base_url
                    ),
                ),
            );
        }
        let mut headers = HeaderMap::new();
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::InvalidRequest(
                format!("user agent {:?} is not a valid header value", self.user_agent),
            ))?;
        headers.insert(reqwest::header::USER_AGENT, user_agent);
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::InvalidRequest(
                    format!("{name:?} is not a valid header name"),
                ))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::InvalidRequest(
                    format!("the value of header {name:?} is not a valid header value"),
                ))?;
            headers.append(header, value);
        }
        let mut credentials = Vec::with_capacity(self.secrets.len());
        for (scheme, kind, name, secret) in &self.secrets {
            credentials.push((*scheme, Credential::new(kind, *name, secret)?));
        }
        Ok(Client {
            base_url,
            http: self.http.unwrap_or_default(),
            credentials,
            headers,
            timeout: self.timeout,
            retry: self.retry,
        })
    }
}
/// What every successful response carries besides its value.
#[derive(Clone, Debug)]
pub struct ResponseInfo {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The server's request id (from the body where the style has one, else `X-Request-Id`).
    pub request_id: Option<String>,
    /// The response style's metadata (envelope meta and links, pagination headers, result metadata).
    pub metadata: Metadata,
}
/// A decoded response: the value and what came with it.
#[derive(Clone, Debug)]
pub struct Response<T> {
    /// The resource.
    pub value: T,
    /// Status, headers, request id and style metadata.
    pub info: ResponseInfo,
}
impl<T> Response<T> {
    /// The resource, without the rest.
    pub fn into_inner(self) -> T {
        self.value
    }
}
/// One page of a list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The items on this page, in the server's order.
    pub items: Vec<T>,
    /// Status, headers, request id and style metadata.
    pub info: ResponseInfo,
    next: Option<Url>,
    call: PageCall,
}
/// How a list was asked for, to ask for its next page the same way.
#[derive(Clone, Debug)]
struct PageCall {
    method: Method,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    security: &'static [&'static str],
    collection: &'static str,
}
impl<T> Page<T> {
    /// Whether the server says there is a page after this one.
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }
    /// The URL of the next page, if any.
    pub fn next_url(&self) -> Option<&Url> {
        self.next.as_ref()
    }
}
/// A response as received, handed to the style module to decode.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The URL the request went to (relative links resolve against it).
    pub url: Url,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}
impl RawResponse {
    /// `X-Request-Id`, when the server sent one.
    pub fn header_request_id(&self) -> Option<String> {
        self.header(REQUEST_ID_HEADER).map(str::to_owned)
    }
    /// A header's value when it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// `Retry-After` as a duration: seconds, or an HTTP date (a past date is zero).
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.header("retry-after")?)
    }
    /// Decodes the body as JSON, or explains why it is not what the API promised.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| self.decode_error(e.to_string()))
    }
    /// A [`Error::Decode`] for this response.
    pub fn decode_error(&self, reason: impl Into<String>) -> Error {
        let text = String::from_utf8_lossy(&self.body);
        let excerpt = match text.char_indices().nth(EXCERPT_LEN) {
            Some((end, _)) => format!("{}…", & text[..end]),
            None => text.into_owned(),
        };
        Error::Decode(
            Box::new(DecodeError {
                status: self.status,
                headers: self.headers.clone(),
                excerpt,
                reason: reason.into(),
            }),
        )
    }
    /// The [`ResponseInfo`] of this response with the style's metadata.
    pub fn info(&self, request_id: Option<String>, metadata: Metadata) -> ResponseInfo {
        ResponseInfo {
            status: self.status,
            headers: self.headers.clone(),
            request_id: request_id.or_else(|| self.header_request_id()),
            metadata,
        }
    }
}
/// Parses a `Retry-After` value: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}
/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error in the API's style.
    Api(Box<ApiError>),
    /// Some items of a batch write were invalid; nothing was saved (`422` in the `result` style).
    Failure(Box<Failure>),
    /// The request did not complete: connection refused or reset, timeout, TLS, …
    Transport(reqwest::Error),
    /// The server answered, but not with what the API describes.
    Decode(Box<DecodeError>),
    /// The request could not be made from what was given (base URL, header, parameter).
    InvalidRequest(String),
}
/// An error answer from the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, in the style's vocabulary: the error `kind` (`plain`, `enveloped`, e.g.
    /// `not_found`) or the error `type` (`result`, e.g. `client`).
    pub kind: Option<String>,
    /// The error code, where the style has one (`result`: the HTTP status unless the API defines codes).
    pub code: Option<String>,
    /// The server's message.
    pub message: String,
    /// The request field at fault, when the server names one.
    pub field: Option<String>,
    /// A longer explanation, when the server gives one.
    pub description: Option<String>,
    /// The server's request id, to quote when reporting a problem.
    pub request_id: Option<String>,
    /// How long the server asked to wait before trying again (`Retry-After`).
    pub retry_after: Option<Duration>,
}
/// A rejected batch write: which request items were invalid and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The HTTP status (422).
    pub status: StatusCode,
    /// The server's request id.
    pub request_id: Option<String>,
    /// How many items the server received.
    pub received: Option<u64>,
    /// Indices (0-based, in the request) of the items that were valid.
    pub valid_items: Vec<usize>,
    /// One entry per invalid item.
    pub items: Vec<ItemFailure>,
}
/// Why one item of a batch write was rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemFailure {
    /// The item's index (0-based) in the request.
    pub index: usize,
    /// The item as the server received it.
    pub raw_data: serde_json::Value,
    /// What is wrong with it.
    pub errors: Vec<ItemError>,
}
/// One problem with one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemError {
    /// The error type or kind (`validation`).
    pub kind: Option<String>,
    /// The error code.
    pub code: Option<String>,
    /// The server's message.
    pub message: String,
    /// The field at fault.
    pub field: Option<String>,
    /// A longer explanation.
    pub description: Option<String>,
}
/// A response that could not be decoded.
#[derive(Clone, Debug)]
pub struct DecodeError {
    /// The HTTP status the server answered with.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The start of the body (at most 512 characters).
    pub excerpt: String,
    /// Why it did not decode.
    pub reason: String,
}
impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Failure(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) => e.status(),
            Error::InvalidRequest(_) => None,
        }
    }
    /// The server's request id, when it gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Failure(e) => e.request_id.as_deref(),
            Error::Decode(_) | Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }
    /// The server's error kind or type (see [`ApiError::kind`]).
    pub fn kind(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.kind.as_deref(),
            _ => None,
        }
    }
}
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => {
                write!(f, "the server answered {}", e.status)?;
                if let Some(kind) = &e.kind {
                    write!(f, " ({kind}")?;
                    if let Some(code) = &e.code {
                        write!(f, " {code}")?;
                    }
                    write!(f, ")")?;
                }
                write!(f, ": {}", e.message)?;
                if let Some(field) = &e.field {
                    write!(f, " [field `{field}`]")?;
                }
                if let Some(description) = &e.description {
                    write!(f, " — {description}")?;
                }
                if let Some(wait) = e.retry_after {
                    write!(f, "; retry after {} s", wait.as_secs())?;
                }
                if let Some(id) = &e.request_id {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
            Error::Failure(e) => {
                write!(
                    f, "the server rejected {} item(s), nothing was saved", e.items.len()
                )?;
                for item in &e.items {
                    write!(f, "; item {}:", item.index)?;
                    for error in &item.errors {
                        match &error.field {
                            Some(field) => write!(f, " `{field}`: {}", error.message)?,
                            None => write!(f, " {}", error.message)?,
                        }
                    }
                }
                if let Some(id) = &e.request_id {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
            Error::Transport(e) => {
                write!(f, "the request failed before an answer arrived: {e}")?;
                let mut cause = std::error::Error::source(e);
                while let Some(inner) = cause {
                    write!(f, ": {inner}")?;
                    cause = inner.source();
                }
                Ok(())
            }
            Error::Decode(e) => {
                write!(
                    f,
                    "the server answered {} with a body this client cannot read ({}): {:?}",
                    e.status, e.reason, e.excerpt
                )
            }
            Error::InvalidRequest(message) => {
                write!(f, "the request cannot be made: {message}")
            }
        }
    }
}
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}
/// A path or query value as text: strings as they are, numbers and booleans printed.
fn text_value<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<Option<Vec<String>>, Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::InvalidRequest(format!("parameter `{name}`: {e}")))?;
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        _ => {
            Err(
                Error::InvalidRequest(
                    format!(
                        "parameter `{name}` must be a string, number, boolean or an array of them"
                    ),
                ),
            )
        }
    };
    match &value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Array(items) => {
            items.iter().map(scalar).collect::<Result<Vec<_>, _>>().map(Some)
        }
        other => scalar(other).map(|s| Some(vec![s])),
    }
}
/// A path parameter's value, percent-encoded later as one path segment.
fn path_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String, Error> {
    Ok(text_value(name, value)?.unwrap_or_default().join(","))
}
impl Client {
    /// A client for the API at `base_url` with default settings.
    pub fn new(base_url: impl Into<String>) -> Result<Self, Error> {
        Client::builder(base_url).build()
    }
    /// A builder for a client of the API at `base_url` (e.g. `https://api.example.com/v1`).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            http: None,
            secrets: Vec::new(),
            headers: Vec::new(),
            timeout: None,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            retry: RetryPolicy::default(),
        }
    }
    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }
    /// The URL of a path template with its parameters substituted, each percent-encoded within its
    /// path segment (a `/` or `?` in a value never changes the path).
    fn endpoint(&self, template: &str, params: &[(&str, String)]) -> Result<Url, Error> {
        let mut url = self.base_url.clone();
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|()| Error::InvalidRequest(
                    format!("base URL {} cannot take a path", self.base_url),
                ))?;
            segments.pop_if_empty();
            for segment in template.split('/').filter(|s| !s.is_empty()) {
                segments.push(&substitute(segment, params));
            }
        }
        Ok(url)
    }
    /// Sends a request, retrying as the policy says; an answer outside 2xx becomes the style's error.
    async fn send(
        &self,
        method: Method,
        url: Url,
        extra_headers: HeaderMap,
        body: Option<Vec<u8>>,
        security: &[&str],
    ) -> Result<RawResponse, Error> {
        let credential = self
            .credentials
            .iter()
            .find(|(scheme, _)| security.contains(scheme))
            .map(|(_, c)| c);
        let mut sent_url = url.clone();
        if let Some(Credential::Query(name, value)) = credential {
            sent_url.query_pairs_mut().append_pair(name, value);
        }
        let retry_allowed = self.retry.retry_non_idempotent
            || matches!(
                method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE |
                Method::OPTIONS | Method::TRACE
            );
        let mut attempt = 1;
        loop {
            let mut request = self
                .http
                .request(method.clone(), sent_url.clone())
                .headers(self.headers.clone());
            match credential {
                Some(Credential::Header(name, value)) => {
                    request = request.header(name, value.clone());
                }
                Some(Credential::Basic(user, password)) => {
                    request = request.basic_auth(user, password.as_ref());
                }
                Some(Credential::Query(..)) | None => {}
            }
            request = request.headers(extra_headers.clone());
            request = request.header(reqwest::header::ACCEPT, "application/json");
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            if let Some(timeout) = self.timeout {
                request = request.timeout(timeout);
            }
            let may_retry = retry_allowed && attempt < self.retry.max_attempts;
            let response = match request.send().await {
                Ok(response) => response,
                Err(
                    error,
                ) if may_retry && (error.is_connect() || error.is_timeout()) => {
                    tokio::time::sleep(self.retry.backoff(attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(error) => return Err(Error::Transport(error)),
            };
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(Error::Transport)?.to_vec();
            let raw = RawResponse {
                url: url.clone(),
                status,
                headers,
                body,
            };
            if status.is_success() {
                return Ok(raw);
            }
            if may_retry
                && (status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::SERVICE_UNAVAILABLE)
            {
                let wait = raw
                    .retry_after()
                    .unwrap_or_else(|| self.retry.backoff(attempt));
                if wait <= self.retry.max_wait {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            return Err(wire::decode_error(&raw));
        }
    }
    async fn fetch_page<T: DeserializeOwned>(
        &self,
        url: Url,
        call: PageCall,
    ) -> Result<Page<T>, Error> {
        let raw = self
            .send(
                call.method.clone(),
                url,
                call.headers.clone(),
                call.body.clone(),
                call.security,
            )
            .await?;
        let (items, info, next) = wire::decode_page(&raw, call.collection)?;
        Ok(Page { items, info, next, call })
    }
    /// The page after `page`, or `None` on the last page.
    pub async fn next_page<T: DeserializeOwned>(
        &self,
        page: &Page<T>,
    ) -> Result<Option<Page<T>>, Error> {
        match &page.next {
            Some(url) => self.fetch_page(url.clone(), page.call.clone()).await.map(Some),
            None => Ok(None),
        }
    }
    /// Every item of every page from `first` on; stops at the first error, or when the server
    /// links back to a page already read (so a looping server cannot make the stream endless).
    fn paginate<T: DeserializeOwned + 'static>(
        &self,
        first: Result<(Url, PageCall), Error>,
    ) -> impl Stream<Item = Result<T, Error>> + '_ {
        let start = (Some(first), std::collections::HashSet::<Url>::new());
        futures_util::stream::try_unfold(
                start,
                move |(next, mut seen)| async move {
                    let (url, call) = match next {
                        None => return Ok(None),
                        Some(request) => request?,
                    };
                    if !seen.insert(url.clone()) {
                        return Ok(None);
                    }
                    let page: Page<T> = self.fetch_page(url, call).await?;
                    let items = futures_util::stream::iter(
                        page.items.into_iter().map(Ok::<T, Error>),
                    );
                    let next = page.next.map(|next| Ok((next, page.call)));
                    Ok(Some((items, (next, seen))))
                },
            )
            .try_flatten()
    }
}
impl Client {
    /// List widgets
    ///
    /// Widgets in creation order.
    ///
    /// `GET /widgets`
    pub async fn list_widgets(
        &self,
        page: &PageRequest,
    ) -> Result<Page<types::Widget>, Error> {
        let (url, call) = self.list_widgets_request(page)?;
        self.fetch_page(url, call).await
    }
    /// Every item of [`Client::list_widgets`], page after page, starting at `page`.
    pub fn list_widgets_stream(
        &self,
        page: &PageRequest,
    ) -> impl Stream<Item = Result<types::Widget, Error>> + '_ {
        self.paginate(self.list_widgets_request(page))
    }
    fn list_widgets_request(
        &self,
        page: &PageRequest,
    ) -> Result<(Url, PageCall), Error> {
        let mut url = self.endpoint("/widgets", &[])?;
        let headers = HeaderMap::new();
        url.query_pairs_mut().extend_pairs(page.query_pairs());
        let call = PageCall {
            method: Method::GET,
            headers,
            body: None,
            security: &["bearerAuth"],
            collection: "widgets",
        };
        Ok((url, call))
    }
}
impl Client {
    /// Create a widget
    ///
    /// `POST /widgets`
    pub async fn create_widget(
        &self,
        body: &types::WidgetInput,
    ) -> Result<types::Widget, Error> {
        self.create_widget_with_meta(body).await.map(Response::into_inner)
    }
    /// [`Client::create_widget`] with the response's status, headers, request id and metadata.
    pub async fn create_widget_with_meta(
        &self,
        body: &types::WidgetInput,
    ) -> Result<Response<types::Widget>, Error> {
        let url = self.endpoint("/widgets", &[])?;
        let headers = HeaderMap::new();
        let body = Some(wire::encode_one("widgets", body)?);
        let raw = self.send(Method::POST, url, headers, body, &["bearerAuth"]).await?;
        wire::decode_one(&raw, "widgets")
    }
    /// [`Client::create_widget`] for many items: one atomic request where the response style
    /// takes a collection (invalid items come back as [`Error::Failure`] with their indices), else
    /// one request per item in order, stopping at the first error. Returns the saved items.
    pub async fn create_widget_batch(
        &self,
        items: &[types::WidgetInput],
    ) -> Result<Vec<types::Widget>, Error> {
        match wire::encode_batch("widgets", items)? {
            Some(body) => {
                let url = self.endpoint("/widgets", &[])?;
                let raw = self
                    .send(
                        Method::POST,
                        url,
                        HeaderMap::new(),
                        Some(body),
                        &["bearerAuth"],
                    )
                    .await?;
                wire::decode_many(&raw, "widgets").map(Response::into_inner)
            }
            None => {
                let mut saved = Vec::with_capacity(items.len());
                for item in items {
                    saved.push(self.create_widget_with_meta(item).await?.value);
                }
                Ok(saved)
            }
        }
    }
}
impl Client {
    /// Delete a widget
    ///
    /// `DELETE /widgets/{widget_id}`
    pub async fn delete_widget(
        &self,
        widget_id: impl Into<String>,
    ) -> Result<(), Error> {
        self.delete_widget_with_meta(widget_id).await.map(Response::into_inner)
    }
    /// [`Client::delete_widget`] with the response's status, headers, request id and metadata.
    pub async fn delete_widget_with_meta(
        &self,
        widget_id: impl Into<String>,
    ) -> Result<Response<()>, Error> {
        let widget_id: String = widget_id.into();
        let url = self
            .endpoint(
                "/widgets/{widget_id}",
                &[("widget_id", path_value("widget_id", &widget_id)?)],
            )?;
        let headers = HeaderMap::new();
        let raw = self.send(Method::DELETE, url, headers, None, &["bearerAuth"]).await?;
        wire::decode_none(&raw, "widgets")
    }
}
impl Client {
    /// Get a widget
    ///
    /// `GET /widgets/{widget_id}`
    pub async fn get_widget(
        &self,
        widget_id: impl Into<String>,
    ) -> Result<types::Widget, Error> {
        self.get_widget_with_meta(widget_id).await.map(Response::into_inner)
    }
    /// [`Client::get_widget`] with the response's status, headers, request id and metadata.
    pub async fn get_widget_with_meta(
        &self,
        widget_id: impl Into<String>,
    ) -> Result<Response<types::Widget>, Error> {
        let widget_id: String = widget_id.into();
        let url = self
            .endpoint(
                "/widgets/{widget_id}",
                &[("widget_id", path_value("widget_id", &widget_id)?)],
            )?;
        let headers = HeaderMap::new();
        let raw = self.send(Method::GET, url, headers, None, &["bearerAuth"]).await?;
        wire::decode_one(&raw, "widgets")
    }
}
impl Client {
    /// Update a widget
    ///
    /// Fields left out stay as they are; `color` set to null is cleared.
    ///
    /// `PATCH /widgets/{widget_id}`
    pub async fn update_widget(
        &self,
        widget_id: impl Into<String>,
        body: &types::WidgetPatch,
    ) -> Result<types::Widget, Error> {
        self.update_widget_with_meta(widget_id, body).await.map(Response::into_inner)
    }
    /// [`Client::update_widget`] with the response's status, headers, request id and metadata.
    pub async fn update_widget_with_meta(
        &self,
        widget_id: impl Into<String>,
        body: &types::WidgetPatch,
    ) -> Result<Response<types::Widget>, Error> {
        let widget_id: String = widget_id.into();
        let url = self
            .endpoint(
                "/widgets/{widget_id}",
                &[("widget_id", path_value("widget_id", &widget_id)?)],
            )?;
        let headers = HeaderMap::new();
        let body = Some(wire::encode_one("widgets", body)?);
        let raw = self.send(Method::PATCH, url, headers, body, &["bearerAuth"]).await?;
        wire::decode_one(&raw, "widgets")
    }
}
/// Substitutes `{name}` placeholders in one path segment in a single pass (a value that itself
/// contains `{…}` is not substituted again).
fn substitute(segment: &str, params: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut rest = segment;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        match after.find('}') {
            Some(close) => {
                let name = &after[1..close];
                match params.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&after[..=close]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
