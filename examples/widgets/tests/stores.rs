//! Taken names and atomic batches over real HTTP, in every style, against both of the
//! example's stores: in memory (the default) and SQLite (`serve --db FILE`).
//!
//! `enveloped` and `plain` refuse a create whose name is taken with `400` `name_taken`; in
//! `result` the handler receives the whole batch at once, and a batch holding a taken name
//! (or the same name twice) is a `422` failure naming those items, with nothing saved.

use std::path::Path;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use widgets_example::serve::{router, ServeArgs, Style};

mod common;

/// Where the widgets are kept.
#[derive(Clone, Copy, Debug)]
enum Store {
    Memory,
    Sqlite,
}

struct Server {
    base: String,
    http: reqwest::Client,
}

/// Serves `style` over `store` (the database in `dir` for SQLite), seeded with
/// `widget-1` and `widget-2`.
async fn serve(style: Style, store: Store, dir: &Path) -> Server {
    let args = ServeArgs {
        style,
        addr: "127.0.0.1:0".parse().expect("addr"),
        seed: 2,
        api_key: None,
        rate_limit: None,
        base_url: None,
        db: match store {
            Store::Memory => None,
            Store::Sqlite => Some(dir.join("widgets.db")),
        },
    };
    Server {
        base: common::spawn(&args).await,
        http: reqwest::Client::new(),
    }
}

impl Server {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        (status, body)
    }

    /// Every widget's id and name, in creation order.
    async fn widgets(&self, style: Style) -> Vec<(String, String)> {
        let path = match style {
            Style::Result => "/widgets?recordsPerPage=100",
            _ => "/widgets?limit=100",
        };
        let (status, body) = self.send(Method::GET, path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let items = match style {
            Style::Enveloped => &body["data"],
            Style::Plain => &body,
            Style::Result => &body["widgets"],
        };
        let mut widgets: Vec<(String, String)> = items
            .as_array()
            .unwrap_or_else(|| panic!("a list: {body}"))
            .iter()
            .map(|w| {
                (
                    w["id"].as_str().unwrap_or_default().to_string(),
                    w["name"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        // Whatever order the style lists in: ids are `wdg_<n>`, `n` in creation order.
        widgets.sort_by_key(|(id, _)| id.trim_start_matches("wdg_").parse::<u64>().ok());
        widgets
    }
}

fn seeded() -> Vec<(String, String)> {
    vec![
        ("wdg_1".to_string(), "widget-1".to_string()),
        ("wdg_2".to_string(), "widget-2".to_string()),
    ]
}

/// The error `kind` of an `enveloped` or `plain` error body.
fn kind(style: Style, body: &Value) -> Option<&str> {
    match style {
        Style::Enveloped => body["error"]["kind"].as_str(),
        _ => body["kind"].as_str(),
    }
}

/// `enveloped` and `plain`: a taken name is `400` `name_taken` and saves nothing; a new name
/// is created; renaming onto a taken name is refused too.
async fn single_item_writes_refuse_a_taken_name(style: Style, store: Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = serve(style, store, dir.path()).await;
    let (status, body) = server
        .send(Method::POST, "/widgets", Some(json!({"name": "widget-1"})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(kind(style, &body), Some("name_taken"), "{body}");
    assert_eq!(server.widgets(style).await, seeded());

    let (status, body) = server
        .send(Method::POST, "/widgets", Some(json!({"name": "Flange"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut expected = seeded();
    expected.push(("wdg_3".to_string(), "Flange".to_string()));
    assert_eq!(server.widgets(style).await, expected);

    let (status, body) = server
        .send(
            Method::PATCH,
            "/widgets/wdg_2",
            Some(json!({"name": "Flange"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(kind(style, &body), Some("name_taken"), "{body}");
    let (status, body) = server
        .send(
            Method::PATCH,
            "/widgets/wdg_2",
            Some(json!({"name": "Bolt"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    expected[1].1 = "Bolt".to_string();
    assert_eq!(server.widgets(style).await, expected);
}

/// `result`: a batch holding a taken name, or one name twice, is a `422` failure naming
/// those items (field `name`, `rawData` as sent) and saves nothing of the batch; a batch
/// of new names is saved whole, numbered as if the refused batches never happened.
async fn result_batches_are_saved_whole_or_not_at_all(store: Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = serve(Style::Result, store, dir.path()).await;

    let batch = json!({"widgets": [{"name": "Flange"}, {"name": "widget-1", "color": "red"}, {"name": "Bolt"}]});
    let (status, body) = server.send(Method::POST, "/widgets", Some(batch)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body,
        json!({
            "result": "failure",
            "failures": [{
                "rawData": {"name": "widget-1", "color": "red"},
                "errors": [{"type": "validation", "code": 422, "message": "a widget called `widget-1` exists", "field": "name"}]
            }],
            "metadata": {"receivedItemsCount": 3, "validItems": [0, 2], "invalidItems": [1]}
        })
    );
    assert_eq!(server.widgets(Style::Result).await, seeded());

    let batch = json!({"widgets": [{"name": "Flange"}, {"name": "Bolt"}, {"name": "Flange"}, {"name": "widget-2"}]});
    let (status, body) = server.send(Method::POST, "/widgets", Some(batch)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["metadata"]["invalidItems"], json!([2, 3]), "{body}");
    assert_eq!(body["metadata"]["validItems"], json!([0, 1]), "{body}");
    assert_eq!(body["failures"][0]["rawData"], json!({"name": "Flange"}));
    assert_eq!(body["failures"][0]["errors"][0]["field"], "name");
    assert_eq!(body["failures"][1]["rawData"], json!({"name": "widget-2"}));
    assert_eq!(server.widgets(Style::Result).await, seeded());

    let batch = json!({"widgets": [{"name": "Flange"}, {"name": "Bolt"}]});
    let (status, body) = server.send(Method::POST, "/widgets", Some(batch)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["metadata"]["validItems"], json!([0, 1]), "{body}");
    let mut expected = seeded();
    expected.push(("wdg_3".to_string(), "Flange".to_string()));
    expected.push(("wdg_4".to_string(), "Bolt".to_string()));
    assert_eq!(server.widgets(Style::Result).await, expected);
}

#[tokio::test]
async fn enveloped_memory_refuses_a_taken_name() {
    single_item_writes_refuse_a_taken_name(Style::Enveloped, Store::Memory).await;
}

#[tokio::test]
async fn enveloped_sqlite_refuses_a_taken_name() {
    single_item_writes_refuse_a_taken_name(Style::Enveloped, Store::Sqlite).await;
}

#[tokio::test]
async fn plain_memory_refuses_a_taken_name() {
    single_item_writes_refuse_a_taken_name(Style::Plain, Store::Memory).await;
}

#[tokio::test]
async fn plain_sqlite_refuses_a_taken_name() {
    single_item_writes_refuse_a_taken_name(Style::Plain, Store::Sqlite).await;
}

#[tokio::test]
async fn result_memory_batches_are_atomic() {
    result_batches_are_saved_whole_or_not_at_all(Store::Memory).await;
}

#[tokio::test]
async fn result_sqlite_batches_are_atomic() {
    result_batches_are_saved_whole_or_not_at_all(Store::Sqlite).await;
}

/// The SQLite store keeps its widgets across servers, and is seeded only when empty.
#[tokio::test]
async fn sqlite_widgets_outlive_the_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = serve(Style::Plain, Store::Sqlite, dir.path()).await;
    let (status, body) = first
        .send(
            Method::POST,
            "/widgets",
            Some(json!({"name": "Flange", "tags": ["a"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = first.send(Method::DELETE, "/widgets/wdg_1", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let second = serve(Style::Plain, Store::Sqlite, dir.path()).await;
    assert_eq!(
        second.widgets(Style::Plain).await,
        vec![
            ("wdg_2".to_string(), "widget-2".to_string()),
            ("wdg_3".to_string(), "Flange".to_string()),
        ]
    );
    let (status, body) = second.send(Method::GET, "/widgets/wdg_3", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["tags"], json!(["a"]));
    let (status, _) = second.send(Method::GET, "/widgets/wdg_1", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A database that cannot be opened is a clear error, not a panic.
#[test]
fn an_unopenable_database_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = ServeArgs {
        style: Style::Result,
        addr: "127.0.0.1:0".parse().expect("addr"),
        seed: 0,
        api_key: None,
        rate_limit: None,
        base_url: None,
        db: Some(dir.path().join("missing").join("widgets.db")),
    };
    let error = router(&args).expect_err("no such directory");
    assert!(error.contains("cannot open the database"), "{error}");
}

/// The generated `result` client reads a refused batch as `Error::Failure`, naming the
/// refused item's index and field; nothing of the batch was saved.
#[tokio::test]
async fn the_result_client_reads_a_refusal_as_a_failure() {
    use widgets_result::client::{Client, Error, PageRequest};
    use widgets_result::types::{Nullable, WidgetInput};
    let dir = tempfile::tempdir().expect("temp dir");
    let server = serve(Style::Result, Store::Sqlite, dir.path()).await;
    let client = Client::builder(&server.base).build().expect("client");
    let widget = |name: &str| WidgetInput {
        name: name.to_string(),
        color: Nullable::Absent,
        weight: None,
        tags: None,
    };
    let error = client
        .create_widget_batch(&[widget("Flange"), widget("widget-2")])
        .await
        .expect_err("widget-2 is taken");
    let Error::Failure(failure) = error else {
        panic!("expected a failure, got {error:?}");
    };
    assert_eq!(failure.valid_items, [0]);
    assert_eq!(failure.items.len(), 1);
    assert_eq!(failure.items[0].index, 1);
    assert_eq!(failure.items[0].errors[0].field.as_deref(), Some("name"));
    assert_eq!(
        failure.items[0].errors[0].message,
        "a widget called `widget-2` exists"
    );
    let total = client
        .list_widgets(&PageRequest::default())
        .await
        .expect("list")
        .items
        .len();
    assert_eq!(total, 2, "nothing of the batch was saved");
}

/// The generated `enveloped` and `plain` clients read a taken name as an API error of kind
/// `name_taken`.
#[tokio::test]
async fn single_item_clients_read_name_taken() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = serve(Style::Enveloped, Store::Sqlite, dir.path()).await;
    let client = widgets_enveloped::client::Client::builder(&server.base)
        .build()
        .expect("client");
    let error = client
        .create_widget(&widgets_enveloped::types::WidgetInput {
            name: "widget-1".to_string(),
            color: widgets_enveloped::types::Nullable::Absent,
            weight: None,
            tags: None,
        })
        .await
        .expect_err("widget-1 is taken");
    let widgets_enveloped::client::Error::Api(error) = error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(
        (error.status, error.kind.as_deref()),
        (StatusCode::BAD_REQUEST, Some("name_taken"))
    );

    let server = serve(Style::Plain, Store::Memory, dir.path()).await;
    let client = widgets_plain::client::Client::builder(&server.base)
        .build()
        .expect("client");
    let error = client
        .create_widget(&widgets_plain::types::WidgetInput {
            name: "widget-2".to_string(),
            color: widgets_plain::types::Nullable::Absent,
            weight: None,
            tags: None,
        })
        .await
        .expect_err("widget-2 is taken");
    let widgets_plain::client::Error::Api(error) = error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(
        (error.status, error.kind.as_deref()),
        (StatusCode::BAD_REQUEST, Some("name_taken"))
    );
}
