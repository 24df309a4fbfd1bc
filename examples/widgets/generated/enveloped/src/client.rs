//! The HTTP client (reqwest).
//!
//! [`Client::new`] or [`Client::builder`] makes a client; it has one async method per operation of
//! the API. Methods return the resource itself; each has a `*_with_meta` twin returning a
//! [`Response`] with the status, headers, request id and the response style's [`Metadata`].
//!
//! An operation that declares several success statuses returns its enum in
//! [`types`](super::types), decoded by the status received; declared response headers come
//! back typed, as [`WithHeaders`]. `response.info.location()` reads `Location`.
//!
//! List operations take a [`PageRequest`] and return one [`Page`]; [`Core::next_page`] fetches the
//! page after it and the `*_stream` twin yields every item of every page.
//!
//! Writes that create resources also have a `*_batch` twin taking many items. Where the response
//! style accepts a collection in one request, the batch is one atomic request whose
//! invalid items come back as [`Error::Failure`]; elsewhere the items are sent one request at a
//! time, in order, stopping at the first error (earlier items stay saved).
//!
//! Operations answering server-sent events return [`Events`]: a `Stream` of decoded [`Event`]s
//! that reconnects a dropped connection with `Last-Event-ID`, as the [`ReconnectPolicy`] given to
//! [`ClientBuilder::reconnect`] says.
//!
//! Every failure is one [`Error`]. Retries are off unless a [`RetryPolicy`] is set.
//! Credentials are given with [`ClientBuilder::credential`], per security scheme, by its name
//! in the spec:
//! bearerAuth
#[allow(unused_imports)]
use reqwest::header::HeaderMap;
#[allow(unused_imports)]
use reqwest::{Method, Url};
#[allow(unused_imports)]
use super::runtime::client::{
    path_value, push_cookie, push_header, push_query, read_headers, unexpected_status,
    PageCall,
};
pub use super::runtime::headers::WithHeaders;
pub use super::runtime::client::{
    ApiClient, ApiError, ClientBuilder, Core, DecodeError, Error, Failure, ItemError,
    ItemFailure, RawResponse, RetryPolicy, SecurityScheme, REQUEST_ID_HEADER,
};
#[allow(unused_imports)]
use super::style::client as wire;
pub use super::runtime::sse::{Event, Events, ReconnectPolicy};
pub use super::style::client::{Metadata, Page, PageRequest, Response, ResponseInfo};
#[allow(unused_imports)]
use super::types;
/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] replaces it.
pub const DEFAULT_USER_AGENT: &str = concat!(
    env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")
);
/// A client of the API: the runtime's [`Core`] (base URL, HTTP client, credentials, retries)
/// plus one method per operation.
#[derive(Clone, Debug)]
pub struct Client {
    core: Core<super::style::Style>,
}
impl std::ops::Deref for Client {
    type Target = Core<super::style::Style>;
    fn deref(&self) -> &Self::Target {
        &self.core
    }
}
impl ApiClient for Client {
    type Style = super::style::Style;
    const SECURITY_SCHEMES: &'static [SecurityScheme] = &[
        SecurityScheme {
            name: "bearerAuth",
            kind: "http_bearer",
            parameter: None,
        },
    ];
    const USER_AGENT: &'static str = DEFAULT_USER_AGENT;
    fn from_core(core: Core<super::style::Style>) -> Self {
        Self { core }
    }
}
impl Client {
    /// A client for the API at `base_url` with default settings.
    pub fn new(base_url: impl Into<String>) -> Result<Self, Error> {
        Client::builder(base_url).build()
    }
    /// A builder for a client of the API at `base_url` (e.g. `https://api.example.com/v1`).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder<Client> {
        ClientBuilder::new(base_url)
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
        self.first_page(self.list_widgets_request(page)).await
    }
    /// Every item of [`Client::list_widgets`], page after page, starting at `page`.
    pub fn list_widgets_stream(
        &self,
        page: &PageRequest,
    ) -> impl ::futures_util::Stream<Item = Result<types::Widget, Error>> + '_ {
        self.paginate(self.list_widgets_request(page))
    }
    fn list_widgets_request(
        &self,
        page: &PageRequest,
    ) -> Result<(Url, PageCall), Error> {
        let mut url = self.endpoint("/widgets", &[])?;
        let header_map = HeaderMap::new();
        url.query_pairs_mut().extend_pairs(page.query_pairs());
        let call = PageCall {
            method: Method::GET,
            headers: header_map,
            body: None,
            security: &[&["bearerAuth"]],
            collection: "widgets",
        };
        Ok((url, call))
    }
}
impl Client {
    /// Create a widget
    ///
    /// Names are unique: a widget whose name another widget has is refused (`400` with error kind `name_taken`; in the result style, a `422` failure naming the item, field `name`, and nothing of the batch is saved).
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
        let header_map = HeaderMap::new();
        let body = Some(wire::encode_one("widgets", body)?);
        let raw = self
            .send(Method::POST, url, header_map, body, &[&["bearerAuth"]])
            .await?;
        wire::decode_one::<types::Widget>(&raw, "widgets")
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
                        &[&["bearerAuth"]],
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
        let header_map = HeaderMap::new();
        let raw = self
            .send(Method::DELETE, url, header_map, None, &[&["bearerAuth"]])
            .await?;
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
    ) -> Result<WithHeaders<types::Widget, types::GetWidgetHeaders>, Error> {
        self.get_widget_with_meta(widget_id).await.map(Response::into_inner)
    }
    /// [`Client::get_widget`] with the response's status, headers, request id and metadata.
    pub async fn get_widget_with_meta(
        &self,
        widget_id: impl Into<String>,
    ) -> Result<Response<WithHeaders<types::Widget, types::GetWidgetHeaders>>, Error> {
        let widget_id: String = widget_id.into();
        let url = self
            .endpoint(
                "/widgets/{widget_id}",
                &[("widget_id", path_value("widget_id", &widget_id)?)],
            )?;
        let header_map = HeaderMap::new();
        let raw = self
            .send(Method::GET, url, header_map, None, &[&["bearerAuth"]])
            .await?;
        read_headers::<types::GetWidgetHeaders>(&raw, &["etag", "cache-control"])
            .and_then(|headers| Ok(
                wire::decode_one::<types::Widget>(&raw, "widgets")?
                    .map(|body| WithHeaders::new(body, headers)),
            ))
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
        let header_map = HeaderMap::new();
        let body = Some(wire::encode_one("widgets", body)?);
        let raw = self
            .send(Method::PATCH, url, header_map, body, &[&["bearerAuth"]])
            .await?;
        wire::decode_one::<types::Widget>(&raw, "widgets")
    }
}
impl Client {
    /// Replace or create a widget
    ///
    /// Replaces the widget (`200`), or creates it under this id (`201`, with `Location`) when there is none. Ids have the form `wdg_<n>`: another id is `404`. A name that another widget has is refused as in a create.
    ///
    /// `PUT /widgets/{widget_id}`
    pub async fn replace_widget(
        &self,
        widget_id: impl Into<String>,
        body: &types::WidgetInput,
    ) -> Result<types::ReplaceWidgetResponse, Error> {
        self.replace_widget_with_meta(widget_id, body).await.map(Response::into_inner)
    }
    /// [`Client::replace_widget`] with the response's status, headers, request id and metadata.
    pub async fn replace_widget_with_meta(
        &self,
        widget_id: impl Into<String>,
        body: &types::WidgetInput,
    ) -> Result<Response<types::ReplaceWidgetResponse>, Error> {
        let widget_id: String = widget_id.into();
        let url = self
            .endpoint(
                "/widgets/{widget_id}",
                &[("widget_id", path_value("widget_id", &widget_id)?)],
            )?;
        let header_map = HeaderMap::new();
        let body = Some(wire::encode_one("widgets", body)?);
        let raw = self
            .send(Method::PUT, url, header_map, body, &[&["bearerAuth"]])
            .await?;
        match raw.status.as_u16() {
            200 => {
                read_headers::<types::ReplaceWidgetHeaders>(&raw, &["etag"])
                    .and_then(|headers| Ok(
                        wire::decode_one::<types::Widget>(&raw, "widgets")?
                            .map(|body| types::ReplaceWidgetResponse::Ok(
                                WithHeaders::new(body, headers),
                            )),
                    ))
            }
            201 => {
                read_headers::<types::ReplaceWidget201Headers>(&raw, &["etag"])
                    .and_then(|headers| Ok(
                        wire::decode_one::<types::Widget>(&raw, "widgets")?
                            .map(|body| types::ReplaceWidgetResponse::Created(
                                WithHeaders::new(body, headers),
                            )),
                    ))
            }
            _ => Err(unexpected_status(&raw)),
        }
    }
}
