//! A flood of made-up credentials against the example server, as an attacker would send it.
//!
//! Starts the `widgets-example` binary (`serve --style plain --api-key … --rate-limit …`) as
//! its own process, sends `FLOOD_REQUESTS` (default 200,000) `GET /widgets` requests from
//! one client address over `FLOOD_CONNECTIONS` (default 16) keep-alive connections, each
//! with a distinct made-up bearer token, then one request with the real key. Prints the
//! answers by status, the server's resident memory (`VmRSS` from `/proc/<pid>/status`,
//! Linux) before and after the flood, and the real key's answer; fails unless the flood
//! drew 429s, the memory grew less than 8 MiB, and the real key was served right after.
//!
//! `cargo bench -p widgets-example --bench flood` (optimised build). Settings
//! (environment): `FLOOD_REQUESTS`, `FLOOD_CONNECTIONS`, `FLOOD_RATE` (the server's
//! `--rate-limit`, default 100 per second).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use axum::body::Bytes;
use axum::http::{header, Request};
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

const REAL_KEY: &str = "the-real-key";
const MAX_GROWTH_KIB: u64 = 8 * 1024;

fn setting(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, got {value:?}")),
        Err(_) => default,
    }
}

/// The server process, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the example server on a free port; its address once it listens.
fn start(rate: u64) -> (Server, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_widgets-example"))
        .args([
            "serve",
            "--style",
            "plain",
            "--addr",
            "127.0.0.1:0",
            "--seed",
            "3",
        ])
        .args(["--api-key", REAL_KEY, "--rate-limit", &rate.to_string()])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the widgets-example server");
    let stderr = child.stderr.take().expect("stderr");
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .expect("read the server's first line");
    let addr = line
        .rsplit("http://")
        .next()
        .and_then(|a| a.trim().parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (Server(child), addr)
}

/// The resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// Sends `tokens` one after another on one keep-alive connection; the count per status.
async fn connection(addr: SocketAddr, tokens: Vec<String>) -> BTreeMap<u16, u64> {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (mut sender, conn) = http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let mut statuses = BTreeMap::new();
    for token in tokens {
        let request = Request::get("/widgets")
            .header(header::HOST, "localhost")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Empty::new())
            .expect("request");
        sender.ready().await.expect("connection ready");
        let response = sender.send_request(request).await.expect("response");
        *statuses.entry(response.status().as_u16()).or_default() += 1;
        response.into_body().collect().await.expect("body");
    }
    statuses
}

#[tokio::main]
async fn main() {
    let requests = setting("FLOOD_REQUESTS", 200_000);
    let connections = setting("FLOOD_CONNECTIONS", 16).max(1);
    let rate = setting("FLOOD_RATE", 100);
    let (server, addr) = start(rate);
    let pid = server.0.id();
    // Warm the server (threads, buffers) with a few real requests first.
    let warm = connection(addr, vec![REAL_KEY.to_owned(); 20]).await;
    assert_eq!(warm.get(&200), Some(&20), "warm-up: {warm:?}");
    let before = rss_kib(pid);
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let tokens: Vec<String> = (0..requests)
            .filter(|n| n % connections == c)
            .map(|n| format!("made-up-{n:08}-{}", n.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
            .collect();
        tasks.push(tokio::spawn(connection(addr, tokens)));
    }
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    for task in tasks {
        for (status, count) in task.await.expect("connection task") {
            *statuses.entry(status).or_default() += count;
        }
    }
    let elapsed = started.elapsed();
    let after = rss_kib(pid);
    let real = connection(addr, vec![REAL_KEY.to_owned()]).await;

    println!(
        "flood: {requests} requests with distinct made-up tokens from one client, \
         {connections} connections, server --rate-limit {rate}, {:.1} s",
        elapsed.as_secs_f64()
    );
    for (status, count) in &statuses {
        println!("  {status}: {count}");
    }
    let growth = after.saturating_sub(before);
    println!(
        "server RSS: {before} KiB before, {after} KiB after ({:+} KiB)",
        after as i64 - before as i64
    );
    println!("real key right after: {real:?}");
    assert!(statuses.get(&429).is_some_and(|&n| n > 0), "no 429");
    assert!(growth < MAX_GROWTH_KIB, "memory grew {growth} KiB");
    assert_eq!(real.get(&200), Some(&1), "the real key was not served");
}
