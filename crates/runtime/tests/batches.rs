//! Batch writes driven without a generated crate: a hand-written `POST /things` reads its
//! items with `write_batch`, hands them to a "handler" at once, and answers with
//! `batch_outcome`. Refused items become the style's failure; nothing else is answered.

use std::marker::PhantomData;
use std::sync::Arc;

use apigen_runtime::server::{
    batch_outcome, status, write_batch, ApiError, App, AuthRequest, BatchError, Handle, Handling,
    ItemRefusal, OpInfo, Operations, Principal, Route, Routed, RouterBuilder, SecurityScheme,
    ServerStyle,
};
use apigen_runtime::{plain, result};
use axum::body::Body;
use axum::extract::Request;
use axum::routing::MethodFilter;
use serde_json::{json, Map, Value};
use tower::ServiceExt;

struct Ops<S>(PhantomData<S>);

/// The handler: refuses every item named `taken` (twice: no `name`, and the name itself),
/// fails the request when an item is named `boom`, refuses without naming an item when one
/// is named `nobody`, and otherwise answers the items it was given.
#[allow(clippy::result_large_err)] // as big as the ApiError it may hold
fn decide(items: Vec<Map<String, Value>>) -> Result<Vec<Map<String, Value>>, BatchError> {
    let name =
        |item: &Map<String, Value>| item.get("name").and_then(Value::as_str).map(str::to_string);
    if items.iter().any(|i| name(i).as_deref() == Some("boom")) {
        return Err(ApiError::conflict("boom").into());
    }
    if items.iter().any(|i| name(i).as_deref() == Some("nobody")) {
        return Err(BatchError::Refused(Vec::new()));
    }
    let mut refused = Vec::new();
    // Refusals in any order: the failure lists them in request order.
    for (index, item) in items.iter().enumerate().rev() {
        if name(item).as_deref() == Some("taken") {
            refused.push(ItemRefusal::new(index, "the name is taken").with_field("name"));
            refused.push(ItemRefusal::new(index, "and taken again"));
        }
    }
    if refused.is_empty() {
        Ok(items)
    } else {
        Err(refused.into())
    }
}

fn post_things<S: ServerStyle>(
    app: Arc<App<Ops<S>>>,
    request: Request,
    routed: Routed,
) -> Handling {
    let (mut parts, body) = request.into_parts();
    let mut ex = app.exchange(&parts, routed);
    Box::pin(async move {
        let mut ctx = app.authorize(&mut ex, &mut parts).await?;
        let (items, raw) =
            write_batch::<S, Map<String, Value>>(&ex, &mut ctx, parts, body, true).await?;
        let saved = batch_outcome::<S, _>(&ex, &raw, decide(items))?;
        Ok(S::render_written(&ex, status(200), saved, false))
    })
}

static ROUTES: &[Route] = &[Route {
    path: "/things",
    method: MethodFilter::POST,
    allow: "POST",
    body: true,
    op: OpInfo {
        operation_id: "createThings",
        collection_key: "things",
        addresses_item: false,
        parent_path: None,
        security: &[],
    },
}];

impl<S: ServerStyle> Operations for Ops<S> {
    type App = ();
    type Style = S;
    const API_VERSION: &'static str = "v1";
    const OPENAPI_JSON: &'static str = "{}";
    const ROUTES: &'static [Route] = ROUTES;
    const SECURITY_SCHEMES: &'static [SecurityScheme] = &[];

    fn handlers() -> Vec<Handle<Self>> {
        vec![post_things::<S>]
    }

    async fn authenticate(_app: &(), _: AuthRequest) -> Result<Principal, ApiError> {
        Ok(Principal::new("anyone"))
    }
}

async fn post<S: ServerStyle>(body: Value) -> (u16, Value) {
    let router = RouterBuilder::<Ops<S>>::new(()).build();
    let request = Request::post("/things")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn result_refusals_are_a_failure_naming_each_item_in_request_order() {
    let (code, body) = post::<result::Style>(json!({"things": [
        {"name": "taken", "n": 0}, {"name": "free"}, {"name": "taken", "n": 2}
    ]}))
    .await;
    let errors = json!([
        {"type": "validation", "code": 422, "message": "the name is taken", "field": "name"},
        {"type": "validation", "code": 422, "message": "and taken again"}
    ]);
    assert_eq!(code, 422);
    assert_eq!(
        body,
        json!({
            "result": "failure",
            "failures": [
                {"rawData": {"name": "taken", "n": 0}, "errors": errors},
                {"rawData": {"name": "taken", "n": 2}, "errors": errors}
            ],
            "metadata": {"receivedItemsCount": 3, "validItems": [1], "invalidItems": [0, 2]}
        })
    );
}

#[tokio::test]
async fn result_batches_that_are_not_refused_answer_what_was_saved() {
    let (code, body) =
        post::<result::Style>(json!({"things": [{"name": "a"}, {"name": "b"}]})).await;
    assert_eq!(code, 200);
    assert_eq!(body["things"], json!([{"name": "a"}, {"name": "b"}]));
    assert_eq!(body["metadata"]["validItems"], json!([0, 1]));
}

#[tokio::test]
async fn a_batch_error_is_an_error_and_an_empty_refusal_a_500() {
    let (code, body) = post::<result::Style>(json!({"things": [{"name": "boom"}]})).await;
    assert_eq!((code, &body["result"]), (409, &json!("error")), "{body}");
    let (code, body) = post::<result::Style>(json!({"things": [{"name": "nobody"}]})).await;
    assert_eq!(
        (code, &body["error"]["type"]),
        (500, &json!("system")),
        "{body}"
    );
}

/// A style without batches answers the first refusal as a 422 error naming its field.
#[tokio::test]
async fn one_item_styles_answer_the_first_refusal_as_an_error() {
    let (code, body) = post::<plain::Style>(json!({"name": "taken"})).await;
    assert_eq!(code, 422);
    assert_eq!(body["message"], json!("the name is taken"), "{body}");
}
