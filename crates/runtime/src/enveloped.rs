//! The `enveloped` response style: every body is `{"meta", "data", "error", "links"}`.
//!
//! This module holds the style's wire types (shared by the server and the client), the
//! page request/page types that handlers use, and the server's renderers. Every style
//! module of apigen has the same interface, so `server.rs` and `client.rs` never depend
//! on which style was generated.

use serde::{Deserialize, Serialize};

/// The style's name, as given to `apigen generate --style`.
pub const STYLE: &str = "enveloped";
/// The page size used when a request does not ask for one.
pub const DEFAULT_LIMIT: u32 = 20;
/// The largest page size a request may ask for.
pub const MAX_LIMIT: u32 = 100;
/// Query parameter: the 1-based page number.
pub const PAGE_PARAM: &str = "page";
/// Query parameter: the page size.
pub const LIMIT_PARAM: &str = "limit";
/// The status a create answers with (with `Location`).
pub const CREATE_STATUS: u16 = 201;
/// Whether one request may write many items (no: one item per request).
pub const BATCH_WRITES: bool = false;

/// Every body of this style, success or error: all four keys are always present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// Request id, API version and what `data` holds.
    pub meta: Meta,
    /// The resource, an array of resources for a list, `null` for an error.
    pub data: Option<T>,
    /// `null` on success.
    pub error: Option<ErrorBody>,
    /// `self`, `parent`, and the page links of a list.
    #[serde(default)]
    pub links: Links,
}

/// What `data` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetaType {
    /// One resource.
    Object,
    /// An array of resources.
    List,
    /// Nothing; `error` is set.
    Error,
}

/// The `meta` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// From the request's `X-Request-Id` header, else generated; echoed in `X-Request-Id`.
    pub request_id: String,
    /// The authenticated principal's organisation, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// The authenticated principal's project, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The API version (`info.version`).
    pub version: String,
    /// What `data` holds.
    #[serde(rename = "type")]
    pub kind: MetaType,
    /// Lists: the page size applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Lists: the 1-based page number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Lists: the number of items in the whole collection, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Lists: the number of pages, when the total is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u64>,
}

/// The `links` object. Every key is "possible": a client accepts an envelope whose
/// `links` lacks any of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Links {
    /// The URL of the resource itself (after a create, the new resource); of a list or an
    /// error, the request's URL.
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_: Option<String>,
    /// The collection this resource belongs to, when the path has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Lists only: `first`, `prev`, `next`, `last`.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub page: Option<PageLinks>,
}

/// The page links of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageLinks {
    /// The first page.
    pub first: String,
    /// The previous page; `null` on the first page.
    pub prev: Option<String>,
    /// The next page; `null` on the last page.
    pub next: Option<String>,
    /// The last page, when the total is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

/// The `error` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub message: String,
    /// What went wrong, for programs (`not_found`, `request_invalid`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Which page of a list to return: query parameters `page` (1-based) and `limit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    /// Items per page, `1..=MAX_LIMIT`.
    pub limit: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl PageRequest {
    /// The first page with `limit` items per page (clamped to `1..=MAX_LIMIT`).
    pub fn first(limit: u32) -> Self {
        Self {
            page: 1,
            limit: limit.clamp(1, MAX_LIMIT),
        }
    }

    /// The page size.
    pub fn limit(&self) -> usize {
        self.limit as usize
    }

    /// The query parameters that ask for this page.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            (LIMIT_PARAM, self.limit.to_string()),
            (PAGE_PARAM, self.page.to_string()),
        ]
    }

    /// Reads `page` and `limit` from a raw query string; anything else is ignored.
    pub fn from_query(query: Option<&str>) -> Result<Self, PageRequestError> {
        let mut request = Self::default();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| PageRequestError {
                parameter: "query",
                message: format!("the query string cannot be read: {e}"),
            })?;
        for (key, value) in pairs {
            match key.as_str() {
                PAGE_PARAM => {
                    request.page =
                        count(&value)
                            .filter(|p| *p >= 1)
                            .ok_or_else(|| PageRequestError {
                                parameter: PAGE_PARAM,
                                message: format!(
                                    "`page` must be an integer of at least 1, got {value:?}"
                                ),
                            })?;
                }
                LIMIT_PARAM => {
                    request.limit = count(&value)
                        .filter(|l| (1..=MAX_LIMIT).contains(l))
                        .ok_or_else(|| PageRequestError {
                            parameter: LIMIT_PARAM,
                            message: format!(
                                "`limit` must be an integer from 1 to {MAX_LIMIT}, got {value:?}"
                            ),
                        })?;
                }
                _ => {}
            }
        }
        Ok(request)
    }

    fn offset(&self) -> usize {
        (self.page.saturating_sub(1) as usize).saturating_mul(self.limit())
    }
}

/// A non-negative decimal integer; values too large for `u32` saturate (a page past the
/// end is an empty page, not an error).
fn count(value: &str) -> Option<u32> {
    let digits = value.strip_prefix('+').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<u32>().unwrap_or(u32::MAX))
}

/// A pagination query parameter that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequestError {
    /// The parameter's wire name.
    pub parameter: &'static str,
    /// What is wrong with it.
    pub message: String,
}

/// One page of a list, as a handler returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The number of items in the whole collection, when known.
    pub total: Option<u64>,
    /// Whether items exist after this page.
    pub has_more: bool,
}

impl<T: Clone> Page<T> {
    /// Cuts the requested page out of a whole collection held in memory, in its
    /// natural (creation) order. `id` gives an item's id; cursor styles use it.
    pub fn from_slice(all: &[T], request: &PageRequest, id: impl Fn(&T) -> String) -> Self {
        let _ = &id;
        let offset = request.offset();
        let items: Vec<T> = all
            .iter()
            .skip(offset)
            .take(request.limit())
            .cloned()
            .collect();
        Self {
            has_more: offset.saturating_add(items.len()) < all.len(),
            total: Some(all.len() as u64),
            items,
        }
    }
}

/// This style, as the server and client runtimes take it ([`ServerStyle`], [`ClientStyle`]).
///
/// [`ServerStyle`]: super::server::ServerStyle
/// [`ClientStyle`]: super::client::ClientStyle
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style;

/// The server half: how the router renders results and reads write bodies.
#[cfg(feature = "server")]
mod server {
    use super::super::server::{decode_body, ApiError, Exchange, ServerStyle, Styled};
    use super::*;
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::Response;

    impl From<PageRequestError> for ApiError {
        fn from(e: PageRequestError) -> Self {
            ApiError::invalid(e.parameter, e.message)
        }
    }

    /// Writes the bodies of this style straight into one buffer: the envelope's keys as
    /// they are (none needs escaping), its strings and the resources through `serde_json`,
    /// nothing copied into owned strings first. The bytes are those [`Envelope`]'s
    /// `Serialize` writes: `meta`, `data`, `error`, `links`, fields in declaration order,
    /// `None`s skipped where `Envelope` skips them.
    struct Body(Vec<u8>);

    /// `meta`'s page position, on lists.
    struct ListMeta {
        limit: u32,
        page: u32,
        total: Option<u64>,
        pages: Option<u64>,
    }

    impl Body {
        /// `{"meta":{...}`: the envelope opened, `meta` written.
        fn open(ex: &Exchange, kind: MetaType, list: Option<ListMeta>) -> serde_json::Result<Self> {
            let mut body = Self(Vec::with_capacity(512));
            body.raw(b"{\"meta\":{\"request_id\":");
            body.utf8(ex.request_id.as_bytes())?;
            if let Some(org_id) = &ex.org_id {
                body.raw(b",\"org_id\":");
                body.string(org_id)?;
            }
            if let Some(project_id) = &ex.project_id {
                body.raw(b",\"project_id\":");
                body.string(project_id)?;
            }
            body.raw(b",\"version\":");
            body.string(ex.api_version)?;
            body.raw(match kind {
                MetaType::Object => b",\"type\":\"object\"",
                MetaType::List => b",\"type\":\"list\"",
                MetaType::Error => b",\"type\":\"error\"",
            });
            if let Some(list) = list {
                body.raw(b",\"limit\":");
                body.number(u64::from(list.limit));
                body.raw(b",\"page\":");
                body.number(u64::from(list.page));
                if let Some(total) = list.total {
                    body.raw(b",\"total\":");
                    body.number(total);
                }
                if let Some(pages) = list.pages {
                    body.raw(b",\"pages\":");
                    body.number(pages);
                }
            }
            body.raw(b"}");
            Ok(body)
        }

        fn raw(&mut self, bytes: &[u8]) {
            self.0.extend_from_slice(bytes);
        }

        fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
            serde_json::to_writer(&mut self.0, value)
        }

        /// A JSON string. Those of the envelope (ids, the version, paths) seldom need
        /// escaping: a scan without branches (which the compiler vectorises) tells, and
        /// they are copied as they are; the others go through `serde_json`, which escapes
        /// exactly `"`, `\\` and the control characters.
        fn string(&mut self, s: &str) -> serde_json::Result<()> {
            self.utf8(s.as_bytes())
        }

        /// [`Body::string`] for bytes known to be UTF-8 (a [`RequestId`]'s).
        ///
        /// [`RequestId`]: super::super::server::RequestId
        fn utf8(&mut self, bytes: &[u8]) -> serde_json::Result<()> {
            let verbatim = bytes.iter().fold(true, |verbatim, &b| {
                verbatim & (b >= 0x20) & (b != b'"') & (b != b'\\')
            });
            if verbatim {
                self.0.reserve(bytes.len() + 2);
                self.0.push(b'"');
                self.0.extend_from_slice(bytes);
                self.0.push(b'"');
                return Ok(());
            }
            match std::str::from_utf8(bytes) {
                Ok(s) => self.json(s),
                Err(e) => Err(serde::ser::Error::custom(e)),
            }
        }

        fn number(&mut self, n: u64) {
            self.raw(itoa::Buffer::new().format(n).as_bytes());
        }

        /// `,"<key>":<string or null>`.
        fn link(&mut self, key: &[u8], link: Option<&str>) -> serde_json::Result<()> {
            self.raw(b",\"");
            self.raw(key);
            self.raw(b"\":");
            match link {
                Some(link) => self.string(link),
                None => {
                    self.raw(b"null");
                    Ok(())
                }
            }
        }

        /// `,"links":{"self":...,"parent":...` (left open for a list's page links).
        fn links(&mut self, ex: &Exchange, parent: bool) -> serde_json::Result<()> {
            self.raw(b",\"links\":{\"self\":");
            self.string(&ex.self_link())?;
            if let Some(parent) = ex.parent_link().filter(|_| parent) {
                self.raw(b",\"parent\":");
                self.string(&parent)?;
            }
            Ok(())
        }

        /// `}}`: `links` and the envelope closed.
        fn close(mut self) -> Vec<u8> {
            self.raw(b"}}");
            self.0
        }
    }

    fn object_body<T: Serialize + ?Sized>(ex: &Exchange, item: &T) -> serde_json::Result<Vec<u8>> {
        let mut body = Body::open(ex, MetaType::Object, None)?;
        body.raw(b",\"data\":");
        body.json(item)?;
        body.raw(b",\"error\":null");
        body.links(ex, true)?;
        Ok(body.close())
    }

    /// A created resource: `links.self` is its own URL (the `Location`), `links.parent`
    /// the collection it was created in (the request's path).
    fn created_body<T: Serialize>(
        ex: &Exchange,
        item: &T,
        location: Option<&str>,
    ) -> serde_json::Result<Vec<u8>> {
        let mut body = Body::open(ex, MetaType::Object, None)?;
        body.raw(b",\"data\":");
        body.json(item)?;
        body.raw(b",\"error\":null,\"links\":{\"self\":");
        match location {
            Some(location) => body.string(location)?,
            None => body.string(&ex.self_link())?,
        }
        body.raw(b",\"parent\":");
        body.string(&ex.path_link())?;
        Ok(body.close())
    }

    fn page_body<T: Serialize>(
        ex: &Exchange,
        request: &PageRequest,
        page: &Page<T>,
    ) -> serde_json::Result<Vec<u8>> {
        let pages = page
            .total
            .map(|total| total.div_ceil(u64::from(request.limit.max(1))));
        let at = |n: u64| {
            ex.link_with(
                &[
                    (LIMIT_PARAM, request.limit.to_string()),
                    (PAGE_PARAM, n.to_string()),
                ],
                &[],
            )
        };
        let current = u64::from(request.page);
        let list = ListMeta {
            limit: request.limit,
            page: request.page,
            total: page.total,
            pages,
        };
        let mut body = Body::open(ex, MetaType::List, Some(list))?;
        body.raw(b",\"data\":");
        body.json(&page.items)?;
        body.raw(b",\"error\":null");
        body.links(ex, true)?;
        body.link(b"first", Some(&at(1)))?;
        body.link(b"prev", (current > 1).then(|| at(current - 1)).as_deref())?;
        body.link(b"next", page.has_more.then(|| at(current + 1)).as_deref())?;
        if let Some(pages) = pages {
            body.link(b"last", Some(&at(pages.max(1))))?;
        }
        Ok(body.close())
    }

    fn error_body(ex: &Exchange, error: &ApiError) -> serde_json::Result<Vec<u8>> {
        let mut body = Body::open(ex, MetaType::Error, None)?;
        body.raw(b",\"data\":null,\"error\":{\"message\":");
        body.string(&error.message)?;
        body.raw(b",\"kind\":");
        body.string(error.kind())?;
        body.raw(b"}");
        body.links(ex, false)?;
        Ok(body.close())
    }

    impl ServerStyle for super::Style {
        type PageRequest = PageRequest;
        type Page<T> = Page<T>;

        fn page_request(query: Option<&str>) -> Result<PageRequest, ApiError> {
            PageRequest::from_query(query).map_err(ApiError::from)
        }

        /// Renders one resource (a read, an update, a `202`).
        fn render_object<T: Serialize>(ex: &Exchange, status: StatusCode, item: &T) -> Response {
            Styled::response(status, object_body(ex, item))
        }

        /// Renders what a write saved. A create answers `201` with `Location`, whatever
        /// status the spec declared, and `links.self` is the new resource's URL.
        fn render_written<T: Serialize>(
            ex: &Exchange,
            status: StatusCode,
            saved: Vec<T>,
            created: bool,
        ) -> Response {
            let mut saved = saved.into_iter();
            let (Some(item), None) = (saved.next(), saved.next()) else {
                return Self::render_error(
                    ex,
                    &ApiError::internal("a write of one item did not save exactly one"),
                );
            };
            if !created {
                return Self::render_object(ex, status, &item);
            }
            let location = ex.location(Some(&item));
            let mut response = Styled::response(
                StatusCode::from_u16(CREATE_STATUS).unwrap_or(StatusCode::CREATED),
                created_body(ex, &item, location.as_deref()),
            );
            if let Some(value) = location.and_then(|l| HeaderValue::try_from(l).ok()) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }

        /// Renders one page of a list.
        fn render_page<T: Serialize>(
            ex: &Exchange,
            request: &PageRequest,
            page: Page<T>,
        ) -> Response {
            Styled::response(StatusCode::OK, page_body(ex, request, &page))
        }

        /// Renders a success without content: every answer of this style is an envelope,
        /// so `200` with `data: null` (never `204`).
        fn render_no_content(ex: &Exchange) -> Response {
            Styled::response(StatusCode::OK, object_body(ex, &()))
        }

        /// Renders an error.
        fn render_error(ex: &Exchange, error: &ApiError) -> Response {
            error.finish(Styled::response(error.status, error_body(ex, error)))
        }

        /// Reads a write's body: in this style, the body is the item itself.
        fn decode_write<T>(ex: &Exchange, body: &[u8]) -> Result<Vec<T>, Response>
        where
            T: serde::de::DeserializeOwned + super::super::validate::Validate,
        {
            decode_body(body)
                .map(|item| vec![item])
                .map_err(|e| Self::render_error(ex, &e))
        }
    }
}

/// The client half: how the client decodes this style.
#[cfg(feature = "client")]
pub mod client {
    // Decoding the enveloped style: every body is `{meta, data, error, links}`.
    use reqwest::Url;
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::super::client::{ApiError, ClientStyle, Error, RawResponse};
    pub use super::PageRequest;
    use super::{Envelope, Links, Meta};

    /// A decoded response of this style.
    pub type Response<T> = super::super::client::Response<T, Metadata>;
    /// What came with a response of this style.
    pub type ResponseInfo = super::super::client::ResponseInfo<Metadata>;
    /// One page of a list in this style.
    pub type Page<T> = super::super::client::Page<T, Metadata>;

    impl ClientStyle for super::Style {
        type Metadata = Metadata;

        fn decode_error(raw: &RawResponse) -> Error {
            decode_error(raw)
        }

        fn decode_page<T: DeserializeOwned>(
            raw: &RawResponse,
            collection: &str,
        ) -> Result<(Vec<T>, ResponseInfo, Option<Url>), Error> {
            decode_page(raw, collection)
        }
    }

    /// The envelope's `meta` and `links` (absent for a `204` without a body).
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Metadata {
        /// `meta`: request id, version, type and, for lists, the page position.
        pub meta: Option<Meta>,
        /// `links`: `self`, `parent`, and for lists `first`, `prev`, `next`, `last`.
        pub links: Option<Links>,
    }

    fn open<T: DeserializeOwned>(raw: &RawResponse) -> Result<(Option<T>, ResponseInfo), Error> {
        let envelope: Envelope<T> = raw.json()?;
        let request_id = Some(envelope.meta.request_id.clone());
        let metadata = Metadata {
            meta: Some(envelope.meta),
            links: Some(envelope.links),
        };
        Ok((envelope.data, raw.info(request_id, metadata)))
    }

    /// The request body for one item: the item itself.
    pub fn encode_one<T: Serialize + ?Sized>(
        _collection: &str,
        item: &T,
    ) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(item).map_err(|e| {
            Error::InvalidRequest(format!("the request body cannot be written as JSON: {e}"))
        })
    }

    /// This style writes one item per request: no batch body.
    pub fn encode_batch<T: Serialize>(
        _collection: &str,
        _items: &[T],
    ) -> Result<Option<Vec<u8>>, Error> {
        const { assert!(!super::BATCH_WRITES) };
        Ok(None)
    }

    /// An object response: `data` is the resource.
    pub fn decode_one<T: DeserializeOwned>(
        raw: &RawResponse,
        _collection: &str,
    ) -> Result<Response<T>, Error> {
        match open(raw)? {
            (Some(value), info) => Ok(Response { value, info }),
            (None, _) => Err(raw.decode_error("`data` is null in a success envelope")),
        }
    }

    /// A response holding many items: `data` is an array.
    pub fn decode_many<T: DeserializeOwned>(
        raw: &RawResponse,
        _collection: &str,
    ) -> Result<Response<Vec<T>>, Error> {
        let (value, info) = open::<Vec<T>>(raw)?;
        Ok(Response {
            value: value.unwrap_or_default(),
            info,
        })
    }

    /// A response without a resource: `204` with no body, or an envelope whose `data` is ignored.
    pub fn decode_none(raw: &RawResponse, _collection: &str) -> Result<Response<()>, Error> {
        if raw.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Response {
                value: (),
                info: raw.info(None, Metadata::default()),
            });
        }
        let (_, info) = open::<serde_json::Value>(raw)?;
        Ok(Response { value: (), info })
    }

    /// A list page: `data` is the array; the next page is `links.next`, resolved against the request URL.
    pub fn decode_page<T: DeserializeOwned>(
        raw: &RawResponse,
        _collection: &str,
    ) -> Result<(Vec<T>, ResponseInfo, Option<Url>), Error> {
        let (items, info) = open::<Vec<T>>(raw)?;
        let next_link = info
            .metadata
            .links
            .as_ref()
            .and_then(|links| links.page.as_ref())
            .and_then(|page| page.next.as_deref());
        let next = match next_link {
            Some(link) => Some(raw.url.join(link).map_err(|e| {
                raw.decode_error(format!("`links.next` {link:?} is not a URL: {e}"))
            })?),
            None => None,
        };
        Ok((items.unwrap_or_default(), info, next))
    }

    /// The error for an answer outside 2xx: the envelope's `error`, else a decode error that keeps the status.
    pub fn decode_error(raw: &RawResponse) -> Error {
        match serde_json::from_slice::<Envelope<serde_json::Value>>(&raw.body) {
            Ok(Envelope {
                meta,
                error: Some(error),
                ..
            }) => Error::Api(Box::new(ApiError {
                status: raw.status,
                kind: error.kind,
                code: None,
                message: error.message,
                field: None,
                description: None,
                request_id: Some(meta.request_id),
                retry_after: raw.retry_after(),
            })),
            Ok(Envelope { error: None, .. }) => {
                raw.decode_error("an error status without an `error` object")
            }
            Err(e) => raw.decode_error(e.to_string()),
        }
    }
}
