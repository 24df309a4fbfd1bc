//! Round trips over real HTTP: the generated client of each style against the generated
//! server of the same style (the widgets example's in-memory store), on 127.0.0.1:0.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use widgets_example::serve::{ServeArgs, Style};

mod common;

const KEY: &str = "s3cret";

/// Serves the example on a free port; returns its base URL.
async fn serve(style: Style, seed: u64, rate_limit: Option<u32>) -> String {
    let args = ServeArgs {
        style,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        seed,
        api_key: Some(KEY.to_owned()),
        rate_limit: rate_limit.and_then(NonZeroU32::new),
        base_url: None,
        db: None,
    };
    common::spawn(&args).await
}

macro_rules! roundtrip {
    ($module:ident, $api:ident, $style:expr, newest_first: $newest_first:expr) => {
        mod $module {
            use super::*;
            use futures_util::TryStreamExt;
            use $api::client::{Client, Error, PageRequest, RetryPolicy};
            use $api::types::{Color, Nullable, WidgetInput, WidgetPatch};

            const STYLE: Style = $style;

            fn client(base: &str) -> Client {
                Client::builder(base)
                    .credential("bearerAuth", KEY)
                    .build()
                    .expect("client")
            }

            fn input(name: &str, color: Nullable<Color>) -> WidgetInput {
                WidgetInput {
                    name: name.to_owned(),
                    color,
                    weight: None,
                    tags: None,
                }
            }

            fn patch() -> WidgetPatch {
                WidgetPatch {
                    name: None,
                    color: Nullable::Absent,
                    weight: None,
                    tags: None,
                }
            }

            fn api_error(error: Error) -> Box<$api::client::ApiError> {
                match error {
                    Error::Api(e) => e,
                    other => panic!("expected an API error, got {other:?}"),
                }
            }

            #[tokio::test]
            async fn create_get_update_delete() {
                let c = client(&serve(STYLE, 0, None).await);
                let created = c
                    .create_widget(&input("Sprocket", Nullable::Value(Color::Blue)))
                    .await
                    .unwrap();
                assert_eq!(
                    (created.id.as_str(), created.name.as_str()),
                    ("wdg_1", "Sprocket")
                );
                assert_eq!(created.color, Nullable::Value(Color::Blue));
                assert_eq!(c.get_widget(&created.id).await.unwrap().body, created);

                let meta = c.get_widget_with_meta(&created.id).await.unwrap();
                assert_eq!(meta.info.status, 200);
                assert!(
                    meta.info.request_id.is_some(),
                    "every style echoes a request id"
                );

                let renamed = c
                    .update_widget(
                        &created.id,
                        &WidgetPatch {
                            name: Some("Gear".into()),
                            ..patch()
                        },
                    )
                    .await
                    .unwrap();
                assert_eq!(renamed.name, "Gear");
                assert_eq!(
                    renamed.color,
                    Nullable::Value(Color::Blue),
                    "an omitted color stays"
                );
                let cleared = c
                    .update_widget(
                        &created.id,
                        &WidgetPatch {
                            color: Nullable::Null,
                            ..patch()
                        },
                    )
                    .await
                    .unwrap();
                assert_eq!(cleared.name, "Gear", "an omitted name stays");
                assert_eq!(cleared.color, Nullable::Absent, "color: null clears it");
                assert_eq!(c.get_widget(&created.id).await.unwrap().body, cleared);

                c.delete_widget(&created.id).await.unwrap();
                let gone = api_error(c.get_widget(&created.id).await.unwrap_err());
                assert_eq!(gone.status, 404);
            }

            #[tokio::test]
            async fn lists_45_widgets_in_pages_of_20_each_exactly_once() {
                let c = client(&serve(STYLE, 45, None).await);
                let mut expected: Vec<String> = (1..=45).map(|n| format!("widget-{n}")).collect();
                if $newest_first {
                    expected.reverse();
                }
                let all: Vec<_> = c
                    .list_widgets_stream(&PageRequest::first(20))
                    .try_collect()
                    .await
                    .unwrap();
                assert_eq!(
                    all.iter().map(|w| w.name.clone()).collect::<Vec<_>>(),
                    expected
                );

                let mut sizes = Vec::new();
                let mut page = Some(c.list_widgets(&PageRequest::first(20)).await.unwrap());
                while let Some(current) = page {
                    sizes.push(current.items.len());
                    page = c.next_page(&current).await.unwrap();
                }
                assert_eq!(sizes, [20, 20, 5]);
            }

            #[tokio::test]
            async fn an_empty_list_is_one_empty_page() {
                let c = client(&serve(STYLE, 0, None).await);
                let page = c.list_widgets(&PageRequest::default()).await.unwrap();
                assert!(page.items.is_empty());
                assert!(!page.has_next());
            }

            #[tokio::test]
            async fn a_validation_error_is_typed() {
                let c = client(&serve(STYLE, 0, None).await);
                let err = c
                    .create_widget(&input("", Nullable::Absent))
                    .await
                    .unwrap_err();
                let text = err.to_string();
                match err {
                    Error::Failure(f) => {
                        assert_eq!(
                            STYLE,
                            Style::Result,
                            "only the result style reports per-item failures"
                        );
                        assert_eq!(f.status, 422);
                        assert_eq!(f.items.len(), 1);
                        assert_eq!(f.items[0].index, 0);
                        assert_eq!(f.items[0].errors[0].kind.as_deref(), Some("validation"));
                        assert_eq!(f.items[0].errors[0].field.as_deref(), Some("name"));
                    }
                    Error::Api(e) => {
                        assert_ne!(STYLE, Style::Result);
                        assert_eq!(e.status, 400);
                        assert_eq!(e.kind.as_deref(), Some("request_invalid"));
                    }
                    other => panic!("{other:?}"),
                }
                assert!(text.contains("name"), "the message names the field: {text}");
            }

            #[tokio::test]
            async fn a_batch_write_reports_the_invalid_items_index() {
                let c = client(&serve(STYLE, 0, None).await);
                let saved = c
                    .create_widget_batch(&[
                        input("a", Nullable::Absent),
                        input("b", Nullable::Absent),
                    ])
                    .await
                    .unwrap();
                assert_eq!(
                    saved.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(),
                    ["a", "b"]
                );
                let err = c
                    .create_widget_batch(&[
                        input("c", Nullable::Absent),
                        input("", Nullable::Absent),
                    ])
                    .await
                    .unwrap_err();
                let total = c
                    .list_widgets(&PageRequest::default())
                    .await
                    .unwrap()
                    .items
                    .len();
                match err {
                    Error::Failure(f) => {
                        assert_eq!(f.items.iter().map(|i| i.index).collect::<Vec<_>>(), [1]);
                        assert_eq!(f.valid_items, [0]);
                        assert_eq!(total, 2, "an atomic batch saves nothing");
                    }
                    Error::Api(e) => {
                        assert_eq!(e.status, 400);
                        assert_eq!(total, 3, "item by item: the first was saved");
                    }
                    other => panic!("{other:?}"),
                }
            }

            #[tokio::test]
            async fn not_found_and_unauthorized_are_typed() {
                let base = serve(STYLE, 1, None).await;
                let e = api_error(client(&base).get_widget("wdg_404").await.unwrap_err());
                assert_eq!(e.status, 404);
                assert!(e.message.contains("wdg_404"), "{}", e.message);
                assert!(e.request_id.is_some());

                let e = api_error(
                    Client::new(&base)
                        .unwrap()
                        .get_widget("wdg_1")
                        .await
                        .unwrap_err(),
                );
                assert_eq!(e.status, 401);
                let e = api_error(
                    Client::builder(&base)
                        .credential("bearerAuth", "wrong")
                        .build()
                        .unwrap()
                        .get_widget("wdg_1")
                        .await
                        .unwrap_err(),
                );
                assert_eq!(e.status, 401);
                if STYLE == Style::Result {
                    assert_eq!(
                        (e.kind.as_deref(), e.code.as_deref()),
                        (Some("client"), Some("401"))
                    );
                } else {
                    assert_eq!(e.kind.as_deref(), Some("token_invalid"));
                }
            }

            #[tokio::test]
            async fn a_path_parameter_cannot_change_the_path() {
                let c = client(&serve(STYLE, 1, None).await);
                let e = api_error(c.get_widget("wdg_1/../wdg_1?x=1#y").await.unwrap_err());
                assert_eq!(e.status, 404);
                assert!(e.message.contains("wdg_1/../wdg_1?x=1#y"), "{}", e.message);
            }

            #[tokio::test]
            async fn rate_limited_then_success_with_retries() {
                let base = serve(STYLE, 1, Some(1)).await;
                let c = client(&base);
                c.get_widget("wdg_1").await.unwrap();
                let e = api_error(c.get_widget("wdg_1").await.unwrap_err());
                assert_eq!(e.status, 429);
                let wait = e.retry_after.expect("429 carries Retry-After");
                assert!(wait <= Duration::from_secs(1), "{wait:?}");

                let patient = Client::builder(&base)
                    .credential("bearerAuth", KEY)
                    .retry(RetryPolicy::retries(3))
                    .build()
                    .unwrap();
                let started = Instant::now();
                assert_eq!(
                    patient.get_widget("wdg_1").await.unwrap().body.name,
                    "widget-1"
                );
                assert!(started.elapsed() < Duration::from_secs(5));

                // A POST is not retried unless asked.
                let err = patient
                    .create_widget(&input("x", Nullable::Absent))
                    .await
                    .unwrap_err();
                assert_eq!(api_error(err).status, 429);
            }
        }
    };
}

roundtrip!(enveloped, widgets_enveloped, Style::Enveloped, newest_first: false);
roundtrip!(plain, widgets_plain, Style::Plain, newest_first: true);
roundtrip!(result, widgets_result, Style::Result, newest_first: false);
