//! Hostile traffic against the example server at full scale, with the server's default
//! limits: what a well-behaved client sees during each attack, against a baseline measured
//! in the same run with no attack, and the server's memory.
//!
//! The server is the `widgets-example serve` binary (`plain` style, default limits) in a
//! child process, on loopback. For each attack, the good client opens a keep-alive HTTP/1.1
//! connection, the attack starts, and the good client then sends `GET /widgets/wdg_1` one
//! request at a time for `HOSTILE_MS` milliseconds (default 3000), recording each latency;
//! the attack's own outcome (the answers it got, how soon its connections were closed) is
//! counted alongside, and the server's RSS (`/proc/<pid>/status`) is sampled before, during
//! (peak) and after. Attacks:
//!
//! - `slowloris`: 1,000 connections send a request line, then one header line a second;
//! - `headers-200k`: 8 attackers send 200 KB header blocks over and over;
//! - `endless-body`: 100 connections send a 1 MB body at 1 KB/s;
//! - `connections-10k`: 10,000 keep-alive connections, each sending a request every 5 s;
//! - `nested-json`: 8 attackers post JSON nested 100,000 deep over and over;
//! - `body-100m`: 4 attackers stream 100 MB chunked bodies as fast as they can.
//!
//! `cargo bench -p widgets-example --bench hostile` prints the table. Settings
//! (environment): `HOSTILE_MS`, `HOSTILE_ATTACKS` (comma-separated names, default all).
//! The bench raises its open-file limit to the hard limit; 10,000 connections need more
//! than 10,000 descriptors in both processes.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

const ATTACKS: &[&str] = &[
    "slowloris",
    "headers-200k",
    "endless-body",
    "connections-10k",
    "nested-json",
    "body-100m",
];

fn main() {
    raise_open_files();
    let window = Duration::from_millis(env_u64("HOSTILE_MS", 3000));
    let chosen: Vec<String> = std::env::var("HOSTILE_ATTACKS")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_else(|_| ATTACKS.iter().map(|s| s.to_string()).collect());
    let mut server = Server::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "| attack | good p50 | good p99 | p99 / baseline | good errors | attack outcome | server RSS before → peak → after |"
    );
    println!("|---|---|---|---|---|---|---|");
    let baseline = runtime.block_on(phase(&server, "baseline", window));
    let base_p99 = baseline.p99;
    baseline.print(base_p99);
    for name in chosen {
        if !ATTACKS.contains(&name.as_str()) {
            eprintln!("unknown attack `{name}`; known: {ATTACKS:?}");
            continue;
        }
        let measured = runtime.block_on(phase(&server, &name, window));
        measured.print(base_p99);
    }
    server.stop();
}

/// The open-file limit raised to the hard limit.
fn raise_open_files() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit`/`setrlimit` read and write the struct given, nothing else.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The example server in a child process.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_widgets-example"))
            .args([
                "serve",
                "--style",
                "plain",
                "--addr",
                "127.0.0.1:0",
                "--seed",
                "20",
            ])
            .stderr(Stdio::piped())
            .spawn()
            .expect("start widgets-example serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut line = String::new();
        BufReader::new(stderr)
            .read_line(&mut line)
            .expect("the server's first line");
        let addr = line
            .rsplit("http://")
            .next()
            .and_then(|a| a.trim().parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Self { child, addr }
    }

    /// Resident memory in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One row of the table.
struct Measured {
    name: String,
    p50: Duration,
    p99: Duration,
    good_errors: u64,
    outcome: String,
    rss: (u64, u64, u64),
}

impl Measured {
    fn print(&self, base_p99: Duration) {
        let ratio = self.p99.as_secs_f64() / base_p99.as_secs_f64().max(1e-9);
        let mib = |kib: u64| kib as f64 / 1024.0;
        println!(
            "| {} | {:.2} ms | {:.2} ms | {:.2} | {} | {} | {:.1} → {:.1} → {:.1} MiB |",
            self.name,
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
            ratio,
            self.good_errors,
            self.outcome,
            mib(self.rss.0),
            mib(self.rss.1),
            mib(self.rss.2),
        );
    }
}

/// What an attack's connections got.
#[derive(Default)]
struct Tally {
    /// Answers by status.
    statuses: std::sync::Mutex<std::collections::BTreeMap<u16, u64>>,
    /// Connections the server closed without an answer.
    closed: AtomicU64,
    /// Connections that could not be opened.
    refused: AtomicU64,
    /// Bytes the attackers sent.
    sent: AtomicU64,
    /// The longest an attacker waited for its refusal, in ms.
    slowest_ms: AtomicU64,
}

impl Tally {
    fn answer(&self, status: u16) {
        *self
            .statuses
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(status)
            .or_default() += 1;
    }

    /// Connections answered or closed so far.
    fn answers(&self) -> u64 {
        let statuses = self
            .statuses
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        statuses.values().sum::<u64>() + self.closed.load(Ordering::Relaxed)
    }

    fn waited(&self, since: Instant) {
        let ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.slowest_ms.fetch_max(ms, Ordering::Relaxed);
    }

    fn describe(&self) -> String {
        let statuses = self
            .statuses
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut parts: Vec<String> = statuses.iter().map(|(s, n)| format!("{n}× {s}")).collect();
        let closed = self.closed.load(Ordering::Relaxed);
        if closed > 0 {
            parts.push(format!("{closed} closed unanswered"));
        }
        let refused = self.refused.load(Ordering::Relaxed);
        if refused > 0 {
            parts.push(format!("{refused} not connected"));
        }
        let sent = self.sent.load(Ordering::Relaxed);
        if sent > 0 {
            parts.push(format!("{:.1} MB sent", sent as f64 / 1e6));
        }
        let slowest = self.slowest_ms.load(Ordering::Relaxed);
        if slowest > 0 {
            parts.push(format!("last refusal after {:.1} s", slowest as f64 / 1e3));
        }
        if parts.is_empty() {
            "-".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// Runs one attack (or none: `baseline`) while the good client measures.
async fn phase(server: &Server, name: &str, window: Duration) -> Measured {
    let addr = server.addr;
    let before = server.rss_kib();
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut good = TcpStream::connect(addr)
        .await
        .expect("good client connects");
    good.set_nodelay(true).expect("nodelay");
    let mut attackers = JoinSet::new();
    // How long the attack may take to get its refusals after the window.
    let settle = match name {
        "baseline" => Duration::ZERO,
        "slowloris" => {
            for _ in 0..1000 {
                attackers.spawn(slowloris(addr, tally.clone()));
            }
            Duration::from_secs(15)
        }
        "headers-200k" => {
            for _ in 0..8 {
                attackers.spawn(big_headers(addr, tally.clone(), stop.clone()));
            }
            Duration::from_secs(5)
        }
        "endless-body" => {
            for _ in 0..100 {
                attackers.spawn(endless_body(addr, tally.clone()));
            }
            Duration::from_secs(40)
        }
        "connections-10k" => {
            let opened = Arc::new(tokio::sync::Semaphore::new(500));
            for _ in 0..10_000 {
                attackers.spawn(held_connection(
                    addr,
                    tally.clone(),
                    stop.clone(),
                    opened.clone(),
                ));
            }
            Duration::from_secs(15)
        }
        "nested-json" => {
            for _ in 0..8 {
                attackers.spawn(nested_json(addr, tally.clone(), stop.clone()));
            }
            Duration::from_secs(5)
        }
        "body-100m" => {
            for _ in 0..4 {
                attackers.spawn(huge_body(addr, tally.clone(), stop.clone()));
            }
            Duration::from_secs(5)
        }
        other => unreachable!("unknown attack {other}"),
    };
    // Let the attack get going; all 10,000 connections open and answered (they are closed
    // after 10 s without a next request).
    if name == "connections-10k" {
        let deadline = Instant::now() + Duration::from_secs(8);
        while tally.answers() < 10_000 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    } else if name != "baseline" {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // What a new client gets once the attack is under way (at the connection limit: 503).
    let fresh = match TcpStream::connect(addr).await {
        Ok(mut stream) => good_request(&mut stream)
            .await
            .map_or_else(|| "closed".to_string(), |status| status.to_string()),
        Err(e) => format!("not connected ({e})"),
    };
    let mut peak = server.rss_kib();
    let mut latencies = Vec::new();
    let mut good_errors = 0;
    let started = Instant::now();
    let mut sampled = Instant::now();
    while started.elapsed() < window {
        let sent = Instant::now();
        match good_request(&mut good).await {
            Some(200) => latencies.push(sent.elapsed()),
            _ => {
                good_errors += 1;
                good = match TcpStream::connect(addr).await {
                    Ok(stream) => stream,
                    Err(_) => continue,
                };
            }
        }
        if sampled.elapsed() > Duration::from_millis(100) {
            peak = peak.max(server.rss_kib());
            sampled = Instant::now();
        }
    }
    stop.store(true, Ordering::Relaxed);
    drop(good);
    // Let the attackers get their answers (each bounded), sampling memory meanwhile.
    let deadline = Instant::now() + settle;
    while !attackers.is_empty() && Instant::now() < deadline {
        if tokio::time::timeout(Duration::from_millis(100), attackers.join_next())
            .await
            .is_err()
        {
            peak = peak.max(server.rss_kib());
        }
    }
    let unfinished = attackers.len();
    attackers.shutdown().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = server.rss_kib();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    let mut outcome = tally.describe();
    if name != "baseline" {
        outcome.push_str(&format!("; a new client got {fresh}"));
    }
    if unfinished > 0 {
        outcome.push_str(&format!(", {unfinished} still open after {settle:?}"));
    }
    Measured {
        name: name.to_string(),
        p50: at(0.5),
        p99: at(0.99),
        good_errors,
        outcome,
        rss: (before, peak.max(after), after),
    }
}

/// One `GET /widgets/wdg_1` on the good client's connection: its status.
async fn good_request(stream: &mut TcpStream) -> Option<u16> {
    stream
        .write_all(b"GET /widgets/wdg_1 HTTP/1.1\r\nhost: bench\r\n\r\n")
        .await
        .ok()?;
    tokio::time::timeout(Duration::from_secs(10), read_status(stream))
        .await
        .ok()?
}

/// Reads one response (head and `Content-Length` body): its status, `None` when the
/// connection closed first.
async fn read_status(stream: &mut (impl AsyncRead + Unpin)) -> Option<u16> {
    let mut data = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut have = data.len() - end - 4;
    while have < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        have += n;
    }
    Some(status)
}

/// Records what a connection got: an answer, or a close.
async fn outcome(stream: &mut TcpStream, tally: &Tally, since: Instant) {
    match tokio::time::timeout(Duration::from_secs(60), read_status(stream)).await {
        Ok(Some(status)) => tally.answer(status),
        _ => {
            tally.closed.fetch_add(1, Ordering::Relaxed);
        }
    }
    tally.waited(since);
}

async fn connect(addr: SocketAddr, tally: &Tally) -> Option<TcpStream> {
    match TcpStream::connect(addr).await {
        Ok(stream) => Some(stream),
        Err(_) => {
            tally.refused.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}

/// A request line, then one header line a second, for at most a minute.
async fn slowloris(addr: SocketAddr, tally: Arc<Tally>) {
    let Some(stream) = connect(addr, &tally).await else {
        return;
    };
    let since = Instant::now();
    let (mut read, mut write) = stream.into_split();
    let trickle = tokio::spawn(async move {
        let _ = write
            .write_all(b"GET /widgets HTTP/1.1\r\nhost: x\r\n")
            .await;
        for n in 0..60 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if write
                .write_all(format!("x-{n}: y\r\n").as_bytes())
                .await
                .is_err()
            {
                return;
            }
        }
    });
    let mut byte = [0u8; 1];
    match tokio::time::timeout(Duration::from_secs(60), read.read(&mut byte)).await {
        Ok(Ok(0)) | Ok(Err(_)) => {
            tally.closed.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Ok(_)) => tally.answer(0),
        Err(_) => {}
    }
    tally.waited(since);
    trickle.abort();
}

/// 200 KB header blocks, one connection each, until stopped.
async fn big_headers(addr: SocketAddr, tally: Arc<Tally>, stop: Arc<AtomicBool>) {
    let request = format!(
        "GET /widgets HTTP/1.1\r\nhost: x\r\n{}\r\n",
        (0..200)
            .map(|n| format!("x-{n:03}: {}\r\n", "a".repeat(1000)))
            .collect::<String>()
    );
    while !stop.load(Ordering::Relaxed) {
        let Some(mut stream) = connect(addr, &tally).await else {
            continue;
        };
        let since = Instant::now();
        let _ = stream.write_all(request.as_bytes()).await;
        tally
            .sent
            .fetch_add(request.len() as u64, Ordering::Relaxed);
        outcome(&mut stream, &tally, since).await;
    }
}

/// A 1 MB body announced, sent at 1 KB/s.
async fn endless_body(addr: SocketAddr, tally: Arc<Tally>) {
    let Some(stream) = connect(addr, &tally).await else {
        return;
    };
    let since = Instant::now();
    let (mut read, mut write) = stream.into_split();
    let sent_by = tally.clone();
    let trickle = tokio::spawn(async move {
        let head = "POST /widgets HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                    content-length: 1000000\r\n\r\n";
        if write.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let kilobyte = [b' '; 1000];
        for _ in 0..1000 {
            if write.write_all(&kilobyte).await.is_err() {
                return;
            }
            sent_by.sent.fetch_add(1000, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    match tokio::time::timeout(Duration::from_secs(60), read_status(&mut read)).await {
        Ok(Some(status)) => tally.answer(status),
        _ => {
            tally.closed.fetch_add(1, Ordering::Relaxed);
        }
    }
    tally.waited(since);
    trickle.abort();
}

/// One request on its own connection, then one every 5 s to keep it open (an HTTP/1
/// connection waiting longer than the header timeout for its next request is closed),
/// until stopped.
async fn held_connection(
    addr: SocketAddr,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
    opening: Arc<tokio::sync::Semaphore>,
) {
    let opened = {
        let _turn = opening.acquire().await;
        connect(addr, &tally).await
    };
    let Some(mut stream) = opened else {
        return;
    };
    let request = b"GET /widgets/wdg_2 HTTP/1.1\r\nhost: x\r\n\r\n";
    let since = Instant::now();
    if stream.write_all(request).await.is_err() {
        tally.closed.fetch_add(1, Ordering::Relaxed);
        return;
    }
    outcome(&mut stream, &tally, since).await;
    let mut last = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if last.elapsed() > Duration::from_secs(5) {
            last = Instant::now();
            let answered = match stream.write_all(request).await {
                Ok(()) => read_status(&mut stream).await,
                Err(_) => None,
            };
            if answered != Some(200) {
                return;
            }
        }
    }
}

/// JSON nested 100,000 deep, posted over and over.
async fn nested_json(addr: SocketAddr, tally: Arc<Tally>, stop: Arc<AtomicBool>) {
    let depth = 100_000;
    let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let request = format!(
        "POST /widgets HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    while !stop.load(Ordering::Relaxed) {
        let Some(mut stream) = connect(addr, &tally).await else {
            continue;
        };
        while !stop.load(Ordering::Relaxed) {
            if stream.write_all(request.as_bytes()).await.is_err() {
                break;
            }
            tally
                .sent
                .fetch_add(request.len() as u64, Ordering::Relaxed);
            match tokio::time::timeout(Duration::from_secs(10), read_status(&mut stream)).await {
                Ok(Some(status)) => tally.answer(status),
                _ => break,
            }
        }
    }
}

/// A 100 MB chunked body, as fast as the connection takes it, over and over.
async fn huge_body(addr: SocketAddr, tally: Arc<Tally>, stop: Arc<AtomicBool>) {
    let chunk = format!("10000\r\n{}\r\n", "a".repeat(0x10000));
    while !stop.load(Ordering::Relaxed) {
        let Some(stream) = connect(addr, &tally).await else {
            continue;
        };
        let since = Instant::now();
        let (mut read, mut write) = stream.into_split();
        let sent_by = tally.clone();
        let chunk = chunk.clone();
        let sender = tokio::spawn(async move {
            let head = "POST /widgets HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                        transfer-encoding: chunked\r\n\r\n";
            if write.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut sent = 0u64;
            while sent < 100_000_000 {
                if write.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
                sent += 0x10000;
                sent_by.sent.fetch_add(0x10000, Ordering::Relaxed);
            }
        });
        match tokio::time::timeout(Duration::from_secs(30), read_status(&mut read)).await {
            Ok(Some(status)) => tally.answer(status),
            _ => {
                tally.closed.fetch_add(1, Ordering::Relaxed);
            }
        }
        tally.waited(since);
        sender.abort();
    }
}
