//! A handler that panics is answered `500` in the style (with the echoed request id), and
//! the router keeps serving: the panic is caught by the layers around each handler.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;

/// A router of `$krate` whose `get_widget` panics; every credential is accepted. A create
/// takes `$input` and answers `$saved` or `$error` (a whole batch in the `result` style).
macro_rules! panicking_router {
    ($krate:ident) => {
        panicking_router!(
            $krate,
            $krate::types::WidgetInput,
            $krate::types::Widget,
            $krate::server::ApiError
        )
    };
    ($krate:ident, $input:ty, $saved:ty, $error:ty) => {{
        use $krate::server::WithHeaders;
        use $krate::server::{Api, ApiError, AuthRequest, Principal, RequestContext};
        use $krate::style::{Page, PageRequest};
        use $krate::types::{GetWidgetHeaders, ReplaceWidgetResponse, Widget, WidgetPatch};

        struct Panics;

        impl Api for Panics {
            async fn authenticate(&self, _: AuthRequest) -> Result<Principal, ApiError> {
                Ok(Principal::new("anyone"))
            }

            async fn list_widgets(
                &self,
                _: RequestContext,
                _: PageRequest,
            ) -> Result<Page<Widget>, ApiError> {
                Err(ApiError::forbidden("not here"))
            }

            async fn create_widget(&self, _: RequestContext, _: $input) -> Result<$saved, $error> {
                Err(ApiError::forbidden("not here").into())
            }

            async fn delete_widget(&self, _: RequestContext, _: String) -> Result<(), ApiError> {
                Ok(())
            }

            async fn get_widget(
                &self,
                _: RequestContext,
                id: String,
            ) -> Result<WithHeaders<Widget, GetWidgetHeaders>, ApiError> {
                panic!("get_widget({id}) panics on purpose");
            }

            async fn replace_widget(
                &self,
                _: RequestContext,
                _: String,
                _: $krate::types::WidgetInput,
            ) -> Result<ReplaceWidgetResponse, ApiError> {
                Err(ApiError::forbidden("not here"))
            }

            async fn update_widget(
                &self,
                _: RequestContext,
                _: String,
                _: WidgetPatch,
            ) -> Result<Widget, ApiError> {
                Err(ApiError::forbidden("not here"))
            }
        }

        $krate::server::router(Panics)
    }};
}

/// GETs a widget (the handler panics), then deletes one: the status, the `X-Request-Id`
/// sent back, the JSON body of the `500`, and the status of the request after it.
async fn panic_then_serve(app: axum::Router) -> (StatusCode, Option<String>, Value, StatusCode) {
    let request = Request::get("/widgets/wdg_1")
        .header("x-request-id", "req_panic")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body: Value = serde_json::from_slice(&bytes).expect("a JSON body");
    let next = Request::delete("/widgets/wdg_1")
        .body(Body::empty())
        .expect("request");
    let after = app.oneshot(next).await.expect("response").status();
    (status, request_id, body, after)
}

#[tokio::test]
async fn plain_panic_is_a_styled_500_and_the_router_keeps_serving() {
    let (status, request_id, body, after) =
        panic_then_serve(panicking_router!(widgets_plain)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(request_id.as_deref(), Some("req_panic"));
    assert_eq!(
        body,
        json!({"kind": "internal_error", "message": "the server failed to handle the request"})
    );
    assert_eq!(after, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn enveloped_panic_is_a_styled_500_and_the_router_keeps_serving() {
    let (status, request_id, body, after) =
        panic_then_serve(panicking_router!(widgets_enveloped)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(request_id.as_deref(), Some("req_panic"));
    assert_eq!(
        body,
        json!({
            "meta": {"request_id": "req_panic", "version": "2025-01-01", "type": "error"},
            "data": null,
            "error": {"message": "the server failed to handle the request", "kind": "internal_error"},
            "links": {"self": "/widgets/wdg_1"}
        })
    );
    // Every enveloped answer is an envelope: a delete answers 200, never 204.
    assert_eq!(after, StatusCode::OK);
}

#[tokio::test]
async fn result_panic_is_a_styled_500_and_the_router_keeps_serving() {
    let (status, request_id, body, after) = panic_then_serve(panicking_router!(
        widgets_result,
        Vec<widgets_result::types::WidgetInput>,
        Vec<widgets_result::types::Widget>,
        widgets_result::server::BatchError
    ))
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(request_id.as_deref(), Some("req_panic"));
    assert_eq!(
        body,
        json!({"result": "error", "error": {
            "type": "system", "code": 500, "message": "the server failed to handle the request"
        }})
    );
    assert_eq!(after, StatusCode::OK);
}
