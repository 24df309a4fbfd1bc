//! Hostile traffic against the example server, in every style, at small scale with short
//! limits: slow headers, oversized headers, trickled bodies, huge bodies, too many
//! connections and deeply nested JSON each get their refusal (closed, 431, 408, 413, 503,
//! 400), in the style where HTTP allows an answer, while well-behaved requests are served.
//! The full-scale attacks, with latency figures, are the `hostile` bench.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use apigen_runtime::serve::{Limits, Server};
use axum::extract::ConnectInfo;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use widgets_example::serve::{serve, ServeArgs, Style};

const STYLES: [Style; 3] = [Style::Enveloped, Style::Plain, Style::Result];
/// How long any single read in these tests may wait.
const PATIENCE: Duration = Duration::from_secs(5);

/// Short limits, so that each refusal comes quickly.
fn limits() -> Limits {
    Limits {
        header_read_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        max_header_bytes: 16 * 1024,
        max_headers: 20,
        max_connections: 2,
        shutdown_grace: Duration::from_secs(1),
    }
}

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops the server; it must return within `within`.
    async fn shut_down(mut self, within: Duration) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(within, &mut self.task)
            .await
            .expect("the server stops within its grace period")
            .expect("the server task")
            .expect("the server returns Ok");
    }
}

async fn start(style: Style, limits: Limits) -> Running {
    let args = ServeArgs {
        style,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        seed: 2,
        api_key: None,
        rate_limit: None,
        base_url: None,
        db: None,
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve(listener, &args, limits, async {
            let _ = stopped.await;
        })
        .await
    });
    Running {
        addr,
        stop: Some(stop),
        task,
    }
}

/// A response read off a raw connection.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {:?} {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Reads one response (head and `Content-Length` body) from `stream`.
async fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .expect("a response in time")
            .expect("read");
        assert!(n > 0, "connection closed before a response: {data:?}");
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().expect("content-length"));
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .expect("the body in time")
            .expect("read");
        assert!(n > 0, "connection closed mid-body");
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Reply {
        status,
        headers,
        body,
    }
}

/// Whether the server closes `stream` within `within` (without sending anything more).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut byte = [0u8; 1];
    match tokio::time::timeout(within, stream.read(&mut byte)).await {
        Ok(Ok(0)) | Ok(Err(_)) => true,
        Ok(Ok(_)) => panic!("the server sent data instead of closing"),
        Err(_) => false,
    }
}

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.expect("connect")
}

/// A well-behaved request on its own connection.
async fn get(addr: SocketAddr, path: &str) -> Reply {
    let mut stream = connect(addr).await;
    let request = format!("GET {path} HTTP/1.1\r\nhost: test\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    read_reply(&mut stream).await
}

/// Asserts `reply` is the style's error for `status`, with this kind (`plain`,
/// `enveloped`) or type (`result`).
fn assert_styled(style: Style, reply: &Reply, status: u16, kind: &str, result_type: &str) {
    assert_eq!(reply.status, status, "{style:?}: {reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "{style:?}: {reply:?}"
    );
    let body = reply.json();
    match style {
        Style::Plain => assert_eq!(body["kind"], json!(kind), "{body}"),
        Style::Enveloped => {
            assert_eq!(body["error"]["kind"], json!(kind), "{body}");
            assert_eq!(body["meta"]["type"], json!("error"), "{body}");
        }
        Style::Result => {
            assert_eq!(body["result"], json!("error"), "{body}");
            assert_eq!(body["error"]["type"], json!(result_type), "{body}");
            assert_eq!(body["error"]["code"], json!(status), "{body}");
        }
    }
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    for style in STYLES {
        let server = start(style, limits()).await;
        // Says nothing at all.
        let started = Instant::now();
        let mut silent = connect(server.addr).await;
        assert!(closed_within(&mut silent, Duration::from_secs(3)).await);
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(250),
            "closed after {took:?}, before the header timeout"
        );
        // Trickles a header line every 50 ms, forever.
        let started = Instant::now();
        let slow = connect(server.addr).await;
        let (mut read, mut write) = slow.into_split();
        let trickle = tokio::spawn(async move {
            let _ = write.write_all(b"GET /widgets HTTP/1.1\r\n").await;
            for n in 0..200 {
                let line = format!("x-slow-{n}: y\r\n");
                if write.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_secs(3), read.read(&mut byte)).await;
        assert!(
            matches!(read, Ok(Ok(0)) | Ok(Err(_))),
            "{style:?}: the slow connection is still open or answered: {read:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        trickle.abort();
        // Meanwhile, and after, a client that sends its request at once is served.
        assert_eq!(get(server.addr, "/widgets").await.status, 200);
        server.shut_down(PATIENCE).await;
    }
}

#[tokio::test]
async fn oversized_and_malformed_heads_are_refused_in_style() {
    for style in STYLES {
        let server = start(style, limits()).await;
        // Under the limit: served.
        let mut fine = connect(server.addr).await;
        let request = format!(
            "GET /widgets HTTP/1.1\r\nhost: t\r\nx-big: {}\r\n\r\n",
            "a".repeat(8 * 1024)
        );
        fine.write_all(request.as_bytes()).await.expect("write");
        assert_eq!(read_reply(&mut fine).await.status, 200);

        // One header past the 16 KiB limit.
        let mut big = connect(server.addr).await;
        let request = format!(
            "GET /widgets HTTP/1.1\r\nhost: t\r\nx-big: {}\r\n\r\n",
            "a".repeat(32 * 1024)
        );
        // The server may answer and close before it has read everything.
        let _ = big.write_all(request.as_bytes()).await;
        let reply = read_reply(&mut big).await;
        assert_styled(style, &reply, 431, "headers_too_large", "client");
        assert_eq!(reply.header("connection"), Some("close"));
        assert!(closed_within(&mut big, PATIENCE).await);

        // More header fields than the 20 allowed.
        let mut many = connect(server.addr).await;
        let mut request = String::from("GET /widgets HTTP/1.1\r\nhost: t\r\n");
        for n in 0..40 {
            request.push_str(&format!("x-h{n}: v\r\n"));
        }
        request.push_str("\r\n");
        let _ = many.write_all(request.as_bytes()).await;
        let reply = read_reply(&mut many).await;
        assert_styled(style, &reply, 431, "headers_too_large", "client");

        // Not HTTP at all: hyper's own 400, in the style too.
        let mut garbled = connect(server.addr).await;
        let _ = garbled
            .write_all(b"GET /wid gets HTTP/1.1\r\nhost: t\r\n\r\n")
            .await;
        let reply = read_reply(&mut garbled).await;
        assert_styled(style, &reply, 400, "request_invalid", "syntax");
        server.shut_down(PATIENCE).await;
    }
}

#[tokio::test]
async fn a_trickled_body_gets_408_in_style() {
    for style in STYLES {
        let server = start(style, limits()).await;
        let mut slow = connect(server.addr).await;
        let head = "POST /widgets HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\n\
                    content-length: 1000\r\nx-request-id: slow-1\r\n\r\n{\"name\":";
        slow.write_all(head.as_bytes()).await.expect("write");
        let started = Instant::now();
        let reply = read_reply(&mut slow).await;
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_styled(style, &reply, 408, "request_timeout", "client");
        assert_eq!(reply.header("connection"), Some("close"));
        assert_eq!(reply.header("x-request-id"), Some("slow-1"));
        assert!(closed_within(&mut slow, PATIENCE).await);

        // A body sent at once is not affected.
        let mut quick = connect(server.addr).await;
        let body = match style {
            Style::Result => r#"{"widgets":[{"name":"quick"}]}"#,
            _ => r#"{"name":"quick"}"#,
        };
        let request = format!(
            "POST /widgets HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        quick.write_all(request.as_bytes()).await.expect("write");
        let reply = read_reply(&mut quick).await;
        assert!(
            reply.status == 200 || reply.status == 201,
            "{style:?}: {reply:?} {}",
            String::from_utf8_lossy(&reply.body)
        );
        server.shut_down(PATIENCE).await;
    }
}

#[tokio::test]
async fn a_huge_body_gets_413_without_being_read() {
    for style in STYLES {
        let server = start(style, limits()).await;
        // Announced: refused from the headers alone.
        let mut announced = connect(server.addr).await;
        let head = "POST /widgets HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\n\
                    content-length: 100000000\r\n\r\n";
        announced.write_all(head.as_bytes()).await.expect("write");
        let reply = read_reply(&mut announced).await;
        assert_styled(style, &reply, 413, "payload_too_large", "content");

        // Chunked, with no length announced: refused once past the 1 MiB limit, long before
        // the sender's 100 MB.
        let streamed = connect(server.addr).await;
        let (mut read, mut write) = streamed.into_split();
        let sender = tokio::spawn(async move {
            let head = "POST /widgets HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\n\
                        transfer-encoding: chunked\r\n\r\n";
            write.write_all(head.as_bytes()).await.expect("write");
            let chunk = format!("10000\r\n{}\r\n", "a".repeat(0x10000));
            let mut sent = 0usize;
            while sent < 100_000_000 {
                if write.write_all(chunk.as_bytes()).await.is_err() {
                    break;
                }
                sent += 0x10000;
            }
            sent
        });
        let mut response = Vec::new();
        let _ = tokio::time::timeout(PATIENCE, read.read_to_end(&mut response)).await;
        let text = String::from_utf8_lossy(&response);
        assert!(text.starts_with("HTTP/1.1 413 "), "{style:?}: {text}");
        let sent = tokio::time::timeout(PATIENCE, sender)
            .await
            .expect("the sender stops when the server closes")
            .expect("sender");
        assert!(sent < 16 * 1024 * 1024, "{sent} bytes were taken");
        server.shut_down(PATIENCE).await;
    }
}

#[tokio::test]
async fn connections_over_the_limit_get_503_in_style() {
    for style in STYLES {
        let server = start(style, limits()).await;
        // Two keep-alive connections take the two slots.
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut stream = connect(server.addr).await;
            stream
                .write_all(b"GET /widgets HTTP/1.1\r\nhost: t\r\n\r\n")
                .await
                .expect("write");
            assert_eq!(read_reply(&mut stream).await.status, 200);
            held.push(stream);
        }
        let mut third = connect(server.addr).await;
        third
            .write_all(b"GET /widgets HTTP/1.1\r\nhost: t\r\n\r\n")
            .await
            .expect("write");
        let reply = read_reply(&mut third).await;
        assert_styled(style, &reply, 503, "service_unavailable", "system");
        assert_eq!(reply.header("retry-after"), Some("1"));
        assert_eq!(reply.header("connection"), Some("close"));
        assert!(closed_within(&mut third, PATIENCE).await);
        // The held connections are still served.
        held[0]
            .write_all(b"GET /widgets HTTP/1.1\r\nhost: t\r\n\r\n")
            .await
            .expect("write");
        assert_eq!(read_reply(&mut held[0]).await.status, 200);
        // Once one closes, its slot serves a new connection.
        held.pop();
        let deadline = Instant::now() + PATIENCE;
        loop {
            let reply = get(server.addr, "/widgets").await;
            if reply.status == 200 {
                break;
            }
            assert_eq!(reply.status, 503);
            assert!(Instant::now() < deadline, "the slot was never freed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.shut_down(PATIENCE).await;
    }
}

#[tokio::test]
async fn deeply_nested_json_gets_400_in_style() {
    let depth = 100_000;
    let array = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let in_field = format!(r#"{{"name":"n","tags":{array}}}"#);
    // Neither a value nor a generated type overflows the stack: both are refused at
    // serde_json's recursion limit.
    for text in [&array, &in_field] {
        let value = serde_json::from_str::<Value>(text).expect_err("too deep");
        assert!(value.to_string().contains("recursion limit"), "{value}");
        serde_json::from_str::<widgets_plain::types::WidgetInput>(text).expect_err("too deep");
    }
    for style in STYLES {
        let server = start(style, limits()).await;
        for body in [&array, &in_field] {
            let body = match style {
                Style::Result => format!(r#"{{"widgets":[{body}]}}"#),
                _ => body.clone(),
            };
            let mut stream = connect(server.addr).await;
            let request = format!(
                "POST /widgets HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).await.expect("write");
            let reply = read_reply(&mut stream).await;
            assert_styled(style, &reply, 400, "request_invalid", "syntax");
        }
        // The server is still there.
        assert_eq!(get(server.addr, "/widgets").await.status, 200);
        server.shut_down(PATIENCE).await;
    }
}

#[tokio::test]
async fn idle_connections_are_closed_and_shutdown_is_graceful() {
    let server = start(Style::Plain, limits()).await;
    let mut idle = connect(server.addr).await;
    idle.write_all(b"GET /widgets HTTP/1.1\r\nhost: t\r\n\r\n")
        .await
        .expect("write");
    assert_eq!(read_reply(&mut idle).await.status, 200);
    // Closed after the header timeout (HTTP/1 waits for the next request that long).
    assert!(closed_within(&mut idle, Duration::from_secs(3)).await);

    // A request in progress when the server stops still gets its answer.
    let mut busy = connect(server.addr).await;
    let head = "POST /widgets HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\n\
                content-length: 15\r\n\r\n{\"name\":";
    busy.write_all(head.as_bytes()).await.expect("write");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let addr = server.addr;
    let stopping = tokio::spawn(server.shut_down(PATIENCE));
    tokio::time::sleep(Duration::from_millis(50)).await;
    busy.write_all(b"\"late\"}").await.expect("write");
    let reply = read_reply(&mut busy).await;
    assert!(reply.status == 201 || reply.status == 200, "{reply:?}");
    stopping.await.expect("stopped");
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "still accepting after shutdown"
    );
}

#[tokio::test]
async fn the_router_sees_the_peer_address() {
    use widgets_example::store::plain::Store;
    type Ops = widgets_plain::server::Generated<Store>;
    let router = axum::Router::new().route(
        "/peer",
        axum::routing::get(
            |ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(Server::<Ops>::new(router).serve(listener));
    let mut stream = connect(addr).await;
    let me = stream.local_addr().expect("local addr");
    stream
        .write_all(b"GET /peer HTTP/1.1\r\nhost: t\r\n\r\n")
        .await
        .expect("write");
    let reply = read_reply(&mut stream).await;
    assert_eq!(reply.status, 200);
    assert_eq!(String::from_utf8_lossy(&reply.body), me.to_string());
    server.abort();
}

#[tokio::test]
async fn http2_is_served_and_idle_connections_are_closed() {
    use http_body_util::{BodyExt, Empty};
    let server = start(Style::Enveloped, limits()).await;
    let stream = connect(server.addr).await;
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(stream),
    )
    .await
    .expect("HTTP/2 handshake");
    let connection = tokio::spawn(connection);
    let request = axum::http::Request::get(format!("http://{}/widgets/wdg_1", server.addr))
        .body(Empty::<axum::body::Bytes>::new())
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(body["data"]["id"], json!("wdg_1"));
    // No request and no traffic for the idle timeout (600 ms): the server closes it.
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(3), connection)
        .await
        .expect("the idle HTTP/2 connection is closed")
        .expect("connection task")
        .ok();
    assert!(started.elapsed() >= Duration::from_millis(400));
    server.shut_down(PATIENCE).await;
}
