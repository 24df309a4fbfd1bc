//! Over real HTTP, in every style: handlers see the request context (method, URI, matched
//! route, operation id, cookies, peer address, and what the service's own middleware put in
//! the request's extensions); layers added with `RouterBuilder::layer` answer in the style
//! (a middleware's `ApiError`, a timeout's 408); the crate's wire spec is served at
//! `/openapi.json` when asked; the request id comes from `traceparent` when sent.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apigen_runtime::server::ApiError;
use axum::extract::Request;
use serde_json::{json, Value};

/// What the service's own authentication middleware found: handed to handlers in the
/// request's extensions.
#[derive(Debug, Clone)]
struct User(String);

/// The service's own middleware: `X-User` names the user; `X-Deny` is refused.
async fn find_user(
    mut request: Request,
    next: axum::middleware::Next,
) -> Result<axum::response::Response, ApiError> {
    if request.headers().contains_key("x-deny") {
        return Err(ApiError::forbidden("denied by the service's middleware").with_kind("denied"));
    }
    let user = request
        .headers()
        .get("x-user")
        .and_then(|v| v.to_str().ok());
    if let Some(name) = user.map(str::to_string) {
        request.extensions_mut().insert(User(name));
    }
    Ok(next.run(request).await)
}

/// The contexts the handlers saw, as JSON.
type Seen = Arc<Mutex<Vec<Value>>>;

fn record(seen: &Seen, ctx: &apigen_runtime::server::RequestContext) {
    seen.lock().unwrap().push(json!({
        "method": ctx.method.as_str(),
        "uri": ctx.uri.to_string(),
        "matched_path": ctx.matched_path(),
        "operation_id": ctx.operation_id,
        "request_id": ctx.request_id.as_str(),
        "session": ctx.cookie("session"),
        "peer": ctx.peer_addr().map(|addr| addr.ip().to_string()),
        "user": ctx.extension::<User>().map(|User(name)| name.as_str()),
    }));
}

/// Serves `$krate` with an implementation that records each context; `get_widget("slow")`
/// takes two seconds. Answers the address and the recorded contexts.
macro_rules! serve {
    (@create one) => {
        async fn create_widget(
            &self,
            ctx: RequestContext,
            input: WidgetInput,
        ) -> Result<Widget, ApiError> {
            record(&self.0, &ctx);
            Ok(widget("wdg_9", &input.name))
        }
    };
    // The `result` style's create is a batch: every item at once.
    (@create batch) => {
        async fn create_widget(
            &self,
            ctx: RequestContext,
            inputs: Vec<WidgetInput>,
        ) -> Result<Vec<Widget>, BatchError> {
            record(&self.0, &ctx);
            Ok(inputs.iter().map(|input| widget("wdg_9", &input.name)).collect())
        }
    };
    ($krate:ident) => {
        serve!($krate, one)
    };
    ($krate:ident, $create:ident) => {{
        #[allow(unused_imports)]
        use $krate::server::{
            Api, AuthRequest, BatchError, Principal, RequestContext, RouterBuilder,
        };
        use $krate::style::{Page, PageRequest};
        use $krate::server::WithHeaders;
        use $krate::types::{
            GetWidgetHeaders, Nullable, ReplaceWidgetResponse, Widget, WidgetInput, WidgetPatch,
        };

        struct Recorder(Seen);

        fn widget(id: &str, name: &str) -> Widget {
            Widget {
                id: id.to_string(),
                name: name.to_string(),
                color: Nullable::Absent,
                weight: None,
                tags: Vec::new(),
                created_at: chrono::Utc::now(),
            }
        }

        impl Api for Recorder {
            async fn authenticate(&self, _: AuthRequest) -> Result<Principal, ApiError> {
                Ok(Principal::new("anyone"))
            }

            async fn list_widgets(
                &self,
                _: RequestContext,
                _: PageRequest,
            ) -> Result<Page<Widget>, ApiError> {
                Err(ApiError::forbidden("not here"))
            }

            serve!(@create $create);

            async fn delete_widget(&self, _: RequestContext, _: String) -> Result<(), ApiError> {
                Ok(())
            }

            async fn get_widget(
                &self,
                ctx: RequestContext,
                id: String,
            ) -> Result<WithHeaders<Widget, GetWidgetHeaders>, ApiError> {
                if id == "slow" {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                record(&self.0, &ctx);
                let headers = GetWidgetHeaders {
                    etag: "\"1\"".to_string(),
                    cache_control: None,
                };
                Ok(WithHeaders::new(widget(&id, "Sprocket"), headers))
            }

            async fn replace_widget(
                &self,
                _: RequestContext,
                _: String,
                _: WidgetInput,
            ) -> Result<ReplaceWidgetResponse, ApiError> {
                Err(ApiError::forbidden("not here"))
            }

            async fn update_widget(
                &self,
                _: RequestContext,
                _: String,
                _: WidgetPatch,
            ) -> Result<Widget, ApiError> {
                Err(ApiError::forbidden("not here"))
            }
        }

        let seen = Seen::default();
        let router = RouterBuilder::new(Recorder(seen.clone()))
            .serve_openapi()
            .layer(axum::middleware::from_fn(find_user))
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                Duration::from_millis(300),
            ))
            .build();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let app = router.into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, app).await.unwrap();
        });
        (addr, seen, $krate::OPENAPI_JSON)
    }};
}

/// Sends `request`; answers the status, the `X-Request-Id` and the JSON body.
async fn send(request: reqwest::RequestBuilder) -> (u16, String, Value) {
    let response = request
        .header("authorization", "Bearer anything")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    (status, id, response.json().await.unwrap())
}

/// Asserts a styled error: `kind` in `enveloped` and `plain`, the code in `result`.
fn assert_styled(style: &str, (code, _, body): &(u16, String, Value), status: u16, kind: &str) {
    assert_eq!(*code, status, "{style}: {body}");
    match style {
        "enveloped" => assert_eq!(body["error"]["kind"], kind, "{body}"),
        "plain" => assert_eq!(body["kind"], kind, "{body}"),
        _ => assert_eq!(
            (&body["result"], &body["error"]["code"]),
            (&json!("error"), &json!(status)),
            "{body}"
        ),
    }
}

async fn check(style: &str, addr: SocketAddr, seen: Seen, openapi: &str, create: Value) {
    let http = reqwest::Client::new();
    let url = |path: &str| format!("http://{addr}{path}");
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    let read = http
        .get(url("/widgets/wdg_1?x=1"))
        .header("cookie", "theme=dark; session=s3cr3t")
        .header("x-user", "ann")
        .header("traceparent", traceparent);
    let (code, id, body) = send(read).await;
    assert_eq!(code, 200, "{style}: {body}");
    assert_eq!(id, "4bf92f3577b34da6a3ce929d0e0e4736", "{style}");
    let create = http
        .post(url("/widgets"))
        .header("x-user", "bob")
        .header("x-request-id", "create-1")
        .json(&create);
    let (code, _, body) = send(create).await;
    // 201 in `enveloped` and `plain`; `result` answers a batch write 200.
    assert_eq!(
        code,
        if style == "result" { 200 } else { 201 },
        "{style}: {body}"
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            json!({
                "method": "GET", "uri": "/widgets/wdg_1?x=1", "matched_path": "/widgets/{widget_id}",
                "operation_id": "getWidget", "request_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                "session": "s3cr3t", "peer": "127.0.0.1", "user": "ann",
            }),
            json!({
                "method": "POST", "uri": "/widgets", "matched_path": "/widgets",
                "operation_id": "createWidget", "request_id": "create-1",
                "session": null, "peer": "127.0.0.1", "user": "bob",
            }),
        ],
        "{style}"
    );

    let denied = send(http.get(url("/widgets/wdg_1")).header("x-deny", "1")).await;
    assert_styled(style, &denied, 403, "denied");
    let slow = send(http.get(url("/widgets/slow"))).await;
    assert_styled(style, &slow, 408, "request_timeout");

    let (code, _, spec) = send(http.get(url("/openapi.json"))).await;
    assert_eq!(code, 200, "{style}");
    assert_eq!(
        spec,
        serde_json::from_str::<Value>(openapi).unwrap(),
        "{style}"
    );
    assert_eq!(spec["x-apigen-style"], style);
    assert!(spec["paths"]["/widgets/{widget_id}"]["get"].is_object());
}

#[tokio::test]
async fn enveloped_context_layers_and_spec() {
    let (addr, seen, openapi) = serve!(widgets_enveloped);
    check("enveloped", addr, seen, openapi, json!({"name": "Gear"})).await;
}

#[tokio::test]
async fn plain_context_layers_and_spec() {
    let (addr, seen, openapi) = serve!(widgets_plain);
    check("plain", addr, seen, openapi, json!({"name": "Gear"})).await;
}

#[tokio::test]
async fn result_context_layers_and_spec() {
    let (addr, seen, openapi) = serve!(widgets_result, batch);
    check(
        "result",
        addr,
        seen,
        openapi,
        json!({"widgets": [{"name": "Gear"}]}),
    )
    .await;
}
