//! The `plain` response style: bare objects and arrays, `{"kind", "message"}` errors,
//! cursor pagination with `Link`, `Has-More` and `Limit` headers.
//!
//! This module holds the style's wire types (shared by the server and the client), the
//! page request/page types that handlers use, and the server's renderers. Every style
//! module of apigen has the same interface, so `server.rs` and `client.rs` never depend
//! on which style was generated.

use serde::{Deserialize, Serialize};

/// The style's name, as given to `apigen generate --style`.
pub const STYLE: &str = "plain";
/// The page size used when a request does not ask for one.
pub const DEFAULT_LIMIT: u32 = 20;
/// The largest page size a request may ask for.
pub const MAX_LIMIT: u32 = 100;
/// Response header: whether more results exist (`true`/`false`).
pub const HAS_MORE_HEADER: &str = "has-more";
/// Response header: the page size applied.
pub const LIMIT_HEADER: &str = "limit";
/// Query parameter: the page size.
pub const LIMIT_PARAM: &str = "limit";
/// Query parameter: the items after this id.
pub const AFTER_PARAM: &str = "after";
/// Query parameter: the items before this id.
pub const BEFORE_PARAM: &str = "before";
/// Query parameter: the order of the list ([`Order`]).
pub const ORDER_PARAM: &str = "order";
/// The status a create answers with (with `Location`).
pub const CREATE_STATUS: u16 = 201;
/// Whether one request may write many items (no: one item per request).
pub const BATCH_WRITES: bool = false;

/// Every error body of this style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, for programs (snake_case: `not_found`, `request_invalid`, ...).
    pub kind: String,
    /// What went wrong, for people.
    pub message: String,
}

/// List order by creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Oldest first.
    Asc,
    /// Newest first (the default).
    #[default]
    Desc,
}

impl Order {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "desc",
        }
    }
}

/// Which page of a list to return: query parameters `limit`, `after`, `before`, `order`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// Items per page, `1..=MAX_LIMIT`.
    pub limit: u32,
    /// Return the items after this id (in `order`).
    pub after: Option<String>,
    /// Return the items before this id (in `order`); ignored when `after` is set.
    pub before: Option<String>,
    /// The order of the list.
    pub order: Order,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
            before: None,
            order: Order::default(),
        }
    }
}

impl PageRequest {
    /// The first page with `limit` items per page (clamped to `1..=MAX_LIMIT`).
    pub fn first(limit: u32) -> Self {
        Self {
            limit: limit.clamp(1, MAX_LIMIT),
            ..Self::default()
        }
    }

    /// The page size.
    pub fn limit(&self) -> usize {
        self.limit as usize
    }

    /// The query parameters that ask for this page.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![(LIMIT_PARAM, self.limit.to_string())];
        if let Some(after) = &self.after {
            pairs.push((AFTER_PARAM, after.clone()));
        }
        if let Some(before) = &self.before {
            pairs.push((BEFORE_PARAM, before.clone()));
        }
        pairs.push((ORDER_PARAM, self.order.as_str().to_string()));
        pairs
    }

    /// Reads `limit`, `after`, `before` and `order` from a raw query string; anything
    /// else is ignored.
    pub fn from_query(query: Option<&str>) -> Result<Self, PageRequestError> {
        let mut request = Self::default();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| PageRequestError {
                parameter: "query",
                message: format!("the query string cannot be read: {e}"),
            })?;
        for (key, value) in pairs {
            match key.as_str() {
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
                AFTER_PARAM => request.after = Some(value),
                BEFORE_PARAM => request.before = Some(value),
                ORDER_PARAM => {
                    request.order = match value.as_str() {
                        "asc" => Order::Asc,
                        "desc" => Order::Desc,
                        _ => {
                            return Err(PageRequestError {
                                parameter: ORDER_PARAM,
                                message: format!("`order` must be `asc` or `desc`, got {value:?}"),
                            })
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(request)
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
    /// The number of items in the whole collection, when known (not on this style's wire).
    pub total: Option<u64>,
    /// Whether items exist after this page (in the requested order).
    pub has_more: bool,
    /// The id of the first item on this page (the `before` cursor of the previous page).
    pub first_id: Option<String>,
    /// The id of the last item on this page (the `after` cursor of the next page).
    pub last_id: Option<String>,
}

impl<T: Clone> Page<T> {
    /// Cuts the requested page out of a whole collection held in memory, in its
    /// natural (creation) order. `id` gives an item's id, which the cursors name.
    /// An unknown cursor gives an empty page.
    pub fn from_slice(all: &[T], request: &PageRequest, id: impl Fn(&T) -> String) -> Self {
        let ordered: Vec<&T> = match request.order {
            Order::Asc => all.iter().collect(),
            Order::Desc => all.iter().rev().collect(),
        };
        let position = |cursor: &str| ordered.iter().position(|item| id(item) == cursor);
        let limit = request.limit();
        let (start, end) = if let Some(after) = &request.after {
            let start = position(after).map_or(ordered.len(), |p| p + 1);
            (start, start.saturating_add(limit).min(ordered.len()))
        } else if let Some(before) = &request.before {
            let end = position(before).unwrap_or(0);
            (end.saturating_sub(limit), end)
        } else {
            (0, limit.min(ordered.len()))
        };
        let items: Vec<T> = ordered
            .iter()
            .skip(start)
            .take(end.saturating_sub(start))
            .map(|item| (*item).clone())
            .collect();
        Self {
            first_id: items.first().map(&id),
            last_id: items.last().map(&id),
            has_more: end < ordered.len(),
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
    use super::super::server::{
        decode_body, json_response, ApiError, Exchange, ServerStyle, Styled,
    };
    use super::*;
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};

    impl From<PageRequestError> for ApiError {
        fn from(e: PageRequestError) -> Self {
            ApiError::invalid(e.parameter, e.message)
        }
    }

    impl ServerStyle for super::Style {
        type PageRequest = PageRequest;
        type Page<T> = Page<T>;

        fn page_request(query: Option<&str>) -> Result<PageRequest, ApiError> {
            PageRequest::from_query(query).map_err(ApiError::from)
        }

        /// Renders one resource (a read, an update, a `202`).
        fn render_object<T: Serialize>(_ex: &Exchange, status: StatusCode, item: &T) -> Response {
            json_response(status, item)
        }

        /// Renders what a write saved. A create answers `201` with `Location`, whatever
        /// status the spec declared.
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
            let created = StatusCode::from_u16(CREATE_STATUS).unwrap_or(StatusCode::CREATED);
            let mut response = Self::render_object(ex, created, &item);
            let location = ex.location(Some(&item));
            if let Some(value) = location.and_then(|l| HeaderValue::try_from(l).ok()) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }

        /// Renders one page of a list: the bare array plus `Link`, `Has-More` and `Limit`.
        fn render_page<T: Serialize>(
            ex: &Exchange,
            request: &PageRequest,
            page: Page<T>,
        ) -> Response {
            let mut links = Vec::new();
            if let (true, Some(last)) = (page.has_more, &page.last_id) {
                let next = ex.link_with(&[(AFTER_PARAM, last.clone())], &[BEFORE_PARAM]);
                links.push(format!("<{next}>; rel=\"next\""));
            }
            if let (true, Some(first)) = (
                request.after.is_some() || request.before.is_some(),
                &page.first_id,
            ) {
                let prev = ex.link_with(&[(BEFORE_PARAM, first.clone())], &[AFTER_PARAM]);
                links.push(format!("<{prev}>; rel=\"prev\""));
            }
            let mut response = json_response(StatusCode::OK, &page.items);
            let headers = response.headers_mut();
            if let Ok(link) = HeaderValue::try_from(links.join(", ")) {
                if !links.is_empty() {
                    headers.insert(header::LINK, link);
                }
            }
            headers.insert(
                HAS_MORE_HEADER,
                HeaderValue::from_static(if page.has_more { "true" } else { "false" }),
            );
            headers.insert(LIMIT_HEADER, HeaderValue::from(request.limit));
            response
        }

        /// Renders a success without content: `204`, no body.
        fn render_no_content(_ex: &Exchange) -> Response {
            let mut response = StatusCode::NO_CONTENT.into_response();
            response.extensions_mut().insert(Styled);
            response
        }

        /// Renders an error.
        fn render_error(_ex: &Exchange, error: &ApiError) -> Response {
            let body = ErrorBody {
                kind: error.kind().to_string(),
                message: error.message.clone(),
            };
            error.finish(json_response(error.status, &body))
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
    // Decoding the plain style: bare bodies, `{kind, message}` errors, pagination in headers.
    use reqwest::Url;
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::super::client::{ApiError, ClientStyle, Error, RawResponse};
    pub use super::PageRequest;
    use super::{ErrorBody, HAS_MORE_HEADER, LIMIT_HEADER};

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

    /// What a plain list response says about pagination, from its headers.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Metadata {
        /// `Link` `rel="next"`, resolved against the request URL.
        pub next: Option<Url>,
        /// `Link` `rel="prev"`, resolved against the request URL.
        pub prev: Option<Url>,
        /// `Has-More`.
        pub has_more: Option<bool>,
        /// `Limit`: the page size the server applied.
        pub limit: Option<u32>,
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

    fn metadata(raw: &RawResponse) -> Result<Metadata, Error> {
        let mut metadata = Metadata {
            has_more: raw
                .header(HAS_MORE_HEADER)
                .and_then(|v| v.trim().parse().ok()),
            limit: raw.header(LIMIT_HEADER).and_then(|v| v.trim().parse().ok()),
            ..Metadata::default()
        };
        for value in raw.headers.get_all(reqwest::header::LINK) {
            let value = value
                .to_str()
                .map_err(|_| raw.decode_error("a `Link` header that is not text"))?;
            for link in parse_link_header(value)
                .map_err(|e| raw.decode_error(format!("`Link` header {value:?}: {e}")))?
            {
                let slot = if link.has_rel("next") {
                    &mut metadata.next
                } else if link.has_rel("prev") || link.has_rel("previous") {
                    &mut metadata.prev
                } else {
                    continue;
                };
                let url = raw.url.join(&link.target).map_err(|e| {
                    raw.decode_error(format!("`Link` target {:?} is not a URL: {e}", link.target))
                })?;
                slot.get_or_insert(url);
            }
        }
        Ok(metadata)
    }

    /// An object response: the body is the resource.
    pub fn decode_one<T: DeserializeOwned>(
        raw: &RawResponse,
        _collection: &str,
    ) -> Result<Response<T>, Error> {
        let value = raw.json()?;
        Ok(Response {
            value,
            info: raw.info(None, metadata(raw)?),
        })
    }

    /// A response holding many items: the body is an array.
    pub fn decode_many<T: DeserializeOwned>(
        raw: &RawResponse,
        collection: &str,
    ) -> Result<Response<Vec<T>>, Error> {
        decode_one(raw, collection)
    }

    /// A response without a resource (`204`); a body, if any, is ignored.
    pub fn decode_none(raw: &RawResponse, _collection: &str) -> Result<Response<()>, Error> {
        Ok(Response {
            value: (),
            info: raw.info(None, metadata(raw)?),
        })
    }

    /// A list page: the body is the array; the next page is the `Link` header's `rel="next"`.
    pub fn decode_page<T: DeserializeOwned>(
        raw: &RawResponse,
        _collection: &str,
    ) -> Result<(Vec<T>, ResponseInfo, Option<Url>), Error> {
        let items = raw.json()?;
        let metadata = metadata(raw)?;
        let next = metadata.next.clone();
        Ok((items, raw.info(None, metadata), next))
    }

    /// The error for an answer outside 2xx: `{kind, message}`, else a decode error that keeps the status.
    pub fn decode_error(raw: &RawResponse) -> Error {
        match serde_json::from_slice::<ErrorBody>(&raw.body) {
            Ok(body) => Error::Api(Box::new(ApiError {
                status: raw.status,
                kind: Some(body.kind),
                code: None,
                message: body.message,
                field: None,
                description: None,
                request_id: raw.header_request_id(),
                retry_after: raw.retry_after(),
            })),
            Err(e) => raw.decode_error(e.to_string()),
        }
    }

    /// One link of a `Link` header (RFC 8288): its target as written and its parameters.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Link {
        /// The target URI reference, unresolved.
        pub target: String,
        /// The parameters, names lower-cased, values unquoted.
        pub params: Vec<(String, String)>,
    }

    impl Link {
        /// Whether `rel` (a space-separated list, compared case-insensitively) holds `rel`.
        pub fn has_rel(&self, rel: &str) -> bool {
            self.params
                .iter()
                .filter(|(name, _)| name == "rel")
                .take(1)
                .any(|(_, value)| {
                    value
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case(rel))
                })
        }
    }

    /// Parses a `Link` header value (RFC 8288 section 3): comma-separated `<target>; name=value` links
    /// where values may be tokens or quoted strings (which may hold commas and semicolons).
    pub fn parse_link_header(value: &str) -> Result<Vec<Link>, String> {
        let mut links = Vec::new();
        let mut rest = value.trim_start();
        loop {
            rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
            if rest.is_empty() {
                return Ok(links);
            }
            let Some(after_open) = rest.strip_prefix('<') else {
                return Err(format!("expected `<` at {rest:?}"));
            };
            let Some((target, after)) = after_open.split_once('>') else {
                return Err("a `<` without its `>`".to_owned());
            };
            let mut link = Link {
                target: target.trim().to_owned(),
                params: Vec::new(),
            };
            rest = after.trim_start();
            while let Some(after_semicolon) = rest.strip_prefix(';') {
                let param = after_semicolon.trim_start();
                let name_end = param
                    .find(|c: char| c == '=' || c == ';' || c == ',' || c.is_ascii_whitespace())
                    .unwrap_or(param.len());
                let (name, after_name) = param.split_at(name_end);
                if name.is_empty() {
                    return Err(format!("a parameter without a name at {param:?}"));
                }
                let after_name = after_name.trim_start();
                let (param_value, after_value) = match after_name.strip_prefix('=') {
                    None => (String::new(), after_name),
                    Some(v) => {
                        let v = v.trim_start();
                        match v.strip_prefix('"') {
                            Some(quoted) => parse_quoted(quoted)?,
                            None => {
                                let end = v.find([';', ',']).unwrap_or(v.len());
                                let (token, after_token) = v.split_at(end);
                                (token.trim_end().to_owned(), after_token)
                            }
                        }
                    }
                };
                link.params.push((name.to_ascii_lowercase(), param_value));
                rest = after_value.trim_start();
            }
            if !(rest.is_empty() || rest.starts_with(',')) {
                return Err(format!("expected `;` or `,` at {rest:?}"));
            }
            links.push(link);
        }
    }

    /// The rest of a quoted string after its opening `"`: its unescaped content and what follows it.
    fn parse_quoted(input: &str) -> Result<(String, &str), String> {
        let mut out = String::new();
        let mut chars = input.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((out, &input[i + c.len_utf8()..])),
                '\\' => match chars.next() {
                    Some((_, escaped)) => out.push(escaped),
                    None => break,
                },
                _ => out.push(c),
            }
        }
        Err("a quoted string without its closing `\"`".to_owned())
    }
}
