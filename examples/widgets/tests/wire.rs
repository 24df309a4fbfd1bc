//! The exact wire of every exchange in DIALECTS.md (and the failures around them), over
//! real HTTP, for all three styles of the generated widgets server.

use std::net::SocketAddr;
use std::num::NonZeroU32;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use widgets_example::serve::{router, ServeArgs, Style};

struct Server {
    base: String,
    http: reqwest::Client,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn serve(app: axum::Router) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    Server {
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
    }
}

async fn start(style: Style, seed: u64, api_key: Option<&str>, rate_limit: Option<u32>) -> Server {
    let args = ServeArgs {
        style,
        addr: "127.0.0.1:0".parse().expect("addr"),
        seed,
        api_key: api_key.map(str::to_string),
        rate_limit: rate_limit.and_then(NonZeroU32::new),
        base_url: None,
        db: None,
    };
    serve(router(&args).expect("router")).await
}

impl Server {
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-request-id", "req_01");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("request");
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.expect("body"),
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, &[]).await
    }

    async fn post(&self, path: &str, body: &str) -> Reply {
        self.send(Method::POST, path, Some(body), &[]).await
    }
}

/// Creates the five widgets of the DIALECTS examples: `W` is wdg_1 (Sprocket, blue).
async fn five_widgets(server: &Server, style: Style) {
    for (name, color) in [
        ("Sprocket", "blue"),
        ("Gear", "red"),
        ("Cog", "green"),
        ("Lever", "blue"),
        ("Spring", "red"),
    ] {
        let item = json!({"name": name, "color": color});
        let body = match style {
            Style::Result => json!({"widgets": [item]}),
            _ => item,
        };
        let reply = server.post("/widgets", &body.to_string()).await;
        assert!(
            reply.status.is_success(),
            "create {name}: {} {}",
            reply.status,
            reply.text
        );
    }
}

fn w(n: u64, name: &str, color: &str) -> Value {
    json!({"id": format!("wdg_{n}"), "name": name, "color": color, "tags": [],
           "created_at": format!("2025-01-01T00:00:0{n}Z")})
}

fn sprocket() -> Value {
    w(1, "Sprocket", "blue")
}

fn gear() -> Value {
    w(2, "Gear", "red")
}

// ----------------------------------------------------------------------------- enveloped

#[tokio::test]
async fn enveloped_get_object() {
    let server = start(Style::Enveloped, 0, None, None).await;
    five_widgets(&server, Style::Enveloped).await;
    let reply = server.get("/widgets/wdg_1").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("x-request-id"), Some("req_01"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.json(),
        json!({"meta": {"request_id": "req_01", "version": "2025-01-01", "type": "object"},
               "data": sprocket(), "error": null,
               "links": {"self": "/widgets/wdg_1", "parent": "/widgets"}})
    );
}

#[tokio::test]
async fn enveloped_list_page() {
    let server = start(Style::Enveloped, 0, None, None).await;
    five_widgets(&server, Style::Enveloped).await;
    let reply = server.get("/widgets?limit=2&page=1").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"meta": {"request_id": "req_01", "version": "2025-01-01", "type": "list",
                        "limit": 2, "page": 1, "total": 5, "pages": 3},
               "data": [sprocket(), gear()], "error": null,
               "links": {"self": "/widgets?limit=2&page=1", "first": "/widgets?limit=2&page=1",
                         "prev": null, "next": "/widgets?limit=2&page=2", "last": "/widgets?limit=2&page=3"}})
    );
    let last = server.get("/widgets?page=3&limit=2").await.json();
    assert_eq!(last["links"]["prev"], json!("/widgets?page=2&limit=2"));
    assert_eq!(last["links"]["next"], Value::Null);
    assert_eq!(last["data"].as_array().map(Vec::len), Some(1));
    let past = server.get("/widgets?page=9&limit=2").await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(past.json()["data"], json!([]));
}

#[tokio::test]
async fn enveloped_not_found_and_generated_request_id() {
    let server = start(Style::Enveloped, 0, None, None).await;
    let reply = server.get("/widgets/nope").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json(),
        json!({"meta": {"request_id": "req_01", "version": "2025-01-01", "type": "error"},
               "data": null, "error": {"kind": "not_found", "message": "there is no widget `nope`"},
               "links": {"self": "/widgets/nope"}})
    );
    let response = server
        .http
        .get(format!("{}/widgets", server.base))
        .send()
        .await
        .expect("get");
    let echoed = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body: Value = response.json().await.expect("json");
    assert!(echoed.as_deref().is_some_and(|id| !id.is_empty()));
    assert_eq!(body["meta"]["request_id"].as_str(), echoed.as_deref());
}

#[tokio::test]
async fn enveloped_create_and_delete() {
    let server = start(Style::Enveloped, 0, None, None).await;
    let reply = server
        .post("/widgets", r#"{"name":"Sprocket","color":"blue"}"#)
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.header("location"), Some("/widgets/wdg_1"));
    assert_eq!(reply.json()["data"], sprocket());
    assert_eq!(reply.json()["meta"]["type"], json!("object"));
    // After a create, `links.self` is the new resource (the `Location`), `parent` the collection.
    assert_eq!(
        reply.json()["links"],
        json!({"self": "/widgets/wdg_1", "parent": "/widgets"})
    );
    let deleted = server
        .send(Method::DELETE, "/widgets/wdg_1", None, &[])
        .await;
    // Every answer is an envelope: a success without content is 200 with `data: null`.
    assert_eq!(deleted.status, StatusCode::OK);
    let body = deleted.json();
    assert_eq!(body["data"], Value::Null);
    assert_eq!(body["error"], Value::Null);
    assert_eq!(body["meta"]["type"], json!("object"));
    assert_eq!(body["links"]["self"], json!("/widgets/wdg_1"));
    assert_eq!(
        server.get("/widgets/wdg_1").await.status,
        StatusCode::NOT_FOUND
    );
}

// ----------------------------------------------------------------------------- plain

#[tokio::test]
async fn plain_list_with_link_headers() {
    let server = start(Style::Plain, 0, None, None).await;
    five_widgets(&server, Style::Plain).await;
    let reply = server.get("/widgets?limit=2&order=asc").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("link"),
        Some(r#"</widgets?limit=2&order=asc&after=wdg_2>; rel="next""#)
    );
    assert_eq!(reply.header("has-more"), Some("true"));
    assert_eq!(reply.header("limit"), Some("2"));
    assert_eq!(reply.json(), json!([sprocket(), gear()]));

    let next = server.get("/widgets?limit=2&order=asc&after=wdg_4").await;
    assert_eq!(next.json(), json!([w(5, "Spring", "red")]));
    assert_eq!(next.header("has-more"), Some("false"));
    assert_eq!(
        next.header("link"),
        Some(r#"</widgets?limit=2&order=asc&before=wdg_5>; rel="prev""#)
    );

    // The default order is newest first.
    let desc = server.get("/widgets?limit=2").await;
    assert_eq!(desc.json()[0]["id"], json!("wdg_5"));
    assert_eq!(
        desc.header("link"),
        Some(r#"</widgets?limit=2&after=wdg_4>; rel="next""#)
    );

    let empty = start(Style::Plain, 0, None, None)
        .await
        .get("/widgets")
        .await;
    assert_eq!(empty.text, "[]");
    assert_eq!(empty.header("link"), None);
    assert_eq!(empty.header("has-more"), Some("false"));
    assert_eq!(empty.header("limit"), Some("20"));
}

#[tokio::test]
async fn plain_missing_field() {
    let server = start(Style::Plain, 0, None, None).await;
    let reply = server.post("/widgets", r#"{"color":"blue"}"#).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        json!({"kind": "request_invalid", "message": "missing field `name`"})
    );
}

#[tokio::test]
async fn plain_rate_limited() {
    let server = start(Style::Plain, 0, None, Some(1)).await;
    assert_eq!(server.get("/widgets").await.status, StatusCode::OK);
    let reply = server.get("/widgets").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = reply
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After seconds");
    assert!(seconds >= 1);
    assert_eq!(reply.json()["kind"], json!("rate_limited"));
    assert_eq!(reply.header("x-request-id"), Some("req_01"));
}

#[tokio::test]
async fn plain_framework_failures_are_styled() {
    let server = start(Style::Plain, 1, None, None).await;
    let cases: Vec<(Reply, StatusCode, &str)> = vec![
        (
            server.get("/nope").await,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server.send(Method::POST, "/widgets/wdg_1", None, &[]).await,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            server.post("/widgets", "{not json").await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server.post("/widgets", r#"{"name": 5}"#).await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server.post("/widgets", r#"{"name": ""}"#).await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server
                .post("/widgets", r#"{"name": "x", "color": "mauve"}"#)
                .await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server
                .post("/widgets", r#"{"name": "x", "weight": -1}"#)
                .await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server
                .post("/widgets", r#"{"name": "x", "tags": null}"#)
                .await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server
                .send(Method::PATCH, "/widgets/wdg_1", Some("[null, null]"), &[])
                .await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server.get("/widgets?limit=0").await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server.get("/widgets?order=sideways").await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
        (
            server
                .send(
                    Method::POST,
                    "/widgets",
                    None,
                    &[("content-type", "text/plain")],
                )
                .await,
            StatusCode::BAD_REQUEST,
            "request_invalid",
        ),
    ];
    for (reply, status, kind) in cases {
        assert_eq!(reply.status, status, "{}", reply.text);
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{}",
            reply.text
        );
        assert_eq!(reply.json()["kind"], json!(kind), "{}", reply.text);
        assert!(reply.json()["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let not_allowed = server.send(Method::POST, "/widgets/wdg_1", None, &[]).await;
    assert_eq!(
        not_allowed.header("allow"),
        Some("DELETE,GET,HEAD,PATCH,PUT")
    );

    let too_big = format!(r#"{{"name":"{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let reply = server.post("/widgets", &too_big).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.json()["kind"], json!("payload_too_large"));

    let wrong_type = server
        .send(
            Method::POST,
            "/widgets",
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::BAD_REQUEST);

    let named = server.post("/widgets", r#"{"name": ""}"#).await.json();
    assert_eq!(
        named["message"],
        json!("`name` must be at least 1 characters long (got 0)")
    );
    let null = server
        .post("/widgets", r#"{"name": "x", "tags": null}"#)
        .await
        .json();
    assert_eq!(null["message"], json!("`tags` must not be null"));
    let typed = server.post("/widgets", r#"{"name": 5}"#).await.json();
    assert_eq!(
        typed["message"],
        json!("`name`: invalid type: integer `5`, expected a string")
    );
}

#[tokio::test]
async fn plain_auth() {
    let server = start(Style::Plain, 1, Some("sesame"), None).await;
    let missing = server.get("/widgets").await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.json()["kind"], json!("token_missing"));
    let wrong = server
        .send(
            Method::GET,
            "/widgets",
            None,
            &[("authorization", "Bearer nope")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["kind"], json!("token_invalid"));
    let right = server
        .send(
            Method::GET,
            "/widgets",
            None,
            &[("authorization", "Bearer sesame")],
        )
        .await;
    assert_eq!(right.status, StatusCode::OK);
    assert_eq!(right.json()[0]["name"], json!("widget-1"));
}

#[tokio::test]
async fn plain_patch_clears_and_keeps() {
    let server = start(Style::Plain, 0, None, None).await;
    server
        .post(
            "/widgets",
            r#"{"name":"Sprocket","color":"blue","weight":2.5}"#,
        )
        .await;
    let reply = server
        .send(
            Method::PATCH,
            "/widgets/wdg_1",
            Some(r#"{"color":null}"#),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"id": "wdg_1", "name": "Sprocket", "weight": 2.5, "tags": [], "created_at": "2025-01-01T00:00:01Z"})
    );
}

mod panicky {
    use widgets_plain::server::{Api, ApiError, RequestContext};
    use widgets_plain::style::{Page, PageRequest};
    use widgets_plain::types::{Widget, WidgetInput, WidgetPatch};

    /// An implementation whose reads panic.
    pub struct Panicky;

    impl Api for Panicky {
        async fn authenticate(
            &self,
            _: widgets_plain::server::AuthRequest,
        ) -> Result<widgets_plain::server::Principal, ApiError> {
            Ok(widgets_plain::server::Principal::new("anyone"))
        }
        async fn list_widgets(
            &self,
            _: RequestContext,
            _: PageRequest,
        ) -> Result<Page<Widget>, ApiError> {
            Ok(Page::from_slice(
                &[],
                &PageRequest::default(),
                |w: &Widget| w.id.clone(),
            ))
        }
        async fn create_widget(
            &self,
            _: RequestContext,
            _: WidgetInput,
        ) -> Result<Widget, ApiError> {
            Err(ApiError::forbidden("read-only"))
        }
        async fn delete_widget(&self, _: RequestContext, _: String) -> Result<(), ApiError> {
            Err(ApiError::forbidden("read-only"))
        }
        async fn get_widget(
            &self,
            _: RequestContext,
            id: String,
        ) -> Result<
            widgets_plain::server::WithHeaders<Widget, widgets_plain::types::GetWidgetHeaders>,
            ApiError,
        > {
            panic!("the store is broken for {id}")
        }
        async fn replace_widget(
            &self,
            _: RequestContext,
            _: String,
            _: WidgetInput,
        ) -> Result<widgets_plain::types::ReplaceWidgetResponse, ApiError> {
            Err(ApiError::forbidden("read-only"))
        }
        async fn update_widget(
            &self,
            _: RequestContext,
            _: String,
            _: WidgetPatch,
        ) -> Result<Widget, ApiError> {
            Err(ApiError::forbidden("read-only"))
        }
    }
}

#[tokio::test]
async fn plain_panic_is_a_styled_500_and_the_server_keeps_serving() {
    let server = serve(widgets_plain::server::router(panicky::Panicky)).await;
    let reply = server.get("/widgets/wdg_1").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        reply.json(),
        json!({"kind": "internal_error", "message": "the server failed to handle the request"})
    );
    assert_eq!(server.get("/widgets").await.status, StatusCode::OK);
    let forbidden = server.post("/widgets", r#"{"name":"x"}"#).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(
        forbidden.json(),
        json!({"kind": "forbidden", "message": "read-only"})
    );
}

// ----------------------------------------------------------------------------- result

#[tokio::test]
async fn result_list_page() {
    let server = start(Style::Result, 0, None, None).await;
    five_widgets(&server, Style::Result).await;
    let reply = server.get("/widgets?page=1&recordsPerPage=2").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"result": "success", "widgets": [sprocket(), gear()],
               "metadata": {"page": 1, "recordsPerPage": 2, "pagesCount": 3, "recordsCount": 5}})
    );
}

/// 400 `syntax` only when the request cannot be understood; 422 `content` when it is
/// understood but invalid (the seed's own table).
#[tokio::test]
async fn result_splits_syntax_from_content() {
    let server = start(Style::Result, 0, None, None).await;
    five_widgets(&server, Style::Result).await;
    let error = |reply: &Reply| {
        (
            reply.status,
            reply.json()["error"]["type"].clone(),
            reply.json()["error"]["code"].clone(),
        )
    };
    let syntax = |code: u16| {
        (
            StatusCode::from_u16(code).unwrap(),
            json!("syntax"),
            json!(code),
        )
    };
    let content = (
        StatusCode::UNPROCESSABLE_ENTITY,
        json!("content"),
        json!(422),
    );
    assert_eq!(
        error(&server.post("/widgets", "not json").await),
        syntax(400)
    );
    assert_eq!(error(&server.get("/widgets?page=abc").await), syntax(400));
    assert_eq!(
        error(&server.get("/widgets?recordsPerPage=x").await),
        syntax(400)
    );
    assert_eq!(error(&server.get("/widgets?page=0").await), content);
    assert_eq!(
        error(
            &server
                .post("/widgets", r#"{"widgets":{"name":"Gear"}}"#)
                .await
        ),
        content
    );
    assert_eq!(
        error(&server.post("/widgets", r#"[{"name":"Gear"}]"#).await),
        content
    );
    // Every GET carries all four counts.
    let past = server.get("/widgets?page=9&recordsPerPage=2").await.json();
    assert_eq!(
        past["metadata"],
        json!({"page": 9, "recordsPerPage": 2, "pagesCount": 3, "recordsCount": 5})
    );
}

#[tokio::test]
async fn result_atomic_write_failure() {
    let server = start(Style::Result, 0, None, None).await;
    let reply = server
        .post(
            "/widgets",
            r#"{"widgets":[{"name":"Gear"},{"color":"blue"}]}"#,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.json(),
        json!({"result": "failure",
               "failures": [{"rawData": {"color": "blue"},
                             "errors": [{"type": "validation", "code": 422, "message": "missing field `name`", "field": "name"}]}],
               "metadata": {"receivedItemsCount": 2, "validItems": [0], "invalidItems": [1]}})
    );
    let list = server.get("/widgets").await.json();
    assert_eq!(list["widgets"], json!([]), "nothing was saved");
}

#[tokio::test]
async fn result_not_found_and_single_get() {
    let server = start(Style::Result, 0, None, None).await;
    let reply = server.get("/widgets/nope").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json(),
        json!({"result": "error", "error": {"type": "client", "code": 404, "message": "there is no widget `nope`"}})
    );
    five_widgets(&server, Style::Result).await;
    let one = server.get("/widgets/wdg_1").await;
    assert_eq!(
        one.json(),
        json!({"result": "success", "widgets": [sprocket()],
               "metadata": {"page": 1, "recordsPerPage": 1, "pagesCount": 1, "recordsCount": 1}})
    );
}

#[tokio::test]
async fn result_writes() {
    let server = start(Style::Result, 0, None, None).await;
    let created = server
        .post(
            "/widgets",
            r#"{"widgets":[{"name":"Sprocket","color":"blue"},{"name":"Gear","color":"red"}]}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    assert_eq!(created.header("location"), None);
    assert_eq!(
        created.json(),
        json!({"result": "success", "widgets": [sprocket(), gear()],
               "metadata": {"receivedItemsCount": 2, "validItems": [0, 1], "invalidItems": []}})
    );
    let two = server
        .send(
            Method::PATCH,
            "/widgets/wdg_1",
            Some(r#"{"widgets":[{"name":"a"},{"name":"b"}]}"#),
            &[],
        )
        .await;
    // The wrong item count for a single-item write is understood but invalid: 422 content.
    assert_eq!(two.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(two.json()["error"]["type"], json!("content"));
    assert_eq!(two.json()["error"]["code"], json!(422));
    let patched = server
        .send(
            Method::PATCH,
            "/widgets/wdg_1",
            Some(r#"{"widgets":[{"name":"Sprocket 2"}]}"#),
            &[],
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.json()["widgets"][0]["name"], json!("Sprocket 2"));
    let deleted = server
        .send(Method::DELETE, "/widgets/wdg_1", None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(
        deleted.json(),
        json!({"result": "success", "widgets": [],
               "metadata": {"receivedItemsCount": 0, "validItems": [], "invalidItems": []}})
    );
    let syntax = server.post("/widgets", "{").await;
    assert_eq!(syntax.status, StatusCode::BAD_REQUEST);
    assert_eq!(syntax.json()["error"]["type"], json!("syntax"));
    let unknown = server.get("/nope").await.json();
    assert_eq!(unknown["error"]["type"], json!("client"));
    assert_eq!(unknown["error"]["code"], json!(404));
}

mod orgs {
    use widgets_enveloped::server::{Api, ApiError, AuthRequest, Principal, RequestContext};
    use widgets_enveloped::style::{Page, PageRequest};
    use widgets_enveloped::types::{Widget, WidgetInput, WidgetPatch};

    /// Principals that belong to an organisation and a project.
    pub struct Orgs;

    impl Api for Orgs {
        async fn authenticate(&self, request: AuthRequest) -> Result<Principal, ApiError> {
            match request.secret("bearerAuth") {
                Some(token) => Ok(Principal {
                    org_id: Some("org_7".to_string()),
                    project_id: Some("prj_3".to_string()),
                    ..Principal::new(token)
                }),
                None => Err(ApiError::token_missing()),
            }
        }
        async fn list_widgets(
            &self,
            ctx: RequestContext,
            page: PageRequest,
        ) -> Result<Page<Widget>, ApiError> {
            let subject = ctx.principal.map(|p| p.subject).unwrap_or_default();
            Err(ApiError::forbidden(format!(
                "{subject} may not list (page {})",
                page.page
            )))
        }
        async fn create_widget(
            &self,
            _: RequestContext,
            _: WidgetInput,
        ) -> Result<Widget, ApiError> {
            Err(ApiError::conflict("exists").with_kind("widget_exists"))
        }
        async fn delete_widget(&self, _: RequestContext, _: String) -> Result<(), ApiError> {
            Ok(())
        }
        async fn get_widget(
            &self,
            _: RequestContext,
            id: String,
        ) -> Result<
            widgets_enveloped::server::WithHeaders<
                Widget,
                widgets_enveloped::types::GetWidgetHeaders,
            >,
            ApiError,
        > {
            Err(ApiError::not_found(format!("no {id}")))
        }
        async fn replace_widget(
            &self,
            _: RequestContext,
            _: String,
            _: WidgetInput,
        ) -> Result<widgets_enveloped::types::ReplaceWidgetResponse, ApiError> {
            Err(ApiError::forbidden("read-only"))
        }
        async fn update_widget(
            &self,
            _: RequestContext,
            _: String,
            _: WidgetPatch,
        ) -> Result<Widget, ApiError> {
            Err(ApiError::unavailable("later"))
        }
    }
}

#[tokio::test]
async fn enveloped_meta_carries_the_principals_org_and_project() {
    let server = serve(widgets_enveloped::server::router(orgs::Orgs)).await;
    let auth = [("authorization", "Bearer alice")];
    let reply = server
        .send(Method::GET, "/widgets?page=2", None, &auth)
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reply.json(),
        json!({"meta": {"request_id": "req_01", "org_id": "org_7", "project_id": "prj_3",
                        "version": "2025-01-01", "type": "error"},
               "data": null, "error": {"kind": "forbidden", "message": "alice may not list (page 2)"},
               "links": {"self": "/widgets?page=2"}})
    );
    let conflict = server
        .send(Method::POST, "/widgets", Some(r#"{"name":"x"}"#), &auth)
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(
        conflict.json()["error"],
        json!({"kind": "widget_exists", "message": "exists"})
    );
    let missing = server.get("/widgets/wdg_1").await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.json()["meta"].get("org_id"), None);
    assert_eq!(missing.json()["error"]["kind"], json!("token_missing"));
    let deleted = server
        .send(Method::DELETE, "/widgets/wdg_1", None, &auth)
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.json()["meta"]["org_id"], json!("org_7"));
    let head = server
        .send(Method::HEAD, "/widgets/wdg_1", None, &auth)
        .await;
    assert_eq!(head.status, StatusCode::NOT_FOUND);
    assert_eq!(head.text, "");
}

#[tokio::test]
async fn result_and_enveloped_rate_limits_carry_retry_after() {
    for style in [Style::Enveloped, Style::Result] {
        let server = start(style, 0, None, Some(1)).await;
        assert_eq!(server.get("/widgets").await.status, StatusCode::OK);
        let reply = server.get("/widgets").await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(reply
            .header("retry-after")
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|s| s >= 1));
        let body = reply.json();
        match style {
            Style::Result => {
                assert_eq!(body["result"], json!("error"));
                assert_eq!(body["error"]["type"], json!("client"));
                assert_eq!(body["error"]["code"], json!(429));
            }
            _ => {
                assert_eq!(body["error"]["kind"], json!("rate_limited"));
                assert_eq!(body["meta"]["type"], json!("error"));
            }
        }
    }
}

#[tokio::test]
async fn enveloped_links_are_absolute_with_a_base_url() {
    let args = ServeArgs {
        style: Style::Enveloped,
        addr: "127.0.0.1:0".parse().expect("addr"),
        seed: 3,
        api_key: None,
        rate_limit: None,
        base_url: Some("https://api.example.com/".to_string()),
        db: None,
    };
    let server = serve(router(&args).expect("router")).await;
    let one = server.get("/widgets/wdg_2").await.json();
    assert_eq!(
        one["links"],
        json!({"self": "https://api.example.com/widgets/wdg_2", "parent": "https://api.example.com/widgets"})
    );
    let list = server.get("/widgets?limit=1&page=2&q=a%20b").await.json();
    assert_eq!(
        list["links"],
        json!({"self": "https://api.example.com/widgets?limit=1&page=2&q=a%20b",
               "first": "https://api.example.com/widgets?limit=1&page=1&q=a+b",
               "prev": "https://api.example.com/widgets?limit=1&page=1&q=a+b",
               "next": "https://api.example.com/widgets?limit=1&page=3&q=a+b",
               "last": "https://api.example.com/widgets?limit=1&page=3&q=a+b"})
    );
    let created = server.post("/widgets", r#"{"name":"x"}"#).await;
    assert_eq!(
        created.header("location"),
        Some("https://api.example.com/widgets/wdg_4")
    );
}
