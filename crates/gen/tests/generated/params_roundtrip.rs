//! Behaviour of the parameters generated from `crates/gen/tests/fixtures/params.yaml`: the
//! generated client sends path, query, header and cookie parameters and the generated server
//! hands them to the `Api` implementation typed; values that break their schemas, and values
//! that do not parse, are refused in the style, naming the parameter (`query.limit`), before
//! the implementation is called.
//!
//! Not a test of this crate: `scripts/check-snapshots.sh` copies it into the generated
//! `snap-params-<style>` crate of every style, naming that crate `api`, and runs it there
//! with `cargo test`.

use std::sync::{Arc, Mutex};

use api::client::{Client, Error};
use api::server::{router, Api, ApiError, AuthRequest, Principal, RequestContext, Secret};
use api::types::*;

/// What the implementation was called with.
#[derive(Debug, Clone, PartialEq)]
enum Received {
    Item(Box<(i64, Kind, GetItemQuery, GetItemHeaders, GetItemCookies)>),
    Key(String, PutKeyHeaders, PutKeyCookies, Seen),
}

#[derive(Clone, Default)]
struct Service {
    received: Arc<Mutex<Vec<Received>>>,
}

impl Service {
    fn record(&self, call: Received) {
        self.received.lock().unwrap().push(call);
    }

    fn calls(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Api for Service {
    async fn authenticate(&self, request: AuthRequest) -> Result<Principal, ApiError> {
        match request.credentials.first().map(|c| &c.secret) {
            Some(Secret::ApiKey(key)) if key == "key-1" => Ok(Principal {
                subject: "key-1".to_string(),
                ..Principal::default()
            }),
            Some(_) => Err(ApiError::token_invalid()),
            None => Err(ApiError::token_missing()),
        }
    }

    async fn get_item(
        &self,
        _ctx: RequestContext,
        item_id: i64,
        kind: Kind,
        query: GetItemQuery,
        headers: GetItemHeaders,
        cookies: GetItemCookies,
    ) -> Result<Seen, ApiError> {
        self.record(Received::Item(Box::new((item_id, kind, query, headers, cookies))));
        Ok(Seen {
            text: "seen".to_string(),
        })
    }

    async fn put_key(
        &self,
        _ctx: RequestContext,
        code: String,
        headers: PutKeyHeaders,
        cookies: PutKeyCookies,
        body: Seen,
    ) -> Result<Seen, ApiError> {
        self.record(Received::Key(code, headers, cookies, body.clone()));
        Ok(body)
    }
}

async fn serve(service: Service) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router(service)).await.unwrap();
    });
    format!("http://{addr}")
}

fn query() -> GetItemQuery {
    GetItemQuery {
        limit: Some(5),
        name: Some("abc".to_string()),
        ratio: Some(0.5),
        tag: Some(vec!["x".to_string(), "y z".to_string()]),
        ids: Some(vec![1, 2]),
        order: GetItemOrder::Desc,
    }
}

fn headers() -> GetItemHeaders {
    GetItemHeaders {
        x_count: 3,
        x_mode: Some(GetItemXMode::Slow),
        x_labels: Some(vec!["a".to_string(), "b".to_string()]),
        x_trace: Some(::uuid::Uuid::from_u128(0x1234_5678)),
    }
}

fn cookies() -> GetItemCookies {
    GetItemCookies {
        // Characters a cookie cannot carry as they are, or that form encoding changes.
        session: "s 1+&=x".to_string(),
        theme: Some(GetItemTheme::Dark),
        prefs: Some(vec!["p".to_string(), "q".to_string()]),
        visits: Some(7),
    }
}

/// The error is the style's refusal of a request value, naming `field`.
fn assert_refused(result: Result<Seen, Error>, field: &str) {
    let error = match result {
        Err(Error::Api(error)) => error,
        other => panic!("{field}: expected the server's refusal, got {other:?}"),
    };
    assert!(
        error.status.as_u16() == 400 || error.status.as_u16() == 422,
        "{field}: {error:?}"
    );
    assert!(error.message.contains(field), "{field}: {error:?}");
    if let Some(named) = &error.field {
        assert_eq!(named, field, "{error:?}");
    }
}

#[tokio::test]
async fn parameters_of_every_kind_arrive_typed() {
    let service = Service::default();
    let base = serve(service.clone()).await;
    let client = Client::new(&base).unwrap();

    let seen = client
        .get_item(42_i64, Kind::Widget, &query(), &headers(), &cookies())
        .await
        .unwrap();
    assert_eq!(seen.text, "seen");

    // Optional parameters left out arrive as `None`, a default as its value.
    let bare_query = GetItemQuery {
        limit: None,
        name: None,
        ratio: None,
        tag: None,
        ids: None,
        order: GetItemOrder::Asc,
    };
    let bare_headers = GetItemHeaders {
        x_count: 0,
        x_mode: None,
        x_labels: None,
        x_trace: None,
    };
    let bare_cookies = GetItemCookies {
        session: "abcd".to_string(),
        theme: None,
        prefs: None,
        visits: None,
    };
    client
        .get_item(1_i64, Kind::Gadget, &bare_query, &bare_headers, &bare_cookies)
        .await
        .unwrap();

    assert_eq!(
        service.calls(),
        vec![
            Received::Item(Box::new((42, Kind::Widget, query(), headers(), cookies()))),
            Received::Item(Box::new((1, Kind::Gadget, bare_query, bare_headers, bare_cookies))),
        ]
    );
}

#[tokio::test]
async fn api_key_cookies_and_cookie_parameters_travel_together() {
    let service = Service::default();
    let base = serve(service.clone()).await;
    let headers = PutKeyHeaders {
        if_match: Some("v1".to_string()),
    };
    // The API key cookie `token` is the security scheme's, not a parameter.
    let cookies = PutKeyCookies {
        lang: Some(PutKeyLang::Fr),
    };
    let body = Seen {
        text: "hello".to_string(),
    };

    let anonymous = Client::new(&base).unwrap();
    let refused = anonymous.put_key("ABC", &headers, &cookies, &body).await;
    assert!(
        matches!(&refused, Err(Error::Api(e)) if e.status.as_u16() == 401),
        "{refused:?}"
    );

    let client = Client::builder(&base)
        .credential("cookieKey", "key-1")
        .build()
        .unwrap();
    let saved = client.put_key("ABC", &headers, &cookies, &body).await.unwrap();
    assert_eq!(saved, body);
    assert_eq!(
        service.calls(),
        vec![Received::Key("ABC".to_string(), headers, cookies, body)]
    );
}

#[tokio::test]
async fn values_that_break_their_schemas_are_refused_naming_the_parameter() {
    let service = Service::default();
    let base = serve(service.clone()).await;
    let client = Client::new(&base).unwrap();
    let get = |id: i64, kind: Kind, q: GetItemQuery, h: GetItemHeaders, c: GetItemCookies| {
        let client = client.clone();
        async move { client.get_item(id, kind, &q, &h, &c).await }
    };

    assert_refused(get(0, Kind::Widget, query(), headers(), cookies()).await, "path.item_id");
    let gizmo = Kind::Unknown("gizmo".to_string());
    assert_refused(get(1, gizmo, query(), headers(), cookies()).await, "path.kind");

    let cases: Vec<(&str, GetItemQuery)> = vec![
        ("query.limit", GetItemQuery { limit: Some(51), ..query() }),
        ("query.limit", GetItemQuery { limit: Some(0), ..query() }),
        ("query.name", GetItemQuery { name: Some("a".to_string()), ..query() }),
        ("query.name", GetItemQuery { name: Some("abcdefghi".to_string()), ..query() }),
        ("query.name", GetItemQuery { name: Some("ABC".to_string()), ..query() }),
        ("query.ratio", GetItemQuery { ratio: Some(1.0), ..query() }),
        ("query.ratio", GetItemQuery { ratio: Some(0.0), ..query() }),
        // (An empty array travels as no value at all: it arrives as `None`.)
        ("query.tag", GetItemQuery { tag: Some(vec!["t".to_string(); 4]), ..query() }),
        (
            "query.tag",
            GetItemQuery { tag: Some(vec!["a".to_string(), "a".to_string()]), ..query() },
        ),
        ("query.ids", GetItemQuery { ids: Some(vec![1, 2, 3, 4, 5]), ..query() }),
        (
            "query.order",
            GetItemQuery { order: GetItemOrder::Unknown("up".to_string()), ..query() },
        ),
    ];
    for (field, q) in cases {
        assert_refused(get(1, Kind::Widget, q, headers(), cookies()).await, field);
    }

    let cases: Vec<(&str, GetItemHeaders)> = vec![
        ("header.X-Count", GetItemHeaders { x_count: 11, ..headers() }),
        ("header.X-Count", GetItemHeaders { x_count: -1, ..headers() }),
        (
            "header.X-Mode",
            GetItemHeaders { x_mode: Some(GetItemXMode::Unknown("warp".to_string())), ..headers() },
        ),
        (
            "header.X-Labels",
            GetItemHeaders {
                x_labels: Some(vec!["a".to_string(), "b".to_string(), "c".to_string()]),
                ..headers()
            },
        ),
    ];
    for (field, h) in cases {
        assert_refused(get(1, Kind::Widget, query(), h, cookies()).await, field);
    }

    let cases: Vec<(&str, GetItemCookies)> = vec![
        ("cookie.session", GetItemCookies { session: "abc".to_string(), ..cookies() }),
        ("cookie.session", GetItemCookies { session: "abc!".to_string(), ..cookies() }),
        (
            "cookie.theme",
            GetItemCookies { theme: Some(GetItemTheme::Unknown("sepia".to_string())), ..cookies() },
        ),
        (
            "cookie.prefs",
            GetItemCookies { prefs: Some(vec!["a".to_string(); 4]), ..cookies() },
        ),
        ("cookie.visits", GetItemCookies { visits: Some(101), ..cookies() }),
    ];
    for (field, c) in cases {
        assert_refused(get(1, Kind::Widget, query(), headers(), c).await, field);
    }

    let keys = Client::builder(&base)
        .credential("cookieKey", "key-1")
        .build()
        .unwrap();
    let body = Seen {
        text: "x".to_string(),
    };
    let fine = PutKeyHeaders { if_match: None };
    let english = PutKeyCookies {
        lang: Some(PutKeyLang::En),
    };
    assert_refused(keys.put_key("AB", &fine, &english, &body).await, "path.code");
    assert_refused(keys.put_key("abc", &fine, &english, &body).await, "path.code");
    let long = PutKeyHeaders {
        if_match: Some("x".repeat(17)),
    };
    assert_refused(keys.put_key("ABC", &long, &english, &body).await, "header.If-Match");
    let klingon = PutKeyCookies {
        lang: Some(PutKeyLang::Unknown("tlh".to_string())),
    };
    assert_refused(keys.put_key("ABC", &fine, &klingon, &body).await, "cookie.lang");

    assert!(service.calls().is_empty(), "{:?}", service.calls());
}

#[tokio::test]
async fn values_that_do_not_parse_or_are_missing_are_refused_naming_the_parameter() {
    let service = Service::default();
    let base = serve(service.clone()).await;
    let http = reqwest::Client::new();
    let send = |path: &str, count: Option<&str>, cookie: Option<&str>| {
        let mut request = http.get(format!("{base}{path}"));
        if let Some(count) = count {
            request = request.header("X-Count", count);
        }
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    let (status, body) = send("/items/7/gadget?ids=3,4&tag=a", Some("2"), Some("session=abcd")).await;
    assert_eq!(status, 200, "{body}");

    let cases = [
        ("/items/7/gadget?limit=abc", Some("2"), Some("session=abcd"), "query.limit"),
        ("/items/7/gadget?ids=1,x", Some("2"), Some("session=abcd"), "query.ids"),
        ("/items/7/gadget", None, Some("session=abcd"), "header.X-Count"),
        ("/items/7/gadget", Some("two"), Some("session=abcd"), "header.X-Count"),
        ("/items/7/gadget", Some("2"), None, "cookie.session"),
        ("/items/7/gadget", Some("2"), Some("other=1"), "cookie.session"),
        ("/items/7/gadget", Some("2"), Some("session=abcd; visits=many"), "cookie.visits"),
    ];
    for (path, count, cookie, field) in cases {
        let (status, body) = send(path, count, cookie).await;
        assert_eq!(status, 400, "{path} {count:?} {cookie:?}: {body}");
        assert!(body.contains(field), "{path} {count:?} {cookie:?}: {body}");
    }
    assert_eq!(service.calls().len(), 1, "{:?}", service.calls());
}
