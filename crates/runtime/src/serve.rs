//! Serving a router over TCP, with limits against slow, huge and numerous requests.
//!
//! [`Server`] runs the router built by [`RouterBuilder`](super::server::RouterBuilder) on
//! hyper (HTTP/1.1 and HTTP/2, chosen per connection) with settings that `axum::serve`
//! does not have, each with a safe default:
//!
//! | setting | default | what exceeding it gets |
//! |---|---|---|
//! | [`header_read_timeout`](Limits::header_read_timeout) | 10 s | the connection is closed |
//! | [`max_header_bytes`](Limits::max_header_bytes) | 64 KiB | `431` in the style, connection closed |
//! | [`max_headers`](Limits::max_headers) | 100 | `431` in the style, connection closed |
//! | [`body_read_timeout`](Limits::body_read_timeout) | 30 s | `408` in the style, connection closed |
//! | body limit ([`RouterBuilder::body_limit`](super::server::RouterBuilder::body_limit)) | 1 MiB | `413` in the style |
//! | [`max_connections`](Limits::max_connections) | 10,000 | `503` in the style (`Retry-After: 1`), connection closed |
//! | [`idle_timeout`](Limits::idle_timeout) | 60 s | the connection is closed |
//! | [`shutdown_grace`](Limits::shutdown_grace) | 30 s | open connections are dropped |
//!
//! The router sees every request with the peer's address as
//! `axum::extract::ConnectInfo<SocketAddr>`, as with
//! `into_make_service_with_connect_info::<SocketAddr>()`.
//!
//! This module never names the crate it is compiled in (only `super::`), so its source can
//! be copied verbatim into a generated crate as well as used from `apigen-runtime`.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderName, HeaderValue, Request, StatusCode, Uri, Version};
use axum::response::Response;
use axum::Router;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

use super::server::{ApiError, Exchange, Operations};

/// Default [`Limits::header_read_timeout`]: 10 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default [`Limits::body_read_timeout`]: 30 s.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default [`Limits::idle_timeout`]: 60 s.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default [`Limits::max_header_bytes`]: 64 KiB.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 64 * 1024;
/// Default [`Limits::max_headers`]: 100.
pub const DEFAULT_MAX_HEADERS: usize = 100;
/// Default [`Limits::max_connections`]: 10,000.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// Default [`Limits::shutdown_grace`]: 30 s.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The smallest header limit hyper takes (its read buffer's minimum).
const MIN_HEADER_BYTES: usize = 8 * 1024;
/// Connections over the limit being answered `503` at once; beyond, they are closed unanswered.
const MAX_REFUSALS: usize = 256;
/// How long a connection over the limit, or one closing, may take to finish.
const LINGER: Duration = Duration::from_secs(2);
/// How long to wait before accepting again when accepting fails (out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves a router with connection limits: `Server::<O>::new(router).serve(listener)`.
///
/// `O` is the generated crate's operations (its `server::Generated<A>`); the generated
/// crate names this type `server::Server<A>`. The server renders its own refusals (`408`,
/// `503`) in `O`'s style.
pub struct Server<O: Operations> {
    router: Router,
    limits: Limits,
    ops: PhantomData<fn() -> O>,
}

/// The server's limits; [`Default`] gives the safe defaults (the `DEFAULT_*` constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's line and headers (HTTP/1), and to
    /// start its first request after connecting (either protocol). Past it, the connection
    /// is closed without an answer. An HTTP/1 connection waiting for its next request is
    /// closed after this time too.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body, from the end of its headers.
    /// Past it, the request is answered `408` in the style and the connection closed.
    pub body_read_timeout: Duration,
    /// How long a connection may stay open with no request in progress and no traffic.
    pub idle_timeout: Duration,
    /// The largest request head (HTTP/1: request line and headers; HTTP/2: the header
    /// list); at least 8 KiB (less counts as 8 KiB). A larger one is answered `431` (in the
    /// style for HTTP/1) and the connection closed.
    pub max_header_bytes: usize,
    /// The most header fields a request may have (HTTP/1); more are answered `431` in the
    /// style.
    pub max_headers: usize,
    /// The most connections served at once (at least 1). A connection beyond is answered
    /// `503` in the style with `Retry-After: 1` and closed.
    pub max_connections: usize,
    /// On shutdown, how long open connections may take to finish their requests.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            max_headers: DEFAULT_MAX_HEADERS,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
        }
    }
}

impl Limits {
    /// The limits brought into the ranges hyper and the semaphore take.
    fn normalized(mut self) -> Self {
        self.max_header_bytes = self.max_header_bytes.max(MIN_HEADER_BYTES);
        self.max_connections = self.max_connections.clamp(1, u32::MAX as usize);
        self
    }
}

impl<O: Operations> std::fmt::Debug for Server<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl<O: Operations> Server<O> {
    /// A server for `router` with the default limits.
    pub fn new(router: Router) -> Self {
        Self {
            router,
            limits: Limits::default(),
            ops: PhantomData,
        }
    }

    /// Sets every limit at once.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets [`Limits::header_read_timeout`].
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_read_timeout = timeout;
        self
    }

    /// Sets [`Limits::body_read_timeout`].
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_read_timeout = timeout;
        self
    }

    /// Sets [`Limits::idle_timeout`].
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout;
        self
    }

    /// Sets [`Limits::max_header_bytes`].
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_header_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_headers`].
    pub fn max_headers(mut self, count: usize) -> Self {
        self.limits.max_headers = count;
        self
    }

    /// Sets [`Limits::max_connections`].
    pub fn max_connections(mut self, count: usize) -> Self {
        self.limits.max_connections = count;
        self
    }

    /// Sets [`Limits::shutdown_grace`].
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.limits.shutdown_grace = grace;
        self
    }

    /// Serves until the task is dropped. Fails only when the listener cannot report its
    /// address; accept errors (out of file descriptors) are waited out.
    pub async fn serve(self, listener: TcpListener) -> io::Result<()> {
        self.serve_with_shutdown(listener, std::future::pending())
            .await
    }

    /// Serves until `signal` completes, then stops accepting, lets open connections finish
    /// their requests for at most [`Limits::shutdown_grace`] and returns.
    pub async fn serve_with_shutdown<F>(self, listener: TcpListener, signal: F) -> io::Result<()>
    where
        F: Future<Output = ()> + Send,
    {
        listener.local_addr()?;
        let limits = self.limits.normalized();
        let refusals = Arc::new(HeadRefusals::render(render::<O>, &limits).await);
        let shared = Arc::new(Shared {
            router: self.router,
            limits,
            render: render::<O>,
            refusals: refusals.clone(),
        });
        let builder = Arc::new(builder(&limits, limits.header_read_timeout, true));
        let refusal_builder = Arc::new(builder_for_refusals(&limits));
        let slots = Arc::new(Semaphore::new(limits.max_connections));
        let refusing = Arc::new(Semaphore::new(MAX_REFUSALS));
        let (stop, stopping) = watch::channel(Stop::Serving);
        let mut signal = std::pin::pin!(signal);
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = &mut signal => break,
            };
            let (stream, peer) = match accepted {
                Ok(pair) => pair,
                Err(e) if is_per_connection(&e) => continue,
                Err(_) => {
                    tokio::select! {
                        () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                        () = &mut signal => break,
                    }
                }
            };
            // Responses are written whole: do not hold the last segment back.
            let _ = stream.set_nodelay(true);
            if let Ok(slot) = slots.clone().try_acquire_owned() {
                tokio::spawn(connection(
                    shared.clone(),
                    builder.clone(),
                    stream,
                    peer,
                    stopping.clone(),
                    slot,
                ));
            } else if let Ok(slot) = refusing.clone().try_acquire_owned() {
                let io = Tracked::new(stream, Arc::new(Activity::new()), refusals.clone());
                tokio::spawn(refuse(refusal_builder.clone(), io, render::<O>, slot));
            }
            // Else the connection is dropped: too many are being refused already.
        }
        drop(listener);
        let _ = stop.send(Stop::Draining);
        let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
        if tokio::time::timeout(limits.shutdown_grace, slots.acquire_many(all))
            .await
            .is_err()
        {
            let _ = stop.send(Stop::Dropping);
        }
        Ok(())
    }
}

/// What the serving loop tells its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Serving,
    /// Finish the request in progress, then close.
    Draining,
    /// Close now.
    Dropping,
}

/// Accept errors that concern one connection only: accept the next at once.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// hyper's connection builder for these limits.
fn builder(
    limits: &Limits,
    header_timeout: Duration,
    keep_alive: bool,
) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(keep_alive)
        // hyper's read buffer cannot grow past this: a longer head is answered 431.
        .max_buf_size(limits.max_header_bytes)
        .max_headers(limits.max_headers);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX));
    builder
}

/// The builder for connections over the limit: one short request, then close.
fn builder_for_refusals(limits: &Limits) -> auto::Builder<TokioExecutor> {
    builder(limits, LINGER.min(limits.header_read_timeout), false)
}

/// What every connection shares.
struct Shared {
    router: Router,
    limits: Limits,
    render: Render,
    refusals: Arc<HeadRefusals>,
}

/// Renders an error in the style, for a request the router did not answer.
type Render = fn(&Uri, Option<&HeaderValue>, &ApiError) -> Response;

/// `error` in `O`'s style, with the request id (when there is one) echoed.
fn render<O: Operations>(
    uri: &Uri,
    request_id: Option<&HeaderValue>,
    error: &ApiError,
) -> Response {
    let mut response = Exchange::detached::<O>(uri, request_id).reject(error);
    if let Some(id) = request_id {
        response.headers_mut().insert(REQUEST_ID, id.clone());
    }
    response
}

/// Marks a refusal after which the connection is not reused (HTTP/1).
fn closing(mut response: Response, version: Version) -> Response {
    if version < Version::HTTP_2 {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Serves one connection until it ends, goes idle, or the server stops.
async fn connection(
    shared: Arc<Shared>,
    builder: Arc<auto::Builder<TokioExecutor>>,
    stream: TcpStream,
    peer: SocketAddr,
    mut stopping: watch::Receiver<Stop>,
    _slot: OwnedSemaphorePermit,
) {
    let activity = Arc::new(Activity::new());
    let limits = &shared.limits;
    let (header_timeout, idle_timeout) = (limits.header_read_timeout, limits.idle_timeout);
    let service = ConnectionService {
        shared: shared.clone(),
        peer,
        activity: activity.clone(),
    };
    let io = TokioIo::new(Tracked::new(
        stream,
        activity.clone(),
        shared.refusals.clone(),
    ));
    let mut conn = std::pin::pin!(builder.serve_connection(io, service));
    // Set once the connection was asked to close: past it, the connection is dropped.
    let mut closing_until: Option<Instant> = None;
    loop {
        let give_up = closing_until.unwrap_or_else(far_future);
        tokio::select! {
            _ = conn.as_mut() => return,
            () = activity.idle(header_timeout, idle_timeout), if closing_until.is_none() => {
                conn.as_mut().graceful_shutdown();
                closing_until = Some(Instant::now() + LINGER);
            }
            changed = stopping.changed() => {
                let stop = changed.map_or(Stop::Dropping, |()| *stopping.borrow_and_update());
                match stop {
                    Stop::Dropping => return,
                    Stop::Draining if closing_until.is_none() => {
                        conn.as_mut().graceful_shutdown();
                        closing_until = Some(Instant::now() + limits.shutdown_grace);
                    }
                    _ => {}
                }
            }
            () = tokio::time::sleep_until(give_up), if closing_until.is_some() => return,
        }
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365)
}

/// Answers a connection over the limit: `503` in the style to its first request, then close.
async fn refuse(
    builder: Arc<auto::Builder<TokioExecutor>>,
    io: Tracked,
    render: Render,
    _slot: OwnedSemaphorePermit,
) {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let mut error =
            ApiError::unavailable("the server is at its connection limit; retry shortly");
        error.retry_after = Some(1);
        let id = request.headers().get(REQUEST_ID);
        let response = closing(render(request.uri(), id, &error), request.version());
        std::future::ready(Ok::<_, Infallible>(response))
    });
    let _ = tokio::time::timeout(LINGER, builder.serve_connection(TokioIo::new(io), service)).await;
}

/// When a connection last moved bytes and how many of its requests are in progress.
struct Activity {
    opened: Instant,
    /// Milliseconds from `opened` to the last read or write.
    last: AtomicU64,
    in_flight: AtomicUsize,
    started: AtomicBool,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            last: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            started: AtomicBool::new(false),
        }
    }

    fn touch(&self) {
        let elapsed = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(elapsed, Ordering::Relaxed);
    }

    /// Completes once the connection is idle: no request began within `header_timeout` of
    /// connecting, or none is in progress and no bytes moved for `idle_timeout`.
    async fn idle(&self, header_timeout: Duration, idle_timeout: Duration) {
        loop {
            let deadline = if !self.started.load(Ordering::Relaxed) {
                self.opened + header_timeout
            } else if self.in_flight.load(Ordering::Relaxed) > 0 {
                Instant::now() + idle_timeout
            } else {
                self.opened
                    + Duration::from_millis(self.last.load(Ordering::Relaxed))
                    + idle_timeout
            };
            if deadline <= Instant::now() {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// Counts a request in progress while it lives.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn new(activity: &Arc<Activity>) -> Self {
        activity.started.store(true, Ordering::Relaxed);
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        Self(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

/// The bodies of the refusals hyper writes itself (a request head it cannot parse), in
/// the style: hyper writes them without a body.
struct HeadRefusals {
    /// `400`: not HTTP.
    malformed: Bytes,
    /// `414`: a request target too long to parse.
    uri_too_long: Bytes,
    /// `431`: a head over the limits.
    too_large: Bytes,
}

impl HeadRefusals {
    async fn render(render: Render, limits: &Limits) -> Self {
        let uri = Uri::from_static("/");
        let body = |error: ApiError| {
            let response = render(&uri, None, &error);
            async move {
                axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap_or_default()
            }
        };
        Self {
            malformed: body(ApiError::malformed("the request is not valid HTTP")).await,
            uri_too_long: body(ApiError::new(
                StatusCode::URI_TOO_LONG,
                "the request target is too long",
            ))
            .await,
            too_large: body(ApiError::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!(
                    "the request head is larger than {} bytes or has more than {} fields",
                    limits.max_header_bytes, limits.max_headers
                ),
            ))
            .await,
        }
    }

    /// The styled version of `written`, when it is one of hyper's bodiless refusals: a
    /// whole response head with `connection: close` and `content-length: 0` and no
    /// `content-type` (the router's errors all have one).
    fn restyle(&self, written: &[u8]) -> Option<Vec<u8>> {
        const EMPTY: &[u8] = b"\r\nconnection: close\r\ncontent-length: 0\r\n";
        let end = find(written, b"\r\n\r\n")?;
        if end + 4 != written.len() || !written.starts_with(b"HTTP/1.1 ") {
            return None;
        }
        let body = match written.get(9..13)? {
            b"400 " => &self.malformed,
            b"414 " => &self.uri_too_long,
            b"431 " => &self.too_large,
            _ => return None,
        };
        // The head with its last line's CRLF, without the blank line.
        let head = &written[..end + 2];
        if find(head, b"content-type:").is_some() {
            return None;
        }
        let at = find(head, EMPTY)?;
        let mut styled = Vec::with_capacity(written.len() + 64 + body.len());
        styled.extend_from_slice(&head[..at]);
        styled.extend_from_slice(
            b"\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ",
        );
        styled.extend_from_slice(body.len().to_string().as_bytes());
        styled.extend_from_slice(b"\r\n");
        styled.extend_from_slice(&head[at + EMPTY.len()..]);
        styled.extend_from_slice(b"\r\n");
        styled.extend_from_slice(body);
        Some(styled)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The TCP stream, noting when bytes move, and giving hyper's own refusals a body in the
/// style.
struct Tracked {
    stream: TcpStream,
    activity: Arc<Activity>,
    refusals: Arc<HeadRefusals>,
    /// A restyled refusal being written, and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl Tracked {
    fn new(stream: TcpStream, activity: Arc<Activity>, refusals: Arc<HeadRefusals>) -> Self {
        Self {
            stream,
            activity,
            refusals,
            pending: None,
        }
    }

    /// Writes what is left of a restyled refusal.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.stream).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    *written += n;
                    self.activity.touch();
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `buf` as written when it is a refusal to restyle (written by `poll_pending`).
    fn restyled(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Option<Poll<io::Result<usize>>> {
        let styled = self.refusals.restyle(buf)?;
        self.pending = Some((styled, 0));
        Some(match self.poll_pending(cx) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            _ => Poll::Ready(Ok(buf.len())),
        })
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_pending(cx))?;
        if let Some(polled) = this.restyled(cx, buf) {
            return polled;
        }
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_pending(cx))?;
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next()) {
            if let Some(polled) = this.restyled(cx, only) {
                return polled;
            }
        }
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}

/// One connection's service: the router, with the peer's address and a body deadline.
struct ConnectionService {
    shared: Arc<Shared>,
    peer: SocketAddr,
    activity: Arc<Activity>,
}

impl hyper::service::Service<Request<Incoming>> for ConnectionService {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let in_flight = InFlight::new(&self.activity);
        let timeout = self.shared.limits.body_read_timeout;
        let timed_out = Arc::new(AtomicBool::new(false));
        let (mut parts, body) = request.into_parts();
        parts.extensions.insert(ConnectInfo(self.peer));
        let uri = parts.uri.clone();
        let version = parts.version;
        let body = TimedBody {
            body,
            deadline: Instant::now() + timeout,
            sleep: None,
            timed_out: timed_out.clone(),
        };
        let request = Request::from_parts(parts, body);
        let router = self.shared.router.clone();
        let render = self.shared.render;
        Box::pin(async move {
            let response = match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            drop(in_flight);
            if !timed_out.load(Ordering::Relaxed) {
                return Ok(response);
            }
            // The body did not arrive in time: whatever the router made of the failed read,
            // the answer is 408, with the request id the router gave the request.
            let error = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} s",
                    timeout.as_secs_f64()
                ),
            );
            let id = response.headers().get(REQUEST_ID);
            Ok(closing(render(&uri, id, &error), version))
        })
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request body that fails once its deadline passes.
struct TimedBody {
    body: Incoming,
    deadline: Instant,
    /// Started the first time the body is not ready (never, for a body that is).
    sleep: Option<Pin<Box<Sleep>>>,
    timed_out: Arc<AtomicBool>,
}

/// The request body did not arrive within [`Limits::body_read_timeout`].
#[derive(Debug)]
struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimeout {}

impl hyper::body::Body for TimedBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.timed_out.load(Ordering::Relaxed) {
            return Poll::Ready(Some(Err(BodyTimeout.into())));
        }
        match Pin::new(&mut this.body).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending => {
                let deadline = this.deadline;
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        this.timed_out.store(true, Ordering::Relaxed);
                        Poll::Ready(Some(Err(BodyTimeout.into())))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
