//! Sends N `GET` requests to one router, for counting instructions per request with
//! valgrind (the figures in docs/performance.md "Server overhead"):
//!
//! ```text
//! cargo build --release -p widgets-example --example requests
//! valgrind --tool=callgrind target/release/examples/requests plain get 3000 http
//! ```
//!
//! Arguments: a router (`baseline`, `baseline+layers`, `enveloped`, `plain`, `result`,
//! `<style>+auth`), `get`
//! (`GET /widgets/{id}`) or `list` (`GET /widgets?limit=20`), the number of requests, and
//! `http` to send them over one loopback keep-alive connection (else in process, with
//! `tower::ServiceExt::oneshot`). Per request: the difference of two counts over the
//! difference of their N, so that setting up is left out.

#[path = "../benches/common/mod.rs"]
mod common;

use axum::body::{Body, Bytes};
use axum::http::{header, Request};
use http_body_util::{BodyExt, Empty};
use tower::ServiceExt;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: requests ROUTER get|list N [http]";
    let (Some(name), Some(which), Some(n)) = (args.first(), args.get(1), args.get(2)) else {
        panic!("{usage}");
    };
    assert!(
        common::ROUTERS.contains(&name.as_str()),
        "unknown router {name:?}; one of {:?}",
        common::ROUTERS
    );
    let uri = match which.as_str() {
        "get" => common::GET_WIDGET,
        "list" => common::LIST_WIDGETS,
        _ => panic!("{usage}"),
    };
    let n: usize = n.parse().expect("N must be a whole number");
    let http = args.get(3).is_some_and(|a| a == "http");
    let app = common::app(name);
    let auth = common::needs_auth(name).then(|| format!("Bearer {}", common::API_KEY));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        if http {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(
                hyper_util::rt::TokioIo::new(stream),
            )
            .await
            .expect("handshake");
            tokio::spawn(conn);
            for _ in 0..n {
                let mut request = Request::get(uri).header(header::HOST, "127.0.0.1");
                if let Some(auth) = &auth {
                    request = request.header(header::AUTHORIZATION, auth);
                }
                sender.ready().await.expect("ready");
                let response = sender
                    .send_request(request.body(Empty::new()).expect("request"))
                    .await
                    .expect("response");
                assert!(response.status().is_success(), "{}", response.status());
                let body = response.into_body().collect().await.expect("body");
                std::hint::black_box(body.to_bytes());
            }
        } else {
            for _ in 0..n {
                let mut request = Request::get(uri);
                if let Some(auth) = &auth {
                    request = request.header(header::AUTHORIZATION, auth);
                }
                let request = request.body(Body::empty()).expect("request");
                let response = app.clone().oneshot(request).await.expect("response");
                assert!(response.status().is_success(), "{}", response.status());
                let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .expect("body");
                std::hint::black_box(bytes);
            }
        }
    });
}
