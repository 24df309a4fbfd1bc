//! `serve`: the widgets API on a TCP port, in the chosen style.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use apigen_runtime::serve::{Limits, Server};
use apigen_runtime::server::{Operations, RateLimit, RouterBuilder};

use crate::store;

/// The response style to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// `{"meta", "data", "error", "links"}` envelopes.
    Enveloped,
    /// Bare bodies, cursor pagination headers.
    Plain,
    /// `{"result": ...}` bodies with collections and metadata.
    Result,
}

/// `serve` options.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The response style.
    #[arg(long, value_enum)]
    pub style: Style,
    /// Where to listen (`127.0.0.1:8080`; port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Start with N widgets (`wdg_1`/`widget-1` … `wdg_N`/`widget-N`).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Require `Authorization: Bearer KEY`; without it, no authentication.
    #[arg(long)]
    pub api_key: Option<String>,
    /// Answer 429 beyond this many requests per second per client.
    #[arg(long)]
    pub rate_limit: Option<NonZeroU32>,
    /// Base URL for absolute links (`http://localhost:8080`).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Keep the widgets in this SQLite database (created when missing; seeded only when
    /// empty) rather than in memory.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

/// `serve` options: the server's limits (see `apigen_runtime::serve::Limits`).
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Seconds a client may take to send a request's headers.
    #[arg(long, default_value_t = apigen_runtime::serve::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    pub header_timeout: u64,
    /// Seconds a client may take to send a request's body (then 408).
    #[arg(long, default_value_t = apigen_runtime::serve::DEFAULT_BODY_READ_TIMEOUT.as_secs())]
    pub body_timeout: u64,
    /// The largest request head in bytes (larger ones get 431).
    #[arg(long, default_value_t = apigen_runtime::serve::DEFAULT_MAX_HEADER_BYTES)]
    pub max_header_bytes: usize,
    /// The most connections served at once (more get 503).
    #[arg(long, default_value_t = apigen_runtime::serve::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
}

impl LimitArgs {
    /// The server limits these options set (the rest at their defaults).
    pub fn limits(&self) -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(self.header_timeout),
            body_read_timeout: Duration::from_secs(self.body_timeout),
            max_header_bytes: self.max_header_bytes,
            max_connections: self.max_connections,
            ..Limits::default()
        }
    }
}

/// Each style's operations, served from the example's store.
type EnvelopedOps = widgets_enveloped::server::Generated<store::enveloped::Store>;
type PlainOps = widgets_plain::server::Generated<store::plain::Store>;
type ResultOps = widgets_result::server::Generated<store::result::Store>;

/// The router for these options; an error when the database cannot be opened.
pub fn router(args: &ServeArgs) -> Result<axum::Router, String> {
    Ok(match args.style {
        Style::Enveloped => build::<EnvelopedOps>(store::enveloped::Store::for_args(args)?, args),
        Style::Plain => build::<PlainOps>(store::plain::Store::for_args(args)?, args),
        Style::Result => build::<ResultOps>(store::result::Store::for_args(args)?, args),
    })
}

/// One router builder for every style's crate: they share the runtime, so its
/// `RouterBuilder` and `RateLimit` are one type whichever crate's operations it routes.
fn build<O: Operations>(app: O::App, args: &ServeArgs) -> axum::Router {
    let mut builder = RouterBuilder::<O>::new(app);
    if let Some(rps) = args.rate_limit {
        builder = builder.rate_limit(RateLimit::per_second(rps));
    }
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url.clone());
    }
    builder.build()
}

/// Serves the widgets API for these options on `listener` with `limits`, until `shutdown`
/// completes (then open requests may finish, within the limits' grace period).
pub async fn serve(
    listener: tokio::net::TcpListener,
    args: &ServeArgs,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    match args.style {
        Style::Enveloped => {
            let store = store::enveloped::Store::for_args(args).map_err(std::io::Error::other)?;
            serve_with::<EnvelopedOps>(store, args, listener, limits, shutdown).await
        }
        Style::Plain => {
            let store = store::plain::Store::for_args(args).map_err(std::io::Error::other)?;
            serve_with::<PlainOps>(store, args, listener, limits, shutdown).await
        }
        Style::Result => {
            let store = store::result::Store::for_args(args).map_err(std::io::Error::other)?;
            serve_with::<ResultOps>(store, args, listener, limits, shutdown).await
        }
    }
}

/// The runtime's server for one style's crate: it renders its own refusals (`408`, `503`)
/// in that style.
async fn serve_with<O: Operations>(
    app: O::App,
    args: &ServeArgs,
    listener: tokio::net::TcpListener,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    Server::<O>::new(build::<O>(app, args))
        .limits(limits)
        .serve_with_shutdown(listener, shutdown)
        .await
}

/// Serves until the process is interrupted (Ctrl-C), then lets open requests finish.
pub async fn run(args: ServeArgs, limits: LimitArgs) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!(
        "widgets ({:?} style) listening on http://{addr}",
        args.style
    );
    let interrupted = async {
        // Without a signal handler, serve until the process is killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    serve(listener, &args, limits.limits(), interrupted)
        .await
        .map_err(|e| format!("server failed: {e}"))
}
