//! Behaviour of the responses generated from `crates/gen/tests/fixtures/responses.yaml`:
//! every declared success status answered by the generated server and read back by the
//! generated client, over HTTP, with the declared headers typed.
//!
//! Not a test of this crate: `scripts/check-snapshots.sh` copies it into the generated
//! `snap-responses-<style>` crate of every style, naming that crate `api`, and runs it there
//! with `cargo test`.

use api::client::Client;
use api::server::{router, Api, ApiError, AuthRequest, Principal, RequestContext, WithHeaders};
use api::types::*;

/// Answers each declared case, by the job's id.
struct Jobs;

fn job(id: &str) -> Job {
    Job {
        id: id.to_string(),
        state: Some("queued".to_string()),
    }
}

impl Api for Jobs {
    async fn authenticate(&self, _: AuthRequest) -> Result<Principal, ApiError> {
        Ok(Principal::new("anyone"))
    }

    async fn get_job(
        &self,
        _: RequestContext,
        job_id: String,
    ) -> Result<WithHeaders<Job, GetJobHeaders>, ApiError> {
        let headers = GetJobHeaders {
            last_modified: "Wed, 21 Oct 2015 07:28:00 GMT".to_string(),
            x_tags: Some("a,b".to_string()),
            x_untyped: None,
        };
        Ok(WithHeaders::new(job(&job_id), headers))
    }

    async fn put_job(
        &self,
        _: RequestContext,
        job_id: String,
        body: Job,
    ) -> Result<PutJobResponse, ApiError> {
        Ok(match job_id.as_str() {
            "new" => PutJobResponse::Created(body),
            "same" => PutJobResponse::NoContent(WithHeaders::new((), PutJob204Headers { type_: true })),
            _ => PutJobResponse::Ok(WithHeaders::new(
                body,
                PutJobHeaders {
                    etag: "\"v2\"".to_string(),
                    x_rate: Some(-3),
                },
            )),
        })
    }

    async fn cancel_job(&self, _: RequestContext, job_id: String) -> Result<CancelJobResponse, ApiError> {
        Ok(match job_id.as_str() {
            "done" => CancelJobResponse::NoContent,
            "odd" => CancelJobResponse::Status299,
            _ => CancelJobResponse::Accepted(WithHeaders::new(
                job(&job_id),
                CancelJobHeaders {
                    x_queue_position: 4,
                    x_color: Some(CancelJobHeadersXColor::Blue),
                },
            )),
        })
    }
}

async fn serve() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router(Jobs)).await });
    Client::new(base).expect("client")
}

/// The style's name, from the crate's embedded wire spec.
fn style() -> String {
    let wire: serde_json::Value = serde_json::from_str(api::OPENAPI_JSON).expect("wire spec");
    wire["x-apigen-style"].as_str().expect("the style").to_string()
}

#[tokio::test]
async fn every_declared_status_is_answered_and_read_back() {
    let client = serve().await;
    let result = style() == "result";

    let got = client.get_job_with_meta("j1").await.expect("get");
    assert_eq!(got.value.body, job("j1"));
    assert_eq!(got.value.headers.last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");
    assert_eq!(got.value.headers.x_tags.as_deref(), Some("a,b"));
    assert_eq!(got.value.headers.x_untyped, None);

    let replaced = client.put_job_with_meta("j1", &job("j1")).await.expect("put");
    assert_eq!(replaced.info.status, 200);
    match replaced.value {
        PutJobResponse::Ok(ok) => {
            assert_eq!(ok.body, job("j1"));
            assert_eq!(ok.headers.etag, "\"v2\"");
            assert_eq!(ok.headers.x_rate, Some(-3));
        }
        other => panic!("expected the 200 case: {other:?}"),
    }

    // `result` has no `201`: it travels as `200`, and reads back as the `200` case only
    // when that case's headers are there, which they are not: so as the `201` case.
    let created = client.put_job_with_meta("new", &job("new")).await.expect("put new");
    assert_eq!(created.info.status, if result { 200 } else { 201 });
    assert_eq!(created.value, PutJobResponse::Created(job("new")));
    if !result {
        assert_eq!(created.info.location(), Some("/jobs/new"));
    }

    let same = client.put_job_with_meta("same", &job("same")).await.expect("put same");
    let expected = match style().as_str() {
        "plain" => 204,
        _ => 200,
    };
    assert_eq!(same.info.status, expected);
    assert_eq!(
        same.value,
        PutJobResponse::NoContent(WithHeaders::new((), PutJob204Headers { type_: true }))
    );

    let accepted = client.cancel_job_with_meta("j2").await.expect("cancel");
    assert_eq!(accepted.info.status, 202);
    match accepted.value {
        CancelJobResponse::Accepted(a) => {
            assert_eq!(a.body, job("j2"));
            assert_eq!(a.headers.x_queue_position, 4);
            assert_eq!(a.headers.x_color, Some(CancelJobHeadersXColor::Blue));
        }
        other => panic!("expected the 202 case: {other:?}"),
    }
    // The router's `Content-Type` stays: the declared one is not the handler's to set.
    assert_eq!(accepted.info.headers["content-type"], "application/json");

    let done = client.cancel_job_with_meta("done").await.expect("cancel done");
    assert_eq!(done.value, CancelJobResponse::NoContent);
    let odd = client.cancel_job_with_meta("odd").await.expect("cancel odd");
    assert_eq!(odd.info.status, 299);
    assert_eq!(odd.value, CancelJobResponse::Status299);
}
