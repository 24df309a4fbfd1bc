//! The crate generated from `specs/fixtures/security.yaml`, served on loopback: every
//! security scheme type is read where the spec puts it and handed to `authenticate`; a
//! requirement naming two schemes needs both (AND), alternatives are tried in order (OR);
//! scopes are checked (403 `forbidden`); and no operation is open unless the spec says so.
//! The generated client sends each scheme as the spec declares it.

use std::net::SocketAddr;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use sec::client::Client;
use sec::server::{
    router, Api, ApiError, AuthRequest, PeerCertificate, Principal, RequestContext, SchemeKind,
    Secret,
};
use sec::types::Who;

struct Service;

/// The principal a credential stands for: its subject part and the scopes it grants.
fn check(scheme: &str, kind: SchemeKind, secret: &Secret) -> Option<(String, Vec<String>)> {
    let scopes = |s: &[&str]| s.iter().map(|s| s.to_string()).collect();
    match (kind, secret) {
        (SchemeKind::HttpBearer, Secret::Token(t)) if t == "bearer-token" => {
            Some((scheme.into(), vec![]))
        }
        // base64 of `ann:secret`.
        (SchemeKind::HttpBasic, Secret::Basic(b)) if b == "YW5uOnNlY3JldA==" => {
            Some((scheme.into(), vec![]))
        }
        (SchemeKind::Http, Secret::Authorization(a)) if a == "Digest username=ann" => {
            Some((scheme.into(), vec![]))
        }
        (SchemeKind::ApiKeyHeader, Secret::ApiKey(k)) if k == "header-key" => {
            Some((scheme.into(), vec![]))
        }
        (SchemeKind::ApiKeyQuery, Secret::ApiKey(k)) if k == "query-key" => {
            Some((scheme.into(), vec![]))
        }
        (SchemeKind::ApiKeyCookie, Secret::ApiKey(k)) if k == "cookie-key" => {
            Some((scheme.into(), vec![]))
        }
        (SchemeKind::OAuth2 | SchemeKind::OpenIdConnect, Secret::Token(t)) => match t.as_str() {
            "reader" => Some((scheme.into(), scopes(&["widgets:read"]))),
            "admin" => Some((scheme.into(), scopes(&["openid", "admin"]))),
            "user" => Some((scheme.into(), scopes(&["openid"]))),
            _ => None,
        },
        (SchemeKind::MutualTls, Secret::Certificate(PeerCertificate(chain)))
            if chain.first().is_some_and(|leaf| leaf == b"client-cert") =>
        {
            Some((scheme.into(), vec![]))
        }
        _ => None,
    }
}

impl Api for Service {
    async fn authenticate(&self, request: AuthRequest) -> Result<Principal, ApiError> {
        if request.credentials.is_empty() {
            return Err(ApiError::token_missing());
        }
        let mut subjects = Vec::new();
        let mut principal = Principal::default();
        for credential in &request.credentials {
            let (subject, scopes) = check(credential.scheme, credential.kind, &credential.secret)
                .ok_or_else(ApiError::token_invalid)?;
            subjects.push(subject);
            principal.scopes.extend(scopes);
        }
        principal.subject = subjects.join("+");
        Ok(principal)
    }

    async fn get_open(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_optional(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_root_default(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_basic(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_digest(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_header_key(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_query_key(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_cookie_key(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_oauth(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_oidc(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_mtls(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_both(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_either(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
    async fn get_undeclared(&self, ctx: RequestContext) -> Result<Who, ApiError> {
        Ok(who(ctx))
    }
}

fn who(ctx: RequestContext) -> Who {
    Who {
        subject: ctx
            .principal
            .map_or_else(|| "anonymous".to_string(), |p| p.subject),
    }
}

/// Stands in for a TLS acceptor that verified a client certificate: the test's
/// `x-test-client-cert` header becomes the connection's [`PeerCertificate`].
async fn tls_acceptor(mut request: Request, next: Next) -> Response {
    if let Some(cert) = request.headers().get("x-test-client-cert") {
        let chain = vec![cert.as_bytes().to_vec()];
        request.extensions_mut().insert(PeerCertificate(chain));
    }
    next.run(request).await
}

async fn serve() -> String {
    let app = router(Service).layer(axum::middleware::from_fn(tls_acceptor));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

/// A raw GET: (status, `kind`, `subject`).
async fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();
    let text = |key: &str| body[key].as_str().unwrap_or_default().to_string();
    (status, text("kind"), text("subject"))
}

fn ok(subject: &str) -> (u16, String, String) {
    (200, String::new(), subject.to_string())
}

fn refused(status: u16, kind: &str) -> (u16, String, String) {
    (status, kind.to_string(), String::new())
}

#[tokio::test]
async fn every_scheme_type_is_read_where_the_spec_puts_it() {
    let base = serve().await;
    let bearer = ("authorization", "Bearer bearer-token");
    assert_eq!(get(&base, "/root-default", &[bearer]).await, ok("bearer"));
    let basic = ("authorization", "Basic YW5uOnNlY3JldA==");
    assert_eq!(get(&base, "/basic", &[basic]).await, ok("basic"));
    let digest = ("authorization", "Digest username=ann");
    assert_eq!(get(&base, "/digest", &[digest]).await, ok("digest"));
    let header = ("x-api-key", "header-key");
    assert_eq!(get(&base, "/header-key", &[header]).await, ok("headerKey"));
    assert_eq!(
        get(&base, "/query-key?api_key=query-key", &[]).await,
        ok("queryKey")
    );
    let cookie = ("cookie", "theme=dark; session=cookie-key");
    assert_eq!(get(&base, "/cookie-key", &[cookie]).await, ok("cookieKey"));
    let reader = ("authorization", "Bearer reader");
    assert_eq!(get(&base, "/oauth", &[reader]).await, ok("oauth"));
    let admin = ("authorization", "Bearer admin");
    assert_eq!(get(&base, "/oidc", &[admin]).await, ok("oidc"));
    let cert = ("x-test-client-cert", "client-cert");
    assert_eq!(get(&base, "/mtls", &[cert]).await, ok("mtls"));

    // Each read from its own place only: a key in the wrong place is no credential.
    let missing = refused(401, "token_missing");
    assert_eq!(get(&base, "/root-default", &[]).await, missing);
    assert_eq!(get(&base, "/basic", &[bearer]).await, missing);
    assert_eq!(get(&base, "/digest", &[basic]).await, missing);
    assert_eq!(
        get(&base, "/header-key?x-api-key=header-key", &[]).await,
        missing
    );
    assert_eq!(
        get(&base, "/query-key", &[("api_key", "query-key")]).await,
        missing
    );
    assert_eq!(
        get(&base, "/cookie-key", &[("session", "cookie-key")]).await,
        missing
    );
    assert_eq!(get(&base, "/mtls", &[]).await, missing);
    // A wrong secret is refused by `authenticate`.
    let invalid = refused(401, "token_invalid");
    let wrong = ("authorization", "Bearer nope");
    assert_eq!(get(&base, "/root-default", &[wrong]).await, invalid);
    assert_eq!(get(&base, "/oauth", &[wrong]).await, invalid);
    let wrong_cert = ("x-test-client-cert", "someone-else");
    assert_eq!(get(&base, "/mtls", &[wrong_cert]).await, invalid);
}

#[tokio::test]
async fn scopes_are_checked() {
    let base = serve().await;
    // `oauth` needs `widgets:read`; `oidc` needs `openid` and `admin`.
    let user = ("authorization", "Bearer user");
    let forbidden = refused(403, "forbidden");
    assert_eq!(get(&base, "/oauth", &[user]).await, forbidden);
    assert_eq!(get(&base, "/oidc", &[user]).await, forbidden);
    let reader = ("authorization", "Bearer reader");
    assert_eq!(get(&base, "/oidc", &[reader]).await, forbidden);
    let admin = ("authorization", "Bearer admin");
    assert_eq!(get(&base, "/oidc", &[admin]).await, ok("oidc"));
}

#[tokio::test]
async fn a_requirement_needs_all_its_schemes_and_alternatives_are_tried_in_order() {
    let base = serve().await;
    let header = ("x-api-key", "header-key");
    let cookie = ("cookie", "session=cookie-key");
    // AND: both, or refused.
    assert_eq!(
        get(&base, "/both", &[header, cookie]).await,
        ok("headerKey+cookieKey")
    );
    let missing = refused(401, "token_missing");
    assert_eq!(get(&base, "/both", &[header]).await, missing);
    assert_eq!(get(&base, "/both", &[cookie]).await, missing);
    let bad_cookie = ("cookie", "session=stolen");
    assert_eq!(
        get(&base, "/both", &[header, bad_cookie]).await,
        refused(401, "token_invalid")
    );
    // OR: basic, else the query key; a refused first alternative falls through.
    let basic = ("authorization", "Basic YW5uOnNlY3JldA==");
    assert_eq!(get(&base, "/either", &[basic]).await, ok("basic"));
    assert_eq!(
        get(&base, "/either?api_key=query-key", &[]).await,
        ok("queryKey")
    );
    assert_eq!(
        get(&base, "/either?api_key=query-key", &[basic]).await,
        ok("basic")
    );
    let bad_basic = ("authorization", "Basic Ym9iOng=");
    assert_eq!(
        get(&base, "/either?api_key=query-key", &[bad_basic]).await,
        ok("queryKey")
    );
    assert_eq!(
        get(&base, "/either", &[bad_basic]).await,
        refused(401, "token_invalid")
    );
    assert_eq!(get(&base, "/either", &[]).await, missing);
}

#[tokio::test]
async fn no_operation_is_open_by_accident() {
    let base = serve().await;
    // Open because the spec says so: `security: []`, or an empty alternative.
    assert_eq!(get(&base, "/open", &[]).await, ok("anonymous"));
    assert_eq!(get(&base, "/optional", &[]).await, ok("anonymous"));
    // The root requirement applies where the operation has none.
    assert_eq!(
        get(&base, "/root-default", &[]).await,
        refused(401, "token_missing")
    );
    // A scheme the spec does not declare is never satisfied, whatever is sent.
    let everything: &[(&str, &str)] = &[
        ("authorization", "Bearer bearer-token"),
        ("x-api-key", "header-key"),
        ("cookie", "session=cookie-key; ghost=1"),
        ("ghost", "1"),
        ("x-test-client-cert", "client-cert"),
    ];
    assert_eq!(
        get(&base, "/undeclared?ghost=1&api_key=query-key", everything).await,
        refused(401, "token_missing")
    );
}

#[tokio::test]
async fn the_generated_client_sends_each_scheme_where_the_spec_puts_it() {
    let base = serve().await;
    let client = Client::builder(base.clone())
        .credential("bearer", "bearer-token")
        .credential("basic", "ann:secret")
        .credential("digest", "username=ann")
        .credential("headerKey", "header-key")
        .credential("queryKey", "query-key")
        .credential("cookieKey", "cookie-key")
        .credential("oauth", "reader")
        .credential("oidc", "admin")
        .build()
        .unwrap();
    let subject = |who: Who| who.subject;
    assert_eq!(subject(client.get_root_default().await.unwrap()), "bearer");
    assert_eq!(subject(client.get_basic().await.unwrap()), "basic");
    assert_eq!(subject(client.get_digest().await.unwrap()), "digest");
    assert_eq!(subject(client.get_header_key().await.unwrap()), "headerKey");
    assert_eq!(subject(client.get_query_key().await.unwrap()), "queryKey");
    assert_eq!(subject(client.get_cookie_key().await.unwrap()), "cookieKey");
    assert_eq!(subject(client.get_oauth().await.unwrap()), "oauth");
    assert_eq!(subject(client.get_oidc().await.unwrap()), "oidc");
    assert_eq!(
        subject(client.get_both().await.unwrap()),
        "headerKey+cookieKey"
    );
    assert_eq!(subject(client.get_either().await.unwrap()), "basic");

    // With only some credentials: the first complete requirement is sent, else nothing.
    let partial = Client::builder(base.clone())
        .credential("headerKey", "header-key")
        .credential("queryKey", "query-key")
        .build()
        .unwrap();
    assert_eq!(subject(partial.get_either().await.unwrap()), "queryKey");
    let error = partial.get_both().await.unwrap_err();
    assert_eq!(
        (error.status().map(|s| s.as_u16()), error.kind()),
        (Some(401), Some("token_missing"))
    );
    // mutualTLS takes its credential from the connection, not from a secret.
    assert!(Client::builder(base)
        .credential("mtls", "anything")
        .build()
        .is_err());
}
