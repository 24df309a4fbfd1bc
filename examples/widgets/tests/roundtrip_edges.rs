//! The generated clients against small hand-written servers that misbehave in ways the
//! example server never does: unreadable bodies, 503 with an HTTP-date `Retry-After`, a
//! refused connection; and client settings that cannot work.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

/// Serves `app` on a free port; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// A widget in the wire form every style's object body carries.
fn widget() -> serde_json::Value {
    serde_json::json!({"id": "wdg_1", "name": "Sprocket", "tags": [], "created_at": "2025-01-01T00:00:00Z"})
}

#[tokio::test]
async fn an_unreadable_body_is_a_decode_error_that_keeps_the_status() {
    let app = Router::new()
        .fallback(|| async { (StatusCode::BAD_GATEWAY, "<html>upstream down</html>") });
    let base = serve(app).await;
    let err = widgets_enveloped::client::Client::new(&base)
        .unwrap()
        .get_widget("wdg_1")
        .await
        .unwrap_err();
    let widgets_enveloped::client::Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.status, 502);
    assert_eq!(decode.excerpt, "<html>upstream down</html>");
    assert!(err.to_string().contains("502"), "{err}");

    // A success whose body is not the style's is a decode error too, not a panic or a default.
    let app =
        Router::new().fallback(|| async { axum::Json(serde_json::json!({"unexpected": true})) });
    let base = serve(app).await;
    let err = widgets_result::client::Client::new(&base)
        .unwrap()
        .get_widget("wdg_1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, widgets_result::client::Error::Decode(d) if d.status == 200),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_503_with_an_http_date_retry_after_is_retried_for_gets() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let app = Router::new().route(
        "/widgets/{id}",
        get(move || {
            let seen = seen.clone();
            async move {
                if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
                    let body = serde_json::json!({"kind": "service_unavailable", "message": "maintenance"});
                    (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, at)], axum::Json(body)).into_response()
                } else {
                    ([(header::ETAG, "\"1\"")], axum::Json(widget())).into_response()
                }
            }
        }),
    );
    let base = serve(app).await;
    use widgets_plain::client::{Client, RetryPolicy};
    let client = Client::builder(&base)
        .retry(RetryPolicy::retries(1))
        .build()
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        client.get_widget("wdg_1").await.unwrap().body.name,
        "Sprocket"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(started.elapsed() < Duration::from_secs(3));

    // Without retries the 503 is an API error carrying the wait.
    calls.store(0, Ordering::SeqCst);
    let err = Client::new(&base)
        .unwrap()
        .get_widget("wdg_1")
        .await
        .unwrap_err();
    let widgets_plain::client::Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.status.as_u16(), api.kind.as_deref()),
        (503, Some("service_unavailable"))
    );
    assert!(api
        .retry_after
        .is_some_and(|wait| wait <= Duration::from_secs(1)));
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_retried_only_for_gets() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    use widgets_enveloped::client::{Client, Error, RetryPolicy};
    let policy = RetryPolicy::retries(2).base_delay(Duration::from_millis(100));
    let client = Client::builder(&base).retry(policy).build().unwrap();

    let started = Instant::now();
    let err = client.get_widget("wdg_1").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "two backoffs, 100 + 200 ms"
    );
    assert!(err.to_string().to_lowercase().contains("connect"), "{err}");

    let started = Instant::now();
    let input = widgets_enveloped::types::WidgetInput {
        name: "x".into(),
        color: widgets_enveloped::types::Nullable::Absent,
        weight: None,
        tags: None,
    };
    assert!(matches!(
        client.create_widget(&input).await,
        Err(Error::Transport(_))
    ));
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "a POST is not retried"
    );
}

#[test]
fn settings_that_cannot_work_are_refused_when_building() {
    use widgets_result::client::{Client, Error};
    assert!(matches!(
        Client::new("not a url"),
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        Client::new("mailto:someone@example.com"),
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        Client::builder("http://h")
            .credential("bearerAuth", "a\nb")
            .build(),
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        Client::builder("http://h")
            .default_header("bad header", "v")
            .build(),
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        Client::builder("http://h").user_agent("x\ny").build(),
        Err(Error::InvalidRequest(_))
    ));
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    use widgets_plain::runtime::client::parse_retry_after;
    assert_eq!(parse_retry_after(" 30 "), Some(Duration::from_secs(30)));
    let later = SystemTime::now() + Duration::from_secs(120);
    let wait = parse_retry_after(&httpdate::fmt_http_date(later)).unwrap();
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon"), None);
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_keeps_it() {
    let app = Router::new().route(
        "/api/v1/widgets/{id}",
        get(|| async { ([(header::ETAG, "\"1\"")], axum::Json(widget())) }),
    );
    let base = serve(app).await;
    for prefix in ["/api/v1", "/api/v1/"] {
        let client = widgets_plain::client::Client::new(format!("{base}{prefix}")).unwrap();
        assert_eq!(client.get_widget("wdg_1").await.unwrap().body.id, "wdg_1");
    }
}

#[tokio::test]
async fn default_headers_user_agent_and_timeout_apply_to_every_request() {
    let app = Router::new()
        .route(
            "/widgets/{id}",
            get(|headers: axum::http::HeaderMap| async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_owned()
                };
                let mut body = widget();
                body["name"] = serde_json::json!(format!(
                    "{}|{}|{}",
                    header("user-agent"),
                    header("x-tenant"),
                    header("authorization")
                ));
                ([(header::ETAG, "\"1\"")], axum::Json(body))
            }),
        )
        .route(
            "/widgets",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(2)).await;
                axum::Json(serde_json::json!([]))
            }),
        );
    let base = serve(app).await;
    use widgets_plain::client::{Client, Error, PageRequest, DEFAULT_USER_AGENT};
    let plain = Client::new(&base)
        .unwrap()
        .get_widget("wdg_1")
        .await
        .unwrap();
    assert_eq!(plain.body.name, format!("{DEFAULT_USER_AGENT}|-|-"));
    assert!(DEFAULT_USER_AGENT.starts_with("widgets-plain/"));

    let custom = Client::builder(&base)
        .user_agent("inventory-sync/2")
        .default_header("X-Tenant", "acme")
        .credential("bearerAuth", "t0k")
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    assert_eq!(
        custom.get_widget("wdg_1").await.unwrap().body.name,
        "inventory-sync/2|acme|Bearer t0k"
    );
    let started = Instant::now();
    let err = custom
        .list_widgets(&PageRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.is_timeout()),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_server_whose_next_links_loop_ends_the_stream() {
    // Page 1 links to page 2, and page 2 back to page 1.
    let app = Router::new().route(
        "/widgets",
        get(|axum::extract::RawQuery(query): axum::extract::RawQuery| async move {
            let page = if query.unwrap_or_default().contains("page=2") { 2 } else { 1 };
            let next = format!("/widgets?limit=1&page={}", 3 - page);
            let mut item = widget();
            item["id"] = serde_json::json!(format!("wdg_{page}"));
            axum::Json(serde_json::json!({
                "meta": {"request_id": "req_1", "version": "1", "type": "list", "limit": 1, "page": page},
                "data": [item],
                "error": null,
                "links": {"self": "/widgets", "first": "/widgets?limit=1&page=1", "prev": null, "next": next}
            }))
        }),
    );
    let base = serve(app).await;
    use futures_util::TryStreamExt;
    use widgets_enveloped::client::{Client, PageRequest};
    let client = Client::new(&base).unwrap();
    let all: Vec<_> = client
        .list_widgets_stream(&PageRequest::first(1))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["wdg_1", "wdg_2"], "each page is read once");
}

#[test]
fn link_headers_parse_as_rfc_8288_says() {
    use widgets_plain::style::client::parse_link_header;
    let links = parse_link_header(
        r#"</w?after=a,b>; rel="next last"; title="x, \"y\"; z", <https://h/w?before=a>;REL=prev"#,
    )
    .unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].target, "/w?after=a,b");
    assert!(links[0].has_rel("next") && links[0].has_rel("LAST") && !links[0].has_rel("prev"));
    assert_eq!(
        links[0].params[1],
        ("title".to_owned(), "x, \"y\"; z".to_owned())
    );
    assert_eq!(links[1].target, "https://h/w?before=a");
    assert!(links[1].has_rel("prev"));

    // Only the first `rel` counts.
    let links = parse_link_header("</a>; rel=prev; rel=next").unwrap();
    assert!(links[0].has_rel("prev") && !links[0].has_rel("next"));

    assert_eq!(parse_link_header("").unwrap(), Vec::new());
    assert_eq!(parse_link_header(" , ").unwrap(), Vec::new());
    for malformed in [
        "/w; rel=next",
        "</w; rel=next",
        r#"</w>; rel="next"#,
        "</w> rel=next",
        "</w>; =next",
    ] {
        assert!(parse_link_header(malformed).is_err(), "{malformed}");
    }
}

#[tokio::test]
async fn a_malformed_link_header_is_a_decode_error() {
    let app = Router::new().route(
        "/widgets",
        get(|| async {
            (
                [(header::LINK, "</widgets?after=wdg_1; rel=next")],
                axum::Json(serde_json::json!([widget()])),
            )
        }),
    );
    let base = serve(app).await;
    use widgets_plain::client::{Client, Error, PageRequest};
    let err = Client::new(&base)
        .unwrap()
        .list_widgets(&PageRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.status == 200 && d.reason.contains("Link")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_success_without_a_required_declared_header_is_a_decode_error() {
    // `getWidget` declares `ETag` as required: a widget without it is not what the spec says.
    let app = Router::new().route("/widgets/{id}", get(|| async { axum::Json(widget()) }));
    let base = serve(app).await;
    let err = widgets_plain::client::Client::new(&base)
        .unwrap()
        .get_widget("wdg_1")
        .await
        .unwrap_err();
    let widgets_plain::client::Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.status, 200);
    assert!(decode.reason.contains("etag"), "{err}");
}
