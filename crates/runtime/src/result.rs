//! The `result` response style: every body has `result` (`success`, `failure` or
//! `error`); resources travel in a collection (`{"widgets": [...]}`) both ways, with
//! `metadata`; writes are validated item by item and are atomic.
//!
//! This module holds the style's wire types (shared by the server and the client), the
//! page request/page types that handlers use, and the server's renderers. Every style
//! module of apigen has the same interface, so `server.rs` and `client.rs` never depend
//! on which style was generated.

use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// The style's name, as given to `apigen generate --style`.
pub const STYLE: &str = "result";
/// The page size used when a request does not ask for one.
pub const DEFAULT_LIMIT: u32 = 20;
/// The largest page size a request may ask for (this style sets no maximum).
pub const MAX_LIMIT: u32 = u32::MAX;
/// Query parameter: the 1-based page number.
pub const PAGE_PARAM: &str = "page";
/// Query parameter: the page size.
pub const RECORDS_PER_PAGE_PARAM: &str = "recordsPerPage";
/// The status a create answers with (this style has no `201` and no `Location`).
pub const CREATE_STATUS: u16 = 200;
/// Whether one request may write many items (yes: a collection, atomically).
pub const BATCH_WRITES: bool = true;

/// The `result` property of every body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Everything was done.
    Success,
    /// Some write items were invalid; nothing was saved.
    Failure,
    /// The request as a whole failed.
    Error,
}

/// The `type` of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorType {
    /// The server failed (5xx).
    System,
    /// The request cannot be served as asked (401, 404, 405, 429, ...).
    Client,
    /// The body cannot be parsed.
    Syntax,
    /// The body parses but is not what the operation takes.
    Content,
    /// The caller may not do this (403).
    Permission,
    /// One write item is invalid.
    Validation,
    /// A type this client does not know.
    #[serde(other)]
    Other,
}

/// The style's error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    /// The kind of problem.
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// The HTTP status unless the API defines its own codes: an integer of any size.
    pub code: serde_json::Number,
    /// What went wrong, for people.
    pub message: String,
    /// More detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The offending field of a write item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// `{"result": "error", "error": Error}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Always [`Outcome::Error`].
    pub result: Outcome,
    /// What went wrong.
    pub error: Error,
}

/// `metadata` of a read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadMetadata {
    /// The 1-based page number.
    pub page: u32,
    /// The page size applied.
    pub records_per_page: u32,
    /// The number of pages, when the total is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages_count: Option<u64>,
    /// The number of records in the whole collection, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_count: Option<u64>,
}

/// `metadata` of a write (success or failure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteMetadata {
    /// How many items the request held.
    pub received_items_count: usize,
    /// 0-based indices of the valid items.
    pub valid_items: Vec<usize>,
    /// 0-based indices of the invalid items; `failures[i]` belongs to `invalid_items[i]`.
    pub invalid_items: Vec<usize>,
}

/// One invalid write item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFailure {
    /// The item as received.
    pub raw_data: serde_json::Value,
    /// Everything wrong with it.
    pub errors: Vec<Error>,
}

/// `{"result": "failure", "failures": [...], "metadata": WriteMetadata}` (status 422).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureBody {
    /// Always [`Outcome::Failure`].
    pub result: Outcome,
    /// One entry per invalid item.
    pub failures: Vec<ItemFailure>,
    /// Which items were valid and which were not.
    pub metadata: WriteMetadata,
}

/// `{"result": "success", "<collection>": [...], "metadata": M}`. The collection key
/// depends on the operation, so (de)serialisation goes through [`SuccessBody::from_value`]
/// and a hand-written `Serialize`.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessBody<T, M> {
    /// The collection key (`widgets`).
    pub collection: String,
    /// The items.
    pub items: Vec<T>,
    /// [`ReadMetadata`] or [`WriteMetadata`].
    pub metadata: M,
}

impl<T: Serialize, M: Serialize> Serialize for SuccessBody<T, M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("result", &Outcome::Success)?;
        map.serialize_entry(&self.collection, &self.items)?;
        map.serialize_entry("metadata", &self.metadata)?;
        map.end()
    }
}

impl<T: DeserializeOwned, M: DeserializeOwned> SuccessBody<T, M> {
    /// Reads a success body whose items are under `collection`.
    pub fn from_value(
        mut value: serde_json::Value,
        collection: &str,
    ) -> Result<Self, serde_json::Error> {
        use serde::de::Error as _;
        let object = value
            .as_object_mut()
            .ok_or_else(|| serde_json::Error::custom("a result body must be a JSON object"))?;
        let items = object
            .remove(collection)
            .ok_or_else(|| serde_json::Error::custom(format!("missing field `{collection}`")))?;
        let metadata = object
            .remove("metadata")
            .ok_or_else(|| serde_json::Error::custom("missing field `metadata`"))?;
        Ok(Self {
            collection: collection.to_string(),
            items: serde_json::from_value(items)?,
            metadata: serde_json::from_value(metadata)?,
        })
    }
}

/// A write request body: `{"<collection>": [item, ...]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteBody<T> {
    /// The collection key (`widgets`).
    pub collection: String,
    /// The items to write.
    pub items: Vec<T>,
}

impl<T: Serialize> Serialize for WriteBody<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(&self.collection, &self.items)?;
        map.end()
    }
}

/// Which page of a list to return: query parameters `page` (1-based) and `recordsPerPage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    /// Items per page, `1..=MAX_LIMIT`.
    pub records_per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            records_per_page: DEFAULT_LIMIT,
        }
    }
}

impl PageRequest {
    /// The first page with `limit` items per page (clamped to `1..=MAX_LIMIT`).
    pub fn first(limit: u32) -> Self {
        Self {
            page: 1,
            records_per_page: limit.clamp(1, MAX_LIMIT),
        }
    }

    /// The page size.
    pub fn limit(&self) -> usize {
        self.records_per_page as usize
    }

    /// The query parameters that ask for this page.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            (PAGE_PARAM, self.page.to_string()),
            (RECORDS_PER_PAGE_PARAM, self.records_per_page.to_string()),
        ]
    }

    /// Reads `page` and `recordsPerPage` from a raw query string; anything else is ignored.
    pub fn from_query(query: Option<&str>) -> Result<Self, PageRequestError> {
        let mut request = Self::default();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| PageRequestError {
                parameter: "query",
                message: format!("the query string cannot be read: {e}"),
                unparseable: true,
            })?;
        for (key, value) in pairs {
            match key.as_str() {
                PAGE_PARAM => request.page = at_least_one(PAGE_PARAM, &value)?,
                RECORDS_PER_PAGE_PARAM => {
                    request.records_per_page = at_least_one(RECORDS_PER_PAGE_PARAM, &value)?;
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

/// `parameter`'s value as a count of at least 1.
fn at_least_one(parameter: &'static str, value: &str) -> Result<u32, PageRequestError> {
    let message = format!("`{parameter}` must be an integer of at least 1, got {value:?}");
    match count(value) {
        Some(n) if n >= 1 => Ok(n),
        parsed => Err(PageRequestError {
            parameter,
            message,
            unparseable: parsed.is_none(),
        }),
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
    /// The value does not parse (`page=abc`: `400 syntax`); else it parses but is out of
    /// range (`page=0`: `422 content`).
    pub unparseable: bool,
}

/// One page of a list, as a handler returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The number of items in the whole collection: every read reports it
    /// (`recordsCount`, `pagesCount`).
    pub total: u64,
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
            total: all.len() as u64,
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
        decode_value, json_response, parse_json, ApiError, Exchange, ItemRefusal, ServerStyle,
        Styled,
    };
    use super::super::vocabulary;
    use super::*;
    use axum::http::StatusCode;
    use axum::response::Response;

    impl From<PageRequestError> for ApiError {
        fn from(e: PageRequestError) -> Self {
            let kind = if e.unparseable {
                vocabulary::SYNTAX
            } else {
                vocabulary::CONTENT
            };
            ApiError::invalid(e.parameter, e.message).with_type(kind)
        }
    }

    /// The error's type: the one it was given, else the status's. A `400` that was not
    /// given one is a problem with what the request says (`content`, answered as `422`):
    /// only what the runtime finds unreadable is given `syntax`.
    fn error_type(error: &ApiError) -> ErrorType {
        let given = error.error_type.as_deref();
        let name = match given {
            Some(name) => name,
            None if error.status == StatusCode::BAD_REQUEST => vocabulary::CONTENT,
            None => vocabulary::result_type(error.status.as_u16()),
        };
        serde_json::from_value(serde_json::Value::from(name)).unwrap_or(ErrorType::Client)
    }

    /// [`SuccessBody`] as the server writes it: borrowed, nothing copied.
    struct Success<'a, T, M> {
        collection: &'a str,
        items: &'a [T],
        metadata: M,
    }

    impl<T: Serialize, M: Serialize> Serialize for Success<'_, T, M> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(3))?;
            map.serialize_entry("result", &Outcome::Success)?;
            map.serialize_entry(self.collection, self.items)?;
            map.serialize_entry("metadata", &self.metadata)?;
            map.end()
        }
    }

    fn success<T: Serialize, M: Serialize>(ex: &Exchange, items: &[T], metadata: M) -> Response {
        let body = Success {
            collection: ex.collection_key(),
            items,
            metadata,
        };
        json_response(StatusCode::OK, &body)
    }

    /// The body of one resource, written straight into one buffer: the bytes [`Success`]
    /// writes for it, its constant parts (`result`, a [`ReadMetadata`] of one record on
    /// one page) as they are.
    fn object_body<T: Serialize>(ex: &Exchange, item: &T) -> serde_json::Result<Vec<u8>> {
        let mut body = Vec::with_capacity(512);
        body.extend_from_slice(b"{\"result\":\"success\",");
        serde_json::to_writer(&mut body, ex.collection_key())?;
        body.extend_from_slice(b":[");
        serde_json::to_writer(&mut body, item)?;
        body.extend_from_slice(b"],\"metadata\":{\"page\":1,\"recordsPerPage\":1,\"pagesCount\":1,\"recordsCount\":1}}");
        Ok(body)
    }

    impl ServerStyle for super::Style {
        type PageRequest = PageRequest;
        type Page<T> = Page<T>;

        fn page_request(query: Option<&str>) -> Result<PageRequest, ApiError> {
            PageRequest::from_query(query).map_err(ApiError::from)
        }

        /// Renders one resource as a one-element collection.
        fn render_object<T: Serialize>(ex: &Exchange, status: StatusCode, item: &T) -> Response {
            let mut response = Styled::response(StatusCode::OK, object_body(ex, item));
            if status != StatusCode::CREATED {
                *response.status_mut() = status;
            }
            response
        }

        /// Renders what a write saved (`200`; this style has no `201` and no `Location`).
        fn render_written<T: Serialize>(
            ex: &Exchange,
            status: StatusCode,
            saved: Vec<T>,
            created: bool,
        ) -> Response {
            let metadata = WriteMetadata {
                received_items_count: saved.len(),
                valid_items: (0..saved.len()).collect(),
                invalid_items: Vec::new(),
            };
            let mut response = success(ex, &saved, metadata);
            // A create answers CREATE_STATUS; so does any write the spec declares `201` for.
            *response.status_mut() = if created || status == StatusCode::CREATED {
                StatusCode::from_u16(CREATE_STATUS).unwrap_or(StatusCode::OK)
            } else {
                status
            };
            response
        }

        /// Renders one page of a list.
        fn render_page<T: Serialize>(
            ex: &Exchange,
            request: &PageRequest,
            page: Page<T>,
        ) -> Response {
            let per_page = u64::from(request.records_per_page.max(1));
            let metadata = ReadMetadata {
                page: request.page,
                records_per_page: request.records_per_page,
                pages_count: Some(page.total.div_ceil(per_page)),
                records_count: Some(page.total),
            };
            success(ex, &page.items, metadata)
        }

        /// Renders a success without content: this style always has a body, so `200` with
        /// an empty collection.
        fn render_no_content(ex: &Exchange) -> Response {
            let metadata = WriteMetadata {
                received_items_count: 0,
                valid_items: Vec::new(),
                invalid_items: Vec::new(),
            };
            success::<(), _>(ex, &[], metadata)
        }

        /// Renders an error. A request that was understood but whose content is wrong
        /// (type `content`) answers `422`; only one that cannot be understood (`syntax`:
        /// not JSON, the wrong content type, a parameter that does not parse) answers `400`.
        fn render_error(_ex: &Exchange, error: &ApiError) -> Response {
            let kind = error_type(error);
            let status = if kind == ErrorType::Content && error.status == StatusCode::BAD_REQUEST {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                error.status
            };
            let body = ErrorBody {
                result: Outcome::Error,
                error: Error {
                    kind,
                    code: error.code.unwrap_or(status.as_u16()).into(),
                    message: error.message.clone(),
                    description: error.description.clone(),
                    field: error.field.clone(),
                },
            };
            error.finish(json_response(status, &body))
        }

        /// Renders a batch the handler refused items of: `422`, `result: "failure"`, one
        /// entry per refused item (in request order, its refusals as `validation` errors,
        /// its `rawData` as received), nothing saved.
        fn render_refused(ex: &Exchange, body: &[u8], refusals: Vec<ItemRefusal>) -> Response {
            let mut items = match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(serde_json::Value::Object(mut object)) => {
                    match object.remove(ex.collection_key()) {
                        Some(serde_json::Value::Array(items)) => items,
                        _ => Vec::new(),
                    }
                }
                _ => Vec::new(),
            };
            let mut refused: Vec<(usize, Vec<Error>)> = Vec::new();
            for refusal in refusals {
                let error = Error {
                    kind: ErrorType::Validation,
                    code: StatusCode::UNPROCESSABLE_ENTITY.as_u16().into(),
                    message: refusal.message,
                    description: None,
                    field: refusal.field,
                };
                match refused
                    .iter_mut()
                    .find(|(index, _)| *index == refusal.index)
                {
                    Some((_, errors)) => errors.push(error),
                    None => refused.push((refusal.index, vec![error])),
                }
            }
            refused.sort_by_key(|(index, _)| *index);
            let received_items_count = items.len();
            let valid_items = (0..received_items_count)
                .filter(|i| !refused.iter().any(|(index, _)| index == i))
                .collect();
            let invalid_items = refused.iter().map(|(index, _)| *index).collect();
            let failures = refused
                .into_iter()
                .map(|(index, errors)| ItemFailure {
                    raw_data: items
                        .get_mut(index)
                        .map(serde_json::Value::take)
                        .unwrap_or_default(),
                    errors,
                })
                .collect();
            let body = FailureBody {
                result: Outcome::Failure,
                failures,
                metadata: WriteMetadata {
                    received_items_count,
                    valid_items,
                    invalid_items,
                },
            };
            json_response(StatusCode::UNPROCESSABLE_ENTITY, &body)
        }

        /// Reads a write's body `{"<collection>": [item, ...]}`: every item is decoded and
        /// validated on its own; if any is invalid the answer is a `422` failure naming each
        /// invalid item, and the handler is never called.
        fn decode_write<T>(ex: &Exchange, body: &[u8]) -> Result<Vec<T>, Response>
        where
            T: DeserializeOwned + super::super::validate::Validate,
        {
            let key = ex.collection_key();
            let shape_error = || {
                ApiError::bad_request(format!(
                    "the body must be a JSON object whose `{key}` holds an array of items"
                ))
            };
            let value = parse_json(body).map_err(|e| Self::render_error(ex, &e))?;
            let serde_json::Value::Object(mut object) = value else {
                return Err(Self::render_error(ex, &shape_error()));
            };
            let Some(serde_json::Value::Array(items)) = object.remove(key) else {
                return Err(Self::render_error(ex, &shape_error()));
            };
            if ex.addresses_item() && items.len() != 1 {
                let message = format!(
                    "this operation writes one item: `{key}` must hold exactly one, got {}",
                    items.len()
                );
                return Err(Self::render_error(
                    ex,
                    &ApiError::bad_request(message).with_type(vocabulary::CONTENT),
                ));
            }
            let received_items_count = items.len();
            let mut decoded = Vec::with_capacity(items.len());
            let mut failures = Vec::new();
            let mut valid_items = Vec::new();
            let mut invalid_items = Vec::new();
            for (index, raw) in items.into_iter().enumerate() {
                match decode_value::<T>(raw.clone()) {
                    Ok(item) => {
                        valid_items.push(index);
                        decoded.push(item);
                    }
                    Err(violations) => {
                        invalid_items.push(index);
                        let errors = violations
                            .into_iter()
                            .map(|v| Error {
                                kind: ErrorType::Validation,
                                code: StatusCode::UNPROCESSABLE_ENTITY.as_u16().into(),
                                message: v.message,
                                description: None,
                                field: v.field,
                            })
                            .collect();
                        failures.push(ItemFailure {
                            raw_data: raw,
                            errors,
                        });
                    }
                }
            }
            if failures.is_empty() {
                return Ok(decoded);
            }
            let body = FailureBody {
                result: Outcome::Failure,
                failures,
                metadata: WriteMetadata {
                    received_items_count,
                    valid_items,
                    invalid_items,
                },
            };
            Err(json_response(StatusCode::UNPROCESSABLE_ENTITY, &body))
        }
    }
}

/// The client half: how the client decodes this style.
#[cfg(feature = "client")]
pub mod client {
    // Decoding the result style: `{"result": …}` bodies, items in a named collection, writes as
    // collections, per-item failures.
    use reqwest::Url;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};

    use super::super::client::{
        ApiError, ClientStyle, Error, Failure, ItemError, ItemFailure, RawResponse,
    };
    pub use super::PageRequest;
    use super::{
        ErrorBody, ErrorType, FailureBody, Outcome, ReadMetadata, SuccessBody, WriteBody,
        WriteMetadata,
    };

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

    /// The response's `metadata`: a read's page position or a write's valid and invalid items.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
    #[serde(untagged)]
    pub enum Metadata {
        /// A write: which items were valid.
        Write(WriteMetadata),
        /// A read: the page position.
        Read(ReadMetadata),
        /// No metadata was decoded.
        #[default]
        None,
    }

    /// Just the `result` of a body.
    #[derive(Deserialize)]
    struct Head {
        result: Outcome,
    }

    /// The request body for one item: `{"<collection>": [item]}`.
    pub fn encode_one<T: Serialize + ?Sized>(collection: &str, item: &T) -> Result<Vec<u8>, Error> {
        write_body(collection, vec![item])
    }

    /// The request body for many items: `{"<collection>": [items…]}`, one atomic request.
    pub fn encode_batch<T: Serialize>(
        collection: &str,
        items: &[T],
    ) -> Result<Option<Vec<u8>>, Error> {
        const { assert!(super::BATCH_WRITES) };
        write_body(collection, items.iter().collect()).map(Some)
    }

    fn write_body<T: Serialize + ?Sized>(
        collection: &str,
        items: Vec<&T>,
    ) -> Result<Vec<u8>, Error> {
        let body = WriteBody {
            collection: collection.to_owned(),
            items,
        };
        serde_json::to_vec(&body).map_err(|e| {
            Error::InvalidRequest(format!("the request body cannot be written as JSON: {e}"))
        })
    }

    /// A success body: its collection's items and the response info; any other `result` is an error.
    fn open<T: DeserializeOwned>(
        raw: &RawResponse,
        collection: &str,
    ) -> Result<(Vec<T>, ResponseInfo), Error> {
        let head: Head = raw.json()?;
        if head.result != Outcome::Success {
            return Err(decode_error(raw));
        }
        let body = SuccessBody::<T, Metadata>::from_value(raw.json()?, collection)
            .map_err(|e| raw.decode_error(e.to_string()))?;
        Ok((body.items, raw.info(None, body.metadata)))
    }

    /// One resource: the collection's only item.
    pub fn decode_one<T: DeserializeOwned>(
        raw: &RawResponse,
        collection: &str,
    ) -> Result<Response<T>, Error> {
        let (items, info) = open::<T>(raw, collection)?;
        let count = items.len();
        match <[T; 1]>::try_from(items) {
            Ok([value]) => Ok(Response { value, info }),
            Err(_) => {
                Err(raw.decode_error(format!("expected one item in `{collection}`, got {count}")))
            }
        }
    }

    /// Many resources: the collection's items (the saved items of a batch write).
    pub fn decode_many<T: DeserializeOwned>(
        raw: &RawResponse,
        collection: &str,
    ) -> Result<Response<Vec<T>>, Error> {
        let (value, info) = open(raw, collection)?;
        Ok(Response { value, info })
    }

    /// A response without a resource: a success body whose collection is empty.
    pub fn decode_none(raw: &RawResponse, collection: &str) -> Result<Response<()>, Error> {
        let (_, info) = open::<serde_json::Value>(raw, collection)?;
        Ok(Response { value: (), info })
    }

    /// A list page; the next page is `page + 1` while `page < pagesCount`, or, without a count,
    /// while pages come back full.
    pub fn decode_page<T: DeserializeOwned>(
        raw: &RawResponse,
        collection: &str,
    ) -> Result<(Vec<T>, ResponseInfo, Option<Url>), Error> {
        let (items, info) = open::<T>(raw, collection)?;
        let Metadata::Read(read) = &info.metadata else {
            return Err(
                raw.decode_error("a list without read `metadata` (`page`, `recordsPerPage`)")
            );
        };
        let more = match read.pages_count {
            Some(pages) => u64::from(read.page) < pages,
            None => read.records_per_page > 0 && items.len() >= read.records_per_page as usize,
        };
        let next = more.then(|| {
            let next_page = PageRequest {
                page: read.page.saturating_add(1),
                records_per_page: read.records_per_page,
            };
            let kept: Vec<(String, String)> = raw
                .url
                .query_pairs()
                .filter(|(k, _)| k != super::PAGE_PARAM && k != super::RECORDS_PER_PAGE_PARAM)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut url = raw.url.clone();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .extend_pairs(next_page.query_pairs());
            url
        });
        Ok((items, info, next))
    }

    fn type_name(kind: ErrorType) -> Option<String> {
        serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
    }

    /// The error for an answer outside 2xx (or a body whose `result` is not `success`): `error` becomes
    /// [`Error::Api`], `failure` becomes [`Error::Failure`] with each item's request index.
    pub fn decode_error(raw: &RawResponse) -> Error {
        let head: Head = match raw.json() {
            Ok(head) => head,
            Err(e) => return e,
        };
        match head.result {
            Outcome::Failure => {
                let body: FailureBody = match raw.json() {
                    Ok(body) => body,
                    Err(e) => return e,
                };
                if body.failures.len() != body.metadata.invalid_items.len() {
                    return raw.decode_error(format!(
                        "{} failures for {} invalid items",
                        body.failures.len(),
                        body.metadata.invalid_items.len()
                    ));
                }
                let items = body
                    .failures
                    .into_iter()
                    .zip(&body.metadata.invalid_items)
                    .map(|(failure, &index)| ItemFailure {
                        index,
                        raw_data: failure.raw_data,
                        errors: failure
                            .errors
                            .into_iter()
                            .map(|e| ItemError {
                                kind: type_name(e.kind),
                                code: Some(e.code.to_string()),
                                message: e.message,
                                field: e.field,
                                description: e.description,
                            })
                            .collect(),
                    })
                    .collect();
                Error::Failure(Box::new(Failure {
                    status: raw.status,
                    request_id: raw.header_request_id(),
                    received: u64::try_from(body.metadata.received_items_count).ok(),
                    valid_items: body.metadata.valid_items,
                    items,
                }))
            }
            Outcome::Error => match raw.json::<ErrorBody>() {
                Ok(ErrorBody { error, .. }) => Error::Api(Box::new(ApiError {
                    status: raw.status,
                    kind: type_name(error.kind),
                    code: Some(error.code.to_string()),
                    message: error.message,
                    field: error.field,
                    description: error.description,
                    request_id: raw.header_request_id(),
                    retry_after: raw.retry_after(),
                })),
                Err(e) => e,
            },
            Outcome::Success => {
                raw.decode_error(format!("a success body with status {}", raw.status))
            }
        }
    }
}
