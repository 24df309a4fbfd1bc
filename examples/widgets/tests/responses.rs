//! Declared statuses and headers over real HTTP, in every style and with both stores: the
//! generated client against the generated server. `getWidget` declares `ETag` and
//! `Cache-Control`; `replaceWidget` (an upsert) answers `200` or `201`, each with `ETag`;
//! `listWidgets` adds `Cache-Control` through the request context; creates carry `Location`.

use std::net::SocketAddr;
use std::path::PathBuf;

use widgets_example::serve::{ServeArgs, Style};

mod common;
use widgets_example::store::{etag, LIST_CACHE_CONTROL, WIDGET_CACHE_CONTROL};

/// Serves the example with 3 widgets, in memory or in the SQLite database `db`.
async fn serve(style: Style, db: Option<PathBuf>) -> String {
    let args = ServeArgs {
        style,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        seed: 3,
        api_key: None,
        rate_limit: None,
        base_url: None,
        db,
    };
    common::spawn(&args).await
}

macro_rules! responses {
    ($module:ident, $api:ident, $style:expr) => {
        mod $module {
            use super::*;
            use $api::client::{Client, Error, PageRequest};
            use $api::types::{Nullable, ReplaceWidgetResponse, WidgetInput};

            const STYLE: Style = $style;

            fn input(name: &str) -> WidgetInput {
                WidgetInput {
                    name: name.to_owned(),
                    color: Nullable::Absent,
                    weight: Some(2.5),
                    tags: None,
                }
            }

            /// Whether this style answers `201` (with `Location`); `result` has no `201`.
            fn answers_201() -> bool {
                !matches!(STYLE, Style::Result)
            }

            async fn check(base: String) {
                let client = Client::new(&base).expect("client");

                // getWidget: the declared headers, typed, as the handler set them.
                let got = client.get_widget_with_meta("wdg_1").await.expect("get");
                let widget = got.value.body;
                assert_eq!(widget.id, "wdg_1");
                assert_eq!(got.value.headers.etag, etag(&widget));
                assert_eq!(
                    got.value.headers.cache_control.as_deref(),
                    Some(WIDGET_CACHE_CONTROL)
                );
                assert_eq!(got.info.headers["etag"], etag(&widget).as_str());

                // replaceWidget on a widget that exists: the `200` case, its ETag new.
                let replaced = client
                    .replace_widget_with_meta("wdg_1", &input("Flange"))
                    .await
                    .expect("replace");
                assert_eq!(replaced.info.status, 200);
                let ReplaceWidgetResponse::Ok(replaced_widget) = replaced.value else {
                    panic!("expected the 200 case: {:?}", replaced.value)
                };
                assert_eq!(replaced_widget.body.id, "wdg_1");
                assert_eq!(replaced_widget.body.name, "Flange");
                assert_eq!(replaced_widget.body.created_at, widget.created_at);
                assert_eq!(replaced_widget.headers.etag, etag(&replaced_widget.body));
                assert_ne!(replaced_widget.headers.etag, etag(&widget));
                let again = client.get_widget("wdg_1").await.expect("get again");
                assert_eq!(again.body, replaced_widget.body);
                assert_eq!(again.headers.etag, replaced_widget.headers.etag);

                // replaceWidget on an id that has no widget: the `201` case, with
                // `Location`; `result` answers it `200`, read as the `200` case.
                let created = client
                    .replace_widget_with_meta("wdg_77", &input("Gear"))
                    .await
                    .expect("upsert");
                let (body, tag) = match (&created.value, answers_201()) {
                    (ReplaceWidgetResponse::Created(c), true) => {
                        assert_eq!(created.info.status, 201);
                        assert_eq!(created.info.location(), Some("/widgets/wdg_77"));
                        (c.body.clone(), c.headers.etag.clone())
                    }
                    (ReplaceWidgetResponse::Ok(c), false) => {
                        assert_eq!(created.info.status, 200);
                        assert_eq!(created.info.location(), None);
                        (c.body.clone(), c.headers.etag.clone())
                    }
                    (other, _) => panic!("{STYLE:?}: unexpected case {other:?}"),
                };
                assert_eq!(body.id, "wdg_77");
                assert_eq!(tag, etag(&body));
                assert_eq!(client.get_widget("wdg_77").await.expect("get").body, body);

                // An id of another form is 404; a name taken is refused as in a create.
                let Err(Error::Api(missing)) = client.replace_widget("w1", &input("x")).await
                else {
                    panic!("expected a 404")
                };
                assert_eq!(missing.status, 404);
                let Err(Error::Api(taken)) = client.replace_widget("wdg_2", &input("Gear")).await
                else {
                    panic!("expected the name to be refused")
                };
                assert!(matches!(taken.status.as_u16(), 400 | 422), "{taken:?}");
                assert!(taken.message.contains("Gear"), "{taken:?}");

                // A create carries `Location` (not in `result`); its id follows the
                // upserted one.
                let made = client
                    .create_widget_with_meta(&input("Cog"))
                    .await
                    .expect("create");
                assert_eq!(made.value.id, "wdg_78");
                if answers_201() {
                    assert_eq!(made.info.status, 201);
                    assert_eq!(made.info.location(), Some("/widgets/wdg_78"));
                } else {
                    assert_eq!(made.info.location(), None);
                }

                // listWidgets: a header the handler added arrives; the style's own
                // pagination headers stay.
                let page = client
                    .list_widgets(&PageRequest::default())
                    .await
                    .expect("list");
                assert_eq!(page.items.len(), 5);
                assert_eq!(page.info.headers["cache-control"], LIST_CACHE_CONTROL);
                if matches!(STYLE, Style::Plain) {
                    assert_eq!(page.info.headers["has-more"], "false");
                }
            }

            #[tokio::test]
            async fn statuses_and_headers_in_memory() {
                check(serve(STYLE, None).await).await;
            }

            #[tokio::test]
            async fn statuses_and_headers_in_sqlite() {
                let dir = tempfile::tempdir().expect("temporary directory");
                check(serve(STYLE, Some(dir.path().join("widgets.db"))).await).await;
            }
        }
    };
}

responses!(enveloped, widgets_enveloped, Style::Enveloped);
responses!(plain, widgets_plain, Style::Plain);
responses!(result, widgets_result, Style::Result);
