//! The server runtime driven without a generated crate: a hand-written route table with one
//! operation, served in each style, answers its own route and renders every failure (unknown
//! route, wrong method, refused credentials, a handler's error) in that style.

use std::marker::PhantomData;
use std::sync::Arc;

use apigen_runtime::server::{
    status, ApiError, App, AuthRequest, Call, Handle, Handling, OpInfo, Operations, Principal,
    Route, RouterBuilder, SchemeKind, SchemeUse, SecurityScheme, ServerStyle,
};
use apigen_runtime::{enveloped, plain, result};
use axum::body::Body;
use axum::extract::Request;
use axum::routing::MethodFilter;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Ops<S>(PhantomData<S>);

/// `GET /things/{id}` answers `{"id": id}`; `id` "missing" is a handler's 404.
fn get_thing<S: ServerStyle>(
    app: Arc<App<Ops<S>>>,
    request: Request,
    op: &'static OpInfo,
) -> Handling {
    Box::pin(async move {
        let Call { ex, mut parts, .. } = Call::begin(app, request, op).await?;
        let (id,) = apigen_runtime::server::path_params::<(String,)>(&ex, &mut parts).await?;
        if id == "missing" {
            return Err(ex.reject(&ApiError::not_found("no such thing")));
        }
        Ok(S::render_object(&ex, status(200), &json!({ "id": id })))
    })
}

static ROUTES: &[Route] = &[Route {
    path: "/things/{id}",
    method: MethodFilter::GET,
    allow: "GET,HEAD",
    body: false,
    op: OpInfo {
        collection_key: "things",
        addresses_item: true,
        parent_path: Some("/things"),
        security: &[&[SchemeUse {
            scheme: "key",
            scopes: &[],
        }]],
    },
}];

static SCHEMES: &[SecurityScheme] = &[SecurityScheme {
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

    fn handlers() -> Vec<Handle<Self>> {
        vec![get_thing::<S>]
    }

    async fn authenticate(_app: &(), request: AuthRequest) -> Result<Principal, ApiError> {
        match request.secret("key") {
            Some("ok") => Ok(Principal::new("me")),
            Some(_) => Err(ApiError::token_invalid()),
            None => Err(ApiError::token_missing()),
        }
    }
}

async fn call<S: ServerStyle>(
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
