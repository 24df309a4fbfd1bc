//! The test `crates/gen/tests/fourth_style.rs` copies into each crate it generates from
//! `specs/examples/widgets.yaml` in the `terse` style, as `tests/http.rs` (written for
//! `widgets-terse`, the runtime vendored; for `widgets-terse-dep`, the runtime a dependency,
//! the crate's name is replaced): the generated router, served on loopback with an
//! in-memory `Api`, answers in terse shape, and the generated client round-trips through
//! the style's client half.

#![deny(warnings)]

use std::net::SocketAddr;
use std::sync::Mutex;

use futures_util::TryStreamExt;
use serde_json::{json, Value};
use widgets_terse::client::{Client, Error, PageRequest};
use widgets_terse::server::{
    router, Api, ApiError, AuthRequest, Principal, RequestContext, WithHeaders,
};
use widgets_terse::style::Page;
use widgets_terse::types::{
    Color, GetWidgetHeaders, Nullable, ReplaceWidgetResponse, Widget, WidgetInput, WidgetPatch,
};

const TOKEN: &str = "terse-token";

/// Widgets in memory, in creation order.
#[derive(Default)]
struct Store {
    widgets: Mutex<(u64, Vec<Widget>)>,
}

impl Store {
    fn missing(id: &str) -> ApiError {
        ApiError::not_found(format!("no widget with id `{id}`")).with_kind("widget_not_found")
    }
}

impl Api for Store {
    async fn authenticate(&self, request: AuthRequest) -> Result<Principal, ApiError> {
        match request.secret("bearerAuth") {
            Some(token) if token == TOKEN => Ok(Principal::new("tester")),
            Some(_) => Err(ApiError::token_invalid()),
            None => Err(ApiError::token_missing()),
        }
    }

    async fn list_widgets(
        &self,
        _ctx: RequestContext,
        page: PageRequest,
    ) -> Result<Page<Widget>, ApiError> {
        let store = self.widgets.lock().expect("the store");
        Ok(Page::from_slice(&store.1, &page))
    }

    async fn create_widget(
        &self,
        _ctx: RequestContext,
        body: WidgetInput,
    ) -> Result<Widget, ApiError> {
        let mut store = self.widgets.lock().expect("the store");
        store.0 += 1;
        let widget = Widget {
            id: format!("wdg_{}", store.0),
            name: body.name,
            color: body.color,
            weight: body.weight,
            tags: body.tags.unwrap_or_default(),
            created_at: chrono::Utc::now(),
        };
        store.1.push(widget.clone());
        Ok(widget)
    }

    async fn delete_widget(&self, _ctx: RequestContext, widget_id: String) -> Result<(), ApiError> {
        let mut store = self.widgets.lock().expect("the store");
        let before = store.1.len();
        store.1.retain(|w| w.id != widget_id);
        if store.1.len() == before {
            return Err(Self::missing(&widget_id));
        }
        Ok(())
    }

    async fn get_widget(
        &self,
        _ctx: RequestContext,
        widget_id: String,
    ) -> Result<WithHeaders<Widget, GetWidgetHeaders>, ApiError> {
        let store = self.widgets.lock().expect("the store");
        let widget = store
            .1
            .iter()
            .find(|w| w.id == widget_id)
            .cloned()
            .ok_or_else(|| Self::missing(&widget_id))?;
        let headers = GetWidgetHeaders {
            etag: format!("\"{}\"", widget.name),
            cache_control: Some("no-cache".to_owned()),
        };
        Ok(WithHeaders::new(widget, headers))
    }

    async fn replace_widget(
        &self,
        _ctx: RequestContext,
        widget_id: String,
        _body: WidgetInput,
    ) -> Result<ReplaceWidgetResponse, ApiError> {
        Err(Self::missing(&widget_id))
    }

    async fn update_widget(
        &self,
        _ctx: RequestContext,
        widget_id: String,
        body: WidgetPatch,
    ) -> Result<Widget, ApiError> {
        let mut store = self.widgets.lock().expect("the store");
        let widget = store
            .1
            .iter_mut()
            .find(|w| w.id == widget_id)
            .ok_or_else(|| Self::missing(&widget_id))?;
        if let Some(name) = body.name {
            widget.name = name;
        }
        if !body.color.is_absent() {
            widget.color = body.color;
        }
        if let Some(weight) = body.weight {
            widget.weight = Some(weight);
        }
        if let Some(tags) = body.tags {
            widget.tags = tags;
        }
        Ok(widget.clone())
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local address");
    let app = router(Store::default()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The object's keys, sorted.
fn keys(body: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = body
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

/// Asserts a terse error body, `{"err": {"code", "why"}}` and nothing else, and returns `why`.
fn assert_err(body: &Value, code: &str) -> String {
    assert_eq!(keys(body), ["err"], "{body}");
    assert_eq!(keys(&body["err"]), ["code", "why"], "{body}");
    assert_eq!(body["err"]["code"], code, "{body}");
    body["err"]["why"].as_str().expect("why is text").to_owned()
}

#[tokio::test]
async fn raw_http_answers_in_terse_shape() {
    let base = serve().await;
    let http = reqwest::Client::new();
    let auth = format!("Bearer {TOKEN}");

    // A create: 201, `{"ok": <widget>}`, `Location`.
    let created = http
        .post(format!("{base}/widgets"))
        .header("authorization", &auth)
        .json(&json!({"name": "Sprocket", "color": "red", "tags": ["a"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(created.status(), 201);
    assert_eq!(
        created
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/widgets/wdg_1")
    );
    let body: Value = created.json().await.expect("json");
    assert_eq!(keys(&body), ["ok"], "{body}");
    assert_eq!(body["ok"]["id"], "wdg_1");
    assert_eq!(body["ok"]["color"], "red");

    // A read: 200, `{"ok": <widget>}`.
    let read = http
        .get(format!("{base}/widgets/wdg_1"))
        .header("authorization", &auth)
        .send()
        .await
        .expect("send");
    assert_eq!(read.status(), 200);
    assert_eq!(
        read.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let body: Value = read.json().await.expect("json");
    assert_eq!(keys(&body), ["ok"], "{body}");
    assert_eq!(body["ok"]["name"], "Sprocket");
    assert_eq!(body["ok"]["tags"], json!(["a"]));

    // A list, two pages of `per=2` over three widgets: `{"ok": [...], "more": bool}`.
    for name in ["Gear", "Cog"] {
        let response = http
            .post(format!("{base}/widgets"))
            .header("authorization", &auth)
            .json(&json!({"name": name}))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 201);
    }
    let list = |query: &'static str| {
        http.get(format!("{base}/widgets?{query}"))
            .header("authorization", &auth)
            .send()
    };
    let first: Value = list("per=2")
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(keys(&first), ["more", "ok"], "{first}");
    assert_eq!(first["more"], true);
    let ids: Vec<&Value> = first["ok"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|w| &w["id"])
        .collect();
    assert_eq!(ids, [&json!("wdg_1"), &json!("wdg_2")]);
    let second: Value = list("per=2&page=2")
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(second["more"], false, "{second}");
    assert_eq!(second["ok"][0]["id"], "wdg_3", "{second}");
    assert_eq!(second["ok"].as_array().map(Vec::len), Some(1));

    // A page parameter out of range: 400 from the style's own `page_request`.
    let bad = list("per=0").await.expect("send");
    assert_eq!(bad.status(), 400);
    let why = assert_err(&bad.json().await.expect("json"), "request_invalid");
    assert!(why.contains("`per`"), "{why}");

    // A 404 from an unknown route, rendered by the router's fallback in the style.
    let unknown = http
        .get(format!("{base}/gadgets"))
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 404);
    let why = assert_err(&unknown.json().await.expect("json"), "not_found");
    assert_eq!(why, "no operation at `/gadgets`");

    // A 404 the handler returned (`ApiError` with its own kind).
    let missing = http
        .get(format!("{base}/widgets/wdg_9"))
        .header("authorization", &auth)
        .send()
        .await
        .expect("send");
    assert_eq!(missing.status(), 404);
    let why = assert_err(&missing.json().await.expect("json"), "widget_not_found");
    assert_eq!(why, "no widget with id `wdg_9`");

    // No credentials: 401 from `authenticate`, and a body that fails validation: 400.
    let anonymous = http
        .get(format!("{base}/widgets/wdg_1"))
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), 401);
    assert_err(&anonymous.json().await.expect("json"), "token_missing");
    let invalid = http
        .post(format!("{base}/widgets"))
        .header("authorization", &auth)
        .json(&json!({"name": ""}))
        .send()
        .await
        .expect("send");
    assert_eq!(invalid.status(), 400);
    assert_err(&invalid.json().await.expect("json"), "request_invalid");

    // A wrong method: 405 in the style, with `Allow`.
    let wrong = http
        .put(format!("{base}/widgets"))
        .send()
        .await
        .expect("send");
    assert_eq!(wrong.status(), 405);
    assert_eq!(
        wrong.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("GET,HEAD,POST")
    );
    assert_err(&wrong.json().await.expect("json"), "method_not_allowed");

    // A delete: a bare 204.
    let deleted = http
        .delete(format!("{base}/widgets/wdg_2"))
        .header("authorization", &auth)
        .send()
        .await
        .expect("send");
    assert_eq!(deleted.status(), 204);
    assert!(deleted.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn the_generated_client_round_trips_through_the_terse_client_half() {
    let base = serve().await;
    let client = Client::builder(&base)
        .credential("bearerAuth", TOKEN)
        .build()
        .expect("client");

    let input = |name: &str| WidgetInput {
        name: name.to_owned(),
        color: Nullable::Value(Color::Blue),
        weight: Some(2.5),
        tags: Some(vec!["t".to_owned()]),
    };
    let created = client
        .create_widget(&input("Sprocket"))
        .await
        .expect("create");
    assert_eq!(created.id, "wdg_1");
    assert_eq!(created.color, Nullable::Value(Color::Blue));
    let with_meta = client.get_widget_with_meta("wdg_1").await.expect("get");
    assert_eq!(with_meta.value.body, created);
    assert_eq!(with_meta.value.headers.etag, "\"Sprocket\"");
    assert_eq!(with_meta.value.headers.cache_control.as_deref(), Some("no-cache"));
    assert_eq!(with_meta.info.status, 200);
    assert!(with_meta.info.request_id.is_some());
    assert_eq!(with_meta.info.metadata.more, None);

    // One request per item: the style has no batch body.
    let batch = client
        .create_widget_batch(&[input("Gear"), input("Cog"), input("Nut")])
        .await
        .expect("batch");
    let ids: Vec<&str> = batch.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["wdg_2", "wdg_3", "wdg_4"]);

    let patched = client
        .update_widget(
            "wdg_1",
            &WidgetPatch {
                name: Some("Sprocket II".to_owned()),
                color: Nullable::Null,
                weight: None,
                tags: None,
            },
        )
        .await
        .expect("update");
    assert_eq!(patched.name, "Sprocket II");
    assert_eq!(
        patched.color,
        Nullable::Null,
        "a cleared colour travels as null"
    );
    assert_eq!(patched.weight, Some(2.5));

    // Pages: `more` in the metadata, the next page from the style's `decode_page`.
    let first = client
        .list_widgets(&PageRequest::first(3))
        .await
        .expect("list");
    assert_eq!(first.items.len(), 3);
    assert_eq!(first.info.metadata.more, Some(true));
    assert!(first.has_next());
    let next = client
        .next_page(&first)
        .await
        .expect("next")
        .expect("a second page");
    let ids: Vec<&str> = next.items.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["wdg_4"]);
    assert_eq!(next.info.metadata.more, Some(false));
    assert!(client
        .next_page(&next)
        .await
        .expect("after the last")
        .is_none());
    let every: Vec<Widget> = client
        .list_widgets_stream(&PageRequest::first(1))
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(every.len(), 4);

    // Errors: the terse body becomes the client's one `Error`.
    client.delete_widget("wdg_1").await.expect("delete");
    match client.get_widget("wdg_1").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 404);
            assert_eq!(e.kind.as_deref(), Some("widget_not_found"));
            assert_eq!(e.message, "no widget with id `wdg_1`");
            assert!(e.request_id.is_some());
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    let anonymous = Client::new(&base).expect("client");
    match anonymous.get_widget("wdg_2").await {
        Err(e) => assert_eq!(
            (e.status().map(|s| s.as_u16()), e.kind()),
            (Some(401), Some("token_missing"))
        ),
        Ok(w) => panic!("answered without credentials: {w:?}"),
    }
}
