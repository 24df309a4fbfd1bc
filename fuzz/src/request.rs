//! Requests against the widgets example's router in every style. The input is a request
//! written as HTTP/1.1 text (`METHOD target`, header lines, a blank line, the body), so the
//! corpus is readable and seeds are requests as the wire tests send them.

use axum::body::Body;
use axum::http::{self, HeaderName, HeaderValue, Method, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;
use widgets_example::serve::{router, ServeArgs, Style};

/// A request read from the fuzzer's bytes; `None` for what an HTTP server never passes on
/// to a router (no method, a target that is not a URI).
pub fn parse(data: &[u8]) -> Option<Request<Body>> {
    let split = find(data, b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| find(data, b"\n\n").map(|i| (i, 2)));
    let (head, body) = match split {
        Some((i, n)) => (&data[..i], &data[i + n..]),
        None => (data, &[][..]),
    };
    let mut lines = head
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let mut first = lines.next()?.split(|b| *b == b' ');
    let method = Method::from_bytes(first.next()?).ok()?;
    let uri: http::Uri = http::Uri::try_from(first.next()?).ok()?;
    // A router sees a path and query (origin form), as hyper hands them on.
    let path = uri.path_and_query()?.clone();
    let mut request = Request::builder().method(method).uri(path);
    for line in lines {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let name = HeaderName::from_bytes(&line[..colon]);
        let value = HeaderValue::from_bytes(line[colon + 1..].trim_ascii());
        if let (Ok(name), Ok(value)) = (name, value) {
            request = request.header(name, value);
        }
    }
    request.body(Body::from(body.to_vec())).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A fresh router of `style` over a store of three widgets; one that requires
/// `Authorization: Bearer sesame` when `secured`.
pub fn app(style: Style, secured: bool) -> axum::Router {
    let args = ServeArgs {
        style,
        addr: ([127, 0, 0, 1], 0).into(),
        seed: 3,
        api_key: secured.then(|| "sesame".to_string()),
        rate_limit: None,
        base_url: None,
        db: None,
    };
    router(&args).expect("an in-memory store")
}

/// Sends `data` (see [`parse`]) to the router of every style and checks each answer.
pub fn check(runtime: &tokio::runtime::Runtime, data: &[u8]) {
    for style in [Style::Enveloped, Style::Plain, Style::Result] {
        let Some(request) = parse(data) else { return };
        let head = request.method() == Method::HEAD;
        let secured = request.headers().contains_key(http::header::AUTHORIZATION);
        let response = runtime
            .block_on(app(style, secured).oneshot(request))
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .expect("the body reads");
        check_answer(style, head, status, content_type.as_deref(), &body);
    }
}

/// An answer in the style: no 500 (the in-memory store never fails), a body only as JSON,
/// and an error as the style's error body.
fn check_answer(
    style: Style,
    head: bool,
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) {
    let text = String::from_utf8_lossy(body);
    assert!(
        status != StatusCode::INTERNAL_SERVER_ERROR,
        "{style:?}: 500: {text}"
    );
    if body.is_empty() {
        assert!(
            head || status == StatusCode::NO_CONTENT
                || status == StatusCode::NOT_MODIFIED
                || status.is_success(),
            "{style:?}: {status} without a body"
        );
        return;
    }
    assert!(
        content_type.is_some_and(|c| c.starts_with("application/json")),
        "{style:?}: {status} as {content_type:?}: {text}"
    );
    let json: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{style:?}: {status}: the body is not JSON ({e}): {text}"));
    if status.is_client_error() || status.is_server_error() {
        assert!(
            is_error_body(style, status, &json),
            "{style:?}: {status}: not the style's error: {text}"
        );
    }
}

/// Whether `json` is `style`'s error body for `status`.
fn is_error_body(style: Style, status: StatusCode, json: &Value) -> bool {
    let text = |v: &Value| v.as_str().is_some_and(|s| !s.is_empty());
    match style {
        Style::Plain => text(&json["kind"]) && text(&json["message"]),
        Style::Enveloped => {
            ["meta", "data", "error", "links"]
                .iter()
                .all(|k| json.get(k).is_some())
                && json["meta"]["type"] == "error"
                && json["data"].is_null()
                && text(&json["error"]["kind"])
                && text(&json["error"]["message"])
        }
        Style::Result => match json["result"].as_str() {
            Some("error") => text(&json["error"]["type"]) && text(&json["error"]["message"]),
            Some("failure") => status == StatusCode::UNPROCESSABLE_ENTITY,
            _ => false,
        },
    }
}
