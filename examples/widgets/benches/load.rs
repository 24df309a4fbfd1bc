//! Style overhead over real HTTP at the same load: the latency a client sees.
//!
//! Every router (the hand-written baseline, the baseline under `tower-http`'s request-id,
//! trace and catch-panic layers, each style without authentication like the baseline, each
//! style with `--api-key`) is served on its own loopback port by one
//! server runtime with one worker thread. A load driver on another thread keeps
//! `LOAD_CONNECTIONS` keep-alive HTTP/1.1 connections (hyper's client connection, no
//! pool) busy, one request in flight per connection, for `LOAD_MS` milliseconds per turn,
//! and records the latency of every request (send to last body byte). Routers take
//! short turns: each round runs every router once, in an order rotated every round, so
//! a burst of load from elsewhere on the machine falls on all of them alike. Requests of
//! the first `WARM_MS` of every turn are not recorded.
//!
//! `cargo bench -p widgets-example --bench load` prints, per request and router, the
//! quartiles, mean and p99 of the latency, the throughput, and the median, mean and p99 as a
//! ratio of the baseline's.
//!
//! The default load, 2 connections, keeps both the server's worker and the load driver
//! below saturation, where a request's latency is its own path through client, kernel and
//! server. With more connections than that on a two-core machine both threads saturate and
//! requests queue behind each other in two modes (served at once, or after the one ahead):
//! the median then falls between the modes and says which one holds half the requests, not
//! how long the work takes; the mean and the throughput still measure it (`LOAD_CONNECTIONS=4`).
//!
//! Settings (environment): `LOAD_CONNECTIONS` (default 2), `LOAD_MS`
//! (default 500), `LOAD_ROUNDS` (default 20), `LOAD_ROUTERS` (comma-separated names,
//! default all).

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{header, Request, StatusCode};
use axum::serve::ListenerExt;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

const WARM_MS: u64 = 100;

fn setting(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, got {value:?}")),
        Err(_) => default,
    }
}

/// Latencies of one router for one request, over all rounds.
#[derive(Default)]
struct Samples {
    nanos: Vec<u64>,
    measured: Duration,
}

fn main() {
    // `cargo bench` passes `--bench`; this bench takes no arguments.
    let connections = setting("LOAD_CONNECTIONS", 2);
    let millis = setting("LOAD_MS", 500);
    let rounds = setting("LOAD_ROUNDS", 20);
    let routers: Vec<String> = match std::env::var("LOAD_ROUTERS") {
        Ok(list) => list.split(',').map(str::to_string).collect(),
        Err(_) => common::ROUTERS.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        routers[0], "baseline",
        "the first router must be the baseline"
    );

    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let addrs: Vec<SocketAddr> = routers
        .iter()
        .map(|name| {
            let app = common::app(name);
            server.block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let addr = listener.local_addr().expect("addr");
                let listener = listener.tap_io(|tcp| {
                    tcp.set_nodelay(true).expect("nodelay");
                });
                tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
                addr
            })
        })
        .collect();

    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let requests = [
        ("GET /widgets/{id}", common::GET_WIDGET),
        ("GET /widgets?limit=20", common::LIST_WIDGETS),
    ];
    let mut samples: BTreeMap<(usize, usize), Samples> = BTreeMap::new();
    for round in 0..rounds {
        for (r, (_, path)) in requests.iter().enumerate() {
            for turn in 0..routers.len() {
                let i = (turn + round as usize) % routers.len();
                let auth = common::needs_auth(&routers[i]);
                let (nanos, measured) = client.block_on(drive(
                    addrs[i],
                    path,
                    auth,
                    connections,
                    Duration::from_millis(millis),
                ));
                let entry = samples.entry((r, i)).or_default();
                entry.nanos.extend(nanos);
                entry.measured += measured;
            }
        }
    }

    println!(
        "{connections} keep-alive connections, one request in flight on each; {rounds} rounds of {millis} ms per router, routers alternating; server: 1 tokio worker thread"
    );
    for (r, (label, path)) in requests.iter().enumerate() {
        println!("\n{label}  ({path})\n");
        println!(
            "| router | p25 | median | p75 | mean | p99 | requests/s | median ratio | mean ratio | p99 ratio |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        let base = summary(samples.get_mut(&(r, 0)).expect("baseline samples"));
        for (i, name) in routers.iter().enumerate() {
            let s = summary(samples.get_mut(&(r, i)).expect("samples"));
            println!(
                "| {name} | {:.1} µs | {:.1} µs | {:.1} µs | {:.1} µs | {:.1} µs | {:.0} | {:.2}× | {:.2}× | {:.2}× |",
                s.p25_us,
                s.median_us,
                s.p75_us,
                s.mean_us,
                s.p99_us,
                s.rate,
                s.median_us / base.median_us,
                s.mean_us / base.mean_us,
                s.p99_us / base.p99_us,
            );
        }
    }
}

struct Summary {
    p25_us: f64,
    median_us: f64,
    p75_us: f64,
    mean_us: f64,
    p99_us: f64,
    rate: f64,
}

fn summary(samples: &mut Samples) -> Summary {
    samples.nanos.sort_unstable();
    let n = samples.nanos.len();
    assert!(n > 0, "no requests completed");
    let at = |q: f64| samples.nanos[((n as f64 * q) as usize).min(n - 1)] as f64 / 1000.0;
    let total: u64 = samples.nanos.iter().sum();
    Summary {
        p25_us: at(0.25),
        median_us: at(0.5),
        p75_us: at(0.75),
        mean_us: total as f64 / n as f64 / 1000.0,
        p99_us: at(0.99),
        rate: n as f64 / samples.measured.as_secs_f64(),
    }
}

/// Keeps `connections` connections busy for `WARM_MS` plus `length`; returns the
/// latencies recorded after the warm-up and how long that was.
async fn drive(
    addr: SocketAddr,
    path: &'static str,
    auth: bool,
    connections: u64,
    length: Duration,
) -> (Vec<u64>, Duration) {
    let start = Instant::now();
    let record_from = start + Duration::from_millis(WARM_MS);
    let until = record_from + length;
    let tasks: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(connection(addr, path, auth, record_from, until)))
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("connection task"));
    }
    (all, length)
}

async fn connection(
    addr: SocketAddr,
    path: &'static str,
    auth: bool,
    record_from: Instant,
    until: Instant,
) -> Vec<u64> {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (mut sender, conn) = http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let authorization = format!("Bearer {}", common::API_KEY);
    let mut latencies = Vec::with_capacity(1 << 16);
    loop {
        let mut request = Request::get(path).header(header::HOST, "127.0.0.1");
        if auth {
            request = request.header(header::AUTHORIZATION, &authorization);
        }
        let request = request.body(Empty::new()).expect("request");
        let sent = Instant::now();
        if sent >= until {
            return latencies;
        }
        sender.ready().await.expect("connection ready");
        let response = sender.send_request(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let done = Instant::now();
        std::hint::black_box(body);
        if sent >= record_from {
            latencies.push(u64::try_from((done - sent).as_nanos()).unwrap_or(u64::MAX));
        }
    }
}
