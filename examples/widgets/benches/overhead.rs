//! Style overhead in process, the microbenchmark: `GET /widgets/{id}` and
//! `GET /widgets?limit=20` through each style's generated router (all its layers: request
//! id, restyling, panic catching, body limit, authentication, pagination, rendering)
//! against a hand-written axum handler that returns the same widgets as plain `Json` (and
//! that handler under `tower-http`'s request-id, trace and catch-panic layers), in the same
//! run, with `tower::ServiceExt::oneshot` (no sockets). It shows where the
//! microseconds go; the latency a client sees under load is `benches/load.rs`.
//!
//! `cargo bench -p widgets-example --bench overhead`; the overhead of a style is its
//! median divided by the `baseline` median of the same request. `<style>` routers run
//! without authentication, like the baseline; `<style>+auth` with `--api-key`.

#[path = "common/mod.rs"]
mod common;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use tower::ServiceExt;

fn main() {
    divan::main();
}

fn run(bencher: divan::Bencher, name: &str, uri: &'static str) {
    let app: Router = common::app(name);
    let auth = common::needs_auth(name).then(|| format!("Bearer {}", common::API_KEY));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    bencher.bench_local(|| {
        rt.block_on(async {
            let mut request = Request::get(uri);
            if let Some(auth) = &auth {
                request = request.header("authorization", auth);
            }
            let request = request.body(Body::empty()).expect("request");
            let response = app.clone().oneshot(request).await.expect("response");
            assert!(
                response.status().is_success(),
                "{name}: {}",
                response.status()
            );
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            divan::black_box(bytes);
        })
    });
}

#[divan::bench(args = common::ROUTERS, sample_count = 200, sample_size = 20)]
fn get_widget(bencher: divan::Bencher, name: &str) {
    run(bencher, name, common::GET_WIDGET);
}

#[divan::bench(args = common::ROUTERS, sample_count = 200, sample_size = 20)]
fn list_widgets_limit_20(bencher: divan::Bencher, name: &str) {
    run(bencher, name, common::LIST_WIDGETS);
}
