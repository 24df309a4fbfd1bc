//! Rate limiting that holds under attack: requests that are not authenticated are counted
//! per client address, authenticated ones per principal; a flood of made-up credentials is
//! answered 429 (with `Retry-After`, in the style) and does not lock out a principal that
//! authenticates from the same address; idle keys are pruned, and the map of keys stays
//! bounded whatever the number of distinct clients.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use apigen_runtime::plain::Style;
use apigen_runtime::server::{
    status, ApiError, App, AuthRequest, Handle, Handling, OpInfo, Operations, Principal, RateLimit,
    Route, Routed, RouterBuilder, SchemeKind, SchemeUse, SecurityScheme, ServerStyle, PRUNE_EVERY,
};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::routing::MethodFilter;
use axum::Router;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Ops;

fn answer(app: Arc<App<Ops>>, request: Request, routed: Routed) -> Handling {
    let (mut parts, _body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let ctx = app.authorize(&mut ex, &mut parts).await?;
        let subject = ctx.principal.map(|p| p.subject);
        Ok(Style::render_object(
            &ex,
            status(200),
            &json!({ "subject": subject }),
        ))
    })
}

static ROUTES: &[Route] = &[
    Route {
        path: "/secured",
        method: MethodFilter::GET,
        allow: "GET,HEAD",
        body: false,
        op: OpInfo {
            operation_id: "op",
            collection_key: "things",
            addresses_item: false,
            parent_path: None,
            security: &[&[SchemeUse {
                scheme: "token",
                scopes: &[],
            }]],
        },
    },
    Route {
        path: "/open",
        method: MethodFilter::GET,
        allow: "GET,HEAD",
        body: false,
        op: OpInfo {
            operation_id: "op",
            collection_key: "things",
            addresses_item: false,
            parent_path: None,
            security: &[],
        },
    },
];

static SCHEMES: &[SecurityScheme] = &[SecurityScheme {
    name: "token",
    kind: SchemeKind::HttpBearer,
    parameter: None,
}];

impl Operations for Ops {
    type App = ();
    type Style = Style;
    const API_VERSION: &'static str = "1";
    const OPENAPI_JSON: &'static str = "{}";
    const ROUTES: &'static [Route] = ROUTES;
    const SECURITY_SCHEMES: &'static [SecurityScheme] = SCHEMES;

    fn handlers() -> Vec<Handle<Self>> {
        vec![answer, answer]
    }

    async fn authenticate(_app: &(), request: AuthRequest) -> Result<Principal, ApiError> {
        match request.secret("token") {
            Some(token) if token.starts_with("real-") => Ok(Principal::new(token)),
            Some(_) => Err(ApiError::token_invalid()),
            None => Err(ApiError::token_missing()),
        }
    }
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

/// GETs `path` from `peer` (as `ConnectInfo` would tell), with the headers; (status,
/// `kind`, `Retry-After`).
async fn get(
    router: &Router,
    path: &str,
    peer: &str,
    headers: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    let mut request = Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).unwrap();
    let peer: SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = router.clone().oneshot(request).await.unwrap();
    let code = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    let kind = body["kind"].as_str().unwrap_or_default().to_string();
    (code, kind, retry_after)
}

#[tokio::test]
async fn a_flood_of_bad_tokens_gets_429_and_does_not_lock_out_a_principal() {
    let limit = RateLimit::per_second(nz(1)).burst(nz(5));
    let router = RouterBuilder::<Ops>::new(()).rate_limit(limit).build();
    let attacker = "10.0.0.1:4000";
    let mut statuses = Vec::new();
    for n in 0..200 {
        let token = format!("Bearer guess-{n}");
        let (code, kind, retry_after) =
            get(&router, "/secured", attacker, &[("authorization", &token)]).await;
        if code == 429 {
            assert_eq!(kind, "rate_limited");
            assert!(retry_after.is_some_and(|s| s.parse::<u64>().unwrap() >= 1));
        }
        statuses.push(code);
    }
    // The address's burst of refusals, then 429 for every further guess.
    assert_eq!(statuses[..5], [401; 5]);
    assert!(
        statuses[5..].iter().all(|&code| code == 429),
        "{statuses:?}"
    );
    // Requests without credentials count against the same address.
    assert_eq!(get(&router, "/secured", attacker, &[]).await.0, 429);
    assert_eq!(get(&router, "/open", attacker, &[]).await.0, 429);
    // The principal, from the same address, has its own budget.
    let real = [("authorization", "Bearer real-alice")];
    for _ in 0..5 {
        assert_eq!(get(&router, "/secured", attacker, &real).await.0, 200);
    }
    // … which it can exhaust too: then it is 429, per principal.
    let (code, kind, retry_after) = get(&router, "/secured", attacker, &real).await;
    assert_eq!((code, kind.as_str()), (429, "rate_limited"));
    assert!(retry_after.is_some());
    // Another principal and another address are not affected.
    let bob = [("authorization", "Bearer real-bob")];
    assert_eq!(get(&router, "/secured", attacker, &bob).await.0, 200);
    assert_eq!(get(&router, "/open", "10.0.0.2:4000", &[]).await.0, 200);
    // Unknown routes from the flooding address: 429 in the style too.
    assert_eq!(
        get(&router, "/nowhere", attacker, &[]).await,
        (429, "rate_limited".to_string(), Some("1".to_string()))
    );
}

#[tokio::test]
async fn the_forwarded_header_is_ignored_unless_trusted() {
    let limit = RateLimit::per_second(nz(1)).burst(nz(2));
    let untrusted = RouterBuilder::<Ops>::new(())
        .rate_limit(limit.clone())
        .build();
    let proxy = "192.0.2.1:443";
    let codes: Vec<u16> = forwarded_codes(&untrusted, proxy, 4).await;
    assert_eq!(codes, [200, 200, 429, 429], "one address: the peer's");
    let trusted = RouterBuilder::<Ops>::new(())
        .rate_limit(limit.trust_forwarded_header("x-forwarded-for".parse().unwrap()))
        .build();
    let codes: Vec<u16> = forwarded_codes(&trusted, proxy, 4).await;
    assert_eq!(
        codes, [200; 4],
        "each client by the address the proxy appended"
    );
}

/// `count` open requests through `proxy`, each from its own forwarded client address.
async fn forwarded_codes(router: &Router, proxy: &str, count: u32) -> Vec<u16> {
    let mut codes = Vec::new();
    for n in 0..count {
        // A client-chosen first entry; the proxy's own entry is the last.
        let forwarded = format!("6.6.6.6, 198.51.100.{n}");
        let headers = [("x-forwarded-for", forwarded.as_str())];
        codes.push(get(router, "/open", proxy, &headers).await.0);
    }
    codes
}

#[tokio::test]
async fn idle_keys_are_pruned_so_distinct_clients_do_not_fill_the_map() {
    // A budget refilled within a microsecond: every key is idle by the next pruning.
    let limit = RateLimit::per_second(nz(1_000_000))
        .burst(nz(1))
        .max_keys(100);
    let router = RouterBuilder::<Ops>::new(()).rate_limit(limit).build();
    for n in 0..(3 * PRUNE_EVERY as u32) {
        let peer = format!("10.{}.{}.{}:1", n >> 16, (n >> 8) & 255, n & 255);
        let (code, ..) = get(&router, "/open", &peer, &[]).await;
        assert_eq!(
            code, 200,
            "client {n}: the map filled up although its keys were idle"
        );
    }
}

#[tokio::test]
async fn beyond_max_keys_active_clients_anonymous_requests_are_refused_and_principals_served() {
    let limit = RateLimit::per_second(nz(1)).burst(nz(10)).max_keys(100);
    let router = RouterBuilder::<Ops>::new(()).rate_limit(limit).build();
    // More active clients than `max_keys` until the next pruning notices.
    let mut codes = Vec::new();
    for n in 0..(PRUNE_EVERY as u32 + 200) {
        let peer = format!("10.1.{}.{}:1", n >> 8, n & 255);
        codes.push(get(&router, "/open", &peer, &[]).await.0);
    }
    // Served until the pruning after `PRUNE_EVERY` checks finds the map over its bound;
    // then new (and known) addresses are refused instead of being tracked.
    assert!(codes[..PRUNE_EVERY].iter().all(|&c| c == 200));
    assert!(codes[PRUNE_EVERY..].iter().all(|&c| c == 429), "{codes:?}");
    let (code, ..) = get(&router, "/open", "172.16.0.1:1", &[]).await;
    assert_eq!(code, 429);
    // An authenticated principal is still served.
    let real = [("authorization", "Bearer real-carol")];
    assert_eq!(get(&router, "/secured", "172.16.0.1:1", &real).await.0, 200);
}

#[tokio::test]
async fn ipv6_clients_are_counted_by_their_64_network() {
    let limit = RateLimit::per_second(nz(1)).burst(nz(2));
    let router = RouterBuilder::<Ops>::new(()).rate_limit(limit).build();
    let mut codes = Vec::new();
    for n in 0..4 {
        // Same /64, a different interface id each time.
        let peer = format!("[2001:db8:0:1::{n:x}]:1");
        codes.push(get(&router, "/open", &peer, &[]).await.0);
    }
    assert_eq!(codes, [200, 200, 429, 429]);
    assert_eq!(
        get(&router, "/open", "[2001:db8:0:2::1]:1", &[]).await.0,
        200
    );
}
