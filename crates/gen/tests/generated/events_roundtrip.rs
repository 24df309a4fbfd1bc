//! Server-sent events over real HTTP, generated client against generated server, for the
//! crate generated from `crates/gen/tests/fixtures/events.yaml`.
//!
//! Not a test of this crate: `scripts/check-snapshots.sh` copies it into the generated
//! `snap-events-<style>` crate of every style, naming that crate `api`, and runs it there
//! with `cargo test`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::client::{Client, Error, ReconnectPolicy};
use api::server::{router, ApiError, Event, EventStream, RequestContext, Server};
use api::types::Nullable;
use api::types::{Notice, StreamTicksHeaders, StreamTicksQuery, Tick, Watch};
use futures_util::{stream, StreamExt};

/// The feed whose first connection drops after this many events.
const DROP_AFTER: i64 = 400;
/// The reconnection delay the server asks for (`retry:`), in milliseconds.
const RETRY_MS: u64 = 40;

/// A connection to a feed: the feed and the `Last-Event-ID` it was asked with.
type Connection = (String, Option<String>);

/// What the server saw: every connection, in order.
#[derive(Clone, Default)]
struct Feeds {
    connections: Arc<Mutex<Vec<Connection>>>,
}

impl Feeds {
    fn seen(&self, feed: &str) -> Vec<Option<String>> {
        let connections = self.connections.lock().unwrap();
        connections
            .iter()
            .filter(|(f, _)| f == feed)
            .map(|(_, id)| id.clone())
            .collect()
    }
}

fn tick(seq: i64) -> Event<Tick> {
    let note = match seq % 3 {
        0 => Nullable::Absent,
        1 => Nullable::Null,
        _ => Nullable::Value(format!("tick {seq}\nwith a line break")),
    };
    let event = Event::new(Tick {
        seq,
        at: format!("t+{seq}"),
        note,
    })
    .id(seq.to_string());
    if seq == 0 {
        event.retry(Duration::from_millis(RETRY_MS))
    } else {
        event
    }
}

impl api::server::Api for Feeds {
    async fn stream_ticks(
        &self,
        _ctx: RequestContext,
        feed: String,
        query: StreamTicksQuery,
        headers: StreamTicksHeaders,
    ) -> Result<EventStream<Tick>, ApiError> {
        let last = headers.last_event_id;
        let connection = {
            let mut connections = self.connections.lock().unwrap();
            connections.push((feed.clone(), last.clone()));
            connections.iter().filter(|(f, _)| *f == feed).count()
        };
        let count = query.count.unwrap_or(10);
        let start = match &last {
            Some(id) => {
                id.parse::<i64>()
                    .map_err(|_| ApiError::bad_request("bad Last-Event-ID"))?
                    + 1
            }
            None => 0,
        };
        match feed.as_str() {
            // Every event from `Last-Event-ID` on; the first connection drops midway.
            "main" => {
                let end = if connection == 1 {
                    DROP_AFTER.min(count)
                } else {
                    count
                };
                let events = stream::iter(start..end).map(|seq| Ok(tick(seq)));
                let dropped = (end < count).then(drop_connection);
                Ok(EventStream::try_new(
                    events.chain(stream::iter(dropped).flatten()),
                ))
            }
            // Drops the connection after one event, then every reconnection at once.
            "broken" => {
                if connection > 1 {
                    return Ok(EventStream::try_new(stream::iter([Err("dropped at once")])));
                }
                let first = stream::iter([Ok(tick(0))]);
                Ok(EventStream::try_new(first.chain(drop_connection())))
            }
            // A feed that stays open: only keep-alive comments after its one event.
            "quiet" => Ok(
                EventStream::new(stream::iter([tick(0)]).chain(stream::pending()))
                    .keep_alive(Duration::from_millis(20)),
            ),
            _ => Err(ApiError::not_found(format!("no feed `{feed}`"))),
        }
    }

    async fn watch_notices(
        &self,
        _ctx: RequestContext,
        feed: String,
        body: Watch,
    ) -> Result<EventStream<Notice>, ApiError> {
        let events = body
            .subjects
            .into_iter()
            .enumerate()
            .map(move |(i, subject)| {
                Event::new(Notice {
                    text: format!("{feed}: {subject} changed"),
                    subject,
                })
                .id(format!("n{i}"))
                .event("notice")
            });
        Ok(EventStream::new(stream::iter(events)))
    }
}

/// Drops the connection once what was sent before has been flushed (an error before the
/// first flush would lose the response's head too).
fn drop_connection() -> impl futures_util::Stream<Item = Result<Event<Tick>, &'static str>> {
    stream::once(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err("connection dropped")
    })
}

async fn serve(feeds: Feeds) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(Server::<Feeds>::new(router(feeds)).serve(listener));
    format!("http://{addr}")
}

fn client(base: &str, policy: ReconnectPolicy) -> Client {
    Client::builder(base).reconnect(policy).build().unwrap()
}

#[tokio::test]
async fn a_feed_of_1000_events_survives_a_dropped_connection() {
    let feeds = Feeds::default();
    let base = serve(feeds.clone()).await;
    // The server's `retry:` (40 ms) is honoured, not this slower base delay.
    let client = client(
        &base,
        ReconnectPolicy::attempts(2).base_delay(Duration::from_secs(5)),
    );
    let query = StreamTicksQuery { count: Some(1000) };
    let started = Instant::now();
    let mut events = client
        .stream_ticks(
            "main",
            &query,
            &StreamTicksHeaders {
                last_event_id: None,
            },
        )
        .await
        .unwrap();
    assert!(events.request_id().is_some_and(|id| !id.is_empty()));
    let mut seqs = Vec::new();
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        assert_eq!(
            event.id.as_deref(),
            Some(event.data.seq.to_string().as_str())
        );
        assert_eq!(event.data, tick(event.data.seq).data);
        assert_eq!(event.event, None);
        seqs.push(event.data.seq);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    // Every event exactly once, in order, over two connections: the second resumed after
    // the last id the first delivered.
    assert_eq!(seqs, (0..1000).collect::<Vec<i64>>());
    assert_eq!(
        feeds.seen("main"),
        vec![None, Some((DROP_AFTER - 1).to_string())]
    );
    assert_eq!(events.last_event_id(), Some("999"));
}

#[tokio::test]
async fn a_given_last_event_id_resumes_the_feed() {
    let feeds = Feeds::default();
    let base = serve(feeds.clone()).await;
    let client = client(&base, ReconnectPolicy::never());
    let query = StreamTicksQuery { count: Some(5) };
    let events = client
        .stream_ticks(
            "main",
            &query,
            &StreamTicksHeaders {
                last_event_id: Some("1".to_string()),
            },
        )
        .await
        .unwrap();
    let seqs: Vec<i64> = events.map(|e| e.unwrap().data.seq).collect().await;
    assert_eq!(seqs, vec![2, 3, 4]);
    assert_eq!(feeds.seen("main"), vec![Some("1".to_string())]);
}

#[tokio::test]
async fn reconnection_attempts_are_bounded() {
    let feeds = Feeds::default();
    let base = serve(feeds.clone()).await;
    let policy = ReconnectPolicy::attempts(3)
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20));
    let client = client(&base, policy);
    let query = StreamTicksQuery { count: None };
    let items: Vec<_> = client
        .stream_ticks(
            "broken",
            &query,
            &StreamTicksHeaders {
                last_event_id: None,
            },
        )
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(
        items.len(),
        2,
        "one event, one error, then the end: {items:?}"
    );
    assert_eq!(items[0].as_ref().unwrap().data.seq, 0);
    assert!(matches!(items[1], Err(Error::Transport(_))), "{items:?}");
    // The first connection and three reconnections.
    assert_eq!(feeds.seen("broken").len(), 4);
}

#[tokio::test]
async fn errors_before_the_stream_are_answered_in_the_style() {
    let base = serve(Feeds::default()).await;
    let client = client(&base, ReconnectPolicy::default());
    let query = StreamTicksQuery { count: None };
    let error = client
        .stream_ticks(
            "nowhere",
            &query,
            &StreamTicksHeaders {
                last_event_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error}");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert!(error.request_id().is_some_and(|id| !id.is_empty()));

    // An invalid request is refused before the operation runs (`minItems: 1`).
    let error = client
        .watch_notices(
            "main",
            &Watch {
                subjects: Vec::new(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        error.status().is_some_and(|s| s.is_client_error()),
        "{error:?}"
    );
}

#[tokio::test]
async fn events_carry_their_type_and_id() {
    let base = serve(Feeds::default()).await;
    let client = client(&base, ReconnectPolicy::default());
    let watch = Watch {
        subjects: vec!["a".into(), "b".into()],
    };
    let events: Vec<_> = client
        .watch_notices("main", &watch)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[1].data,
        Notice {
            subject: "b".into(),
            text: "main: b changed".into()
        }
    );
    assert_eq!(events[1].id.as_deref(), Some("n1"));
    assert_eq!(events[1].event.as_deref(), Some("notice"));
}

#[tokio::test]
async fn an_idle_feed_is_kept_alive() {
    let base = serve(Feeds::default()).await;
    let client = client(&base, ReconnectPolicy::never());
    let query = StreamTicksQuery { count: None };
    let response = reqwest::Client::new()
        .get(format!("{base}/feeds/quiet/ticks"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert!(response.headers().contains_key("x-request-id"));
    let mut body = response.bytes_stream();
    let mut text = String::new();
    while !text.contains("\n:\n\n") && !text.starts_with(":\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .expect("a keep-alive comment in time")
            .unwrap()
            .unwrap();
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    assert!(text.contains("data: {\"seq\":0,\"at\":\"t+0\"}"), "{text}");
    assert!(text.contains("id: 0"), "{text}");
    assert!(text.contains("retry: 40"), "{text}");

    // The typed client sees the one event and keeps waiting.
    let mut events = client
        .stream_ticks(
            "quiet",
            &query,
            &StreamTicksHeaders {
                last_event_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data.seq, 0);
    let next = tokio::time::timeout(Duration::from_millis(200), events.next()).await;
    assert!(next.is_err(), "no event after the first: {next:?}");
}

/// A hand-written feed (not the generated server): one event's data does not decode.
#[tokio::test]
async fn an_undecodable_event_is_an_item_not_the_end() {
    let body = "retry: 10\n\nid: 1\ndata: {\"seq\":1,\"at\":\"a\"}\n\n: a comment\n\nid: 2\ndata: {\"seq\":\"two\"}\n\nid: 3\nevent: tick\ndata: {\"seq\":3,\ndata: \"at\":\"c\"}\n\n";
    let app = axum::Router::new().route(
        "/feeds/{feed}/ticks",
        axum::routing::get(move || async move { ([("content-type", "text/event-stream")], body) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = client(&format!("http://{addr}"), ReconnectPolicy::never());
    let query = StreamTicksQuery { count: None };
    let items: Vec<_> = client
        .stream_ticks(
            "raw",
            &query,
            &StreamTicksHeaders {
                last_event_id: None,
            },
        )
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().data.seq, 1);
    assert!(
        matches!(&items[1], Err(Error::Decode(e)) if e.excerpt.contains("two")),
        "{items:?}"
    );
    // Data over several lines is one payload.
    let third = items[2].as_ref().unwrap();
    assert_eq!((third.data.seq, third.data.at.as_str()), (3, "c"));
    assert_eq!(
        (third.id.as_deref(), third.event.as_deref()),
        (Some("3"), Some("tick"))
    );
}

/// A success that is not an event stream is a decode error, not a stream.
#[tokio::test]
async fn a_response_that_is_not_an_event_stream_is_refused() {
    let app = axum::Router::new().route(
        "/feeds/{feed}/ticks",
        axum::routing::get(|| async { axum::Json(serde_json::json!({"seq": 1})) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = client(&format!("http://{addr}"), ReconnectPolicy::never());
    let query = StreamTicksQuery { count: None };
    let error = client
        .stream_ticks(
            "raw",
            &query,
            &StreamTicksHeaders {
                last_event_id: None,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
}
