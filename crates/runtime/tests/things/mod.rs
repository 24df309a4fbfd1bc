//! The hand-written route table the server tests serve in each style: `GET /things/{id}`
//! (secured), `GET`/`POST /context/{id}` (the request context as JSON) and `GET /slow/{ms}`.
#![allow(dead_code)] // each test binary uses part of it

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use apigen_runtime::server::{
    status, ApiError, App, AuthRequest, Handle, Handling, OpInfo, Operations, Principal,
    RequestContext, Route, Routed, RouterBuilder, SchemeKind, SchemeUse, SecurityScheme,
    ServerStyle,
};
use axum::body::Body;
use axum::extract::Request;
use axum::routing::MethodFilter;
use serde_json::{json, Value};
use tower::ServiceExt;

pub struct Ops<S>(PhantomData<S>);

/// `GET /things/{id}` answers `{"id": id}`; `id` "missing" is a handler's 404.
pub fn get_thing<S: ServerStyle>(
    app: Arc<App<Ops<S>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, _body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let _ctx = app.authorize(&mut ex, &mut parts).await?;
        let (id,) = apigen_runtime::server::path_params::<(String,)>(&ex, &mut parts).await?;
        if id == "missing" {
            return Err(ex.reject(&ApiError::not_found("no such thing")));
        }
        Ok(S::render_object(&ex, status(200), &json!({ "id": id })))
    })
}

/// What a user's middleware found and handed to the handlers (through the extensions).
#[derive(Debug, Clone)]
pub struct User(pub String);

/// The context as a handler sees it, as JSON.
pub fn context_json(ctx: &RequestContext) -> Value {
    json!({
        "method": ctx.method.as_str(),
        "uri": ctx.uri.to_string(),
        "matched_path": ctx.matched_path(),
        "operation_id": ctx.operation_id,
        "request_id": ctx.request_id.as_str(),
        "session": ctx.cookie("session"),
        "cookies": ctx.cookies().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>(),
        "peer": ctx.peer_addr().map(|addr| addr.ip().to_string()),
        "user": ctx.extension::<User>().map(|User(name)| name.as_str()),
    })
}

/// `GET /context/{id}` answers what its context holds.
pub fn read_context<S: ServerStyle>(
    app: Arc<App<Ops<S>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, _body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let mut ctx = app.authorize(&mut ex, &mut parts).await?;
        let (_id,) = apigen_runtime::server::path_params::<(String,)>(&ex, &mut parts).await?;
        ctx.take_extensions(&mut parts);
        Ok(S::render_object(&ex, status(200), &context_json(&ctx)))
    })
}

/// `POST /context/{id}` (an optional body) answers what its context holds.
pub fn post_context<S: ServerStyle>(
    app: Arc<App<Ops<S>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let mut ctx = app.authorize(&mut ex, &mut parts).await?;
        let (_id,) = apigen_runtime::server::path_params::<(String,)>(&ex, &mut parts).await?;
        let bodies =
            apigen_runtime::server::optional_write_body::<S, Value>(&ex, &mut ctx, parts, body)
                .await?;
        assert!(bodies.iter().all(Option::is_none), "{bodies:?}");
        Ok(S::render_object(&ex, status(200), &context_json(&ctx)))
    })
}

/// `GET /slow/{ms}` answers after `ms` milliseconds.
pub fn slow<S: ServerStyle>(app: Arc<App<Ops<S>>>, request: Request, routed: Routed) -> Handling {
    let (mut parts, _body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let _ctx = app.authorize(&mut ex, &mut parts).await?;
        let (ms,) = apigen_runtime::server::path_params::<(u64,)>(&ex, &mut parts).await?;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(S::render_object(&ex, status(200), &json!({ "slept": ms })))
    })
}

pub static ROUTES: &[Route] = &[
    Route {
        path: "/things/{id}",
        method: MethodFilter::GET,
        allow: "GET,HEAD",
        body: false,
        op: OpInfo {
            operation_id: "getThing",
            collection_key: "things",
            addresses_item: true,
            parent_path: Some("/things"),
            security: &[&[SchemeUse {
                scheme: "key",
                scopes: &[],
            }]],
        },
    },
    Route {
        path: "/context/{id}",
        method: MethodFilter::GET,
        allow: "GET,HEAD",
        body: false,
        op: OpInfo {
            operation_id: "readContext",
            collection_key: "context",
            addresses_item: true,
            parent_path: None,
            security: &[],
        },
    },
    Route {
        path: "/context/{id}",
        method: MethodFilter::POST,
        allow: "POST",
        body: true,
        op: OpInfo {
            operation_id: "postContext",
            collection_key: "context",
            addresses_item: true,
            parent_path: None,
            security: &[],
        },
    },
    Route {
        path: "/slow/{ms}",
        method: MethodFilter::GET,
        allow: "GET,HEAD",
        body: false,
        op: OpInfo {
            operation_id: "slow",
            collection_key: "slow",
            addresses_item: true,
            parent_path: None,
            security: &[],
        },
    },
];

pub const OPENAPI_JSON: &str =
    r#"{"openapi":"3.0.3","info":{"title":"things","version":"v9"},"paths":{}}"#;

pub static SCHEMES: &[SecurityScheme] = &[SecurityScheme {
    name: "key",
    kind: SchemeKind::HttpBearer,
    parameter: None,
}];

impl<S: ServerStyle> Operations for Ops<S> {
    type App = ();
    type Style = S;
    const API_VERSION: &'static str = "v9";
    const ROUTES: &'static [Route] = ROUTES;
    const SECURITY_SCHEMES: &'static [SecurityScheme] = SCHEMES;
    const OPENAPI_JSON: &'static str = OPENAPI_JSON;

    fn handlers() -> Vec<Handle<Self>> {
        vec![
            get_thing::<S>,
            read_context::<S>,
            post_context::<S>,
            slow::<S>,
        ]
    }

    async fn authenticate(_app: &(), request: AuthRequest) -> Result<Principal, ApiError> {
        match request.secret("key") {
            Some("ok") => Ok(Principal::new("me")),
            Some(_) => Err(ApiError::token_invalid()),
            None => Err(ApiError::token_missing()),
        }
    }
}

pub async fn call<S: ServerStyle>(
    method: &str,
    uri: &str,
    token: Option<&str>,
) -> (u16, Option<String>, Value) {
    let router = RouterBuilder::<Ops<S>>::new(()).build();
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-request-id", "req-1");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let allow = response
        .headers()
        .get("allow")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        response.headers()["x-request-id"],
        "req-1",
        "{method} {uri}"
    );
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "{method} {uri}"
    );
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, allow, serde_json::from_slice(&bytes).unwrap())
}

/// Sends one request; answers the status, the headers and the JSON body.
pub async fn send(router: axum::Router, request: Request) -> (u16, axum::http::HeaderMap, Value) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {bytes:?}"));
    (status, headers, body)
}

pub fn get(uri: &str) -> Request {
    Request::builder().uri(uri).body(Body::empty()).unwrap()
}
