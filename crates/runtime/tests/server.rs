//! The server runtime driven without a generated crate: a hand-written route table with one
//! operation, served in each style, answers its own route and renders every failure (unknown
//! route, wrong method, refused credentials, a handler's error) in that style.

mod things;

use std::net::SocketAddr;
use std::time::Duration;

use apigen_runtime::server::{ApiError, RouterBuilder, ServerStyle};
use apigen_runtime::{enveloped, plain, result};
use axum::body::Body;
use axum::extract::Request;
use serde_json::{json, Value};
use things::{call, get, send, Ops, User, OPENAPI_JSON};

#[tokio::test]
async fn enveloped_answers_and_fails_in_envelopes() {
    let (code, _, body) = call::<enveloped::Style>("GET", "/things/a", Some("ok")).await;
    assert_eq!(code, 200);
    assert_eq!(
        body,
        json!({"meta":{"request_id":"req-1","version":"v9","type":"object"},"data":{"id":"a"},"error":null,
               "links":{"self":"/things/a","parent":"/things"}})
    );
    let (code, _, body) = call::<enveloped::Style>("GET", "/things/missing", Some("ok")).await;
    assert_eq!(
        (code, &body["error"]["kind"], &body["meta"]["type"]),
        (404, &json!("not_found"), &json!("error"))
    );
    let (code, _, body) = call::<enveloped::Style>("GET", "/things/a", None).await;
    assert_eq!(
        (code, &body["error"]["kind"]),
        (401, &json!("token_missing"))
    );
    let (code, allow, body) = call::<enveloped::Style>("DELETE", "/things/a", Some("ok")).await;
    assert_eq!(
        (code, allow.as_deref(), &body["data"]),
        (405, Some("GET,HEAD"), &Value::Null)
    );
    let (code, _, body) = call::<enveloped::Style>("GET", "/nowhere", None).await;
    assert_eq!((code, &body["links"]["self"]), (404, &json!("/nowhere")));
}

#[tokio::test]
async fn plain_answers_bare_objects_and_kind_message_errors() {
    assert_eq!(
        call::<plain::Style>("GET", "/things/a", Some("ok")).await.2,
        json!({"id": "a"})
    );
    let (code, _, body) = call::<plain::Style>("GET", "/things/a", Some("bad")).await;
    assert_eq!((code, &body["kind"]), (401, &json!("token_invalid")));
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    let (code, allow, body) = call::<plain::Style>("POST", "/things/a", None).await;
    assert_eq!(
        (code, allow.as_deref(), &body["kind"]),
        (405, Some("GET,HEAD"), &json!("method_not_allowed"))
    );
}

#[tokio::test]
async fn result_answers_collections_and_typed_errors() {
    let (code, _, body) = call::<result::Style>("GET", "/things/a", Some("ok")).await;
    assert_eq!(
        (code, &body["result"], &body["things"]),
        (200, &json!("success"), &json!([{"id": "a"}]))
    );
    let (code, _, body) = call::<result::Style>("GET", "/things/missing", Some("ok")).await;
    assert_eq!(
        (code, body),
        (
            404,
            json!({"result":"error","error":{"type":"client","code":404,"message":"no such thing"}})
        )
    );
    let (code, _, body) = call::<result::Style>("GET", "/nowhere", None).await;
    assert_eq!((code, &body["error"]["type"]), (404, &json!("client")));
}

// ---------------------------------------------------------------------------------------
// The request context, user layers, `ApiError` as a response, nesting, tracing, the spec
// ---------------------------------------------------------------------------------------

/// The payload of a success in each style.
fn payload(style: &str, body: &Value) -> Value {
    match style {
        "enveloped" => body["data"].clone(),
        "plain" => body.clone(),
        _ => body
            .as_object()
            .unwrap()
            .values()
            .find(|v| v.is_array())
            .unwrap()[0]
            .clone(),
    }
}

/// Asserts that `body` is `status`'s error, rendered in `style`, with this `kind` (the
/// `result` style has no kinds: its code is checked).
fn assert_styled(
    style: &str,
    (code, headers, body): &(u16, axum::http::HeaderMap, Value),
    status: u16,
    kind: &str,
) {
    assert_eq!(*code, status, "{style}: {body}");
    assert_eq!(headers["content-type"], "application/json", "{style}");
    assert!(
        headers.contains_key("x-request-id"),
        "{style}: no request id"
    );
    match style {
        "enveloped" => {
            assert_eq!(body["meta"]["type"], "error", "{body}");
            assert_eq!(body["error"]["kind"], kind, "{body}");
        }
        "plain" => {
            assert_eq!(body["kind"], kind, "{body}");
            assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
        }
        _ => {
            assert_eq!(body["result"], "error", "{body}");
            assert_eq!(body["error"]["code"], status, "{body}");
        }
    }
}

/// A user's own axum middleware, as a service would write one: finds the user named by
/// `X-User` and hands it to the handlers through the request's extensions; refuses a
/// request marked `X-Deny` with an `ApiError`.
async fn find_user(
    mut request: Request,
    next: axum::middleware::Next,
) -> Result<axum::response::Response, ApiError> {
    if request.headers().contains_key("x-deny") {
        return Err(ApiError::forbidden("denied by the middleware").with_kind("denied"));
    }
    let user = request
        .headers()
        .get("x-user")
        .and_then(|v| v.to_str().ok())
        .map(|name| User(name.to_string()));
    if let Some(user) = user {
        request.extensions_mut().insert(user);
    }
    Ok(next.run(request).await)
}

#[tokio::test]
async fn handlers_see_method_uri_operation_cookies_and_what_a_middleware_inserted() {
    let router = RouterBuilder::<Ops<plain::Style>>::new(())
        .build()
        .layer(axum::middleware::from_fn(find_user));
    for method in ["GET", "POST"] {
        let request = Request::builder()
            .method(method)
            .uri("/context/7?x=1")
            .header("cookie", "theme=dark; session=s3cr3t")
            .header("cookie", "late=1")
            .header("x-user", "ann")
            .header("x-request-id", "ctx-1")
            .body(Body::empty())
            .unwrap();
        let (code, _, body) = send(router.clone(), request).await;
        assert_eq!(code, 200, "{body}");
        let operation = if method == "GET" {
            "readContext"
        } else {
            "postContext"
        };
        assert_eq!(
            body,
            json!({
                "method": method,
                "uri": "/context/7?x=1",
                "matched_path": "/context/{id}",
                "operation_id": operation,
                "request_id": "ctx-1",
                "session": "s3cr3t",
                "cookies": ["theme=dark", "session=s3cr3t", "late=1"],
                "peer": null,
                "user": "ann",
            }),
            "{method}"
        );
    }
    // No cookie, no user.
    let (_, _, body) = send(router, get("/context/7")).await;
    assert_eq!(
        (&body["session"], &body["user"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(body["cookies"], json!([]));
}

#[tokio::test]
async fn handlers_see_the_peer_address_when_served_with_connect_info() {
    let router = RouterBuilder::<Ops<plain::Style>>::new(()).build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let text = reqwest::get(format!("http://{addr}/context/1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["peer"], "127.0.0.1", "{body}");
}

async fn user_layers_answer_in_style<S: ServerStyle>(style: &str) {
    // A middleware inside the style: its `ApiError` is rendered in the style.
    let inside = RouterBuilder::<Ops<S>>::new(())
        .layer(axum::middleware::from_fn(find_user))
        .build();
    let denied = Request::builder()
        .uri("/context/1")
        .header("x-deny", "1")
        .body(Body::empty())
        .unwrap();
    assert_styled(style, &send(inside.clone(), denied).await, 403, "denied");
    let (code, _, body) = send(inside, get("/context/1")).await;
    assert_eq!(code, 200, "{style}: {body}");

    // A timeout: tower-http's answers 408, tower's errors; both come out styled.
    let timeouts = [
        RouterBuilder::<Ops<S>>::new(())
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                Duration::from_millis(50),
            ))
            .build(),
        RouterBuilder::<Ops<S>>::new(())
            .layer(tower::timeout::TimeoutLayer::new(Duration::from_millis(50)))
            .build(),
    ];
    for router in timeouts {
        let answer = send(router.clone(), get("/slow/2000")).await;
        assert_styled(style, &answer, 408, "request_timeout");
        let (code, _, body) = send(router, get("/slow/0")).await;
        assert_eq!(
            (code, payload(style, &body)),
            (200, json!({"slept": 0})),
            "{style}"
        );
    }

    // Overload: one request at a time, the others shed with a styled 503.
    let router = RouterBuilder::<Ops<S>>::new(())
        .layer((
            tower::load_shed::LoadShedLayer::new(),
            tower::limit::ConcurrencyLimitLayer::new(1),
        ))
        .build();
    let first = tokio::spawn(send(router.clone(), get("/slow/400")));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_styled(
        style,
        &send(router.clone(), get("/slow/0")).await,
        503,
        "service_unavailable",
    );
    assert_eq!(first.await.unwrap().0, 200, "{style}");
    assert_eq!(send(router, get("/slow/0")).await.0, 200, "{style}");
}

#[tokio::test]
async fn user_layers_answer_in_style_enveloped() {
    user_layers_answer_in_style::<enveloped::Style>("enveloped").await;
}

#[tokio::test]
async fn user_layers_answer_in_style_plain() {
    user_layers_answer_in_style::<plain::Style>("plain").await;
}

#[tokio::test]
async fn user_layers_answer_in_style_result() {
    user_layers_answer_in_style::<result::Style>("result").await;
}

#[tokio::test]
async fn user_layers_keep_the_body_limit() {
    let router = RouterBuilder::<Ops<plain::Style>>::new(())
        .body_limit(8)
        .layer(axum::middleware::from_fn(find_user))
        .build();
    let request = Request::builder()
        .method("POST")
        .uri("/context/1")
        .header("content-type", "application/json")
        .body(Body::from("[1, 2, 3, 4, 5, 6]"))
        .unwrap();
    assert_styled(
        "plain",
        &send(router, request).await,
        413,
        "payload_too_large",
    );
}

#[tokio::test]
async fn an_api_error_outside_any_router_is_a_json_error() {
    use axum::response::IntoResponse;
    let response = ApiError::rate_limited(3).with_field("key").into_response();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(response.headers()["content-type"], "application/json");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        body,
        json!({"kind": "rate_limited", "message": "too many requests; retry after 3 s", "field": "key"})
    );

    // A middleware outside the router's style (`Router::layer`) answers this bare error.
    let outside = RouterBuilder::<Ops<enveloped::Style>>::new(())
        .build()
        .layer(axum::middleware::from_fn(find_user));
    let denied = Request::builder()
        .uri("/context/1")
        .header("x-deny", "1")
        .body(Body::empty())
        .unwrap();
    let (code, _, body) = send(outside, denied).await;
    assert_eq!(
        (code, body),
        (
            403,
            json!({"kind": "denied", "message": "denied by the middleware"})
        )
    );
}

async fn nested_and_merged_keep_styled_fallbacks<S: ServerStyle>(style: &str) {
    let nested = axum::Router::new().nest("/api", RouterBuilder::<Ops<S>>::new(()).build());
    let (code, _, body) = send(nested.clone(), get("/api/context/1")).await;
    assert_eq!(code, 200, "{style}: {body}");
    assert_eq!(
        payload(style, &body)["matched_path"],
        "/api/context/{id}",
        "{style}"
    );
    assert_styled(
        style,
        &send(nested.clone(), get("/api/nowhere")).await,
        404,
        "not_found",
    );
    let delete = Request::builder()
        .method("DELETE")
        .uri("/api/context/1")
        .body(Body::empty())
        .unwrap();
    let answer = send(nested, delete).await;
    assert_styled(style, &answer, 405, "method_not_allowed");
    assert_eq!(answer.1["allow"], "GET,HEAD,POST", "{style}");

    let merged = axum::Router::new()
        .route(
            "/health",
            axum::routing::get(|| async { axum::Json(json!({"ok": true})) }),
        )
        .merge(RouterBuilder::<Ops<S>>::new(()).build());
    assert_eq!(
        send(merged.clone(), get("/health")).await.2,
        json!({"ok": true})
    );
    assert_eq!(
        send(merged.clone(), get("/context/1")).await.0,
        200,
        "{style}"
    );
    assert_styled(
        style,
        &send(merged.clone(), get("/nowhere")).await,
        404,
        "not_found",
    );
    let delete = Request::builder()
        .method("DELETE")
        .uri("/context/1")
        .body(Body::empty())
        .unwrap();
    assert_styled(
        style,
        &send(merged, delete).await,
        405,
        "method_not_allowed",
    );
}

#[tokio::test]
async fn nested_and_merged_keep_styled_fallbacks_in_every_style() {
    nested_and_merged_keep_styled_fallbacks::<enveloped::Style>("enveloped").await;
    nested_and_merged_keep_styled_fallbacks::<plain::Style>("plain").await;
    nested_and_merged_keep_styled_fallbacks::<result::Style>("result").await;
}

#[tokio::test]
async fn the_spec_is_served_at_openapi_json_when_asked() {
    let router = RouterBuilder::<Ops<result::Style>>::new(())
        .serve_openapi()
        .build();
    let (code, headers, body) = send(router, get("/openapi.json")).await;
    assert_eq!(
        (code, &headers["content-type"]),
        (200, &"application/json".parse().unwrap())
    );
    assert!(headers.contains_key("x-request-id"));
    assert_eq!(body, serde_json::from_str::<Value>(OPENAPI_JSON).unwrap());
    let router = RouterBuilder::<Ops<result::Style>>::new(()).build();
    assert_styled(
        "result",
        &send(router, get("/openapi.json")).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn the_request_id_comes_from_x_request_id_else_traceparent_else_is_generated() {
    // The handler sees the id that is echoed, whether the style layer hands the id to the
    // handler itself (nothing between them) or through `X-Request-Id`, where a user layer
    // between them finds it too (this one hands it on as the `User` extension).
    let direct = RouterBuilder::<Ops<plain::Style>>::new(()).build();
    let layered = RouterBuilder::<Ops<plain::Style>>::new(())
        .layer(tower::util::MapRequestLayer::new(|mut request: Request| {
            let id = request.headers().get("x-request-id").cloned();
            let id = id.map(|id| id.to_str().unwrap().to_owned());
            request
                .extensions_mut()
                .insert(User(id.unwrap_or_default()));
            request
        }))
        .build();
    for (router, layered) in [(direct, false), (layered, true)] {
        let user = |body: &Value, id: &str| {
            let expected = if layered { json!(id) } else { Value::Null };
            assert_eq!(body["user"], expected);
        };
        let with = |headers: &[(&str, &str)]| {
            let mut request = Request::builder().uri("/context/1");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request.body(Body::empty()).unwrap()
        };
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let (_, headers, body) = send(router.clone(), with(&[("traceparent", traceparent)])).await;
        assert_eq!(headers["x-request-id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(body["request_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        user(&body, "4bf92f3577b34da6a3ce929d0e0e4736");
        let both = [("traceparent", traceparent), ("x-request-id", "mine")];
        let (_, headers, body) = send(router.clone(), with(&both)).await;
        assert_eq!(headers["x-request-id"], "mine");
        assert_eq!(body["request_id"], "mine");
        user(&body, "mine");
        let mut ids = Vec::new();
        for malformed in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            let (_, headers, body) =
                send(router.clone(), with(&[("traceparent", malformed)])).await;
            let id = headers["x-request-id"].to_str().unwrap();
            assert!(
                !id.is_empty() && !id.contains("4bf92f"),
                "{malformed}: {id}"
            );
            assert_eq!(body["request_id"], id, "{malformed}");
            user(&body, id);
            ids.push(id.to_owned());
        }
        ids.dedup();
        assert_eq!(ids.len(), 5, "a new id per request: {ids:?}");
    }
}
