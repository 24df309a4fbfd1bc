//! Style overhead: `GET /widgets/{id}` and `GET /widgets?limit=20` through each style's
//! generated router (all its layers: request id, restyling, panic catching, body limit,
//! authentication, pagination, rendering) against a hand-written axum handler that
//! returns the same widgets as plain `Json`, in the same run, in process (no sockets).
//!
//! The `*_http` benches send the same requests over loopback HTTP (one keep-alive
//! connection, one request at a time), which is the latency a client sees.
//!
//! `cargo bench -p widgets-example --bench overhead`; the overhead of a style is its
//! median divided by the `baseline` median of the same request.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::Request;
use axum::routing::get;
use axum::{Json, Router};
use tower::ServiceExt;
use widgets_example::serve::{router, ServeArgs, Style};
use widgets_plain::types::{Nullable, Widget};

fn main() {
    divan::main();
}

const SEED: u64 = 45;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn generated(style: Style) -> Router {
    router(&ServeArgs {
        style,
        addr: "127.0.0.1:0".parse().expect("addr"),
        seed: SEED,
        api_key: Some("key".to_string()),
        rate_limit: None,
        base_url: None,
    })
}

/// The same data, served the way one would without apigen.
fn baseline() -> Router {
    let widgets: Arc<Vec<Widget>> = Arc::new(
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
    );
    async fn one(
        State(w): State<Arc<Vec<Widget>>>,
        Path(id): Path<String>,
    ) -> Result<Json<Widget>, axum::http::StatusCode> {
        w.iter()
            .find(|x| x.id == id)
            .cloned()
            .map(Json)
            .ok_or(axum::http::StatusCode::NOT_FOUND)
    }
    async fn list(State(w): State<Arc<Vec<Widget>>>) -> Json<Vec<Widget>> {
        Json(w.iter().take(20).cloned().collect())
    }
    Router::new()
        .route("/widgets", get(list))
        .route("/widgets/{id}", get(one))
        .with_state(widgets)
}

fn run(bencher: divan::Bencher, app: Router, uri: &'static str) {
    let rt = runtime();
    bencher.bench_local(|| {
        rt.block_on(async {
            let request = Request::get(uri)
                .header("authorization", "Bearer key")
                .body(Body::empty())
                .expect("request");
            let response = app.clone().oneshot(request).await.expect("response");
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            divan::black_box(bytes);
        })
    });
}

fn app(name: &str) -> Router {
    match name {
        "enveloped" => generated(Style::Enveloped),
        "plain" => generated(Style::Plain),
        "result" => generated(Style::Result),
        _ => baseline(),
    }
}

const ROUTERS: &[&str] = &["baseline", "enveloped", "plain", "result"];

#[divan::bench(args = ROUTERS, sample_count = 200, sample_size = 20)]
fn get_widget(bencher: divan::Bencher, name: &str) {
    run(bencher, app(name), "/widgets/wdg_17");
}

#[divan::bench(args = ROUTERS, sample_count = 200, sample_size = 20)]
fn list_widgets_limit_20(bencher: divan::Bencher, name: &str) {
    run(bencher, app(name), "/widgets?limit=20");
}

fn run_http(bencher: divan::Bencher, app: Router, path: &'static str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let base = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        format!("http://{addr}")
    });
    let client = reqwest::Client::new();
    let url = format!("{base}{path}");
    bencher.bench_local(|| {
        rt.block_on(async {
            let response = client
                .get(&url)
                .header("authorization", "Bearer key")
                .send()
                .await
                .expect("response");
            divan::black_box(response.bytes().await.expect("body"));
        })
    });
}

#[divan::bench(args = ROUTERS, sample_count = 200, sample_size = 5)]
fn get_widget_http(bencher: divan::Bencher, name: &str) {
    run_http(bencher, app(name), "/widgets/wdg_17");
}

#[divan::bench(args = ROUTERS, sample_count = 200, sample_size = 5)]
fn list_widgets_limit_20_http(bencher: divan::Bencher, name: &str) {
    run_http(bencher, app(name), "/widgets?limit=20");
}
