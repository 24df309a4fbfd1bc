//! The README's handler example, compiled and served: the handler between the markers below
//! is the README's, verbatim (checked), and answers over real HTTP with what the README says:
//! data from the service's own middleware (the request context), the declared headers
//! (`ETag`, `Cache-Control`), a header added through the context, and a styled error.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use widgets_example::store::etag;
use widgets_plain::server::{
    Api, ApiError, AuthRequest, Principal, RequestContext, RouterBuilder, WithHeaders,
};
use widgets_plain::style::{Page, PageRequest};
use widgets_plain::types::{
    GetWidgetHeaders, Nullable, ReplaceWidgetResponse, Widget, WidgetInput, WidgetPatch,
};

#[derive(Clone)]
struct User(String);

/// The service's own middleware: finds the user, or refuses in the API's style.
async fn find_user(mut request: Request, next: Next) -> Result<Response, ApiError> {
    let user = request
        .headers()
        .get("x-user")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| ApiError::forbidden("who are you?"))?;
    request.extensions_mut().insert(User(user));
    Ok(next.run(request).await)
}

/// Each user's widgets, read-only.
struct MyService {
    widgets: HashMap<(String, String), Widget>,
}

impl MyService {
    fn find(&self, user: &str, widget_id: &str) -> Option<Widget> {
        self.widgets
            .get(&(user.to_owned(), widget_id.to_owned()))
            .cloned()
    }
}

fn read_only() -> ApiError {
    ApiError::forbidden("read-only")
}

impl Api for MyService {
    async fn authenticate(&self, _: AuthRequest) -> Result<Principal, ApiError> {
        Ok(Principal::new("anyone"))
    }

    async fn list_widgets(
        &self,
        _: RequestContext,
        _: PageRequest,
    ) -> Result<Page<Widget>, ApiError> {
        Err(read_only())
    }

    async fn create_widget(&self, _: RequestContext, _: WidgetInput) -> Result<Widget, ApiError> {
        Err(read_only())
    }

    async fn delete_widget(&self, _: RequestContext, _: String) -> Result<(), ApiError> {
        Err(read_only())
    }

    // README: begin
    async fn get_widget(
        &self,
        ctx: RequestContext,
        widget_id: String,
    ) -> Result<WithHeaders<Widget, GetWidgetHeaders>, ApiError> {
        let Some(User(user)) = ctx.extension::<User>() else {
            return Err(ApiError::unauthorized("no user"));
        };
        let widget = self.find(user, &widget_id).ok_or_else(|| {
            ApiError::not_found(format!("no widget `{widget_id}`")).with_kind("widget_not_found")
        })?;
        // Any header, beside the ones the spec declares: the answer depends on the user.
        ctx.response_headers()
            .insert(header::VARY, HeaderValue::from_static("x-user"));
        // The headers `getWidget` declares, typed (`ETag` required, `Cache-Control` not).
        let headers = GetWidgetHeaders {
            etag: etag(&widget),
            cache_control: Some("private, max-age=60".to_owned()),
        };
        Ok(WithHeaders::new(widget, headers))
    }
    // README: end

    async fn replace_widget(
        &self,
        _: RequestContext,
        _: String,
        _: WidgetInput,
    ) -> Result<ReplaceWidgetResponse, ApiError> {
        Err(read_only())
    }

    async fn update_widget(
        &self,
        _: RequestContext,
        _: String,
        _: WidgetPatch,
    ) -> Result<Widget, ApiError> {
        Err(read_only())
    }
}

#[test]
fn the_readme_shows_this_handler() {
    let source = include_str!("readme.rs");
    let begin = source.find("// README: begin\n").expect("begin marker") + 17;
    let end = source.find("    // README: end").expect("end marker");
    // The README writes the method at the left margin.
    let handler: String = source[begin..end]
        .lines()
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .map(|line| format!("{line}\n"))
        .collect();
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains(&handler),
        "README.md does not show the handler of tests/readme.rs verbatim:\n{handler}"
    );
}

#[tokio::test]
async fn the_readme_handler_answers_its_headers_and_a_styled_error() {
    let widget = Widget {
        id: "wdg_1".to_owned(),
        name: "Sprocket".to_owned(),
        color: Nullable::Absent,
        weight: None,
        tags: Vec::new(),
        created_at: widgets_example::store::created_at(1),
    };
    let service = MyService {
        widgets: HashMap::from([(("ada".to_owned(), "wdg_1".to_owned()), widget.clone())]),
    };
    let app = RouterBuilder::new(service)
        .layer(middleware::from_fn(find_user))
        .build();
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = widgets_plain::client::Client::builder(&base)
        .default_header("X-User", "ada")
        .build()
        .unwrap();
    let got = client.get_widget_with_meta("wdg_1").await.unwrap();
    assert_eq!(got.value.body, widget);
    assert_eq!(got.value.headers.etag, etag(&widget));
    assert_eq!(
        got.value.headers.cache_control.as_deref(),
        Some("private, max-age=60")
    );
    assert_eq!(got.info.headers["vary"], "x-user");

    let Err(widgets_plain::client::Error::Api(missing)) = client.get_widget("wdg_2").await else {
        panic!("expected a 404");
    };
    assert_eq!(missing.status, 404);
    assert_eq!(missing.kind.as_deref(), Some("widget_not_found"));

    // The middleware's refusal is styled too.
    let stranger = widgets_plain::client::Client::new(&base).unwrap();
    let Err(widgets_plain::client::Error::Api(refused)) = stranger.get_widget("wdg_1").await else {
        panic!("expected a 403");
    };
    assert_eq!(
        (refused.status.as_u16(), refused.kind.as_deref()),
        (403, Some("forbidden"))
    );
}
