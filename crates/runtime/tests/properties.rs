//! Properties of the runtime's pure parts, over generated inputs (proptest): `Link` headers,
//! page and cursor arithmetic, the pagination query, `Retry-After`, and path and query
//! parameters, which must reach the server as the client was given them, whatever they hold.

use std::time::{Duration, SystemTime};

use apigen_runtime::client::{self, ApiClient, ClientBuilder, Core, SecurityScheme};
use apigen_runtime::{enveloped, plain};
use axum::extract::Path;
use axum::http::Request;
use proptest::prelude::*;

/// A client of the plain style, for its `Core`.
struct Client(Core<plain::Style>);

impl ApiClient for Client {
    type Style = plain::Style;
    const SECURITY_SCHEMES: &'static [SecurityScheme] = &[];
    const USER_AGENT: &'static str = "properties";
    fn from_core(core: Core<plain::Style>) -> Self {
        Client(core)
    }
}

fn core(base: &str) -> Core<plain::Style> {
    ClientBuilder::<Client>::new(base)
        .build()
        .expect("a client")
        .0
}

/// What the server's routing and `Path` extraction (as `server::path_params` does it) make
/// of `url`'s path for the route `route`.
fn server_path(route: &str, url: &reqwest::Url) -> Option<Vec<String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let (tx, rx) = std::sync::mpsc::channel();
    let app = axum::Router::new().route(
        route,
        axum::routing::get(move |Path(values): Path<Vec<String>>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(values);
            }
        }),
    );
    let request = Request::get(url.path())
        .body(axum::body::Body::empty())
        .ok()?;
    runtime
        .block_on(tower::ServiceExt::oneshot(app, request))
        .ok()?;
    rx.try_recv().ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any value but an empty one, `.` or `..` reaches the server's path parameter as it
    /// was given, alone in its segment or between literal text; those three are refused.
    #[test]
    fn path_values_round_trip(a in any::<String>(), b in "\\PC*", base in "(/[a-z]{1,5}){0,2}/?") {
        let core = core(&format!("http://localhost:8080{base}"));
        let params = [("a", a.clone()), ("b", b.clone())];
        let url = core.endpoint("/items/{a}/x.{b}.json", &params);
        if matches!(a.as_str(), "" | "." | "..") {
            prop_assert!(url.is_err(), "{a:?} was sent as {url:?}");
            return Ok(());
        }
        let url = url.expect("an endpoint");
        prop_assert!(url.path().starts_with(base.trim_end_matches('/')));
        let route = format!("{}/items/{{a}}/{{b}}", base.trim_end_matches('/'));
        let got = server_path(&route, &url).expect("the route matches");
        prop_assert_eq!(&got[0], &a);
        prop_assert_eq!(&got[1], &format!("x.{b}.json"));
    }

    /// A query parameter's value (any string) is what the server's query decoding reads.
    #[test]
    fn query_values_round_trip(name in "[a-z_]{1,8}", values in prop::collection::vec(any::<String>(), 1..4)) {
        let mut url = reqwest::Url::parse("http://localhost/items").expect("a URL");
        client::push_query(&mut url, &name, &values, true).expect("pushed");
        let pairs: Vec<(String, String)> =
            serde_html_form::from_str(url.query().unwrap_or("")).expect("the server reads it");
        prop_assert_eq!(pairs.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(), values);
        prop_assert!(pairs.iter().all(|(n, _)| *n == name));
    }

    /// The pagination query a client sends for a page is the page the server reads.
    #[test]
    fn plain_page_requests_round_trip(
        limit in 1..=plain::MAX_LIMIT,
        after in proptest::option::of(any::<String>()),
        before in proptest::option::of(any::<String>()),
        desc in any::<bool>(),
    ) {
        let request = plain::PageRequest {
            limit,
            after,
            before,
            order: if desc { plain::Order::Desc } else { plain::Order::Asc },
        };
        let mut url = reqwest::Url::parse("http://localhost/items").expect("a URL");
        url.query_pairs_mut().extend_pairs(request.query_pairs());
        prop_assert_eq!(plain::PageRequest::from_query(url.query()), Ok(request));
    }

    #[test]
    fn enveloped_page_requests_round_trip(page in 1..=u32::MAX, limit in 1..=enveloped::MAX_LIMIT) {
        let request = enveloped::PageRequest { page, limit };
        let mut url = reqwest::Url::parse("http://localhost/items").expect("a URL");
        url.query_pairs_mut().extend_pairs(request.query_pairs());
        prop_assert_eq!(enveloped::PageRequest::from_query(url.query()), Ok(request));
    }

    /// Following `after` cursors from the first page visits every item once, in order;
    /// following `before` cursors back from the last page visits them again, reversed.
    #[test]
    fn cursor_pages_cover_the_list(len in 0usize..60, limit in 1u32..12, desc in any::<bool>()) {
        let all: Vec<u32> = (0..len as u32).collect();
        let order = if desc { plain::Order::Desc } else { plain::Order::Asc };
        let id = |n: &u32| format!("item_{n}");
        let mut seen = Vec::new();
        let mut request = plain::PageRequest { limit, order, ..Default::default() };
        let mut pages = Vec::new();
        loop {
            let page = plain::Page::from_slice(&all, &request, id);
            prop_assert!(page.items.len() <= limit as usize);
            prop_assert_eq!(page.total, Some(len as u64));
            seen.extend(page.items.iter().copied());
            pages.push(page.items.clone());
            if !page.has_more {
                break;
            }
            prop_assert!(!page.items.is_empty());
            request.after = page.last_id.clone();
        }
        let mut expected = all.clone();
        if desc {
            expected.reverse();
        }
        prop_assert_eq!(&seen, &expected);
        // Back from the last page: each `before` its first item gives the page before it.
        let mut back = pages.pop().unwrap_or_default();
        while let Some(previous) = pages.pop() {
            let first = back.first().map(id);
            let request = plain::PageRequest { limit, order, before: first, ..Default::default() };
            let page = plain::Page::from_slice(&all, &request, id);
            prop_assert_eq!(&page.items, &previous);
            back = page.items;
        }
    }

    /// Numbered pages: pages 1, 2, … hold the list in order, `has_more` is true before the
    /// last one, and a page past the end is empty.
    #[test]
    fn numbered_pages_cover_the_list(len in 0usize..60, limit in 1u32..12, past in 1u32..5) {
        let all: Vec<u32> = (0..len as u32).collect();
        let pages = len.div_ceil(limit as usize).max(1) as u32;
        let mut seen = Vec::new();
        for page in 1..=pages {
            let p = enveloped::Page::from_slice(&all, &enveloped::PageRequest { page, limit }, |n| n.to_string());
            prop_assert_eq!(p.has_more, page < pages);
            prop_assert_eq!(p.total, Some(len as u64));
            seen.extend(p.items);
        }
        prop_assert_eq!(seen, all.clone());
        let beyond = enveloped::Page::from_slice(&all, &enveloped::PageRequest { page: pages + past, limit }, |n| n.to_string());
        prop_assert!(beyond.items.is_empty() && !beyond.has_more);
        let huge = enveloped::Page::from_slice(&all, &enveloped::PageRequest { page: u32::MAX, limit: enveloped::MAX_LIMIT }, |n| n.to_string());
        prop_assert!(huge.items.is_empty());
    }

    /// `Link` headers: links of any target (without `>`) and quoted parameter values (any
    /// text, escaped) parse back; and no header value makes the parser panic.
    #[test]
    fn link_headers_round_trip(
        links in prop::collection::vec(("[^<>\\s][^<>]{0,30}[^<>\\s]|", "\\PC{0,20}", any::<bool>()), 0..4),
        junk in any::<String>(),
    ) {
        let _ = plain::client::parse_link_header(&junk);
        let quote = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
        let text = links
            .iter()
            .map(|(target, title, next)| {
                let rel = if *next { "next" } else { "prev" };
                format!("<{target}>; rel=\"{rel}\"; title={}", quote(title))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let parsed = plain::client::parse_link_header(&text).expect("a Link header");
        prop_assert_eq!(parsed.len(), links.len());
        for (link, (target, title, next)) in parsed.iter().zip(&links) {
            prop_assert_eq!(&link.target, target);
            let rel = if *next { "next" } else { "prev" };
            prop_assert!(link.has_rel(rel), "{:?}", link);
            prop_assert_eq!(&link.params[1], &("title".to_string(), title.clone()));
        }
    }

    /// `Retry-After`: delay-seconds are read as they are, an HTTP date as the time until
    /// it, and no other value panics.
    #[test]
    fn retry_after(seconds in any::<u64>(), ahead in 0u64..100_000, junk in any::<String>()) {
        let _ = client::parse_retry_after(&junk);
        prop_assert_eq!(client::parse_retry_after(&seconds.to_string()), Some(Duration::from_secs(seconds)));
        prop_assert_eq!(client::parse_retry_after(&format!(" {seconds} ")), Some(Duration::from_secs(seconds)));
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(ahead));
        let wait = client::parse_retry_after(&date).expect("an HTTP date");
        // HTTP dates have whole seconds; the test itself takes some time.
        prop_assert!(wait <= Duration::from_secs(ahead) && wait + Duration::from_secs(3) >= Duration::from_secs(ahead), "{wait:?} for {ahead}");
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(ahead + 1));
        prop_assert_eq!(client::parse_retry_after(&past), Some(Duration::ZERO));
    }

    /// A number the server decodes encodes back to the same number (serde_json's
    /// `float_roundtrip`; the fuzzer's decode target found `5e60` otherwise off by one bit).
    #[test]
    fn numbers_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite()), digits in "[1-9][0-9]{0,30}(\\.[0-9]{1,30})?(e-?[0-9]{1,2})?") {
        let again: f64 = serde_json::from_str(&serde_json::to_string(&x).expect("encodes")).expect("decodes");
        prop_assert_eq!(again.to_bits(), x.to_bits());
        if let Ok(decoded) = serde_json::from_str::<f64>(&digits) {
            let re: f64 = serde_json::from_str(&serde_json::to_string(&decoded).expect("encodes")).expect("decodes");
            prop_assert_eq!(re.to_bits(), decoded.to_bits());
        }
    }
}

/// The input the decode fuzz target found: without `float_roundtrip` it decodes to a
/// number that encodes to another.
#[test]
fn a_long_integer_literal_round_trips_as_a_float() {
    let text = "5000000000000000000000000000000000000000000000000000000000000";
    let value: f64 = serde_json::from_str(text).expect("decodes");
    let again: f64 =
        serde_json::from_str(&serde_json::to_string(&value).expect("encodes")).expect("decodes");
    assert_eq!(again.to_bits(), value.to_bits());
}
