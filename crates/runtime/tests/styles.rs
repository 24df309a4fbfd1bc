//! Each style's pure parts on their own: page requests read from a query, pages cut from a
//! collection, `Retry-After`, `Link` headers, and the client decoding hand-written bodies.

use std::time::Duration;

use apigen_runtime::client::{parse_retry_after, Error, RawResponse};
use apigen_runtime::{enveloped, plain, result};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};

fn raw(status: u16, headers: &[(&'static str, &str)], body: &str) -> RawResponse {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(*name, HeaderValue::from_str(value).unwrap());
    }
    RawResponse {
        url: Url::parse("http://api.test/widgets?limit=2").unwrap(),
        status: StatusCode::from_u16(status).unwrap(),
        headers: map,
        body: body.as_bytes().to_vec(),
    }
}

fn api_error(error: Error) -> apigen_runtime::client::ApiError {
    match error {
        Error::Api(e) => *e,
        other => panic!("not an API error: {other}"),
    }
}

#[test]
fn plain_page_requests_are_bounded_and_cursors_cut_pages() {
    let request = plain::PageRequest::from_query(Some("limit=2&after=c&order=asc")).unwrap();
    assert_eq!((request.limit, request.after.as_deref()), (2, Some("c")));
    assert_eq!(request.order, plain::Order::Asc);
    for bad in ["limit=0", "limit=101", "limit=x", "order=up"] {
        let e = plain::PageRequest::from_query(Some(bad)).unwrap_err();
        assert!(bad.starts_with(e.parameter), "{bad}: {e:?}");
    }
    // Too large for u32: saturates, then is out of range.
    assert!(plain::PageRequest::from_query(Some("limit=99999999999")).is_err());

    let all: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
    let page = plain::Page::from_slice(&all, &request, |s| s.clone());
    assert_eq!(page.items, ["d", "e"]);
    assert!(!page.has_more);
    let first = plain::Page::from_slice(&all, &plain::PageRequest::first(2), |s| s.clone());
    assert_eq!(first.items, ["e", "d"], "newest first by default");
    assert!(first.has_more);
    assert_eq!(first.last_id.as_deref(), Some("d"));
    let unknown = plain::PageRequest::from_query(Some("after=zz")).unwrap();
    assert!(plain::Page::from_slice(&all, &unknown, |s| s.clone())
        .items
        .is_empty());
}

#[test]
fn numbered_pages_past_the_end_are_empty_and_count_the_total() {
    let all: Vec<u32> = (1..=5).collect();
    let request = enveloped::PageRequest::from_query(Some("page=3&limit=2")).unwrap();
    let page = enveloped::Page::from_slice(&all, &request, |n| n.to_string());
    assert_eq!(
        (page.items, page.has_more, page.total),
        (vec![5], false, Some(5))
    );
    let past = enveloped::PageRequest::from_query(Some("page=9&limit=2")).unwrap();
    assert!(enveloped::Page::from_slice(&all, &past, |n| n.to_string())
        .items
        .is_empty());
    assert!(enveloped::PageRequest::from_query(Some("page=0")).is_err());
    assert!(enveloped::PageRequest::from_query(Some("limit=101")).is_err());

    let request = result::PageRequest::from_query(Some("page=2&recordsPerPage=2")).unwrap();
    let page = result::Page::from_slice(&all, &request, |n| n.to_string());
    assert_eq!(page.items, [3, 4]);
    assert!(page.has_more);
    assert!(result::PageRequest::from_query(Some("page=abc")).is_err());
}

#[test]
fn retry_after_reads_seconds_and_dates() {
    assert_eq!(parse_retry_after("30"), Some(Duration::from_secs(30)));
    assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::ZERO)
    );
    let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
    let wait = parse_retry_after(&later).unwrap();
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
    assert_eq!(parse_retry_after("soon"), None);
    assert_eq!(parse_retry_after("-1"), None);
}

#[test]
fn link_headers_parse_targets_and_relations() {
    let links = plain::client::parse_link_header(
        r#"</w?after=b>; rel="next", </w?before=a>; rel="prev previous"; title="x, y""#,
    )
    .unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].target, "/w?after=b");
    assert!(links[0].has_rel("next"));
    assert!(links[1].has_rel("previous"));
    assert!(plain::client::parse_link_header("no brackets").is_err());
}

#[test]
fn plain_pages_follow_the_link_header_and_errors_keep_kind_and_retry_after() {
    let page = raw(
        200,
        &[
            ("link", "</widgets?limit=2&after=b>; rel=\"next\""),
            ("has-more", "true"),
            ("limit", "2"),
        ],
        r#"[{"id":"a"},{"id":"b"}]"#,
    );
    let (items, info, next) =
        plain::client::decode_page::<serde_json::Value>(&page, "widgets").unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(info.metadata.has_more, Some(true));
    assert_eq!(
        next.unwrap().as_str(),
        "http://api.test/widgets?limit=2&after=b"
    );

    let error = raw(
        429,
        &[("retry-after", "7"), ("x-request-id", "r1")],
        r#"{"kind":"rate_limited","message":"slow down"}"#,
    );
    let e = api_error(plain::client::decode_error(&error));
    assert_eq!(e.kind.as_deref(), Some("rate_limited"));
    assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(e.request_id.as_deref(), Some("r1"));
    // A body that is not the style's error still gives a typed error, with the status.
    let odd = plain::client::decode_error(&raw(502, &[], "<html>bad gateway</html>"));
    assert_eq!(odd.status(), Some(StatusCode::BAD_GATEWAY));
}

#[test]
fn enveloped_clients_unwrap_data_and_error() {
    let body = r#"{"meta":{"request_id":"r2","version":"1","type":"object"},"data":{"id":"w"},"error":null,"links":{"self":"/widgets/w"}}"#;
    let one = enveloped::client::decode_one::<serde_json::Value>(&raw(200, &[], body), "widgets")
        .unwrap();
    assert_eq!(one.value["id"], "w");
    assert_eq!(one.info.request_id.as_deref(), Some("r2"));
    let error = r#"{"meta":{"request_id":"r3","version":"1","type":"error"},"data":null,"error":{"kind":"not_found","message":"no"},"links":{"self":"/widgets/x"}}"#;
    let e = api_error(enveloped::client::decode_error(&raw(404, &[], error)));
    assert_eq!(
        (e.kind.as_deref(), e.message.as_str()),
        (Some("not_found"), "no")
    );
    assert_eq!(e.request_id.as_deref(), Some("r3"));
}

/// The seed calls the `links` keys "possible": an envelope without `links.self` (or without
/// `links` at all) and without `org_id`/`project_id` still decodes.
#[test]
fn enveloped_clients_accept_possible_links_left_out() {
    for body in [
        r#"{"meta":{"request_id":"r","version":"1","type":"object"},"data":{"id":"w"},"error":null,"links":{}}"#,
        r#"{"meta":{"request_id":"r","version":"1","type":"object"},"data":{"id":"w"},"error":null,"links":{"parent":"/widgets"}}"#,
        r#"{"meta":{"request_id":"r","version":"1","type":"object"},"data":{"id":"w"},"error":null}"#,
    ] {
        let one =
            enveloped::client::decode_one::<serde_json::Value>(&raw(200, &[], body), "widgets");
        assert_eq!(one.expect(body).value["id"], "w");
    }
    let list = r#"{"meta":{"request_id":"r","version":"1","type":"list","limit":2,"page":1},"data":[{"id":"a"}],"error":null,"links":{"next":null}}"#;
    let (items, _, next) =
        enveloped::client::decode_page::<serde_json::Value>(&raw(200, &[], list), "widgets")
            .unwrap();
    assert_eq!((items.len(), next), (1, None));
}

#[test]
fn result_clients_read_collections_failures_and_codes() {
    let read = r#"{"result":"success","widgets":[{"id":"w"}],"metadata":{"page":1,"recordsPerPage":20,"pagesCount":1,"recordsCount":1}}"#;
    let one =
        result::client::decode_one::<serde_json::Value>(&raw(200, &[], read), "widgets").unwrap();
    assert_eq!(one.value["id"], "w");
    let failure = r#"{"result":"failure","failures":[{"rawData":{"color":"blue"},"errors":[{"type":"validation","code":422,"message":"missing field `name`","field":"name"}]}],"metadata":{"receivedItemsCount":2,"validItems":[0],"invalidItems":[1]}}"#;
    match result::client::decode_error(&raw(422, &[], failure)) {
        Error::Failure(f) => {
            assert_eq!(f.items.len(), 1);
            assert_eq!(f.items[0].index, 1);
            assert_eq!(f.items[0].errors[0].field.as_deref(), Some("name"));
            assert_eq!(f.valid_items, [0]);
        }
        other => panic!("not a failure: {other}"),
    }
    let error = r#"{"result":"error","error":{"type":"client","code":404,"message":"no"}}"#;
    let e = api_error(result::client::decode_error(&raw(404, &[], error)));
    assert_eq!(
        (e.kind.as_deref(), e.code.as_deref()),
        (Some("client"), Some("404"))
    );
}
