//! `serve`: the widgets API on a TCP port, in the chosen style.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

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

/// The router for these options; an error when the database cannot be opened.
pub fn router(args: &ServeArgs) -> Result<axum::Router, String> {
    let seed = args.seed;
    let key = || args.api_key.clone();
    Ok(match (args.style, &args.db) {
        (Style::Enveloped, None) => build::<
            widgets_enveloped::server::Generated<store::enveloped::Store>,
        >(store::enveloped::Store::new(seed, key()), args),
        (Style::Enveloped, Some(db)) => build::<
            widgets_enveloped::server::Generated<store::enveloped::Store>,
        >(
            store::enveloped::Store::open(db, seed, key())?, args
        ),
        (Style::Plain, None) => build::<widgets_plain::server::Generated<store::plain::Store>>(
            store::plain::Store::new(seed, key()),
            args,
        ),
        (Style::Plain, Some(db)) => build::<widgets_plain::server::Generated<store::plain::Store>>(
            store::plain::Store::open(db, seed, key())?,
            args,
        ),
        (Style::Result, None) => build::<widgets_result::server::Generated<store::result::Store>>(
            store::result::Store::new(seed, key()),
            args,
        ),
        (Style::Result, Some(db)) => {
            build::<widgets_result::server::Generated<store::result::Store>>(
                store::result::Store::open(db, seed, key())?,
                args,
            )
        }
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

/// Serves until the process is stopped.
pub async fn run(args: ServeArgs) -> Result<(), String> {
    let router = router(&args)?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!(
        "widgets ({:?} style) listening on http://{addr}",
        args.style
    );
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .await
        .map_err(|e| format!("server failed: {e}"))
}
