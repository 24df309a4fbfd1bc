//! The server: implement [`Api`], then serve [`router`] (or [`RouterBuilder`]) with
//! [`Server`].
//!
//! The trait is the same whichever response style was generated, but for batch writes
//! (below); the router renders every success and every failure through
//! [`style`](super::style). Trait methods use native
//! `async fn` in traits (`fn ... -> impl Future<Output = ...> + Send`), so the trait is
//! generic, not object-safe: the router is generic over `A: Api` and implementers may
//! write plain `async fn`s.
//!
//! Writes to a collection in the `result` style carry many items, processed as one atomic
//! batch: the router decodes and validates every item first (answering `422` and calling
//! nothing when one is invalid), then calls the operation's method once with all of them
//! (`bodies: Vec<…>`, in request order), so that it can save them in one transaction. The
//! method answers what it saved (`Vec<…>`), or refuses items with
//! [`BatchError::Refused`] (a list of [`ItemRefusal`]s: index, message, field): the router
//! then answers `422` with a `failure` naming each refused item, and the method must have
//! saved nothing. `?` on an [`ApiError`] gives [`BatchError::Error`]. Other styles write one
//! item per request, so their methods take and answer one item.
//!
//! Operations answering server-sent events (`text/event-stream`) return an
//! [`EventStream`] of typed [`Event`]s: an error before it is answered in the style, as
//! always; the events then flow with keep-alive comments until the stream ends (an error
//! in an [`EventStream::try_new`] stream drops the connection, and the client resumes with
//! `Last-Event-ID`).
//!
//! An operation that declares one success status returns its body (`()` without one); one
//! that declares several returns its enum in [`types`](super::types) (`<Operation>Response`),
//! a case per status, which the router answers with that status in the style. Headers the
//! spec declares for a response are a struct (`<Operation>Headers`, or
//! `<Operation><status>Headers` for a status other than the first), returned beside the
//! body as [`WithHeaders`]. Any other header can be added to the success response through
//! [`RequestContext::response_headers`] (see [`ResponseHeaders`] for what it cannot
//! replace). A create's `Location` is derived from the saved item's `id` unless the
//! handler set one.
//!
//! The router itself, [`ApiError`] and the request context are the runtime's
//! ([`runtime::server`](super::runtime::server)); this module holds what the spec decides.
#![allow(clippy::too_many_arguments)]
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use axum::extract::Request;
use axum::http::HeaderName;
use axum::routing::MethodFilter;
use axum::Router;
use super::runtime::headers::{DeclaredHeaders, HeaderPairs};
pub use super::runtime::headers::WithHeaders;
pub use super::runtime::server::{
    ApiError, AuthRequest, BatchError, Credential, Exchange, ItemRefusal,
    PeerCertificate, Principal, RateLimit, RequestContext, RequestId, ResponseHeaders,
    SchemeKind, Secret, DEFAULT_BODY_LIMIT,
};
pub use super::runtime::sse::{Event, EventStream};
#[allow(unused_imports)]
use super::runtime::server::{
    batch_outcome, cookie_params, exactly_one, header_params, optional_write_body,
    page_request, params_valid, path_params, query_params, render_empty, respond, status,
    write_batch, write_body, App, Handle, Handling, OpInfo, Operations, Route, Routed,
    SchemeUse, SecurityScheme, ServerStyle,
};
#[allow(unused_imports)]
use super::runtime::validate::{check_items, check_length, check_range, Validate};
#[allow(unused_imports)]
use super::style::{PageRequest, Style};
#[allow(unused_imports)]
use super::{style, types};
/// The API version (`info.version`), reported by styles that carry it.
pub const API_VERSION: &str = "2025-01-01";
/// The operations of the API. Implement this, then serve [`router`].
pub trait Api: Send + Sync + 'static {
    /// Turns the credentials presented for one security requirement of a secured operation
    /// into a principal. The router calls it for the operation's requirements in the spec's
    /// order, each whose schemes all have a credential in the request (a requirement naming
    /// several schemes hands all of them), until one gives a principal that holds the
    /// requirement's scopes ([`Credential::scopes`], checked against [`Principal::scopes`]:
    /// 403 `forbidden` otherwise). A request with no complete requirement is asked once with
    /// no credentials: refuse it (401 `token_missing`) unless anonymous callers are welcome.
    /// The default accepts nothing: 401 `token_missing` without credentials, else
    /// `token_invalid`.
    fn authenticate(
        &self,
        request: AuthRequest,
    ) -> impl Future<Output = Result<Principal, ApiError>> + Send {
        async move {
            Err(
                if request.credentials.is_empty() {
                    ApiError::token_missing()
                } else {
                    ApiError::token_invalid()
                },
            )
        }
    }
    /// List widgets
    ///
    /// Widgets in creation order.
    fn list_widgets(
        &self,
        ctx: RequestContext,
        page: PageRequest,
    ) -> impl Future<Output = Result<style::Page<types::Widget>, ApiError>> + Send;
    /// Create a widget
    ///
    /// Names are unique: a widget whose name another widget has is refused (`400` with error kind `name_taken`; in the result style, a `422` failure naming the item, field `name`, and nothing of the batch is saved).
    fn create_widget(
        &self,
        ctx: RequestContext,
        body: types::WidgetInput,
    ) -> impl Future<Output = Result<types::Widget, ApiError>> + Send;
    /// Delete a widget
    fn delete_widget(
        &self,
        ctx: RequestContext,
        widget_id: String,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// Get a widget
    fn get_widget(
        &self,
        ctx: RequestContext,
        widget_id: String,
    ) -> impl Future<
        Output = Result<WithHeaders<types::Widget, types::GetWidgetHeaders>, ApiError>,
    > + Send;
    /// Update a widget
    ///
    /// Fields left out stay as they are; `color` set to null is cleared.
    fn update_widget(
        &self,
        ctx: RequestContext,
        widget_id: String,
        body: types::WidgetPatch,
    ) -> impl Future<Output = Result<types::Widget, ApiError>> + Send;
    /// Replace or create a widget
    ///
    /// Replaces the widget (`200`), or creates it under this id (`201`, with `Location`) when there is none. Ids have the form `wdg_<n>`: another id is `404`. A name that another widget has is refused as in a create.
    fn replace_widget(
        &self,
        ctx: RequestContext,
        widget_id: String,
        body: types::WidgetInput,
    ) -> impl Future<Output = Result<types::ReplaceWidgetResponse, ApiError>> + Send;
}
/// The router with default settings: 1 MiB body limit, no rate limit, relative links.
pub fn router<A: Api>(api: A) -> Router {
    RouterBuilder::new(api).build()
}
/// Builds the router with settings: `RouterBuilder::new(api)`.
pub type RouterBuilder<A> = super::runtime::server::RouterBuilder<Generated<A>>;
/// Serves a router over TCP with timeouts, header and connection limits, answering its own
/// refusals in this crate's style: `Server::<A>::new(router(api)).serve(listener)`.
pub type Server<A> = super::runtime::serve::Server<Generated<A>>;
pub use super::runtime::serve::Limits;
/// This API's operations, as the runtime's router takes them ([`Operations`]).
pub struct Generated<A>(PhantomData<fn() -> A>);
impl<A: Api> Operations for Generated<A> {
    type App = A;
    type Style = Style;
    const API_VERSION: &'static str = API_VERSION;
    const ROUTES: &'static [Route] = ROUTES;
    const SECURITY_SCHEMES: &'static [SecurityScheme] = SECURITY_SCHEMES;
    const OPENAPI_JSON: &'static str = super::OPENAPI_JSON;
    fn handlers() -> Vec<Handle<Self>> {
        let handlers: [Handle<Self>; 6] = [
            list_widgets::<A>,
            create_widget::<A>,
            delete_widget::<A>,
            get_widget::<A>,
            update_widget::<A>,
            replace_widget::<A>,
        ];
        handlers.into()
    }
    fn authenticate(
        app: &A,
        request: AuthRequest,
    ) -> impl Future<Output = Result<Principal, ApiError>> + Send {
        app.authenticate(request)
    }
}
static SECURITY_SCHEMES: &[SecurityScheme] = &[
    SecurityScheme {
        name: "bearerAuth",
        kind: SchemeKind::HttpBearer,
        parameter: None,
    },
];
/// Every operation, in the order of [`Operations::handlers`].
static ROUTES: &[Route] = &[
    Route {
        path: "/widgets",
        method: MethodFilter::GET,
        allow: "GET,HEAD",
        body: false,
        op: OpInfo {
            operation_id: "listWidgets",
            collection_key: "widgets",
            addresses_item: false,
            parent_path: None,
            security: &[
                &[
                    SchemeUse {
                        scheme: "bearerAuth",
                        scopes: &[],
                    },
                ],
            ],
        },
    },
    Route {
        path: "/widgets",
        method: MethodFilter::POST,
        allow: "POST",
        body: true,
        op: OpInfo {
            operation_id: "createWidget",
            collection_key: "widgets",
            addresses_item: false,
            parent_path: None,
            security: &[
                &[
                    SchemeUse {
                        scheme: "bearerAuth",
                        scopes: &[],
                    },
                ],
            ],
        },
    },
    Route {
        path: "/widgets/{widget_id}",
        method: MethodFilter::DELETE,
        allow: "DELETE",
        body: false,
        op: OpInfo {
            operation_id: "deleteWidget",
            collection_key: "widgets",
            addresses_item: true,
            parent_path: Some("/widgets"),
            security: &[
                &[
                    SchemeUse {
                        scheme: "bearerAuth",
                        scopes: &[],
                    },
                ],
            ],
        },
    },
    Route {
        path: "/widgets/{widget_id}",
        method: MethodFilter::GET,
        allow: "GET,HEAD",
        body: false,
        op: OpInfo {
            operation_id: "getWidget",
            collection_key: "widgets",
            addresses_item: true,
            parent_path: Some("/widgets"),
            security: &[
                &[
                    SchemeUse {
                        scheme: "bearerAuth",
                        scopes: &[],
                    },
                ],
            ],
        },
    },
    Route {
        path: "/widgets/{widget_id}",
        method: MethodFilter::PATCH,
        allow: "PATCH",
        body: true,
        op: OpInfo {
            operation_id: "updateWidget",
            collection_key: "widgets",
            addresses_item: true,
            parent_path: Some("/widgets"),
            security: &[
                &[
                    SchemeUse {
                        scheme: "bearerAuth",
                        scopes: &[],
                    },
                ],
            ],
        },
    },
    Route {
        path: "/widgets/{widget_id}",
        method: MethodFilter::PUT,
        allow: "PUT",
        body: true,
        op: OpInfo {
            operation_id: "replaceWidget",
            collection_key: "widgets",
            addresses_item: true,
            parent_path: Some("/widgets"),
            security: &[
                &[
                    SchemeUse {
                        scheme: "bearerAuth",
                        scopes: &[],
                    },
                ],
            ],
        },
    },
];
#[allow(clippy::clone_on_copy, unused_mut, unused_variables)]
fn list_widgets<A: Api>(
    app: Arc<App<Generated<A>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let (added, page, call) = {
            let mut ctx = app.authorize(&mut ex, &mut parts).await?;
            ctx.take_extensions(&mut parts);
            let added = ctx.response_headers();
            let page = page_request::<Style>(&ex)?;
            (added, page.clone(), app.api.list_widgets(ctx, page))
        };
        let items = call.await.map_err(|e| ex.reject(&e))?;
        Ok(respond(&mut ex, &added, (), |ex| Style::render_page(ex, &page, items)))
    })
}
#[allow(clippy::clone_on_copy, unused_mut, unused_variables)]
fn create_widget<A: Api>(
    app: Arc<App<Generated<A>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let (added, call) = {
            let mut ctx = app.authorize(&mut ex, &mut parts).await?;
            let added = ctx.response_headers();
            let body = exactly_one(
                &ex,
                write_body::<Style, types::WidgetInput>(&ex, &mut ctx, parts, body)
                    .await?,
            )?;
            (added, app.api.create_widget(ctx, body))
        };
        let answer = call.await.map_err(|e| ex.reject(&e))?;
        Ok(
            respond(
                &mut ex,
                &added,
                (),
                |ex| Style::render_written(ex, status(201), vec![answer], true),
            ),
        )
    })
}
#[allow(clippy::clone_on_copy, unused_mut, unused_variables)]
fn delete_widget<A: Api>(
    app: Arc<App<Generated<A>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let (added, call) = {
            let mut ctx = app.authorize(&mut ex, &mut parts).await?;
            let (widget_id,) = path_params::<(String,)>(&ex, &mut parts).await?;
            let mut violations = Vec::new();
            let out = &mut violations;
            {
                let at = "path.widget_id";
                let value = &widget_id;
                check_length(value, Some(1), Some(64), at, out);
            }
            params_valid(&ex, violations)?;
            ctx.take_extensions(&mut parts);
            let added = ctx.response_headers();
            (added, app.api.delete_widget(ctx, widget_id))
        };
        call.await.map_err(|e| ex.reject(&e))?;
        Ok(respond(&mut ex, &added, (), |ex| render_empty::<Style>(ex, 204)))
    })
}
#[allow(clippy::clone_on_copy, unused_mut, unused_variables)]
fn get_widget<A: Api>(
    app: Arc<App<Generated<A>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let (added, call) = {
            let mut ctx = app.authorize(&mut ex, &mut parts).await?;
            let (widget_id,) = path_params::<(String,)>(&ex, &mut parts).await?;
            let mut violations = Vec::new();
            let out = &mut violations;
            {
                let at = "path.widget_id";
                let value = &widget_id;
                check_length(value, Some(1), Some(64), at, out);
            }
            params_valid(&ex, violations)?;
            ctx.take_extensions(&mut parts);
            let added = ctx.response_headers();
            (added, app.api.get_widget(ctx, widget_id))
        };
        let answer = call.await.map_err(|e| ex.reject(&e))?;
        Ok(
            respond(
                &mut ex,
                &added,
                answer.headers,
                |ex| Style::render_object(ex, status(200), &answer.body),
            ),
        )
    })
}
#[allow(clippy::clone_on_copy, unused_mut, unused_variables)]
fn update_widget<A: Api>(
    app: Arc<App<Generated<A>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let (added, call) = {
            let mut ctx = app.authorize(&mut ex, &mut parts).await?;
            let (widget_id,) = path_params::<(String,)>(&ex, &mut parts).await?;
            let mut violations = Vec::new();
            let out = &mut violations;
            {
                let at = "path.widget_id";
                let value = &widget_id;
                check_length(value, Some(1), Some(64), at, out);
            }
            params_valid(&ex, violations)?;
            let added = ctx.response_headers();
            let body = exactly_one(
                &ex,
                write_body::<Style, types::WidgetPatch>(&ex, &mut ctx, parts, body)
                    .await?,
            )?;
            (added, app.api.update_widget(ctx, widget_id, body))
        };
        let answer = call.await.map_err(|e| ex.reject(&e))?;
        Ok(
            respond(
                &mut ex,
                &added,
                (),
                |ex| Style::render_written(ex, status(200), vec![answer], false),
            ),
        )
    })
}
#[allow(clippy::clone_on_copy, unused_mut, unused_variables)]
fn replace_widget<A: Api>(
    app: Arc<App<Generated<A>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let (added, call) = {
            let mut ctx = app.authorize(&mut ex, &mut parts).await?;
            let (widget_id,) = path_params::<(String,)>(&ex, &mut parts).await?;
            let mut violations = Vec::new();
            let out = &mut violations;
            {
                let at = "path.widget_id";
                let value = &widget_id;
                check_length(value, Some(1), Some(64), at, out);
            }
            params_valid(&ex, violations)?;
            let added = ctx.response_headers();
            let body = exactly_one(
                &ex,
                write_body::<Style, types::WidgetInput>(&ex, &mut ctx, parts, body)
                    .await?,
            )?;
            (added, app.api.replace_widget(ctx, widget_id, body))
        };
        let answer = call.await.map_err(|e| ex.reject(&e))?;
        Ok(
            match answer {
                types::ReplaceWidgetResponse::Ok(answer) => {
                    respond(
                        &mut ex,
                        &added,
                        answer.headers,
                        |ex| Style::render_written(
                            ex,
                            status(200),
                            vec![answer.body],
                            false,
                        ),
                    )
                }
                types::ReplaceWidgetResponse::Created(answer) => {
                    respond(
                        &mut ex,
                        &added,
                        answer.headers,
                        |ex| Style::render_written(
                            ex,
                            status(201),
                            vec![answer.body],
                            false,
                        ),
                    )
                }
            },
        )
    })
}
impl DeclaredHeaders for types::GetWidgetHeaders {
    fn write(self, out: &mut HeaderPairs) -> Result<(), String> {
        out.text(const { HeaderName::from_static("etag") }, self.etag)?;
        if let Some(value) = self.cache_control {
            out.text(const { HeaderName::from_static("cache-control") }, value)?;
        }
        Ok(())
    }
}
impl DeclaredHeaders for types::ReplaceWidgetHeaders {
    fn write(self, out: &mut HeaderPairs) -> Result<(), String> {
        out.text(const { HeaderName::from_static("etag") }, self.etag)?;
        Ok(())
    }
}
impl DeclaredHeaders for types::ReplaceWidget201Headers {
    fn write(self, out: &mut HeaderPairs) -> Result<(), String> {
        out.text(const { HeaderName::from_static("etag") }, self.etag)?;
        Ok(())
    }
}
