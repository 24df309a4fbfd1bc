//! The tracing span of every request, in a test binary of its own: a subscriber set for
//! one test must not race with other tests' requests for the span's callsite interest.

mod things;

use std::sync::Arc;

use apigen_runtime::enveloped;
use apigen_runtime::server::RouterBuilder;
use axum::body::Body;
use axum::extract::Request;
use things::{get, send, Ops};

/// Records every span's fields (`name=value`), as a subscriber would see them.
#[derive(Clone, Default)]
struct Spans(Arc<std::sync::Mutex<Vec<std::collections::BTreeMap<String, String>>>>);

struct Fields<'a>(&'a mut std::collections::BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S> tracing_subscriber::Layer<S> for Spans
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = std::collections::BTreeMap::new();
        fields.insert("name".to_string(), attrs.metadata().name().to_string());
        attrs.record(&mut Fields(&mut fields));
        let mut spans = self.0.lock().unwrap();
        let index = spans.len();
        spans.push(fields);
        ctx.span(id).unwrap().extensions_mut().insert(index);
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let index = *ctx.span(id).unwrap().extensions().get::<usize>().unwrap();
        values.record(&mut Fields(&mut self.0.lock().unwrap()[index]));
    }
}

#[tokio::test]
async fn every_request_has_a_span_with_its_operation_ids_method_path_status_and_latency() {
    use tracing_subscriber::layer::SubscriberExt;
    let spans = Spans::default();
    let _subscriber =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    // Other tests, on other threads and without a subscriber, may have registered the
    // span's callsite as uninteresting meanwhile.
    tracing::callsite::rebuild_interest_cache();
    let router = RouterBuilder::<Ops<enveloped::Style>>::new(()).build();
    let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let request = Request::builder()
        .uri("/things/a")
        .header("traceparent", traceparent)
        .header("authorization", "Bearer ok")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(router.clone(), request).await.0, 200);
    assert_eq!(send(router, get("/nowhere")).await.0, 404);
    let spans = spans.0.lock().unwrap().clone();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let mut read = spans[0].clone();
    let latency: f64 = read.remove("latency_ms").unwrap().parse().unwrap();
    assert!(latency >= 0.0);
    let expected: std::collections::BTreeMap<String, String> = [
        ("name", "request"),
        ("operation_id", "getThing"),
        ("request_id", "0af7651916cd43dd8448eb211c80319c"),
        ("method", "GET"),
        ("path", "/things/{id}"),
        ("status", "200"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(read, expected);
    assert_eq!(
        (
            spans[1]["status"].as_str(),
            spans[1]["operation_id"].as_str()
        ),
        ("404", "")
    );
}
