//! The generated client against the generated server, both from the included module: an
//! in-memory implementation of `Api` served on 127.0.0.1:0.

use std::net::SocketAddr;
use std::sync::Mutex;

use widgets_build_script::api::client::{Client, Error, PageRequest};
use widgets_build_script::api::server::{
    router, Api, ApiError, AuthRequest, Principal, RequestContext, WithHeaders,
};
use widgets_build_script::api::style::Page;
use widgets_build_script::api::types::{
    Color, GetWidgetHeaders, Nullable, ReplaceWidget201Headers, ReplaceWidgetHeaders,
    ReplaceWidgetResponse, Widget, WidgetInput, WidgetPatch,
};

const KEY: &str = "s3cret";

/// Widgets in memory, in creation order.
#[derive(Default)]
struct Store {
    widgets: Mutex<Vec<Widget>>,
}

impl Store {
    fn widgets(&self) -> std::sync::MutexGuard<'_, Vec<Widget>> {
        self.widgets.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn find(&self, id: &str) -> Option<Widget> {
        self.widgets().iter().find(|w| w.id == id).cloned()
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("there is no widget `{id}`"))
}

impl Api for Store {
    async fn authenticate(&self, request: AuthRequest) -> Result<Principal, ApiError> {
        match request.secret("bearerAuth") {
            Some(token) if token == KEY => Ok(Principal::new("test")),
            Some(_) => Err(ApiError::token_invalid()),
            None => Err(ApiError::token_missing()),
        }
    }

    async fn list_widgets(
        &self,
        _ctx: RequestContext,
        page: PageRequest,
    ) -> Result<Page<Widget>, ApiError> {
        Ok(Page::from_slice(&self.widgets(), &page, |w| w.id.clone()))
    }

    async fn create_widget(
        &self,
        _ctx: RequestContext,
        body: WidgetInput,
    ) -> Result<Widget, ApiError> {
        let mut widgets = self.widgets();
        let widget = Widget {
            id: format!("wdg_{}", widgets.len() + 1),
            name: body.name,
            color: body.color,
            weight: body.weight,
            tags: body.tags.unwrap_or_default(),
            created_at: chrono::Utc::now(),
        };
        widgets.push(widget.clone());
        Ok(widget)
    }

    async fn delete_widget(&self, _ctx: RequestContext, widget_id: String) -> Result<(), ApiError> {
        let mut widgets = self.widgets();
        let before = widgets.len();
        widgets.retain(|w| w.id != widget_id);
        if widgets.len() == before {
            return Err(not_found(&widget_id));
        }
        Ok(())
    }

    async fn get_widget(
        &self,
        _ctx: RequestContext,
        widget_id: String,
    ) -> Result<WithHeaders<Widget, GetWidgetHeaders>, ApiError> {
        let widget = self.find(&widget_id).ok_or_else(|| not_found(&widget_id))?;
        let headers = GetWidgetHeaders {
            etag: format!("\"{}\"", widget.name),
            cache_control: None,
        };
        Ok(WithHeaders::new(widget, headers))
    }

    async fn replace_widget(
        &self,
        _ctx: RequestContext,
        widget_id: String,
        body: WidgetInput,
    ) -> Result<ReplaceWidgetResponse, ApiError> {
        let mut widgets = self.widgets();
        let etag = format!("\"{}\"", body.name);
        let widget = Widget {
            id: widget_id.clone(),
            name: body.name,
            color: body.color,
            weight: body.weight,
            tags: body.tags.unwrap_or_default(),
            created_at: chrono::Utc::now(),
        };
        Ok(match widgets.iter_mut().find(|w| w.id == widget_id) {
            Some(saved) => {
                *saved = widget.clone();
                ReplaceWidgetResponse::Ok(WithHeaders::new(widget, ReplaceWidgetHeaders { etag }))
            }
            None => {
                widgets.push(widget.clone());
                let headers = ReplaceWidget201Headers { etag };
                ReplaceWidgetResponse::Created(WithHeaders::new(widget, headers))
            }
        })
    }

    async fn update_widget(
        &self,
        _ctx: RequestContext,
        widget_id: String,
        body: WidgetPatch,
    ) -> Result<Widget, ApiError> {
        let mut widgets = self.widgets();
        let widget = widgets
            .iter_mut()
            .find(|w| w.id == widget_id)
            .ok_or_else(|| not_found(&widget_id))?;
        if let Some(name) = body.name {
            widget.name = name;
        }
        Ok(widget.clone())
    }
}

/// Serves a fresh store on a free port; returns its base URL.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let app = router(Store::default()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn client(base: &str) -> Client {
    Client::builder(base)
        .credential("bearerAuth", KEY)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn create_get_list_and_a_typed_404() {
    let c = client(&serve().await);

    let created = c
        .create_widget(&WidgetInput {
            name: "Sprocket".into(),
            color: Nullable::Value(Color::Blue),
            weight: Some(12.5),
            tags: None,
        })
        .await
        .expect("create");
    assert_eq!(created.id, "wdg_1");
    assert_eq!(created.name, "Sprocket");
    assert_eq!(created.color, Nullable::Value(Color::Blue));

    let got = c.get_widget(&created.id).await.expect("get");
    assert_eq!(got.body, created);
    assert_eq!(got.headers.etag, format!("\"{}\"", created.name));
    let input = WidgetInput {
        name: "Upserted".to_string(),
        color: Nullable::Absent,
        weight: None,
        tags: None,
    };
    let upserted = c
        .replace_widget_with_meta("wdg_9", &input)
        .await
        .expect("upsert");
    assert_eq!(upserted.info.location(), Some("/widgets/wdg_9"));
    match upserted.value {
        ReplaceWidgetResponse::Created(created) => {
            assert_eq!(created.body.name, "Upserted");
            assert_eq!(created.headers.etag, "\"Upserted\"");
        }
        other => panic!("expected the 201 case: {other:?}"),
    }
    let replaced = c.replace_widget("wdg_9", &input).await.expect("replace");
    assert!(
        matches!(replaced, ReplaceWidgetResponse::Ok(_)),
        "{replaced:?}"
    );
    c.delete_widget("wdg_9").await.expect("delete");

    for name in ["Gear", "Cog"] {
        c.create_widget(&WidgetInput {
            name: name.into(),
            color: Nullable::Absent,
            weight: None,
            tags: None,
        })
        .await
        .expect("create");
    }
    // Two pages of two, newest first (the plain style's default order).
    let page = c.list_widgets(&PageRequest::first(2)).await.expect("list");
    let names: Vec<&str> = page.items.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["Cog", "Gear"]);
    let rest = c
        .next_page(&page)
        .await
        .expect("next page")
        .expect("a second page");
    let names: Vec<&str> = rest.items.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["Sprocket"]);

    match c.get_widget("wdg_404").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 404);
            assert_eq!(e.kind.as_deref(), Some("not_found"));
            assert!(e.message.contains("wdg_404"), "{}", e.message);
        }
        other => panic!("expected a 404 API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_request_without_the_credential_is_refused() {
    let base = serve().await;
    let anonymous = Client::new(&base).expect("a client");
    match anonymous.get_widget("wdg_1").await {
        Err(Error::Api(e)) => assert_eq!(e.status, 401),
        other => panic!("expected a 401 API error, got {other:?}"),
    }
}

#[test]
fn the_included_module_embeds_its_wire_spec() {
    let spec: serde_json::Value =
        serde_json::from_str(widgets_build_script::api::OPENAPI_JSON).unwrap();
    assert_eq!(spec["x-apigen-style"], "plain");
    assert_eq!(
        spec["paths"]["/widgets/{widget_id}"]["get"]["operationId"],
        "getWidget"
    );
}
