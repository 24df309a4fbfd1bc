//! The client runtime: what every generated reqwest client runs on.
//!
//! A generated crate prints its `Client` (one method per operation) over a [`Core`]: the base
//! URL, the HTTP client, credentials, default headers, timeouts and the [`RetryPolicy`].
//! The one [`Error`] type, [`Page`], [`Response`] and the [`ClientStyle`] interface that
//! each response style implements live here.
//!
//! This module never names the crate it is compiled in (only `super::`), so its source can
//! be copied verbatim into a generated crate as well as used from `apigen-runtime`.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use futures_util::{Stream, TryStreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::body::{media_matches, Binary, Bytes, FilePart};
pub use super::sse::ReconnectPolicy;

/// How a response style decodes answers, for the parts of the client that are not one
/// operation's: errors and list pages. Each style module of this crate has one
/// implementation, its `Style`.
pub trait ClientStyle: Send + Sync + 'static {
    /// What the style's responses say besides the resource (envelope meta and links,
    /// pagination headers, result metadata).
    type Metadata: Clone + fmt::Debug + Send + Sync + 'static;

    /// An answer outside 2xx as one [`Error`].
    fn decode_error(raw: &RawResponse) -> Error;

    /// A list page: its items, what came with them, and the next page's URL.
    #[allow(clippy::type_complexity)]
    fn decode_page<T: DeserializeOwned>(
        raw: &RawResponse,
        collection: &str,
    ) -> Result<(Vec<T>, ResponseInfo<Self::Metadata>, Option<Url>), Error>;
}

/// What a generated client is, for the [`ClientBuilder`]: its style and security schemes.
pub trait ApiClient: Sized {
    /// The response style the API speaks.
    type Style: ClientStyle;
    /// The security schemes the spec declares.
    const SECURITY_SCHEMES: &'static [SecurityScheme];
    /// The `User-Agent` sent unless [`ClientBuilder::user_agent`] replaces it: the generated
    /// crate's name and version.
    const USER_AGENT: &'static str;

    /// The generated client around a finished [`Core`].
    fn from_core(core: Core<Self::Style>) -> Self;
}

/// A security scheme of the spec, as the client sends credentials for it.
#[derive(Debug)]
pub struct SecurityScheme {
    /// The scheme's name in the spec.
    pub name: &'static str,
    /// `http_bearer`, `http_basic`, `http` (another http scheme), `api_key_header`,
    /// `api_key_query`, `api_key_cookie`, `oauth2`, `open_id_connect` or `mutual_tls`.
    pub kind: &'static str,
    /// The header, query parameter or cookie of an API key; the scheme name of an http
    /// scheme other than bearer and basic.
    pub parameter: Option<&'static str>,
}

/// The request header that carries a request id, echoed by the server.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// How many bytes of an undecodable body [`DecodeError::excerpt`] keeps.
const EXCERPT_LEN: usize = 512;

/// What every generated client holds: where and how requests are sent. A generated
/// `Client` dereferences to it.
#[derive(Debug)]
pub struct Core<S> {
    base_url: Url,
    http: reqwest::Client,
    credentials: Vec<(&'static str, Credential)>,
    headers: HeaderMap,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    reconnect: ReconnectPolicy,
    style: PhantomData<fn() -> S>,
}

impl<S> Clone for Core<S> {
    fn clone(&self) -> Self {
        Self {
            base_url: self.base_url.clone(),
            http: self.http.clone(),
            credentials: self.credentials.clone(),
            headers: self.headers.clone(),
            timeout: self.timeout,
            retry: self.retry.clone(),
            reconnect: self.reconnect.clone(),
            style: PhantomData,
        }
    }
}

/// Configures a generated client; made by its `Client::builder`.
pub struct ClientBuilder<C> {
    base_url: String,
    http: Option<reqwest::Client>,
    secrets: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    user_agent: String,
    retry: RetryPolicy,
    reconnect: ReconnectPolicy,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets never reach logs.
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field(
                "schemes",
                &self
                    .secrets
                    .iter()
                    .map(|(scheme, _)| scheme)
                    .collect::<Vec<_>>(),
            )
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// A credential for one security scheme, ready to attach to a request.
#[derive(Clone)]
enum Credential {
    Header(HeaderName, HeaderValue),
    Query(String, String),
    Cookie(String),
    Basic(String, Option<String>),
    /// A mutualTLS scheme: the connection carries it, nothing is sent.
    Connection,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets never reach logs.
        match self {
            Credential::Header(name, _) => write!(f, "Header({name}, <redacted>)"),
            Credential::Query(name, _) => write!(f, "Query({name}, <redacted>)"),
            Credential::Cookie(_) => write!(f, "Cookie(<redacted>)"),
            Credential::Connection => write!(f, "Connection"),
            Credential::Basic(user, _) => write!(f, "Basic({user}, <redacted>)"),
        }
    }
}

impl Credential {
    /// Builds the credential for a scheme of `kind` (see [`SecurityScheme::kind`]);
    /// `parameter` is the header, query parameter or cookie of an API key, or the scheme
    /// name of another http scheme.
    fn new(kind: &str, parameter: Option<&str>, secret: &str) -> Result<Self, Error> {
        let invalid = |what: &str| {
            Error::InvalidRequest(format!("the {what} cannot be sent in an HTTP header (it holds a line break or a control character)"))
        };
        let authorization = |text: String, what: &str| {
            let mut value = HeaderValue::from_str(&text).map_err(|_| invalid(what))?;
            value.set_sensitive(true);
            Ok(Credential::Header(reqwest::header::AUTHORIZATION, value))
        };
        match (kind, parameter) {
            ("http_bearer" | "oauth2" | "open_id_connect", _) => {
                authorization(format!("Bearer {secret}"), "bearer token")
            }
            ("http_basic", _) => Ok(match secret.split_once(':') {
                Some((user, password)) => {
                    Credential::Basic(user.to_owned(), Some(password.to_owned()))
                }
                None => Credential::Basic(secret.to_owned(), None),
            }),
            ("http", Some(scheme)) => authorization(format!("{scheme} {secret}"), "credential"),
            ("api_key_header", Some(name)) => {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| invalid("API key header name"))?;
                let mut value = HeaderValue::from_str(secret).map_err(|_| invalid("API key"))?;
                value.set_sensitive(true);
                Ok(Credential::Header(name, value))
            }
            ("api_key_query", Some(name)) => {
                Ok(Credential::Query(name.to_owned(), secret.to_owned()))
            }
            ("api_key_cookie", Some(name)) => {
                let cookie = format!("{name}={secret}");
                if HeaderValue::from_str(&cookie).is_err() || secret.contains(';') {
                    return Err(invalid("API key cookie"));
                }
                Ok(Credential::Cookie(cookie))
            }
            ("mutual_tls", _) => Err(Error::InvalidRequest(
                "a mutualTLS scheme takes no secret: give ClientBuilder::http_client a reqwest::Client \
                 built with the client certificate (reqwest::Identity)"
                    .to_owned(),
            )),
            _ => Err(Error::InvalidRequest(format!(
                "security scheme kind `{kind}` is not supported by this client"
            ))),
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
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_wait)
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder for a client of the API at `base_url` (e.g. `https://api.example.com/v1`).
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            http: None,
            secrets: Vec::new(),
            headers: Vec::new(),
            timeout: None,
            user_agent: C::USER_AGENT.to_owned(),
            retry: RetryPolicy::default(),
            reconnect: ReconnectPolicy::default(),
            client: PhantomData,
        }
    }

    /// Sends requests with this `reqwest::Client` (its connection pool, proxies, TLS settings).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Adds a header to every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Gives up on a request (each attempt) after this long. Event streams, being
    /// long-lived, are not timed.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Replaces the `User-Agent` header ([`ApiClient::USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Retries failed requests as `policy` says.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Reconnects dropped event streams (`text/event-stream` responses) as `policy` says
    /// (default: [`ReconnectPolicy::default`]).
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// Authenticates with the spec's security scheme `scheme` (its name in the spec): a
    /// bearer token (http bearer, oauth2, openIdConnect), an API key (sent in its header,
    /// query parameter or cookie), `user:password` for HTTP basic, or for another http
    /// scheme what follows the scheme name in `Authorization`. A mutualTLS scheme is
    /// satisfied by the TLS connection: give [`ClientBuilder::http_client`] a client with the
    /// certificate. An operation whose requirement names several schemes is sent the
    /// credentials of all of them: give one per scheme.
    /// [`ClientBuilder::build`] fails on a name the API does not declare.
    pub fn credential(mut self, scheme: &str, secret: impl Into<String>) -> Self {
        self.secrets.push((scheme.to_owned(), secret.into()));
        self
    }

    /// Makes the client; fails when the base URL, a header or a credential cannot be used.
    pub fn build(self) -> Result<C, Error> {
        let base_url = Url::parse(&self.base_url).map_err(|e| {
            Error::InvalidRequest(format!("base URL {:?} is not a URL: {e}", self.base_url))
        })?;
        if base_url.cannot_be_a_base() || !matches!(base_url.scheme(), "http" | "https") {
            return Err(Error::InvalidRequest(format!(
                "base URL {:?} must be an http:// or https:// URL",
                self.base_url
            )));
        }
        let mut headers = HeaderMap::new();
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::InvalidRequest(format!(
                "user agent {:?} is not a valid header value",
                self.user_agent
            ))
        })?;
        headers.insert(reqwest::header::USER_AGENT, user_agent);
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::InvalidRequest(format!("{name:?} is not a valid header name"))
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::InvalidRequest(format!(
                    "the value of header {name:?} is not a valid header value"
                ))
            })?;
            headers.append(header, value);
        }
        let mut credentials = Vec::with_capacity(self.secrets.len());
        for (name, secret) in &self.secrets {
            let Some(scheme) = C::SECURITY_SCHEMES
                .iter()
                .find(|scheme| scheme.name == name)
            else {
                let known: Vec<&str> = C::SECURITY_SCHEMES
                    .iter()
                    .map(|scheme| scheme.name)
                    .collect();
                return Err(Error::InvalidRequest(format!(
                    "the API has no security scheme {name:?} (it has: {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )));
            };
            credentials.push((
                scheme.name,
                Credential::new(scheme.kind, scheme.parameter, secret)?,
            ));
        }
        // A mutualTLS scheme is the connection's: always there for the client.
        for scheme in C::SECURITY_SCHEMES {
            if scheme.kind == "mutual_tls" {
                credentials.push((scheme.name, Credential::Connection));
            }
        }
        Ok(C::from_core(Core {
            base_url,
            http: self.http.unwrap_or_default(),
            credentials,
            headers,
            timeout: self.timeout,
            retry: self.retry,
            reconnect: self.reconnect,
            style: PhantomData,
        }))
    }
}

/// What every successful response carries besides its value.
#[derive(Clone, Debug)]
pub struct ResponseInfo<M> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The server's request id (from the body where the style has one, else `X-Request-Id`).
    pub request_id: Option<String>,
    /// The response style's metadata (envelope meta and links, pagination headers, result metadata).
    pub metadata: M,
}

/// A decoded response: the value and what came with it.
#[derive(Clone, Debug)]
pub struct Response<T, M> {
    /// The resource.
    pub value: T,
    /// Status, headers, request id and style metadata.
    pub info: ResponseInfo<M>,
}

impl<T, M> Response<T, M> {
    /// The resource, without the rest.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The response with its value turned into another.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U, M> {
        Response {
            value: f(self.value),
            info: self.info,
        }
    }
}

impl<M> ResponseInfo<M> {
    /// `Location`, when the server sent it: the URL of the resource a create made (`201`).
    /// As sent: a path is relative to the server's origin.
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
}

/// Reads the response headers an operation declares for this response into their struct
/// (`names`: the headers' names in the spec, as the struct's fields are named on the wire);
/// a header sent several times is read as its values joined with `, `. A required header
/// missing, or a value that does not parse as its type, is a decode error.
pub fn read_headers<H: DeserializeOwned>(raw: &RawResponse, names: &[&str]) -> Result<H, Error> {
    let mut pairs: Vec<(&str, String)> = Vec::with_capacity(names.len());
    for name in names {
        let values = raw
            .headers
            .get_all(*name)
            .iter()
            .map(|v| v.to_str())
            .collect::<Result<Vec<&str>, _>>()
            .map_err(|_| raw.decode_error(format!("the `{name}` header is not text")))?;
        if !values.is_empty() {
            pairs.push((name, values.join(", ")));
        }
    }
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
    super::headers::from_header_pairs(&borrowed)
        .map_err(|e| raw.decode_error(format!("the response headers: {e}")))
}

/// The error for a success status the operation does not declare.
pub fn unexpected_status(raw: &RawResponse) -> Error {
    raw.decode_error(format!(
        "the operation does not declare the status {}",
        raw.status.as_u16()
    ))
}

/// One page of a list.
#[derive(Clone, Debug)]
pub struct Page<T, M> {
    /// The items on this page, in the server's order.
    pub items: Vec<T>,
    /// Status, headers, request id and style metadata.
    pub info: ResponseInfo<M>,
    next: Option<Url>,
    call: PageCall,
}

/// How a list was asked for, to ask for its next page the same way.
#[derive(Clone, Debug)]
pub struct PageCall {
    /// The list operation's method.
    pub method: Method,
    /// Its header parameters.
    pub headers: HeaderMap,
    /// Its body, if it takes one.
    pub body: Option<Vec<u8>>,
    /// Its security requirements (alternatives, each naming the schemes it needs).
    pub security: &'static [&'static [&'static str]],
    /// Its collection key (`result` style).
    pub collection: &'static str,
}

impl<T, M> Page<T, M> {
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
            Some((end, _)) => format!("{}…", &text[..end]),
            None => text.into_owned(),
        };
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            headers: self.headers.clone(),
            excerpt,
            reason: reason.into(),
        }))
    }

    /// The [`ResponseInfo`] of this response with the style's metadata.
    pub fn info<M>(&self, request_id: Option<String>, metadata: M) -> ResponseInfo<M> {
        ResponseInfo {
            status: self.status,
            headers: self.headers.clone(),
            request_id: request_id.or_else(|| self.header_request_id()),
            metadata,
        }
    }
}

/// A request body as it is sent (see [`Core::send_with`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum Payload {
    /// No body.
    None,
    /// A JSON body, as the style writes it.
    Json(Vec<u8>),
    /// A body in memory of another media type (text, a form).
    Bytes {
        /// Its `Content-Type`.
        content_type: String,
        /// The body.
        bytes: Bytes,
    },
    /// Bytes, maybe streamed.
    Binary {
        /// Its `Content-Type`.
        content_type: String,
        /// The body.
        body: Binary,
    },
    /// A `multipart/form-data` body.
    Multipart(reqwest::multipart::Form),
}

impl Payload {
    /// A text body sent as `media` (UTF-8).
    pub fn text(media: &str, text: impl Into<String>) -> Self {
        let content_type = if media.contains("charset") {
            media.to_string()
        } else {
            format!("{media}; charset=utf-8")
        };
        Payload::Bytes {
            content_type,
            bytes: Bytes::from(text.into()),
        }
    }

    /// An `application/x-www-form-urlencoded` body of `item`'s fields.
    pub fn form<T: Serialize + ?Sized>(item: &T) -> Result<Self, Error> {
        let form = serde_html_form::to_string(item).map_err(|e| {
            Error::InvalidRequest(format!("the request body cannot be written as a form: {e}"))
        })?;
        Ok(Payload::Bytes {
            content_type: "application/x-www-form-urlencoded".to_string(),
            bytes: Bytes::from(form),
        })
    }

    /// A body of bytes, sent as its own media type or else `declared` (a range such as
    /// `image/*` is not a media type: `application/octet-stream` then).
    pub fn binary(declared: &str, body: Binary) -> Self {
        let content_type = match body.content_type() {
            Some(own) => own.to_string(),
            None if declared.contains('*') => "application/octet-stream".to_string(),
            None => declared.to_string(),
        };
        Payload::Binary { content_type, body }
    }

    /// A copy, when the body can be sent again (in memory); `None` for a stream or a form.
    fn try_clone(&self) -> Option<Payload> {
        match self {
            Payload::None => Some(Payload::None),
            Payload::Json(body) => Some(Payload::Json(body.clone())),
            Payload::Bytes {
                content_type,
                bytes,
            } => Some(Payload::Bytes {
                content_type: content_type.clone(),
                bytes: bytes.clone(),
            }),
            Payload::Binary { content_type, body } => {
                body.as_bytes().map(|bytes| Payload::Binary {
                    content_type: content_type.clone(),
                    body: Binary::from_bytes(bytes.clone()),
                })
            }
            Payload::Multipart(_) => None,
        }
    }

    fn apply(self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
        match self {
            Payload::None => request,
            Payload::Json(body) => request.header(CONTENT_TYPE, "application/json").body(body),
            Payload::Bytes {
                content_type,
                bytes,
            } => request.header(CONTENT_TYPE, content_type).body(bytes),
            Payload::Binary { content_type, body } => {
                let request = request.header(CONTENT_TYPE, content_type);
                match (body.as_bytes(), body.length()) {
                    (Some(bytes), _) => request.body(bytes.clone()),
                    (None, Some(length)) => request
                        .header(CONTENT_LENGTH, length)
                        .body(reqwest::Body::wrap_stream(body)),
                    (None, None) => request.body(reqwest::Body::wrap_stream(body)),
                }
            }
            Payload::Multipart(form) => request.multipart(form),
        }
    }
}

/// A `multipart/form-data` body being written: fields as text (arrays as one part per
/// item), objects as JSON, files from bytes or streams.
#[derive(Debug, Default)]
pub struct MultipartForm {
    form: reqwest::multipart::Form,
}

impl MultipartForm {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    fn add(&mut self, name: &str, part: reqwest::multipart::Part) {
        let form = std::mem::take(&mut self.form);
        self.form = form.part(name.to_string(), part);
    }

    /// A field as text: strings as they are, numbers and booleans printed, one part per
    /// item of an array, nothing for `None`.
    pub fn value<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        for text in text_value(name, value)?.unwrap_or_default() {
            self.add(name, reqwest::multipart::Part::text(text));
        }
        Ok(())
    }

    /// A field as JSON (`application/json`); nothing for `None`.
    pub fn json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let json = serde_json::to_vec(value)
            .map_err(|e| Error::InvalidRequest(format!("part `{name}`: {e}")))?;
        if json == b"null" {
            return Ok(());
        }
        let part = reqwest::multipart::Part::bytes(json)
            .mime_str("application/json")
            .map_err(|e| Error::InvalidRequest(format!("part `{name}`: {e}")))?;
        self.add(name, part);
        Ok(())
    }

    /// A file, as its media type or else `declared` (the spec's `encoding` for the field).
    pub fn file(
        &mut self,
        name: &str,
        file: FilePart,
        declared: Option<&str>,
    ) -> Result<(), Error> {
        let FilePart {
            file_name,
            content_type,
            body,
        } = file;
        let mut part = match (body.as_bytes(), body.length()) {
            (Some(bytes), _) => {
                reqwest::multipart::Part::stream(reqwest::Body::from(bytes.clone()))
            }
            (None, Some(length)) => reqwest::multipart::Part::stream_with_length(
                reqwest::Body::wrap_stream(body),
                length,
            ),
            (None, None) => reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(body)),
        };
        let media = content_type
            .as_deref()
            .or(declared.map(|d| d.split(',').next().unwrap_or(d).trim()))
            .filter(|m| !m.contains('*'))
            .unwrap_or("application/octet-stream");
        part = part
            .mime_str(media)
            .map_err(|e| Error::InvalidRequest(format!("file `{name}`: {e}")))?;
        if let Some(file_name) = file_name {
            part = part.file_name(file_name);
        }
        self.add(name, part);
        Ok(())
    }

    /// The form as a request body.
    pub fn into_payload(self) -> Payload {
        Payload::Multipart(self.form)
    }
}

/// A success as it arrives, its body not read yet: read it as the operation's media type.
#[derive(Debug)]
pub struct Answer {
    url: Url,
    response: reqwest::Response,
}

impl Answer {
    /// The response itself, its body unread.
    pub(super) fn into_response(self) -> reqwest::Response {
        self.response
    }

    /// The position in `media` (the operation's response media types) of the one the
    /// response is sent as.
    pub fn media(&self, media: &[&str]) -> Option<usize> {
        let sent = self
            .response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        media.iter().position(|m| media_matches(m, sent))
    }

    fn info<M: Default>(&self) -> ResponseInfo<M> {
        let headers = self.response.headers();
        ResponseInfo {
            status: self.response.status(),
            headers: headers.clone(),
            request_id: headers
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            metadata: M::default(),
        }
    }

    /// The whole body, for the style to decode.
    pub async fn raw(self) -> Result<RawResponse, Error> {
        let status = self.response.status();
        let headers = self.response.headers().clone();
        let body = self
            .response
            .bytes()
            .await
            .map_err(Error::Transport)?
            .to_vec();
        Ok(RawResponse {
            url: self.url,
            status,
            headers,
            body,
        })
    }

    /// The body as text (sent as is, in every style).
    pub async fn text<M: Default>(self) -> Result<Response<String, M>, Error> {
        let info = self.info();
        let value = self.response.text().await.map_err(Error::Transport)?;
        Ok(Response { value, info })
    }

    /// The body as bytes, streamed as they arrive (sent as is, in every style).
    pub fn binary<M: Default>(self) -> Result<Response<Binary, M>, Error> {
        let info: ResponseInfo<M> = self.info();
        let mut value = Binary::from_stream(self.response.bytes_stream());
        if let Some(media) = info.headers.get(reqwest::header::CONTENT_TYPE) {
            if let Ok(media) = media.to_str() {
                value = value.with_content_type(media);
            }
        }
        if let Some(length) = info
            .headers
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
        {
            value = value.with_length(length);
        }
        Ok(Response { value, info })
    }

    /// The body as an `application/x-www-form-urlencoded` form of `T`.
    pub async fn form<T: DeserializeOwned, M: Default>(self) -> Result<Response<T, M>, Error> {
        let raw = self.raw().await?;
        let value = serde_html_form::from_bytes(&raw.body)
            .map_err(|e| raw.decode_error(format!("the form does not decode: {e}")))?;
        Ok(Response {
            value,
            info: raw.info(None, M::default()),
        })
    }

    /// A body that is none of `media` (the operation's response media types).
    pub async fn unexpected(self, media: &[&str]) -> Error {
        match self.raw().await {
            Ok(raw) => {
                let sent = raw
                    .header("content-type")
                    .unwrap_or("no Content-Type")
                    .to_string();
                raw.decode_error(format!("expected {}, got {sent}", media.join(" or ")))
            }
            Err(error) => error,
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
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
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
                    f,
                    "the server rejected {} item(s), nothing was saved",
                    e.items.len()
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
                // reqwest's own message rarely says why; its causes do ("connection refused").
                let mut cause = std::error::Error::source(e);
                while let Some(inner) = cause {
                    write!(f, ": {inner}")?;
                    cause = inner.source();
                }
                Ok(())
            }
            Error::Decode(e) => write!(
                f,
                "the server answered {} with a body this client cannot read ({}): {:?}",
                e.status, e.reason, e.excerpt
            ),
            Error::InvalidRequest(message) => write!(f, "the request cannot be made: {message}"),
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
fn text_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Option<Vec<String>>, Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::InvalidRequest(format!("parameter `{name}`: {e}")))?;
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        _ => Err(Error::InvalidRequest(format!(
            "parameter `{name}` must be a string, number, boolean or an array of them"
        ))),
    };
    match &value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Array(items) => items
            .iter()
            .map(scalar)
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        other => scalar(other).map(|s| Some(vec![s])),
    }
}

/// A path parameter's value, percent-encoded later as one path segment.
pub fn path_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String, Error> {
    Ok(text_value(name, value)?.unwrap_or_default().join(","))
}

/// Adds a header parameter: absent values are left out; arrays are joined with commas.
pub fn push_header<T: Serialize + ?Sized>(
    headers: &mut HeaderMap,
    name: &'static str,
    value: &T,
) -> Result<(), Error> {
    if let Some(values) = text_value(name, value)? {
        let value = HeaderValue::from_str(&values.join(",")).map_err(|_| {
            Error::InvalidRequest(format!(
                "header parameter `{name}` holds a line break or a control character"
            ))
        })?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
        headers.insert(name, value);
    }
    Ok(())
}

/// Adds a cookie parameter to the request's `Cookie` header (the security schemes' cookies
/// join it when the request is sent): absent values are left out; name and value are
/// form-encoded; arrays repeat the cookie when `explode`, else join their items with commas.
pub fn push_cookie<T: Serialize + ?Sized>(
    headers: &mut HeaderMap,
    name: &str,
    value: &T,
    explode: bool,
) -> Result<(), Error> {
    let Some(values) = text_value(name, value)? else {
        return Ok(());
    };
    let values = if explode {
        values
    } else {
        vec![values.join(",")]
    };
    let mut cookies: Vec<String> = headers
        .get(reqwest::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(|v| vec![v.to_string()])
        .unwrap_or_default();
    for value in &values {
        let pair = serde_urlencoded::to_string([(name, value)])
            .map_err(|e| Error::InvalidRequest(format!("cookie parameter `{name}`: {e}")))?;
        cookies.push(pair);
    }
    let joined = HeaderValue::from_str(&cookies.join("; "))
        .map_err(|_| Error::InvalidRequest(format!("cookie parameter `{name}` cannot be sent")))?;
    headers.insert(reqwest::header::COOKIE, joined);
    Ok(())
}

/// Appends a query parameter: absent values are left out; arrays repeat the parameter when
/// `explode`, else join their items with commas.
pub fn push_query<T: Serialize + ?Sized>(
    url: &mut Url,
    name: &str,
    value: &T,
    explode: bool,
) -> Result<(), Error> {
    if let Some(values) = text_value(name, value)? {
        let mut pairs = url.query_pairs_mut();
        if explode {
            for value in &values {
                pairs.append_pair(name, value);
            }
        } else {
            pairs.append_pair(name, &values.join(","));
        }
    }
    Ok(())
}

impl<S: ClientStyle> Core<S> {
    /// The first page of a list operation, asked for as `request` says.
    pub async fn first_page<T: DeserializeOwned>(
        &self,
        request: Result<(Url, PageCall), Error>,
    ) -> Result<Page<T, S::Metadata>, Error> {
        let (url, call) = request?;
        self.fetch_page(url, call).await
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// How event streams reconnect.
    pub fn reconnect_policy(&self) -> &ReconnectPolicy {
        &self.reconnect
    }

    /// The URL of a path template with its parameters substituted, each percent-encoded as
    /// one path segment (`PATH_SEGMENT`): a `/`, `?` or `%` in a value never changes the path,
    /// and the server decodes the value as it was given. A segment that would be empty, `.`
    /// or `..` cannot be sent (a URL drops or resolves it): that is an `InvalidRequest`.
    pub fn endpoint(&self, template: &str, params: &[(&str, String)]) -> Result<Url, Error> {
        let mut url = self.base_url.clone();
        if url.cannot_be_a_base() {
            return Err(Error::InvalidRequest(format!(
                "base URL {} cannot take a path",
                self.base_url
            )));
        }
        let mut path = url.path().trim_end_matches('/').to_string();
        for segment in template.split('/').filter(|s| !s.is_empty()) {
            let segment = substitute(segment, params);
            if matches!(segment.as_str(), "" | "." | "..") {
                return Err(Error::InvalidRequest(format!(
                    "the path segment `{segment}` of {template} cannot be sent: give its parameters a value other than empty, `.` or `..`"
                )));
            }
            path.push('/');
            path.push_str(&segment);
        }
        url.set_path(&path);
        Ok(url)
    }

    /// The credentials to send for an operation's security requirements: those of the first
    /// requirement the client has a credential for every scheme of; none when there is no
    /// such requirement (the server then answers 401).
    fn credentials_for(&self, security: &[&[&str]]) -> Vec<&Credential> {
        security
            .iter()
            .find_map(|requirement| {
                requirement
                    .iter()
                    .map(|name| {
                        self.credentials
                            .iter()
                            .find(|(scheme, _)| scheme == name)
                            .map(|(_, credential)| credential)
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .unwrap_or_default()
    }

    /// Sends a request with a JSON body (or none), retrying as the policy says; an answer
    /// outside 2xx becomes the style's error.
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        extra_headers: HeaderMap,
        body: Option<Vec<u8>>,
        security: &[&[&str]],
    ) -> Result<RawResponse, Error> {
        let payload = body.map_or(Payload::None, Payload::Json);
        self.send_with(
            method,
            url,
            extra_headers,
            payload,
            "application/json",
            security,
        )
        .await?
        .raw()
        .await
    }

    /// Sends a request with any body, asking for `accept`, retrying as the policy says (a
    /// streamed body, which cannot be sent twice, is sent once); an answer outside 2xx
    /// becomes the style's error. The success's body is not read yet.
    pub async fn send_with(
        &self,
        method: Method,
        url: Url,
        extra_headers: HeaderMap,
        payload: Payload,
        accept: &str,
        security: &[&[&str]],
    ) -> Result<Answer, Error> {
        self.open(method, url, extra_headers, payload, accept, security, true)
            .await
    }

    /// [`Core::send_with`], with the client's timeout only when `timed` (an event stream
    /// stays open as long as the server sends).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn open(
        &self,
        method: Method,
        url: Url,
        extra_headers: HeaderMap,
        payload: Payload,
        accept: &str,
        security: &[&[&str]],
        timed: bool,
    ) -> Result<Answer, Error> {
        let credentials = self.credentials_for(security);
        // The URL as sent may carry an API key; the one kept in the response (which next-page
        // links resolve against) does not.
        let mut sent_url = url.clone();
        for credential in &credentials {
            if let Credential::Query(name, value) = credential {
                sent_url.query_pairs_mut().append_pair(name, value);
            }
        }
        // The cookie parameters (in `extra_headers`) and the security schemes' cookies share
        // one `Cookie` header.
        let mut extra_headers = extra_headers;
        let parameters = extra_headers.remove(reqwest::header::COOKIE);
        let cookies: Vec<&str> = credentials
            .iter()
            .filter_map(|credential| match credential {
                Credential::Cookie(cookie) => Some(cookie.as_str()),
                _ => None,
            })
            .chain(parameters.as_ref().and_then(|v| v.to_str().ok()))
            .collect();
        let retry_allowed = self.retry.retry_non_idempotent
            || matches!(
                method,
                Method::GET
                    | Method::HEAD
                    | Method::PUT
                    | Method::DELETE
                    | Method::OPTIONS
                    | Method::TRACE
            );
        let mut payload = Some(payload);
        let mut attempt = 1;
        loop {
            let mut request = self
                .http
                .request(method.clone(), sent_url.clone())
                .headers(self.headers.clone());
            for credential in &credentials {
                match credential {
                    Credential::Header(name, value) => {
                        request = request.header(name, value.clone())
                    }
                    Credential::Basic(user, password) => {
                        request = request.basic_auth(user, password.as_ref())
                    }
                    Credential::Query(..) | Credential::Cookie(..) | Credential::Connection => {}
                }
            }
            if !cookies.is_empty() {
                request = request.header(reqwest::header::COOKIE, cookies.join("; "));
            }
            request = request.headers(extra_headers.clone());
            request = request.header(reqwest::header::ACCEPT, accept);
            // A body that can be sent again is copied for this attempt; a stream is not.
            let this = match payload.as_ref().and_then(Payload::try_clone) {
                Some(copy) => copy,
                None => payload.take().unwrap_or(Payload::None),
            };
            let repeatable = payload.is_some();
            request = this.apply(request);
            if let Some(timeout) = self.timeout.filter(|_| timed) {
                request = request.timeout(timeout);
            }
            let may_retry = retry_allowed && repeatable && attempt < self.retry.max_attempts;
            let response = match request.send().await {
                Ok(response) => response,
                Err(error) if may_retry && (error.is_connect() || error.is_timeout()) => {
                    tokio::time::sleep(self.retry.backoff(attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(error) => return Err(Error::Transport(error)),
            };
            let status = response.status();
            if status.is_success() {
                return Ok(Answer { url, response });
            }
            let raw = Answer {
                url: url.clone(),
                response,
            }
            .raw()
            .await?;
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
            return Err(S::decode_error(&raw));
        }
    }

    async fn fetch_page<T: DeserializeOwned>(
        &self,
        url: Url,
        call: PageCall,
    ) -> Result<Page<T, S::Metadata>, Error> {
        let raw = self
            .send(
                call.method.clone(),
                url,
                call.headers.clone(),
                call.body.clone(),
                call.security,
            )
            .await?;
        let (items, info, next) = S::decode_page(&raw, call.collection)?;
        Ok(Page {
            items,
            info,
            next,
            call,
        })
    }

    /// The page after `page`, or `None` on the last page.
    pub async fn next_page<T: DeserializeOwned>(
        &self,
        page: &Page<T, S::Metadata>,
    ) -> Result<Option<Page<T, S::Metadata>>, Error> {
        match &page.next {
            Some(url) => self
                .fetch_page(url.clone(), page.call.clone())
                .await
                .map(Some),
            None => Ok(None),
        }
    }

    /// Every item of every page from `first` on; stops at the first error, or when the server
    /// links back to a page already read (so a looping server cannot make the stream endless).
    pub fn paginate<T: DeserializeOwned + 'static>(
        &self,
        first: Result<(Url, PageCall), Error>,
    ) -> impl Stream<Item = Result<T, Error>> + '_ {
        let start = (Some(first), std::collections::HashSet::<Url>::new());
        futures_util::stream::try_unfold(start, move |(next, mut seen)| async move {
            let (url, call) = match next {
                None => return Ok(None),
                Some(request) => request?,
            };
            if !seen.insert(url.clone()) {
                return Ok(None);
            }
            let page: Page<T, S::Metadata> = self.fetch_page(url, call).await?;
            let items = futures_util::stream::iter(page.items.into_iter().map(Ok::<T, Error>));
            let next = page.next.map(|next| Ok((next, page.call)));
            Ok(Some((items, (next, seen))))
        })
        .try_flatten()
    }
}

/// Substitutes `{name}` placeholders in one path segment in a single pass, each value
/// percent-encoded (a value that itself contains `{…}` is not substituted again).
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
                    Some((_, value)) => out.extend(percent_encoding::utf8_percent_encode(
                        value,
                        super::vocabulary::PATH_SEGMENT,
                    )),
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
