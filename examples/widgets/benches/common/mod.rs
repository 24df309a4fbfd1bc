//! The routers both benches compare: each style's generated router (with or without
//! `--api-key`) and a hand-written axum baseline returning the same widgets as plain `Json`,
//! with the same headers; and that baseline again under the `tower-http` layers a
//! hand-written service would add for what the generated router does on every request.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, ETAG};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use widgets_example::serve::{router, ServeArgs, Style};
use widgets_plain::types::{Nullable, Widget};

/// The routers compared, in the order the tables list them.
pub const ROUTERS: &[&str] = &[
    "baseline",
    "baseline+layers",
    "enveloped",
    "plain",
    "result",
    "enveloped+auth",
    "plain+auth",
    "result+auth",
];

/// Widgets in every store (`wdg_1` … `wdg_45`).
pub const SEED: u64 = 45;

/// The API key of the routers built with authentication.
pub const API_KEY: &str = "key";

/// `GET /widgets/{id}`.
pub const GET_WIDGET: &str = "/widgets/wdg_17";

/// `GET /widgets?limit=20`.
pub const LIST_WIDGETS: &str = "/widgets?limit=20";

/// A style's generated router over the example's store, as `widgets-example serve` builds it.
pub fn generated(style: Style, auth: bool) -> Router {
    router(&ServeArgs {
        style,
        addr: "127.0.0.1:0".parse().expect("addr"),
        seed: SEED,
        api_key: auth.then(|| API_KEY.to_string()),
        rate_limit: None,
        base_url: None,
        db: None,
    })
    .expect("router")
}

/// The same data, served the way one would without apigen: the widgets behind a mutex,
/// like the example's store (which must take writes too), cloned into plain `Json`, with
/// the headers the example's handlers send (a widget's `ETag` and `Cache-Control`, a
/// list's `Cache-Control`), computed the same way.
pub fn baseline() -> Router {
    type Widgets = Arc<Mutex<Vec<Widget>>>;
    let widgets: Widgets = Arc::new(Mutex::new(
        (1..=SEED)
            .map(|n| Widget {
                id: format!("wdg_{n}"),
                name: format!("widget-{n}"),
                color: Nullable::Absent,
                weight: None,
                tags: Vec::new(),
                created_at: widgets_example::store::created_at(n),
            })
            .collect(),
    ));
    type Headers = [(axum::http::HeaderName, String); 2];
    async fn one(
        State(w): State<Widgets>,
        Path(id): Path<String>,
    ) -> Result<(Headers, Json<Widget>), StatusCode> {
        let w = w.lock().map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        let widget = w
            .iter()
            .find(|x| x.id == id)
            .cloned()
            .ok_or(StatusCode::NOT_FOUND)?;
        let headers = [
            (ETAG, widgets_example::store::etag(&widget)),
            (
                CACHE_CONTROL,
                widgets_example::store::WIDGET_CACHE_CONTROL.to_string(),
            ),
        ];
        Ok((headers, Json(widget)))
    }
    async fn list(
        State(w): State<Widgets>,
    ) -> Result<
        (
            [(axum::http::HeaderName, &'static str); 1],
            Json<Vec<Widget>>,
        ),
        StatusCode,
    > {
        let w = w.lock().map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        let headers = [(CACHE_CONTROL, widgets_example::store::LIST_CACHE_CONTROL)];
        Ok((headers, Json(w.iter().take(20).cloned().collect())))
    }
    Router::new()
        .route("/widgets", get(list))
        .route("/widgets/{id}", get(one))
        .with_state(widgets)
}

/// The baseline under the layers a hand-written axum service adds for what the generated
/// router does on every request (authentication aside): a request id (`X-Request-Id` as
/// sent, else a new UUID) echoed on the response, a `tracing` span per request, and panics
/// answered `500`; `tower-http`'s own layers, as their documentation puts them together.
pub fn baseline_with_layers() -> Router {
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    baseline().layer(
        tower::ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(tower_http::catch_panic::CatchPanicLayer::new()),
    )
}

/// A router by name: `baseline`, `baseline+layers`, a style (no authentication), or
/// `<style>+auth`.
pub fn app(name: &str) -> Router {
    if name == "baseline+layers" {
        return baseline_with_layers();
    }
    let (style, auth) = match name.split_once('+') {
        Some((style, _)) => (style, true),
        None => (name, false),
    };
    match style {
        "enveloped" => generated(Style::Enveloped, auth),
        "plain" => generated(Style::Plain, auth),
        "result" => generated(Style::Result, auth),
        _ => baseline(),
    }
}

/// Whether requests to this router carry `Authorization: Bearer <API_KEY>`.
pub fn needs_auth(name: &str) -> bool {
    name.ends_with("+auth")
}
